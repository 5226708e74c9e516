//! Accounts and roles, through the library as any caller would use it: who may write what is
//! decided by the store, whichever program calls it.

mod common;

use chrono::NaiveDateTime;
use common::*;
use yuva::domain::access::{Action, Role};
use yuva::domain::*;
use yuva::store::{NewAccount, Store, StoreError};

const PASSWORD: &str = "uzun-parol-2026";

fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").expect("time")
}

fn refusal_key<T: std::fmt::Debug>(result: Result<T, StoreError>) -> &'static str {
    match result {
        Err(StoreError::Refused(refusal)) => refusal.key,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// A real (not demo) registry with an administrator, one account of every other role, one
/// family and one child.
fn registry(dir: &std::path::Path) -> Store {
    let mut store = open_as_admin(&dir.join("registry.db"));
    for role in Role::ALL {
        if role == Role::Administrator {
            continue;
        }
        store
            .add_account(&NewAccount {
                login: role.code(),
                full_name: &format!("Test {}", role.code()),
                role,
                password: PASSWORD,
            })
            .expect("account added");
    }
    let g = gazetteer();
    let ctx = Context {
        today: today(),
        gazetteer: &g,
    };
    store
        .save_family(&full_family("F-0001"), &ctx)
        .expect("family");
    store
        .save_child(
            &child("C-0001", "Aysel", "Əliyeva"),
            &yuva::store::GroupChange::NoGroup,
            &ctx,
        )
        .expect("child");
    store
}

/// What `role` may do on the registry, tried for real through the store's writing API
/// (each try on its own transaction; refused writes leave nothing).
fn tried(store: &mut Store) -> Vec<(Action, bool)> {
    let g = gazetteer();
    let ctx = Context {
        today: today(),
        gazetteer: &g,
    };
    let family_id = store.family_id_by_code("F-0001").expect("read").expect("F");
    let child_id = store.child_id_by_code("C-0001").expect("read").expect("C");
    let mut family = store.family(family_id).expect("family");
    family.notes = String::from("seen again");
    let edit = store.save_family(&family, &ctx).map(|_| ());
    let session = store
        .create_session(&SessionInput {
            date: Some(today()),
            chair: String::from("Sədr"),
            members: vec![String::from("Üzv bir"), String::from("Üzv iki")],
        })
        .map(|_| ());
    let exclusion = store
        .add_pair_rule(PairRuleKind::Exclude, child_id, family_id, "test")
        .map(|_| ());
    let accounts = store
        .add_account(&NewAccount {
            login: "extra",
            full_name: "Extra",
            role: Role::Viewer,
            password: PASSWORD,
        })
        .map(|_| ());
    let settings = store.set_idle_lock_minutes(15);
    let pack = store.pack_signature().map(|_| ());
    let backup = store.may(Action::BackUpRestore);
    vec![
        (Action::EditRecords, edit.is_ok()),
        (Action::ManageSessions, session.is_ok()),
        (Action::ManageExclusions, exclusion.is_ok()),
        (Action::ManageAccounts, accounts.is_ok()),
        (Action::ChangeSettings, settings.is_ok()),
        (Action::PrintPacks, pack.is_ok()),
        (Action::BackUpRestore, backup.is_ok()),
    ]
}

#[test]
fn each_role_may_do_what_its_role_says_and_nothing_else() {
    for role in Role::ALL {
        if role == Role::Trainer {
            continue; // cannot sign in to a real registry (below)
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let mut store = registry(dir.path());
        let login = if role == Role::Administrator {
            "admin"
        } else {
            role.code()
        };
        let password = if role == Role::Administrator {
            ADMIN_PASSWORD
        } else {
            PASSWORD
        };
        store.sign_in(login, password).expect("signs in");
        for (action, done) in tried(&mut store) {
            assert_eq!(
                done,
                role.permits(action, false),
                "{role:?} {action:?}: done {done}"
            );
        }
    }
}

#[test]
fn a_viewer_reads_but_cannot_write() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = registry(dir.path());
    store.sign_in("viewer", PASSWORD).expect("signs in");
    assert_eq!(store.families().expect("reads").len(), 1);
    let g = gazetteer();
    let ctx = Context {
        today: today(),
        gazetteer: &g,
    };
    let key = refusal_key(store.save_family(&full_family("F-0002"), &ctx));
    assert_eq!(key, "refusal.forbidden");
    // The refusal names the role and the action in words, in each language.
    let Err(StoreError::Refused(refusal)) = store.save_family(&full_family("F-0002"), &ctx) else {
        panic!("refused");
    };
    assert!(
        refusal
            .message(yuva::i18n::Lang::Az)
            .contains("Baxış (yalnız oxumaq)"),
        "{}",
        refusal.message(yuva::i18n::Lang::Az)
    );
    assert_eq!(store.families().expect("reads").len(), 1, "nothing written");
    let writes = store.write(|w| w.start_placement(1, 1, today()));
    assert_eq!(refusal_key(writes), "refusal.forbidden");
}

#[test]
fn nobody_signed_in_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("registry.db");
    drop(registry(dir.path()));
    let mut store = Store::open(&path, &common::key()).expect("reopens");
    let g = gazetteer();
    let ctx = Context {
        today: today(),
        gazetteer: &g,
    };
    let key = refusal_key(store.save_family(&full_family("F-0002"), &ctx));
    assert_eq!(key, "refusal.not_signed_in");
    store.sign_in("officer", PASSWORD).expect("signs in");
    store.sign_out();
    let key = refusal_key(store.save_family(&full_family("F-0002"), &ctx));
    assert_eq!(key, "refusal.not_signed_in");
}

