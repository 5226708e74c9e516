//! Two district offices and the national office syncing through a real hub on a real
//! PostgreSQL (the URL in YUVA_TEST_DATABASE_URL; `.ci/run` starts a throwaway cluster, and
//! `eval "$(bash tests/interop/start_postgres.sh)"` does on a developer's machine): records flow
//! both ways field by field, least privilege holds, a conflict is kept and resolved, a push
//! whose answer was lost doubles nothing, a hub killed and restarted loses nothing, an audit
//! log rewritten after a sync is refused.

mod common;
#[path = "common/hub.rs"]
mod hub_test;

use std::path::Path;

use common::*;
use hub_test::*;
use yuva::domain::{Child, Context, Family};
use yuva::hub::{self, Hub};
use yuva::store::Store;
use yuva::store::sync::Keep;

fn sync(store: &mut Store) -> yuva::sync::SyncReport {
    let g = gazetteer();
    let ctx = Context {
        today: today(),
        gazetteer: &g,
    };
    yuva::sync::sync(store, &ctx, &|_| {}).expect("syncs")
}

/// Each record's global id by its local id (one connection: opening an encrypted registry
/// derives its key, which takes a moment).
fn gids(path: &Path, entity: &str) -> std::collections::HashMap<i64, String> {
    let conn = raw_connection(path);
    let mut statement = conn
        .prepare("SELECT local_id, gid FROM sync_records WHERE entity = ?1")
        .expect("query");
    statement
        .query_map([entity], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("rows")
        .collect::<rusqlite::Result<_>>()
        .expect("global ids")
}

fn gid_of(path: &Path, entity: &str, local_id: i64) -> String {
    gids(path, entity).remove(&local_id).expect("a global id")
}

/// The record of `records` with this global id.
fn with_gid<'a, T>(
    path: &Path,
    entity: &str,
    records: &'a [T],
    id: impl Fn(&T) -> Option<i64>,
    gid: &str,
) -> Option<&'a T> {
    let map = gids(path, entity);
    records
        .iter()
        .find(|r| id(r).and_then(|i| map.get(&i)).is_some_and(|g| g == gid))
}

