//! The window driven as a person would: clicks and typing in the headless iced simulator
//! (run with ICED_TEST_BACKEND=tiny-skia), on a real registry file.

use std::path::Path;

use iced_test::selector;
use yuva::geo::Gazetteer;
use yuva::store::Store;
use yuva::ui::Message;

mod common;
#[path = "common/ui.rs"]
mod ui;
use ui::*;

fn family_count(dir: &Path) -> usize {
    Store::open(&dir.join("registry.db"), &common::key())
        .and_then(|s| s.families())
        .map(|f| f.len())
        .expect("registry opens")
}

#[test]
fn create_a_family_through_the_form_and_find_it_in_the_list() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = launch(dir.path());

    // An empty registry offers a demo or an empty start.
    assert!(shows(&app, "Reyestr boşdur"));
    click(&mut app, "Boş reyestrlə başla");
    click(&mut app, "Ailələr");
    click(&mut app, "Yeni ailə");
    assert!(shows(&app, "Yeni himayədar ailə"));

    type_into(&mut app, "main_carer.full_name", "Şükürova Gülnarə");
    type_into(&mut app, "main_carer.birth_date", "14.02.1985");
    // Type part of the district's name without Azerbaijani letters and pick it.
    type_into(&mut app, "location.district", "ismayil");
    click(&mut app, "İsmayıllı");
    click(&mut app, "Yadda saxla");

    assert!(
        shows(&app, "Yadda saxlanıldı: F-0001"),
        "the save is confirmed"
    );
    assert_eq!(family_count(dir.path()), 1);

    click(&mut app, "Siyahıya qayıt");
    type_into(&mut app, "families.search", "sukurova");
    assert!(
        shows(&app, "Şükürova Gülnarə"),
        "the new family is found by a folded search"
    );
    assert!(shows(&app, "İsmayıllı"));

    // Reopened from the file, the family is still there.
    drop(app);
    let app = launch(dir.path());
    let mut app = app;
    click(&mut app, "Ailələr");
    assert!(shows(&app, "Şükürova Gülnarə"));
}

#[test]
fn a_validation_error_is_shown_and_nothing_is_saved() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = launch(dir.path());
    click(&mut app, "Boş reyestrlə başla");
    click(&mut app, "Ailələr");
    click(&mut app, "Yeni ailə");

    // A birth date in the future and no name, no district.
    type_into(&mut app, "main_carer.birth_date", "01.01.2030");
    type_into(&mut app, "second_carer.full_name", "Rəşad Şükürov");
    click(&mut app, "Yadda saxla");

    assert!(
        shows(&app, "Bu sahə mütləq doldurulmalıdır."),
        "required-field error next to the name"
    );
    assert!(
        shows(&app, "Tarix gələcəkdə ola bilməz."),
        "future date error"
    );
    assert!(
        shows(&app, "Rayon və ya şəhər seçin."),
        "missing district error"
    );
    assert_eq!(family_count(dir.path()), 0, "nothing was written");
    // What was typed is still in the form.
    assert!(shows(&app, "Rəşad Şükürov"));
    assert!(shows(&app, "01.01.2030"));

    // Correct the fields: the save goes through.
    type_into(&mut app, "main_carer.full_name", "Şükürova Gülnarə");
    interact(&mut app, |ui| {
        ui.click(selector::id("main_carer.birth_date"))
            .expect("birth date input");
        for _ in 0..10 {
            let _ = ui.tap_key(iced::keyboard::key::Named::Backspace);
        }
        let _ = ui.typewrite("01.01.1980");
    });
    type_into(&mut app, "location.district", "gence");
    click(&mut app, "Gəncə");
    click(&mut app, "Yadda saxla");
    assert_eq!(family_count(dir.path()), 1);
}

#[test]
fn switching_language_changes_visible_labels_and_is_remembered() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = launch(dir.path());
    click(&mut app, "Nümayiş reyestri yarat");
    assert!(shows(&app, "Uşaqlar"));
    click(&mut app, "Uşaqlar");

    click(&mut app, "EN");
    assert!(shows(&app, "Children"));
    assert!(shows(&app, "New child"));
    assert!(!shows(&app, "Uşaqlar"));

    click(&mut app, "RU");
    assert!(shows(&app, "Дети"));

    // The choice survives a restart.
    drop(app);
    let app = launch(dir.path());
    assert!(shows(&app, "Дети"));
}

