//! Advice a panel can trust, through the window: a what-if plan cannot reach a panel, and a
//! sibling group that stays together is chosen and sent as a unit.

use yuva::domain::SessionInput;
use yuva::domain::advice::HintCheck;
use yuva::store::Store;
use yuva::ui::screens::matching;
use yuva::ui::{App, Message};

mod common;
#[path = "common/ui.rs"]
mod ui;
use ui::*;

fn open_store(dir: &std::path::Path) -> Store {
    common::open_as_admin(&dir.join("registry.db"))
}

/// A demo registry with a panel session, and a plan on the matching screen.
fn demo_with_plan(dir: &std::path::Path) -> (App, Store, i64) {
    // More families than the default demo, so that sibling groups find room together.
    let mut store = open_store(dir);
    let gazetteer = yuva::geo::Gazetteer::embedded().expect("gazetteer");
    yuva::demo::populate(
        &mut store,
        &yuva::demo::DemoOptions {
            families: 200,
            ..yuva::demo::DemoOptions::new(today())
        },
        &gazetteer,
    )
    .expect("demo registry");
    let mut app = launch(dir);
    let session = store
        .create_session(&SessionInput {
            date: Some(today()),
            chair: String::from("Rəna Quliyeva"),
            members: vec![String::from("Elçin Əliyev"), String::from("Səbinə Rzayeva")],
        })
        .expect("session");
    click(&mut app, "Uyğunlaşdırma");
    run_matching(&mut app);
    (app, store, session)
}

fn matching(app: &mut App, message: matching::Message) {
    update(app, Message::Matching(message));
}

#[test]
fn a_what_if_plan_cannot_be_sent_to_a_panel() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut app, store, session) = demo_with_plan(dir.path());
    let plan = app.matching_plan().expect("plan").clone();
    let index = plan
        .unplaced
        .iter()
        .position(|u| u.hint_check == HintCheck::Verified)
        .expect("a child with a verified hint");
    let child = plan.unplaced[index].child.clone();
    matching(&mut app, matching::Message::TryRelaxation(index));
    let started = std::time::Instant::now();
    while app.matching_running() {
        assert!(
            started.elapsed().as_secs() < 120,
            "the what-if run finishes"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
        deliver(&mut app);
    }
    let what_if = app.matching_plan().expect("what-if plan").clone();
    assert!(
        what_if.placements.iter().any(|p| p.child == child),
        "the hint holds: the child is placed in the what-if"
    );
    assert!(shows(
        &app,
        "Bu, “əgər” planıdır: qaydalar yalnız baxmaq üçün yumşaldılıb, ona görə təklifləri komissiyaya göndərmək, bağlamaq, istisna etmək və ya çap etmək olmaz. Göndərmək üçün adi qaydalarla yenidən işə salın."
    ));
    // The what-if note is worded in the language on screen, also after a switch.
    click(&mut app, "EN");
    let hint = plan.unplaced[index].relaxation.clone().expect("the hint");
    assert!(shows(
        &app,
        &format!(
            "What-if (nothing saved): {child}: {}",
            yuva::i18n::relaxation_text(yuva::i18n::Lang::En, &hint)
        )
    ));
    assert!(shows(
        &app,
        "This is a what-if plan: its rules were relaxed for looking only, so its proposals cannot be sent to a panel, locked, excluded or printed. Run again under the real rules to send them."
    ));
    click(&mut app, "AZ");
    // Ticking and sending do nothing: the agenda stays empty, no lock or exclusion is added
    // (the demo's history has the exclusions its breakdowns brought).
    let rules = store.pair_rules().expect("rules");
    matching(&mut app, matching::Message::TargetSession(Some(session)));
    matching(&mut app, matching::Message::ChooseAll(true));
    let at = what_if
        .placements
        .iter()
        .position(|p| p.child == child)
        .expect("the child's proposal");
    matching(&mut app, matching::Message::Choose(at, true));
    matching(&mut app, matching::Message::Send);
    assert!(store.agenda(session).expect("agenda").is_empty());
    assert_eq!(store.pair_rules().expect("rules"), rules);
    matching(&mut app, matching::Message::Lock(at));
    assert!(
        store.pair_rules().expect("rules") == rules,
        "no lock from a what-if"
    );
}

#[test]
fn a_sibling_group_that_stays_together_is_sent_whole() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut app, store, session) = demo_with_plan(dir.path());
    let plan = app.matching_plan().expect("plan").clone();
    let (index, siblings) = plan
        .placements
        .iter()
        .enumerate()
        .find_map(|(i, p)| {
            let s = p.explanation.siblings.as_ref()?;
            (s.must_stay_together && !s.placed_with.is_empty()).then(|| (i, s.placed_with.clone()))
        })
        .expect("a sibling group placed together in the demo plan");
    matching(&mut app, matching::Message::TargetSession(Some(session)));
    // Ticking one sibling ticks the group.
    matching(&mut app, matching::Message::Choose(index, true));
    matching(&mut app, matching::Message::Send);
    let agenda = store.agenda(session).expect("agenda");
    let codes: Vec<String> = agenda
        .iter()
        .map(|item| store.child(item.child_id).expect("child").code)
        .collect();
    assert!(codes.contains(&plan.placements[index].child));
    for sibling in &siblings {
        assert!(codes.contains(sibling), "{sibling} was sent with the group");
    }
    assert_eq!(codes.len(), siblings.len() + 1);
}

