//! Accounts: the people who sign in, their roles and Argon2id password hashes, and the
//! signed-in actor that every write is checked against (see [`crate::domain::access`]).
//!
//! An [`Actor`] can only be had by signing in (or by creating the first administrator of a
//! registry that has no account yet), so a caller of the library cannot claim a role it was
//! not given.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{Local, NaiveDateTime};
use rusqlite::{OptionalExtension, params};

use super::{Result, Store, StoreError, audit};
use crate::domain::access::{self, Action, Role};
use crate::domain::{AuditText, Refusal};

/// The signed-in person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    account_id: i64,
    login: String,
    full_name: String,
    role: Role,
}

impl Actor {
    pub fn account_id(&self) -> i64 {
        self.account_id
    }

    pub fn login(&self) -> &str {
        &self.login
    }

    pub fn full_name(&self) -> &str {
        &self.full_name
    }

    pub fn role(&self) -> Role {
        self.role
    }

    /// The actor of a registry that lives in memory only (tests, benchmarks, the window's
    /// moment between closing and reopening a file): nothing there is anyone's data.
    pub(super) fn in_memory() -> Actor {
        Actor {
            account_id: 0,
            login: String::from("in-memory"),
            full_name: String::from("In-memory registry"),
            role: Role::Administrator,
        }
    }

    /// "Aysel Məmmədova (aysel)" — who did it, in the audit log, packs and decisions.
    pub fn signature(&self) -> String {
        format!("{} ({})", self.full_name, self.login)
    }
}

/// An account as the administrator sees it (never its password hash).
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    pub id: i64,
    pub login: String,
    pub full_name: String,
    pub role: Role,
    pub disabled: bool,
    /// Locked after repeated wrong passwords until then (`YYYY-MM-DD HH:MM:SS`).
    pub locked_until: Option<String>,
    pub last_sign_in: Option<String>,
    pub created_at: String,
}

/// A new account: its login, name, role and first password.
#[derive(Debug, Clone)]
pub struct NewAccount<'a> {
    pub login: &'a str,
    pub full_name: &'a str,
    pub role: Role,
    pub password: &'a str,
}

const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

fn refusal(key: &'static str, args: Vec<(&'static str, String)>) -> StoreError {
    StoreError::Refused(Refusal::new(key, args))
}

/// The PHC string of `password` under Argon2id with the crate's defaults (19 MiB, 2 passes)
/// and a fresh random salt.
fn hash_password(password: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt)
        .map_err(|e| refusal("refusal.no_randomness", vec![("reason", e.to_string())]))?;
    let salt = SaltString::encode_b64(&salt)
        .map_err(|e| refusal("refusal.no_randomness", vec![("reason", e.to_string())]))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| refusal("refusal.no_randomness", vec![("reason", e.to_string())]))
}

