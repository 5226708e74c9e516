//! The registry's side of syncing with the national hub: which office it belongs to and its
//! device's key, the records changed since they were last pushed (counted by triggers on every
//! writing path), what the hub answered, the hub's records applied, and conflicts kept for a
//! person to decide.
//!
//! A record travels whole, as the domain's record with local ids replaced by global ones: a
//! child carries its sibling group (global id, code, may-split and its reason). Placements,
//! panels and accounts stay local.

use chrono::Local;
use rusqlite::{OptionalExtension, params};
use serde_json::{Value, json};

use super::children::{GroupChange, load_child};
use super::families::load_family;
use super::{Result, Store, StoreError, Writer, audit};
use crate::domain::access::Action;
use crate::domain::sync::{Entity, IncomingRecord, OutgoingRecord, PushResult};
use crate::domain::{AuditText, Child, Context, Family, SiblingGroup};

/// Settings the sync keeps in the (encrypted) registry.
pub const OFFICE: &str = "office";
pub const HUB_URL: &str = "hub_url";
pub const HUB_CERTIFICATE: &str = "hub_certificate_sha256";
pub const DEVICE_ID: &str = "device_id";
pub const DEVICE_KEY: &str = "device_key";
pub const PULL_CURSOR: &str = "sync_cursor";
pub const LAST_SYNC: &str = "last_sync";
pub const AUDIT_CONFIRMED: &str = "audit_confirmed_id";
/// "1" when the registry is the national office's (it may change any office's records).
pub const NATIONAL: &str = "office_national";
/// The hub's public keys for bundles (JSON): to check its bundles and seal ours to it.
pub const HUB_KEYS: &str = "hub_bundle_keys";
/// The number of the last bundle made here, and of the last bundle from the hub taken in.
pub const BUNDLE_OUT_SEQUENCE: &str = "bundle_out_sequence";
pub const BUNDLE_IN_SEQUENCE: &str = "bundle_in_sequence";
/// The bundles made here that the hub has not answered yet (JSON: id and, per record, the
/// count of local changes it carried).
pub const BUNDLES_OUT: &str = "bundles_out";
/// How many unanswered bundles are remembered (a newer bundle carries all an older one did).
const BUNDLES_REMEMBERED: usize = 20;

/// The entity codes of `sync_records`.
pub const FAMILY: &str = "family";
pub const CHILD: &str = "child";

/// A record to push, with the count of local changes it holds (so that changes made while it
/// travels are pushed next time).
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    pub record: OutgoingRecord,
    pub changes: i64,
}

/// Records owned by other offices, by local id, with the owning office.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OwnedElsewhere {
    pub families: std::collections::HashMap<i64, String>,
    pub children: std::collections::HashMap<i64, String>,
}

/// A conflict kept for a person: the record as it is here and as the hub has it.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub id: i64,
    pub entity: Entity,
    pub gid: String,
    pub mine: Value,
    pub theirs: Value,
    pub their_version: i64,
    pub detected_at: String,
}

/// How a person resolves a conflict.
#[derive(Debug, Clone, PartialEq)]
pub enum Keep {
    Mine,
    Theirs,
    /// A record combined field by field (in the payload's shape).
    Combined(Value),
}

/// What applying the hub's records did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Applied {
    pub added: usize,
    pub updated: usize,
    pub conflicts: usize,
}

/// What enrolment leaves in the registry.
#[derive(Debug, Clone)]
pub struct Enrolment {
    pub office: String,
    pub national: bool,
    pub hub_url: String,
    pub certificate_sha256: String,
    pub device: String,
    pub device_key_hex: String,
    /// The hub's public keys for bundles (JSON), if it gave them.
    pub hub_keys: String,
}

/// A bundle made here and not yet answered: its id and what each record carried.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BundleOut {
    pub id: String,
    pub sequence: i64,
    /// Global id and the count of local changes the bundle carried.
    pub sent: Vec<(String, i64)>,
    /// The audit entry the bundle reported as the log's head.
    #[serde(default)]
    pub audit_head: i64,
    /// How many families and children it carried.
    #[serde(default)]
    pub records: usize,
}

fn now() -> String {
    Local::now().format("%Y-%m-%d %H:%M:%S").to_string()
}

