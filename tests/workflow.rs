//! The placement workflow in the store: every status transition of a child, the ones that are
//! refused, decisions that cannot be edited, placements that end, locks and exclusions, and the
//! audit trail of each step.

mod common;

use common::*;
use rusqlite::Connection;
use yuva::domain::dashboard::Dashboard;
use yuva::domain::*;
use yuva::matching::{self, Settings};
use yuva::store::{AuditFilter, GroupChange, Proposal, Store, StoreError};

struct Fixture {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    store: Store,
    family: i64,
    children: Vec<i64>,
}

fn compatible_child(code: &str, first: &str) -> Child {
    Child {
        needs: Default::default(),
        ..child(code, first, "Məmmədova")
    }
}

/// One approved family with two places, three children awaiting placement.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("registry.db");
    let mut store = Store::open(&path, &common::key()).expect("store");
    store
        .create_first_administrator("leyla", "Leyla Həsənova", ADMIN_PASSWORD)
        .expect("administrator");
    let gazetteer = gazetteer();
    let ctx = Context {
        today: today(),
        gazetteer: &gazetteer,
    };
    let family = store
        .save_family(&full_family("F-0001"), &ctx)
        .expect("family");
    let children = [
        ("C-0001", "Aysel"),
        ("C-0002", "Nərmin"),
        ("C-0003", "Gülşən"),
    ]
    .iter()
    .map(|(code, name)| {
        store
            .save_child(&compatible_child(code, name), &GroupChange::NoGroup, &ctx)
            .expect("child")
    })
    .collect();
    Fixture {
        _dir: dir,
        path,
        store,
        family,
        children,
    }
}

/// A session with the chair and two members present (a quorum), or one member (none).
/// Registers a child in the fixture's registry.
fn add_child(f: &mut Fixture, child: &Child, group: &GroupChange) -> i64 {
    let gazetteer = gazetteer();
    let ctx = Context {
        today: today(),
        gazetteer: &gazetteer,
    };
    f.store.save_child(child, group, &ctx).expect("child saved")
}

/// A session with the chair and two members present (a quorum), or one member (none).
fn session(store: &mut Store, quorum: bool) -> i64 {
    let mut members = vec![String::from("Elçin Əliyev")];
    if quorum {
        members.push(String::from("Səbinə Rzayeva"));
    }
    store
        .create_session(&SessionInput {
            date: Some(today()),
            chair: String::from("Rəna Quliyeva"),
            members,
        })
        .expect("session")
}

fn proposal(child_id: i64, family_id: i64) -> Proposal {
    Proposal {
        child_id,
        family_id,
        distance_km: 14.2,
        value: 1985.8,
        planning_date: today(),
        explanation: None,
    }
}

fn approve(start: chrono::NaiveDate) -> DecisionInput {
    DecisionInput {
        decision: Decision::Approve,
        conditions: String::new(),
        reasons: String::from("Uşağın mənafeyinə uyğundur."),
        exclude_pair: false,
        start_date: Some(start),
    }
}

fn status(store: &Store, child: i64) -> ChildStatus {
    store.child(child).expect("child").status
}

