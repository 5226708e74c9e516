//! Plain types and rules of the registry: children, families, sibling groups, coded values,
//! validation, ages and Azerbaijani text handling.

pub mod access;
pub mod advice;
pub mod codes;
pub mod compatibility;
pub mod dashboard;
pub mod indicators;
pub mod listing;
pub mod model;
pub mod places;
pub mod sync;
pub mod text;
pub mod validation;
pub mod workflow;

pub use codes::*;
pub use compatibility::{Ineligibility, Rule};
pub use model::*;
pub use places::Places;
pub use validation::{Context, FieldError, ValidationErrors};
pub use workflow::*;
