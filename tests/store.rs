//! The SQLite store: migrations, round-trips of every entity, transactions, the audit log.

mod common;

use common::*;
use rusqlite::Connection;
use yuva::domain::*;
use yuva::store::{GroupChange, Store, StoreError};

fn ctx(gazetteer: &yuva::geo::Gazetteer) -> Context<'_> {
    Context {
        today: today(),
        gazetteer,
    }
}

#[test]
fn migrates_an_empty_file_and_reopens_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("new").join("registry.db");
    {
        let store = Store::open(&path, &common::key()).expect("creates the file and its folder");
        assert_eq!(store.schema_version().expect("version"), 7);
        assert!(store.is_empty().expect("empty"));
    }
    let store = Store::open(&path, &common::key()).expect("reopens");
    assert_eq!(store.schema_version().expect("version"), 7);
    let conn = raw_connection(&path);
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("mode");
    assert_eq!(mode, "wal");
}

#[test]
fn foreign_keys_are_enforced() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("registry.db");
    let mut store = open_as_admin(&path);
    let result = store.write(|w| w.start_placement(999, 999, today()));
    assert!(
        matches!(result, Err(StoreError::Sqlite(_))),
        "placement of unknown records refused: {result:?}"
    );
}

#[test]
fn refuses_a_registry_from_a_newer_version() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("future.db");
    Connection::open(&path)
        .and_then(|c| c.pragma_update(None, "user_version", 99))
        .expect("write version");
    match Store::open(&path, &common::key()) {
        Err(StoreError::TooNew { found, known, .. }) => {
            assert_eq!(found, 99);
            assert_eq!(known, 7);
        }
        other => panic!("expected TooNew, got {:?}", other.map(|_| ())),
    }
}

#[test]
fn family_round_trips_with_every_field() {
    let g = gazetteer();
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("registry.db");
    let original = full_family("F-0001");
    let id = {
        let mut store = open_as_admin(&path);
        store.save_family(&original, &ctx(&g)).expect("saves")
    };
    let store = Store::open(&path, &common::key()).expect("reopens");
    let loaded = store.family(id).expect("loads");
    assert_eq!(
        loaded,
        Family {
            id: Some(id),
            ..original.clone()
        }
    );
    assert_eq!(store.families().expect("list"), vec![loaded.clone()]);

    // An edit replaces the nested rows in the same transaction.
    let mut store = store;
    sign_in_admin(&mut store);
    let mut edited = loaded;
    edited.household.truncate(1);
    edited.checks.clear();
    edited.second_carer = None;
    edited.terms.places = 3;
    store.save_family(&edited, &ctx(&g)).expect("updates");
    assert_eq!(store.family(id).expect("reloads"), edited);
}

#[test]
fn child_and_sibling_group_round_trip() {
    let g = gazetteer();
    let mut store = Store::open_in_memory().expect("store");
    let first = child("C-0001", "Aysel", "Əliyeva");
    let group = SiblingGroup {
        id: None,
        code: String::from("G-0001"),
        may_split: false,
        split_reason: String::new(),
    };
    let first_id = store
        .save_child(&first, &GroupChange::New(group), &ctx(&g))
        .expect("saves with a new group");
    let groups = store.sibling_groups().expect("groups");
    assert_eq!(groups.len(), 1);
    let group = groups[0].clone();

    let second = child("C-0002", "Ömər", "Əliyev");
    let second_id = store
        .save_child(&second, &GroupChange::Existing(group.clone()), &ctx(&g))
        .expect("joins the group");

    let loaded = store.child(first_id).expect("loads");
    assert_eq!(
        loaded,
        Child {
            id: Some(first_id),
            sibling_group_id: group.id,
            ..first.clone()
        }
    );
    assert_eq!(
        store.child(second_id).expect("loads").sibling_group_id,
        group.id
    );

    // Both leave the group: the empty group is removed with the change that emptied it.
    store
        .save_child(&loaded, &GroupChange::NoGroup, &ctx(&g))
        .expect("leaves");
    assert_eq!(
        store.sibling_groups().expect("groups").len(),
        1,
        "one member left"
    );
    let second_loaded = store.child(second_id).expect("loads");
    store
        .save_child(&second_loaded, &GroupChange::NoGroup, &ctx(&g))
        .expect("leaves");
    assert!(store.sibling_groups().expect("groups").is_empty());
}

#[test]
fn invalid_records_write_nothing_and_name_every_field() {
    let g = gazetteer();
    let mut store = Store::open_in_memory().expect("store");
    let mut family = full_family("F-0001");
    family.main_carer.full_name.clear();
    family.terms.age_min = 12;
    family.terms.age_max = 4;
    family.household[0].birth_date = Some(date(2030, 1, 1));
    match store.save_family(&family, &ctx(&g)) {
        Err(StoreError::Invalid(errors)) => {
            let fields: Vec<&str> = errors.errors.iter().map(|e| e.field.as_str()).collect();
            assert!(fields.contains(&"main_carer.full_name"), "{fields:?}");
            assert!(fields.contains(&"terms.age_max"), "{fields:?}");
            assert!(fields.contains(&"household.0.birth_date"), "{fields:?}");
        }
        other => panic!("expected validation errors, got {other:?}"),
    }
    assert!(store.is_empty().expect("empty"));
    assert!(
        store.audit_entries(10).expect("audit").is_empty(),
        "no audit entry for a refused save"
    );
}

