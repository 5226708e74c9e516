//! Import benchmark: a demo registry's families and children exported (XLSX and CSV), then
//! checked (dry run) and imported into an empty registry; prints the times as a table.
//!
//!     cargo run --release --example import_bench [-- --children 10000 --families 6000]

use std::time::Instant;

use chrono::NaiveDate;
use yuva::demo::{DemoOptions, populate};
use yuva::domain::ChildStatus;
use yuva::exchange::{self, import};
use yuva::geo::Gazetteer;
use yuva::i18n::Lang;
use yuva::store::{Passphrase, Store};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str, default: usize| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let (children, families) = (value("--children", 10_000), value("--families", 6_000));
    let today = NaiveDate::from_ymd_opt(2026, 3, 15).ok_or("date")?;
    let gazetteer = Gazetteer::embedded()?;
    let key = Passphrase::given("benchmark passphrase");
    let dir = tempfile::tempdir()?;
    let mut source = Store::open(&dir.path().join("source.db"), &key)?;
    source.create_first_administrator("admin", "Benchmark", "benchmark-password")?;
    let options = DemoOptions {
        children,
        families,
        ..DemoOptions::new(today)
    };
    populate(&mut source, &options, &gazetteer)?;
    let all_families = source.families()?;
    // Placements are not imported: the children who are not placed or proposed.
    let all_children: Vec<_> = source
        .children()?
        .into_iter()
        .filter(|c| !matches!(c.status, ChildStatus::Placed | ChildStatus::Proposed))
        .collect();
    let groups = source.sibling_groups()?;
    println!("| file | rows | write file | check (dry run) | import | problems |");
    println!("|---|---|---|---|---|---|");
    for extension in ["xlsx", "csv"] {
        let mut target = Store::open(&dir.path().join(format!("target-{extension}.db")), &key)?;
        target.create_first_administrator("admin", "Benchmark", "benchmark-password")?;
        for (kind, name) in [
            (import::Kind::Families, "families"),
            (import::Kind::Children, "children"),
        ] {
            let path = dir.path().join(format!("{name}.{extension}"));
            let started = Instant::now();
            let table = match kind {
                import::Kind::Families => exchange::families_table(
                    &all_families,
                    &Default::default(),
                    &gazetteer,
                    Lang::Az,
                ),
                import::Kind::Children => {
                    exchange::children_table(&all_children, &groups, &gazetteer, Lang::Az, today)
                }
            };
            exchange::write(&table, &path)?;
            let written = started.elapsed();
            let run = |target: &mut Store, dry_run| {
                import::import(
                    target,
                    &gazetteer,
                    kind,
                    &path,
                    Lang::Az,
                    today,
                    import::Options {
                        dry_run,
                        ..import::Options::default()
                    },
                )
            };
            let started = Instant::now();
            let checked = run(&mut target, true)?;
            let check = started.elapsed();
            let started = Instant::now();
            let imported = run(&mut target, false)?;
            let import = started.elapsed();
            println!(
                "| {name}.{extension} | {} | {:.2} s | {:.2} s | {:.2} s ({} written) | {} |",
                checked.rows,
                written.as_secs_f64(),
                check.as_secs_f64(),
                import.as_secs_f64(),
                imported.written,
                checked.problems.len()
            );
        }
    }
    Ok(())
}
