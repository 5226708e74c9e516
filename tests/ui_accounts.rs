//! The window's door, driven as a person would: the first start creates the administrator,
//! who adds an officer in Settings; signing out and in; wrong passwords; the idle lock keeps
//! the screens as they were behind it.

use std::time::{Duration, Instant};

use yuva::domain::access::Role;
use yuva::ui::Message;
use yuva::ui::screens::settings;
use yuva::ui::widgets::Choice;

mod common;
#[path = "common/ui.rs"]
mod ui;
use ui::*;

#[test]
fn the_first_start_creates_the_administrator_who_adds_an_officer() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = launch_at_the_door(dir.path());
    assert!(shows(&app, "Administratoru yaradın"));
    // Nothing behind the door is reachable.
    assert!(!shows(&app, "Ailələr"));
    type_into(&mut app, "sign_in.full_name", "Nigar Əliyeva");
    type_into(&mut app, "sign_in.password", "uzun-parol-2026");
    type_into(&mut app, "sign_in.repeat", "başqa-parol-2026");
    submit_at_the_door(&mut app);
    assert!(shows(&app, "İki parol fərqlidir."));
    assert!(app.at_the_door());
    type_into(&mut app, "sign_in.password", "uzun-parol-2026");
    type_into(&mut app, "sign_in.repeat", "uzun-parol-2026");
    submit_at_the_door(&mut app);
    assert!(!app.at_the_door());
    assert!(
        shows(&app, "Nigar Əliyeva"),
        "the header names who is signed in"
    );
    assert!(shows(&app, "Administrator"));

    // Settings → Accounts: a new officer.
    click(&mut app, "Boş reyestrlə başla");
    click(&mut app, "Tənzimləmələr");
    assert!(shows(&app, "Hesablar"));
    type_into(&mut app, "accounts.new_login", "aysel");
    type_into(&mut app, "accounts.new_name", "Aysel Məmmədova");
    type_into(&mut app, "accounts.new_password", "aysel-parol-1");
    // The role's pick list (a list the simulator cannot open): the message it sends.
    update(
        &mut app,
        Message::Settings(settings::Message::NewRole(Choice {
            value: Role::Officer,
            label: String::from("Qəyyumluq əməkdaşı"),
        })),
    );
    click(&mut app, "Əlavə et");
    assert!(shows(&app, "aysel hesabı əlavə edildi."), "added");
    assert!(shows(&app, "Aysel Məmmədova"));

    // Signing out shows the door; a wrong password is refused in the interface language.
    click(&mut app, "Çıxış");
    assert!(app.at_the_door());
    sign_in(&mut app, "aysel", "yanlış-parol-1");
    assert!(shows(&app, "İstifadəçi adı və ya parol səhvdir."));
    // The login stays typed; the password is typed again.
    type_into(&mut app, "sign_in.password", "aysel-parol-1");
    submit_at_the_door(&mut app);
    assert_eq!(app.signed_in().map(|a| a.login()), Some("aysel"));
    // An officer is not offered the accounts or backups.
    click(&mut app, "Tənzimləmələr");
    assert!(!shows(&app, "Hesablar"));
    assert!(!shows(&app, "İndi nüsxə çıxar…"));
}

#[test]
fn the_window_locks_when_idle_and_opens_where_it_was() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = launch(dir.path());
    click(&mut app, "Boş reyestrlə başla");
    click(&mut app, "Ailələr");
    click(&mut app, "Yeni ailə");
    type_into(&mut app, "main_carer.full_name", "Gülnarə Şükürova");
    // Not yet: nine minutes without input.
    update(
        &mut app,
        Message::IdleCheck(Instant::now() + Duration::from_secs(9 * 60)),
    );
    assert!(!app.at_the_door());
    update(
        &mut app,
        Message::IdleCheck(Instant::now() + Duration::from_secs(11 * 60)),
    );
    assert!(app.at_the_door());
    assert!(shows(&app, "Kilidlənib"));
    assert!(
        !shows(&app, "Gülnarə Şükürova"),
        "nothing of the registry shows"
    );
    type_into(&mut app, "sign_in.password", "yanlış-parol-1");
    submit_at_the_door(&mut app);
    assert!(app.at_the_door());
    assert!(
        shows(&app, "Parol səhvdir."),
        "the lock asks for a password only"
    );
    type_into(&mut app, "sign_in.password", common::ADMIN_PASSWORD);
    submit_at_the_door(&mut app);
    assert!(!app.at_the_door());
    // The half-typed form is as it was.
    assert!(shows(&app, "Gülnarə Şükürova"));
}

