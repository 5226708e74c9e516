// A release build on Windows opens no console window.
#![cfg_attr(all(windows, not(debug_assertions)), windows_subsystem = "windows")]

//! `yuva` starts the window; `yuva <subcommand>` works on the command line and never opens it.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use chrono::{Local, NaiveDate};
use clap::{Parser, Subcommand};

use yuva::demo::{self, DemoOptions};
use yuva::geo::Gazetteer;
use yuva::settings::DataPaths;
use yuva::store::{self, Store};

#[derive(Parser)]
#[command(
    name = "yuva",
    version,
    about = "Foster-care registry and placement matching"
)]
struct Cli {
    /// The registry file to open (default: yuva.db in the user's data folder).
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,

    /// Draw with the software renderer (for laptops whose graphics driver fails).
    #[arg(long)]
    safe_graphics: bool,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Create a synthetic registry for training and tests (reproducible for a seed).
    Demo {
        /// Seed of the generator: the same seed and date give the same registry.
        #[arg(long, default_value_t = DemoOptions::DEFAULT_SEED)]
        seed: u64,
        #[arg(long, default_value_t = DemoOptions::DEFAULT_FAMILIES)]
        families: usize,
        #[arg(long, default_value_t = DemoOptions::DEFAULT_CHILDREN)]
        children: usize,
        /// The date the registry is "as of" (YYYY-MM-DD; default: today).
        #[arg(long, value_parser = parse_iso_date)]
        date: Option<NaiveDate>,
        /// Delete an existing registry file first (otherwise a non-empty registry is refused).
        #[arg(long)]
        replace: bool,
    },
}

fn parse_iso_date(value: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map_err(|_| format!("{value:?} is not a date (YYYY-MM-DD)"))
}

fn main() -> ExitCode {
    let started = Instant::now();
    let cli = Cli::parse();
    let paths = DataPaths::for_user();
    let database = match cli
        .db
        .clone()
        .or_else(|| paths.as_ref().map(|p| p.database.clone()))
    {
        Some(path) => path,
        None => {
            eprintln!("yuva: no data folder for this user; pass --db PATH");
            return ExitCode::from(2);
        }
    };
    match cli.command {
        None => {
            if cli.safe_graphics {
                // SAFETY: set before the window or any other thread starts.
                unsafe { std::env::set_var("ICED_BACKEND", "tiny-skia") };
            }
            let launch = yuva::ui::Launch {
                database,
                settings_file: paths.map(|p| p.settings),
                today: None,
                started,
            };
            match yuva::ui::run(launch) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("yuva: the window could not start: {error}");
                    ExitCode::FAILURE
                }
            }
        }
        Some(Command::Demo {
            seed,
            families,
            children,
            date,
            replace,
        }) => {
            let options = DemoOptions {
                seed,
                families,
                children,
                today: date.unwrap_or_else(|| Local::now().date_naive()),
            };
            match run_demo(&database, &options, replace) {
                Ok(summary) => {
                    eprintln!(
                        "yuva: demo registry {}: {} families, {} children, {} sibling groups, {} placements",
                        database.display(),
                        summary.families,
                        summary.children,
                        summary.groups,
                        summary.placements
                    );
                    ExitCode::SUCCESS
                }
                Err(message) => {
                    eprintln!("yuva: {message}");
                    ExitCode::from(2)
                }
            }
        }
    }
}

fn run_demo(
    database: &std::path::Path,
    options: &DemoOptions,
    replace: bool,
) -> Result<demo::DemoSummary, String> {
    if replace {
        store::delete_registry_file(database)
            .map_err(|e| format!("cannot delete {}: {e}", database.display()))?;
    }
    let gazetteer = Gazetteer::embedded().map_err(|e| e.to_string())?;
    let mut store = Store::open(database).map_err(|e| e.to_string())?;
    if !store.is_empty().map_err(|e| e.to_string())? {
        return Err(format!(
            "{} already holds a registry; pass --replace to delete it and create a demo registry",
            database.display()
        ));
    }
    let summary = demo::populate(&mut store, options, &gazetteer).map_err(|e| e.to_string())?;
    store
        .set_setting("registry_kind", "demo")
        .map_err(|e| e.to_string())?;
    Ok(summary)
}
