//! Assessment-pack benchmark: a match pack, a family pack and a panel agenda pack of 20 matches
//! from a demo registry, each built, rendered and written; prints time, pages and size.
//!
//!     cargo run --release --example pack_bench

use std::time::Instant;

use chrono::NaiveDate;
use yuva::demo::{DemoOptions, populate};
use yuva::domain::SessionInput;
use yuva::geo::Gazetteer;
use yuva::i18n::Lang;
use yuva::matching::{self, Settings};
use yuva::report::{self, Pack, PackInfo};
use yuva::store::{Proposal, Store};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let today = NaiveDate::from_ymd_opt(2026, 3, 15).ok_or("date")?;
    let gazetteer = Gazetteer::embedded()?;
    let dir = tempfile::tempdir()?;
    let mut store = Store::open(
        &dir.path().join("bench.db"),
        &yuva::store::Passphrase::given("benchmark passphrase"),
    )?;
    store.create_first_administrator("admin", "Benchmark", "benchmark-password")?;
    let options = DemoOptions {
        children: 1000,
        families: 400,
        ..DemoOptions::new(today)
    };
    populate(&mut store, &options, &gazetteer)?;
    let instance = matching::registry::instance_from_store(&store, today, Settings::default())?;
    let plan = matching::solve(&instance, None)?;
    let session = store.create_session(&SessionInput {
        date: Some(today),
        chair: String::from("Rəna Quliyeva"),
        members: vec![String::from("Elçin Əliyev"), String::from("Səbinə Rzayeva")],
    })?;
    let mut proposals = Vec::new();
    for p in plan.placements.iter().take(20) {
        let (Some(child_id), Some(family_id)) = (
            store.child_id_by_code(&p.child)?,
            store.family_id_by_code(&p.family)?,
        ) else {
            continue;
        };
        proposals.push(Proposal {
            child_id,
            family_id,
            distance_km: p.distance_km,
            value: p.explanation.value,
            planning_date: today,
            explanation: Some(p.explanation.clone()),
        });
    }
    store.propose(session, &proposals)?;
    let first = proposals.first().ok_or("no proposal")?;
    let info = PackInfo {
        lang: Lang::Az,
        user: String::from("Leyla Həsənova"),
        generated: today.and_hms_opt(10, 0, 0).ok_or("time")?,
        today,
    };

    println!("| pack | build + render + write | pages | size |");
    println!("|---|---|---|---|");
    type Build<'a> = Box<dyn Fn() -> Result<Pack, report::ReportError> + 'a>;
    let kinds: [(&str, Build<'_>); 3] = [
        (
            "match pack",
            Box::new(|| {
                report::match_pack(
                    &store,
                    &gazetteer,
                    first.child_id,
                    first.family_id,
                    None,
                    &info,
                )
            }),
        ),
        (
            "family assessment pack",
            Box::new(|| report::family_pack(&store, &gazetteer, first.family_id, &info)),
        ),
        (
            "panel agenda pack (20 matches)",
            Box::new(|| report::panel_pack(&store, &gazetteer, session, &info)),
        ),
    ];
    for (name, build) in kinds {
        let started = Instant::now();
        let pack = build()?;
        let rendered = report::render(&pack, &info)?;
        let path = dir.path().join("pack.pdf");
        report::write_atomically(&path, &rendered.bytes)?;
        println!(
            "| {name} | {:.0} ms | {} | {:.0} KB |",
            started.elapsed().as_secs_f64() * 1000.0,
            rendered.pages,
            rendered.bytes.len() as f64 / 1024.0
        );
    }
    Ok(())
}