fn by_gid<'a, T>(
    path: &Path,
    entity: &str,
    records: &'a [T],
    id: impl Fn(&T) -> Option<i64>,
) -> Vec<(String, &'a T)> {
    let map = gids(path, entity);
    let mut out: Vec<(String, &T)> = records
        .iter()
        .map(|r| (map[&id(r).expect("saved")].clone(), r))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// A family as another registry must have it: everything but the local id and the code
/// (which may carry the owning office in front).
fn same_family(a: &Family, b: &Family) -> bool {
    Family {
        id: None,
        code: String::new(),
        ..a.clone()
    } == Family {
        id: None,
        code: String::new(),
        ..b.clone()
    } && b.code.ends_with(&a.code)
}

fn same_child(a: &Child, b: &Child) -> bool {
    Child {
        id: None,
        code: String::new(),
        sibling_group_id: None,
        ..a.clone()
    } == Child {
        id: None,
        code: String::new(),
        sibling_group_id: None,
        ..b.clone()
    } && b.code.ends_with(&a.code)
}

#[test]
fn two_offices_and_the_national_office_through_a_real_hub() {
    let dir = tempfile::tempdir().expect("temp dir");
    let Some(test_hub) = TestHub::start(dir.path()) else {
        return;
    };
    let TestHub {
        database,
        tls,
        server,
    } = test_hub;
    let token = |office: &str| token_for(&database, &tls, office);
    let url = server.url();

    let (sm_path, abs_path, nat_path) = (
        dir.path().join("sumqayit.db"),
        dir.path().join("abseron.db"),
        dir.path().join("national.db"),
    );
    // More than a batch (200) of records: several pushes and pull pages in one sync.
    let mut sumqayit = office_registry(&sm_path, 1, 100, 160);
    let mut abseron = office_registry(&abs_path, 2, 10, 16);
    let mut national = open_as_admin(&nat_path);
    for (store, office) in [
        (&mut sumqayit, "AZ-SM"),
        (&mut abseron, "AZ-ABS"),
        (&mut national, "NAT"),
    ] {
        let enrolled = yuva::sync::enrol(store, &url, &token(office), "test").expect("enrols");
        assert_eq!(enrolled.office, office);
    }
    // A token is good once.
    let used = token("AZ-SM");
    let mut other = open_as_admin(&dir.path().join("other.db"));
    yuva::sync::enrol(&mut other, &url, &used, "test").expect("first use");
    let mut third = open_as_admin(&dir.path().join("third.db"));
    let again = yuva::sync::enrol(&mut third, &url, &used, "test");
    assert!(
        matches!(again, Err(yuva::sync::SyncError::Refused(_))),
        "{again:?}"
    );

    let first = sync(&mut sumqayit);
    let sm_families = sumqayit.families().expect("families");
    let sm_children = sumqayit.children().expect("children");
    assert_eq!(first.pushed, sm_families.len() + sm_children.len());
    let ab_families = abseron.families().expect("families");
    let ab_children = abseron.children().expect("children");
    let abseron_first = sync(&mut abseron);
    let national_report = sync(&mut national);
    assert_eq!(
        national_report.added,
        sm_families.len() + sm_children.len() + ab_families.len() + ab_children.len()
    );

    // The national office has every record of both offices, field by field.
    let nat_families = national.families().expect("families");
    let nat_children = national.children().expect("children");
    let national_family: std::collections::HashMap<String, &Family> =
        by_gid(&nat_path, "family", &nat_families, |f| f.id)
            .into_iter()
            .collect();
    let national_child: std::collections::HashMap<String, &Child> =
        by_gid(&nat_path, "child", &nat_children, |c| c.id)
            .into_iter()
            .collect();
    for (gid, family) in by_gid(&sm_path, "family", &sm_families, |f| f.id)
        .into_iter()
        .chain(by_gid(&abs_path, "family", &ab_families, |f| f.id))
    {
        let theirs = national_family[&gid];
        assert!(same_family(family, theirs), "{family:?}\n{theirs:?}");
    }
    for (gid, child) in by_gid(&sm_path, "child", &sm_children, |c| c.id) {
        let theirs = national_child[&gid];
        assert!(same_child(child, theirs), "{child:?}\n{theirs:?}");
    }
    // Sibling groups arrive with their children.
    assert_eq!(
        national.sibling_groups().expect("groups").len(),
        sumqayit.sibling_groups().expect("g").len() + abseron.sibling_groups().expect("g").len()
    );

    // Places taken travel as each office's counts: the national office sees Sumqayıt's
    // families as full as Sumqayıt does, and a placement ended there frees its place here.
    let national_taken = |national: &Store| {
        let occupied = national.occupied_places().expect("occupied");
        let families = national.families().expect("f");
        by_gid(&nat_path, "family", &families, |f| f.id)
            .into_iter()
            .map(|(gid, f)| (gid, occupied.get(&f.id.expect("id")).copied().unwrap_or(0)))
            .collect::<std::collections::HashMap<String, u32>>()
    };
    let sm_occupied = sumqayit.occupied_places().expect("occupied");
    assert!(
        sm_occupied.values().sum::<u32>() > 1,
        "the demo has placements"
    );
    let taken_there = national_taken(&national);
    for (gid, family) in by_gid(&sm_path, "family", &sm_families, |f| f.id) {
        let here = sm_occupied
            .get(&family.id.expect("id"))
            .copied()
            .unwrap_or(0);
        assert_eq!(taken_there[&gid], here, "{}", family.code);
    }
    let ended = sumqayit
        .placements()
        .expect("placements")
        .into_iter()
        .find(|p| p.is_active())
        .expect("a placement in force");
    sumqayit
        .end_placement(
            ended.id,
            Some(today()),
            Some(yuva::domain::EndReason::Reunified),
            "",
            today(),
        )
        .expect("ended");
    let freed = gid_of(&sm_path, "family", ended.family_id);
    sync(&mut sumqayit);
    sync(&mut national);
    assert_eq!(national_taken(&national)[&freed], taken_there[&freed] - 1);

    // Least privilege: Abşeron receives Sumqayıt's approved families (same economic region)
    // without their private details, and none of its children.
    let approved = sm_families
        .iter()
        .filter(|f| f.status == yuva::domain::FamilyStatus::Approved)
        .count();
    assert!(approved > 0);
    assert_eq!(abseron_first.added, approved, "only the approved families");
    assert_eq!(sync(&mut abseron).added, 0, "nothing new since");
    assert_eq!(abseron.children().expect("c").len(), ab_children.len());
    let seen = abseron.families().expect("families");
    let foreign: Vec<&Family> = seen
        .iter()
        .filter(|f| !ab_families.iter().any(|own| own.id == f.id))
        .collect();
    assert_eq!(foreign.len(), approved);
    for family in &foreign {
        assert!(family.main_carer.phone.is_empty() && family.household.is_empty());
        assert!(family.location.address.is_empty());
    }
    // Seen for matching, not Abşeron's to change.
    let g = gazetteer();
    let mut theirs = (*foreign[0]).clone();
    theirs.notes = String::from("Abşeron yazır");
    let refused = abseron.save_family(
        &theirs,
        &Context {
            today: today(),
            gazetteer: &g,
        },
    );
    assert!(
        matches!(&refused, Err(yuva::store::StoreError::Refused(r)) if r.key == "refusal.owned_elsewhere"),
        "{refused:?}"
    );

    // A family Sumqayıt no longer approves is withdrawn where it was seen for matching; one
    // never approved is never sent.
    let g = gazetteer();
    let ctx = Context {
        today: today(),
        gazetteer: &g,
    };
    let mut suspended = sm_families
        .iter()
        .skip(3)
        .find(|f| f.status == yuva::domain::FamilyStatus::Approved)
        .expect("an approved family")
        .clone();
    suspended.status = yuva::domain::FamilyStatus::Suspended;
    sumqayit.save_family(&suspended, &ctx).expect("suspended");
    let mut applicant = sm_families
        .iter()
        .find(|f| f.status == yuva::domain::FamilyStatus::Applicant)
        .expect("an applicant")
        .clone();
    applicant.notes = String::from("Müraciət baxılır.");
    sumqayit.save_family(&applicant, &ctx).expect("saved");
    sync(&mut sumqayit);
    let withdrawn = sync(&mut abseron);
    assert_eq!(
        (withdrawn.added, withdrawn.updated),
        (0, 1),
        "{withdrawn:?}"
    );
    let seen_now = abseron.families().expect("families");
    assert_eq!(seen_now.len(), seen.len(), "nothing new");
    assert!(
        seen_now
            .iter()
            .any(|f| f.main_carer.full_name == suspended.main_carer.full_name
                && f.status == yuva::domain::FamilyStatus::Suspended)
    );
    assert!(
        !seen_now
            .iter()
            .any(|f| f.main_carer.full_name == applicant.main_carer.full_name)
    );

    // Changes flow both ways: the national office corrects a Sumqayıt family; Sumqayıt
    // changes a child.
    let g = gazetteer();
    let ctx = Context {
        today: today(),
        gazetteer: &g,
    };
    let target_gid = gid_of(&sm_path, "family", sm_families[0].id.expect("id"));
    let at_national_all = national.families().expect("f");
    let mut at_national = with_gid(&nat_path, "family", &at_national_all, |f| f.id, &target_gid)
        .expect("there")
        .clone();
    at_national.notes = String::from("Milli ofisin qeydi: ünvan yoxlanılıb.");
    national.save_family(&at_national, &ctx).expect("saved");
    sync(&mut national);
    let back = sync(&mut sumqayit);
    assert_eq!(back.updated, 1, "{back:?}");
    assert_eq!(
        sumqayit
            .family(sm_families[0].id.expect("id"))
            .expect("f")
            .notes,
        "Milli ofisin qeydi: ünvan yoxlanılıb."
    );

    // A conflict: both change the same family from the same version.
    let mut here = sumqayit.family(sm_families[1].id.expect("id")).expect("f");
    here.main_carer.phone = String::from("+994 50 222 33 44");
    sumqayit.save_family(&here, &ctx).expect("saved");
    let conflict_gid = gid_of(&sm_path, "family", here.id.expect("id"));
    let all = national.families().expect("f");
    let mut there = with_gid(&nat_path, "family", &all, |f| f.id, &conflict_gid)
        .expect("there")
        .clone();
    there.notes = String::from("Milli ofis: telefon dəyişib.");
    national.save_family(&there, &ctx).expect("saved");
    sync(&mut national);
    let report = sync(&mut sumqayit);
    assert_eq!(report.conflicts, 1, "{report:?}");
    let conflicts = sumqayit.sync_conflicts().expect("conflicts");
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].gid, conflict_gid);
    assert_eq!(
        conflicts[0].mine["main_carer"]["phone"],
        "+994 50 222 33 44"
    );
    assert_eq!(conflicts[0].theirs["notes"], "Milli ofis: telefon dəyişib.");
    // This registry's version stays until a person decides.
    assert_eq!(
        sumqayit
            .family(here.id.expect("id"))
            .expect("f")
            .main_carer
            .phone,
        "+994 50 222 33 44"
    );
    // Combined field by field: their note, my phone.
    let mut combined = conflicts[0].theirs.clone();
    combined["main_carer"]["phone"] = conflicts[0].mine["main_carer"]["phone"].clone();
    sumqayit
        .resolve_conflict(conflicts[0].id, &Keep::Combined(combined), &ctx)
        .expect("resolved");
    assert!(sumqayit.sync_conflicts().expect("c").is_empty());
    sync(&mut sumqayit);
    sync(&mut national);
    let all = national.families().expect("f");
    let resolved = with_gid(&nat_path, "family", &all, |f| f.id, &conflict_gid).expect("there");
    assert_eq!(resolved.main_carer.phone, "+994 50 222 33 44");
    assert_eq!(resolved.notes, "Milli ofis: telefon dəyişib.");

    // A push whose answer was lost, sent again: nothing doubles, no conflict.
    let history = |db: &str| -> i64 {
        runtime().block_on(async {
            let client = hub::connect(db).await.expect("pg");
            client
                .query_one("SELECT count(*) FROM record_history", &[])
                .await
                .expect("count")
                .get(0)
        })
    };
    let before = history(&database);
    raw_connection(&sm_path)
        .execute(
            "UPDATE sync_records SET pushed = 0, version = 0 WHERE entity != 'sibling_group'",
            [],
        )
        .expect("the answers forgotten");
    drop(sumqayit);
    let mut sumqayit = open_as_admin(&sm_path);
    let again = sync(&mut sumqayit);
    assert_eq!(again.conflicts, 0, "{again:?}");
    assert_eq!(history(&database), before, "nothing taken twice");

    // The hub killed, changes made meanwhile, the hub back: nothing lost.
    server.kill();
    let mut child = sumqayit.children().expect("c").remove(0);
    child.notes = String::from("Hub işləməyəndə yazılıb.");
    let group = match child.sibling_group_id {
        None => yuva::store::GroupChange::NoGroup,
        Some(id) => yuva::store::GroupChange::Existing(
            sumqayit
                .sibling_groups()
                .expect("g")
                .into_iter()
                .find(|g| g.id == Some(id))
                .expect("group"),
        ),
    };
    sumqayit
        .save_child(&child, &group, &ctx)
        .expect("saved offline");
    let offline = yuva::sync::sync(&mut sumqayit, &ctx, &|_| {});
    assert!(
        matches!(offline, Err(yuva::sync::SyncError::Network { .. })),
        "{offline:?}"
    );
    let server = Hub::start(&database, &tls, "127.0.0.1:0").expect("the hub again");
    for path in [&sm_path, &nat_path] {
        raw_connection(path)
            .execute(
                "UPDATE settings SET value = ?1 WHERE key = 'hub_url'",
                [server.url()],
            )
            .expect("the hub's new port");
    }
    assert_eq!(sync(&mut sumqayit).pushed, 1, "the change made offline");
    sync(&mut national);
    assert!(
        national
            .children()
            .expect("c")
            .iter()
            .any(|c| c.notes == "Hub işləməyəndə yazılıb.")
    );

    // An audit log rewritten after a sync is refused at the next one.
    let confirmed: i64 = raw_connection(&sm_path)
        .query_row(
            "SELECT value FROM settings WHERE key = 'audit_confirmed_id'",
            [],
            |r| r.get::<_, String>(0),
        )
        .expect("confirmed")
        .parse()
        .expect("number");
    // As someone holding the passphrase would: the append-only triggers removed first.
    raw_connection(&sm_path)
        .execute_batch(&format!(
            "DROP TRIGGER audit_log_no_update;
             UPDATE audit_log SET summary = 'rewritten', hash = 'rewritten' WHERE id = {confirmed};"
        ))
        .expect("tampered");
    let mut family = sumqayit.families().expect("f").remove(2);
    family.notes = String::from("after tampering");
    sumqayit.save_family(&family, &ctx).expect("saved");
    let refused = yuva::sync::sync(&mut sumqayit, &ctx, &|_| {});
    match refused {
        Err(yuva::sync::SyncError::Refused(message)) => {
            assert!(message.contains("audit log"), "{message}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    // The hub's administrator sees which device it was.
    let devices = runtime().block_on(hub::status(&database)).expect("status");
    let flagged: Vec<&str> = devices
        .iter()
        .filter(|d| d.audit_rewritten_at.is_some())
        .map(|d| d.office.as_str())
        .collect();
    assert_eq!(flagged, ["AZ-SM"], "{devices:?}");
    assert!(
        devices
            .iter()
            .filter(|d| d.office == "AZ-SM")
            .any(|d| d.last_seen.is_some() && d.records > 0)
    );
    server.kill();
}

#[test]
fn a_demo_registry_is_never_enrolled() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = demo_registry(&dir.path().join("demo.db"), 3, 4);
    let refused = yuva::sync::enrol(
        &mut store,
        "https://127.0.0.1:1",
        &format!("yuva1.AZ-SM.{}.{}", "ab".repeat(16), "cd".repeat(32)),
        "test",
    );
    assert!(
        matches!(
            refused,
            Err(yuva::sync::SyncError::Store(
                yuva::store::StoreError::Refused(_)
            ))
        ),
        "{refused:?}"
    );
    assert!(store.office().expect("office").is_none());
}