#[test]
fn a_child_joins_a_new_sibling_group_that_may_be_split_only_with_a_reason() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = launch(dir.path());
    click(&mut app, "Boş reyestrlə başla");
    click(&mut app, "Uşaqlar");
    click(&mut app, "Yeni uşaq");
    type_into(&mut app, "last_name", "Əliyeva");
    type_into(&mut app, "first_name", "Aysel");
    type_into(&mut app, "birth_date", "03.09.2017");
    type_into(&mut app, "location.district", "lenkeran");
    click(&mut app, "Lənkəran");

    // The sex is never assumed: it is chosen. Then "new sibling group" in the group list, then
    // mark it "may be placed apart".
    let messages = vec![
        Message::Children(yuva::ui::screens::children::Message::Form(
            yuva::ui::screens::child_form::Message::Sex(yuva::domain::Sex::Female),
        )),
        Message::Children(yuva::ui::screens::children::Message::Form(
            yuva::ui::screens::child_form::Message::Group(
                yuva::ui::screens::child_form::GroupChoice::New,
            ),
        )),
    ];
    for m in messages {
        let _ = app.update(m);
    }
    click(&mut app, "Qardaş-bacılar ayrı yerləşdirilə bilər");
    click(&mut app, "Yadda saxla");
    assert!(shows(
        &app,
        "Qardaş-bacıları ayrı yerləşdirmək üçün yazılı əsaslandırma lazımdır."
    ));
    let store = Store::open(&dir.path().join("registry.db"), &common::key()).expect("store");
    assert!(
        store.children().expect("children").is_empty(),
        "nothing saved without a reason"
    );

    type_into(
        &mut app,
        "group.split_reason",
        "Psixoloqun rəyi ilə ayrı yerləşdirmə.",
    );
    click(&mut app, "Yadda saxla");
    let children = store.children().expect("children");
    assert_eq!(children.len(), 1);
    let groups = store.sibling_groups().expect("groups");
    assert_eq!(groups.len(), 1);
    assert!(groups[0].may_split);
    assert_eq!(children[0].sibling_group_id, groups[0].id);
    // The gazetteer knows the district the child was placed in.
    let gazetteer = Gazetteer::embedded().expect("gazetteer");
    assert_eq!(
        gazetteer
            .unit(&children[0].location.district_code)
            .map(|u| u.name_az.as_str()),
        Some("Lənkəran")
    );
}

#[test]
fn the_window_warns_when_the_audit_trail_was_changed_outside_yuva() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("registry.db");
    {
        let mut store = common::open_as_admin(&path);
        let gazetteer = Gazetteer::embedded().expect("gazetteer");
        yuva::demo::populate(
            &mut store,
            &yuva::demo::DemoOptions {
                families: 4,
                children: 5,
                ..yuva::demo::DemoOptions::new(today())
            },
            &gazetteer,
        )
        .expect("demo");
    }
    let warning = "Jurnal Yuva-dan kənarda dəyişdirilib: 1 saylı qeyd";
    let contains = |app: &yuva::ui::App| {
        let mut ui = iced_test::Simulator::with_size(yuva::ui::iced_settings(), SIZE, app.view());
        ui.find(
            |candidate: iced_test::selector::Candidate<'_>| match candidate {
                iced_test::selector::Candidate::Text { content, .. }
                    if content.contains(warning) =>
                {
                    Some(())
                }
                _ => None,
            },
        )
        .is_ok()
    };
    // The check runs on a thread of its own: give it up to `wait` to report.
    let opened = |dir: &Path, wait: std::time::Duration| {
        let mut app = launch(dir);
        update(&mut app, Message::FirstFrame);
        let started = std::time::Instant::now();
        while started.elapsed() < wait && !contains(&app) {
            std::thread::sleep(std::time::Duration::from_millis(20));
            deliver(&mut app);
        }
        app
    };
    let app = opened(dir.path(), std::time::Duration::from_millis(700));
    assert!(!contains(&app), "an intact log: no warning");
    drop(app);
    let conn = common::raw_connection(&path);
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_update;
         UPDATE audit_log SET user_name = 'Head of Agency' WHERE id = 1;",
    )
    .expect("tampered");
    drop(conn);
    let app = opened(dir.path(), std::time::Duration::from_secs(10));
    assert!(contains(&app), "the banner names the entry");
}

/// Lets work the window handed to a worker thread (copies, checks) finish and report.
fn settle(app: &mut yuva::ui::App) {
    for _ in 0..40 {
        std::thread::sleep(std::time::Duration::from_millis(20));
        deliver(app);
    }
}

