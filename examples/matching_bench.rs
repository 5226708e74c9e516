//! Matching benchmark: reproducible instances of several shapes (`yuva::demo::profiles`: the
//! demo registry, and independently generated dense, split, national, sparse and one-region
//! instances) at several sizes, solved by the optimizer and by the greedy baseline. Each run is
//! its own process so that its peak memory is its own.
//!
//!     cargo run --release --example matching_bench                       # the standard table
//!     cargo run --release --features highs --example matching_bench
//!     cargo run --release --example matching_bench -- --runs dense:1500x900,split:1500x900 --time-limit 60
//!     cargo run --release --example matching_bench -- --write-instances DIR   # keep the instances
//!     cargo run --release --example matching_bench -- --seed 7
//!
//! The solver stops proving at the time limit (default 300 s) and reports its best plan with the
//! bound no plan can exceed. Hints are not checked here (`hint_time` 0): this table is about the
//! plan; `yuva match` reports the hint check's time.
//!
//! A run is PROFILE:CHILDRENxFAMILIES; every child of the instance is awaiting placement.
//! To study the model: BENCH_NO_SPLIT=1 makes every sibling group of the demo stay together,
//! BENCH_SPLIT_WEIGHT=W sets W_split, YUVA_SOLVER_TRACE=1 prints each LP and branch-and-bound
//! round, YUVA_HIGHS_VERBOSE=1 prints HiGHS's own log.

use std::process::Command;
use std::time::Instant;

use yuva::demo::profiles::{self, Profile};
use yuva::geo::Gazetteer;
use yuva::matching::{self, Instance};

const RUNS: &str = "demo:1500x900,demo:10000x6000,dense:1500x900,split:1500x900,sparse:1500x900,region:1500x900,national:10000x6000";

fn instance(
    profile: Profile,
    children: usize,
    families: usize,
    seed: u64,
) -> Result<Instance, Box<dyn std::error::Error>> {
    let gazetteer = Gazetteer::embedded()?;
    let mut instance = profiles::instance(profile, children, families, seed, &gazetteer);
    if std::env::var_os("BENCH_NO_SPLIT").is_some() {
        for child in &mut instance.children {
            child.may_split = false;
        }
    }
    if let Some(w) = std::env::var("BENCH_SPLIT_WEIGHT")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        instance.settings.weights.split = w;
    }
    Ok(instance)
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

fn one(run: &str, seed: u64) -> Result<(), Box<dyn std::error::Error>> {
    let (profile, size) = run
        .split_once(':')
        .ok_or("a run is PROFILE:CHILDRENxFAMILIES")?;
    let profile = Profile::from_name(profile)
        .ok_or("profiles: demo, dense, split, national, sparse, region")?;
    let (c, f) = size.split_once('x').ok_or("size is CHILDRENxFAMILIES")?;
    let (children, families) = (c.parse()?, f.parse()?);
    let instance = instance(profile, children, families, seed)?;
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
        hint_time: Some(std::time::Duration::ZERO),
        ..Default::default()
    };
    let plan = matching::solve_with(&instance, options)?;
    let optimizer_s = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let greedy = matching::solve_greedy(&instance)?;
    let greedy_s = started.elapsed().as_secs_f64();
    let gap = match plan.gap() {
        _ if plan.proven_optimal => String::from("proven optimal"),
        Some(gap) => format!(
            "{:.2} % of bound {:.0}",
            gap * 100.0,
            plan.upper_bound.unwrap_or(f64::NAN)
        ),
        None => String::from("not proven"),
    };
    let never_worse = if plan.objective + 1e-6 * plan.objective.abs().max(1.0) >= greedy.objective {
        "yes"
    } else {
        "NO"
    };
    println!(
        "| {} | {children} × {families} | {} | {} | {} | {:.3} s | {:.3} s | {gap} | {} | {:.0} | {} | {:.0} | {:.3} s | {never_worse} | {} |",
        profile.name(),
        plan.solver,
        plan.variables,
        plan.components,
        plan.timings_ms.solve_ms / 1000.0,
        optimizer_s,
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
    let seed = value("--seed")
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(42);
    if let Some(run) = value("--one") {
        return one(&run, seed);
    }

    println!(
        "| profile | children × families | solver | variables | components | solve | total | proven, or gap to the bound | placed | objective | greedy placed | greedy objective | greedy time | optimizer ≥ greedy | peak MB |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    let exe = std::env::current_exe()?;
    let limit = value("--time-limit")
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(300);
    for run in value("--runs")
        .unwrap_or_else(|| RUNS.to_owned())
        .split(',')
    {
        // The solver stops proving at the limit and reports its best plan; the process is
        // killed only if it overruns that by far (model building, explanations).
        let mut command = Command::new(&exe);
        command
            .args(["--one", run, "--seed", &seed.to_string()])
            .env("BENCH_TIME_LIMIT", limit.to_string());
        if let Some(folder) = value("--write-instances") {
            command.env(
                "BENCH_WRITE_INSTANCE",
                std::path::Path::new(&folder)
                    .join(format!("instance_{}.json", run.replace(':', "_"))),
            );
        }
        let mut child = command.spawn()?;
        let started = Instant::now();
        loop {
            if let Some(status) = child.try_wait()? {
                if !status.success() {
                    eprintln!("{run} failed: {status}");
                }
                break;
            }
            if started.elapsed().as_secs() >= limit * 3 + 60 {
                child.kill()?;
                let _ = child.wait();
                println!(
                    "| {} | — | — | — | — | killed after {} s | | | | | | | | | |",
                    run.replace(':', " | ").replace('x', " × "),
                    limit * 3 + 60
                );
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
    }
    Ok(())
}
