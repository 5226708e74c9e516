//! Interface languages and translated strings from `locales/` (az, ru, en).
//!
//! Every lookup names its language explicitly instead of using rust-i18n's global locale, so
//! that a window, a PDF in another language and tests running in parallel never interfere.

use crate::matching::Rule;
use std::fmt;

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

/// A rule's compared value in the interface language: codes become their labels, ages and
/// distances keep their numbers.
pub fn rule_value(lang: Lang, rule: Rule, raw: &str, child_side: bool) -> String {
    let numbers: Vec<&str> = raw
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter(|s| !s.is_empty())
        .collect();
    match rule {
        Rule::Age => match numbers.as_slice() {
            [age] => tr_args(lang, "child.age_years", &[("years", (*age).to_owned())]),
            [lo, hi, ..] => tr_args(
                lang,
                "matching.age_range",
                &[("min", (*lo).to_owned()), ("max", (*hi).to_owned())],
            ),
            _ => raw.to_owned(),
        },
        Rule::Distance => match numbers.first() {
            Some(km) if child_side => format!("{km} km"),
            Some(km) => tr_args(lang, "matching.limit_km", &[("km", (*km).to_owned())]),
            None => raw.to_owned(),
        },
        Rule::Excluded => {
            if child_side {
                raw.to_owned()
            } else if raw == "not excluded" {
                tr(lang, "matching.not_excluded")
            } else {
                tr(lang, "matching.pair_excluded")
            }
        }
        Rule::CareType | Rule::Needs | Rule::Sex => {
            let prefixes: &[&str] = match rule {
                Rule::CareType => &["care_type"],
                Rule::Needs => &["need"],
                _ if child_side => &["sex"],
                _ => &["sex_preference"],
            };
            let labels: Vec<String> = raw
                .split(", ")
                .map(|code| {
                    prefixes
                        .iter()
                        .map(|p| format!("{p}.{code}"))
                        .find(|key| has_key(lang, key))
                        .map(|key| tr(lang, &key))
                        .unwrap_or_else(|| {
                            if code == "none" {
                                tr(lang, "matching.none")
                            } else {
                                code.to_owned()
                            }
                        })
                })
                .collect();
            labels.join(", ")
        }
    }
}