fn refusal_key(result: Result<i64, StoreError>) -> &'static str {
    match result {
        Err(StoreError::Refused(refusal)) => refusal.key,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn propose_approve_places_the_child_and_takes_a_place() {
    let mut f = fixture();
    let s = session(&mut f.store, true);
    let items = f
        .store
        .propose(s, &[proposal(f.children[0], f.family)])
        .expect("proposed");
    assert_eq!(status(&f.store, f.children[0]), ChildStatus::Proposed);

    let decision = f
        .store
        .decide(items[0], &approve(today()))
        .expect("approved");
    assert_eq!(status(&f.store, f.children[0]), ChildStatus::Placed);
    let placements = f.store.placements().expect("placements");
    assert_eq!(placements.len(), 1);
    assert_eq!(placements[0].decision_id, Some(decision));
    assert_eq!(placements[0].start_date, today());
    assert_eq!(f.store.occupied_places().expect("occupied")[&f.family], 1);

    // A second decision on the same item is refused; a correction is a new entry.
    assert_eq!(
        refusal_key(f.store.decide(items[0], &approve(today()))),
        "refusal.already_decided"
    );
    f.store
        .add_correction(items[0], "Başlama tarixi protokolda 16.03.2026 yazılıb.")
        .expect("correction");
    let agenda = f.store.agenda(s).expect("agenda");
    assert_eq!(agenda[0].decisions.len(), 2);
    assert_eq!(
        agenda[0].decision().and_then(|d| d.decision),
        Some(Decision::Approve)
    );
    // The decisions table refuses edits and deletes at the database level too.
    let conn = raw_connection(&f.path);
    assert!(
        conn.execute("UPDATE panel_decisions SET decision = 'reject'", [])
            .is_err()
    );
    assert!(conn.execute("DELETE FROM panel_decisions", []).is_err());
}

#[test]
fn only_children_awaiting_placement_can_be_proposed() {
    let mut f = fixture();
    let s = session(&mut f.store, true);
    f.store
        .propose(s, &[proposal(f.children[0], f.family)])
        .expect("proposed");
    assert_eq!(
        refusal_key(
            f.store
                .propose(s, &[proposal(f.children[0], f.family)])
                .map(|_| 0)
        ),
        "refusal.child_not_awaiting"
    );
    // All or nothing: a batch with one refused proposal writes none.
    let result = f.store.propose(
        s,
        &[
            proposal(f.children[1], f.family),
            proposal(f.children[0], f.family),
        ],
    );
    assert!(result.is_err());
    assert_eq!(status(&f.store, f.children[1]), ChildStatus::Awaiting);
    assert_eq!(f.store.agenda(s).expect("agenda").len(), 1);
}

#[test]
fn reject_with_exclusion_returns_the_child_and_the_pair_is_never_proposed_again() {
    let mut f = fixture();
    let s = session(&mut f.store, true);
    let items = f
        .store
        .propose(s, &[proposal(f.children[0], f.family)])
        .expect("proposed");
    let reject = DecisionInput {
        decision: Decision::Reject,
        conditions: String::new(),
        reasons: String::new(),
        exclude_pair: true,
        start_date: None,
    };
    match f.store.decide(items[0], &reject) {
        Err(StoreError::Invalid(errors)) => assert!(errors.for_field("reasons").is_some()),
        other => panic!("a rejection needs reasons: {other:?}"),
    }
    assert_eq!(status(&f.store, f.children[0]), ChildStatus::Proposed);
    f.store
        .decide(
            items[0],
            &DecisionInput {
                reasons: String::from("Ailə uşağın məktəbindən uzaqdır."),
                ..reject
            },
        )
        .expect("rejected");
    assert_eq!(status(&f.store, f.children[0]), ChildStatus::Awaiting);
    let rules = f.store.pair_rules().expect("rules");
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0].kind, PairRuleKind::Exclude);

    // The optimizer no longer proposes the pair; another proposal of it is refused.
    let instance = matching::registry::instance_from_store(&f.store, today(), Settings::default())
        .expect("instance");
    assert_eq!(instance.excluded.len(), 1);
    let plan = matching::solve(&instance, None).expect("plan");
    assert!(
        !plan
            .placements
            .iter()
            .any(|p| p.child == "C-0001" && p.family == "F-0001")
    );
    assert_eq!(
        refusal_key(
            f.store
                .propose(s, &[proposal(f.children[0], f.family)])
                .map(|_| 0)
        ),
        "refusal.pair_excluded"
    );
    // Lifted, the pair can be proposed again.
    f.store.lift_pair_rule(rules[0].id).expect("lifted");
    assert!(f.store.pair_rules().expect("rules").is_empty());
    f.store
        .propose(s, &[proposal(f.children[0], f.family)])
        .expect("proposed again");
}

