//! Bad input is refused with one clear line naming where it is, and never panics: trailing
//! data, values out of range, a group whose children disagree, control characters and huge
//! values, a registry that would export an instance the optimizer refuses — and thousands of
//! randomly mutated instances.

mod common;

use serde_json::{Value, json};
use yuva::matching::{InputError, SolveOptions, parse_instance, solve_with};

fn base() -> Value {
    json!({
        "planning_date": "2026-01-15",
        "settings": { "max_distance_km": 100, "max_groups_per_family": 1,
                      "weights": { "place": 1000, "km": 1, "language": 50, "split": 300 } },
        "families": [
            { "id": "F-001", "status": "approved", "review_due": "2026-06-01", "places": 3, "occupied": 0,
              "age_min": 0, "age_max": 12, "sex": "any", "care_types": ["short_term", "long_term"],
              "needs": ["disability"], "languages": ["az", "ru"], "lat": 40.41, "lon": 49.87 },
            { "id": "F-002", "status": "approved", "review_due": "2026-06-01", "places": 1, "occupied": 0,
              "age_min": 0, "age_max": 17, "sex": "female", "care_types": ["long_term"],
              "needs": [], "languages": ["az"], "lat": 40.68, "lon": 46.36 }
        ],
        "children": [
            { "id": "C-001", "birth_date": "2019-05-01", "sex": "female", "group": "G-1", "may_split": true,
              "urgency": "routine", "care_type": "long_term", "needs": [], "languages": ["az"],
              "lat": 40.50, "lon": 49.90, "max_distance_km": null },
            { "id": "C-002", "birth_date": "2017-02-11", "sex": "male", "group": "G-1", "may_split": true,
              "urgency": "priority", "care_type": "long_term", "needs": ["disability"], "languages": ["ru"],
              "lat": 40.50, "lon": 49.90, "max_distance_km": 50 }
        ],
        "locked": [],
        "excluded": [{ "child": "C-002", "family": "F-002" }]
    })
}

fn refused(text: &str) -> InputError {
    match parse_instance(text).and_then(|i| i.validate().map(|_| ())) {
        Ok(()) => panic!("accepted: {}", &text[..text.len().min(200)]),
        Err(e) => e,
    }
}

#[test]
fn data_after_the_instance_is_refused() {
    let text = base().to_string();
    for extra in [
        " junk",
        "\n{}",
        "\n{\"planning_date\": \"2026-01-15\"}",
        "]",
    ] {
        let e = refused(&format!("{text}{extra}"));
        assert_eq!(e.path, "(file)");
        assert!(e.message.contains("after the instance"), "{e}");
    }
    // Whitespace after it is fine.
    assert!(parse_instance(&format!("{text}\n\n")).is_ok());
}

#[test]
fn weights_and_limits_out_of_range_are_refused_with_their_path() {
    for (pointer, value, path) in [
        ("/settings/weights/km", json!(1e308), "settings.weights.km"),
        (
            "/settings/weights/place",
            json!(1e308),
            "settings.weights.place",
        ),
        (
            "/settings/max_distance_km",
            json!(1e9),
            "settings.max_distance_km",
        ),
        (
            "/settings/max_groups_per_family",
            json!(4_000_000_000u32),
            "settings.max_groups_per_family",
        ),
        (
            "/families/0/places",
            json!(4_000_000_000u32),
            "families[0].places",
        ),
        (
            "/children/1/max_distance_km",
            json!(1e300),
            "children[1].max_distance_km",
        ),
    ] {
        let mut v = base();
        *v.pointer_mut(pointer).expect("pointer") = value;
        let e = refused(&v.to_string());
        assert_eq!(e.path, path, "{e}");
    }
}

#[test]
fn a_group_whose_children_disagree_on_splitting_is_refused() {
    let mut v = base();
    v["children"][1]["may_split"] = json!(false);
    let e = refused(&v.to_string());
    assert_eq!(e.path, "children[1].may_split");
    assert!(e.message.contains("G-1"), "{e}");
}

#[test]
fn messages_are_one_line_without_control_characters_and_short() {
    let mut v = base();
    let huge = format!("\u{1b}[31m\n{}", "x".repeat(1_000_000));
    v["children"][0]["birth_date"] = json!(huge);
    let e = refused(&v.to_string()).to_string();
    assert!(!e.contains('\u{1b}') && !e.contains('\n'), "{}", &e[..200]);
    assert!(e.chars().count() < 400, "{} characters", e.chars().count());
    assert!(e.contains("characters)"), "says it was cut: {e}");
}