/// Whether `password` matches the stored hash (a damaged hash matches nothing).
fn password_matches(stored: &str, password: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

/// A hash of no one's password, verified when a login does not exist so that an unknown login
/// takes as long to refuse as a wrong password.
fn decoy_check(password: &str) {
    let _ = password_matches(DECOY, password);
}

/// An Argon2id hash (the same parameters as every account's) of no one's password.
const DECOY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$Jrj/mXoqVGBXuEvX2P8z3uE8GWfmkvDO8nBgYFcBPVQ";

struct StoredAccount {
    id: i64,
    login: String,
    full_name: String,
    role: Role,
    hash: String,
    disabled: bool,
    failures: u32,
    locked_until: Option<NaiveDateTime>,
}

impl Store {
    /// Whether any account exists (a registry without one asks for its first administrator).
    pub fn has_accounts(&self) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT EXISTS (SELECT 1 FROM accounts)", [], |r| r.get(0))?)
    }

    /// The signed-in person, if any.
    pub fn actor(&self) -> Option<&Actor> {
        self.actor.as_ref()
    }

    /// Whether the signed-in person may do `action` here (the window asks before it offers
    /// an action); else why not.
    pub fn may(&self, action: Action) -> Result<()> {
        self.require(action).map(|_| ())
    }

    /// Who prints a pack, for its footer ("Aysel Məmmədova (aysel)"), if they may print.
    pub fn pack_signature(&self) -> Result<String> {
        Ok(self.require(Action::PrintPacks)?.signature())
    }

    /// The signed-in person, if they may do `action` here; else why not.
    pub(crate) fn require(&self, action: Action) -> Result<&Actor> {
        let actor = self
            .actor
            .as_ref()
            .ok_or_else(|| refusal("refusal.not_signed_in", Vec::new()))?;
        permit(actor, action, self.is_demo()?)?;
        Ok(actor)
    }

    /// Creates the registry's first account, an administrator, and signs it in. Refused once
    /// any account exists.
    pub fn create_first_administrator(
        &mut self,
        login: &str,
        full_name: &str,
        password: &str,
    ) -> Result<Actor> {
        access::validate_account(login, full_name, password).into_result()?;
        let login = access::normalise_login(login);
        let hash = hash_password(password)?;
        let tx = self.begin_without_accounts()?;
        let actor = Actor {
            account_id: insert_account(&tx, &login, full_name, Role::Administrator, &hash, None)?,
            login,
            full_name: full_name.trim().to_owned(),
            role: Role::Administrator,
        };
        tx.commit()?;
        self.actor = Some(actor.clone());
        Ok(actor)
    }

    /// Signs in with a login and password (now).
    pub fn sign_in(&mut self, login: &str, password: &str) -> Result<Actor> {
        self.sign_in_at(login, password, Local::now().naive_local())
    }

    /// Signs in as of `now` (tests move the clock). Wrong passwords in a row slow the next
    /// attempt down and then lock the account for a while ([`access::sign_in_delay_seconds`]);
    /// a registry opened read-only cannot count them, and waits a second after each instead.
    pub fn sign_in_at(&mut self, login: &str, password: &str, now: NaiveDateTime) -> Result<Actor> {
        self.actor = None;
        let login = access::normalise_login(login);
        let Some(account) = self.stored_account(&login)? else {
            decoy_check(password);
            self.slow_down_reader();
            return Err(refusal("refusal.sign_in_wrong", Vec::new()));
        };
        if let Some(until) = account.locked_until.filter(|until| *until > now) {
            let seconds = (until - now).num_seconds().max(1);
            return Err(if seconds > 60 {
                refusal(
                    "refusal.sign_in_locked",
                    vec![("until", until.format("%H:%M").to_string())],
                )
            } else {
                refusal(
                    "refusal.sign_in_wait",
                    vec![("seconds", seconds.to_string())],
                )
            });
        }
        if !password_matches(&account.hash, password) {
            let failures = account.failures.saturating_add(1);
            let delay = access::sign_in_delay_seconds(failures);
            if self.read_only {
                self.slow_down_reader();
            } else {
                let until = (delay > 0).then(|| {
                    (now + chrono::Duration::seconds(i64::from(delay)))
                        .format(TIME_FORMAT)
                        .to_string()
                });
                let tx = self.conn.transaction()?;
                tx.execute(
                    "UPDATE accounts SET failed_attempts = ?2, locked_until = ?3 WHERE id = ?1",
                    params![account.id, failures, until],
                )?;
                // An account locked by wrong passwords is worth an administrator's look.
                if delay >= access::LOCK_SECONDS {
                    audit(
                        &tx,
                        &account.login,
                        "lock",
                        "account",
                        Some(account.id),
                        &AuditText::new(
                            "account_locked",
                            vec![
                                ("login", account.login.clone()),
                                ("failures", failures.to_string()),
                            ],
                        ),
                    )?;
                }
                tx.commit()?;
            }
            return Err(if delay >= access::LOCK_SECONDS {
                refusal(
                    "refusal.sign_in_now_locked",
                    vec![("minutes", (delay / 60).to_string())],
                )
            } else {
                refusal("refusal.sign_in_wrong", Vec::new())
            });
        }
        if account.disabled {
            return Err(refusal("refusal.account_disabled", Vec::new()));
        }
        if !account.role.may_sign_in(self.is_demo()?) {
            return Err(refusal("refusal.trainer_real_registry", Vec::new()));
        }
        if !self.read_only {
            self.conn.execute(
                "UPDATE accounts SET failed_attempts = 0, locked_until = NULL, last_sign_in = ?2
                 WHERE id = ?1",
                params![account.id, now.format(TIME_FORMAT).to_string()],
            )?;
        }
        let actor = Actor {
            account_id: account.id,
            login: account.login,
            full_name: account.full_name,
            role: account.role,
        };
        self.actor = Some(actor.clone());
        Ok(actor)
    }

    /// Copies every account of `from` (a demo registry being replaced by a new one) into this
    /// registry, which has none yet, so that the same people sign in to the new demo.
    pub fn adopt_accounts(&mut self, from: &Store) -> Result<usize> {
        type Row = (i64, String, String, String, String, bool, String);
        let rows: Vec<Row> = {
            let mut stmt = from.conn.prepare(
                "SELECT id, login, full_name, role, password_hash, disabled, created_at
                 FROM accounts",
            )?;
            stmt.query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?
        };
        let tx = self.begin_without_accounts()?;
        for (id, login, full_name, role, hash, disabled, created_at) in &rows {
            tx.execute(
                "INSERT INTO accounts(id, login, full_name, role, password_hash, disabled,
                                      created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![id, login, full_name, role, hash, disabled, created_at],
            )?;
        }
        tx.commit()?;
        Ok(rows.len())
    }

    /// Signs `actor` in again on this registry after it was reopened (the window's demo
    /// reset, which keeps the accounts): the same account must exist here, enabled, with the
    /// same role.
    pub fn resume(&mut self, actor: &Actor) -> Result<()> {
        let account = self.stored_account(&actor.login)?;
        match account {
            Some(a) if a.id == actor.account_id && a.role == actor.role && !a.disabled => {
                self.actor = Some(actor.clone());
                Ok(())
            }
            _ => Err(refusal("refusal.not_signed_in", Vec::new())),
        }
    }

    /// Forgets the signed-in person: writes are refused until someone signs in.
    pub fn sign_out(&mut self) {
        self.actor = None;
    }

    /// Every account, administrators first.
    pub fn accounts(&self) -> Result<Vec<Account>> {
        self.require_signed_in()?;
        let mut stmt = self.conn.prepare(
            "SELECT id, login, full_name, role, disabled, locked_until, last_sign_in, created_at
             FROM accounts ORDER BY login",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, bool>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, String>(7)?,
            ))
        })?;
        let mut accounts = Vec::new();
        for row in rows {
            let (id, login, full_name, role, disabled, locked_until, last_sign_in, created_at) =
                row?;
            let role = Role::from_code(&role).ok_or_else(|| StoreError::Corrupt {
                entity: "account",
                id,
                message: format!("unknown role {role:?}"),
            })?;
            accounts.push(Account {
                id,
                login,
                full_name,
                role,
                disabled,
                locked_until,
                last_sign_in,
                created_at,
            });
        }
        accounts.sort_by_key(|a| (a.role, a.login.clone()));
        Ok(accounts)
    }

    /// Adds an account (administrators only).
    pub fn add_account(&mut self, new: &NewAccount<'_>) -> Result<i64> {
        let by = self.require(Action::ManageAccounts)?.login.clone();
        access::validate_account(new.login, new.full_name, new.password).into_result()?;
        let login = access::normalise_login(new.login);
        let taken: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM accounts WHERE login = ?1)",
            [&login],
            |r| r.get(0),
        )?;
        if taken {
            let mut errors = crate::domain::ValidationErrors::new();
            errors.push_with("login", "error.login_taken", vec![("login", login)]);
            return Err(StoreError::Invalid(errors));
        }
        let hash = hash_password(new.password)?;
        let tx = self.conn.transaction()?;
        let id = insert_account(&tx, &login, new.full_name, new.role, &hash, Some(&by))?;
        tx.commit()?;
        Ok(id)
    }

    /// Disables an account (it can no longer sign in) or enables it again. The last
    /// administrator who can sign in, and one's own account, cannot be disabled.
    pub fn set_account_disabled(&mut self, id: i64, disabled: bool) -> Result<()> {
        let by = self.require(Action::ManageAccounts)?.clone();
        let account = self.account(id)?;
        if disabled {
            if id == by.account_id {
                return Err(refusal("refusal.disable_self", Vec::new()));
            }
            if account.role == Role::Administrator && self.active_administrators()? <= 1 {
                return Err(refusal("refusal.last_administrator", Vec::new()));
            }
        }
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE accounts SET disabled = ?2 WHERE id = ?1",
            params![id, disabled],
        )?;
        audit(
            &tx,
            &by.login,
            "update",
            "account",
            Some(id),
            &AuditText::new(
                if disabled {
                    "account_disabled"
                } else {
                    "account_enabled"
                },
                vec![("login", account.login)],
            ),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Sets a new password for an account and lifts any lock on it (administrators only).
    pub fn reset_password(&mut self, id: i64, password: &str) -> Result<()> {
        let by = self.require(Action::ManageAccounts)?.login.clone();
        access::validate_password(password).into_result()?;
        let account = self.account(id)?;
        self.set_password(id, password, &by, &account.login, "password_reset")
    }

    /// The signed-in person changes their own password, giving the current one.
    pub fn change_own_password(&mut self, current: &str, new: &str) -> Result<()> {
        let actor = self.require_signed_in()?.clone();
        let Some(account) = self.stored_account(&actor.login)? else {
            return Err(refusal("refusal.not_signed_in", Vec::new()));
        };
        if !password_matches(&account.hash, current) {
            let mut errors = crate::domain::ValidationErrors::new();
            errors.push("current_password", "error.password_wrong");
            return Err(StoreError::Invalid(errors));
        }
        access::validate_password(new).into_result()?;
        self.set_password(
            account.id,
            new,
            &actor.login,
            &actor.login,
            "password_changed",
        )
    }

    fn set_password(
        &mut self,
        id: i64,
        password: &str,
        by: &str,
        login: &str,
        what: &str,
    ) -> Result<()> {
        let hash = hash_password(password)?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE accounts SET password_hash = ?2, failed_attempts = 0, locked_until = NULL
             WHERE id = ?1",
            params![id, hash],
        )?;
        audit(
            &tx,
            by,
            "update",
            "account",
            Some(id),
            &AuditText::new(what, vec![("login", login.to_owned())]),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Minutes without input after which the window locks (the registry's setting).
    pub fn idle_lock_minutes(&self) -> Result<u32> {
        Ok(self
            .setting(IDLE_LOCK_SETTING)?
            .and_then(|v| v.parse().ok())
            .filter(|m| (1..=MAX_IDLE_LOCK_MINUTES).contains(m))
            .unwrap_or(access::DEFAULT_IDLE_LOCK_MINUTES))
    }

    /// Sets the idle lock (1–240 minutes; administrators only).
    pub fn set_idle_lock_minutes(&mut self, minutes: u32) -> Result<()> {
        let by = self.require(Action::ChangeSettings)?.login.clone();
        if !(1..=MAX_IDLE_LOCK_MINUTES).contains(&minutes) {
            let mut errors = crate::domain::ValidationErrors::new();
            errors.push_with(
                "idle_lock_minutes",
                "error.number_between",
                vec![
                    ("min", String::from("1")),
                    ("max", MAX_IDLE_LOCK_MINUTES.to_string()),
                ],
            );
            return Err(StoreError::Invalid(errors));
        }
        let tx = self.conn.transaction()?;
        super::put_setting(&tx, IDLE_LOCK_SETTING, &minutes.to_string())?;
        audit(
            &tx,
            &by,
            "update",
            "settings",
            None,
            &AuditText::new("idle_lock_set", vec![("minutes", minutes.to_string())]),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// An IMMEDIATE transaction on a registry that has no account yet (else refused): its
    /// first accounts go in without a second process doing the same.
    fn begin_without_accounts(&mut self) -> Result<rusqlite::Transaction<'_>> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let exists: bool =
            tx.query_row("SELECT EXISTS (SELECT 1 FROM accounts)", [], |r| r.get(0))?;
        if exists {
            return Err(refusal("refusal.accounts_exist", Vec::new()));
        }
        Ok(tx)
    }

    fn require_signed_in(&self) -> Result<&Actor> {
        self.actor
            .as_ref()
            .ok_or_else(|| refusal("refusal.not_signed_in", Vec::new()))
    }

    fn account(&self, id: i64) -> Result<Account> {
        self.accounts()?
            .into_iter()
            .find(|a| a.id == id)
            .ok_or(StoreError::NotFound {
                entity: "account",
                id,
            })
    }

    fn active_administrators(&self) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM accounts WHERE role = 'administrator' AND disabled = 0",
            [],
            |r| r.get(0),
        )?)
    }

    fn stored_account(&self, login: &str) -> Result<Option<StoredAccount>> {
        let row = self
            .conn
            .query_row(
                "SELECT id, login, full_name, role, password_hash, disabled, failed_attempts,
                        locked_until
                 FROM accounts WHERE login = ?1",
                [login],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, bool>(5)?,
                        r.get::<_, u32>(6)?,
                        r.get::<_, Option<String>>(7)?,
                    ))
                },
            )
            .optional()?;
        let Some((id, login, full_name, role, hash, disabled, failures, locked_until)) = row else {
            return Ok(None);
        };
        let role = Role::from_code(&role).ok_or_else(|| StoreError::Corrupt {
            entity: "account",
            id,
            message: format!("unknown role {role:?}"),
        })?;
        Ok(Some(StoredAccount {
            id,
            login,
            full_name,
            role,
            hash,
            disabled,
            failures,
            locked_until: locked_until
                .and_then(|t| NaiveDateTime::parse_from_str(&t, TIME_FORMAT).ok()),
        }))
    }

    /// A registry opened read-only cannot count wrong passwords: each costs a second instead.
    fn slow_down_reader(&self) {
        if self.read_only {
            std::thread::sleep(std::time::Duration::from_secs(1));
        }
    }
}

