//! Encryption at rest: a registry file, its backups and automatic copies say nothing without
//! the passphrase; a wrong passphrase changes nothing; a registry from before encryption is
//! encrypted on its first open, after a copy, and nothing plain is left beside it.

mod common;

use std::path::Path;

use common::*;
use yuva::store::{FileKind, Passphrase, Store, StoreError, encryption::file_kind};

fn demo_registry(path: &Path) {
    let mut store = open_as_admin(path);
    yuva::demo::populate(
        &mut store,
        &yuva::demo::DemoOptions {
            families: 12,
            children: 20,
            ..yuva::demo::DemoOptions::new(today())
        },
        &gazetteer(),
    )
    .expect("demo");
}

/// What a copied file gives away without the passphrase.
fn reveals_names(path: &Path, store: &Store) -> bool {
    let bytes = std::fs::read(path).expect("read");
    let names: Vec<String> = store
        .children()
        .expect("children")
        .iter()
        .map(|c| c.last_name.clone())
        .collect();
    names
        .iter()
        .any(|name| bytes.windows(name.len()).any(|w| w == name.as_bytes()))
}

#[test]
fn the_file_says_nothing_without_the_passphrase() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("registry.db");
    demo_registry(&path);
    assert_eq!(file_kind(&path).expect("kind"), FileKind::Encrypted);
    let store = Store::open_read_only(&path, &key()).expect("opens with the passphrase");
    assert!(!reveals_names(&path, &store), "no child's name in the file");
    // A plain SQLite reader (no key) finds no database in it.
    let plain = rusqlite::Connection::open(&path).expect("open");
    assert!(
        plain
            .query_row("SELECT count(*) FROM children", [], |r| r.get::<_, i64>(0))
            .is_err()
    );
}

#[test]
fn a_wrong_passphrase_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("registry.db");
    demo_registry(&path);
    let before = std::fs::read(&path).expect("read");
    let wrong = Passphrase::given("not the passphrase at all");
    for result in [
        Store::open(&path, &wrong).map(drop),
        Store::open_read_only(&path, &wrong).map(drop),
    ] {
        assert!(
            matches!(result, Err(StoreError::WrongPassphrase { .. })),
            "{result:?}"
        );
    }
    assert_eq!(std::fs::read(&path).expect("read"), before, "unchanged");
    let message = Store::open(&path, &wrong)
        .map(drop)
        .expect_err("refused")
        .to_string();
    assert!(message.contains("does not open"), "{message}");
}

#[test]
fn backups_and_automatic_copies_are_encrypted_with_the_same_passphrase() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("registry.db");
    demo_registry(&path);
    let store = open_as_admin(&path);
    let backup = dir.path().join("copy.db");
    store.backup_to(&backup).expect("backup");
    let daily = store.daily_backup(today()).expect("daily").expect("made");
    for copy in [&backup, &daily] {
        assert_eq!(file_kind(copy).expect("kind"), FileKind::Encrypted);
        assert!(!reveals_names(copy, &store));
        let reopened = Store::open_read_only(copy, &key()).expect("opens");
        assert_eq!(
            reopened.children().expect("children"),
            store.children().expect("children")
        );
        assert_eq!(reopened.schema_version().expect("version"), 7);
    }
}

#[test]
fn a_plain_registry_is_encrypted_on_its_first_open_after_a_copy() {
    let dir = tempfile::tempdir().expect("temp dir");
    let encrypted = dir.path().join("source.db");
    demo_registry(&encrypted);
    let (families, children) = {
        let store = Store::open_read_only(&encrypted, &key()).expect("open");
        (store.families().expect("f"), store.children().expect("c"))
    };
    // The same registry as Yuva wrote it before encryption: a plain SQLite file (and a plain
    // daily copy beside it).
    let plain = dir.path().join("registry.db");
    {
        let conn = raw_connection(&encrypted);
        conn.execute(
            "ATTACH DATABASE ?1 AS plain KEY ''",
            [plain.display().to_string()],
        )
        .expect("attach");
        conn.query_row("SELECT sqlcipher_export('plain')", [], |_| Ok(()))
            .expect("export");
        conn.execute_batch("PRAGMA plain.user_version = 7; DETACH DATABASE plain")
            .expect("version");
    }
    assert_eq!(file_kind(&plain).expect("kind"), FileKind::Plain);
    let backups = dir.path().join("backups");
    std::fs::create_dir_all(&backups).expect("folder");
    let plain_daily = backups.join("registry.daily-2026-03-14.db");
    std::fs::copy(&plain, &plain_daily).expect("plain copy");
    // Read-only commands never encrypt (they never change the file): they say so.
    let read = Store::open_read_only(&plain, &key()).map(drop);
    assert!(
        matches!(&read, Err(StoreError::NotReadable { reason, .. }) if reason.contains("not encrypted")),
        "{read:?}"
    );

    let store = Store::open(&plain, &key()).expect("encrypted on open");
    assert_eq!(file_kind(&plain).expect("kind"), FileKind::Encrypted);
    assert_eq!(store.families().expect("f"), families);
    assert_eq!(store.children().expect("c"), children);
    assert!(!reveals_names(&plain, &store));
    // The copy made before is encrypted too; the plain daily copy is gone.
    let kept: Vec<_> = std::fs::read_dir(&backups)
        .expect("backups")
        .flatten()
        .map(|e| e.path())
        .collect();
    assert!(!plain_daily.exists(), "the plain copy is deleted");
    let before = kept
        .iter()
        .find(|p| p.to_string_lossy().contains("before-encryption"))
        .expect("a copy before encryption");
    assert_eq!(file_kind(before).expect("kind"), FileKind::Encrypted);
    assert!(
        kept.iter()
            .all(|p| file_kind(p).expect("kind") != FileKind::Plain),
        "{kept:?}"
    );
    assert!(
        store.verify_audit().expect("verify").broken.is_none(),
        "the audit chain survives"
    );
}

#[test]
fn a_plain_file_that_is_not_a_registry_is_left_alone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("other.db");
    {
        let conn = rusqlite::Connection::open(&path).expect("plain");
        conn.execute_batch("CREATE TABLE notes(text TEXT); INSERT INTO notes VALUES ('x');")
            .expect("table");
    }
    let before = std::fs::read(&path).expect("read");
    let opened = Store::open(&path, &key()).map(drop);
    assert!(
        matches!(&opened, Err(StoreError::NotReadable { .. })),
        "{opened:?}"
    );
    assert_eq!(std::fs::read(&path).expect("read"), before);
}