#[test]
fn the_command_line_never_panics_on_huge_demo_sizes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = common::yuva_command()
        .args(["demo", "--children", "18446744073709551615", "--db"])
        .arg(dir.path().join("r.db"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at most 100000"));
}

#[test]
fn export_instance_names_the_record_the_optimizer_would_refuse() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("r.db");
    let yuva = || common::yuva_command();
    let made = yuva()
        .args([
            "demo",
            "--children",
            "20",
            "--families",
            "10",
            "--date",
            "2026-03-15",
            "--db",
        ])
        .arg(&db)
        .output()
        .expect("runs");
    assert!(made.status.success());
    // Planning a year before the demo's date: some child is not born yet.
    let output = dir.path().join("instance.json");
    let out = yuva()
        .args(["export-instance", "--date", "2010-01-01", "--db"])
        .arg(&db)
        .arg("--output")
        .arg(&output)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("child C-"), "{stderr}");
    assert!(stderr.contains("birth_date"), "{stderr}");
    assert!(!output.exists(), "nothing written");
}

/// A random edit of the instance's text: a byte changed, removed or repeated, a number made
/// extreme, a value swapped for another type.
fn mutate(text: &str, rng: &mut fastrand::Rng) -> String {
    let mut bytes = text.as_bytes().to_vec();
    match rng.u32(..6) {
        0 => {
            let i = rng.usize(..bytes.len());
            bytes[i] = rng.u8(..);
        }
        1 => {
            let i = rng.usize(..bytes.len());
            bytes.remove(i);
        }
        2 => {
            let i = rng.usize(..bytes.len());
            let j = (i + rng.usize(1..40)).min(bytes.len());
            let copy = bytes[i..j].to_vec();
            bytes.splice(j..j, copy);
        }
        _ => {
            let mut v: Value = serde_json::from_str(text).unwrap_or(Value::Null);
            let replacement = [
                json!(-1),
                json!(1e308),
                json!(-1e308),
                json!(0),
                json!(4294967296u64),
                json!(""),
                json!(null),
                json!([]),
                json!({}),
                json!("2026-02-30"),
                json!(true),
            ][rng.usize(..11)]
            .clone();
            let pointers = [
                "/planning_date",
                "/settings/max_distance_km",
                "/settings/max_groups_per_family",
                "/settings/weights/km",
                "/settings/weights/split",
                "/families/0/places",
                "/families/0/occupied",
                "/families/0/age_min",
                "/families/1/lat",
                "/families/1/review_due",
                "/children/0/birth_date",
                "/children/0/group",
                "/children/1/max_distance_km",
                "/children/1/lon",
                "/excluded/0/family",
                "/locked",
            ];
            if let Some(slot) = v.pointer_mut(pointers[rng.usize(..pointers.len())]) {
                *slot = replacement;
            }
            return v.to_string();
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn thousands_of_mutated_instances_give_a_plan_or_a_refusal_never_a_panic() {
    let mut rng = fastrand::Rng::with_seed(13);
    let original = serde_json::to_string_pretty(&base()).expect("text");
    let (mut plans, mut refusals) = (0, 0);
    for round in 0..3000 {
        let mut text = original.clone();
        for _ in 0..rng.usize(1..4) {
            text = mutate(&text, &mut rng);
        }
        let outcome = std::panic::catch_unwind(|| {
            let instance = parse_instance(&text)?;
            let options = SolveOptions {
                time_limit: Some(std::time::Duration::from_secs(5)),
                hint_time: Some(std::time::Duration::ZERO),
                ..Default::default()
            };
            solve_with(&instance, options).map_err(|e| InputError::new("(solve)", e.to_string()))
        });
        match outcome {
            Ok(Ok(_)) => plans += 1,
            Ok(Err(e)) => {
                assert!(!e.to_string().contains('\n'), "round {round}: {e}");
                refusals += 1;
            }
            Err(_) => panic!("round {round} panicked on:\n{text}"),
        }
    }
    assert!(
        plans > 100 && refusals > 1000,
        "{plans} plans, {refusals} refusals"
    );
}
