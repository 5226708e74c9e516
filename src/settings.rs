//! Per-user preferences (the interface language) and the default places of the data:
//! remembered across starts, whichever registry file is open. (Who is writing is the signed-in
//! account, never a preference.)

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserSettings {
    pub language: Lang,
}

impl Default for UserSettings {
    fn default() -> Self {
        UserSettings { language: Lang::Az }
    }
}

impl UserSettings {
    /// Reads the settings file; a missing or unreadable file gives the defaults (a damaged
    /// preferences file must never keep the registry from opening).
    pub fn load(path: &Path) -> UserSettings {
        std::fs::read_to_string(path)
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    }

    /// Writes the settings file through a temporary file, so that a crash never leaves half of it.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        crate::files::write_atomically(path, text.as_bytes())
    }
}

/// Where Yuva keeps its files for this user (e.g. `~/.local/share/yuva` on Linux,
/// `%APPDATA%\Yuva\data` on Windows).
pub struct DataPaths {
    pub database: PathBuf,
    pub settings: PathBuf,
}

impl DataPaths {
    pub fn for_user() -> Option<DataPaths> {
        let dirs = directories::ProjectDirs::from("az", "Yuva", "Yuva")?;
        Some(DataPaths {
            database: dirs.data_dir().join("yuva.db"),
            settings: dirs.config_dir().join("settings.json"),
        })
    }
}