#[test]
fn deferred_items_go_onto_the_next_session() {
    let mut f = fixture();
    let first = session(&mut f.store, true);
    let items = f
        .store
        .propose(first, &[proposal(f.children[0], f.family)])
        .expect("proposed");
    let defer = DecisionInput {
        decision: Decision::Defer,
        conditions: String::new(),
        reasons: String::from("Ailə ilə əlavə görüş lazımdır."),
        exclude_pair: false,
        start_date: None,
    };
    f.store.decide(items[0], &defer).expect("deferred");
    assert_eq!(status(&f.store, f.children[0]), ChildStatus::Proposed);
    let next = session(&mut f.store, true);
    let agenda = f.store.agenda(next).expect("agenda");
    assert_eq!(agenda.len(), 1);
    assert_eq!(agenda[0].carried_from, Some(items[0]));
    assert!(agenda[0].is_pending());
    // Carried once only.
    let third = session(&mut f.store, true);
    assert!(f.store.agenda(third).expect("agenda").is_empty());
    f.store
        .decide(agenda[0].id, &approve(today()))
        .expect("approved at the next session");
    assert_eq!(status(&f.store, f.children[0]), ChildStatus::Placed);
}

#[test]
fn without_quorum_a_panel_can_only_defer() {
    let mut f = fixture();
    let s = session(&mut f.store, false);
    let items = f
        .store
        .propose(s, &[proposal(f.children[0], f.family)])
        .expect("proposed");
    assert_eq!(
        refusal_key(f.store.decide(items[0], &approve(today()))),
        "refusal.no_quorum"
    );
    assert_eq!(status(&f.store, f.children[0]), ChildStatus::Proposed);
}

#[test]
fn approval_is_refused_when_the_family_changed_since_the_proposal() {
    let mut f = fixture();
    let gazetteer = gazetteer();
    let ctx = Context {
        today: today(),
        gazetteer: &gazetteer,
    };
    let s = session(&mut f.store, true);
    let items = f
        .store
        .propose(
            s,
            &[
                proposal(f.children[0], f.family),
                proposal(f.children[1], f.family),
                proposal(f.children[2], f.family),
            ],
        )
        .expect("proposed");
    // Two places: the first two approvals fill the family.
    f.store.decide(items[0], &approve(today())).expect("first");
    f.store.decide(items[1], &approve(today())).expect("second");
    assert_eq!(
        refusal_key(f.store.decide(items[2], &approve(today()))),
        "refusal.family_full"
    );

    // One more place, but the review lapses before the start date.
    let mut family = f.store.family(f.family).expect("family");
    family.terms.places = 3;
    f.store.save_family(&family, &ctx).expect("saved");
    assert_eq!(
        refusal_key(f.store.decide(
            items[2],
            &approve(chrono::NaiveDate::from_ymd_opt(2026, 7, 1).expect("date"))
        )),
        "refusal.review_lapsed"
    );
    // Suspended: refused with that reason.
    family = f.store.family(f.family).expect("family");
    family.status = FamilyStatus::Suspended;
    f.store.save_family(&family, &ctx).expect("saved");
    assert_eq!(
        refusal_key(f.store.decide(items[2], &approve(today()))),
        "refusal.family_not_approved"
    );
    // A rule that no longer holds: the family's age range changed.
    family = f.store.family(f.family).expect("family");
    family.status = FamilyStatus::Approved;
    family.terms.age_min = 10;
    family.terms.age_max = 17;
    f.store.save_family(&family, &ctx).expect("saved");
    match f.store.decide(items[2], &approve(today())) {
        Err(StoreError::Refused(r)) => {
            assert_eq!(r.key, "refusal.rule_broken");
            assert!(r.args.contains(&("rule", String::from("age"))));
        }
        other => panic!("expected the age rule: {other:?}"),
    }
    assert_eq!(status(&f.store, f.children[2]), ChildStatus::Proposed);
}

