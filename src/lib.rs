//! Yuva — the local registry and placement-matching tool for Azerbaijan's foster-care pilot.
//!
//! The library knows nothing of the window: `domain`, `store`, `geo` and `demo` are used alike
//! by the GUI (`ui`), the command line and the tests. `ui` depends on them, never the reverse.

// Translations from locales/ (az, ru, en), looked up with an explicit language (see `i18n`).
rust_i18n::i18n!("locales");

pub mod assets;
pub mod demo;
pub mod domain;
pub mod exchange;
pub mod files;
pub mod geo;
#[cfg(feature = "hub")]
pub mod hub;
pub mod i18n;
pub mod keystore;
pub mod matching;
pub mod report;
pub mod settings;
pub mod store;
pub mod sync;
#[cfg(feature = "ui")]
pub mod ui;
