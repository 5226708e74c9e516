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
    let mut sqlcipher_cost = Vec::new();

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
        sqlcipher_cost.push((
            children,
            families,
            sqlcipher_cost_of(&path, &dir.path().join("plain.db"))?,
        ));
    }
    // What encryption adds: the same registry opened and read whole, encrypted and as a plain
    // SQLite copy (the list filters above work in memory and cost the same either way).
    println!();
    println!(
        "| children × families | open + key (encrypted) | open (plain) | read every child and family (encrypted) | (plain) |"
    );
    println!("|---|---|---|---|---|");
    for (children, families, (open_enc, open_plain, read_enc, read_plain)) in sqlcipher_cost {
        println!(
            "| {children} × {families} | {} ms | {} ms | {} ms | {} ms |",
            ms(open_enc),
            ms(open_plain),
            ms(read_enc),
            ms(read_plain)
        );
    }
    Ok(())
}

/// Opening (with the key derivation) and reading every row of the children and families, on
/// the encrypted registry and on a plain copy of it (medians of 5).
fn sqlcipher_cost_of(
    encrypted: &std::path::Path,
    plain: &std::path::Path,
) -> Result<(Duration, Duration, Duration, Duration), Box<dyn std::error::Error>> {
    use rusqlite::Connection;
    {
        let conn = Connection::open(encrypted)?;
        conn.pragma_update(None, "key", "benchmark passphrase")?;
        conn.execute(
            "ATTACH DATABASE ?1 AS plain KEY ''",
            [plain.display().to_string()],
        )?;
        conn.query_row("SELECT sqlcipher_export('plain')", [], |_| Ok(()))?;
        conn.execute_batch("DETACH DATABASE plain")?;
    }
    let read_all = |conn: &Connection| -> rusqlite::Result<usize> {
        let mut rows = 0;
        for table in ["children", "families"] {
            let mut stmt = conn.prepare(&format!("SELECT * FROM {table}"))?;
            let columns = stmt.column_count();
            let mut cursor = stmt.query([])?;
            while let Some(row) = cursor.next()? {
                for i in 0..columns {
                    let _: rusqlite::types::Value = row.get(i)?;
                }
                rows += 1;
            }
        }
        Ok(rows)
    };
    let mut open_enc = Vec::new();
    let mut open_plain = Vec::new();
    let mut read_enc = Vec::new();
    let mut read_plain = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let conn = Connection::open(encrypted)?;
        conn.pragma_update(None, "key", "benchmark passphrase")?;
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))?;
        open_enc.push(started.elapsed());
        let started = Instant::now();
        read_all(&conn)?;
        read_enc.push(started.elapsed());

        let started = Instant::now();
        let conn = Connection::open(plain)?;
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))?;
        open_plain.push(started.elapsed());
        let started = Instant::now();
        read_all(&conn)?;
        read_plain.push(started.elapsed());
    }
    Ok((
        median_and_max(open_enc).0,
        median_and_max(open_plain).0,
        median_and_max(read_enc).0,
        median_and_max(read_plain).0,
    ))
}