#[test]
fn ending_a_placement_frees_the_place_and_the_child_status_follows_the_reason() {
    let mut f = fixture();
    let s = session(&mut f.store, true);
    let items = f
        .store
        .propose(
            s,
            &[
                proposal(f.children[0], f.family),
                proposal(f.children[1], f.family),
            ],
        )
        .expect("proposed");
    for item in &items {
        f.store.decide(*item, &approve(today())).expect("approved");
    }
    let placements = f.store.placements().expect("placements");
    let of = |child: i64| {
        placements
            .iter()
            .find(|p| p.child_id == child)
            .map(|p| p.id)
            .expect("placement")
    };
    let later = chrono::NaiveDate::from_ymd_opt(2026, 4, 20).expect("date");
    match f.store.end_placement(
        of(f.children[0]),
        Some(date(2026, 3, 1)),
        Some(EndReason::Reunified),
        "",
        later,
    ) {
        Err(StoreError::Invalid(errors)) => {
            assert!(errors.for_field("end_date").is_some())
        }
        other => panic!("an end before the start is refused: {other:?}"),
    }
    f.store
        .end_placement(
            of(f.children[0]),
            Some(later),
            Some(EndReason::Reunified),
            "",
            later,
        )
        .expect("ended");
    assert_eq!(status(&f.store, f.children[0]), ChildStatus::Reunified);
    f.store
        .end_placement(
            of(f.children[1]),
            Some(later),
            Some(EndReason::Breakdown),
            "Ailədə münaqişə.",
            later,
        )
        .expect("ended");
    assert_eq!(status(&f.store, f.children[1]), ChildStatus::Awaiting);
    assert!(
        !f.store
            .occupied_places()
            .expect("occupied")
            .contains_key(&f.family)
    );
    assert!(matches!(
        f.store.end_placement(
            of(f.children[1]),
            Some(later),
            Some(EndReason::Moved),
            "",
            later
        ),
        Err(StoreError::Refused(_))
    ));
    for reason in EndReason::ALL {
        let expected = match reason {
            EndReason::Reunified => ChildStatus::Reunified,
            EndReason::Adopted | EndReason::AgedOut => ChildStatus::Exited,
            EndReason::Moved | EndReason::Breakdown => ChildStatus::Awaiting,
        };
        assert_eq!(reason.child_status_after(), expected);
    }
}

