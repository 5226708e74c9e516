//! A registry's passphrase on this computer: kept in the operating system's credential store
//! (Windows Credential Manager, the macOS Keychain, the Linux kernel keyring) through the
//! `keyring` crate, under the registry file's full path — so that people type it once per
//! laptop and then only their own password. `YUVA_PASSPHRASE` in the environment comes first
//! (scripts, tests).

use std::path::Path;

use crate::store::Passphrase;

const SERVICE: &str = "Yuva registry";

fn entry(database: &Path) -> Option<keyring::Entry> {
    let full = std::fs::canonicalize(database).unwrap_or_else(|_| database.to_path_buf());
    keyring::Entry::new(SERVICE, &full.display().to_string()).ok()
}

/// The passphrase from `YUVA_PASSPHRASE`, else the one this computer keeps for `database`.
pub fn known(database: &Path) -> Option<Passphrase> {
    if let Ok(text) = std::env::var("YUVA_PASSPHRASE") {
        return Some(Passphrase::given(&text));
    }
    remembered(database)
}

/// The passphrase this computer keeps for `database`, if any.
pub fn remembered(database: &Path) -> Option<Passphrase> {
    entry(database)?
        .get_password()
        .ok()
        .map(|text| Passphrase::given(&text))
}

/// Keeps `passphrase` for `database` on this computer; says why not when the operating
/// system has no credential store to keep it in.
pub fn remember(database: &Path, passphrase: &Passphrase) -> Result<(), String> {
    entry(database)
        .ok_or_else(|| String::from("no credential store on this computer"))?
        .set_password(passphrase.expose())
        .map_err(|e| e.to_string())
}

/// Forgets the passphrase kept for `database` (a wrong one, or on request).
pub fn forget(database: &Path) {
    if let Some(entry) = entry(database) {
        let _ = entry.delete_credential();
    }
}
