//! The registry on SQLite: one local file, schema migrations, repositories, transactions.
//!
//! Every change that writes more than one row runs in one transaction, and every record is
//! validated (with the same rules the window shows) before anything is written.

mod accounts;
pub mod audit_chain;
mod children;
mod codec;
pub mod encryption;
mod families;
mod schema;
pub mod sync;
mod workflow;

use std::path::{Path, PathBuf};

use chrono::{Local, NaiveDate};
use rusqlite::{Connection, OptionalExtension, params};

use crate::domain::ValidationErrors;

pub use accounts::{Account, Actor, MAX_IDLE_LOCK_MINUTES, NewAccount, generate_password};
pub use children::GroupChange;
pub use encryption::{FileKind, Passphrase};
pub use workflow::{AuditFilter, DecisionRow, Proposal};

/// How the store can fail. Validation failures carry every broken rule, by field.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    Invalid(ValidationErrors),
    #[error("database error: {}", first_line(&.0.to_string()))]
    Sqlite(#[from] rusqlite::Error),
    #[error(
        "the database {path} was made by a newer Yuva (schema version {found}, this one knows {known})"
    )]
    TooNew {
        path: String,
        found: u32,
        known: u32,
    },
    #[error("stored record {entity} {id} is damaged: {message}")]
    Corrupt {
        entity: &'static str,
        id: i64,
        message: String,
    },
    /// A workflow step the registry's state does not allow (a child no longer awaiting, a
    /// family now full…).
    #[error("{0}")]
    Refused(crate::domain::Refusal),
    #[error("{entity} {id} does not exist")]
    NotFound { entity: &'static str, id: i64 },
    /// A record from the national hub that cannot be read or written here.
    #[error("sync: {0}")]
    Sync(String),
    #[error("cannot prepare the data folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
    /// Another window or command has the registry open.
    #[error("{path} is open in another Yuva window or command; close it first")]
    InUse { path: String },
    /// SQLite's own check found the file damaged (a disk fault, a copy cut short, an edit).
    #[error(
        "the registry {path} is damaged ({detail}); restore it from a backup or ask the administrator"
    )]
    Damaged { path: String, detail: String },
    /// Opened for reading only, a file that is not (or not yet) a registry this Yuva reads.
    #[error("{path} {reason}")]
    NotReadable { path: String, reason: &'static str },
    /// The passphrase given does not open the encrypted registry (nothing was changed).
    #[error("the passphrase does not open {path} (nothing was changed)")]
    WrongPassphrase { path: String },
}

impl From<crate::domain::Refusal> for StoreError {
    fn from(refusal: crate::domain::Refusal) -> Self {
        StoreError::Refused(refusal)
    }
}

impl From<crate::domain::WorkflowError> for StoreError {
    fn from(error: crate::domain::WorkflowError) -> Self {
        match error {
            crate::domain::WorkflowError::Invalid(errors) => StoreError::Invalid(errors),
            crate::domain::WorkflowError::Refused(refusal) => StoreError::Refused(refusal),
        }
    }
}

impl From<ValidationErrors> for StoreError {
    fn from(errors: ValidationErrors) -> Self {
        StoreError::Invalid(errors)
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub user_name: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    /// In English (the command line, files).
    pub summary: String,
    /// What the entry says as a locale key with its values (entries written before it was kept:
    /// `None`, shown by their summary).
    pub details: Option<AuditText>,
}

pub use crate::domain::AuditText;

/// An audit entry from a row of `SELECT id, at, user_name, action, entity, entity_id, summary,
/// details`.
fn audit_entry_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        id: r.get(0)?,
        at: r.get(1)?,
        user_name: r.get(2)?,
        action: r.get(3)?,
        entity: r.get(4)?,
        entity_id: r.get(5)?,
        summary: r.get(6)?,
        details: r
            .get::<_, Option<String>>(7)?
            .and_then(|json| serde_json::from_str(&json).ok()),
    })
}

/// An open registry.
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
    /// The signed-in person: every write is checked against their role.
    actor: Option<Actor>,
    /// The registry's key (`None` in memory): copies of the registry are keyed with it too.
    passphrase: Option<Passphrase>,
    /// Opened with [`Store::open_read_only`].
    read_only: bool,
    /// The shared hold on the registry's lock file (see [`hold_exclusive`]).
    _hold: Option<std::fs::File>,
}

impl Drop for Store {
    /// Moves what the WAL file holds into the registry file, so that the file alone (a copy,
    /// a backup by hand) has every committed change. PASSIVE: it never waits for a reader (the
    /// window's background check); SQLite itself checkpoints when the last connection closes.
    fn drop(&mut self) {
        if !self.read_only && self.path.is_some() {
            let _ = self
                .conn
                .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
        }
    }
}