#[test]
fn settings_back_up_the_registry_and_restore_a_backup_after_asking() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = launch(dir.path());
    click(&mut app, "Boş reyestrlə başla");
    click(&mut app, "Tənzimləmələr");
    // A copy while the registry is empty…
    let backup = dir.path().join("copy.db");
    update(&mut app, Message::BackupPath(Some(backup.clone())));
    let said = format!("Nüsxə saxlanıldı və yoxlanıldı: {}", backup.display());
    wait_for(&mut app, |app| shows(app, &said));
    // …then a family added…
    click(&mut app, "Ailələr");
    click(&mut app, "Yeni ailə");
    drop(app);
    {
        let mut store = common::open_as_admin(&dir.path().join("registry.db"));
        let gazetteer = Gazetteer::embedded().expect("gazetteer");
        yuva::demo::populate(
            &mut store,
            &yuva::demo::DemoOptions {
                families: 3,
                children: 2,
                ..yuva::demo::DemoOptions::new(today())
            },
            &gazetteer,
        )
        .expect("records");
    }
    assert_eq!(family_count(dir.path()), 3);
    // …and the copy restored: asked first, then done, the registry as it was kept aside.
    let mut app = launch(dir.path());
    click(&mut app, "Tənzimləmələr");
    update(&mut app, Message::RestorePath(Some(backup.clone())));
    let asked = format!(
        "Açıq reyestr {} ilə əvəz olunsun (0 ailə, 0 uşaq)? İndiki reyestr yanında saxlanılacaq.",
        backup.display()
    );
    wait_for(&mut app, |app| shows(app, &asked));
    assert_eq!(family_count(dir.path()), 3, "nothing before the yes");
    click(&mut app, "Bəli, bərpa et");
    assert_eq!(family_count(dir.path()), 0);
    let kept = std::fs::read_dir(dir.path())
        .expect("list")
        .flatten()
        .any(|e| e.file_name().to_string_lossy().contains("before-restore"));
    assert!(kept, "the registry as it was is beside it");
    // A file that is not a registry is refused before anything is asked.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"not a registry at all").expect("write");
    update(&mut app, Message::RestorePath(Some(junk)));
    settle(&mut app);
    assert!(!shows(&app, "Bəli, bərpa et"));
}

#[test]
fn resetting_a_demo_keeps_a_copy_of_it_first() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = launch(dir.path());
    click(&mut app, "Nümayiş reyestri yarat");
    click(&mut app, "Tənzimləmələr");
    click(&mut app, "Nümayiş reyestrini sıfırla");
    click(&mut app, "Bəli, hamısını sil və sıfırla");
    let copies: Vec<_> = std::fs::read_dir(dir.path().join("backups"))
        .expect("backups folder")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("before-reset"))
        .collect();
    assert_eq!(copies.len(), 1);
    yuva::store::check_backup(&copies[0].path(), &common::key()).expect("a whole copy");
    assert!(family_count(dir.path()) > 0, "a fresh demo in its place");
}

#[test]
fn the_dashboard_writes_the_indicators_report_of_a_period() {
    use yuva::ui::screens::dashboard;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = launch(dir.path());
    click(&mut app, "Nümayiş reyestri yarat");
    click(&mut app, "Ümumi baxış");
    click(&mut app, "Hesabat…");
    assert!(
        has_field(&app, dashboard::REPORT_FROM_ID),
        "the period is asked"
    );
    // The year so far is offered.
    assert!(shows(&app, "01.01.2026") && shows(&app, "15.03.2026"));
    // A period that ends before it starts is refused next to the fields, no file asked for.
    update(
        &mut app,
        Message::Dashboard(dashboard::Message::ReportTo(String::from("31.12.2025"))),
    );
    click(&mut app, "PDF kimi saxla…");
    assert!(shows(&app, "Dövr başlamazdan əvvəl bitir."));
    update(
        &mut app,
        Message::Dashboard(dashboard::Message::ReportTo(String::from("31.02.2026"))),
    );
    click(&mut app, "Excel kimi saxla…");
    assert!(shows(&app, "Belə tarix yoxdur (məs., 31.02 olmur)."));
    // The save dialog's answer (a native dialog the simulator cannot show).
    let path = dir.path().join("göstəricilər.pdf");
    let period = yuva::domain::indicators::Period::new(
        chrono::NaiveDate::from_ymd_opt(2025, 6, 1).expect("date"),
        chrono::NaiveDate::from_ymd_opt(2026, 2, 28).expect("date"),
    )
    .expect("period");
    update(&mut app, Message::ReportPath(period, Some(path.clone())));
    assert!(path.exists(), "the report is written");
    assert!(shows(
        &app,
        &format!("Göstəricilər hesabatı yazıldı: {}.", path.display())
    ));
    if let Some(text) = common::pdftotext(&path) {
        assert!(text.contains("Dövr: 01.06.2025 – 28.02.2026"));
    }
}

#[test]
fn an_administrator_chooses_the_pilot_districts_in_settings() {
    use yuva::ui::screens::settings;
    use yuva::ui::widgets::Choice;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = launch(dir.path());
    click(&mut app, "Tənzimləmələr");
    assert!(shows(&app, "Pilot rayonlar"));
    click(&mut app, "Bakı  ×");
    update(
        &mut app,
        Message::Settings(settings::Message::PilotChoose(Choice {
            value: String::from("AZ-QBA"),
            label: String::from("Quba"),
        })),
    );
    click(&mut app, "Siyahıya əlavə et");
    click(&mut app, "Pilot rayonları saxla");
    assert!(shows(&app, "Pilot rayonlar saxlanıldı."));
    assert!(shows(&app, "Quba  ×"), "the new district is listed");
    let store = Store::open(&dir.path().join("registry.db"), &common::key()).expect("opens");
    let saved = store.pilot_districts().expect("read");
    assert!(!saved.contains(&String::from("AZ-BA")));
    assert_eq!(saved.last().map(String::as_str), Some("AZ-QBA"));
}
