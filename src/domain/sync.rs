//! The records that travel between a registry and the national hub, as plain data (the
//! protocol around them is `crate::sync::protocol`; the store reads and writes them).

use serde::{Deserialize, Serialize};

/// Records that travel: sibling groups before the children that belong to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    SiblingGroup,
    Family,
    Child,
    /// The places a device's placements in force take in a family (each device says its own;
    /// a registry adds up the others' to its own placements, so that a family placed with
    /// elsewhere is not offered as free).
    Occupancy,
}

impl Entity {
    pub const ALL: [Entity; 4] = [
        Entity::SiblingGroup,
        Entity::Family,
        Entity::Child,
        Entity::Occupancy,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Entity::SiblingGroup => "sibling_group",
            Entity::Family => "family",
            Entity::Child => "child",
            Entity::Occupancy => "occupancy",
        }
    }

    /// A family or a child (what a person counts as a record), not a sibling group or a count.
    pub fn is_record(self) -> bool {
        matches!(self, Entity::Family | Entity::Child)
    }

    pub fn from_code(code: &str) -> Option<Entity> {
        Entity::ALL.into_iter().find(|e| e.code() == code)
    }
}

/// A record as a registry sends it: its global id, owning office, the hub's version it was
/// edited from (0: new), and the record itself (local ids replaced by global ones).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutgoingRecord {
    pub entity: Entity,
    pub gid: String,
    pub office: String,
    pub base_version: i64,
    pub payload: serde_json::Value,
}

/// What the hub did with one record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum PushResult {
    /// Taken in as this version.
    Accepted { gid: String, version: i64 },
    /// The hub has a newer version than the one the record was edited from: both are kept;
    /// the hub's is here, for a person to compare.
    Conflict {
        gid: String,
        version: i64,
        payload: serde_json::Value,
    },
    /// Not this office's to change.
    Refused { gid: String, reason: String },
}

impl PushResult {
    /// The record the hub answered for.
    pub fn gid(&self) -> &str {
        match self {
            PushResult::Accepted { gid, .. }
            | PushResult::Conflict { gid, .. }
            | PushResult::Refused { gid, .. } => gid,
        }
    }
}

/// A record as the hub sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncomingRecord {
    pub entity: Entity,
    pub gid: String,
    pub office: String,
    pub version: i64,
    pub payload: serde_json::Value,
    /// Private details were left out (another office's family, seen for matching only).
    pub withheld: bool,
}

/// Where a device's audit log stood: the entry the hub last confirmed (its hash as the log
/// has it now) and the newest entry. A log rewritten after a sync no longer has the confirmed
/// hash, and the hub says so.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditPosition {
    pub confirmed_id: i64,
    pub confirmed_hash: String,
    pub head_id: i64,
    pub head_hash: String,
    /// Heads reported in bundles the hub has not answered yet (id and hash as the log has
    /// them now): the hub may have taken one in and confirmed its head already.
    #[serde(default)]
    pub reported: Vec<(i64, String)>,
}

impl AuditPosition {
    /// Whether the log, as this position shows it, still has the entry the hub confirmed.
    pub fn holds(&self, confirmed_id: i64, confirmed_hash: &str) -> bool {
        (self.confirmed_id == confirmed_id && self.confirmed_hash == confirmed_hash)
            || self
                .reported
                .iter()
                .any(|(id, hash)| *id == confirmed_id && hash == confirmed_hash)
    }
}