/// Copies a registry into its backups folder before a migration changes it.
fn copy_before_upgrade(path: &Path, version: u32, passphrase: &Passphrase) -> Result<()> {
    let target = in_backups(path, &format!("before-upgrade-v{version}"))?;
    export_into(path, Some(passphrase), &target, passphrase)
}

/// The registry's stem ("registry" for a path without one), which names its copies.
fn stem_of(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| String::from("registry"))
}

/// Where a copy made for `why` goes in the registry's backups folder (made owner-only if new):
/// `<stem>.<why>-<when>.db`.
fn in_backups(path: &Path, why: &str) -> Result<PathBuf> {
    let folder = backups_folder(path);
    private_folder(&folder).map_err(|source| StoreError::Folder {
        path: folder.display().to_string(),
        source,
    })?;
    let named = backup_path_beside(path, why);
    Ok(folder.join(named.file_name().map(|n| n.to_owned()).unwrap_or_default()))
}

/// Writes the registry file `source` into the new (or empty) owner-only file `target`,
/// encrypted with `passphrase`; a copy cut short is removed.
fn export_into(
    source: &Path,
    source_key: Option<&Passphrase>,
    target: &Path,
    passphrase: &Passphrase,
) -> Result<()> {
    private_file(target).map_err(|source| StoreError::Folder {
        path: target.display().to_string(),
        source,
    })?;
    let written = encryption::export_file(source, source_key, target, passphrase);
    if written.is_err() {
        let _ = std::fs::remove_file(target);
    }
    written?;
    Ok(())
}

/// A backup is whole: it opens with the passphrase as a registry of this schema and passes the
/// full integrity check.
pub fn check_backup(path: &Path, passphrase: &Passphrase) -> Result<()> {
    let store = Store::open_read_only(path, passphrase)?;
    match integrity_verdict(&store.conn, "integrity_check")? {
        None => Ok(()),
        Some(detail) => Err(StoreError::Damaged {
            path: path.display().to_string(),
            detail,
        }),
    }
}

/// Replaces the registry at `path` with the backup `from`, after checking the backup whole and
/// taking the registry for this process alone; the registry as it was is kept beside it
/// (returned). Nothing is changed when any step before the swap fails. Only an administrator
/// (signed in on the registry, `by`) may restore.
pub fn restore(
    path: &Path,
    from: &Path,
    by: &Actor,
    passphrase: &Passphrase,
) -> Result<Option<PathBuf>> {
    accounts::permit(by, crate::domain::access::Action::BackUpRestore, false)?;
    let _hold = hold_exclusive(path)?;
    let io = |source: std::io::Error| StoreError::Folder {
        path: path.display().to_string(),
        source,
    };
    // The incoming copy first, beside the registry, so that the swap is two renames: a
    // consistent copy of the backup (with whatever its own WAL holds), checked whole — what
    // is checked is what is installed.
    let incoming = backup_path_beside(path, "restoring");
    Store::open_read_only(from, passphrase)?.copy_to(&incoming)?;
    let kept = if path.exists() {
        // Every committed change of the registry into its main file (the one kept aside), and
        // no WAL left to be replayed onto the restored file: either fails, nothing changes.
        let settled = Connection::open(path)
            .and_then(|conn| {
                encryption::apply_key(&conn, passphrase)?;
                conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                    r.get::<_, i64>(0)
                })
            })
            .map_err(StoreError::from)
            .and_then(|busy| match busy {
                0 => Ok(()),
                _ => Err(StoreError::InUse {
                    path: path.display().to_string(),
                }),
            })
            .and_then(|()| remove_companions(path).map_err(io));
        if let Err(e) = settled {
            let _ = std::fs::remove_file(&incoming);
            return Err(e);
        }
        let aside = backup_path_beside(path, "before-restore");
        if let Err(e) = std::fs::rename(path, &aside) {
            let _ = std::fs::remove_file(&incoming);
            return Err(io(e));
        }
        Some(aside)
    } else {
        None
    };
    if let Err(e) = std::fs::rename(&incoming, path) {
        // Put the registry back as it was.
        if let Some(aside) = &kept {
            let _ = std::fs::rename(aside, path);
        }
        let _ = std::fs::remove_file(&incoming);
        return Err(io(e));
    }
    Ok(kept)
}

/// Removes a registry's WAL and shared-memory files (none may be in use).
fn remove_companions(path: &Path) -> std::io::Result<()> {
    for suffix in ["-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        match std::fs::remove_file(PathBuf::from(name)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

/// SQLite's check (`quick_check` or `integrity_check`): `None` when the file is sound, else
/// its first real finding (the "*** in database main ***" header skipped).
fn integrity_verdict(conn: &Connection, check: &str) -> rusqlite::Result<Option<String>> {
    let mut stmt = conn.prepare(&format!("PRAGMA {check}(3)"))?;
    let lines: Vec<String> = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<_>>()?;
    if lines.iter().any(|l| l == "ok") {
        return Ok(None);
    }
    Ok(Some(first_line(
        lines
            .iter()
            .flat_map(|l| l.lines())
            .find(|l| !l.starts_with("***") && !l.trim().is_empty())
            .unwrap_or("unknown damage"),
    )))
}

/// The first line of a database message, cut at 240 characters (SQLite can quote a whole
/// statement back).
fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    match line.char_indices().nth(240) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_owned(),
    }
}

