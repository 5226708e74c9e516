//! An office without a connection syncs through bundles carried on a USB stick, against a
//! real hub on a real PostgreSQL (YUVA_TEST_DATABASE_URL, as for `tests/sync.rs`): changes go up
//! and others' come down, a changed, foreign, misdirected or replayed bundle is refused with
//! nothing taken in; and the hub killed inside a batch's transaction loses and doubles nothing.

mod common;
#[path = "common/hub.rs"]
mod hub_test;

use std::path::Path;

use common::*;
use hub_test::*;
use yuva::domain::Context;
use yuva::hub::{self, Hub, HubError, Taken};
use yuva::store::Store;
use yuva::sync::{BundleError, SyncError, SyncReport};

fn take(test_hub: &TestHub, from: &Path, output: &Path) -> Result<Taken, HubError> {
    runtime().block_on(hub::take_bundle(
        &test_hub.database,
        &test_hub.tls,
        from,
        output,
    ))
}

fn import(store: &mut Store, from: &Path) -> Result<SyncReport, SyncError> {
    let g = gazetteer();
    let ctx = Context {
        today: today(),
        gazetteer: &g,
    };
    yuva::sync::import_bundle(store, &ctx, from, &|_| {})
}

fn sync(store: &mut Store) -> SyncReport {
    let g = gazetteer();
    let ctx = Context {
        today: today(),
        gazetteer: &g,
    };
    yuva::sync::sync(store, &ctx, &|_| {}).expect("syncs")
}

/// One number from the hub's database.
fn count(database: &str, sql: &str) -> i64 {
    runtime().block_on(async {
        let client = hub::connect(database).await.expect("pg");
        client.query_one(sql, &[]).await.expect("count").get(0)
    })
}

/// Families and children waiting to be sent (counts of places taken travel beside them).
fn pending(store: &Store) -> usize {
    store
        .sync_pending(10_000)
        .expect("pending")
        .iter()
        .filter(|p| p.record.entity.is_record())
        .count()
}

const RECORDS_AT_THE_HUB: &str = "SELECT count(*) FROM records WHERE entity IN ('family', 'child')";

fn edit_child_notes(store: &mut Store, local_id: i64, notes: &str) {
    let g = gazetteer();
    let ctx = Context {
        today: today(),
        gazetteer: &g,
    };
    let mut child = store.child(local_id).expect("child");
    child.notes = notes.to_owned();
    let group = match child.sibling_group_id {
        None => yuva::store::GroupChange::NoGroup,
        Some(id) => yuva::store::GroupChange::Existing(
            store
                .sibling_groups()
                .expect("g")
                .into_iter()
                .find(|g| g.id == Some(id))
                .expect("group"),
        ),
    };
    store.save_child(&child, &group, &ctx).expect("saved");
}

