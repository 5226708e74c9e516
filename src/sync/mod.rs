//! Several offices, one registry: a registry syncs with the national hub over HTTPS. Local
//! changes go up in idempotent batches (a batch sent twice is taken once), others' changes come
//! down page by page (the cursor is kept after each page, so a sync cut short resumes where it
//! stopped), and a record changed both here and at the hub is kept twice, as a conflict for a
//! person. The device signs every request with its own ed25519 key (kept in the encrypted
//! registry), and trusts only the hub certificate it was enrolled with. An office without a
//! connection carries the same batches on a USB stick, in bundles (`bundle`).

pub mod bundle;
pub mod client;
pub mod offline;
pub mod protocol;

pub use bundle::BundleError;
pub use client::{SyncError, SyncProgress, SyncReport, enrol, sync};
pub use offline::{BundleExport, export_bundle, import_bundle};