/// SQLite's quick integrity check; a damaged file is refused with the first problem it names.
fn quick_check(conn: &Connection, path: &Path) -> Result<()> {
    let damaged = |detail: String| StoreError::Damaged {
        path: path.display().to_string(),
        detail,
    };
    let verdict = integrity_verdict(conn, "quick_check").map_err(|e| damaged(e.to_string()))?;
    match verdict {
        None => Ok(()),
        Some(problem) => Err(damaged(problem)),
    }
}

/// A path as the file: URI wants it (% and ? and # escaped).
fn uri_path(path: &Path) -> String {
    let text = path.display().to_string();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            _ => out.push(c),
        }
    }
    out
}

/// Creates the registry's folder readable by its owner only (Unix: 0700) when it does not
/// exist; an existing folder is left as its owner set it.
fn private_folder(folder: &Path) -> std::io::Result<()> {
    if folder.exists() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(folder)
}

/// Creates a new registry file readable by its owner only (Unix: 0600; SQLite gives its WAL
/// files the same permissions). An existing file is left as it is.
fn private_file(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

impl Store {
    /// Opens (creating if needed) the registry at `path`, encrypted with `passphrase`, and
    /// brings its schema up to date. A registry from before encryption is encrypted first
    /// (see [`encrypt_plain_registry`]); a wrong passphrase changes nothing.
    pub fn open(path: &Path, passphrase: &Passphrase) -> Result<Store> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            private_folder(parent).map_err(|source| StoreError::Folder {
                path: parent.display().to_string(),
                source,
            })?;
        }
        if encryption::file_kind(path).map_err(|source| StoreError::Folder {
            path: path.display().to_string(),
            source,
        })? == FileKind::Plain
        {
            encrypt_plain_registry(path, passphrase)?;
        }
        // The lock first: a registry being replaced or restored is not created anew here.
        let hold = hold_shared(path, true)?;
        private_file(path).map_err(|source| StoreError::Folder {
            path: path.display().to_string(),
            source,
        })?;
        let conn = Connection::open(path)?;
        // Waiting for another process first: the key check and the switch to WAL read and
        // lock a file that another `yuva` may be setting up at this moment.
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        encryption::apply_key(&conn, passphrase)?;
        if !encryption::key_opens(&conn) {
            return Err(StoreError::WrongPassphrase {
                path: path.display().to_string(),
            });
        }
        // WAL keeps readers and the writer apart and survives a crash mid-write.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        quick_check(&conn, path)?;
        let mut store = Self::init(conn, Some(path.to_path_buf()), Some(passphrase.clone()))?;
        store._hold = hold;
        Ok(store)
    }

    /// The registry's passphrase (for a second connection on a worker thread).
    pub fn passphrase(&self) -> Option<&Passphrase> {
        self.passphrase.as_ref()
    }

    /// Whether the registry was made as a demo (for training) and may be replaced by another.
    pub fn is_demo(&self) -> Result<bool> {
        Ok(self.setting(REGISTRY_KIND)?.as_deref() == Some(DEMO_KIND))
    }

    /// Copies the registry, as it is now, into a new file `target` (owner-only), then checks
    /// the copy with SQLite's full integrity check. A copy that exists already is not
    /// overwritten.
    pub fn backup_to(&self, target: &Path) -> Result<()> {
        self.require(crate::domain::access::Action::BackUpRestore)?;
        self.copy_to(target)
    }

    /// Copies the registry beside itself before `yuva demo --replace` deletes it (a demo
    /// registry only): `<stem>.before-replace-<when>.db`.
    pub fn copy_before_replace(&self) -> Result<PathBuf> {
        if !self.is_demo()? {
            return Err(StoreError::Refused(crate::domain::Refusal::new(
                "refusal.not_a_demo",
                Vec::new(),
            )));
        }
        let Some(path) = self.path.as_deref() else {
            return Err(StoreError::NotReadable {
                path: String::new(),
                reason: "is in memory",
            });
        };
        let copy = backup_path_beside(path, "before-replace");
        self.copy_to(&copy)?;
        Ok(copy)
    }

    /// [`Store::backup_to`] without asking who: the automatic copies (daily, before an
    /// upgrade or a reset), which stay in the registry's own backups folder.
    fn copy_to(&self, target: &Path) -> Result<()> {
        if target.exists() {
            return Err(StoreError::Folder {
                path: target.display().to_string(),
                source: std::io::Error::new(
                    std::io::ErrorKind::AlreadyExists,
                    "a file of that name exists; choose another",
                ),
            });
        }
        let (Some(passphrase), Some(source)) = (&self.passphrase, &self.path) else {
            return Err(StoreError::NotReadable {
                path: target.display().to_string(),
                reason: "cannot be a copy of a registry that lives in memory",
            });
        };
        export_into(source, Some(passphrase), target, passphrase)?;
        let checked = check_backup(target, passphrase);
        if checked.is_err() {
            let _ = std::fs::remove_file(target);
        }
        checked
    }

    /// Opens an existing registry for reading only: the file is never changed (no schema
    /// set-up, no journal switch, no encryption), and one on read-only media can still be
    /// read. A file that is missing, empty, not encrypted yet, not a registry, of another
    /// schema version or not opened by the passphrase is refused.
    pub fn open_read_only(path: &Path, passphrase: &Passphrase) -> Result<Store> {
        use rusqlite::OpenFlags;
        let not_readable = |reason| StoreError::NotReadable {
            path: path.display().to_string(),
            reason,
        };
        match std::fs::metadata(path) {
            Err(_) => return Err(not_readable("does not exist")),
            Ok(meta) if meta.len() == 0 => {
                return Err(not_readable("is empty: it is not a registry yet"));
            }
            Ok(_) => {}
        }
        if encryption::file_kind(path).ok() == Some(FileKind::Plain) {
            return Err(not_readable(
                "is not encrypted yet: open it once in the window (or with a command that writes) to encrypt it",
            ));
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let keyed = |conn: Connection| -> rusqlite::Result<Connection> {
            encryption::apply_key(&conn, passphrase)?;
            conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))?;
            Ok(conn)
        };
        let opened = Connection::open_with_flags(path, flags)
            .and_then(keyed)
            .or_else(|_| {
                // A WAL registry needs its shared-memory file; on read-only media there is
                // none to make, and the file is read as it is (immutable).
                let uri = format!("file:{}?immutable=1", uri_path(path));
                Connection::open_with_flags(uri, flags | OpenFlags::SQLITE_OPEN_URI).and_then(keyed)
            });
        let conn = match opened {
            Ok(conn) => conn,
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::NotADatabase =>
            {
                return Err(StoreError::WrongPassphrase {
                    path: path.display().to_string(),
                });
            }
            Err(_) => return Err(not_readable("cannot be read as a registry")),
        };
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let version: u32 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|_| not_readable("is not a Yuva registry"))?;
        let known = schema::MIGRATIONS.len() as u32;
        if version == 0 {
            return Err(not_readable("is not a Yuva registry"));
        }
        if version > known {
            return Err(StoreError::TooNew {
                path: path.display().to_string(),
                found: version,
                known,
            });
        }
        if version < known {
            return Err(not_readable(
                "was made by an older Yuva: open it once in the window (or with a command that writes) to bring it up to date",
            ));
        }
        quick_check(&conn, path)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        Ok(Store {
            conn,
            path: Some(path.to_path_buf()),
            actor: None,
            passphrase: Some(passphrase.clone()),
            read_only: true,
            _hold: hold_shared(path, false).ok().flatten(),
        })
    }

    /// A registry that lives in memory only (tests, benchmarks), signed in as its own
    /// administrator: it holds no one's data.
    pub fn open_in_memory() -> Result<Store> {
        let mut store = Self::init(Connection::open_in_memory()?, None, None)?;
        store.actor = Some(Actor::in_memory());
        Ok(store)
    }

    fn init(
        mut conn: Connection,
        path: Option<PathBuf>,
        passphrase: Option<Passphrase>,
    ) -> Result<Store> {
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // FULL: a committed change is on disk, in the WAL file, before the commit returns.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate(&mut conn, path.as_deref(), passphrase.as_ref())?;
        Ok(Store {
            conn,
            path,
            actor: None,
            passphrase,
            read_only: false,
            _hold: None,
        })
    }

    /// Checks the audit log's hash chain from the first entry.
    pub fn verify_audit(&self) -> Result<audit_chain::ChainReport> {
        Ok(audit_chain::verify(&self.conn)?)
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn schema_version(&self) -> Result<u32> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// True when the registry holds no family and no child (a fresh start).
    pub fn is_empty(&self) -> Result<bool> {
        let count: i64 = self.conn.query_row(
            "SELECT (SELECT count(*) FROM families) + (SELECT count(*) FROM children)",
            [],
            |r| r.get(0),
        )?;
        Ok(count == 0)
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// The pilot districts the indicators report sets beside the rest (a registry setting;
    /// the defaults until an administrator sets them).
    pub fn pilot_districts(&self) -> Result<Vec<String>> {
        use crate::domain::indicators;
        Ok(indicators::pilot_districts_from_setting(
            self.setting(indicators::PILOT_DISTRICTS_SETTING)?
                .as_deref(),
        ))
    }

    /// Sets the pilot districts (administrators only): each a district or city of the
    /// gazetteer, at least one; recorded in the audit log.
    pub fn set_pilot_districts(
        &mut self,
        codes: &[String],
        gazetteer: &crate::geo::Gazetteer,
    ) -> Result<()> {
        use crate::domain::indicators::PILOT_DISTRICTS_SETTING;
        let mut errors = crate::domain::ValidationErrors::new();
        if codes.is_empty() {
            errors.push("pilot_districts", "error.required");
        }
        if let Some(unknown) = codes.iter().find(|c| !gazetteer.is_district(c)) {
            errors.push_with(
                "pilot_districts",
                "error.district_unknown",
                vec![("code", unknown.clone())],
            );
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let value = codes.join(",");
        self.write(|w| {
            w.set_setting(PILOT_DISTRICTS_SETTING, &value)?;
            w.audit_note(
                "update",
                "settings",
                &AuditText::new("pilot_districts_set", vec![("districts", codes.join(", "))]),
            )
        })
    }

    /// The newest audit entries first.
    pub fn audit_entries(&self, limit: usize) -> Result<Vec<AuditEntry>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, at, user_name, action, entity, entity_id, summary, details
             FROM audit_log ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], audit_entry_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Runs `work` in one transaction as the signed-in person: everything it writes is
    /// committed together, or nothing is (an error rolls all of it back). Each writing step
    /// checks the person's role first.
    pub fn write<T>(&mut self, work: impl FnOnce(&mut Writer<'_>) -> Result<T>) -> Result<T> {
        let demo = self.is_demo()?;
        let actor = self.actor.as_ref().ok_or_else(|| {
            StoreError::Refused(crate::domain::Refusal::new(
                "refusal.not_signed_in",
                Vec::new(),
            ))
        })?;
        let tx = self.conn.transaction()?;
        let value = {
            let mut writer = Writer {
                tx: &tx,
                user: actor.login(),
                actor,
                demo,
                audit: true,
                trusted: false,
            };
            work(&mut writer)?
        };
        tx.commit()?;
        Ok(value)
    }
}

/// Writes inside one open transaction (see [`Store::write`]).
pub struct Writer<'a> {
    tx: &'a rusqlite::Transaction<'a>,
    /// The signed-in person's login, as the audit log records it.
    user: &'a str,
    actor: &'a Actor,
    /// Whether the registry is a demo registry (trainers work on those only).
    demo: bool,
    /// Whether each record written gets its own audit entry (bulk loads write one summary).
    audit: bool,
    /// Records come from the national hub, checked by the office that made them: written
    /// without this registry's checks (another office's family may lack its private details).
    trusted: bool,
}

impl Writer<'_> {
    /// Refuses, naming the role and the action, when the signed-in person may not do `action`.
    pub(crate) fn allow(&self, action: crate::domain::access::Action) -> Result<()> {
        accounts::permit(self.actor, action, self.demo)
    }

    /// Stops per-record audit entries for the rest of this transaction; the caller records a
    /// summary with [`Writer::audit_note`].
    pub fn without_record_audit(&mut self) {
        self.audit = false;
    }

    /// Sets a registry setting inside the transaction (the demo marker goes with the demo's
    /// data: a crash leaves both or neither).
    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        use crate::domain::access::Action;
        self.allow(if key == REGISTRY_KIND {
            Action::LoadDemo
        } else {
            Action::ChangeSettings
        })?;
        put_setting(self.tx, key, value)?;
        Ok(())
    }

    pub fn audit_note(&mut self, action: &str, entity: &str, text: &AuditText) -> Result<()> {
        audit(self.tx, self.user, action, entity, None, text)?;
        Ok(())
    }

    /// Starts a placement and marks the child placed (the demo uses it now; the panel
    /// workflow builds on it).
    pub fn start_placement(
        &mut self,
        child_id: i64,
        family_id: i64,
        start: NaiveDate,
    ) -> Result<i64> {
        self.allow(crate::domain::access::Action::ManagePlacements)?;
        let id = self.insert_placement(child_id, family_id, start, None)?;
        if self.audit {
            audit(
                self.tx,
                self.user,
                "create",
                "placement",
                Some(id),
                &AuditText::new(
                    "placement_started",
                    vec![
                        ("child", code_or_id(self.tx, "children", child_id)?),
                        ("family", code_or_id(self.tx, "families", family_id)?),
                        ("start", start.to_string()),
                    ],
                ),
            )?;
        }
        Ok(id)
    }
}

