//! The placement workflow through the window, on a demo registry: run matching, open an
//! explanation, send two proposals to a panel session, approve one and reject the other with
//! an exclusion, re-run, end the placement, and find every step in the audit trail.

use yuva::domain::dashboard::Dashboard;
use yuva::domain::{ChildStatus, Decision, EndReason, PairRuleKind};
use yuva::store::Store;
use yuva::ui::Message;
use yuva::ui::screens::{families, matching, panel, placements};

mod common;
#[path = "common/ui.rs"]
mod ui;
use ui::*;

fn open_store(dir: &std::path::Path) -> Store {
    common::open_as_admin(&dir.join("registry.db"))
}

#[test]
fn a_match_goes_from_proposal_through_the_panel_to_a_placement_that_ends() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = launch(dir.path());
    click(&mut app, "Nümayiş reyestri yarat");

    // The dashboard is the start screen; a district's bar opens the filtered children list.
    assert!(shows(&app, "Reyestrin ümumi vəziyyəti"));
    assert!(shows(&app, "Yerləşdirmə gözləyən uşaqlar (rayonlar üzrə)"));
    let store = open_store(dir.path());
    let figures = Dashboard::compute(
        &store.families().expect("families"),
        &store.children().expect("children"),
        &store.occupied_places().expect("occupied"),
        &store.placements().expect("placements"),
        today(),
    );
    let gazetteer = yuva::geo::Gazetteer::embedded().expect("gazetteer");
    let top = &figures.waiting_by_district[0];
    let top_name = gazetteer
        .unit(&top.district_code)
        .map(|u| u.name_az.clone())
        .expect("district");
    click(&mut app, &top_name);
    assert!(shows(&app, "Uşaqlar"), "the children list opened");

    // A panel session: the quorum follows from the people present, and no member is refused.
    click(&mut app, "Komissiya");
    click(&mut app, "Yeni iclas");
    type_into(&mut app, "session.chair", "Rəna Quliyeva");
    click(&mut app, "İclası yarat");
    assert!(
        shows(&app, "Bu sahə mütləq doldurulmalıdır."),
        "a session needs its members"
    );
    type_into(&mut app, "session.members", "Elçin Əliyev");
    assert!(shows(
        &app,
        "Kvorum yoxdur: iştirak edən 2 nəfər, ən azı 3 lazımdır (sədr daxil). Kvorumsuz komissiya yalnız təxirə sala bilər."
    ));
    type_into(&mut app, "session.members", ", Səbinə Rzayeva");
    assert!(shows(
        &app,
        "Kvorum var: iştirak edən 3 nəfər (ən azı 3 lazımdır, sədr daxil)"
    ));
    click(&mut app, "İclası yarat");
    assert!(shows(&app, "İclas yaradıldı."));
    let session = store.panel_sessions().expect("sessions")[0].clone();
    assert_eq!(session.members.len(), 2);
    assert!(session.quorum);

    // Run matching and open the first proposal's explanation.
    click(&mut app, "Uyğunlaşdırma");
    run_matching(&mut app);
    let plan = app.matching_plan().expect("plan").clone();
    assert!(plan.proven_optimal);
    assert!(plan.placements.len() >= 2, "the demo has proposals");
    let first = &plan.placements[0];
    let second_index = plan
        .placements
        .iter()
        .position(|p| p.family != first.family)
        .expect("a proposal with another family");
    let second = &plan.placements[second_index];
    let children = store.children().expect("children");
    let name_of = |code: &str| {
        children
            .iter()
            .find(|c| c.code == code)
            .map(|c| c.full_name())
            .expect("child")
    };
    click(
        &mut app,
        &format!("{} · {}", first.child, name_of(&first.child)),
    );
    assert!(shows(&app, "İzah"), "the explanation opened");
    assert!(shows(&app, "Qayğı növü"), "rule by rule");

    // Send both to the session.
    for index in [0, second_index] {
        let _ = app.update(Message::Matching(matching::Message::Choose(index, true)));
    }
    let _ = app.update(Message::Matching(matching::Message::TargetSession(Some(
        session.id,
    ))));
    click(&mut app, "Komissiyaya göndər");
    assert!(shows(&app, "Komissiyaya göndərildi: 2"));
    let agenda = store.agenda(session.id).expect("agenda");
    assert_eq!(agenda.len(), 2);
    let child_id = |code: &str| store.child_id_by_code(code).expect("query").expect("child");
    let family_id = |code: &str| {
        store
            .family_id_by_code(code)
            .expect("query")
            .expect("family")
    };
    assert_eq!(
        store.child(child_id(&first.child)).expect("child").status,
        ChildStatus::Proposed
    );

    // The panel approves the first.
    let occupied_before = store
        .occupied_places()
        .expect("occupied")
        .get(&family_id(&first.family))
        .copied()
        .unwrap_or(0);
    click(&mut app, "Komissiya");
    // The new session is still open; back to the list of sessions, and open it from there.
    click(&mut app, "Siyahıya qayıt");
    click(&mut app, &yuva::domain::format_date(session.date));
    assert!(shows(&app, "Komissiya iclası, 15.03.2026"));
    click(&mut app, "Qərar qeyd et");
    // No decision is preselected: recording without one asks for it.
    click(&mut app, "Qərarı qeyd et");
    assert!(shows(&app, "Qərarı seçin."));
    let _ = app.update(Message::Panel(panel::Message::Decision(Decision::Approve)));
    click(&mut app, "Qərarı qeyd et");
    // The confirmation says what will happen before anything is written.
    assert!(shows(
        &app,
        "Qərar qeyd edildikdən sonra dəyişdirilmir; yalnız düzəliş qeydi əlavə etmək olar."
    ));
    assert_eq!(
        store.child(child_id(&first.child)).expect("child").status,
        ChildStatus::Proposed,
        "nothing is written before the confirmation"
    );
    click(&mut app, "Təsdiq edirəm, qeyd et");
    assert!(shows(&app, "Qərar qeyd edildi."));
    assert!(
        shows(&app, "Təsdiqləndi"),
        "the decision shows as an outcome"
    );
    assert_eq!(
        store.child(child_id(&first.child)).expect("child").status,
        ChildStatus::Placed
    );
    assert_eq!(
        store.occupied_places().expect("occupied")[&family_id(&first.family)],
        occupied_before + 1,
        "the family's free places drop"
    );
    // The family's page lists the child placed there, and a click opens the child's page.
    click(&mut app, "Ailələr");
    let _ = app.update(Message::Families(families::Message::Open(family_id(
        &first.family,
    ))));
    assert!(shows(&app, "Bu ailədə yerləşdirilmiş uşaqlar"));
    let placed = store.child(child_id(&first.child)).expect("child");
    let label = format!("{} · {}", placed.code, placed.full_name());
    click(&mut app, &label);
    assert!(shows(&app, &placed.full_name()), "the child's page opened");
    click(&mut app, "Komissiya");

    // …and rejects the second, excluding the pair.
    click(&mut app, "Qərar qeyd et");
    let _ = app.update(Message::Panel(panel::Message::Decision(Decision::Reject)));
    click(&mut app, "Qərarı qeyd et");
    assert!(
        shows(&app, "Bu sahə mütləq doldurulmalıdır."),
        "a rejection needs reasons"
    );
    type_into(
        &mut app,
        "decision.reasons",
        "Uşağın məktəbi ailədən çox uzaqdır.",
    );
    click(&mut app, "Bu cütü bir daha təklif etmə");
    click(&mut app, "Qərarı qeyd et");
    click(&mut app, "Təsdiq edirəm, qeyd et");
    assert_eq!(
        store.child(child_id(&second.child)).expect("child").status,
        ChildStatus::Awaiting
    );
    let rules = store.pair_rules().expect("rules");
    assert!(rules.iter().any(|r| r.kind == PairRuleKind::Exclude
        && r.child_id == child_id(&second.child)
        && r.family_id == family_id(&second.family)));

    // A re-run no longer proposes the excluded pair.
    click(&mut app, "Uyğunlaşdırma");
    run_matching(&mut app);
    let rerun = app.matching_plan().expect("plan");
    assert!(
        !rerun
            .placements
            .iter()
            .any(|p| p.child == second.child && p.family == second.family)
    );
    assert!(shows(&app, "Bərkidilmiş və istisna edilmiş cütlər"));

    // End the placement: the child is back home.
    click(&mut app, "Yerləşdirmələr");
    type_into(&mut app, "placements.search", &first.child);
    click(&mut app, "Bitir");
    let _ = app.update(Message::Placements(placements::Message::EndReason(Some(
        EndReason::Reunified,
    ))));
    click(&mut app, "Yerləşdirməni bitir");
    assert!(shows(&app, "Yerləşdirmə bitirildi."));
    assert_eq!(
        store.child(child_id(&first.child)).expect("child").status,
        ChildStatus::Reunified
    );

    // The audit trail shows each step.
    click(&mut app, "Jurnal");
    for what in [
        "yaradılma · komissiya iclası",
        "təklif · gündəlik bəndi",
        "qərar · komissiya qərarı",
        "istisna · cüt qaydası",
        "bitmə · yerləşdirmə",
    ] {
        assert!(shows(&app, what), "the audit trail shows {what:?}");
    }
}

