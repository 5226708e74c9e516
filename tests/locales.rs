//! Every visible string comes from locales/: the three languages have the same keys, and every
//! key the code uses exists in each.

use std::collections::BTreeSet;
use std::path::Path;

use yuva::i18n::{Lang, has_key};

fn keys_of(lang: &str) -> BTreeSet<String> {
    strings_of(lang).into_keys().collect()
}

#[test]
fn every_locale_has_the_same_keys() {
    let az = keys_of("az");
    assert!(az.len() > 200, "az.yml has {} keys", az.len());
    for lang in ["ru", "en"] {
        let other = keys_of(lang);
        let missing: Vec<_> = az.difference(&other).collect();
        let extra: Vec<_> = other.difference(&az).collect();
        assert!(missing.is_empty(), "{lang}.yml lacks {missing:?}");
        assert!(
            extra.is_empty(),
            "{lang}.yml has keys az.yml lacks: {extra:?}"
        );
    }
}

/// Literals in the source that look like keys but name files.
const NOT_KEYS: &[&str] = &[
    "settings.json",
    // Prefixes of the audit trail's entity and action labels, completed at run time.
    "audit.entity",
    "audit.action",
    // The prefix of the sign-in refusals, matched by the command line.
    "refusal.sign_in",
];

/// String literals in the source that look like locale keys ("family.new", "error.required").
fn keys_used_in_source() -> BTreeSet<String> {
    let prefixes = [
        "app.",
        "nav.",
        "welcome.",
        "common.",
        "family.",
        "child.",
        "settings.",
        "error.",
        "dashboard.",
        "matching.",
        "panel.",
        "placement.",
        "audit.",
        "refusal.",
        "rule.",
        "sign_in.",
        "role.",
        "action.",
        "export.",
        "import.",
        "indicators.",
    ];
    let mut keys = BTreeSet::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src").flatten() {
            let path = entry.path();
            if path.is_dir() {
                // The matching engine's literals are instance-file paths
                // ("settings.max_distance_km"), not window strings.
                if !path.ends_with("matching") {
                    stack.push(path);
                }
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            for literal in text.split('"').skip(1).step_by(2) {
                let is_key = prefixes.iter().any(|p| literal.starts_with(p))
                    && literal.len() > 4
                    && literal.chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_'
                    });
                if is_key && !NOT_KEYS.contains(&literal) {
                    keys.insert(literal.to_owned());
                }
            }
        }
    }
    keys
}

#[test]
fn every_key_used_by_the_code_exists_in_every_language() {
    let used = keys_used_in_source();
    assert!(used.len() > 150, "found only {} keys in src", used.len());
    let mut required: Vec<String> = used.into_iter().collect();
    required.extend(yuva::domain::all_code_keys());
    // Keys the window builds at run time: rule labels and month names.
    required.extend(
        yuva::matching::Rule::ALL
            .iter()
            .map(|r| format!("rule.{}", r.code())),
    );
    required.extend((1..=12).map(|m| format!("month.{m}")));
    for lang in Lang::ALL {
        let missing: Vec<&String> = required.iter().filter(|k| !has_key(lang, k)).collect();
        assert!(missing.is_empty(), "{} lacks {missing:?}", lang.code());
    }
}

#[test]
fn the_interface_speaks_azerbaijani_by_default() {
    assert_eq!(Lang::default(), Lang::Az);
    assert_eq!(yuva::i18n::tr(Lang::Az, "nav.families"), "Ailələr");
    assert_eq!(yuva::i18n::tr(Lang::Ru, "nav.families"), "Семьи");
    assert_eq!(yuva::i18n::tr(Lang::En, "nav.families"), "Families");
}

/// The placeholders of each string (`%{name}`), and any brace written without the `%` that
/// rust-i18n needs (it would show as "{name}" on screen).
fn placeholders(text: &str) -> (BTreeSet<String>, Vec<String>) {
    let mut named = BTreeSet::new();
    let mut bare = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let end = rest[start..]
            .find('}')
            .map_or(rest.len(), |e| start + e + 1);
        let name = rest[start + 1..end.saturating_sub(1).max(start + 1)].to_owned();
        if rest[..start].ends_with('%') {
            named.insert(name);
        } else {
            bare.push(rest[start..end].to_owned());
        }
        rest = &rest[end.min(rest.len())..];
    }
    (named, bare)
}

fn strings_of(lang: &str) -> std::collections::BTreeMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("locales")
        .join(format!("{lang}.yml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let value: serde_json::Value =
        serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    fn walk(
        prefix: &str,
        value: &serde_json::Value,
        out: &mut std::collections::BTreeMap<String, String>,
    ) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, child) in map {
                    let path = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    walk(&path, child, out);
                }
            }
            serde_json::Value::String(s) => {
                out.insert(prefix.to_owned(), s.clone());
            }
            _ => {}
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk("", &value, &mut out);
    out
}

#[test]
fn placeholders_are_written_for_rust_i18n_and_agree_between_languages() {
    let english = strings_of("en");
    let mut problems = Vec::new();
    for lang in ["en", "az", "ru"] {
        for (key, text) in strings_of(lang) {
            let (named, bare) = placeholders(&text);
            if !bare.is_empty() {
                problems.push(format!("{lang}.{key}: {bare:?} without %"));
            }
            if let Some(en) = english.get(&key) {
                let (expected, _) = placeholders(en);
                if named != expected {
                    problems.push(format!("{lang}.{key}: {named:?}, English has {expected:?}"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
