//! The audit log as a hash chain: each entry carries the SHA-256 of the previous entry's hash
//! and its own content (its id included), so that an entry edited, removed from the middle,
//! inserted or moved no longer fits the chain. The append-only triggers stop mistakes; the chain
//! makes a deliberate rewrite visible — up to the last entry, which an outside copy of the head
//! (a printed pack, the national hub) pins down.

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

/// The "previous hash" of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What an entry is, as hashed.
#[derive(Clone, Copy)]
pub struct Content<'a> {
    pub id: i64,
    pub at: &'a str,
    pub user_name: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<i64>,
    pub summary: &'a str,
    pub details: Option<&'a str>,
}

/// The entry's hash: SHA-256 over the previous hash and the entry's fields (as a JSON array,
/// which fixes their order and escaping), in lower-case hex.
pub fn entry_hash(previous: &str, content: &Content<'_>) -> String {
    let fields = serde_json::json!([
        content.id,
        content.at,
        content.user_name,
        content.action,
        content.entity,
        content.entity_id,
        content.summary,
        content.details,
    ]);
    let mut hasher = Sha256::new();
    hasher.update(previous.as_bytes());
    hasher.update(b"\n");
    hasher.update(fields.to_string().as_bytes());
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The id and hash of the last entry (`None` for an empty log).
pub fn head(conn: &Connection) -> rusqlite::Result<Option<(i64, Option<String>)>> {
    conn.query_row(
        "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
}

/// Appends an entry after the last one — its id the next, its hash chained to the last's —
/// inside the caller's transaction, which keeps the read of the head and the insert together.
/// The `id` of `content` is not read: the log gives it.
pub fn append(conn: &Connection, content: &Content<'_>) -> rusqlite::Result<()> {
    let (id, previous) = match head(conn)? {
        Some((last, hash)) => (last + 1, hash.unwrap_or_else(|| GENESIS.to_owned())),
        None => (1, GENESIS.to_owned()),
    };
    let content = &Content { id, ..*content };
    let hash = entry_hash(&previous, content);
    conn.execute(
        "INSERT INTO audit_log(id, at, user_name, action, entity, entity_id, summary, details, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            content.id,
            content.at,
            content.user_name,
            content.action,
            content.entity,
            content.entity_id,
            content.summary,
            content.details,
            hash
        ],
    )?;
    Ok(())
}

/// Gives every entry written before the log was chained its hash, in order (the migration that
/// adds the column, in its transaction). Updating `hash` from NULL is the one update the log
/// allows, and only while the migration runs: the trigger is recreated after.
pub fn seal_existing(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch("DROP TRIGGER IF EXISTS audit_log_no_update;")?;
    let rows = read_all(conn)?;
    let mut previous = GENESIS.to_owned();
    for row in &rows {
        let hash = entry_hash(&previous, &row.content());
        conn.execute(
            "UPDATE audit_log SET hash = ?1 WHERE id = ?2",
            params![hash, row.id],
        )?;
        previous = hash;
    }
    conn.execute_batch(
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
         BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
    )
}

/// Why an entry does not fit the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakKind {
    /// Its content is not what was hashed: it was edited (or its hash was).
    Altered,
    /// It does not follow the entry before it: one was removed, inserted or moved.
    OutOfSequence,
    /// It has no hash at all.
    Unsealed,
}

/// The first entry that does not fit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    pub entry_id: i64,
    pub at: String,
    pub kind: BreakKind,
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self.kind {
            BreakKind::Altered => "its content does not match its hash (edited)",
            BreakKind::OutOfSequence => {
                "it does not follow the entry before it (an entry was removed, inserted or moved)"
            }
            BreakKind::Unsealed => "it has no hash (written outside Yuva)",
        };
        write!(f, "audit entry {} ({}): {what}", self.entry_id, self.at)
    }
}

/// How far an entry is looked for when it does not fit where it is (entries moved further read
/// as altered: the first entry that does not fit is named either way).
const MOVED_WITHIN: i64 = 3;

/// What verifying the chain found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    pub entries: usize,
    /// The last entry's hash: the value to compare with a copy kept elsewhere.
    pub head: String,
    pub broken: Option<ChainBreak>,
}

struct Row {
    id: i64,
    at: String,
    user_name: String,
    action: String,
    entity: String,
    entity_id: Option<i64>,
    summary: String,
    details: Option<String>,
    hash: Option<String>,
}

impl Row {
    fn content(&self) -> Content<'_> {
        Content {
            id: self.id,
            at: &self.at,
            user_name: &self.user_name,
            action: &self.action,
            entity: &self.entity,
            entity_id: self.entity_id,
            summary: &self.summary,
            details: self.details.as_deref(),
        }
    }
}

fn read_all(conn: &Connection) -> rusqlite::Result<Vec<Row>> {
    let mut stmt = conn.prepare(
        "SELECT id, at, user_name, action, entity, entity_id, summary, details, hash
         FROM audit_log ORDER BY id",
    )?;
    stmt.query_map([], |r| {
        Ok(Row {
            id: r.get(0)?,
            at: r.get(1)?,
            user_name: r.get(2)?,
            action: r.get(3)?,
            entity: r.get(4)?,
            entity_id: r.get(5)?,
            summary: r.get(6)?,
            details: r.get(7)?,
            hash: r.get(8)?,
        })
    })?
    .collect()
}

/// Walks the chain from the first entry and stops at the first that does not fit.
pub fn verify(conn: &Connection) -> rusqlite::Result<ChainReport> {
    let rows = read_all(conn)?;
    let mut previous = GENESIS.to_owned();
    let mut previous_id = 0;
    for row in &rows {
        let broken = |kind| ChainBreak {
            entry_id: row.id,
            at: row.at.clone(),
            kind,
        };
        let Some(stored) = &row.hash else {
            return Ok(report(&rows, &previous, Some(broken(BreakKind::Unsealed))));
        };
        if *stored != entry_hash(&previous, &row.content()) {
            // Ids are given one after the other: a gap is an entry removed. An entry whose
            // hash fits it at a nearby place (another id, after another entry near it) was
            // moved there.
            let near = |id: i64| (id - row.id).abs() <= MOVED_WITHIN;
            let predecessors: Vec<&str> = rows
                .iter()
                .filter(|other| near(other.id))
                .filter_map(|other| other.hash.as_deref())
                .chain(std::iter::once(GENESIS))
                .collect();
            let moved = (row.id - MOVED_WITHIN..=row.id + MOVED_WITHIN).any(|id| {
                let content = Content {
                    id,
                    ..row.content()
                };
                predecessors
                    .iter()
                    .any(|p| *stored == entry_hash(p, &content))
            });
            let kind = if row.id != previous_id + 1 || moved {
                BreakKind::OutOfSequence
            } else {
                BreakKind::Altered
            };
            return Ok(report(&rows, &previous, Some(broken(kind))));
        }
        previous = stored.clone();
        previous_id = row.id;
    }
    Ok(report(&rows, &previous, None))
}

fn report(rows: &[Row], head: &str, broken: Option<ChainBreak>) -> ChainReport {
    ChainReport {
        entries: rows.len(),
        head: head.to_owned(),
        broken,
    }
}