#[test]
fn locks_reach_the_optimizer_and_a_pair_cannot_be_both_locked_and_excluded() {
    let mut f = fixture();
    f.store
        .add_pair_rule(PairRuleKind::Lock, f.children[2], f.family, "")
        .expect("locked");
    assert!(matches!(
        f.store
            .add_pair_rule(PairRuleKind::Exclude, f.children[2], f.family, ""),
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(
        refusal_key(f.store.add_pair_rule(
            PairRuleKind::Exclude,
            f.children[2],
            f.family,
            "Səbəb."
        )),
        "refusal.lock_and_exclude"
    );
    let instance = matching::registry::instance_from_store(&f.store, today(), Settings::default())
        .expect("instance");
    assert_eq!(instance.locked.len(), 1);
    let plan = matching::solve(&instance, None).expect("plan");
    assert!(
        plan.placements
            .iter()
            .any(|p| p.child == "C-0003" && p.family == "F-0001")
    );
}

#[test]
fn every_step_is_in_the_audit_trail_with_who_and_what_changed() {
    let mut f = fixture();
    let s = session(&mut f.store, true);
    let items = f
        .store
        .propose(s, &[proposal(f.children[0], f.family)])
        .expect("proposed");
    f.store
        .decide(items[0], &approve(today()))
        .expect("approved");
    let mut family = f.store.family(f.family).expect("family");
    family.terms.places = 3;
    let gazetteer = gazetteer();
    let ctx = Context {
        today: today(),
        gazetteer: &gazetteer,
    };
    f.store.save_family(&family, &ctx).expect("saved");

    let all = f.store.audit_query(&AuditFilter::default()).expect("audit");
    let actions: Vec<&str> = all.iter().map(|e| e.action.as_str()).collect();
    for action in ["create", "propose", "decide", "update"] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
    assert!(all.iter().all(|e| e.user_name == "leyla"));
    let update = all
        .iter()
        .find(|e| e.action == "update")
        .expect("update entry");
    assert!(update.summary.contains("terms"), "{}", update.summary);
    let decisions = f
        .store
        .audit_query(&AuditFilter {
            entity: Some(String::from("panel_decision")),
            ..AuditFilter::default()
        })
        .expect("filtered");
    assert_eq!(decisions.len(), 1);
    // The decision and its effect, in English in the summary and as values in the details
    // (which the window words in the user's language).
    assert!(
        decisions[0].summary.contains("Approved"),
        "{}",
        decisions[0].summary
    );
    assert!(decisions[0].summary.contains("the child is placed"));
    let details = decisions[0].details.as_ref().expect("details");
    assert_eq!(details.key, "audit_text.decided_approve");
    assert!(
        details
            .args
            .contains(&(String::from("decision"), String::from("approve")))
    );
    let found = f
        .store
        .audit_query(&AuditFilter {
            text: String::from("c-0001"),
            ..AuditFilter::default()
        })
        .expect("text search");
    assert!(found.len() >= 3);
    // The search reads each entry in the interface language too: the Azerbaijani and Russian
    // words for an approval find the decision, which its English summary alone would not.
    for (lang, word) in [
        (yuva::i18n::Lang::Az, "təsdiq"),
        (yuva::i18n::Lang::Ru, "одобр"),
    ] {
        let search = |lang| {
            f.store
                .audit_query(&AuditFilter {
                    text: String::from(word),
                    lang,
                    ..AuditFilter::default()
                })
                .expect("text search")
        };
        assert!(
            search(None).is_empty(),
            "{word}: not in the English summary"
        );
        assert!(
            search(Some(lang))
                .iter()
                .any(|e| e.entity == "panel_decision"),
            "{word} finds the decision"
        );
    }
}

#[test]
fn a_version_one_registry_is_migrated_with_its_data() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("old.db");
    {
        // The first schema, as the first release wrote it.
        let conn = Connection::open(&path).expect("open");
        let v1 = include_str!("../src/store/schema.rs");
        let start = v1.find("const V1: &str = r#\"").expect("V1") + "const V1: &str = r#\"".len();
        let end = start + v1[start..].find("\"#;").expect("end of V1");
        conn.execute_batch(&v1[start..end]).expect("v1 schema");
        conn.execute_batch(
            "INSERT INTO families(code, main_carer_name, district_code, lat, lon, status,
                age_min, age_max, sex_preference, places, created_at, updated_at)
             VALUES ('F-0001', 'Gülnarə Şükürova', 'AZ-BA', 40.4, 49.9, 'approved', 0, 10,
                'any', 2, '2026-01-01', '2026-01-01');
             INSERT INTO audit_log(at, user_name, action, entity, entity_id, summary)
             VALUES ('2026-01-01 09:00:00', 'officer', 'create', 'family', 1, 'created F-0001'),
                    ('2026-01-02 09:00:00', 'officer', 'update', 'family', 1, 'updated F-0001');
             PRAGMA user_version = 1;",
        )
        .expect("v1 data");
    }
    let store = Store::open(&path, &common::key()).expect("migrates");
    assert_eq!(store.schema_version().expect("version"), 7);
    // The entries written before the log was chained are sealed in order by the migration.
    let chain = store.verify_audit().expect("verify");
    assert_eq!((chain.entries, chain.broken), (2, None));
    // The file as it was is kept before the upgrade.
    let copies: Vec<_> = std::fs::read_dir(dir.path().join("backups"))
        .expect("backups folder")
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .contains("before-upgrade-v1")
        })
        .collect();
    assert_eq!(copies.len(), 1);
    assert_eq!(store.families().expect("families")[0].code, "F-0001");
    assert!(store.panel_sessions().expect("sessions").is_empty());
}

#[test]
fn the_dashboard_counts_waiting_free_reviews_and_this_years_placements() {
    let mut f = fixture();
    let s = session(&mut f.store, true);
    let items = f
        .store
        .propose(s, &[proposal(f.children[0], f.family)])
        .expect("proposed");
    f.store
        .decide(items[0], &approve(today()))
        .expect("approved");
    let families = f.store.families().expect("families");
    let children = f.store.children().expect("children");
    let figures = Dashboard::compute(
        &families,
        &children,
        &f.store.occupied_places().expect("occupied"),
        &f.store.placements().expect("placements"),
        today(),
    );
    assert_eq!(figures.total_waiting, 2);
    assert_eq!(figures.waiting_by_district[0].district_code, "AZ-BA");
    assert_eq!(figures.waiting_by_district[0].children, 2);
    // Referred 2025-12-01, seen 2026-03-15: 104 days, in the 91–180 band.
    assert_eq!(figures.waiting_by_district[0].mean_days, 104);
    assert_eq!(figures.waiting_by_band, [0, 0, 2, 0, 0]);
    assert_eq!(figures.total_free, 1);
    assert_eq!(figures.free_by_district, vec![(String::from("AZ-ABS"), 1)]);
    assert_eq!(figures.reviews_overdue, 0);
    assert_eq!(figures.started_by_month[2], 1);
    assert_eq!(figures.active_placements, 1);
}

