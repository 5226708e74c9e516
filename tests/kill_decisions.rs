//! `kill -9` while a panel's decisions are being recorded: every decision is one transaction
//! with its placement, the child's status and its audit entry — after a kill at any moment the
//! registry is whole, its audit chain intact, and each decision is there with all of its
//! consequences or not at all.
//!
//! The recording runs in a child process (this test binary, started again for the one test
//! `records_decisions_until_killed` with the registry's path in `YUVA_KILL_TEST_REGISTRY`).

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;
use yuva::domain::*;
use yuva::matching::{self, Settings};
use yuva::store::Proposal;

const REGISTRY_ENV: &str = "YUVA_KILL_TEST_REGISTRY";

/// A demo registry with one panel session whose agenda holds every proposal of a plan.
fn prepare(path: &Path) -> usize {
    let mut store = open_as_admin(path);
    yuva::demo::populate(
        &mut store,
        &yuva::demo::DemoOptions {
            children: 400,
            families: 320,
            ..yuva::demo::DemoOptions::new(today())
        },
        &gazetteer(),
    )
    .expect("demo");
    let instance = matching::registry::instance_from_store(&store, today(), Settings::default())
        .expect("instance");
    let plan = matching::solve(&instance, None).expect("plan");
    let session = store
        .create_session(&SessionInput {
            date: Some(today()),
            chair: String::from("Rəna Quliyeva"),
            members: vec![String::from("Elçin Əliyev"), String::from("Şəbnəm Rzayeva")],
        })
        .expect("session");
    let proposals: Vec<Proposal> = plan
        .placements
        .iter()
        .map(|p| Proposal {
            child_id: store.child_id_by_code(&p.child).expect("q").expect("child"),
            family_id: store
                .family_id_by_code(&p.family)
                .expect("q")
                .expect("family"),
            distance_km: p.distance_km,
            value: p.explanation.value,
            planning_date: today(),
            explanation: Some(p.explanation.clone()),
        })
        .collect();
    store.propose(session, &proposals).expect("proposed").len()
}

/// The child process's work (does nothing in an ordinary test run): decide every item of the
/// agenda, approving two of three and rejecting the third.
#[test]
fn records_decisions_until_killed() {
    let Ok(path) = std::env::var(REGISTRY_ENV) else {
        return;
    };
    let mut store = open_as_admin(Path::new(&path));
    let session = store.panel_sessions().expect("sessions")[0].id;
    let agenda = store.agenda(session).expect("agenda");
    // Tell the parent the decisions start now (opening and signing in took their time).
    println!("ready");
    let _ = std::io::Write::flush(&mut std::io::stdout());
    for (n, item) in agenda.iter().enumerate() {
        let decision = if n % 3 == 2 {
            Decision::Reject
        } else {
            Decision::Approve
        };
        // A sibling group's other items are decided with the first: refusals are expected.
        let _ = store.decide(
            item.id,
            &DecisionInput {
                decision,
                conditions: String::new(),
                reasons: String::from("Sınaq qərarı."),
                exclude_pair: false,
                start_date: Some(today()),
            },
        );
    }
}

/// What a killed recording must have left: a whole registry, an intact chain, and each
/// decision with all of its consequences. Returns (decisions, items).
fn check_whole(path: &Path) -> (i64, i64) {
    let conn = raw_connection(path);
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity");
    assert_eq!(integrity, "ok");
    let store = yuva::store::Store::open(path, &key()).expect("reopens");
    assert!(
        store.verify_audit().expect("verify").broken.is_none(),
        "audit chain intact"
    );
    let violations: i64 = conn
        .query_row(
            "SELECT
               (SELECT count(*) FROM panel_decisions d JOIN panel_items i ON i.id = d.item_id
                  WHERE d.decision = 'approve' AND (
                    (SELECT count(*) FROM placements p WHERE p.decision_id = d.id) != 1
                    OR (SELECT status FROM children c WHERE c.id = i.child_id) != 'placed'))
             + (SELECT count(*) FROM panel_decisions d JOIN panel_items i ON i.id = d.item_id
                  WHERE d.decision = 'reject'
                    AND (SELECT status FROM children c WHERE c.id = i.child_id) != 'awaiting')
             + (SELECT count(*) FROM panel_items i
                  WHERE NOT EXISTS (SELECT 1 FROM panel_decisions d WHERE d.item_id = i.id)
                    AND (SELECT status FROM children c WHERE c.id = i.child_id) != 'proposed')
             + (SELECT count(*) FROM placements p
                  WHERE p.decision_id IS NOT NULL
                    AND NOT EXISTS (SELECT 1 FROM panel_decisions d WHERE d.id = p.decision_id))",
            [],
            |r| r.get(0),
        )
        .expect("invariants");
    assert_eq!(violations, 0, "a decision without all of its consequences");
    let decisions: i64 = conn
        .query_row("SELECT count(*) FROM panel_decisions", [], |r| r.get(0))
        .expect("decisions");
    let logged: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_log WHERE entity = 'panel_decision'",
            [],
            |r| r.get(0),
        )
        .expect("audit");
    assert_eq!(decisions, logged, "each decision has its audit entry");
    let items: i64 = conn
        .query_row("SELECT count(*) FROM panel_items", [], |r| r.get(0))
        .expect("items");
    (decisions, items)
}

#[test]
fn a_decision_killed_at_any_moment_is_recorded_whole_or_not_at_all() {
    if std::env::var_os(REGISTRY_ENV).is_some() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let template = dir.path().join("template.db");
    let items = prepare(&template);
    assert!(items > 20, "{items} agenda items");
    let store = open_as_admin(&template);
    let mut rng = fastrand::Rng::with_seed(20261201);
    let mut killed_midway = 0;
    for round in 0..6 {
        let db = dir.path().join(format!("round-{round}.db"));
        store.backup_to(&db).expect("a copy for the round");
        let mut child = Command::new(std::env::current_exe().expect("this test binary"))
            .args([
                "--exact",
                "records_decisions_until_killed",
                "--test-threads=1",
                "--nocapture",
            ])
            .env(REGISTRY_ENV, &db)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        // Killed a random moment after the recording started (~1 ms a decision here; slower
        // disks only make a kill mid-recording likelier).
        if let Some(stdout) = child.stdout.take() {
            let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stdout));
            while let Some(Ok(line)) = lines.next() {
                // The harness prints "test records_decisions_until_killed ... " first.
                if line.trim_end().ends_with("ready") {
                    break;
                }
            }
        }
        std::thread::sleep(Duration::from_millis(rng.u64(0..90)));
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        let (decisions, items) = check_whole(&db);
        if decisions > 0 && decisions < items {
            killed_midway += 1;
        }
        eprintln!("round {round}: {decisions} of {items} items decided when killed");
    }
    eprintln!("{killed_midway} of 6 kills landed while decisions were being recorded");
    assert!(
        killed_midway > 0,
        "no kill landed mid-recording: the test proved nothing"
    );
}
