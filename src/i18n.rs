//! Interface languages and translated strings from `locales/` (az, ru, en).
//!
//! Every lookup names its language explicitly instead of using rust-i18n's global locale, so
//! that a window, a PDF in another language and tests running in parallel never interfere.

use std::fmt;

use crate::domain::advice::{Change, Relaxation, RuleOutcome, RuleValues};
use crate::domain::{CareType, Need, Refusal, Rule, ValidationErrors};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Az,
    Ru,
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Az, Lang::Ru, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Az => "az",
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The language's own name, shown in the language switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Az => "Azərbaycanca",
            Lang::Ru => "Русский",
            Lang::En => "English",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.native_name())
    }
}

/// The translation of `key`; a missing key shows as the key itself (and fails the locale
/// completeness test).
pub fn tr(lang: Lang, key: &str) -> String {
    crate::_rust_i18n_translate(lang.code(), key).into_owned()
}

/// The translation of `key` with `%{name}` placeholders filled in.
pub fn tr_args(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
    let mut text = tr(lang, key);
    for (name, value) in args {
        text = text.replace(&format!("%{{{name}}}"), value);
    }
    text
}

/// True when the key exists in the language (for the completeness test and tools).
pub fn has_key(lang: Lang, key: &str) -> bool {
    crate::_rust_i18n_try_translate(lang.code(), key).is_some()
}

/// The label of a coded value (`need.disability` …).
pub fn code_label(lang: Lang, locale_key: &str) -> String {
    tr(lang, locale_key)
}