/// "F-0007: status, review_due" — the fields an update changed, for the audit log.
fn describe_changes<T: serde::Serialize>(code: &str, before: &T, after: &T) -> AuditText {
    let (Ok(serde_json::Value::Object(before)), Ok(serde_json::Value::Object(after))) =
        (serde_json::to_value(before), serde_json::to_value(after))
    else {
        return AuditText::new("unchanged", vec![("code", code.to_owned())]);
    };
    let changed: Vec<&str> = after
        .iter()
        .filter(|(field, value)| before.get(field.as_str()) != Some(value))
        .map(|(field, _)| field.as_str())
        .collect();
    if changed.is_empty() {
        AuditText::new("unchanged", vec![("code", code.to_owned())])
    } else {
        AuditText::new(
            "updated",
            vec![("code", code.to_owned()), ("fields", changed.join(", "))],
        )
    }
}

impl Writer<'_> {
    /// Inserts a placement (from a panel decision, when there is one) and marks the child
    /// placed; the caller writes the audit entry.
    fn insert_placement(
        &mut self,
        child_id: i64,
        family_id: i64,
        start: NaiveDate,
        decision_id: Option<i64>,
    ) -> Result<i64> {
        self.tx.execute(
            "INSERT INTO placements(child_id, family_id, start_date, decision_id)
             VALUES (?1, ?2, ?3, ?4)",
            params![child_id, family_id, start.to_string(), decision_id],
        )?;
        let id = self.tx.last_insert_rowid();
        self.tx.execute(
            "UPDATE children SET status = 'placed', updated_at = ?2 WHERE id = ?1",
            params![child_id, now()],
        )?;
        Ok(id)
    }
}