#[test]
fn duplicate_codes_are_refused() {
    let g = gazetteer();
    let mut store = Store::open_in_memory().expect("store");
    store
        .save_family(&full_family("F-0001"), &ctx(&g))
        .expect("first");
    match store.save_family(&full_family("F-0001"), &ctx(&g)) {
        Err(StoreError::Invalid(errors)) => {
            let e = errors.for_field("code").expect("code error");
            assert_eq!(e.key, "error.duplicate_code");
        }
        other => panic!("expected a duplicate-code error, got {other:?}"),
    }
    store
        .save_child(
            &child("C-0001", "Aysel", "Əliyeva"),
            &GroupChange::NoGroup,
            &ctx(&g),
        )
        .expect("child");
    let err = store
        .save_child(
            &child("C-0001", "Leyla", "Əliyeva"),
            &GroupChange::NoGroup,
            &ctx(&g),
        )
        .expect_err("duplicate child code");
    assert!(
        matches!(err, StoreError::Invalid(ref e) if e.for_field("code").is_some()),
        "{err:?}"
    );
    assert_eq!(store.children().expect("children").len(), 1);
}

#[test]
fn places_cannot_drop_below_occupied() {
    let g = gazetteer();
    let mut store = Store::open_in_memory().expect("store");
    let family_id = store
        .save_family(&full_family("F-0001"), &ctx(&g))
        .expect("family");
    let c1 = store
        .save_child(
            &child("C-0001", "Aysel", "Əliyeva"),
            &GroupChange::NoGroup,
            &ctx(&g),
        )
        .expect("child");
    let c2 = store
        .save_child(
            &child("C-0002", "Leyla", "Əliyeva"),
            &GroupChange::NoGroup,
            &ctx(&g),
        )
        .expect("child");
    store
        .write(|w| {
            w.start_placement(c1, family_id, date(2026, 1, 10))?;
            w.start_placement(c2, family_id, date(2026, 1, 10))
        })
        .expect("placements");
    assert_eq!(
        store.occupied_places().expect("occupied").get(&family_id),
        Some(&2)
    );
    assert_eq!(store.child(c1).expect("child").status, ChildStatus::Placed);

    let mut family = store.family(family_id).expect("family");
    family.terms.places = 1;
    match store.save_family(&family, &ctx(&g)) {
        Err(StoreError::Invalid(errors)) => {
            let e = errors.for_field("terms.places").expect("places error");
            assert_eq!(e.key, "error.places_below_occupied");
            assert_eq!(e.args, vec![("occupied", String::from("2"))]);
        }
        other => panic!("expected places error, got {other:?}"),
    }
}

#[test]
fn a_failed_transaction_leaves_nothing_half_written() {
    let g = gazetteer();
    let mut store = Store::open_in_memory().expect("store");
    let result = store.write(|w| {
        w.save_family(&full_family("F-0001"), &ctx(&g))?;
        w.save_family(&full_family("F-0002"), &ctx(&g))?;
        // The third is invalid: the whole batch must roll back.
        let mut bad = full_family("F-0003");
        bad.location.district_code.clear();
        w.save_family(&bad, &ctx(&g))
    });
    assert!(matches!(result, Err(StoreError::Invalid(_))));
    assert!(store.families().expect("families").is_empty());
}

#[test]
fn audit_log_records_changes_and_is_append_only() {
    let g = gazetteer();
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("registry.db");
    let mut store = Store::open(&path, &common::key()).expect("store");
    store
        .create_first_administrator("nargiz", "Nərgiz Quliyeva", ADMIN_PASSWORD)
        .expect("administrator");
    let id = store
        .save_family(&full_family("F-0001"), &ctx(&g))
        .expect("create");
    let family = store.family(id).expect("family");
    store.save_family(&family, &ctx(&g)).expect("update");
    let entries = store.audit_entries(10).expect("entries");
    // The account's creation, then the family's.
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[2].entity, "account");
    assert_eq!(entries[0].action, "update");
    assert_eq!(entries[1].action, "create");
    assert!(
        entries[..2]
            .iter()
            .all(|e| e.user_name == "nargiz" && e.entity_id == Some(id))
    );

    let conn = raw_connection(&path);
    assert!(
        conn.execute("UPDATE audit_log SET user_name = 'x'", [])
            .is_err()
    );
    assert!(conn.execute("DELETE FROM audit_log", []).is_err());
    assert_eq!(store.audit_entries(10).expect("entries").len(), 3);
}

#[test]
fn text_is_stored_nfc_normalised() {
    let g = gazetteer();
    let mut store = Store::open_in_memory().expect("store");
    let mut family = full_family("F-0001");
    // "Kǝrimova" typed with the look-alike U+01DD, and an "ö" as o + combining diaeresis.
    family.main_carer.full_name = String::from("  Kǝrimova Go\u{0308}zəl ");
    let id = store.save_family(&family, &ctx(&g)).expect("saves");
    assert_eq!(
        store.family(id).expect("loads").main_carer.full_name,
        "Kərimova Gözəl"
    );
}

#[test]
fn next_codes_follow_the_highest() {
    let g = gazetteer();
    let mut store = Store::open_in_memory().expect("store");
    assert_eq!(store.next_code("F-").expect("code"), "F-0001");
    store
        .save_family(&full_family("F-0041"), &ctx(&g))
        .expect("saves");
    assert_eq!(store.next_code("F-").expect("code"), "F-0042");
}
