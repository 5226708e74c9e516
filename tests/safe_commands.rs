//! Commands that cannot destroy or quietly change a registry: `demo --replace` replaces only a
//! demo registry that is open nowhere else, after a checked copy; reading commands never write;
//! backups restore to the same registry; new files are owner-only; set-up races and kill -9
//! leave a whole registry or none.

mod common;

use std::path::Path;
use std::process::Output;

use yuva::store::Store;

fn yuva(args: &[&str], db: &Path) -> Output {
    common::yuva_command()
        .args(args)
        .arg("--db")
        .arg(db)
        .output()
        .expect("runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn demo(db: &Path) {
    let out = yuva(
        &[
            "demo",
            "--children",
            "40",
            "--families",
            "20",
            "--date",
            "2026-03-15",
        ],
        db,
    );
    assert!(out.status.success(), "{}", stderr(&out));
}

/// A registry someone entered by hand (not a demo).
fn real_registry(db: &Path) {
    let mut store = Store::open(db, &common::key()).expect("open");
    store
        .create_first_administrator("admin", "Test Administrator", "sınaq-parolu-1")
        .expect("administrator");
    let gazetteer = yuva::geo::Gazetteer::embedded().expect("gazetteer");
    let registry = yuva::demo::generate(
        &yuva::demo::DemoOptions {
            families: 1,
            children: 0,
            ..yuva::demo::DemoOptions::new(
                chrono::NaiveDate::from_ymd_opt(2026, 3, 15).expect("date"),
            )
        },
        &gazetteer,
    );
    let context = yuva::domain::Context {
        today: chrono::NaiveDate::from_ymd_opt(2026, 3, 15).expect("date"),
        gazetteer: &gazetteer,
    };
    store
        .save_family(&registry.families[0], &context)
        .expect("saved");
}

fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("read")
}

#[test]
fn demo_replace_refuses_a_registry_that_is_not_a_demo() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("office.db");
    real_registry(&db);
    let before = bytes(&db);
    let out = yuva(&["demo", "--replace"], &db);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is not a demo registry"),
        "{}",
        stderr(&out)
    );
    assert_eq!(bytes(&db), before, "untouched");
}

#[test]
fn demo_replace_refuses_a_registry_open_in_a_window() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("training.db");
    demo(&db);
    let window = Store::open(&db, &common::key()).expect("the window has it open");
    let families = window.families().expect("families").len();
    let out = yuva(&["demo", "--replace", "--families", "3"], &db);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is open in another Yuva"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        window.families().expect("families").len(),
        families,
        "nothing vanished"
    );
}

#[test]
fn demo_replace_keeps_a_checked_copy_of_the_demo_it_replaces() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("training.db");
    demo(&db);
    let out = yuva(
        &["demo", "--replace", "--families", "3", "--children", "5"],
        &db,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let copy = std::fs::read_dir(dir.path())
        .expect("list")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().contains("before-replace"))
        .expect("a copy beside it");
    yuva::store::check_backup(&copy, &common::key()).expect("the copy is whole");
    assert_eq!(
        Store::open_read_only(&copy, &common::key())
            .expect("copy")
            .families()
            .expect("f")
            .len(),
        20
    );
    assert_eq!(
        Store::open_read_only(&db, &common::key())
            .expect("new")
            .families()
            .expect("f")
            .len(),
        3
    );
}

#[test]
fn reading_commands_never_change_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("r.db");
    demo(&db);
    let before = bytes(&db);
    // Besides the file itself, nothing is left but SQLite's own companions of a WAL registry
    // (a reader needs its shared-memory file; SQLite makes it where it can).
    let names = |dir: &Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("list")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| !name.ends_with("-wal") && !name.ends_with("-shm"))
            .collect();
        names.sort();
        names
    };
    let instance = dir.path().join("out").join("instance.json");
    std::fs::create_dir(dir.path().join("out")).expect("out");
    let files = names(dir.path());
    for args in [
        vec!["match", "--date", "2026-03-15", "--hint-time", "0"],
        vec!["prices", "--date", "2026-03-15"],
        vec!["audit", "verify"],
        vec![
            "export-instance",
            "--date",
            "2026-03-15",
            "--output",
            instance.to_str().expect("path"),
        ],
    ] {
        let out = yuva(&args, &db);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert_eq!(bytes(&db), before, "{args:?} changed the registry");
        assert_eq!(names(dir.path()), files, "{args:?} left files beside it");
    }
    // An empty file stays empty, and says why it cannot be read.
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").expect("empty");
    let out = yuva(
        &[
            "export-instance",
            "--output",
            instance.to_str().expect("path"),
        ],
        &empty,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is empty"), "{}", stderr(&out));
    assert_eq!(bytes(&empty).len(), 0);
}

