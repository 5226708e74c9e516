//! A real PostgreSQL for the hub's tests, and office registries to sync.
#![allow(dead_code)]

use std::path::Path;

use yuva::hub;
use yuva::store::Store;

use crate::common::*;

/// A database of its own on the test server, or `None` (skipped, said) on a developer's
/// machine without one; on CI its absence fails.
pub fn fresh_database() -> Option<String> {
    let Ok(base) = std::env::var("YUVA_TEST_DATABASE_URL") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "YUVA_TEST_DATABASE_URL is not set on CI: .ci/run starts PostgreSQL"
        );
        eprintln!("YUVA_TEST_DATABASE_URL is not set: the hub tests are skipped");
        return None;
    };
    let name = format!("yuva_{}", random_suffix());
    runtime().block_on(async {
        let client = hub::connect(&base)
            .await
            .expect("the test PostgreSQL answers");
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .expect("a database of the test's own");
    });
    Some(format!("{base} dbname={name}"))
}

pub fn random_suffix() -> String {
    let mut bytes = [0u8; 6];
    getrandom::fill(&mut bytes).expect("random");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// A registry of an office with the demo's records in it (not marked as a demo: demo
/// registries are never synced).
pub fn office_registry(path: &Path, seed: u64, families: usize, children: usize) -> Store {
    {
        let mut store = open_as_admin(path);
        yuva::demo::populate(
            &mut store,
            &yuva::demo::DemoOptions {
                seed,
                families,
                children,
                ..yuva::demo::DemoOptions::new(today())
            },
            &gazetteer(),
        )
        .expect("records");
    }
    raw_connection(path)
        .execute("DELETE FROM settings WHERE key = 'registry_kind'", [])
        .expect("not a demo");
    open_as_admin(path)
}

/// A hub made for a test: its own database, TLS folder (in `dir`) and server.
pub struct TestHub {
    pub database: String,
    pub tls: std::path::PathBuf,
    pub server: hub::Hub,
}

impl TestHub {
    /// `None` (said) without a test PostgreSQL on a developer's machine.
    pub fn start(dir: &Path) -> Option<TestHub> {
        let database = fresh_database()?;
        let tls = dir.join("tls");
        runtime()
            .block_on(hub::init(&database, &tls, &[]))
            .expect("hub init");
        let server = hub::Hub::start(&database, &tls, "127.0.0.1:0").expect("the hub serves");
        Some(TestHub {
            database,
            tls,
            server,
        })
    }
}

/// A one-time enrolment token for a device of `office`.
pub fn token_for(database: &str, tls: &Path, office: &str) -> String {
    runtime()
        .block_on(hub::enroll(database, tls, office))
        .expect("token")
        .text()
}
