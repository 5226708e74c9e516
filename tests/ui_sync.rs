//! The national hub from the window: an administrator enrols the registry with the hub's
//! address and token and it syncs; a conflict is shown field by field and settled with a click
//! (a real hub on a real PostgreSQL, as in `tests/sync.rs`).

mod common;
#[path = "common/hub.rs"]
mod hub_test;
#[path = "common/ui.rs"]
mod ui;

use hub_test::*;
use ui::*;
use yuva::domain::Context;

/// Waits for the sync's notice and checks it.
fn synced(app: &mut yuva::ui::App, expected: &str) {
    wait_for(app, |a| {
        a.notice_text().is_some_and(|t| t.starts_with("Sinxronlaş"))
    });
    assert_eq!(app.notice_text(), Some(expected));
    update(app, yuva::ui::Message::DismissNotice);
}

#[test]
fn the_window_enrols_syncs_and_settles_a_conflict() {
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
    let path = dir.path().join("registry.db");
    drop(office_registry(&path, 5, 8, 10));

    let mut app = launch(dir.path());
    click(&mut app, "Tənzimləmələr");
    assert!(shows(&app, "Milli mərkəz"));
    type_into(&mut app, yuva::ui::screens::sync::HUB_URL_ID, &server.url());
    type_into(&mut app, yuva::ui::screens::sync::TOKEN_ID, &token("AZ-SM"));
    click(&mut app, "Qeydiyyatdan keç və sinxronlaşdır");
    synced(
        &mut app,
        "Sinxronlaşdı: 18 göndərildi, 0 alındı (0 yeni, 0 yenilənib), 0 ziddiyyət.",
    );
    assert!(shows(
        &app,
        &format!(
            "Bu reyestr AZ-SM ofisinə məxsusdur və {} ilə sinxronlaşır.",
            server.url()
        )
    ));

    // The national office and this registry change the same family.
    let g = common::gazetteer();
    let ctx = Context {
        today: common::today(),
        gazetteer: &g,
    };
    let mut national = common::open_as_admin(&dir.path().join("national.db"));
    yuva::sync::enrol(&mut national, &server.url(), &token("NAT"), "test").expect("enrols");
    yuva::sync::sync(&mut national, &ctx, &|_| {}).expect("syncs");
    let mut there = national.families().expect("f").remove(0);
    there.notes = String::from("Milli ofisin qeydi.");
    national.save_family(&there, &ctx).expect("saved");
    yuva::sync::sync(&mut national, &ctx, &|_| {}).expect("syncs");
    {
        let mut here = common::open_as_admin(&path);
        let mut family = here
            .families()
            .expect("f")
            .into_iter()
            .find(|f| f.main_carer.full_name == there.main_carer.full_name)
            .expect("the same family here");
        family.notes = String::from("Ofisin qeydi.");
        here.save_family(&family, &ctx).expect("saved");
    }
    click(&mut app, "İndi sinxronlaşdır");
    synced(
        &mut app,
        "Sinxronlaşdı: 1 göndərildi, 1 alındı (0 yeni, 0 yenilənib), 1 ziddiyyət.",
    );
    assert!(shows(
        &app,
        "Həm burada, həm mərkəzdə dəyişib (1): nəyin saxlanacağını seçin"
    ));
    assert!(shows(&app, "notes"), "the field that differs");
    assert!(shows(&app, "Ofisin qeydi.") && shows(&app, "Milli ofisin qeydi."));
    click(&mut app, "Mərkəzdəkini saxla");
    assert!(shows(
        &app,
        "Həll edildi; seçim növbəti sinxronlaşmada mərkəzə gedəcək."
    ));
    assert!(!shows(&app, "Mərkəzdəkini saxla"), "no conflict left");
    click(&mut app, "İndi sinxronlaşdır");
    wait_for(&mut app, |app| {
        shows(
            app,
            "Sinxronlaşdı: 1 göndərildi, 0 alındı (0 yeni, 0 yenilənib), 0 ziddiyyət.",
        )
    });
    server.kill();
}

#[test]
fn an_unreachable_hub_is_said_in_the_interface_language() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = launch(dir.path());
    click(&mut app, "Boş reyestrlə başla");
    click(&mut app, "Tənzimləmələr");
    type_into(
        &mut app,
        yuva::ui::screens::sync::HUB_URL_ID,
        "https://127.0.0.1:9",
    );
    type_into(
        &mut app,
        yuva::ui::screens::sync::TOKEN_ID,
        &format!("yuva1.AZ-SM.{}.{}", "0f".repeat(16), "a".repeat(64)),
    );
    click(&mut app, "Qeydiyyatdan keç və sinxronlaşdır");
    assert!(
        shows(&app, "Sinxronlaşdırılır…"),
        "the sync says it is running"
    );
    wait_for(&mut app, |a| a.notice_text().is_some());
    let said = app.notice_text().unwrap_or_default().to_owned();
    assert!(
        said.starts_with(
            "Sinxronlaşmadı: Mərkəzə qoşulmaq mümkün olmadı: bağlantını yoxlayın və bir azdan yenidən cəhd edin (https://127.0.0.1:9: "
        ),
        "{said}"
    );
    assert!(!said.contains("/enrol"), "{said}");
}