#[test]
fn an_office_without_a_connection_syncs_by_bundles() {
    let dir = tempfile::tempdir().expect("temp dir");
    let Some(test_hub) = TestHub::start(dir.path()) else {
        return;
    };
    let url = test_hub.server.url();
    let token = |office: &str| token_for(&test_hub.database, &test_hub.tls, office);
    let (sm_path, nat_path) = (dir.path().join("sumqayit.db"), dir.path().join("nat.db"));
    // More than a batch (200) of records: the bundle carries several batches.
    let mut sumqayit = office_registry(&sm_path, 5, 90, 150);
    let mut national = open_as_admin(&nat_path);
    // The laptop is enrolled once (at the office with a connection); from then on it has none.
    yuva::sync::enrol(&mut sumqayit, &url, &token("AZ-SM"), "laptop").expect("enrols");
    yuva::sync::enrol(&mut national, &url, &token("NAT"), "national").expect("enrols");
    let records = pending(&sumqayit);
    assert!(records > 200, "{records}");
    // New codes carry the office: two offices never make the same one.
    assert_eq!(sumqayit.next_code("F-").expect("code"), "SM-F-0001");
    assert_eq!(sumqayit.next_code("C-").expect("code"), "SM-C-0001");
    assert_eq!(national.next_code("F-").expect("code"), "NAT-F-0001");

    let up = dir.path().join("sumqayit-1.yuvasync");
    let exported = yuva::sync::export_bundle(&mut sumqayit, &up).expect("written");
    assert_eq!((exported.number, exported.records), (1, records));
    assert!(exported.batches >= 2);
    assert_eq!(pending(&sumqayit), records, "sent again until answered");
    // Sealed: no record's name is readable on the stick.
    let bytes = std::fs::read(&up).expect("bundle");
    let a_name = sumqayit.families().expect("f")[0]
        .main_carer
        .full_name
        .clone();
    assert!(!bytes.windows(a_name.len()).any(|w| w == a_name.as_bytes()));

    // Changed on the way: refused, nothing taken in, no answer written.
    for position in [bytes.len() / 3, bytes.len() - 2, 30] {
        let mut changed = bytes.clone();
        changed[position] ^= 0x20;
        let tampered = dir.path().join("tampered.yuvasync");
        std::fs::write(&tampered, &changed).expect("written");
        let reply = dir.path().join("never.yuvasync");
        let refused = take(&test_hub, &tampered, &reply);
        assert!(
            matches!(&refused, Err(HubError::Input(m)) if m.contains("changed after it was made")),
            "byte {position}: {refused:?}"
        );
        assert!(!reply.exists());
    }
    assert_eq!(count(&test_hub.database, RECORDS_AT_THE_HUB), 0);

    // Taken in; its answer written for the laptop.
    let reply = dir.path().join("sumqayit-1-answer.yuvasync");
    let taken = take(&test_hub, &up, &reply).expect("taken in");
    assert_eq!(taken.office, "AZ-SM");
    assert_eq!(taken.records_in, records);
    assert_eq!(taken.refused, None);
    assert_eq!(
        count(&test_hub.database, RECORDS_AT_THE_HUB),
        records as i64
    );
    // The same bundle again (copied, or carried twice): refused.
    let again = take(&test_hub, &up, &dir.path().join("again.yuvasync"));
    assert!(
        matches!(&again, Err(HubError::Input(m)) if m.contains("taken in already")),
        "{again:?}"
    );

    // The answer is the laptop's alone, goes one way, and is checked before anything is written.
    assert!(matches!(
        import(&mut national, &reply),
        Err(SyncError::Bundle(BundleError::OtherDevice { .. }))
    ));
    assert!(matches!(
        import(&mut sumqayit, &up),
        Err(SyncError::Bundle(BundleError::ForTheHub))
    ));
    let mut changed = std::fs::read(&reply).expect("answer");
    let middle = changed.len() / 2;
    changed[middle] ^= 0x01;
    let tampered = dir.path().join("tampered-answer.yuvasync");
    std::fs::write(&tampered, &changed).expect("written");
    assert!(matches!(
        import(&mut sumqayit, &tampered),
        Err(SyncError::Bundle(BundleError::Tampered))
    ));
    assert_eq!(pending(&sumqayit), records, "nothing written");
    let done = import(&mut sumqayit, &reply).expect("taken in");
    assert_eq!(done.pushed, records);
    assert_eq!(done.conflicts, 0);
    assert_eq!(pending(&sumqayit), 0, "answered: nothing left to send");
    assert!(matches!(
        import(&mut sumqayit, &reply),
        Err(SyncError::Bundle(BundleError::Replayed { .. }))
    ));

    // The national office has them (online), field by field as the laptop has them.
    assert_eq!(sync(&mut national).added, records);
    let sm_children = sumqayit.children().expect("c");
    let nat_children = national.children().expect("c");
    for child in &sm_children {
        assert!(
            nat_children.iter().any(|c| c.code.ends_with(&child.code)
                && c.first_name == child.first_name
                && c.birth_date == child.birth_date
                && c.needs == child.needs),
            "{child:?}"
        );
    }

    // Two trips before an answer came back: a child changed, a bundle; changed again,
    // another bundle. Both taken in in order; the second builds on the first (no conflict
    // with itself), and its answer alone settles both.
    let child_id = sm_children[3].id.expect("id");
    edit_child_notes(&mut sumqayit, child_id, "Birinci səfər.");
    let second = dir.path().join("sumqayit-2.yuvasync");
    assert_eq!(
        yuva::sync::export_bundle(&mut sumqayit, &second)
            .expect("written")
            .records,
        1
    );
    edit_child_notes(&mut sumqayit, child_id, "İkinci səfər: həkim rəyi alınıb.");
    let third = dir.path().join("sumqayit-3.yuvasync");
    yuva::sync::export_bundle(&mut sumqayit, &third).expect("written");
    let (second_reply, third_reply) = (
        dir.path().join("answer-2.yuvasync"),
        dir.path().join("answer-3.yuvasync"),
    );
    take(&test_hub, &second, &second_reply).expect("taken in");
    take(&test_hub, &third, &third_reply).expect("taken in");
    assert_eq!(
        count(&test_hub.database, "SELECT count(*) FROM conflicts"),
        0
    );
    let settled = import(&mut sumqayit, &third_reply).expect("taken in");
    assert_eq!(settled.conflicts, 0, "{settled:?}");
    assert_eq!(pending(&sumqayit), 0);
    // The older answer after the newer one: refused, it has nothing newer.
    assert!(matches!(
        import(&mut sumqayit, &second_reply),
        Err(SyncError::Bundle(BundleError::Replayed { .. }))
    ));
    sync(&mut national);
    assert!(
        national
            .children()
            .expect("c")
            .iter()
            .any(|c| c.notes == "İkinci səfər: həkim rəyi alınıb.")
    );

    // The national office corrects a child of Sumqayıt's; the next bundle's answer brings it.
    let mut corrected = national
        .children()
        .expect("c")
        .into_iter()
        .find(|c| c.notes == "İkinci səfər: həkim rəyi alınıb.")
        .expect("there");
    corrected.notes = String::from("Milli ofis: sənədlər tamamlanıb.");
    edit_child_notes(
        &mut national,
        corrected.id.expect("id"),
        &corrected.notes.clone(),
    );
    sync(&mut national);
    let fourth = dir.path().join("sumqayit-4.yuvasync");
    assert_eq!(
        yuva::sync::export_bundle(&mut sumqayit, &fourth)
            .expect("written")
            .records,
        0
    );
    let fourth_reply = dir.path().join("answer-4.yuvasync");
    take(&test_hub, &fourth, &fourth_reply).expect("taken in");
    let came = import(&mut sumqayit, &fourth_reply).expect("taken in");
    assert_eq!(came.updated, 1, "{came:?}");
    assert_eq!(
        sumqayit.child(child_id).expect("child").notes,
        "Milli ofis: sənədlər tamamlanıb."
    );
    test_hub.server.kill();
}

