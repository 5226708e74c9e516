//! Synthetic records shared by the integration tests.
#![allow(dead_code)]

use std::collections::BTreeSet;

use chrono::NaiveDate;
use yuva::domain::*;
use yuva::geo::Gazetteer;
use yuva::store::Store;

/// The passphrase of the test registries (`YUVA_PASSPHRASE` for the command line).
pub const TEST_PASSPHRASE: &str = "sınaq-açarı-2026-yuva";

/// The test registries' key.
pub fn key() -> yuva::store::Passphrase {
    yuva::store::Passphrase::given(TEST_PASSPHRASE)
}

/// A plain SQLite connection to an encrypted test registry (to look under the store, or to
/// tamper with it as an attacker holding the passphrase would).
pub fn raw_connection(path: &std::path::Path) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(path).expect("raw connection");
    conn.pragma_update(None, "key", TEST_PASSPHRASE)
        .expect("keyed");
    conn
}

/// The text of a PDF as pdftotext gives it. Without pdftotext the check is skipped on a
/// developer's machine and fails on CI (which installs poppler-utils).
pub fn pdftotext(path: &std::path::Path) -> Option<String> {
    match std::process::Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()
    {
        Ok(out) if out.status.success() => Some(String::from_utf8_lossy(&out.stdout).into_owned()),
        Ok(out) => panic!(
            "pdftotext failed on {}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "pdftotext is missing on CI: {e}"
            );
            eprintln!("pdftotext not found ({e}): text checks skipped");
            None
        }
    }
}

/// The password of the test registries' administrator `admin`.
pub const ADMIN_PASSWORD: &str = "sınaq-parolu-1";

/// Signs in as the registry's administrator `admin`, creating the account on a registry that
/// has none yet (as the window's first start does).
pub fn sign_in_admin(store: &mut Store) {
    if store.has_accounts().expect("accounts readable") {
        store
            .sign_in("admin", ADMIN_PASSWORD)
            .expect("the test administrator signs in");
    } else {
        store
            .create_first_administrator("admin", "Test Administrator", ADMIN_PASSWORD)
            .expect("the first administrator is created");
    }
}

/// The `yuva` binary, signed in through the environment as the test administrator, with the
/// test registries' passphrase.
pub fn yuva_command() -> std::process::Command {
    // (An example that borrows these helpers has no binary path: it finds `yuva` on PATH.)
    let mut command =
        std::process::Command::new(option_env!("CARGO_BIN_EXE_yuva").unwrap_or("yuva"));
    command
        .env("YUVA_USER", "admin")
        .env("YUVA_PASSWORD", ADMIN_PASSWORD)
        .env("YUVA_PASSPHRASE", TEST_PASSPHRASE)
        .env_remove("YUVA_NEW_PASSWORD");
    command
}

/// A demo registry of `families` and `children`, signed in as its administrator.
pub fn demo_registry(path: &std::path::Path, families: usize, children: usize) -> Store {
    let mut store = open_as_admin(path);
    yuva::demo::populate(
        &mut store,
        &yuva::demo::DemoOptions {
            families,
            children,
            ..yuva::demo::DemoOptions::new(today())
        },
        &gazetteer(),
    )
    .expect("demo");
    store
}

/// Adds a viewer account (by the signed-in administrator) and signs in as it.
pub fn sign_in_as_viewer(store: &mut Store) {
    store
        .add_account(&yuva::store::NewAccount {
            login: "viewer",
            full_name: "Baxan",
            role: yuva::domain::access::Role::Viewer,
            password: "baxan-parol-1",
        })
        .expect("viewer");
    store
        .sign_in("viewer", "baxan-parol-1")
        .expect("viewer signs in");
}

/// Opens (creating if needed) a registry and signs in as its administrator.
pub fn open_as_admin(path: &std::path::Path) -> Store {
    let mut store = Store::open(path, &key()).expect("the registry opens");
    sign_in_admin(&mut store);
    store
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
}