#[test]
fn find_a_family_ranks_the_families_for_a_child() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut app, store, _) = demo_with_plan(dir.path());
    let plan = app.matching_plan().expect("plan").clone();
    let placed = plan.placements.first().expect("a proposal");
    let id = store
        .child_id_by_code(&placed.child)
        .expect("query")
        .expect("child");
    update(
        &mut app,
        Message::Children(yuva::ui::screens::children::Message::Open(id)),
    );
    click(&mut app, "Uşaqlar");
    update(
        &mut app,
        Message::Children(yuva::ui::screens::children::Message::Open(id)),
    );
    click(&mut app, "Ailə tap");
    assert!(shows(
        &app,
        "Uyğun olmayan ən yaxın ailələr və pozulan qaydalar:"
    ));
    // The family the plan proposes is among those that fit.
    let family = store
        .family(
            store
                .family_id_by_code(&placed.family)
                .expect("query")
                .expect("family"),
        )
        .expect("family");
    assert!(shows(
        &app,
        &format!(
            "✓ {} · {} · {:.1} km · dəyər {:.0}",
            placed.family,
            family.display_name(),
            placed.distance_km,
            placed.explanation.value
        )
    ));
}

#[test]
fn a_placement_links_to_its_child_and_family() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut app, store, _) = demo_with_plan(dir.path());
    let placement = store
        .placements()
        .expect("placements")
        .into_iter()
        .find(|p| p.is_active())
        .expect("the demo has placements");
    let child = store.child(placement.child_id).expect("child");
    let family = store.family(placement.family_id).expect("family");
    click(&mut app, "Yerləşdirmələr");
    click(&mut app, &format!("{} · {}", child.code, child.full_name()));
    assert!(shows(&app, "Ailə tap"), "the child's page opened");
    click(&mut app, "Yerləşdirmələr");
    click(
        &mut app,
        &format!("{} · {}", family.code, family.display_name()),
    );
    assert!(
        shows(&app, "Bu ailədə yerləşdirilmiş uşaqlar"),
        "the family's page opened"
    );
}

#[test]
fn the_price_of_each_setting_is_measured_and_shown() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut app, _store, _) = demo_with_plan(dir.path());
    let placed = app.matching_plan().expect("plan").placements.len();
    click(&mut app, "Hər ayarın qiyməti");
    assert!(app.matching_pricing(), "solving again on a worker thread");
    let started = std::time::Instant::now();
    while app.matching_pricing() {
        assert!(started.elapsed() < std::time::Duration::from_secs(120));
        std::thread::sleep(std::time::Duration::from_millis(20));
        deliver(&mut app);
    }
    assert!(shows(&app, "Ayarlar indiki kimi"));
    assert!(
        shows(&app, &placed.to_string()),
        "the plan as set places as many"
    );
    assert!(shows(&app, "Bir ailəyə qardaş-bacı qrupu: 1 → 2"));
    assert!(shows(&app, "Məsafə həddi: 100 → 120 km"));
}

#[test]
fn a_panel_item_and_an_audit_entry_link_to_their_records() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut app, store, session) = demo_with_plan(dir.path());
    let plan = app.matching_plan().expect("plan").clone();
    let index = plan
        .placements
        .iter()
        .position(|p| p.explanation.siblings.is_none())
        .expect("a child without siblings placed");
    matching(&mut app, matching::Message::TargetSession(Some(session)));
    matching(&mut app, matching::Message::Choose(index, true));
    matching(&mut app, matching::Message::Send);
    let item = store.agenda(session).expect("agenda").remove(0);
    let child = store.child(item.child_id).expect("child");
    let family = store.family(item.family_id).expect("family");

    // The agenda item's child and family open their pages.
    click(&mut app, "Komissiya");
    update(
        &mut app,
        Message::Panel(yuva::ui::screens::panel::Message::Open(session)),
    );
    click(&mut app, &format!("{} {}", child.code, child.full_name()));
    assert!(shows(&app, "Ailə tap"), "the child's page opened");
    click(&mut app, "Komissiya");
    click(
        &mut app,
        &format!("{} {}", family.code, family.display_name()),
    );
    assert!(
        shows(&app, "Bu ailədə yerləşdirilmiş uşaqlar"),
        "the family's page opened"
    );

    // The audit entry of the session's creation opens the session.
    click(&mut app, "Jurnal");
    click(&mut app, "yaradılma · komissiya iclası");
    let started = std::time::Instant::now();
    while !shows(&app, "Komissiya iclası, 15.03.2026") {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "the session opened"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
        deliver(&mut app);
    }
}
