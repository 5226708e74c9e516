//! `kill -9` while a spreadsheet is being imported: the import is one transaction — after a
//! kill at any moment the registry is whole, its audit chain intact, and it holds every row of
//! the file with the import's audit entry, or none of them.
//!
//! The import runs in a child process (this test binary, started again for the one test
//! `imports_until_killed`, with the registry and the file in the environment).

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use common::*;
use yuva::exchange::import::{self, Kind, Options};
use yuva::i18n::Lang;

const REGISTRY_ENV: &str = "YUVA_KILL_TEST_REGISTRY";
const FILE_ENV: &str = "YUVA_KILL_TEST_FILE";

/// The child process's work (nothing in an ordinary test run): import the file.
#[test]
fn imports_until_killed() {
    let (Ok(path), Ok(file)) = (std::env::var(REGISTRY_ENV), std::env::var(FILE_ENV)) else {
        return;
    };
    let mut store = open_as_admin(Path::new(&path));
    let _ = import::import(
        &mut store,
        &gazetteer(),
        Kind::Families,
        Path::new(&file),
        Lang::Az,
        today(),
        Options::default(),
    );
}

#[test]
fn an_import_killed_at_any_moment_leaves_all_of_the_file_or_none() {
    if std::env::var_os(REGISTRY_ENV).is_some() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    // A file of 1,500 families, exported from a demo registry.
    let source = dir.path().join("source.db");
    let mut store = open_as_admin(&source);
    yuva::demo::populate(
        &mut store,
        &yuva::demo::DemoOptions {
            children: 10,
            families: 1500,
            ..yuva::demo::DemoOptions::new(today())
        },
        &gazetteer(),
    )
    .expect("demo");
    let file = dir.path().join("families.csv");
    let rows = yuva::exchange::export_list(
        &mut store,
        &gazetteer(),
        yuva::exchange::List::Families,
        Lang::Az,
        today(),
        &file,
    )
    .expect("exported");
    let template = dir.path().join("template.db");
    drop(open_as_admin(&template));
    let mut rng = fastrand::Rng::with_seed(20261201);
    let mut outcomes = (0, 0);
    // How long a whole import takes here: the kills land in its last 40 % (the writing).
    let whole = {
        let db = dir.path().join("whole.db");
        std::fs::copy(&template, &db).expect("a fresh registry");
        let started = std::time::Instant::now();
        let status = child_import(&db, &file).wait().expect("runs");
        assert!(status.success());
        let elapsed = started.elapsed();
        let store = yuva::store::Store::open(&db, &key()).expect("opens");
        assert_eq!(
            store.families().expect("families").len(),
            rows,
            "a whole import"
        );
        elapsed
    };
    for round in 0..4 {
        let db = dir.path().join(format!("round-{round}.db"));
        std::fs::copy(&template, &db).expect("a fresh registry for the round");
        let mut child = child_import(&db, &file);
        let delay = whole.mul_f64(0.6 + 0.45 * rng.f64());
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        let conn = raw_connection(&db);
        let integrity: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .expect("integrity");
        assert_eq!(integrity, "ok");
        let store = yuva::store::Store::open(&db, &key()).expect("reopens");
        assert!(store.verify_audit().expect("verify").broken.is_none());
        let families = store.families().expect("families").len();
        let logged = store
            .audit_entries(10)
            .expect("audit")
            .iter()
            .filter(|e| e.action == "import")
            .count();
        match families {
            0 => {
                assert_eq!(logged, 0);
                outcomes.0 += 1;
            }
            n if n == rows => {
                assert_eq!(logged, 1, "the rows and their audit entry together");
                outcomes.1 += 1;
            }
            n => panic!("round {round}: {n} of {rows} families: a half-written import"),
        }
        eprintln!("round {round}: {families} of {rows} families after the kill");
    }
    eprintln!("{} kills left none, {} left all", outcomes.0, outcomes.1);
}

/// Starts this test binary as a child that imports `file` into `db`.
fn child_import(db: &Path, file: &Path) -> std::process::Child {
    Command::new(std::env::current_exe().expect("this test binary"))
        .args(["--exact", "imports_until_killed", "--test-threads=1"])
        .env(REGISTRY_ENV, db)
        .env(FILE_ENV, file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn")
}