#[test]
fn a_hub_killed_inside_a_batch_loses_and_doubles_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let Some(test_hub) = TestHub::start(dir.path()) else {
        return;
    };
    let TestHub {
        database,
        tls,
        server,
    } = test_hub;
    let path = dir.path().join("sumqayit.db");
    let mut sumqayit = office_registry(&path, 8, 20, 30);
    yuva::sync::enrol(
        &mut sumqayit,
        &server.url(),
        &token_for(&database, &tls, "AZ-SM"),
        "laptop",
    )
    .expect("enrols");
    let records = pending(&sumqayit);

    // Another session holds the records table, so the hub's batch waits inside its
    // transaction; the hub dies there.
    let rt = runtime();
    let mut holder = rt.block_on(hub::connect(&database)).expect("pg");
    let lock = rt
        .block_on(async {
            let tx = holder.transaction().await?;
            tx.batch_execute("LOCK TABLE records IN EXCLUSIVE MODE")
                .await?;
            Ok::<_, tokio_postgres::Error>(tx)
        })
        .expect("locked");
    let pushing = std::thread::spawn(move || {
        let g = gazetteer();
        let ctx = Context {
            today: today(),
            gazetteer: &g,
        };
        let result = yuva::sync::sync(&mut sumqayit, &ctx, &|_| {});
        (sumqayit, result)
    });
    let watcher = rt.block_on(hub::connect(&database)).expect("pg");
    let mut waited = 0;
    loop {
        let waiting: i64 = rt
            .block_on(watcher.query_one(
                "SELECT count(*) FROM pg_stat_activity
                 WHERE wait_event_type = 'Lock' AND query LIKE '%FROM records%'",
                &[],
            ))
            .expect("activity")
            .get(0);
        if waiting > 0 {
            break;
        }
        waited += 1;
        assert!(waited < 600, "the hub's batch never reached the records");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    server.kill();
    let (mut sumqayit, result) = pushing.join().expect("the sync returned");
    assert!(
        matches!(result, Err(SyncError::Network { .. })),
        "{result:?}"
    );
    rt.block_on(lock.rollback()).expect("released");
    // PostgreSQL rolled the unfinished batch back: nothing of it is at the hub.
    assert_eq!(count(&database, "SELECT count(*) FROM records"), 0);
    let counts = sumqayit.sync_pending(10_000).expect("pending").len() - records;
    assert_eq!(count(&database, "SELECT count(*) FROM batches"), 0);
    assert_eq!(pending(&sumqayit), records, "nothing counted as sent");

    // The hub back: the retry takes everything once.
    let server = Hub::start(&database, &tls, "127.0.0.1:0").expect("the hub again");
    raw_connection(&path)
        .execute(
            "UPDATE settings SET value = ?1 WHERE key = 'hub_url'",
            [server.url()],
        )
        .expect("the hub's new port");
    assert_eq!(sync(&mut sumqayit).pushed, records);
    assert_eq!(count(&database, RECORDS_AT_THE_HUB), records as i64);
    assert!(counts > 0, "the demo's placements take places");
    assert_eq!(
        count(&database, "SELECT count(*) FROM record_history"),
        (records + counts) as i64,
        "each record and count taken once"
    );
    assert_eq!(pending(&sumqayit), 0);
    server.kill();
}