#[test]
fn a_backup_restores_the_same_registry_and_keeps_the_one_it_replaced() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("r.db");
    demo(&db);
    let backup = dir.path().join("backup.db");
    let out = yuva(&["backup", "--output", backup.to_str().expect("path")], &db);
    assert!(out.status.success(), "{}", stderr(&out));
    let families = |path: &Path| {
        Store::open_read_only(path, &common::key())
            .and_then(|s| s.families())
            .expect("families")
    };
    let saved = families(&db);
    // Changed after the backup…
    std::fs::remove_file(&db).expect("lost");
    real_registry(&db);
    assert_ne!(families(&db).len(), saved.len());
    // …and restored.
    let out = yuva(&["restore", "--from", backup.to_str().expect("path")], &db);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(families(&db), saved);
    assert!(stderr(&out).contains("before-restore"), "{}", stderr(&out));
    // A damaged backup is refused and nothing changes.
    let damaged = dir.path().join("damaged.db");
    let mut broken = bytes(&backup);
    broken.truncate(broken.len() / 2);
    std::fs::write(&damaged, broken).expect("write");
    let before = bytes(&db);
    let out = yuva(&["restore", "--from", damaged.to_str().expect("path")], &db);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(bytes(&db), before);
}

#[cfg(unix)]
#[test]
fn a_new_registry_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("data").join("r.db");
    demo(&db);
    let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode(&db), 0o600);
    assert_eq!(mode(db.parent().expect("folder")), 0o700);
}

#[test]
fn processes_setting_up_one_new_file_together_do_not_collide() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("new.db");
    let children: Vec<_> = (0..6)
        .map(|_| {
            common::yuva_command()
                .args(["init", "--db"])
                .arg(&db)
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().expect("wait");
        let text = stderr(&out);
        assert!(
            out.status.success() || text.contains("exists already"),
            "{text}"
        );
        assert!(
            !text.contains("already exists"),
            "a set-up collided: {text}"
        );
    }
    let store = Store::open_read_only(&db, &common::key()).expect("a whole registry");
    assert!(store.is_empty().expect("empty"));
}

#[test]
fn a_demo_killed_at_any_moment_leaves_a_whole_demo_or_none() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut rng = fastrand::Rng::with_seed(9);
    let mut outcomes = (0, 0);
    for round in 0..8 {
        let db = dir.path().join(format!("killed-{round}.db"));
        let mut child = common::yuva_command()
            .args(["demo", "--children", "2000", "--families", "1200", "--db"])
            .arg(&db)
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(std::time::Duration::from_millis(rng.u64(0..1500)));
        let _ = child.kill();
        let _ = child.wait();
        if std::fs::metadata(&db).map_or(true, |m| m.len() == 0) {
            outcomes.0 += 1;
            continue;
        }
        let store =
            Store::open(&db, &common::key()).unwrap_or_else(|e| panic!("round {round}: {e}"));
        yuva::store::check_backup(&db, &common::key())
            .unwrap_or_else(|e| panic!("round {round}: {e}"));
        if store.is_empty().expect("read") {
            assert!(
                !store.is_demo().expect("read"),
                "round {round}: a marker without data"
            );
            outcomes.0 += 1;
        } else {
            assert!(
                store.is_demo().expect("read"),
                "round {round}: data without its marker"
            );
            assert_eq!(
                store.families().expect("families").len(),
                1200,
                "round {round}"
            );
            assert!(store.verify_audit().expect("verify").broken.is_none());
            outcomes.1 += 1;
        }
    }
    assert_eq!(outcomes.0 + outcomes.1, 8);
}

#[test]
fn one_copy_a_day_is_kept_for_a_week() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("r.db");
    demo(&db);
    let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 3, d).expect("date");
    assert!(
        yuva::store::daily_backup(&db, day(1), &common::key())
            .expect("backup")
            .is_some()
    );
    assert!(
        yuva::store::daily_backup(&db, day(1), &common::key())
            .expect("backup")
            .is_none(),
        "one a day"
    );
    for d in 2..=10 {
        yuva::store::daily_backup(&db, day(d), &common::key()).expect("backup");
    }
    let mut kept: Vec<String> = std::fs::read_dir(yuva::store::backups_folder(&db))
        .expect("folder")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    kept.sort();
    assert_eq!(kept.len(), yuva::store::DAILY_BACKUPS_KEPT);
    assert_eq!(kept[0], "r.daily-2026-03-04.db", "the oldest went first");
    for name in &kept {
        yuva::store::check_backup(&yuva::store::backups_folder(&db).join(name), &common::key())
            .expect("whole");
    }
}

#[test]
fn a_registry_with_a_zeroed_page_is_refused_with_one_clear_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("r.db");
    demo(&db);
    let (page_size, root): (i64, i64) = {
        let conn = common::raw_connection(&db);
        (
            // SQLCipher answers for the page size as text.
            conn.query_row("PRAGMA cipher_page_size", [], |r| r.get::<_, String>(0))
                .expect("page size")
                .parse::<i64>()
                .expect("a number"),
            conn.query_row(
                "SELECT rootpage FROM sqlite_master WHERE name = 'audit_log'",
                [],
                |r| r.get(0),
            )
            .expect("root page"),
        )
    };
    let mut file_bytes = bytes(&db);
    let start = ((root - 1) * page_size) as usize;
    file_bytes[start..start + page_size as usize].fill(0);
    std::fs::write(&db, file_bytes).expect("zeroed");
    for args in [vec!["audit", "verify"], vec!["match", "--hint-time", "0"]] {
        let out = yuva(&args, &db);
        let text = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {text}");
        assert!(text.contains("is damaged"), "{text}");
        assert_eq!(text.trim().lines().count(), 1, "{text}");
    }
    assert!(matches!(
        Store::open(&db, &common::key()),
        Err(yuva::store::StoreError::Damaged { .. })
    ));
}