#[test]
fn a_new_registry_gets_its_passphrase_and_asks_for_it_on_a_computer_that_does_not_keep_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let launch = |dir: &std::path::Path| {
        yuva::ui::App::new(yuva::ui::Launch {
            database: dir.join("registry.db"),
            settings_file: None,
            today: Some(today()),
            started: Instant::now(),
            passphrase: None,
            keystore: false,
        })
    };
    let mut app = launch(dir.path());
    assert!(shows(&app, "Administratoru yaradın"));
    assert!(has_field(&app, "sign_in.passphrase"));
    type_into(&mut app, "sign_in.full_name", "Nigar Əliyeva");
    type_into(&mut app, "sign_in.password", "uzun-parol-2026");
    type_into(&mut app, "sign_in.repeat", "uzun-parol-2026");
    type_into(&mut app, "sign_in.passphrase", "qısa");
    type_into(&mut app, "sign_in.passphrase_repeat", "qısa");
    submit_at_the_door(&mut app);
    assert!(shows(&app, "Ən azı 12 simvol."));
    assert!(
        !dir.path().join("registry.db").exists()
            || std::fs::metadata(dir.path().join("registry.db")).is_ok_and(|m| m.len() == 0),
        "no registry made before everything is right"
    );
    type_into(&mut app, "sign_in.password", "uzun-parol-2026");
    type_into(&mut app, "sign_in.repeat", "uzun-parol-2026");
    type_into(&mut app, "sign_in.passphrase", "dağlar-çaylar-göllər");
    type_into(
        &mut app,
        "sign_in.passphrase_repeat",
        "dağlar-çaylar-göllər",
    );
    submit_at_the_door(&mut app);
    assert!(!app.at_the_door(), "created and signed in");
    drop(app);
    assert_eq!(
        yuva::store::encryption::file_kind(&dir.path().join("registry.db")).expect("kind"),
        yuva::store::FileKind::Encrypted
    );

    // Next start, on a computer that keeps no passphrase: asked; a wrong one is refused.
    let mut app = launch(dir.path());
    assert!(shows(&app, "Reyestrin açar sözü"));
    type_into(&mut app, "sign_in.passphrase", "yanlış açar söz");
    submit_at_the_door(&mut app);
    assert!(shows(&app, "Bu açar söz reyestri açmır. Heç nə dəyişmədi."));
    type_into(&mut app, "sign_in.passphrase", "dağlar-çaylar-göllər");
    submit_at_the_door(&mut app);
    assert!(app.at_the_door(), "then the person signs in");
    sign_in(&mut app, "admin", "uzun-parol-2026");
    assert!(!app.at_the_door());
}

#[test]
fn the_children_list_exports_what_it_shows() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = launch(dir.path());
    click(&mut app, "Nümayiş reyestri yarat");
    click(&mut app, "Uşaqlar");
    assert!(shows(&app, "İxrac et…"), "an administrator may export");
    type_into(&mut app, "children.search", "əli");
    let path = dir.path().join("uşaqlar.xlsx");
    // The save dialog's answer (a native dialog the simulator cannot show).
    update(
        &mut app,
        Message::ExportPath(yuva::exchange::List::Children, Some(path.clone())),
    );
    let mut book = calamine::open_workbook_auto(&path).expect("an XLSX file");
    use calamine::Reader;
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).expect("sheet");
    assert!(range.height() > 1, "rows were exported");
    let said = format!(
        "{} sətir yazıldı: {}. Faylda şəxsi məlumat var: onu yalnız sizin oxuya biləcəyiniz yerdə saxlayın və işiniz bitəndə silin.",
        range.height() - 1,
        path.display()
    );
    assert!(shows(&app, &said), "the warning about personal data");
    let registry =
        yuva::store::Store::open(&dir.path().join("registry.db"), &common::key()).expect("opens");
    let all = registry.children().expect("children").len();
    assert!(range.height() - 1 < all, "only the rows the search shows");
    // The rows are those the list shows (its search looks at names, codes and places).
    for row in range.rows().skip(1) {
        assert!(
            shows(&app, &row[0].to_string()),
            "{} is not in the list",
            row[0]
        );
    }
    // The audit trail exports the entries it shows, the children's export among them.
    click(&mut app, "Jurnal");
    assert!(shows(&app, "İxrac et…"));
    let audit = dir.path().join("jurnal.csv");
    update(
        &mut app,
        Message::ExportPath(yuva::exchange::List::Audit, Some(audit.clone())),
    );
    let text = std::fs::read_to_string(&audit).expect("csv");
    assert!(
        text.contains("uşaqlar.xlsx"),
        "the children's export is in the trail"
    );
}