#[test]
fn the_window_writes_a_bundle_and_takes_in_the_hubs_answer() {
    let dir = tempfile::tempdir().expect("temp dir");
    let Some(test_hub) = TestHub::start(dir.path()) else {
        return;
    };
    let path = dir.path().join("registry.db");
    {
        // Enrolled once where there was a connection.
        let mut office = office_registry(&path, 6, 5, 6);
        let token = token_for(&test_hub.database, &test_hub.tls, "AZ-SM");
        yuva::sync::enrol(&mut office, &test_hub.server.url(), &token, "laptop").expect("enrols");
    }
    let mut app = launch(dir.path());
    click(&mut app, "Tənzimləmələr");
    assert!(shows(
        &app,
        "Bağlantı olmadıqda: dəyişiklikləri paketə yazın, USB daşıyıcıda mərkəzə aparın və onun qaytardığı paketi qəbul edin."
    ));
    assert!(shows(&app, "Mərkəz üçün paket yaz…") && shows(&app, "Mərkəzdən paketi qəbul et…"));

    // The save dialog's answer: where the bundle goes.
    let up = dir.path().join("ofis.yuvasync");
    update(
        &mut app,
        yuva::ui::Message::BundleExportPath(Some(up.clone())),
    );
    wait_for(&mut app, |a| a.notice_text().is_some());
    assert_eq!(
        app.notice_text(),
        Some(
            format!(
                "1 nömrəli paket yazıldı: 11 qeyd, mərkəz üçün şifrələnib ({}). Mərkəzin cavabı qəbul edilənədək onlar yenidən göndəriləcək.",
                up.display()
            )
            .as_str()
        )
    );
    update(&mut app, yuva::ui::Message::DismissNotice);

    let down = dir.path().join("cavab.yuvasync");
    runtime()
        .block_on(yuva::hub::take_bundle(
            &test_hub.database,
            &test_hub.tls,
            &up,
            &down,
        ))
        .expect("taken in at the hub");
    update(
        &mut app,
        yuva::ui::Message::BundleImportPath(Some(down.clone())),
    );
    wait_for(&mut app, |a| a.notice_text().is_some());
    assert_eq!(
        app.notice_text(),
        Some(
            "Paket qəbul edildi: 11 cavablandırılıb, 0 alınıb (0 yeni, 0 yenilənib), 0 ziddiyyət."
        )
    );
    update(&mut app, yuva::ui::Message::DismissNotice);
    // The same answer again: refused, in the interface language.
    update(&mut app, yuva::ui::Message::BundleImportPath(Some(down)));
    wait_for(&mut app, |a| a.notice_text().is_some());
    assert_eq!(
        app.notice_text(),
        Some(
            "Sinxronlaşmadı: 1 nömrəli paket artıq qəbul edilib və ya daha yenisi qəbul edilib: paket bir dəfə qəbul edilir."
        )
    );
    test_hub.server.kill();
}

#[test]
fn another_offices_family_is_shown_for_matching_and_not_offered_for_editing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let Some(test_hub) = TestHub::start(dir.path()) else {
        return;
    };
    let g = common::gazetteer();
    let ctx = Context {
        today: common::today(),
        gazetteer: &g,
    };
    let token = |office: &str| token_for(&test_hub.database, &test_hub.tls, office);
    let url = test_hub.server.url();
    let mut sumqayit = office_registry(&dir.path().join("sumqayit.db"), 7, 12, 4);
    yuva::sync::enrol(&mut sumqayit, &url, &token("AZ-SM"), "test").expect("enrols");
    yuva::sync::sync(&mut sumqayit, &ctx, &|_| {}).expect("syncs");
    let theirs = sumqayit
        .families()
        .expect("f")
        .into_iter()
        .find(|f| f.status == yuva::domain::FamilyStatus::Approved)
        .expect("an approved family");
    // This window's registry is Abşeron's (the same economic region).
    let path = dir.path().join("registry.db");
    {
        let mut abseron = office_registry(&path, 8, 3, 4);
        yuva::sync::enrol(&mut abseron, &url, &token("AZ-ABS"), "test").expect("enrols");
        yuva::sync::sync(&mut abseron, &ctx, &|_| {}).expect("syncs");
    }
    let here = common::open_as_admin(&path)
        .families()
        .expect("f")
        .into_iter()
        .find(|f| f.main_carer.full_name == theirs.main_carer.full_name)
        .expect("received for matching");
    let mut app = launch(dir.path());
    click(&mut app, "Ailələr");
    update(
        &mut app,
        yuva::ui::Message::Families(yuva::ui::screens::families::Message::Open(
            here.id.expect("id"),
        )),
    );
    assert!(shows(
        &app,
        "Bu ailə AZ-SM ofisinə məxsusdur və burada uyğunlaşdırma üçün, şəxsi məlumatları olmadan göstərilir: onu yalnız öz ofisi və ya milli ofis dəyişə bilər."
    ));
    click(&mut app, "Redaktə et");
    assert!(
        !shows(&app, "Yadda saxla"),
        "no form for another office's family"
    );
    test_hub.server.kill();
}
