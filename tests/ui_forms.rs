//! An officer's typing is never lost or misread: Esc asks before throwing a form away, every
//! error shows at the first save and leaves as soon as its field is fixed, and a date that does
//! not exist says so.

use iced_test::selector;
use yuva::ui::Message;

mod common;
#[path = "common/ui.rs"]
mod ui;
use ui::*;

fn escape() -> Message {
    Message::Keyboard(iced::keyboard::Event::KeyPressed {
        key: iced::keyboard::Key::Named(iced::keyboard::key::Named::Escape),
        modified_key: iced::keyboard::Key::Named(iced::keyboard::key::Named::Escape),
        physical_key: iced::keyboard::key::Physical::Unidentified(
            iced::keyboard::key::NativeCode::Unidentified,
        ),
        location: iced::keyboard::Location::Standard,
        modifiers: iced::keyboard::Modifiers::empty(),
        text: None,
        repeat: false,
    })
}

#[test]
fn escape_asks_before_throwing_a_half_filled_form_away() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = launch(dir.path());
    click(&mut app, "Boş reyestrlə başla");
    click(&mut app, "Ailələr");
    click(&mut app, "Yeni ailə");
    type_into(&mut app, "main_carer.full_name", "Şükürova Gülnarə");
    update(&mut app, escape());
    assert!(shows(
        &app,
        "Yazılanlar yadda saxlanmayıb. Formadan çıxıb onları atmaq?"
    ));
    assert!(shows(&app, "Şükürova Gülnarə"), "the form is still there");
    click(&mut app, "Redaktəyə davam et");
    assert!(shows(&app, "Şükürova Gülnarə"));
    update(&mut app, escape());
    click(&mut app, "Bəli, at");
    assert!(!shows(&app, "Şükürova Gülnarə"), "left the form");
    // An untouched form leaves at once.
    click(&mut app, "Yeni ailə");
    update(&mut app, escape());
    assert!(!shows(
        &app,
        "Yazılanlar yadda saxlanmayıb. Formadan çıxıb onları atmaq?"
    ));
}

#[test]
fn every_error_shows_at_once_and_leaves_when_fixed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = launch(dir.path());
    click(&mut app, "Boş reyestrlə başla");
    click(&mut app, "Uşaqlar");
    click(&mut app, "Yeni uşaq");
    // A date that cannot exist, and nothing else.
    type_into(&mut app, "birth_date", "31.02.2026");
    click(&mut app, "Yadda saxla");
    // The date's own message, and the others of the same save (not on a second one).
    assert!(shows(&app, "Belə tarix yoxdur (məs., 31.02 olmur)."));
    assert!(shows(&app, "Bu sahə mütləq doldurulmalıdır."), "the names");
    assert!(shows(&app, "Rayon və ya şəhər seçin."), "the district");
    assert!(
        !shows(&app, "Koordinatlar Azərbaycandan kənardadır."),
        "no district: no word about coordinates"
    );
    // Fixing the date clears its error at once, before any save.
    interact(&mut app, |ui| {
        ui.click(selector::id("birth_date")).expect("birth date");
        for _ in 0..10 {
            let _ = ui.tap_key(iced::keyboard::key::Named::Backspace);
        }
        let _ = ui.typewrite("01.02.2016");
    });
    assert!(!shows(&app, "Belə tarix yoxdur (məs., 31.02 olmur)."));
    assert!(shows(&app, "Rayon və ya şəhər seçin."), "other errors stay");
}

/// A key press as the window reports it with Ctrl held (winit gives the digit's text too).
fn ctrl_press(character: &str) -> iced::Event {
    let key = iced::keyboard::Key::Character(character.into());
    iced::Event::Keyboard(iced::keyboard::Event::KeyPressed {
        key: key.clone(),
        modified_key: key,
        physical_key: iced::keyboard::key::Physical::Unidentified(
            iced::keyboard::key::NativeCode::Unidentified,
        ),
        location: iced::keyboard::Location::Standard,
        modifiers: iced::keyboard::Modifiers::CTRL,
        text: Some(character.into()),
        repeat: false,
    })
}

#[test]
fn ctrl_and_a_digit_in_a_field_does_not_type_the_digit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = launch(dir.path());
    click(&mut app, "Boş reyestrlə başla");
    click(&mut app, "Uşaqlar");
    click(&mut app, "Yeni uşaq");
    interact(&mut app, |ui| {
        ui.click(selector::id("birth_date")).expect("birth date");
        let _ = ui.typewrite("01.02.1980");
        ui.simulate([
            iced::Event::Keyboard(iced::keyboard::Event::ModifiersChanged(
                iced::keyboard::Modifiers::CTRL,
            )),
            ctrl_press("1"),
        ]);
    });
    assert!(shows(&app, "01.02.1980"), "the date as typed");
    assert!(!shows(&app, "01.02.19801"), "no digit from the shortcut");
    // Typing without Ctrl still types.
    interact(&mut app, |ui| {
        ui.click(selector::id("birth_date")).expect("birth date");
        let _ = ui.typewrite("9");
    });
    assert!(shows(&app, "01.02.19809"));
}