pub fn today() -> NaiveDate {
    date(2026, 3, 15)
}

pub fn gazetteer() -> Gazetteer {
    Gazetteer::embedded().expect("embedded gazetteer")
}

pub fn baku() -> Location {
    Location {
        address: String::from("Nizami küç., 12"),
        district_code: String::from("AZ-BA"),
        settlement_code: None,
        lat: 40.37767,
        lon: 49.89201,
    }
}

/// An approved family with every field filled in.
pub fn full_family(code: &str) -> Family {
    Family {
        id: None,
        code: code.to_owned(),
        main_carer: Carer {
            full_name: String::from("Gülnarə Şükürova"),
            birth_date: Some(date(1982, 4, 9)),
            phone: String::from("+994 50 123 45 67"),
        },
        second_carer: Some(Carer {
            full_name: String::from("İlqar Şükürov"),
            birth_date: Some(date(1979, 11, 30)),
            phone: String::new(),
        }),
        location: Location {
            settlement_code: Some(String::from("GN-585915")),
            district_code: String::from("AZ-ABS"),
            address: String::from("Xətai küç., 7"),
            lat: 40.44808,
            lon: 49.75502,
        },
        household: vec![
            HouseholdMember {
                full_name: String::from("Ülvi Şükürov"),
                relation: Relation::Son,
                birth_date: Some(date(2008, 1, 2)),
            },
            HouseholdMember {
                full_name: String::from("Səidə Şükürova"),
                relation: Relation::Parent,
                birth_date: None,
            },
        ],
        languages: BTreeSet::from([Language::Azerbaijani, Language::Russian]),
        religion: Some(Religion::Islam),
        status: FamilyStatus::Approved,
        approval_date: Some(date(2025, 6, 1)),
        review_due: Some(date(2026, 6, 1)),
        terms: TermsOfApproval {
            care_types: BTreeSet::from([CareType::ShortTerm, CareType::LongTerm]),
            age_min: 0,
            age_max: 10,
            sex_preference: SexPreference::Any,
            places: 2,
            needs: BTreeSet::from([Need::Disability]),
        },
        training: vec![TrainingRecord {
            course: String::from("Himayədar valideynlər üçün əsas hazırlıq kursu"),
            completed_on: date(2025, 3, 20),
        }],
        checks: vec![
            Check {
                kind: CheckKind::Medical,
                done_on: date(2025, 4, 1),
                outcome: CheckOutcome::Passed,
                note: String::new(),
            },
            Check {
                kind: CheckKind::HomeSafety,
                done_on: date(2025, 4, 10),
                outcome: CheckOutcome::Concerns,
                note: String::from("Pilləkən məhəccəri quraşdırılmalıdır."),
            },
        ],
        notes: String::from("Qeyd yoxdur."),
    }
}

pub fn child(code: &str, first: &str, last: &str) -> Child {
    Child {
        id: None,
        code: code.to_owned(),
        first_name: first.to_owned(),
        last_name: last.to_owned(),
        birth_date: date(2019, 5, 1),
        birth_date_estimated: false,
        sex: Sex::Female,
        legal_status: LegalStatus::DeprivedOfParentalCare,
        situation: Situation::Institution,
        location: baku(),
        school: String::from("Bakı 45 nömrəli tam orta məktəb"),
        languages: BTreeSet::from([Language::Azerbaijani]),
        needs: BTreeSet::from([Need::Learning]),
        needs_description: String::from("Fərdi təhsil planı var."),
        urgency: Urgency::Priority,
        care_type: CareType::LongTerm,
        sibling_group_id: None,
        wishes: String::from("Qardaşı ilə qalmaq istəyir."),
        contact_arrangements: String::from("Ayda bir dəfə anası ilə görüş."),
        status: ChildStatus::Awaiting,
        referral_date: date(2025, 12, 1),
        max_distance_km: Some(60.0),
        notes: String::new(),
    }
}