#[test]
fn print_pack_writes_the_pdf_where_the_dialog_says_and_offers_to_open_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = launch(dir.path());
    click(&mut app, "Nümayiş reyestri yarat");
    click(&mut app, "Ailələr");
    type_into(&mut app, "families.search", "F-0001");
    let name = open_store(dir.path())
        .families()
        .expect("families")
        .into_iter()
        .find(|f| f.code == "F-0001")
        .expect("F-0001")
        .display_name();
    click(&mut app, &name);
    // The button asks for a place with the native dialog (a task the window runs)…
    interact(&mut app, |ui| {
        ui.click("Paketi çap et").expect("print button");
    });
    // …and the dialog's answer writes the pack there.
    let store = open_store(dir.path());
    let family = store
        .family_id_by_code("F-0001")
        .expect("query")
        .expect("family");
    let path = dir.path().join("family_F-0001_2026-03-15.pdf");
    let _ = app.update(Message::PackPath(
        yuva::ui::PackRequest::Family(family),
        Some(path.clone()),
    ));
    assert!(path.exists(), "the PDF is written");
    let bytes = std::fs::read(&path).expect("pdf");
    assert!(bytes.starts_with(b"%PDF"));
    assert!(shows(&app, &format!("Paket yazıldı: {}", path.display())));
    assert!(shows(&app, "Aç"), "the notice offers to open it");

    // No file chosen (or no dialog could open): the window says so.
    let _ = app.update(Message::PackPath(
        yuva::ui::PackRequest::Family(family),
        None,
    ));
    assert!(shows(
        &app,
        "Paket saxlanmadı: fayl seçilmədi (və ya bu kompüterdə fayl pəncərəsi açılmadı). Paketi əmr sətrindən də çap etmək olar: yuva pack …"
    ));

    // A folder that cannot be written: a clear error, no file.
    let blocked = dir.path().join("registry.db").join("pack.pdf");
    let _ = app.update(Message::PackPath(
        yuva::ui::PackRequest::Family(family),
        Some(blocked.clone()),
    ));
    assert!(!blocked.exists());
    assert!(
        !shows(&app, "Aç"),
        "the success notice gave way to the error"
    );
}