/// A what-if run relaxes rules for looking: a pair that only fits under the relaxed rules does
/// not reach a panel, even if someone sends it.
#[test]
fn a_pair_that_breaks_the_real_rules_is_not_proposed() {
    let mut f = fixture();
    let teenager = Child {
        birth_date: date(2010, 1, 1),
        ..compatible_child("C-0009", "Ülviyyə")
    };
    let id = add_child(&mut f, &teenager, &GroupChange::NoGroup);
    let s = session(&mut f.store, true);
    let refused = f.store.propose(s, &[proposal(id, f.family)]);
    assert_eq!(
        refusal_key(refused.map(|ids| ids.len() as i64)),
        "refusal.rule_broken"
    );
    let child = f.store.child(id).expect("child");
    assert_eq!(child.status, ChildStatus::Awaiting, "nothing was written");
}

/// A sibling group that must stay together is proposed as a unit, to one family.
#[test]
fn a_group_that_stays_together_is_proposed_whole() {
    let mut f = fixture();
    let group = SiblingGroup {
        id: None,
        code: String::from("G-0001"),
        may_split: false,
        split_reason: String::new(),
    };
    let first = add_child(
        &mut f,
        &compatible_child("C-0011", "Lalə"),
        &GroupChange::New(group),
    );
    let group = f
        .store
        .sibling_groups()
        .expect("groups")
        .into_iter()
        .find(|g| g.code == "G-0001")
        .expect("the group");
    let second = add_child(
        &mut f,
        &compatible_child("C-0012", "Lamiyə"),
        &GroupChange::Existing(group),
    );
    let s = session(&mut f.store, true);
    let refused = f.store.propose(s, &[proposal(first, f.family)]);
    assert_eq!(
        refusal_key(refused.map(|ids| ids.len() as i64)),
        "refusal.group_not_whole"
    );
    assert_eq!(
        f.store.child(first).expect("child").status,
        ChildStatus::Awaiting
    );
    let ids = f
        .store
        .propose(s, &[proposal(first, f.family), proposal(second, f.family)])
        .expect("the whole group is proposed");
    assert_eq!(ids.len(), 2);
}

/// After a placement breaks down, the pair is excluded (with the reason and the date) and the
/// next run does not propose it again; a person can lift the exclusion.
#[test]
fn a_breakdown_excludes_the_pair_until_lifted() {
    let mut f = fixture();
    let s = session(&mut f.store, true);
    let items = f
        .store
        .propose(s, &[proposal(f.children[0], f.family)])
        .expect("proposed");
    f.store
        .decide(items[0], &approve(today()))
        .expect("approved");
    let placement = f.store.placements().expect("placements")[0].id;
    let later = date(2026, 4, 20);
    f.store
        .end_placement(
            placement,
            Some(later),
            Some(EndReason::Breakdown),
            "Uşaq ailəyə uyğunlaşa bilmədi",
            later,
        )
        .expect("ended");
    assert_eq!(status(&f.store, f.children[0]), ChildStatus::Awaiting);
    let rules = f.store.pair_rules().expect("rules");
    let exclusion = rules
        .iter()
        .find(|r| r.kind == PairRuleKind::Exclude && r.child_id == f.children[0])
        .expect("the pair is excluded");
    assert_eq!(exclusion.family_id, f.family);
    assert!(exclusion.reason.starts_with("breakdown 2026-04-20"));
    assert!(exclusion.reason.contains("uyğunlaşa bilmədi"));
    let instance = matching::registry::instance_from_store(&f.store, later, Settings::default())
        .expect("instance");
    let plan = matching::solve(&instance, None).expect("plan");
    let child_code = f.store.child(f.children[0]).expect("child").code;
    assert!(
        !plan.placements.iter().any(|p| p.child == child_code),
        "the broken-down pair is not proposed again"
    );
    f.store.lift_pair_rule(exclusion.id).expect("lifted");
    assert!(f.store.pair_rules().expect("rules").is_empty());
}

