//! Conversions between records and columns: code sets as JSON arrays of codes, dates as ISO
//! text. A value that does not decode is reported as a damaged record, never guessed.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::StoreError;

pub(super) fn encode_set<T: serde::Serialize + Ord>(set: &BTreeSet<T>) -> String {
    serde_json::to_string(set).unwrap_or_else(|_| String::from("[]"))
}

pub(super) fn decode_set<T: serde::de::DeserializeOwned + Ord>(
    text: &str,
    entity: &'static str,
    id: i64,
) -> Result<BTreeSet<T>, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt {
        entity,
        id,
        message: format!("code list {text:?}: {e}"),
    })
}

pub(super) fn encode_date(date: Option<NaiveDate>) -> Option<String> {
    date.map(|d| d.to_string())
}

pub(super) fn decode_date(
    text: Option<String>,
    entity: &'static str,
    id: i64,
) -> Result<Option<NaiveDate>, StoreError> {
    text.map(|t| {
        NaiveDate::parse_from_str(&t, "%Y-%m-%d").map_err(|e| StoreError::Corrupt {
            entity,
            id,
            message: format!("date {t:?}: {e}"),
        })
    })
    .transpose()
}

pub(super) fn required_date(
    text: String,
    entity: &'static str,
    id: i64,
) -> Result<NaiveDate, StoreError> {
    decode_date(Some(text), entity, id)?.ok_or(StoreError::Corrupt {
        entity,
        id,
        message: String::from("missing date"),
    })
}

/// Decodes a coded value (`status`, `urgency`…) with the enum's `from_code`.
pub(super) fn decode_code<T>(
    code: &str,
    parse: impl Fn(&str) -> Option<T>,
    entity: &'static str,
    id: i64,
) -> Result<T, StoreError> {
    parse(code).ok_or_else(|| StoreError::Corrupt {
        entity,
        id,
        message: format!("unknown code {code:?}"),
    })
}

/// The version of the explanation JSON kept with agenda items. Version 1 (before the advice
/// was typed) stored the plan file's explanation object without a version.
const EXPLANATION_VERSION: u32 = 2;

#[derive(serde::Serialize)]
struct StoredExplanationRef<'a> {
    version: u32,
    explanation: &'a crate::domain::advice::Explanation,
}

#[derive(serde::Deserialize)]
struct StoredExplanation {
    version: u32,
    explanation: crate::domain::advice::Explanation,
}

/// An agenda item's explanation as versioned JSON (empty when the proposal came without one).
pub(super) fn encode_explanation(
    explanation: Option<&crate::domain::advice::Explanation>,
) -> String {
    explanation
        .and_then(|explanation| {
            serde_json::to_string(&StoredExplanationRef {
                version: EXPLANATION_VERSION,
                explanation,
            })
            .ok()
        })
        .unwrap_or_default()
}

/// The explanation kept with an agenda item; `None` when there is none or it was written by an
/// older Yuva in the untyped form (its rules are then not shown; see [`legacy_limit_km`]).
pub(super) fn decode_explanation(text: &str) -> Option<crate::domain::advice::Explanation> {
    serde_json::from_str::<StoredExplanation>(text)
        .ok()
        .filter(|stored| stored.version == EXPLANATION_VERSION)
        .map(|stored| stored.explanation)
}

/// The distance limit of an explanation in the untyped form of version 1, so that a decision
/// on an item proposed before the upgrade is re-checked under the limit it was proposed with.
pub(super) fn legacy_limit_km(text: &str) -> Option<f64> {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|e| e.get("limit_km").and_then(serde_json::Value::as_f64))
}