fn code_labels<T: Copy>(lang: Lang, values: &[T], key: impl Fn(T) -> String) -> String {
    if values.is_empty() {
        return tr(lang, "matching.none");
    }
    values
        .iter()
        .map(|&v| tr(lang, &key(v)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A distance in the interface language ("12.3 km", "12,3 км").
pub fn km(lang: Lang, km: f64, decimals: usize) -> String {
    tr_args(lang, "common.km", &[("km", format!("{km:.decimals$}"))])
}

/// A rule's compared values — the child's side and the family's side — in the interface
/// language: codes become their labels, ages and distances keep their numbers.
pub fn rule_values(lang: Lang, outcome: &RuleOutcome) -> (String, String) {
    match &outcome.values {
        RuleValues::Age {
            child_age,
            age_min,
            age_max,
        } => (
            tr_args(lang, "child.age_years", &[("years", child_age.to_string())]),
            tr_args(
                lang,
                "matching.age_range",
                &[("min", age_min.to_string()), ("max", age_max.to_string())],
            ),
        ),
        RuleValues::CareType { child, family } => (
            tr(lang, &child.locale_key()),
            code_labels(lang, family, CareType::locale_key),
        ),
        RuleValues::Needs { child, family } => (
            code_labels(lang, child, Need::locale_key),
            code_labels(lang, family, Need::locale_key),
        ),
        RuleValues::Sex { child, family } => (
            tr(lang, &child.locale_key()),
            tr(lang, &family.locale_key()),
        ),
        RuleValues::Distance {
            distance_km,
            limit_km,
        } => (
            km(lang, *distance_km, 1),
            tr_args(
                lang,
                "matching.limit_km",
                &[("km", format!("{limit_km:.0}"))],
            ),
        ),
        RuleValues::Excluded { child, excluded } => (
            child.clone(),
            tr(
                lang,
                if *excluded {
                    "matching.pair_excluded"
                } else {
                    "matching.not_excluded"
                },
            ),
        ),
    }
}

/// A rule's name in the interface language.
pub fn rule_label(lang: Lang, rule: Rule) -> String {
    tr(lang, &rule.locale_key())
}

/// A relaxation hint as a sentence in the interface language.
pub fn relaxation_text(lang: Lang, relaxation: &Relaxation) -> String {
    let (key, required) = match &relaxation.change {
        Change::Distance {
            limit_km,
            childs_own: true,
            ..
        } => ("matching.relax_distance_own", format!("{limit_km:.0}")),
        Change::Distance { limit_km, .. } => ("matching.relax_distance", format!("{limit_km:.0}")),
        Change::Age {
            age_min, age_max, ..
        } => (
            "matching.relax_age",
            tr_args(
                lang,
                "matching.age_range",
                &[("min", age_min.to_string()), ("max", age_max.to_string())],
            ),
        ),
        Change::Sex { .. } => ("matching.relax_sex", String::new()),
        Change::CareType { care_type } => (
            "matching.relax_care_type",
            tr(lang, &care_type.locale_key()),
        ),
        Change::Needs { needs } => (
            "matching.relax_needs",
            code_labels(lang, needs, Need::locale_key),
        ),
        Change::Places { free_places, .. } => ("matching.relax_places", free_places.to_string()),
        Change::Excluded => ("matching.relax_excluded", String::new()),
    };
    tr_args(
        lang,
        key,
        &[
            ("family", relaxation.family.clone()),
            ("required", required),
        ],
    )
}

/// A refusal in a language (the window's, or English for the command line).
impl Refusal {
    /// Values written `@key` (a role, an action) are locale keys, worded in `lang` too.
    pub fn message(&self, lang: Lang) -> String {
        let args: Vec<(&'static str, String)> = self
            .args
            .iter()
            .map(|(name, value)| match value.strip_prefix('@') {
                Some(key) => (*name, tr(lang, key)),
                None => (*name, value.clone()),
            })
            .collect();
        tr_args(lang, self.key, &args)
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

/// Validation errors in English, `field: message; …` (the command line and logs; the window
/// shows each error in the user's language next to its field).
impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            let message = tr_args(Lang::En, error.key, &error.args);
            write!(f, "{}: {}", error.field, message)?;
        }
        Ok(())
    }
}

/// A lock's or an exclusion's reason in a language: an exclusion set by a placement's end
/// starts with the end reason's code ("breakdown 2026-03-10: …").
pub fn pair_rule_reason(lang: Lang, reason: &str) -> String {
    let mut words = reason.splitn(2, ' ');
    match (
        words.next().and_then(crate::domain::EndReason::from_code),
        words.next(),
    ) {
        (Some(end), rest) => format!(
            "{} {}",
            tr(lang, &end.locale_key()),
            rest.unwrap_or_default()
        ),
        (None, _) => reason.to_owned(),
    }
}

/// The label of an audit entry's action or entity (`prefix` "audit.action" or "audit.entity"),
/// or the code itself where there is none.
pub fn audit_label(lang: Lang, prefix: &str, code: &str) -> String {
    let key = format!("{prefix}.{code}");
    if has_key(lang, &key) {
        tr(lang, &key)
    } else {
        code.to_owned()
    }
}

/// An audit entry's text in a language: its values that are codes (a decision, an end reason,
/// a child's status, a lock or an exclusion, yes/no, the fields a change touched) get their
/// labels; codes of records, dates and numbers stay as they are.
pub fn audit_text(lang: Lang, text: &crate::domain::AuditText) -> String {
    let label = |key: String, code: &str| {
        if has_key(lang, &key) {
            tr(lang, &key)
        } else {
            code.to_owned()
        }
    };
    let args: Vec<(&str, String)> = text
        .args
        .iter()
        .map(|(name, value)| {
            let shown = match name.as_str() {
                "decision" => label(format!("decision_outcome.{value}"), value),
                "end_reason" => label(format!("end_reason.{value}"), value),
                "from_status" | "to_status" => label(format!("child_status.{value}"), value),
                "kind" => label(format!("audit.action.{value}"), value),
                "quorum" => label(format!("common.{value}"), value),
                "role" => label(format!("role.{value}"), value),
                "reason" => pair_rule_reason(lang, value),
                "fields" => value
                    .split(", ")
                    .filter(|f| !f.is_empty())
                    .map(|f| label(format!("field.{f}"), f))
                    .collect::<Vec<_>>()
                    .join(", "),
                _ => value.clone(),
            };
            (name.as_str(), shown)
        })
        .collect();
    tr_args(lang, &text.key, &args)
}
