//! Hub load benchmark on loopback: N offices with R records each (families and children from
//! the demo generator) sync for the first time, all at once; then each changes C records and
//! syncs again, all at once. Prints the times, the process's peak memory (the hub and the
//! clients together: they share this process) and PostgreSQL's size, as a table.
//!
//!     YUVA_TEST_DATABASE_URL='host=127.0.0.1 port=54329 user=postgres dbname=postgres' \
//!       cargo run --release --example hub_bench [-- --offices 20 --records 10000 --changes 100]

use std::time::Instant;

use yuva::domain::Context;
use yuva::hub::{self, Hub};
use yuva::store::{Passphrase, Store};

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Peak resident memory of this process, in MB (Linux).
fn peak_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

/// An office's registry with the demo's records (then not a demo: demos never sync), its
/// administrator signed in.
fn office_registry(
    path: &std::path::Path,
    passphrase: &Passphrase,
    seed: u64,
    records: usize,
    gazetteer: &yuva::geo::Gazetteer,
) -> Result<Store, Box<dyn std::error::Error>> {
    let mut store = Store::open(path, passphrase)?;
    store.create_first_administrator("admin", "Bench", "bench-password-1")?;
    yuva::demo::populate(
        &mut store,
        &yuva::demo::DemoOptions {
            seed,
            families: records * 2 / 5,
            children: records - records * 2 / 5,
            ..yuva::demo::DemoOptions::new(yuva::demo::profiles::planning_date())
        },
        gazetteer,
    )?;
    drop(store);
    let conn = rusqlite::Connection::open(path)?;
    conn.pragma_update(None, "key", "hub bench passphrase 2026")?;
    conn.execute("DELETE FROM settings WHERE key = 'registry_kind'", [])?;
    drop(conn);
    let mut store = Store::open(path, passphrase)?;
    store.sign_in("admin", "bench-password-1")?;
    Ok(store)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let offices = arg("--offices", 20);
    let records = arg("--records", 10_000);
    let changes = arg("--changes", 100);
    let base = std::env::var("YUVA_TEST_DATABASE_URL")
        .map_err(|_| "set YUVA_TEST_DATABASE_URL (see tests/interop/start_postgres.sh)")?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let name = format!("yuva_bench_{}", std::process::id());
    runtime.block_on(async {
        let client = hub::connect(&base).await?;
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await?;
        Ok::<_, hub::HubError>(())
    })?;
    let database = format!("{base} dbname={name}");
    let dir = tempfile::tempdir()?;
    let tls = dir.path().join("tls");
    runtime.block_on(hub::init(&database, &tls, &[]))?;
    let server = Hub::start(&database, &tls, "127.0.0.1:0")?;
    let gazetteer = yuva::geo::Gazetteer::embedded()?;
    let codes: Vec<String> = gazetteer
        .districts()
        .map(|u| u.code.clone())
        .take(offices)
        .collect();
    let passphrase = Passphrase::given("hub bench passphrase 2026");
    let today = yuva::demo::profiles::planning_date();

    // The offices' registries: the demo's records, then not a demo (demos never sync).
    let started = Instant::now();
    let mut paths = Vec::new();
    for (n, office) in codes.iter().enumerate() {
        let path = dir.path().join(format!("{office}.db"));
        let mut store = office_registry(&path, &passphrase, n as u64 + 1, records, &gazetteer)?;
        let token = runtime.block_on(hub::enroll(&database, &tls, office))?;
        yuva::sync::enrol(&mut store, &server.url(), &token.text(), office)?;
        paths.push(path);
    }
    let setup_s = started.elapsed().as_secs_f64();

    let sync_all = |change: usize| -> Result<(f64, Vec<f64>, usize, usize), String> {
        let started = Instant::now();
        let results: Vec<Result<(f64, usize, usize), String>> = std::thread::scope(|scope| {
            let handles: Vec<_> = paths
                .iter()
                .map(|path| {
                    let (passphrase, gazetteer) = (&passphrase, &gazetteer);
                    scope.spawn(move || -> Result<(f64, usize, usize), String> {
                        let mut store = Store::open(path, passphrase).map_err(|e| e.to_string())?;
                        store
                            .sign_in("admin", "bench-password-1")
                            .map_err(|e| e.to_string())?;
                        let ctx = Context { today, gazetteer };
                        for mut family in store
                            .families()
                            .map_err(|e| e.to_string())?
                            .into_iter()
                            .take(change)
                        {
                            family.notes = format!("{} (changed)", family.notes);
                            store
                                .save_family(&family, &ctx)
                                .map_err(|e| e.to_string())?;
                        }
                        let one = Instant::now();
                        let report = yuva::sync::sync(&mut store, &ctx, &|_| {})
                            .map_err(|e| e.to_string())?;
                        Ok((one.elapsed().as_secs_f64(), report.pushed, report.pulled))
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|_| Err(String::from("panicked"))))
                .collect()
        });
        let mut times = Vec::new();
        let (mut pushed, mut pulled) = (0, 0);
        for result in results {
            let (time, up, down) = result?;
            times.push(time);
            pushed += up;
            pulled += down;
        }
        Ok((started.elapsed().as_secs_f64(), times, pushed, pulled))
    };
    let (first_wall, first_times, first_up, first_down) = sync_all(0)?;
    let (second_wall, second_times, second_up, second_down) = sync_all(changes)?;
    // One more office without a connection, by bundles: its first sync carried on a stick.
    let offline_office = gazetteer
        .districts()
        .map(|u| u.code.clone())
        .nth(offices)
        .ok_or("no district left for the offline office")?;
    let offline_path = dir.path().join("offline.db");
    let mut offline = office_registry(&offline_path, &passphrase, 999, records, &gazetteer)?;
    let token = runtime.block_on(hub::enroll(&database, &tls, &offline_office))?;
    yuva::sync::enrol(&mut offline, &server.url(), &token.text(), "offline")?;
    let (up, down) = (
        dir.path().join("up.yuvasync"),
        dir.path().join("down.yuvasync"),
    );
    let started = Instant::now();
    let exported = yuva::sync::export_bundle(&mut offline, &up)?;
    let export_s = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let taken = runtime.block_on(hub::take_bundle(&database, &tls, &up, &down))?;
    let take_s = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let ctx = Context {
        today,
        gazetteer: &gazetteer,
    };
    let imported = yuva::sync::import_bundle(&mut offline, &ctx, &down, &|_| {})?;
    let import_s = started.elapsed().as_secs_f64();
    let megabytes = |path: &std::path::Path| {
        std::fs::metadata(path).map_or(0.0, |m| m.len() as f64 / 1_048_576.0)
    };

    let size: i64 = runtime.block_on(async {
        let client = hub::connect(&database).await?;
        let row = client
            .query_one("SELECT pg_database_size(current_database())", &[])
            .await?;
        Ok::<_, hub::HubError>(row.get(0))
    })?;
    let max = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
    println!(
        "| phase | offices | records sent | records received | wall time | per office (median / max) |"
    );
    println!("|---|---|---|---|---|---|");
    println!(
        "| set-up ({} records each, enrolment) | {offices} | | | {setup_s:.1} s | |",
        records
    );
    println!(
        "| first sync, all at once | {offices} | {first_up} | {first_down} | {first_wall:.1} s | {:.1} / {:.1} s |",
        median(first_times.clone()),
        max(&first_times)
    );
    println!(
        "| {changes} changes each, all at once | {offices} | {second_up} | {second_down} | {second_wall:.1} s | {:.2} / {:.2} s |",
        median(second_times.clone()),
        max(&second_times)
    );
    println!();
    println!("| offline office by bundle | records | file | time |");
    println!("|---|---|---|---|");
    println!(
        "| `yuva sync export` | {} | {:.1} MB | {export_s:.1} s |",
        exported.records,
        megabytes(&up)
    );
    println!(
        "| `yuva hub bundle` (taken in; answer written) | {} in, {} out | {:.1} MB | {take_s:.1} s |",
        taken.records_in,
        taken.records_out,
        megabytes(&down)
    );
    println!(
        "| `yuva sync import` | {} answered, {} received | | {import_s:.1} s |",
        imported.pushed, imported.pulled
    );
    println!();
    println!(
        "peak memory of this process (hub and {offices} clients): {:.0} MB; PostgreSQL database: {:.0} MB",
        peak_mb(),
        size as f64 / 1_048_576.0
    );
    server.kill();
    Ok(())
}
