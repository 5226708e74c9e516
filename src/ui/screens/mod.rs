//! The screens of the window. Each owns its state, its `Message`, an `update` that may return
//! an `Event` for the application, and a `view`.

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
        errors.push(field, "error.invalid_date");
    }
    date
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

/// Suggestions shown under the district field while the user types.
const DISTRICT_SUGGESTIONS: usize = 8;

/// A district field: the user types part of a name (in any of the three languages, with or
/// without Azerbaijani letters) and picks from the matching districts and cities.
pub fn district_picker<'a, M: Clone + 'a>(
    env: &Env<'_>,
    query: &str,
    selected: Option<&str>,
    has_error: bool,
    on_query: impl Fn(String) -> M + 'a,
    on_pick: impl Fn(String) -> M + 'a,
) -> iced::Element<'a, M> {
    use iced::widget::{button, column, row, text, text_input};
    let input = text_input(&tr(env.lang, "family.district"), query)
        .id("location.district")
        .on_input(on_query)
        .padding(6)
        .style(move |theme, status| crate::ui::style::input(theme, status, has_error));
    let mut content = column![input].spacing(4);
    if selected.is_none() && !query.trim().is_empty() {
        let matches = env.gazetteer.search_districts(query);
        let buttons = matches.into_iter().take(DISTRICT_SUGGESTIONS).map(|u| {
            button(text(u.name(env.lang).to_owned()).size(14))
                .on_press(on_pick(u.code.clone()))
                .style(button::secondary)
                .padding([4, 10])
                .into()
        });
        content = content.push(row(buttons).spacing(6).wrap());
    }
    content.into()
}

/// The name of a district in the interface language ("" when none is chosen).
pub fn district_name(env: &Env<'_>, code: Option<&str>) -> String {
    code.and_then(|c| env.gazetteer.unit(c))
        .map(|u| u.name(env.lang).to_owned())
        .unwrap_or_default()
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

/// "—" and then the settlements of a district.
pub fn settlement_choices(env: &Env<'_>, district: &str) -> Vec<Choice<Option<String>>> {
    std::iter::once(Choice {
        value: None,
        label: tr(env.lang, "common.none"),
    })
    .chain(
        env.gazetteer
            .settlements_of(district)
            .into_iter()
            .map(|u| Choice {
                value: Some(u.code.clone()),
                label: u.name(env.lang).to_owned(),
            }),
    )
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
