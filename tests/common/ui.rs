//! Driving the window as a person would in the headless iced simulator (run with
//! ICED_TEST_BACKEND=tiny-skia), on a real registry file.
#![allow(dead_code)]

use std::path::Path;
use std::time::Instant;

use chrono::NaiveDate;
use iced_test::Simulator;
use iced_test::selector;
use yuva::ui::{App, Launch, Message};

/// A window tall enough that every field of the longest form is on screen.
pub const SIZE: (f32, f32) = (1280.0, 4200.0);

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 15).expect("valid date")
}

pub fn launch(dir: &Path) -> App {
    App::new(Launch {
        database: dir.join("registry.db"),
        settings_file: Some(dir.join("settings.json")),
        today: Some(today()),
        started: Instant::now(),
    })
}

/// Runs `steps` against the current view, then feeds the messages they produced to the app.
pub fn interact(app: &mut App, steps: impl FnOnce(&mut Simulator<'_, Message>)) {
    let messages: Vec<Message> = {
        let mut ui = Simulator::with_size(yuva::ui::iced_settings(), SIZE, app.view());
        steps(&mut ui);
        ui.into_messages().collect()
    };
    for message in messages {
        let _ = app.update(message);
    }
}

pub fn click(app: &mut App, label: &str) {
    interact(app, |ui| {
        ui.click(label)
            .unwrap_or_else(|e| panic!("click {label:?}: {e:?}"));
    });
}

/// Focuses the text input with this id and types into it.
pub fn type_into(app: &mut App, id: &'static str, text: &str) {
    interact(app, |ui| {
        ui.click(selector::id(id))
            .unwrap_or_else(|e| panic!("click input {id:?}: {e:?}"));
        let _ = ui.typewrite(text);
    });
}

pub fn shows(app: &App, text: &str) -> bool {
    let mut ui = Simulator::with_size(yuva::ui::iced_settings(), SIZE, app.view());
    ui.find(text).is_ok()
}