/// Sets a registry setting (inside the caller's transaction, or on its own).
pub(crate) fn put_setting(conn: &Connection, key: &str, value: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO settings(key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

/// `bytes` random bytes from the OS as lower-case hex (global ids, device ids, batch ids).
pub(crate) fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    // The OS random source does not fail on the systems Yuva runs on; if it ever did, the
    // clock's nanoseconds still make an id unlikely to repeat.
    if getrandom::fill(&mut buffer).is_err() {
        let nanos = Local::now().timestamp_nanos_opt().unwrap_or_default();
        for (i, b) in buffer.iter_mut().enumerate() {
            *b = (nanos >> ((i % 8) * 8)) as u8 ^ i as u8;
        }
    }
    buffer.iter().map(|b| format!("{b:02x}")).collect()
}

/// Current local time for `created_at`/`updated_at` and the audit log.
fn now() -> String {
    Local::now().format("%Y-%m-%d %H:%M:%S").to_string()
}

/// Appends one audit entry inside the caller's transaction.
fn audit(
    conn: &Connection,
    user: &str,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    text: &AuditText,
) -> rusqlite::Result<()> {
    let at = now();
    let summary = crate::i18n::audit_text(crate::i18n::Lang::En, text);
    let details = serde_json::to_string(text).ok();
    audit_chain::append(
        conn,
        &audit_chain::Content {
            // Given by `append`, after the last entry.
            id: 0,
            at: &at,
            user_name: user,
            action,
            entity,
            entity_id,
            summary: &summary,
            details: details.as_deref(),
        },
    )
}

/// The code of a child or a family (for audit texts), or its id where it has none.
fn code_or_id(conn: &Connection, table: &str, id: i64) -> rusqlite::Result<String> {
    conn.query_row(
        &format!("SELECT code FROM {table} WHERE id = ?1"),
        [id],
        |r| r.get(0),
    )
    .optional()
    .map(|code| code.unwrap_or_else(|| id.to_string()))
}

fn migrate(
    conn: &mut Connection,
    path: Option<&Path>,
    passphrase: Option<&Passphrase>,
) -> Result<()> {
    let known = schema::MIGRATIONS.len() as u32;
    let too_new = |found: u32| StoreError::TooNew {
        path: path.map(|p| p.display().to_string()).unwrap_or_default(),
        found,
        known,
    };
    let current: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if current == known {
        return Ok(());
    }
    if current > known {
        return Err(too_new(current));
    }
    // A registry made by an older Yuva is copied before its schema changes.
    if current > 0
        && let (Some(path), Some(passphrase)) = (path, passphrase)
    {
        copy_before_upgrade(path, current, passphrase)?;
    }
    // One IMMEDIATE transaction for the whole set-up: a second process opening the same new
    // file waits for it, then finds the schema made (it reads the version again inside).
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let current: u32 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if current > known {
        return Err(too_new(current));
    }
    for (index, sql) in schema::MIGRATIONS.iter().enumerate().skip(current as usize) {
        tx.execute_batch(sql)?;
        if index + 1 == schema::CHAINED_AUDIT {
            audit_chain::seal_existing(&tx)?;
        }
    }
    tx.pragma_update(None, "user_version", known)?;
    tx.commit()?;
    Ok(())
}

/// The setting that marks a registry made by `yuva demo` or the window's demo (trainers'
/// registries: the only kind `demo --replace` and the window's reset may replace).
pub const REGISTRY_KIND: &str = "registry_kind";
pub const DEMO_KIND: &str = "demo";

/// The file beside a registry that every open store holds a shared lock on, so that replacing
/// or restoring it (which takes the lock alone) cannot happen under a window that has it open.
/// A lock file rather than the registry itself: on Windows a lock on the database file would
/// collide with SQLite's own.
fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

fn open_lock_file(path: &Path, create: bool) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options
        .read(true)
        .write(true)
        .create(create)
        .truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(lock_path(path))
}