/// The global id of a device's count of places taken in a family (the same every time).
fn occupancy_gid(family_gid: &str, device: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new()
        .chain_update(b"occupancy\0")
        .chain_update(family_gid.as_bytes())
        .chain_update(b"\0")
        .chain_update(device.as_bytes())
        .finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// Remembers what the hub was told of a family's places taken here.
fn occupancy_told(
    tx: &rusqlite::Transaction<'_>,
    sent: &Pending,
    version: Option<i64>,
) -> Result<()> {
    let family_gid = sent.record.payload["family"].as_str().unwrap_or_default();
    tx.execute(
        "INSERT INTO sync_occupancy_out(family_id, gid, version, pushed)
         SELECT local_id, ?2, COALESCE(?3, 0), ?4 FROM sync_records
         WHERE entity = 'family' AND gid = ?1
         ON CONFLICT(family_id) DO UPDATE SET
            version = COALESCE(?3, version), pushed = excluded.pushed",
        params![family_gid, sent.record.gid, version, sent.changes],
    )?;
    Ok(())
}

fn sync_error(message: impl Into<String>) -> StoreError {
    StoreError::Sync(message.into())
}

/// The payload of a family: the record without its local id.
fn family_payload(family: &Family) -> Result<Value> {
    let mut family = family.clone();
    family.id = None;
    serde_json::to_value(&family).map_err(|e| sync_error(e.to_string()))
}

/// The payload of a child: the record without local ids, its sibling group by global id.
fn child_payload(child: &Child, group: Option<(&SiblingGroup, &str)>) -> Result<Value> {
    let mut child = child.clone();
    child.id = None;
    child.sibling_group_id = None;
    let record = serde_json::to_value(&child).map_err(|e| sync_error(e.to_string()))?;
    Ok(json!({
        "record": record,
        "sibling_group": group.map(|(g, gid)| json!({
            "gid": gid,
            "code": g.code,
            "may_split": g.may_split,
            "split_reason": g.split_reason,
        })),
    }))
}

impl Store {
    /// The office this registry belongs to (`None` before enrolment).
    pub fn office(&self) -> Result<Option<String>> {
        self.setting(OFFICE)
    }

    /// The families and children held here that another office owns (seen for matching: only
    /// their office or the national office changes them), by local id, with the owning office.
    /// Empty in the national office's registry and in one that is not enrolled.
    pub fn owned_elsewhere(&self) -> Result<OwnedElsewhere> {
        let mut owned = OwnedElsewhere::default();
        let Some(office) = self.office()? else {
            return Ok(owned);
        };
        if self.setting(NATIONAL)?.as_deref() == Some("1") {
            return Ok(owned);
        }
        let mut statement = self.conn.prepare(
            "SELECT entity, local_id, office FROM sync_records
             WHERE entity IN ('family', 'child') AND office <> '' AND office <> ?1",
        )?;
        let rows = statement.query_map([&office], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (entity, id, owner) = row?;
            if entity == FAMILY {
                owned.families.insert(id, owner);
            } else {
                owned.children.insert(id, owner);
            }
        }
        Ok(owned)
    }

    /// When the registry last synced with the hub, as the hub's clock said ("" never).
    pub fn last_sync(&self) -> Result<Option<String>> {
        self.setting(LAST_SYNC)
    }

    /// Records this office owns that changed since they were last pushed (at most `limit`),
    /// each whole, in the order the hub needs them.
    pub fn sync_pending(&self, limit: usize) -> Result<Vec<Pending>> {
        let office = self.office()?.unwrap_or_default();
        let national = self.setting(NATIONAL)?.as_deref() == Some("1");
        let mut statement = self.conn.prepare(
            "SELECT entity, local_id, gid, version, changes, office FROM sync_records
             WHERE changes > pushed AND entity != 'sibling_group' AND withheld = 0
               AND (office = ?1 OR office = '' OR ?3)
             ORDER BY CASE entity WHEN 'family' THEN 0 ELSE 1 END, local_id
             LIMIT ?2",
        )?;
        let rows: Vec<(String, i64, String, i64, i64, String)> = statement
            .query_map(params![office, limit as i64, national], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut pending = Vec::with_capacity(rows.len());
        for (entity, local_id, gid, version, changes, owner) in rows {
            let owner = if owner.is_empty() {
                office.clone()
            } else {
                owner
            };
            let (entity, payload) = match Entity::from_code(&entity) {
                Some(Entity::Family) => match load_family(&self.conn, local_id) {
                    Ok(family) => (Entity::Family, family_payload(&family)?),
                    // Gone since (a demo reset): nothing to send.
                    Err(StoreError::NotFound { .. }) => continue,
                    Err(e) => return Err(e),
                },
                Some(Entity::Child) => {
                    let child = match load_child(&self.conn, local_id) {
                        Ok(child) => child,
                        Err(StoreError::NotFound { .. }) => continue,
                        Err(e) => return Err(e),
                    };
                    let group = match child.sibling_group_id {
                        Some(group_id) => Some((
                            self.sibling_group(group_id)?,
                            self.gid_of(Entity::SiblingGroup, group_id)?,
                        )),
                        None => None,
                    };
                    (
                        Entity::Child,
                        child_payload(&child, group.as_ref().map(|(g, gid)| (g, gid.as_str())))?,
                    )
                }
                _ => continue,
            };
            pending.push(Pending {
                record: OutgoingRecord {
                    entity,
                    gid,
                    office: owner,
                    base_version: version,
                    payload,
                },
                changes,
            });
        }
        if pending.len() < limit {
            let room = limit - pending.len();
            pending.extend(self.occupancy_pending(&office, room)?);
        }
        Ok(pending)
    }

    /// This device's placements in force per family, where the count differs from what the
    /// hub was last told (`changes` carries the count sent).
    fn occupancy_pending(&self, office: &str, limit: usize) -> Result<Vec<Pending>> {
        let Some(device) = self.setting(DEVICE_ID)? else {
            return Ok(Vec::new());
        };
        let mut statement = self.conn.prepare(
            "SELECT r.gid, r.office, COALESCE(o.version, 0),
                    (SELECT count(*) FROM placements p
                     WHERE p.family_id = r.local_id AND p.end_date IS NULL) AS taken
             FROM sync_records r LEFT JOIN sync_occupancy_out o ON o.family_id = r.local_id
             WHERE r.entity = 'family' AND taken <> COALESCE(o.pushed, 0)
             ORDER BY r.local_id LIMIT ?1",
        )?;
        let rows: Vec<(String, String, i64, i64)> = statement
            .query_map([limit as i64], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows
            .into_iter()
            .map(|(family_gid, family_office, version, taken)| Pending {
                record: OutgoingRecord {
                    entity: Entity::Occupancy,
                    gid: occupancy_gid(&family_gid, &device),
                    office: office.to_owned(),
                    base_version: version,
                    payload: json!({
                        "family": family_gid,
                        "family_office": if family_office.is_empty() { office } else { &family_office },
                        "device": device,
                        "occupied": taken,
                    }),
                },
                changes: taken,
            })
            .collect())
    }

    /// One sibling group (a child's, for its payload: not the whole list per child).
    fn sibling_group(&self, id: i64) -> Result<SiblingGroup> {
        self.conn
            .query_row(
                "SELECT code, may_split, split_reason FROM sibling_groups WHERE id = ?1",
                [id],
                |r| {
                    Ok(SiblingGroup {
                        id: Some(id),
                        code: r.get(0)?,
                        may_split: r.get(1)?,
                        split_reason: r.get(2)?,
                    })
                },
            )
            .optional()?
            .ok_or(StoreError::NotFound {
                entity: "sibling_group",
                id,
            })
    }

    /// The global id of a local record (made now if it has none yet).
    fn gid_of(&self, entity: Entity, local_id: i64) -> Result<String> {
        if let Some(gid) = self
            .conn
            .query_row(
                "SELECT gid FROM sync_records WHERE entity = ?1 AND local_id = ?2",
                params![entity.code(), local_id],
                |r| r.get(0),
            )
            .optional()?
        {
            return Ok(gid);
        }
        let gid = crate::store::random_hex(16);
        self.conn.execute(
            "INSERT INTO sync_records(entity, local_id, gid, office)
             VALUES (?1, ?2, ?3, COALESCE((SELECT value FROM settings WHERE key = 'office'), ''))",
            params![entity.code(), local_id, gid],
        )?;
        Ok(gid)
    }

    /// Whether this registry may be enrolled by the signed-in person: administrators, and
    /// never a demo registry (its records are invented).
    pub fn may_enrol(&self) -> Result<()> {
        self.require(Action::ChangeSettings)?;
        if self.is_demo()? {
            return Err(StoreError::Refused(crate::domain::Refusal::new(
                "refusal.demo_not_synced",
                Vec::new(),
            )));
        }
        Ok(())
    }

    /// Enrols the registry with a hub: its office, the hub and its certificate, the device's
    /// id and key; records made before belong to the office from now on. Administrators only.
    pub fn enrol(&mut self, enrolment: &Enrolment) -> Result<()> {
        self.may_enrol()?;
        let by = self.require(Action::ChangeSettings)?.login().to_owned();
        let tx = self.conn.transaction()?;
        for (key, value) in [
            (OFFICE, enrolment.office.as_str()),
            (HUB_URL, enrolment.hub_url.as_str()),
            (HUB_CERTIFICATE, enrolment.certificate_sha256.as_str()),
            (DEVICE_ID, enrolment.device.as_str()),
            (DEVICE_KEY, enrolment.device_key_hex.as_str()),
            (NATIONAL, if enrolment.national { "1" } else { "0" }),
            (HUB_KEYS, enrolment.hub_keys.as_str()),
        ] {
            super::put_setting(&tx, key, value)?;
        }
        tx.execute(
            "UPDATE sync_records SET office = ?1 WHERE office = ''",
            [&enrolment.office],
        )?;
        audit(
            &tx,
            &by,
            "update",
            "settings",
            None,
            &AuditText::new(
                "enrolled",
                vec![
                    ("office", enrolment.office.clone()),
                    ("hub", enrolment.hub_url.clone()),
                ],
            ),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Records what the hub answered to a push: accepted records take the hub's version (and
    /// count as pushed up to what was sent); a conflict is kept with both versions.
    /// The hub's answer and the audit entry it now confirms are kept together: the next push
    /// (of this sync or the next) reports the confirmed entry the hub has.
    pub fn sync_pushed(
        &mut self,
        sent: &[Pending],
        results: &[PushResult],
        audit_confirmed_id: i64,
    ) -> Result<usize> {
        self.require(Action::EditRecords)?;
        let tx = self.conn.transaction()?;
        // Never back: a bundle's answer may come after a later sync confirmed more.
        let confirmed: i64 = tx
            .query_row(
                "SELECT value FROM settings WHERE key = ?1",
                [AUDIT_CONFIRMED],
                |r| r.get::<_, String>(0),
            )
            .optional()?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        super::put_setting(
            &tx,
            AUDIT_CONFIRMED,
            &confirmed.max(audit_confirmed_id).to_string(),
        )?;
        let mut conflicts = 0;
        for result in results {
            let occupancy = sent
                .iter()
                .find(|p| p.record.entity == Entity::Occupancy && p.record.gid == result.gid());
            if let Some(sent) = occupancy {
                match result {
                    PushResult::Accepted { version, .. } => {
                        occupancy_told(&tx, sent, Some(*version))?;
                    }
                    // Only this device writes its count: the hub's newer version is taken as
                    // the base, and the count sent again next time.
                    PushResult::Conflict { version, .. } => {
                        occupancy_told(
                            &tx,
                            &Pending {
                                changes: -1,
                                ..sent.clone()
                            },
                            Some(*version),
                        )?;
                    }
                    PushResult::Refused { .. } => occupancy_told(&tx, sent, None)?,
                }
                continue;
            }
            match result {
                PushResult::Accepted { gid, version } => {
                    let changes = sent
                        .iter()
                        .find(|p| &p.record.gid == gid)
                        .map_or(0, |p| p.changes);
                    tx.execute(
                        "UPDATE sync_records SET version = max(version, ?2),
                            pushed = max(pushed, ?3)
                         WHERE gid = ?1",
                        params![gid, version, changes],
                    )?;
                }
                PushResult::Conflict {
                    gid,
                    version,
                    payload,
                } => {
                    let Some(pending) = sent.iter().find(|p| &p.record.gid == gid) else {
                        continue;
                    };
                    conflicts += keep_conflict(
                        &tx,
                        pending.record.entity,
                        gid,
                        &pending.record.payload,
                        payload,
                        *version,
                    )?;
                    // Not pushed again until a person decides.
                    tx.execute(
                        "UPDATE sync_records SET pushed = max(pushed, ?2) WHERE gid = ?1",
                        params![gid, pending.changes],
                    )?;
                }
                PushResult::Refused { gid, .. } => {
                    let changes = sent
                        .iter()
                        .find(|p| &p.record.gid == gid)
                        .map_or(0, |p| p.changes);
                    tx.execute(
                        "UPDATE sync_records SET pushed = max(pushed, ?2) WHERE gid = ?1",
                        params![gid, changes],
                    )?;
                }
            }
        }
        tx.commit()?;
        Ok(conflicts)
    }

    /// Applies the hub's records in one transaction: new ones added, unchanged-here ones
    /// updated, ones changed here too kept as conflicts (this registry's version stays).
    pub fn sync_apply(&mut self, records: &[IncomingRecord], ctx: &Context<'_>) -> Result<Applied> {
        let mut sorted: Vec<&IncomingRecord> = records.iter().collect();
        sorted.sort_by_key(|r| r.entity);
        self.write(|w| {
            w.allow(Action::EditRecords)?;
            w.without_record_audit();
            w.trusted = true;
            w.tx.execute("UPDATE sync_control SET applying = 1", [])?;
            let mut applied = Applied::default();
            for record in sorted {
                w.apply_one(record, ctx, &mut applied)?;
            }
            w.tx.execute("UPDATE sync_control SET applying = 0", [])?;
            if applied != Applied::default() {
                w.audit_note(
                    "sync",
                    "registry",
                    &AuditText::new(
                        "synced_in",
                        vec![
                            ("added", applied.added.to_string()),
                            ("updated", applied.updated.to_string()),
                            ("conflicts", applied.conflicts.to_string()),
                        ],
                    ),
                )?;
            }
            Ok(applied)
        })
    }

    /// The conflicts waiting for a person.
    pub fn sync_conflicts(&self) -> Result<Vec<Conflict>> {
        let mut statement = self.conn.prepare(
            "SELECT id, entity, gid, mine, theirs, their_version, detected_at
             FROM sync_conflicts WHERE resolved_at IS NULL ORDER BY id",
        )?;
        let rows = statement.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, String>(6)?,
            ))
        })?;
        let mut conflicts = Vec::new();
        for row in rows {
            let (id, entity, gid, mine, theirs, their_version, detected_at) = row?;
            let parse =
                |text: &str| serde_json::from_str(text).map_err(|e| sync_error(e.to_string()));
            conflicts.push(Conflict {
                id,
                entity: Entity::from_code(&entity)
                    .ok_or_else(|| sync_error(format!("unknown entity {entity}")))?,
                gid,
                mine: parse(&mine)?,
                theirs: parse(&theirs)?,
                their_version,
                detected_at,
            });
        }
        Ok(conflicts)
    }

    /// Resolves a conflict: the record kept (mine, theirs, or combined) is written here as a
    /// change made on top of the hub's version, so that the resolution itself syncs.
    pub fn resolve_conflict(&mut self, id: i64, keep: &Keep, ctx: &Context<'_>) -> Result<()> {
        let conflict = self
            .sync_conflicts()?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or(StoreError::NotFound {
                entity: "sync_conflict",
                id,
            })?;
        let chosen = match keep {
            Keep::Mine => conflict.mine.clone(),
            Keep::Theirs => conflict.theirs.clone(),
            Keep::Combined(payload) => payload.clone(),
        };
        let how = match keep {
            Keep::Mine => "mine",
            Keep::Theirs => "theirs",
            Keep::Combined(_) => "combined",
        };
        self.write(|w| {
            w.allow(Action::EditRecords)?;
            let local = w.local_of(&conflict.gid)?;
            // Written as a local change (the triggers count it), on top of the hub's version.
            let record = IncomingRecord {
                entity: conflict.entity,
                gid: conflict.gid.clone(),
                office: String::new(),
                version: conflict.their_version,
                payload: chosen.clone(),
                withheld: false,
            };
            w.write_payload(&record, local.map(|l| l.0), ctx)?;
            w.tx.execute(
                "UPDATE sync_records SET version = ?2 WHERE gid = ?1",
                params![conflict.gid, conflict.their_version],
            )?;
            w.tx.execute(
                "UPDATE sync_conflicts SET resolved_at = ?2, resolution = ?3 WHERE id = ?1",
                params![id, now(), how],
            )?;
            w.audit_note(
                "sync",
                conflict.entity.code(),
                &AuditText::new(
                    "conflict_resolved",
                    vec![("record", conflict.gid.clone()), ("kept", how.to_owned())],
                ),
            )
        })
    }

    /// Where the hub's changes were pulled up to.
    pub fn pull_cursor(&self) -> Result<i64> {
        Ok(self
            .setting(PULL_CURSOR)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }

    /// Remembers the pull cursor (never back: a bundle may come after a later sync) and the
    /// time of the sync.
    pub fn sync_done(&mut self, cursor: i64, at: &str) -> Result<()> {
        let cursor = cursor.max(self.pull_cursor()?);
        let tx = self.conn.transaction()?;
        for (key, value) in [
            (PULL_CURSOR, cursor.to_string()),
            (LAST_SYNC, at.to_owned()),
        ] {
            super::put_setting(&tx, key, &value)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The number the next bundle made here takes.
    pub fn next_bundle_sequence(&self) -> Result<i64> {
        Ok(self
            .setting(BUNDLE_OUT_SEQUENCE)?
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
            + 1)
    }

    fn bundles_out(&self) -> Result<Vec<BundleOut>> {
        match self.setting(BUNDLES_OUT)? {
            Some(text) => serde_json::from_str(&text).map_err(|e| sync_error(e.to_string())),
            None => Ok(Vec::new()),
        }
    }

    /// Remembers a bundle written for the hub (its records stay to push until it is answered)
    /// and says so in the audit trail.
    pub fn bundle_exported(&mut self, bundle: BundleOut) -> Result<()> {
        let by = self.require(Action::EditRecords)?.login().to_owned();
        let mut out = self.bundles_out()?;
        let records = bundle.records;
        let sequence = bundle.sequence;
        out.push(bundle);
        let keep_from = out.len().saturating_sub(BUNDLES_REMEMBERED);
        let out =
            serde_json::to_string(&out[keep_from..]).map_err(|e| sync_error(e.to_string()))?;
        self.put_settings_noted(
            &by,
            &[
                (BUNDLES_OUT, out),
                (BUNDLE_OUT_SEQUENCE, sequence.to_string()),
            ],
            &AuditText::new(
                "bundle_exported",
                vec![
                    ("number", sequence.to_string()),
                    ("records", records.to_string()),
                ],
            ),
        )
    }

    /// Writes sync settings and says what happened in the audit trail, in one transaction.
    fn put_settings_noted(
        &mut self,
        by: &str,
        settings: &[(&str, String)],
        text: &AuditText,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        for (key, value) in settings {
            super::put_setting(&tx, key, value)?;
        }
        audit(&tx, by, "sync", "registry", None, text)?;
        tx.commit()?;
        Ok(())
    }

    /// The bundle made here that `id` answers, if it is still unanswered.
    pub fn bundle_out(&self, id: &str) -> Result<Option<BundleOut>> {
        Ok(self.bundles_out()?.into_iter().find(|b| b.id == id))
    }

    /// The number of the last bundle from the hub taken in (0: none).
    pub fn bundle_in_sequence(&self) -> Result<i64> {
        Ok(self
            .setting(BUNDLE_IN_SEQUENCE)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }

    /// Remembers that the hub's bundle `sequence`, answering `answered`, was taken in: neither
    /// is taken again.
    pub fn bundle_imported(&mut self, answered: &str, sequence: i64) -> Result<()> {
        let by = self.require(Action::EditRecords)?.login().to_owned();
        let out: Vec<BundleOut> = self
            .bundles_out()?
            .into_iter()
            .filter(|b| b.id != answered)
            .collect();
        let out = serde_json::to_string(&out).map_err(|e| sync_error(e.to_string()))?;
        self.put_settings_noted(
            &by,
            &[
                (BUNDLES_OUT, out),
                (BUNDLE_IN_SEQUENCE, sequence.to_string()),
                (LAST_SYNC, Local::now().format("%Y-%m-%d %H:%M").to_string()),
            ],
            &AuditText::new("bundle_imported", vec![("number", sequence.to_string())]),
        )
    }

    /// The audit entry the hub last confirmed and the newest entry, with their hashes as the
    /// log has them now.
    pub fn audit_head(&self) -> Result<crate::domain::sync::AuditPosition> {
        let confirmed: i64 = self
            .setting(AUDIT_CONFIRMED)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let hash_at = |id: i64| -> Result<String> {
            Ok(self
                .conn
                .query_row("SELECT hash FROM audit_log WHERE id = ?1", [id], |r| {
                    r.get::<_, Option<String>>(0)
                })
                .optional()?
                .flatten()
                .unwrap_or_default())
        };
        let head: i64 =
            self.conn
                .query_row("SELECT COALESCE(max(id), 0) FROM audit_log", [], |r| {
                    r.get(0)
                })?;
        let mut reported = Vec::new();
        for bundle in self.bundles_out()? {
            if bundle.audit_head > confirmed {
                reported.push((bundle.audit_head, hash_at(bundle.audit_head)?));
            }
        }
        Ok(crate::domain::sync::AuditPosition {
            confirmed_id: confirmed,
            confirmed_hash: hash_at(confirmed)?,
            head_id: head,
            head_hash: hash_at(head)?,
            reported,
        })
    }
}

/// Keeps a conflict (or refreshes the hub's side of one already open for the record);
/// returns 1 when a new one was opened.
fn keep_conflict(
    tx: &rusqlite::Transaction<'_>,
    entity: Entity,
    gid: &str,
    mine: &Value,
    theirs: &Value,
    their_version: i64,
) -> Result<usize> {
    let theirs_text = theirs.to_string();
    let updated = tx.execute(
        "UPDATE sync_conflicts SET theirs = ?2, their_version = ?3
         WHERE gid = ?1 AND resolved_at IS NULL",
        params![gid, theirs_text, their_version],
    )?;
    if updated > 0 {
        return Ok(0);
    }
    tx.execute(
        "INSERT INTO sync_conflicts(entity, gid, mine, theirs, their_version, detected_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            entity.code(),
            gid,
            mine.to_string(),
            theirs_text,
            their_version,
            now()
        ],
    )?;
    Ok(1)
}

impl Writer<'_> {
    /// Refuses a change to a record another office owns (received from the hub for matching):
    /// only its office, or the national office, changes it. Records from the hub itself are
    /// written (`trusted`).
    pub(crate) fn owned_here(&self, entity: &str, local_id: i64) -> Result<()> {
        if self.trusted {
            return Ok(());
        }
        let owner: Option<(String, String, String)> = self
            .tx
            .query_row(
                "SELECT r.office,
                        COALESCE((SELECT value FROM settings WHERE key = 'office'), ''),
                        COALESCE((SELECT value FROM settings WHERE key = 'office_national'), '0')
                 FROM sync_records r WHERE r.entity = ?1 AND r.local_id = ?2",
                params![entity, local_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        match owner {
            Some((owner, here, national))
                if !owner.is_empty() && !here.is_empty() && owner != here && national != "1" =>
            {
                Err(StoreError::Refused(crate::domain::Refusal::new(
                    "refusal.owned_elsewhere",
                    vec![("office", owner)],
                )))
            }
            _ => Ok(()),
        }
    }

    /// The local id, version and whether it has unpushed changes, of a record by global id.
    fn local_of(&self, gid: &str) -> Result<Option<(i64, i64, bool)>> {
        Ok(self
            .tx
            .query_row(
                "SELECT local_id, version, changes > pushed FROM sync_records WHERE gid = ?1",
                [gid],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?)
    }

    fn apply_one(
        &mut self,
        record: &IncomingRecord,
        ctx: &Context<'_>,
        applied: &mut Applied,
    ) -> Result<()> {
        if record.entity == Entity::Occupancy {
            // Another device's count: the newest version replaces the last.
            let payload = &record.payload;
            self.tx.execute(
                "INSERT INTO sync_occupancy_in(gid, family_gid, device, occupied, version)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(gid) DO UPDATE SET occupied = excluded.occupied,
                    version = excluded.version
                 WHERE excluded.version > sync_occupancy_in.version",
                params![
                    record.gid,
                    payload["family"].as_str().unwrap_or_default(),
                    payload["device"].as_str().unwrap_or_default(),
                    payload["occupied"].as_i64().unwrap_or(0),
                    record.version
                ],
            )?;
            return Ok(());
        }
        let open_conflict: bool = self.tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM sync_conflicts WHERE gid = ?1 AND resolved_at IS NULL)",
            [&record.gid],
            |r| r.get(0),
        )?;
        if open_conflict {
            // This registry's version stays until a person decides; the hub's is refreshed.
            let mine: String = self.tx.query_row(
                "SELECT mine FROM sync_conflicts WHERE gid = ?1 AND resolved_at IS NULL",
                [&record.gid],
                |r| r.get(0),
            )?;
            let mine: Value = serde_json::from_str(&mine).unwrap_or(Value::Null);
            keep_conflict(
                self.tx,
                record.entity,
                &record.gid,
                &mine,
                &record.payload,
                record.version,
            )?;
            return Ok(());
        }
        match self.local_of(&record.gid)? {
            Some((_, version, _)) if version >= record.version => {}
            Some((local_id, _, true)) => {
                // Changed here and there since they last agreed: both kept, this one stays.
                let mine = match record.entity {
                    Entity::Family => family_payload(&load_family(self.tx, local_id)?)?,
                    Entity::Child => {
                        let child = load_child(self.tx, local_id)?;
                        let group = self.group_with_gid(child.sibling_group_id)?;
                        child_payload(&child, group.as_ref().map(|(g, gid)| (g, gid.as_str())))?
                    }
                    Entity::SiblingGroup | Entity::Occupancy => return Ok(()),
                };
                applied.conflicts += keep_conflict(
                    self.tx,
                    record.entity,
                    &record.gid,
                    &mine,
                    &record.payload,
                    record.version,
                )?;
            }
            Some((local_id, _, false)) => {
                self.write_payload(record, Some(local_id), ctx)?;
                self.tx.execute(
                    "UPDATE sync_records SET version = ?2, pushed = changes, office = ?3,
                        withheld = ?4 WHERE gid = ?1",
                    params![record.gid, record.version, record.office, record.withheld],
                )?;
                applied.updated += 1;
            }
            // Another office's family withdrawn from matching (no longer approved): only its
            // withdrawal travels, to the offices that were sent it.
            None if record.withheld && record.payload["status"] != "approved" => {}
            None => {
                let local_id = self.write_payload(record, None, ctx)?;
                self.tx.execute(
                    "INSERT INTO sync_records(entity, local_id, gid, office, version, changes,
                        pushed, withheld)
                     VALUES (?1, ?2, ?3, ?4, ?5, 0, 0, ?6)",
                    params![
                        record.entity.code(),
                        local_id,
                        record.gid,
                        record.office,
                        record.version,
                        record.withheld
                    ],
                )?;
                applied.added += 1;
            }
        }
        Ok(())
    }

    fn group_with_gid(&self, group_id: Option<i64>) -> Result<Option<(SiblingGroup, String)>> {
        let Some(group_id) = group_id else {
            return Ok(None);
        };
        let group = self
            .tx
            .query_row(
                "SELECT code, may_split, split_reason FROM sibling_groups WHERE id = ?1",
                [group_id],
                |r| {
                    Ok(SiblingGroup {
                        id: Some(group_id),
                        code: r.get(0)?,
                        may_split: r.get(1)?,
                        split_reason: r.get(2)?,
                    })
                },
            )
            .optional()?;
        let gid: Option<String> = self
            .tx
            .query_row(
                "SELECT gid FROM sync_records WHERE entity = 'sibling_group' AND local_id = ?1",
                [group_id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(group.zip(gid))
    }

    /// Writes a record from its payload (a new one when `local_id` is `None`); returns its
    /// local id. A code another record here already uses gets the owning office in front.
    fn write_payload(
        &mut self,
        record: &IncomingRecord,
        local_id: Option<i64>,
        ctx: &Context<'_>,
    ) -> Result<i64> {
        let parse_error = |e: serde_json::Error| {
            sync_error(format!(
                "the hub's {} {} cannot be read: {e}",
                record.entity.code(),
                record.gid
            ))
        };
        match record.entity {
            Entity::Family => {
                let mut family: Family =
                    serde_json::from_value(record.payload.clone()).map_err(parse_error)?;
                family.id = local_id;
                family.code = self.free_code("families", &family.code, local_id, &record.office)?;
                self.save_family(&family, ctx)
            }
            Entity::Child => {
                let mut child: Child = serde_json::from_value(record.payload["record"].clone())
                    .map_err(parse_error)?;
                child.id = local_id;
                child.code = self.free_code("children", &child.code, local_id, &record.office)?;
                let group = &record.payload["sibling_group"];
                let change = if group.is_null() {
                    GroupChange::NoGroup
                } else {
                    let gid = group["gid"].as_str().unwrap_or_default().to_owned();
                    let existing = self.local_of(&gid)?.map(|l| l.0);
                    let code = group["code"].as_str().unwrap_or_default().to_owned();
                    let sibling_group = SiblingGroup {
                        id: existing,
                        code: self.free_code("sibling_groups", &code, existing, &record.office)?,
                        may_split: group["may_split"].as_bool().unwrap_or(false),
                        split_reason: group["split_reason"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned(),
                    };
                    match existing {
                        Some(_) => GroupChange::Existing(sibling_group),
                        None => GroupChange::New(sibling_group),
                    }
                };
                let new_group = matches!(change, GroupChange::New(_));
                let id = self.save_child(&child, &change, ctx)?;
                if new_group
                    && let Some(group_id) = self.group_of_child(id)?
                    && let Some(gid) = group["gid"].as_str()
                {
                    self.tx.execute(
                        "INSERT INTO sync_records(entity, local_id, gid, office, version, changes,
                            pushed)
                         VALUES ('sibling_group', ?1, ?2, ?3, 0, 0, 0)
                         ON CONFLICT(entity, local_id) DO UPDATE SET gid = excluded.gid",
                        params![group_id, gid, record.office],
                    )?;
                }
                Ok(id)
            }
            Entity::SiblingGroup | Entity::Occupancy => Err(sync_error(
                "sibling groups travel with their children; counts are not records",
            )),
        }
    }

    /// `code`, or — when another record here has it — the owning office and the code
    /// ("AZ-SM/F-0012"), so that records of two offices never take each other's code.
    fn free_code(
        &self,
        table: &str,
        code: &str,
        local_id: Option<i64>,
        office: &str,
    ) -> Result<String> {
        let taken: bool = self.tx.query_row(
            &format!(
                "SELECT EXISTS (SELECT 1 FROM {table} WHERE code = ?1 COLLATE NOCASE
                 AND id IS NOT ?2)"
            ),
            params![code, local_id],
            |r| r.get(0),
        )?;
        Ok(if taken && !office.is_empty() {
            format!("{office}/{code}")
        } else {
            code.to_owned()
        })
    }
}
