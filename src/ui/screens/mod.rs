//! The screens of the window. Each owns its state, its `Message`, an `update` of one shape —
//! `update(&mut self, Message, &Env) -> (Task<Message>, Option<Event>)`: a task to run and an
//! event for the application — and a `view`.

pub mod audit;
pub mod child_form;
pub mod children;
pub mod dashboard;
pub mod families;
pub mod family_form;
pub mod matching;
pub mod panel;
pub mod placements;
pub mod settings;
pub mod sign_in;
pub mod sync;
pub mod welcome;

use std::collections::BTreeSet;

use chrono::NaiveDate;

use crate::domain::{Location, ValidationErrors, format_date, parse_date};
use crate::i18n::tr;
use crate::ui::Env;
use crate::ui::widgets::Choice;

/// A date as shown in a form field ("" when not recorded).
pub fn date_text(date: Option<NaiveDate>) -> String {
    date.map(format_date).unwrap_or_default()
}

/// Parses an optional date field; text that is not a date is an error on `field`.
pub fn parse_optional_date(
    value: &str,
    field: &str,
    errors: &mut ValidationErrors,
) -> Option<NaiveDate> {
    if value.trim().is_empty() {
        return None;
    }
    let date = parse_date(value);
    if date.is_none() {
        errors.push(field, crate::domain::date_error_key(value));
    }
    date
}

/// Adds the domain's errors to the form's own, leaving out fields the form already reports
/// (a date it could not read is not also "in the future").
pub fn merge_errors(errors: &mut ValidationErrors, domain: ValidationErrors) {
    for error in domain.errors {
        if errors.for_field(&error.field).is_none() {
            errors.errors.push(error);
        }
    }
}

/// Parses a required date field.
pub fn parse_required_date(
    value: &str,
    field: &str,
    errors: &mut ValidationErrors,
) -> Option<NaiveDate> {
    if value.trim().is_empty() {
        errors.push(field, "error.required");
        return None;
    }
    parse_optional_date(value, field, errors)
}

/// "All" and then every district, for list filters.
pub fn district_filter_choices(env: &Env<'_>) -> Vec<Choice<Option<String>>> {
    std::iter::once(Choice {
        value: None,
        label: tr(env.lang, "common.all"),
    })
    .chain(env.gazetteer.districts().map(|u| Choice {
        value: Some(u.code.clone()),
        label: u.name(env.lang).to_owned(),
    }))
    .collect()
}

/// "District" or "District, Settlement" in the interface language.
pub fn place_label(env: &Env<'_>, location: &Location) -> String {
    let Some(district) = env.gazetteer.unit(&location.district_code) else {
        return location.district_code.clone();
    };
    match location
        .settlement_code
        .as_deref()
        .and_then(|s| env.gazetteer.unit(s))
    {
        // A city's own centre (Bakı in Bakı) is not repeated.
        Some(settlement) if settlement.name_az != district.name_az => {
            format!("{}, {}", district.name(env.lang), settlement.name(env.lang))
        }
        _ => district.name(env.lang).to_owned(),
    }
}

pub fn toggle<T: Ord>(set: &mut BTreeSet<T>, value: T, on: bool) {
    if on {
        set.insert(value);
    } else {
        set.remove(&value);
    }
}

pub fn remove_row<T>(rows: &mut Vec<T>, index: usize) {
    if index < rows.len() {
        rows.remove(index);
    }
}

pub fn with_row<T>(rows: &mut [T], index: usize, change: impl FnOnce(&mut T)) {
    if let Some(row) = rows.get_mut(index) {
        change(row);
    }
}

/// A refused workflow step in the interface language; coded values in it get their labels.
pub fn refusal_text(lang: crate::i18n::Lang, refusal: &crate::domain::Refusal) -> String {
    let args: Vec<(&str, String)> = refusal
        .args
        .iter()
        .map(|(name, value)| {
            let prefix = match *name {
                "status" => Some("child_status"),
                "rule" => Some("rule"),
                "decision" => Some("decision"),
                _ => None,
            };
            let value = prefix
                .map(|p| format!("{p}.{value}"))
                .filter(|key| crate::i18n::has_key(lang, key))
                .map_or_else(|| value.clone(), |key| tr(lang, &key));
            (*name, value)
        })
        .collect();
    crate::i18n::tr_args(lang, refusal.key, &args)
}
