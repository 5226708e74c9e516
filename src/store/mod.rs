//! The registry on SQLite: one local file, schema migrations, repositories, transactions.
//!
//! Every change that writes more than one row runs in one transaction, and every record is
//! validated (with the same rules the window shows) before anything is written.

pub mod audit_chain;
mod children;
mod codec;
mod families;
mod schema;
mod workflow;

use std::path::{Path, PathBuf};

use chrono::{Local, NaiveDate};
use rusqlite::{Connection, OptionalExtension, params};

use crate::domain::ValidationErrors;

pub use children::GroupChange;
pub use workflow::{AuditFilter, Proposal};

/// How the store can fail. Validation failures carry every broken rule, by field.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    Invalid(ValidationErrors),
    #[error("database error: {0}")]
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
    #[error("cannot prepare the data folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
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
    user_name: String,
}

impl Store {
    /// Opens (creating if needed) the registry at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::Folder {
                path: parent.display().to_string(),
                source,
            })?;
        }
        let conn = Connection::open(path)?;
        // WAL keeps readers and the writer apart and survives a crash mid-write.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        Self::init(conn, Some(path.to_path_buf()))
    }

    /// A registry that lives in memory only (tests, benchmarks).
    pub fn open_in_memory() -> Result<Store> {
        Self::init(Connection::open_in_memory()?, None)
    }

    fn init(mut conn: Connection, path: Option<PathBuf>) -> Result<Store> {
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate(&mut conn, path.as_deref())?;
        Ok(Store {
            conn,
            path,
            user_name: String::from("officer"),
        })
    }

    /// Checks the audit log's hash chain from the first entry.
    pub fn verify_audit(&self) -> Result<audit_chain::ChainReport> {
        Ok(audit_chain::verify(&self.conn)?)
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The user recorded in the audit log for changes made through this store.
    pub fn set_user(&mut self, name: &str) {
        let name = name.trim();
        if !name.is_empty() {
            self.user_name = name.to_owned();
        }
    }

    pub fn user(&self) -> &str {
        &self.user_name
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

    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO settings(key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
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

    /// Runs `work` in one transaction: everything it writes is committed together, or
    /// nothing is (an error rolls all of it back).
    pub fn write<T>(&mut self, work: impl FnOnce(&mut Writer<'_>) -> Result<T>) -> Result<T> {
        let tx = self.conn.transaction()?;
        let value = {
            let mut writer = Writer {
                tx: &tx,
                user: &self.user_name,
                audit: true,
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
    user: &'a str,
    /// Whether each record written gets its own audit entry (bulk loads write one summary).
    audit: bool,
}

impl Writer<'_> {
    /// Stops per-record audit entries for the rest of this transaction; the caller records a
    /// summary with [`Writer::audit_note`].
    pub fn without_record_audit(&mut self) {
        self.audit = false;
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
            id: audit_chain::next_id(conn)?,
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

fn migrate(conn: &mut Connection, path: Option<&Path>) -> Result<()> {
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

/// Removes a registry file with its WAL companions, so that a demo can be reset to a clean
/// start. The store using it must be dropped first.
pub fn delete_registry_file(path: &Path) -> std::io::Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        match std::fs::remove_file(PathBuf::from(name)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
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