/// A shared hold on the registry for as long as a store has it open (`create`: make the lock
/// file if there is none; a reader does not litter).
fn hold_shared(path: &Path, create: bool) -> Result<Option<std::fs::File>> {
    // Read-only media cannot hold a lock file: nothing can replace the registry there anyway.
    let Ok(file) = open_lock_file(path, create) else {
        return Ok(None);
    };
    match file.try_lock_shared() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::InUse {
            path: path.display().to_string(),
        }),
        Err(std::fs::TryLockError::Error(_)) => Ok(None),
    }
}

/// The registry held by this process alone (no window or command has it open) until dropped.
pub struct ExclusiveHold {
    _file: std::fs::File,
}

/// Takes the registry for this process alone, or says it is open elsewhere.
pub fn hold_exclusive(path: &Path) -> Result<ExclusiveHold> {
    let in_use = || StoreError::InUse {
        path: path.display().to_string(),
    };
    let file = open_lock_file(path, true).map_err(|source| StoreError::Folder {
        path: path.display().to_string(),
        source,
    })?;
    file.try_lock().map_err(|_| in_use())?;
    Ok(ExclusiveHold { _file: file })
}

/// Where a copy made before replacing or restoring a registry goes: beside it, named by when.
pub fn backup_path_beside(path: &Path, why: &str) -> PathBuf {
    let stamp = Local::now().format("%Y%m%d-%H%M%S");
    path.with_file_name(format!("{}.{why}-{stamp}.db", stem_of(path)))
}