#[test]
fn a_replayed_push_changes_nothing_and_a_stale_one_is_refused() {
    use yuva::sync::protocol::{PROTOCOL, PushRequest, PushResponse};
    let dir = tempfile::tempdir().expect("temp dir");
    let Some(test_hub) = TestHub::start(dir.path()) else {
        return;
    };
    let path = dir.path().join("sumqayit.db");
    let mut sumqayit = office_registry(&path, 9, 6, 8);
    yuva::sync::enrol(
        &mut sumqayit,
        &test_hub.server.url(),
        &token_for(&test_hub.database, &test_hub.tls, "AZ-SM"),
        "laptop",
    )
    .expect("enrols");
    sync(&mut sumqayit);
    let family_id = sumqayit.families().expect("f")[0].id.expect("id");
    let save_notes = |store: &mut Store, notes: &str| {
        let g = gazetteer();
        let ctx = Context {
            today: today(),
            gazetteer: &g,
        };
        let mut family = store.family(family_id).expect("family");
        family.notes = notes.to_owned();
        store.save_family(&family, &ctx).expect("saved");
    };
    let hub_notes = || -> String {
        runtime().block_on(async {
            let client = hub::connect(&test_hub.database).await.expect("pg");
            client
                .query_one(
                    "SELECT payload->>'notes' FROM records WHERE entity = 'family'
                     ORDER BY updated_at DESC, seq DESC LIMIT 1",
                    &[],
                )
                .await
                .expect("notes")
                .get(0)
        })
    };

    // A push as the client makes it, its signed request kept (as someone listening would).
    save_notes(&mut sumqayit, "Birinci");
    let sent = sumqayit.sync_pending(10).expect("pending");
    let request = PushRequest {
        protocol: PROTOCOL,
        batch: String::from("captured-batch"),
        records: sent.iter().map(|p| p.record.clone()).collect(),
        audit: sumqayit.audit_head().expect("audit"),
    };
    let body = serde_json::to_vec(&request).expect("json");
    let time = chrono::Utc::now().timestamp();
    let connection = yuva::sync::client::Hub::of(&sumqayit).expect("enrolled");
    let first = connection
        .send_signed("/push", body.clone(), time)
        .expect("sent");
    assert!(first.status().is_success());
    let answer: PushResponse = first.json().expect("an answer");
    sumqayit
        .sync_pushed(&sent, &answer.results, answer.audit_confirmed_id)
        .expect("kept");
    // A later change goes up as usual.
    save_notes(&mut sumqayit, "İkinci");
    assert_eq!(sync(&mut sumqayit).pushed, 1);
    assert_eq!(hub_notes(), "İkinci");
    let versions = count(&test_hub.database, "SELECT count(*) FROM record_history");

    // The captured request sent again: the first answer, nothing taken, nothing undone.
    let replayed = connection
        .send_signed("/push", body.clone(), time)
        .expect("sent");
    assert!(replayed.status().is_success());
    let replayed: PushResponse = replayed.json().expect("an answer");
    assert_eq!(replayed, answer);
    assert_eq!(hub_notes(), "İkinci");
    assert_eq!(
        count(&test_hub.database, "SELECT count(*) FROM record_history"),
        versions
    );
    // Signed more than ten minutes ago: refused.
    let stale = connection
        .send_signed("/push", body, time - 700)
        .expect("sent");
    assert_eq!(stale.status().as_u16(), 401);
    assert!(stale.text().expect("why").contains("clock"));
    assert_eq!(hub_notes(), "İkinci");
    test_hub.server.kill();
}
