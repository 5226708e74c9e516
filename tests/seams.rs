//! The seams between the library's layers: the optimizer's advice kept typed through the store,
//! a run's progress, a plan file read back, and the workflow's rules asked before a step.

mod common;

use std::sync::Mutex;

use common::{gazetteer, open_as_admin, today};
use yuva::demo::{DemoOptions, populate};
use yuva::domain::advice::{Change, RuleValues};
use yuva::domain::*;
use yuva::matching::{self, Plan, Progress, Settings, SolveOptions, Stage};
use yuva::store::{Proposal, Store};

fn demo_store(dir: &std::path::Path) -> Store {
    let mut store = open_as_admin(&dir.join("registry.db"));
    populate(&mut store, &DemoOptions::new(today()), &gazetteer()).expect("demo");
    store
}

#[test]
fn an_explanation_sent_to_a_panel_comes_back_typed_and_unchanged() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = demo_store(dir.path());
    let instance = matching::registry::instance_from_store(&store, today(), Settings::default())
        .expect("instance");
    let plan = matching::solve(&instance, None).expect("plan");
    let placement = plan.placements.first().expect("a proposal");
    let session = store
        .create_session(&SessionInput {
            date: Some(today()),
            chair: String::from("Rəna Quliyeva"),
            members: vec![String::from("Elçin Əliyev")],
        })
        .expect("session");
    let proposal = Proposal {
        child_id: store
            .child_id_by_code(&placement.child)
            .expect("query")
            .expect("child"),
        family_id: store
            .family_id_by_code(&placement.family)
            .expect("query")
            .expect("family"),
        distance_km: placement.distance_km,
        value: placement.explanation.value,
        planning_date: today(),
        explanation: Some(placement.explanation.clone()),
    };
    store.propose(session, &[proposal]).expect("proposed");
    let agenda = store.agenda(session).expect("agenda");
    assert_eq!(
        agenda[0].explanation.as_ref(),
        Some(&placement.explanation),
        "the panel sees exactly the explanation the run gave"
    );
    let age = agenda[0]
        .explanation
        .as_ref()
        .and_then(|e| e.outcome(Rule::Age))
        .expect("the age rule");
    assert!(matches!(age.values, RuleValues::Age { .. }) && age.passed);
}

#[test]
fn a_run_reports_its_stages_and_ends_at_its_plan() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = demo_store(dir.path());
    let instance = matching::registry::instance_from_store(&store, today(), Settings::default())
        .expect("instance");
    let seen: Mutex<Vec<Progress>> = Mutex::new(Vec::new());
    let record = |p: Progress| seen.lock().expect("lock").push(p);
    let plan = matching::solve_with(
        &instance,
        SolveOptions {
            progress: Some(&record),
            ..SolveOptions::default()
        },
    )
    .expect("plan");
    let seen = seen.into_inner().expect("lock");
    assert_eq!(seen.first().map(|p| p.stage), Some(Stage::Model));
    assert!(seen.iter().any(|p| p.stage == Stage::Solving));
    let explained = seen
        .iter()
        .rfind(|p| p.stage == Stage::Explaining)
        .expect("the explaining stage");
    let best = explained.best.expect("best");
    assert!((best - plan.objective).abs() <= 1e-6 * plan.objective.abs().max(1.0));
    assert_eq!(explained.bound, plan.upper_bound);
    // Then every unplaced child's hint is checked, and the count reaches the total (two
    // workers report, so the highest count need not be the last report).
    assert_eq!(seen.last().map(|p| p.stage), Some(Stage::Hints));
    let hints = seen.iter().filter(|p| p.stage == Stage::Hints);
    assert_eq!(
        hints.clone().map(|p| p.components_done).max(),
        Some(plan.unplaced.len())
    );
    assert!(hints.clone().all(|p| p.components == plan.unplaced.len()));
    // The first plan reported is the greedy baseline's, never better than the final one.
    let first_best = seen.iter().find_map(|p| p.best).expect("a best plan");
    assert!((first_best - plan.baseline.objective).abs() < 1e-6);
    assert!(first_best <= plan.objective + 1e-6);
}