/// How many daily copies are kept.
pub const DAILY_BACKUPS_KEPT: usize = 7;

/// The folder of a registry's automatic copies: `backups` beside it.
pub fn backups_folder(path: &Path) -> PathBuf {
    path.with_file_name("backups")
}

/// Makes today's automatic copy of the registry if there is none yet, and removes the oldest
/// beyond [`DAILY_BACKUPS_KEPT`]. Returns the copy made, if one was.
pub fn daily_backup(
    path: &Path,
    today: chrono::NaiveDate,
    passphrase: &Passphrase,
) -> Result<Option<PathBuf>> {
    Store::open_read_only(path, passphrase)?.daily_backup(today)
}

impl Store {
    /// [`daily_backup`] of this open registry.
    pub fn daily_backup(&self, today: chrono::NaiveDate) -> Result<Option<PathBuf>> {
        let Some(path) = self.path.as_deref() else {
            return Ok(None);
        };
        self.daily_backup_of(path, today)
    }

    fn daily_backup_of(&self, path: &Path, today: chrono::NaiveDate) -> Result<Option<PathBuf>> {
        let folder = backups_folder(path);
        private_folder(&folder).map_err(|source| StoreError::Folder {
            path: folder.display().to_string(),
            source,
        })?;
        let prefix = format!("{}.daily-", stem_of(path));
        let target = folder.join(format!("{prefix}{today}.db"));
        let made = if target.exists() {
            None
        } else {
            self.copy_to(&target)?;
            Some(target)
        };
        prune(&folder, &prefix);
        Ok(made)
    }
}

/// Copies a demo registry into its backups folder before the window resets it, keeping the
/// last [`DAILY_BACKUPS_KEPT`] such copies.
pub fn copy_before_reset(store: &Store, path: &Path) -> Result<PathBuf> {
    let target = in_backups(path, "before-reset")?;
    store.copy_to(&target)?;
    prune(
        &backups_folder(path),
        &format!("{}.before-reset-", stem_of(path)),
    );
    Ok(target)
}

/// Keeps the newest [`DAILY_BACKUPS_KEPT`] files of `folder` whose names start with `prefix`
/// (their names sort by date).
fn prune(folder: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    let mut copies: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
        })
        .collect();
    copies.sort();
    let excess = copies.len().saturating_sub(DAILY_BACKUPS_KEPT);
    for old in &copies[..excess] {
        let _ = std::fs::remove_file(old);
    }
}

/// Removes a registry file with its WAL companions, so that a demo can be reset to a clean
/// start. The store using it must be dropped first.
pub fn delete_registry_file(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    remove_companions(path)
}

/// Tables whose records carry a unique code.
#[derive(Debug, Clone, Copy)]
pub(crate) enum CodedTable {
    Children,
    Families,
    SiblingGroups,
}

impl CodedTable {
    fn name(self) -> &'static str {
        match self {
            CodedTable::Children => "children",
            CodedTable::Families => "families",
            CodedTable::SiblingGroups => "sibling_groups",
        }
    }
}

