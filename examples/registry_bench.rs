//! Registry benchmark: builds demo registries of several sizes in temporary files and prints
//! how long it takes to generate them, load them, index them and run list queries.
//!
//!     cargo run --release --example registry_bench [-- --sizes 150x60,10000x6000 --runs 20]
//!
//! Sizes are children×families. Query times are the median and worst of `--runs` runs.

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use yuva::demo::{DemoOptions, populate};
use yuva::domain::listing::{
    ChildIndex, ChildQuery, ChildSort, FamilyIndex, FamilyQuery, FamilySort,
};
use yuva::domain::{ChildStatus, Need, Urgency};
use yuva::geo::Gazetteer;
use yuva::store::Store;

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn median_and_max(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    (samples[samples.len() / 2], samples[samples.len() - 1])
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let sizes: Vec<(usize, usize)> = value("--sizes")
        .unwrap_or_else(|| String::from("150x60,10000x6000"))
        .split(',')
        .filter_map(|s| {
            let (c, f) = s.split_once('x')?;
            Some((c.parse().ok()?, f.parse().ok()?))
        })
        .collect();
    let runs: usize = value("--runs")
        .and_then(|r| r.parse().ok())
        .unwrap_or(20)
        .max(1);
    let today = NaiveDate::from_ymd_opt(2026, 3, 15).ok_or("date")?;
    let gazetteer = Gazetteer::embedded()?;

    println!(
        "| children × families | generate + write | load from file | build indexes | query | median ms | worst ms | rows |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for (children, families) in sizes {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("bench.db");
        let started = Instant::now();
        {
            let mut store = Store::open(
                &path,
                &yuva::store::Passphrase::given("benchmark passphrase"),
            )?;
            store.create_first_administrator("admin", "Benchmark", "benchmark-password")?;
            populate(
                &mut store,
                &DemoOptions {
                    seed: 1,
                    families,
                    children,
                    today,
                },
                &gazetteer,
            )?;
        }
        let generate = started.elapsed();

        let started = Instant::now();
        let store = Store::open(
            &path,
            &yuva::store::Passphrase::given("benchmark passphrase"),
        )?;
        let family_records = store.families()?;
        let child_records = store.children()?;
        let occupied = store.occupied_places()?;
        let load = started.elapsed();

        let started = Instant::now();
        let child_index = ChildIndex::build(&child_records, &gazetteer);
        let family_index = FamilyIndex::build(&family_records, &gazetteer);
        let index = started.elapsed();

        let child_queries: Vec<(&str, ChildQuery)> = vec![
            ("children: all, by name", ChildQuery::default()),
            (
                "children: search \"ismayilli\"",
                ChildQuery {
                    text: String::from("ismayilli"),
                    ..Default::default()
                },
            ),
            (
                "children: search \"əli\"",
                ChildQuery {
                    text: String::from("əli"),
                    ..Default::default()
                },
            ),
            (
                "children: awaiting + need + urgency, by waiting",
                ChildQuery {
                    status: Some(ChildStatus::Awaiting),
                    need: Some(Need::Psychosocial),
                    urgency: Some(Urgency::Priority),
                    sort: ChildSort::DaysWaiting,
                    ..Default::default()
                },
            ),
            (
                "children: waiting > 180 days, by urgency",
                ChildQuery {
                    waiting_over_days: Some(180),
                    sort: ChildSort::Urgency,
                    ..Default::default()
                },
            ),
        ];
        let family_queries: Vec<(&str, FamilyQuery)> = vec![
            ("families: all, by name", FamilyQuery::default()),
            (
                "families: free places + overdue, by review",
                FamilyQuery {
                    with_free_places: true,
                    review_overdue: true,
                    sort: FamilySort::ReviewDue,
                    ..Default::default()
                },
            ),
            (
                "families: search \"sumqayit\"",
                FamilyQuery {
                    text: String::from("sumqayit"),
                    ..Default::default()
                },
            ),
        ];

        let mut first = true;
        let mut line = |name: &str, samples: Vec<Duration>, rows: usize| {
            let (median, worst) = median_and_max(samples);
            let prefix = if first {
                format!(
                    "| {children} × {families} | {} ms | {} ms | {} ms |",
                    ms(generate),
                    ms(load),
                    ms(index)
                )
            } else {
                String::from("| | | | |")
            };
            first = false;
            println!(
                "{prefix} {name} | {} | {} | {rows} |",
                ms(median),
                ms(worst)
            );
        };
        for (name, query) in &child_queries {
            let mut samples = Vec::with_capacity(runs);
            let mut rows = 0;
            for _ in 0..runs {
                let started = Instant::now();
                rows = child_index.query(&child_records, query, today).len();
                samples.push(started.elapsed());
            }
            line(name, samples, rows);
        }
        for (name, query) in &family_queries {
            let mut samples = Vec::with_capacity(runs);
            let mut rows = 0;
            for _ in 0..runs {
                let started = Instant::now();
                rows = family_index
                    .query(&family_records, &occupied, query, today)
                    .len();
                samples.push(started.elapsed());
            }
            line(name, samples, rows);
        }
    }
    Ok(())
}
