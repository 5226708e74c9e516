//! Driving the window as a person would in the headless iced simulator (run with
//! ICED_TEST_BACKEND=tiny-skia), on a real registry file.
#![allow(dead_code)]

use std::cell::RefCell;
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use iced_test::Simulator;
use iced_test::futures::futures::StreamExt;
use iced_test::runtime::{Action, task};
use iced_test::selector;
use yuva::ui::{App, Launch, Message};

use crate::common::ADMIN_PASSWORD;

thread_local! {
    /// Messages that the app's tasks produced, waiting to be delivered (one channel per test
    /// thread, so that tests running in parallel never mix).
    static DELIVERIES: (mpsc::Sender<Message>, RefCell<mpsc::Receiver<Message>>) = {
        let (sender, receiver) = mpsc::channel();
        (sender, RefCell::new(receiver))
    };
}

/// Runs a task the app returned on a thread of its own, as the iced runtime would; the
/// messages it produces reach the app at the next [`deliver`]. Other actions (focus, window
/// operations) have no effect in the simulator and are dropped.
fn run_task(task: iced_test::runtime::Task<Message>) {
    let Some(stream) = task::into_stream(task) else {
        return;
    };
    let sender = DELIVERIES.with(|(sender, _)| sender.clone());
    std::thread::spawn(move || {
        pollster::block_on(stream.for_each(|action| {
            if let Action::Output(message) = action {
                let _ = sender.send(message);
            }
            std::future::ready(())
        }));
    });
}

/// Sends a message to the app and runs the task it returns.
pub fn update(app: &mut App, message: Message) {
    run_task(app.update(message));
}

/// Delivers the messages that finished work (the solver's progress and plan) has produced.
pub fn deliver(app: &mut App) {
    let pending: Vec<Message> =
        DELIVERIES.with(|(_, receiver)| receiver.borrow().try_iter().collect());
    for message in pending {
        update(app, message);
    }
}

/// A window tall enough that every field of the longest form is on screen.
pub const SIZE: (f32, f32) = (1280.0, 4200.0);

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 15).expect("valid date")
}

/// Starts the window on `dir/registry.db` and goes through its door as the administrator
/// `admin`: creating the account on a registry that has none (the first start), else signing
/// in — typed and clicked as a person would.
pub fn launch(dir: &Path) -> App {
    let mut app = launch_at_the_door(dir);
    if has_field(&app, "sign_in.full_name") {
        type_into(&mut app, "sign_in.full_name", "Test Administrator");
        type_into(&mut app, "sign_in.password", ADMIN_PASSWORD);
        type_into(&mut app, "sign_in.repeat", ADMIN_PASSWORD);
        submit_at_the_door(&mut app);
    } else {
        sign_in(&mut app, "admin", ADMIN_PASSWORD);
    }
    assert!(!app.at_the_door(), "signed in");
    app
}

/// Starts the window on `dir/registry.db`, at its sign-in screen.
pub fn launch_at_the_door(dir: &Path) -> App {
    App::new(Launch {
        database: dir.join("registry.db"),
        settings_file: Some(dir.join("settings.json")),
        today: Some(today()),
        started: Instant::now(),
        passphrase: Some(crate::common::key()),
        keystore: false,
    })
}

/// Types a login and password on the sign-in screen and submits them.
pub fn sign_in(app: &mut App, login: &str, password: &str) {
    type_into(app, "sign_in.login", login);
    type_into(app, "sign_in.password", password);
    submit_at_the_door(app);
}

/// Presses the sign-in screen's button, whatever the interface language (Enter in a field
/// does the same).
pub fn submit_at_the_door(app: &mut App) {
    update(
        app,
        Message::SignIn(yuva::ui::screens::sign_in::Message::Submit),
    );
}

/// Runs `steps` against the current view, then feeds the messages they produced to the app.
pub fn interact(app: &mut App, steps: impl FnOnce(&mut Simulator<'_, Message>)) {
    let messages: Vec<Message> = {
        let mut ui = Simulator::with_size(yuva::ui::iced_settings(), SIZE, app.view());
        steps(&mut ui);
        ui.into_messages().collect()
    };
    for message in messages {
        update(app, message);
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

/// Whether the view has a widget with this id (a form field).
pub fn has_field(app: &App, id: &'static str) -> bool {
    let mut ui = Simulator::with_size(yuva::ui::iced_settings(), SIZE, app.view());
    ui.find(selector::id(id)).is_ok()
}

pub fn shows(app: &App, text: &str) -> bool {
    let mut ui = Simulator::with_size(yuva::ui::iced_settings(), SIZE, app.view());
    ui.find(text).is_ok()
}

/// Clicks "Run" and lets the window tick until the worker thread has delivered the plan.
pub fn run_matching(app: &mut App) {
    click(app, "Uyğunlaşdırmanı başlat");
    assert!(app.matching_running(), "the run is on a worker thread");
    wait_for(app, |app| !app.matching_running());
    assert!(app.matching_plan().is_some(), "a plan is on screen");
}

/// Lets the window's worker threads answer until `done` holds (two minutes at most).
pub fn wait_for(app: &mut App, done: impl Fn(&App) -> bool) {
    let started = Instant::now();
    while !done(app) {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the worker answers"
        );
        std::thread::sleep(Duration::from_millis(20));
        deliver(app);
    }
}
