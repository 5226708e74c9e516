//! Matching benchmark: reproducible synthetic instances (from the demo generator: real districts,
//! sibling groups, needs, statuses) at several sizes, solved by the optimizer and by the greedy
//! baseline. Each size runs in its own process so that its peak memory is its own.
//!
//!     cargo run --release --example matching_bench                       # all sizes
//!     cargo run --release --features highs --example matching_bench
//!     cargo run --release --example matching_bench -- --sizes 500x300 --time-limit 60
//!     cargo run --release --example matching_bench -- --write-instances DIR   # keep the instances
//!
//! The solver stops proving at the time limit (default 300 s) and reports its best plan with the
//! bound no plan can exceed.
//!
//! Sizes are children × families; every child of the instance is awaiting placement.
//! To study the model: BENCH_NO_SPLIT=1 makes every sibling group stay together,
//! BENCH_SPLIT_WEIGHT=W sets W_split, YUVA_SOLVER_TRACE=1 prints each LP and branch-and-bound
//! round, YUVA_HIGHS_VERBOSE=1 prints HiGHS's own log.

use std::process::Command;
use std::time::Instant;

use chrono::NaiveDate;
use yuva::demo::{DemoOptions, generate};
use yuva::geo::Gazetteer;
use yuva::matching::{self, Instance, Settings};

const SIZES: &str = "100x60,500x300,1500x900,5000x3000,10000x6000";

fn instance(children: usize, families: usize) -> Result<Instance, Box<dyn std::error::Error>> {
    let today = NaiveDate::from_ymd_opt(2026, 1, 15).ok_or("date")?;
    let gazetteer = Gazetteer::embedded()?;
    let mut registry = generate(
        &DemoOptions {
            seed: 42,
            families,
            children,
            today,
        },
        &gazetteer,
    );
    if std::env::var_os("BENCH_NO_SPLIT").is_some() {
        for group in &mut registry.groups {
            group.may_split = false;
        }
    }
    Ok(yuva::demo::instance_of(&registry, today, bench_settings()))
}

/// The contract's defaults; BENCH_SPLIT_WEIGHT overrides W_split (to study its effect).
fn bench_settings() -> Settings {
    let mut settings = Settings::default();
    if let Some(w) = std::env::var("BENCH_SPLIT_WEIGHT")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        settings.weights.split = w;
    }
    settings
}

fn peak_memory_mb() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(str::to_owned)
        })
        .and_then(|l| {
            l.split_whitespace()
                .nth(1)
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or_else(|| String::from("n/a"), |kb| format!("{:.0}", kb / 1024.0))
}

fn one(size: &str) -> Result<(), Box<dyn std::error::Error>> {
    let (c, f) = size.split_once('x').ok_or("size is CHILDRENxFAMILIES")?;
    let (children, families) = (c.parse()?, f.parse()?);
    let instance = instance(children, families)?;
    // The generated instance, for re-checking a plan with another solver.
    if let Ok(path) = std::env::var("BENCH_WRITE_INSTANCE") {
        std::fs::write(&path, serde_json::to_string_pretty(&instance)?)?;
    }
    let started = Instant::now();
    let limit = std::env::var("BENCH_TIME_LIMIT")
        .ok()
        .and_then(|s| s.parse::<f64>().ok());
    let options = matching::SolveOptions {
        cancel: None,
        time_limit: limit.and_then(|s| std::time::Duration::try_from_secs_f64(s).ok()),
        ..Default::default()
    };
    let plan = matching::solve_with(&instance, options)?;
    let optimizer_s = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let greedy = matching::solve_greedy(&instance)?;
    let greedy_s = started.elapsed().as_secs_f64();
    let count = |check: yuva::domain::advice::HintCheck| {
        plan.unplaced
            .iter()
            .filter(|u| u.hint_check == check)
            .count()
    };
    use yuva::domain::advice::HintCheck;
    println!(
        "| {children} × {families} | {} | {} | {} | {:.3} s | {:.3} s | {:.3} s | {} / {} / {} | {} | {} | {:.0} | {} | {:.0} | {:.3} s | {} |",
        plan.solver,
        plan.variables,
        plan.components,
        plan.timings_ms.solve_ms / 1000.0,
        plan.timings_ms.hints_ms / 1000.0,
        optimizer_s,
        count(HintCheck::Verified),
        count(HintCheck::NoSingleChange),
        count(HintCheck::NotChecked),
        if plan.proven_optimal {
            String::from("yes")
        } else {
            format!("no: bound {:.0}", plan.upper_bound.unwrap_or(f64::NAN))
        },
        plan.placements.len(),
        plan.objective,
        greedy.placements.len(),
        greedy.objective,
        greedy_s,
        peak_memory_mb(),
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    if let Some(size) = value("--one") {
        return one(&size);
    }

    println!(
        "| children × families | solver | variables | components | solve | hint check | total (model, solve, explain, hints) | hints verified / no single change / not checked | proven optimal | placed | objective | greedy placed | greedy objective | greedy total | peak MB |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    let exe = std::env::current_exe()?;
    let limit = value("--time-limit")
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(300);
    for size in value("--sizes")
        .unwrap_or_else(|| SIZES.to_owned())
        .split(',')
    {
        // The solver stops proving at the limit and reports its best plan; the process is
        // killed only if it overruns that by far (model building, explanations).
        let mut command = Command::new(&exe);
        command
            .args(["--one", size])
            .env("BENCH_TIME_LIMIT", limit.to_string());
        if let Some(folder) = value("--write-instances") {
            command.env(
                "BENCH_WRITE_INSTANCE",
                std::path::Path::new(&folder).join(format!("instance_{size}.json")),
            );
        }
        let mut child = command.spawn()?;
        let started = Instant::now();
        loop {
            if let Some(status) = child.try_wait()? {
                if !status.success() {
                    eprintln!("size {size} failed: {status}");
                }
                break;
            }
            if started.elapsed().as_secs() >= limit * 3 + 60 {
                child.kill()?;
                let _ = child.wait();
                println!(
                    "| {} | — | — | — | not proven optimal within {limit} s | | | | | | | | | | |",
                    size.replace('x', " × ")
                );
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
    }
    Ok(())
}
