//! Workflow benchmark: the matching screen on demo registries of several sizes, driven as the
//! window drives it. Prints the time from "Run" to the plan on screen, and how the window's
//! thread fared meanwhile: how many 100 ms ticks it handled while the solver ran on its worker
//! thread, and the slowest update + view of those ticks (a frame the window could not draw
//! while the solver runs would show here).
//!
//!     cargo run --release --example workflow_bench [-- --sizes 150x60,10000x6000]

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use yuva::demo::{DemoOptions, populate};
use yuva::geo::Gazetteer;
use yuva::store::Store;
use yuva::ui::screens::{matching, sign_in};
use yuva::ui::{App, Launch, Message, Tab};

// Runs the window's tasks (the solver) as the iced runtime would, and delivers their messages.
/// The benchmark registries' administrator password and passphrase (synthetic data only).
const PASSWORD: &str = "benchmark-password";

fn passphrase() -> yuva::store::Passphrase {
    yuva::store::Passphrase::given("benchmark passphrase")
}

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "../tests/common/ui.rs"]
mod ui;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let sizes: Vec<(usize, usize)> = args
        .iter()
        .position(|a| a == "--sizes")
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_else(|| String::from("150x60,10000x6000"))
        .split(',')
        .filter_map(|s| {
            let (c, f) = s.split_once('x')?;
            Some((c.parse().ok()?, f.parse().ok()?))
        })
        .collect();
    let today = NaiveDate::from_ymd_opt(2026, 3, 15).ok_or("date")?;
    let gazetteer = Gazetteer::embedded()?;

    println!(
        "| children × families | open window state | Run → results on screen | proposals | unplaced | ticks while solving | slowest tick (update + view) | view with results |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for (children, families) in sizes {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("bench.db");
        {
            let mut store = Store::open(&path, &passphrase())?;
            store.create_first_administrator("admin", "Benchmark", PASSWORD)?;
            let options = DemoOptions {
                children,
                families,
                ..DemoOptions::new(today)
            };
            populate(&mut store, &options, &gazetteer)?;
        }
        let opened = Instant::now();
        let mut app = App::new(Launch {
            database: path.clone(),
            settings_file: None,
            today: Some(today),
            started: Instant::now(),
            passphrase: Some(passphrase()),
            keystore: false,
        });
        // Signing in reads the registry (the time a person waits after the door).
        for message in [
            sign_in::Message::Login(String::from("admin")),
            sign_in::Message::Password(String::from(PASSWORD)),
            sign_in::Message::Submit,
        ] {
            let _ = app.update(Message::SignIn(message));
        }
        let open_ms = opened.elapsed().as_secs_f64() * 1000.0;
        let _ = app.update(Message::Tab(Tab::Matching));

        let started = Instant::now();
        ui::update(&mut app, Message::Matching(matching::Message::Run));
        let mut ticks = 0usize;
        let mut slowest = Duration::ZERO;
        while app.matching_running() {
            std::thread::sleep(Duration::from_millis(100));
            let tick = Instant::now();
            ui::update(&mut app, Message::Tick);
            ui::deliver(&mut app);
            drop(app.view());
            slowest = slowest.max(tick.elapsed());
            ticks += 1;
        }
        let run_ms = started.elapsed().as_secs_f64() * 1000.0;
        let view = Instant::now();
        drop(app.view());
        let view_ms = view.elapsed().as_secs_f64() * 1000.0;
        let (placed, unplaced) = app
            .matching_plan()
            .map_or((0, 0), |p| (p.placements.len(), p.unplaced.len()));
        println!(
            "| {children} × {families} | {open_ms:.0} ms | {run_ms:.0} ms | {placed} | {unplaced} | {ticks} | {:.1} ms | {view_ms:.1} ms |",
            slowest.as_secs_f64() * 1000.0
        );
    }
    Ok(())
}