/// The id of the record of `table` with `code`: the exact code first; else the one code that
/// matches without regard to letter case ("c-0151" finds C-0151).
pub(crate) fn id_by_code(conn: &Connection, table: CodedTable, code: &str) -> Result<Option<i64>> {
    let table = table.name();
    Ok(conn
        .query_row(
            &format!(
                "SELECT id FROM {table} WHERE code = ?1
                 UNION ALL
                 SELECT id FROM {table} WHERE code = ?1 COLLATE NOCASE
                   AND (SELECT count(*) FROM {table} WHERE code = ?1 COLLATE NOCASE) = 1
                 LIMIT 1"
            ),
            [code],
            |r| r.get(0),
        )
        .optional()?)
}

/// Adds "code already used" on `field` when another record of `table` than `id` has `code`.
pub(crate) fn check_code_free(
    conn: &Connection,
    table: CodedTable,
    code: &str,
    id: Option<i64>,
    field: &'static str,
    errors: &mut ValidationErrors,
) -> Result<()> {
    let other: Option<i64> = conn
        .query_row(
            &format!(
                "SELECT id FROM {} WHERE code = ?1 AND id IS NOT ?2",
                table.name()
            ),
            params![code, id],
            |r| r.get(0),
        )
        .optional()?;
    if other.is_some() {
        errors.push_with(
            field,
            "error.duplicate_code",
            vec![("code", code.to_owned())],
        );
    }
    Ok(())
}

/// Encrypts a registry made before encryption, in place: the plain file is exported into an
/// encrypted one beside it, which is checked whole and against the plain file's counts, kept
/// as a copy in the backups folder, and then takes the registry's place; the plain file and
/// its WAL are deleted. Nothing changes when any step fails, and only while no other window or
/// command has the registry open.
pub fn encrypt_plain_registry(path: &Path, passphrase: &Passphrase) -> Result<()> {
    let _hold = hold_exclusive(path)?;
    // Another process may have encrypted it while this one waited for the lock.
    if encryption::file_kind(path).ok() != Some(FileKind::Plain) {
        return Ok(());
    }
    let plain = Connection::open(path)?;
    quick_check(&plain, path)?;
    let version: u32 = plain.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let tables: i64 = plain.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
    let known = schema::MIGRATIONS.len() as u32;
    if version > known {
        return Err(StoreError::TooNew {
            path: path.display().to_string(),
            found: version,
            known,
        });
    }
    if version == 0 && tables > 0 {
        return Err(StoreError::NotReadable {
            path: path.display().to_string(),
            reason: "is an SQLite file but not a Yuva registry",
        });
    }
    // Every committed change into the main file first.
    plain.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    let incoming = backup_path_beside(path, "encrypting");
    export_into(path, None, &incoming, passphrase)?;
    let counts = |conn: &Connection| -> rusqlite::Result<Vec<i64>> {
        let mut names: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        names.sort();
        names
            .iter()
            .map(|name| {
                conn.query_row(&format!("SELECT count(*) FROM \"{name}\""), [], |r| {
                    r.get(0)
                })
            })
            .collect()
    };
    let checked = (|| {
        check_backup_any_version(&incoming, passphrase)?;
        let copy = Connection::open(&incoming)?;
        encryption::apply_key(&copy, passphrase)?;
        if counts(&copy)? != counts(&plain)? {
            return Err(StoreError::Damaged {
                path: incoming.display().to_string(),
                detail: String::from("the encrypted copy does not hold every row"),
            });
        }
        Ok(())
    })();
    if let Err(e) = checked {
        let _ = std::fs::remove_file(&incoming);
        return Err(e);
    }
    drop(plain);
    let io = |source: std::io::Error| StoreError::Folder {
        path: path.display().to_string(),
        source,
    };
    let kept = in_backups(path, "before-encryption")?;
    std::fs::copy(&incoming, &kept).map_err(io)?;
    remove_companions(path).map_err(io)?;
    if let Err(e) = std::fs::rename(&incoming, path) {
        let _ = std::fs::remove_file(&incoming);
        return Err(io(e));
    }
    // The plain automatic copies beside it would give away what was just encrypted.
    remove_plain_copies(&backups_folder(path), &stem_of(path));
    Ok(())
}

/// Deletes the plain (unencrypted) automatic copies of a registry in its backups folder.
fn remove_plain_copies(folder: &Path, stem: &str) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let ours = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with(&format!("{stem}.")));
        if ours && encryption::file_kind(&path).ok() == Some(FileKind::Plain) {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// [`check_backup`] of a copy of any schema version (a registry being encrypted may be older
/// than this Yuva).
fn check_backup_any_version(path: &Path, passphrase: &Passphrase) -> Result<()> {
    let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    encryption::apply_key(&conn, passphrase)?;
    match integrity_verdict(&conn, "integrity_check")? {
        None => Ok(()),
        Some(detail) => Err(StoreError::Damaged {
            path: path.display().to_string(),
            detail,
        }),
    }
}