/// Codes typed in lower case find their record (the command line's `--child c-0001`).
#[test]
fn codes_are_found_whatever_their_letter_case() {
    let f = fixture();
    assert_eq!(
        f.store.child_id_by_code("c-0001").expect("query"),
        Some(f.children[0])
    );
    assert_eq!(
        f.store.family_id_by_code("f-0001").expect("query"),
        Some(f.family)
    );
    assert_eq!(f.store.child_id_by_code("c-9999").expect("query"), None);
}

/// The audit trail speaks the interface language: every step of the workflow worded in
/// Azerbaijani and Russian has none of the English words of its summary.
#[test]
fn audit_entries_are_worded_in_the_interface_language() {
    let mut f = fixture();
    let s = session(&mut f.store, true);
    let items = f
        .store
        .propose(
            s,
            &[
                proposal(f.children[0], f.family),
                proposal(f.children[1], f.family),
            ],
        )
        .expect("proposed");
    f.store
        .decide(items[0], &approve(today()))
        .expect("approved");
    let reject = DecisionInput {
        decision: Decision::Reject,
        conditions: String::new(),
        reasons: String::from("Məktəb çox uzaqdır."),
        exclude_pair: true,
        start_date: None,
    };
    f.store.decide(items[1], &reject).expect("rejected");
    let placement = f.store.placements().expect("placements")[0].id;
    f.store
        .end_placement(
            placement,
            Some(today()),
            Some(EndReason::Breakdown),
            "",
            today(),
        )
        .expect("ended");
    for rule in f.store.pair_rules().expect("rules") {
        f.store.lift_pair_rule(rule.id).expect("lifted");
    }
    let entries = f.store.audit_entries(100).expect("entries");
    assert!(entries.len() >= 8, "{} entries", entries.len());
    // ("status" is also the Azerbaijani word.)
    let english = [
        "session",
        "member",
        "quorum",
        "propos",
        "placement",
        "child",
        "family",
        "changed",
        "created",
        "defer",
        "agenda",
        "exclu",
        "lifted",
        "demo",
        "approve",
        "reject",
        "breakdown",
        "awaiting",
        "placed",
    ];
    for lang in [yuva::i18n::Lang::Az, yuva::i18n::Lang::Ru] {
        for entry in &entries {
            let details = entry
                .details
                .as_ref()
                .unwrap_or_else(|| panic!("{} has its details", entry.summary));
            let worded = yuva::i18n::audit_text(lang, details).to_lowercase();
            for word in english {
                assert!(
                    !worded.contains(word),
                    "{lang:?}: {worded:?} has the English {word:?} (from {:?})",
                    entry.summary
                );
            }
        }
    }
}

/// A lock on a pair whose placement broke down is lifted through the audited path.
#[test]
fn a_breakdown_lifts_a_lock_on_the_pair_in_the_audit_trail() {
    let mut f = fixture();
    let s = session(&mut f.store, true);
    let items = f
        .store
        .propose(s, &[proposal(f.children[0], f.family)])
        .expect("proposed");
    f.store
        .decide(items[0], &approve(today()))
        .expect("approved");
    f.store
        .add_pair_rule(PairRuleKind::Lock, f.children[0], f.family, "")
        .expect("locked");
    let placement = f.store.placements().expect("placements")[0].id;
    f.store
        .end_placement(
            placement,
            Some(today()),
            Some(EndReason::Breakdown),
            "",
            today(),
        )
        .expect("ended");
    let rules = f.store.pair_rules().expect("rules");
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0].kind, PairRuleKind::Exclude);
    let lifts = f
        .store
        .audit_query(&AuditFilter {
            action: Some(String::from("lift")),
            ..AuditFilter::default()
        })
        .expect("audit");
    assert_eq!(lifts.len(), 1, "the lock's lift is in the audit trail");
}
