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