#[test]
fn a_plan_file_reads_back_with_typed_hints() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = demo_store(dir.path());
    let instance = matching::registry::instance_from_store(&store, today(), Settings::default())
        .expect("instance");
    let plan = matching::solve(&instance, None).expect("plan");
    let text = serde_json::to_string(&plan).expect("json");
    let read: Plan = serde_json::from_str(&text).expect("a plan file reads back");
    assert_eq!(read.placements, plan.placements);
    assert_eq!(read.unplaced, plan.unplaced);
    assert_eq!(read.baseline.placements.len(), plan.baseline.placed);
    // Every hint carries its numbers, not only words.
    for unplaced in &read.unplaced {
        if let Some(hint) = &unplaced.relaxation {
            let value = serde_json::to_value(hint).expect("json");
            assert_eq!(value["change"], hint.change.code());
            if let Change::Places { free_places, .. } = hint.change {
                assert_eq!(value["free_places"], free_places);
            }
        }
    }
}

fn item(decided: bool) -> AgendaItem {
    AgendaItem {
        id: 1,
        session_id: 1,
        position: 1,
        child_id: 1,
        family_id: 1,
        distance_km: 3.0,
        value: 997.0,
        planning_date: today(),
        explanation: None,
        carried_from: None,
        decisions: if decided {
            vec![DecisionRecord {
                id: 1,
                item_id: 1,
                decision: Some(Decision::Defer),
                conditions: String::new(),
                reasons: String::from("more visits"),
                exclude_pair: false,
                start_date: None,
                recorded_by: String::from("officer"),
                recorded_at: String::from("2026-03-15T10:00:00"),
            }]
        } else {
            Vec::new()
        },
    }
}

#[test]
fn the_window_can_ask_the_workflow_rules_before_a_button_is_pressed() {
    let session = |quorum| PanelSession {
        id: 1,
        date: today(),
        chair: String::from("Rəna Quliyeva"),
        members: Vec::new(),
        quorum,
        created_by: String::from("officer"),
    };
    let mut child = common::child("C-0001", "Aysel", "Əliyeva");
    child.status = ChildStatus::Proposed;
    let refusal = |r: Result<(), Refusal>| r.err().map(|r| r.key);
    // The same person typed twice, or the chair among the members, counts once.
    let present = people_present(
        "Rəna Quliyeva",
        &[
            String::from("Rashad Mammadov"),
            String::from("rashad  mammadov"),
            String::from("RƏNA QULİYEVA"),
        ],
    );
    assert_eq!(present, 2);
    assert!(!has_quorum(
        "Rəna Quliyeva",
        &[String::from("Rashad Mammadov")]
    ));
    assert_eq!(
        refusal(may_decide(
            &item(false),
            &session(false),
            &child,
            Decision::Approve
        )),
        Some("refusal.no_quorum")
    );
    assert_eq!(
        refusal(may_decide(
            &item(false),
            &session(false),
            &child,
            Decision::Defer
        )),
        None,
        "a panel without quorum can still defer"
    );
    assert_eq!(
        refusal(may_decide(
            &item(true),
            &session(true),
            &child,
            Decision::Approve
        )),
        Some("refusal.already_decided")
    );
    child.status = ChildStatus::Awaiting;
    assert_eq!(
        refusal(may_decide(
            &item(false),
            &session(true),
            &child,
            Decision::Approve
        )),
        Some("refusal.child_not_proposed")
    );
    let reject = DecisionInput {
        decision: Decision::Reject,
        conditions: String::new(),
        reasons: String::from("  "),
        exclude_pair: false,
        start_date: None,
    };
    let errors = validate_decision(&reject);
    assert_eq!(
        errors.for_field("reasons").map(|e| e.key),
        Some("error.required")
    );
    assert_eq!(
        refusal(may_propose(&child, "F-0001", true)),
        Some("refusal.pair_excluded")
    );
}