#[test]
fn a_trainer_cannot_touch_a_real_registry_but_works_on_a_demo() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = registry(dir.path());
    let key = refusal_key(store.sign_in("trainer", PASSWORD));
    assert_eq!(key, "refusal.trainer_real_registry");
    assert!(store.actor().is_none());

    // On a demo registry the trainer does what the demo needs, but not accounts or backups.
    let demo_dir = tempfile::tempdir().expect("temp dir");
    let mut demo = open_as_admin(&demo_dir.path().join("demo.db"));
    yuva::demo::populate(
        &mut demo,
        &yuva::demo::DemoOptions {
            families: 3,
            children: 4,
            ..yuva::demo::DemoOptions::new(today())
        },
        &gazetteer(),
    )
    .expect("demo");
    demo.add_account(&NewAccount {
        login: "trainer",
        full_name: "Təlimçi",
        role: Role::Trainer,
        password: PASSWORD,
    })
    .expect("trainer added");
    demo.sign_in("trainer", PASSWORD)
        .expect("a trainer signs in to a demo");
    let mut family = demo.families().expect("families").remove(0);
    family.notes = String::from("training");
    let g = gazetteer();
    let ctx = Context {
        today: today(),
        gazetteer: &g,
    };
    demo.save_family(&family, &ctx)
        .expect("edits a demo family");
    assert!(demo.may(Action::ManageAccounts).is_err());
    assert!(demo.may(Action::BackUpRestore).is_err());
}

