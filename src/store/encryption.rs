//! Encryption at rest. Every registry file is an SQLCipher 4 database keyed with `PRAGMA key`
//! from the registry's passphrase, with SQLCipher 4's defaults (PBKDF2-HMAC-SHA512 with
//! 256,000 iterations, AES-256 pages authenticated by HMAC-SHA512), so that an administrator
//! who holds the passphrase can always open a registry or a backup with the standard
//! `sqlcipher` shell:
//!
//! ```text
//! sqlcipher registry.db
//! sqlite> PRAGMA key = 'the passphrase';
//! sqlite> SELECT count(*) FROM children;
//! ```
//!
//! Copies (backups, daily copies, the copy before an upgrade) are made with `sqlcipher_export`
//! into a new file keyed with the same passphrase: no copy is ever written in plain text.

use std::fmt;
use std::path::Path;

use rusqlite::Connection;

use crate::domain::ValidationErrors;

/// The fewest characters of a registry passphrase.
pub const MIN_PASSPHRASE_CHARS: usize = 12;

/// A registry's passphrase. Never printed (its `Debug` says only that it is one).
#[derive(Clone, PartialEq, Eq)]
pub struct Passphrase(String);

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase(…)")
    }
}

impl Passphrase {
    /// A passphrase as typed for a new registry: at least [`MIN_PASSPHRASE_CHARS`] characters
    /// (error on the field `passphrase`).
    pub fn new(text: &str) -> Result<Passphrase, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if text.chars().count() < MIN_PASSPHRASE_CHARS {
            errors.push_with(
                "passphrase",
                "error.passphrase_short",
                vec![("min", MIN_PASSPHRASE_CHARS.to_string())],
            );
        }
        errors.into_result()?;
        Ok(Passphrase(text.to_owned()))
    }

    /// A passphrase as given to open an existing registry (it is checked by opening).
    pub fn given(text: &str) -> Passphrase {
        Passphrase(text.to_owned())
    }

    /// The passphrase's text, for the operating system's credential store.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// What is at a registry's path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// No file, or an empty one: a new registry.
    New,
    /// A plain SQLite file (a registry from before encryption, or not a registry at all).
    Plain,
    /// Anything else: an SQLCipher database (or a file that is neither).
    Encrypted,
}

/// Tells a plain SQLite file from an encrypted one by its first 16 bytes (an SQLCipher file
/// starts with its random salt, a plain one with "SQLite format 3").
pub fn file_kind(path: &Path) -> std::io::Result<FileKind> {
    use std::io::Read;
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileKind::New),
        Err(e) => return Err(e),
    };
    let mut head = [0u8; 16];
    let mut read = 0;
    while read < head.len() {
        match file.read(&mut head[read..])? {
            0 => break,
            n => read += n,
        }
    }
    Ok(match read {
        0 => FileKind::New,
        16 if &head == b"SQLite format 3\0" => FileKind::Plain,
        _ => FileKind::Encrypted,
    })
}

/// Keys a freshly opened connection (before anything else is read). SQLCipher's own log
/// (a wrong key, a damaged page) is silenced: Yuva says what went wrong in one line.
pub(super) fn apply_key(conn: &Connection, passphrase: &Passphrase) -> rusqlite::Result<()> {
    conn.execute_batch("PRAGMA cipher_log_level = NONE")?;
    conn.pragma_update(None, "key", &passphrase.0)
}

/// Whether the connection's key opens its file: a wrong key reads the first page as noise,
/// and SQLite says "file is not a database".
pub(super) fn key_opens(conn: &Connection) -> bool {
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))
        .is_ok()
}

/// Writes the registry file `source` (keyed with `source_key`, or plain when `None`) into the
/// new file `target`, encrypted with `passphrase`, schema version included
/// (`sqlcipher_export` copies schema and rows, not `user_version`). The copy is made by a
/// connection of its own on the target, which attaches the source read-only: it works from a
/// registry opened read-only (or on read-only media) too, and copies what is committed.
pub(super) fn export_file(
    source: &Path,
    source_key: Option<&Passphrase>,
    target: &Path,
    passphrase: &Passphrase,
) -> rusqlite::Result<()> {
    use rusqlite::OpenFlags;
    let conn = Connection::open_with_flags(
        target,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    apply_key(&conn, passphrase)?;
    let source_key = source_key.map(|k| k.0.as_str()).unwrap_or("");
    let attach = |mode: &str| {
        conn.execute(
            "ATTACH DATABASE ?1 AS yuva_source KEY ?2",
            rusqlite::params![
                format!("file:{}?{mode}", super::uri_path(source)),
                source_key
            ],
        )
        .and_then(|_| {
            conn.query_row("SELECT count(*) FROM yuva_source.sqlite_master", [], |_| {
                Ok(())
            })
        })
    };
    // A WAL registry on read-only media has no shared-memory file to make: read as it is.
    if attach("mode=ro").is_err() {
        let _ = conn.execute_batch("DETACH DATABASE yuva_source");
        attach("immutable=1")?;
    }
    let exported = (|| {
        let version: i64 = conn.query_row("PRAGMA yuva_source.user_version", [], |r| r.get(0))?;
        conn.query_row("SELECT sqlcipher_export('main', 'yuva_source')", [], |_| {
            Ok(())
        })?;
        conn.execute_batch(&format!("PRAGMA main.user_version = {version}"))
    })();
    let detached = conn.execute_batch("DETACH DATABASE yuva_source");
    exported.and(detached)
}
