//! The audit log is tamper-evident: `yuva audit verify` passes an intact log and names the first
//! entry of one that was edited, had an entry removed, had entries re-ordered, or had an entry
//! added outside Yuva — even when whoever did it removed the append-only triggers first.

use std::path::Path;

use yuva::store::Store;
use yuva::store::audit_chain::BreakKind;

mod common;

/// A registry with a few audit entries (a small demo, then a family edited twice).
fn registry(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("registry.db");
    let mut store = common::open_as_admin(&path);
    let gazetteer = yuva::geo::Gazetteer::embedded().expect("gazetteer");
    yuva::demo::populate(
        &mut store,
        &yuva::demo::DemoOptions {
            families: 6,
            children: 8,
            ..yuva::demo::DemoOptions::new(
                chrono::NaiveDate::from_ymd_opt(2026, 3, 15).expect("date"),
            )
        },
        &gazetteer,
    )
    .expect("demo");
    let context = yuva::domain::Context {
        today: chrono::NaiveDate::from_ymd_opt(2026, 3, 15).expect("date"),
        gazetteer: &gazetteer,
    };
    for notes in ["first visit", "second visit"] {
        let mut family = store.families().expect("families").remove(0);
        family.notes = notes.to_owned();
        store.save_family(&family, &context).expect("update");
    }
    assert!(store.verify_audit().expect("verify").entries >= 3);
    path
}

/// Changes the log as someone with the file and the sqlite3 shell could: triggers dropped,
/// rows changed, triggers put back.
fn tamper(path: &Path, sql: &str) {
    let conn = common::raw_connection(path);
    conn.execute_batch(&format!(
        "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;
         {sql}
         CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
         BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
         CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
         BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
    ))
    .expect("tampered");
}

fn verify_cli(path: &Path) -> (Option<i32>, String) {
    let out = common::yuva_command()
        .args(["audit", "verify", "--db"])
        .arg(path)
        .output()
        .expect("runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn first_break(path: &Path) -> (i64, BreakKind) {
    let report = Store::open(path, &common::key())
        .expect("open")
        .verify_audit()
        .expect("verify");
    let broken = report.broken.expect("the change is found");
    (broken.entry_id, broken.kind)
}

#[test]
fn an_intact_log_verifies() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = registry(dir.path());
    let (code, out) = verify_cli(&path);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("audit log intact"), "{out}");
}

#[test]
fn an_edited_entry_is_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = registry(dir.path());
    tamper(
        &path,
        "UPDATE audit_log SET user_name = 'Head of Agency' WHERE id = 2;",
    );
    assert_eq!(first_break(&path), (2, BreakKind::Altered));
    let (code, out) = verify_cli(&path);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("audit entry 2"), "{out}");
}

#[test]
fn a_removed_entry_is_found_at_the_next_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = registry(dir.path());
    tamper(&path, "DELETE FROM audit_log WHERE id = 2;");
    assert_eq!(first_break(&path), (3, BreakKind::OutOfSequence));
    assert_eq!(verify_cli(&path).0, Some(1));
}

#[test]
fn re_ordered_entries_are_found() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = registry(dir.path());
    tamper(
        &path,
        "UPDATE audit_log SET id = -2 WHERE id = 2;
         UPDATE audit_log SET id = 2 WHERE id = 3;
         UPDATE audit_log SET id = 3 WHERE id = -2;",
    );
    assert_eq!(first_break(&path), (2, BreakKind::OutOfSequence));
    assert_eq!(verify_cli(&path).0, Some(1));
}

#[test]
fn an_entry_added_outside_yuva_is_found() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = registry(dir.path());
    let last = Store::open(&path, &common::key())
        .expect("open")
        .verify_audit()
        .expect("verify")
        .entries as i64;
    tamper(
        &path,
        "INSERT INTO audit_log(at, user_name, action, entity, entity_id, summary)
         VALUES ('2026-03-16 10:00:00', 'officer', 'create', 'family', 1, 'fabricated');",
    );
    assert_eq!(first_break(&path), (last + 1, BreakKind::Unsealed));
    // One with a made-up hash fares no better.
    let dir = tempfile::tempdir().expect("temp dir");
    let path = registry(dir.path());
    tamper(
        &path,
        "INSERT INTO audit_log(at, user_name, action, entity, entity_id, summary, hash)
         VALUES ('2026-03-16 10:00:00', 'officer', 'create', 'family', 1, 'fabricated',
                 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');",
    );
    assert_eq!(first_break(&path), (last + 1, BreakKind::Altered));
}