#[test]
fn wrong_passwords_slow_down_then_lock_and_an_administrator_unlocks() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = registry(dir.path());
    let t0 = at("2026-03-15 09:00:00");
    for _ in 0..2 {
        assert_eq!(
            refusal_key(store.sign_in_at("officer", "wrong-password", t0)),
            "refusal.sign_in_wrong"
        );
    }
    // The third wrong password: the next try must wait.
    refusal_key(store.sign_in_at("officer", "wrong-password", t0));
    assert_eq!(
        refusal_key(store.sign_in_at("officer", PASSWORD, t0)),
        "refusal.sign_in_wait",
        "even the right password waits"
    );
    // After the wait, more wrong passwords, until the account locks.
    let mut now = t0;
    let mut last = "";
    for _ in 0..3 {
        now += chrono::Duration::seconds(30);
        last = refusal_key(store.sign_in_at("officer", "wrong-password", now));
    }
    assert_eq!(last, "refusal.sign_in_now_locked");
    let logged = store.audit_entries(1).expect("audit").remove(0);
    assert_eq!(
        (logged.action.as_str(), logged.summary.as_str()),
        (
            "lock",
            "Account officer locked after 6 wrong passwords in a row"
        )
    );
    now += chrono::Duration::seconds(60);
    assert_eq!(
        refusal_key(store.sign_in_at("officer", PASSWORD, now)),
        "refusal.sign_in_locked"
    );
    // An unknown login is refused like a wrong password (nothing tells which logins exist).
    assert_eq!(
        refusal_key(store.sign_in_at("nobody", PASSWORD, now)),
        "refusal.sign_in_wrong"
    );
    // The administrator sets a new password: the lock is lifted.
    store.sign_in("admin", ADMIN_PASSWORD).expect("admin");
    let officer = store
        .accounts()
        .expect("accounts")
        .into_iter()
        .find(|a| a.login == "officer")
        .expect("officer");
    assert!(officer.locked_until.is_some());
    store
        .reset_password(officer.id, "yeni-parol-2026")
        .expect("reset");
    store
        .sign_in_at("officer", "yeni-parol-2026", now)
        .expect("signs in with the new password");
    // Fifteen minutes later a lock ends by itself too.
    let later = now + chrono::Duration::minutes(16);
    for _ in 0..6 {
        let _ = store.sign_in_at("viewer", "wrong-password", now);
    }
    store
        .sign_in_at("viewer", PASSWORD, later)
        .expect("the lock has ended");
}

#[test]
fn disabled_accounts_cannot_sign_in_and_the_last_administrator_stays() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = registry(dir.path());
    let accounts = store.accounts().expect("accounts");
    let id_of = |login: &str| {
        accounts
            .iter()
            .find(|a| a.login == login)
            .map(|a| a.id)
            .expect("account")
    };
    store
        .set_account_disabled(id_of("officer"), true)
        .expect("disabled");
    assert_eq!(
        refusal_key(store.set_account_disabled(id_of("admin"), true)),
        "refusal.disable_self"
    );
    store.sign_in("admin", ADMIN_PASSWORD).expect("admin");
    assert_eq!(
        refusal_key(store.sign_in("officer", PASSWORD)),
        "refusal.account_disabled"
    );
    // A second administrator may disable the first, but not the last one left.
    store.sign_in("admin", ADMIN_PASSWORD).expect("admin");
    store
        .add_account(&NewAccount {
            login: "admin2",
            full_name: "Second Administrator",
            role: Role::Administrator,
            password: PASSWORD,
        })
        .expect("admin2");
    store.sign_in("admin2", PASSWORD).expect("admin2 signs in");
    store
        .set_account_disabled(id_of("admin"), true)
        .expect("the first administrator disabled");
    store
        .set_account_disabled(id_of("admin"), false)
        .expect("and enabled again");
}

#[test]
fn passwords_are_stored_as_argon2id_and_the_log_names_the_signed_in_person() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("registry.db");
    let mut store = registry(dir.path());
    store.sign_in("officer", PASSWORD).expect("officer");
    let g = gazetteer();
    let ctx = Context {
        today: today(),
        gazetteer: &g,
    };
    store
        .save_family(&full_family("F-0009"), &ctx)
        .expect("saved");
    let newest = store.audit_entries(1).expect("audit").remove(0);
    assert_eq!(newest.user_name, "officer");
    assert_eq!(
        store.pack_signature().expect("may print"),
        "Test officer (officer)"
    );
    drop(store);
    let conn = common::raw_connection(&path);
    let hashes: Vec<String> = conn
        .prepare("SELECT password_hash FROM accounts")
        .and_then(|mut s| {
            s.query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<String>>>()
        })
        .expect("hashes");
    assert_eq!(hashes.len(), Role::ALL.len());
    assert!(
        hashes
            .iter()
            .all(|h| h.starts_with("$argon2id$v=19$") && !h.contains(PASSWORD))
    );
    // Two accounts with the same password have different hashes (salted).
    let unique: std::collections::BTreeSet<&String> = hashes.iter().collect();
    assert_eq!(unique.len(), hashes.len());
}