#[test]
fn a_run_that_finishes_while_the_window_is_locked_is_there_after_unlocking() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = launch(dir.path());
    click(&mut app, "Nümayiş reyestri yarat");
    click(&mut app, "Uyğunlaşdırma");
    click(&mut app, "Uyğunlaşdırmanı başlat");
    assert!(app.matching_running());
    update(&mut app, Message::Lock);
    assert!(app.at_the_door());
    let started = Instant::now();
    while app.matching_running() {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the run finishes"
        );
        std::thread::sleep(Duration::from_millis(20));
        deliver(&mut app);
    }
    type_into(&mut app, "sign_in.password", common::ADMIN_PASSWORD);
    submit_at_the_door(&mut app);
    assert!(!app.at_the_door());
    assert!(
        app.matching_plan().is_some(),
        "the plan found while locked is on screen"
    );
}

#[test]
fn settings_import_shows_each_problem_and_imports_the_valid_rows_when_asked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("ailələr.csv");
    std::fs::write(
        &file,
        "Əsas himayədar,Rayon / şəhər,Təsdiq vəziyyəti\n\
         Gülnarə Şükürova,Bakı,Ərizəçi\n\
         Leyla Həsənova,Atlantis,Ərizəçi\n\
         Nərmin Əliyeva,Gəncə,Ərizəçi\n",
    )
    .expect("written");
    let mut app = launch(dir.path());
    click(&mut app, "Boş reyestrlə başla");
    click(&mut app, "Tənzimləmələr");
    assert!(shows(&app, "Ailələri idxal et…"));
    // The open dialog's answer (a native dialog the simulator cannot show).
    update(
        &mut app,
        Message::ImportPath(yuva::exchange::import::Kind::Families, Some(file.clone())),
    );
    let checked = format!(
        "{}: 3 sətir — 2 hazırdır, 0 artıq reyestrdə var, 1 səhvlidir.",
        file.display()
    );
    wait_for(&mut app, |app| shows(app, &checked));
    assert!(shows(&app, "Sətir 3, Rayon / şəhər"));
    assert!(shows(
        &app,
        "Azərbaycanın yer adları siyahısında belə yer yoxdur: “Atlantis”."
    ));
    // Nothing is written yet.
    let families = |dir: &std::path::Path| {
        yuva::store::Store::open(&dir.join("registry.db"), &common::key())
            .and_then(|s| s.families())
            .expect("families")
            .len()
    };
    assert_eq!(families(dir.path()), 0);
    click(&mut app, "Yalnız 2 düzgün sətri idxal et");
    wait_for(&mut app, |app| shows(app, "2 qeyd idxal edildi."));
    assert_eq!(families(dir.path()), 2);
    click(&mut app, "Ailələr");
    assert!(
        shows(&app, "Nərmin Əliyeva"),
        "the list shows the imported families"
    );
    // A file with their codes: skipped, unless the person asks to update them.
    let codes = yuva::store::Store::open(&dir.path().join("registry.db"), &common::key())
        .and_then(|s| s.families())
        .expect("families");
    let phones = dir.path().join("telefonlar.csv");
    std::fs::write(
        &phones,
        format!(
            "Kod,Əsas himayədar,Rayon / şəhər,Telefon\n{},{},Bakı,+994 55 123 45 67\n",
            codes[0].code, codes[0].main_carer.full_name
        ),
    )
    .expect("written");
    click(&mut app, "Tənzimləmələr");
    update(
        &mut app,
        Message::ImportPath(yuva::exchange::import::Kind::Families, Some(phones.clone())),
    );
    let checked = format!(
        "{}: 1 sətir — 0 hazırdır, 1 artıq reyestrdə var, 0 səhvlidir.",
        phones.display()
    );
    wait_for(&mut app, |app| shows(app, &checked));
    click(
        &mut app,
        "Reyestrdə artıq olan qeydləri faylın dəyərləri ilə yenilə (onların kodu olan sətirlər)",
    );
    wait_for(&mut app, |app| {
        shows(
            app,
            "Hazır sətirlərdən 1 reyestrdəki qeydləri yeniləyir; hər dəyişiklik jurnalda qeyd olunur.",
        )
    });
    click(&mut app, "1 sətri idxal et");
    wait_for(&mut app, |app| shows(app, "1 qeyd idxal edildi."));
    let after = yuva::store::Store::open(&dir.path().join("registry.db"), &common::key())
        .and_then(|s| s.families())
        .expect("families");
    assert_eq!(after.len(), 2, "updated, not added");
    assert_eq!(after[0].main_carer.phone, "+994 55 123 45 67");
}