/// Inserts an account and its audit entry (by `by`, or by the new account itself for the
/// first administrator) in the caller's transaction; returns its id.
fn insert_account(
    tx: &rusqlite::Transaction<'_>,
    login: &str,
    full_name: &str,
    role: Role,
    hash: &str,
    by: Option<&str>,
) -> Result<i64> {
    tx.execute(
        "INSERT INTO accounts(login, full_name, role, password_hash, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![login, full_name.trim(), role.code(), hash, now()],
    )?;
    let id = tx.last_insert_rowid();
    audit(
        tx,
        by.unwrap_or(login),
        "create",
        "account",
        Some(id),
        &AuditText::new(
            "account_created",
            vec![
                ("login", login.to_owned()),
                ("role", role.code().to_owned()),
            ],
        ),
    )?;
    Ok(id)
}

/// Whether `actor` may do `action` on a registry that is (or is not) a demo; else a refusal
/// naming the role and the action.
pub(crate) fn permit(actor: &Actor, action: Action, registry_is_demo: bool) -> Result<()> {
    if actor.role.permits(action, registry_is_demo) {
        return Ok(());
    }
    if actor.role == Role::Trainer && !registry_is_demo {
        return Err(refusal("refusal.trainer_real_registry", Vec::new()));
    }
    Err(refusal(
        "refusal.forbidden",
        vec![
            ("role", format!("@{}", actor.role.locale_key())),
            ("action", format!("@{}", action.locale_key())),
        ],
    ))
}

/// The registry setting that holds the idle lock's minutes.
const IDLE_LOCK_SETTING: &str = "idle_lock_minutes";
pub const MAX_IDLE_LOCK_MINUTES: u32 = 240;

fn now() -> String {
    Local::now().format(TIME_FORMAT).to_string()
}

/// A new random password of 16 letters and digits (no look-alikes such as 0/O, 1/l), for an
/// account whose first or reset password nobody typed.
pub fn generate_password() -> Result<String> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| refusal("refusal.no_randomness", vec![("reason", e.to_string())]))?;
    // 256 is not a multiple of the alphabet's 56 letters: the first few are a little more
    // likely, which costs well under a bit of the password's ~93.
    Ok(bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_decoy_is_a_real_argon2id_hash_that_matches_nothing() {
        // An unknown login must cost a whole Argon2id check, like a wrong password.
        assert!(PasswordHash::new(DECOY).is_ok());
        assert!(!password_matches(DECOY, "anything"));
        let real = hash_password("uzun-parol-2026").expect("hash");
        assert!(real.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(password_matches(&real, "uzun-parol-2026"));
    }
}