#[test]
fn new_accounts_are_checked_before_anything_is_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = registry(dir.path());
    let before = store.accounts().expect("accounts").len();
    for (login, name, password, field) in [
        ("x", "Name", PASSWORD, "login"),
        ("officer", "Name", PASSWORD, "login"),
        ("new.one", " ", PASSWORD, "full_name"),
        ("new.one", "Name", "short", "password"),
    ] {
        match store.add_account(&NewAccount {
            login,
            full_name: name,
            role: Role::Officer,
            password,
        }) {
            Err(StoreError::Invalid(errors)) => {
                assert!(errors.for_field(field).is_some(), "{login}: {errors}")
            }
            other => panic!("{login}: expected invalid, got {other:?}"),
        }
    }
    assert_eq!(store.accounts().expect("accounts").len(), before);
    // A second "first administrator" is refused.
    assert_eq!(
        refusal_key(store.create_first_administrator("boss", "Boss", PASSWORD)),
        "refusal.accounts_exist"
    );
    // The idle lock is 1–240 minutes.
    assert!(matches!(
        store.set_idle_lock_minutes(0),
        Err(StoreError::Invalid(_))
    ));
    store.set_idle_lock_minutes(5).expect("5 minutes");
    assert_eq!(store.idle_lock_minutes().expect("read"), 5);
}

#[test]
fn a_person_changes_their_own_password_with_the_current_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = registry(dir.path());
    store.sign_in("panel_member", PASSWORD).expect("member");
    assert!(matches!(
        store.change_own_password("not-the-password", "yeni-parol-2026"),
        Err(StoreError::Invalid(_))
    ));
    store
        .change_own_password(PASSWORD, "yeni-parol-2026")
        .expect("changed");
    assert_eq!(
        refusal_key(store.sign_in("panel_member", PASSWORD)),
        "refusal.sign_in_wrong"
    );
    store
        .sign_in("panel_member", "yeni-parol-2026")
        .expect("the new password works");
}

#[test]
fn only_an_administrator_restores_a_backup() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("registry.db");
    let mut store = registry(dir.path());
    let backup = dir.path().join("copy.db");
    store.sign_in("officer", PASSWORD).expect("officer");
    assert_eq!(refusal_key(store.backup_to(&backup)), "refusal.forbidden");
    let officer = store.actor().cloned().expect("signed in");
    store.sign_in("admin", ADMIN_PASSWORD).expect("admin");
    store.backup_to(&backup).expect("backed up");
    let admin = store.actor().cloned().expect("signed in");
    drop(store);
    assert_eq!(
        refusal_key(yuva::store::restore(
            &path,
            &backup,
            &officer,
            &common::key()
        )),
        "refusal.forbidden"
    );
    yuva::store::restore(&path, &backup, &admin, &common::key()).expect("restored");
}

// --- the command line ---------------------------------------------------------------------------

fn yuva(db: &std::path::Path, env: &[(&str, &str)], args: &[&str]) -> std::process::Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_yuva"));
    command
        .env_remove("YUVA_USER")
        .env_remove("YUVA_PASSWORD")
        .env_remove("YUVA_NEW_PASSWORD")
        .env("YUVA_PASSPHRASE", TEST_PASSPHRASE)
        .envs(env.iter().copied())
        .args(args)
        .arg("--db")
        .arg(db)
        .stdin(std::process::Stdio::null());
    command.output().expect("runs")
}

fn said(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn the_command_line_signs_in_and_manages_accounts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("registry.db");
    // `init` makes the administrator `admin` and prints its generated password once.
    let out = yuva(&db, &[], &["init"]);
    assert!(out.status.success(), "{}", said(&out));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let generated = stdout
        .trim()
        .strip_prefix("password of admin: ")
        .unwrap_or_else(|| panic!("a generated password: {stdout}"))
        .to_owned();
    assert_eq!(generated.chars().count(), 16);
    let admin = [
        ("YUVA_USER", "admin"),
        ("YUVA_PASSWORD", generated.as_str()),
    ];

    // Nobody signed in, no terminal to ask on: refused with exit 3 and what to set.
    let out = yuva(&db, &[], &["user", "list"]);
    assert_eq!(out.status.code(), Some(3), "{}", said(&out));
    assert!(said(&out).contains("YUVA_USER and YUVA_PASSWORD"));
    let out = yuva(
        &db,
        &[("YUVA_USER", "admin"), ("YUVA_PASSWORD", "not-it-at-all")],
        &["user", "list"],
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(
        said(&out).contains("Wrong login or password"),
        "{}",
        said(&out)
    );

    // The administrator adds an officer with a password from the environment.
    let out = yuva(
        &db,
        &[admin[0], admin[1], ("YUVA_NEW_PASSWORD", PASSWORD)],
        &[
            "user",
            "add",
            "--login",
            "aysel",
            "--role",
            "officer",
            "--name",
            "Aysel Məmmədova",
        ],
    );
    assert!(out.status.success(), "{}", said(&out));
    let out = yuva(&db, &admin, &["user", "list"]);
    let list = said(&out);
    assert!(
        out.status.success() && list.contains("aysel") && list.contains("officer"),
        "{list}"
    );

    // The officer may read the registry, not add accounts or make backups.
    let officer = [("YUVA_USER", "aysel"), ("YUVA_PASSWORD", PASSWORD)];
    let instance = dir.path().join("instance.json");
    let out = yuva(
        &db,
        &officer,
        &[
            "export-instance",
            "--output",
            instance.to_str().expect("utf-8"),
        ],
    );
    assert!(out.status.success(), "{}", said(&out));
    let out = yuva(
        &db,
        &[officer[0], officer[1], ("YUVA_NEW_PASSWORD", PASSWORD)],
        &["user", "add", "--login", "leyla", "--role", "viewer"],
    );
    assert_eq!(out.status.code(), Some(3), "{}", said(&out));
    assert!(
        said(&out).contains("may not manage accounts"),
        "{}",
        said(&out)
    );
    let backup = dir.path().join("copy.db");
    let out = yuva(
        &db,
        &officer,
        &["backup", "--output", backup.to_str().expect("utf-8")],
    );
    assert_eq!(out.status.code(), Some(3), "{}", said(&out));
    assert!(!backup.exists());

    // Disabled: the officer can no longer sign in; a reset password is printed once.
    let out = yuva(&db, &admin, &["user", "disable", "--login", "aysel"]);
    assert!(out.status.success(), "{}", said(&out));
    let out = yuva(&db, &officer, &["user", "list"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(said(&out).contains("disabled"), "{}", said(&out));
    let out = yuva(&db, &admin, &["user", "enable", "--login", "aysel"]);
    assert!(out.status.success(), "{}", said(&out));
    let out = yuva(&db, &admin, &["user", "reset", "--login", "aysel"]);
    assert!(out.status.success(), "{}", said(&out));
    let reset = String::from_utf8_lossy(&out.stdout)
        .trim()
        .strip_prefix("password of aysel: ")
        .map(str::to_owned)
        .expect("a new password printed");
    let out = yuva(
        &db,
        &[("YUVA_USER", "aysel"), ("YUVA_PASSWORD", reset.as_str())],
        &["user", "list"],
    );
    assert!(out.status.success(), "{}", said(&out));
}

#[test]
fn a_registry_without_accounts_gets_its_administrator_from_user_add() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("registry.db");
    // A registry made before accounts existed (here: opened by the library, nobody added).
    drop(Store::open(&db, &common::key()).expect("created"));
    let out = yuva(
        &db,
        &[("YUVA_USER", "admin"), ("YUVA_PASSWORD", PASSWORD)],
        &["audit", "verify"],
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(said(&out).contains("has no accounts yet"), "{}", said(&out));
    let out = yuva(
        &db,
        &[("YUVA_NEW_PASSWORD", PASSWORD)],
        &["user", "add", "--login", "boss", "--role", "officer"],
    );
    assert_eq!(
        out.status.code(),
        Some(3),
        "the first account is an administrator"
    );
    let out = yuva(
        &db,
        &[("YUVA_NEW_PASSWORD", PASSWORD)],
        &["user", "add", "--login", "boss", "--role", "administrator"],
    );
    assert!(out.status.success(), "{}", said(&out));
    let out = yuva(
        &db,
        &[("YUVA_USER", "boss"), ("YUVA_PASSWORD", PASSWORD)],
        &["audit", "verify"],
    );
    assert!(out.status.success(), "{}", said(&out));
}
