//! The registry's side of offline bundles: `export_bundle` writes the pending batches for the
//! hub (the records stay to push until the hub's answer is taken in, so a lost stick loses
//! nothing), `import_bundle` takes in the hub's answer and the records it brings.

use std::collections::HashMap;
use std::path::Path;

use super::bundle::{self, Direction, Keys, PublicKeys, ToDevice, ToHub};
use super::client::{BATCH, SyncError, SyncProgress, SyncReport};
use super::protocol::{PROTOCOL, PushRequest};
use crate::domain::Context;
use crate::domain::access::Action;
use crate::store::Store;
use crate::store::sync::{BundleOut, DEVICE_ID, DEVICE_KEY, HUB_KEYS, Pending};

/// What an exported bundle holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BundleExport {
    pub number: i64,
    pub records: usize,
    pub batches: usize,
}

/// This device's identity and keys, and the hub's public keys.
struct Parties {
    device: String,
    office: String,
    keys: Keys,
    hub: PublicKeys,
}

impl Parties {
    fn of(store: &Store) -> Result<Parties, SyncError> {
        let setting = |key| -> Result<String, SyncError> {
            store.setting(key)?.ok_or(SyncError::NotEnrolled)
        };
        let device = setting(DEVICE_ID)?;
        let office = store.office()?.ok_or(SyncError::NotEnrolled)?;
        let keys = Keys::from_hex(&setting(DEVICE_KEY)?).ok_or(SyncError::NotEnrolled)?;
        let hub: PublicKeys = store
            .setting(HUB_KEYS)?
            .and_then(|text| serde_json::from_str(&text).ok())
            .filter(PublicKeys::is_complete)
            .ok_or(bundle::BundleError::NoKeys)?;
        Ok(Parties {
            device,
            office,
            keys,
            hub,
        })
    }
}

fn file_error(path: &Path, error: &std::io::Error) -> SyncError {
    SyncError::File {
        path: path.display().to_string(),
        reason: error.to_string(),
    }
}

/// Writes every local change not yet pushed into a bundle for the hub at `output`, in the
/// batches a sync would push. The records stay to push (by a sync or the next bundle) until
/// the hub's answer is taken in.
pub fn export_bundle(store: &mut Store, output: &Path) -> Result<BundleExport, SyncError> {
    store.may(Action::EditRecords)?;
    let parties = Parties::of(store)?;
    let pending: Vec<Pending> = store.sync_pending(i64::MAX as usize)?;
    let mut audit = store.audit_head()?;
    let audit_head = audit.head_id;
    let mut batches = Vec::with_capacity(pending.len().div_ceil(BATCH));
    for chunk in pending.chunks(BATCH) {
        batches.push(PushRequest {
            protocol: PROTOCOL,
            batch: crate::store::random_hex(16),
            records: chunk.iter().map(|p| p.record.clone()).collect(),
            audit: audit.clone(),
        });
        // The hub confirms the head with the first batch; the next ones start from it.
        audit.confirmed_id = audit.head_id;
        audit.confirmed_hash = audit.head_hash.clone();
    }
    let number = store.next_bundle_sequence()?;
    let header = bundle::header(Direction::ToHub, &parties.device, &parties.office, number)?;
    let id = header.id.clone();
    let records = pending
        .iter()
        .filter(|p| p.record.entity.is_record())
        .count();
    let contents = ToHub {
        batches,
        pull_since: store.pull_cursor()?,
    };
    let bytes = bundle::seal(header, &contents, &parties.keys, &parties.hub)?;
    crate::files::write_atomically(output, &bytes).map_err(|e| file_error(output, &e))?;
    store.bundle_exported(BundleOut {
        id,
        sequence: number,
        sent: pending
            .iter()
            .map(|p| (p.record.gid.clone(), p.changes))
            .collect(),
        audit_head,
        records,
    })?;
    Ok(BundleExport {
        number,
        records,
        batches: contents.batches.len(),
    })
}

/// Takes in the hub's bundle at `from`: its answers to a bundle made here, then the records
/// this office may see, page by page. A bundle for another device, changed on the way, or
/// taken in already is refused before anything is written.
pub fn import_bundle(
    store: &mut Store,
    ctx: &Context<'_>,
    from: &Path,
    progress: &dyn Fn(SyncProgress),
) -> Result<SyncReport, SyncError> {
    store.may(Action::EditRecords)?;
    let parties = Parties::of(store)?;
    let bytes = std::fs::read(from).map_err(|e| file_error(from, &e))?;
    let sealed = bundle::read(&bytes)?;
    if sealed.header.direction != Direction::ToDevice {
        return Err(bundle::BundleError::ForTheHub.into());
    }
    if sealed.header.device != parties.device {
        return Err(bundle::BundleError::OtherDevice {
            device: sealed.header.device.clone(),
            office: sealed.header.office.clone(),
        }
        .into());
    }
    let contents: ToDevice = sealed.open(&parties.hub, &parties.keys)?;
    if sealed.header.sequence <= store.bundle_in_sequence()? {
        return Err(bundle::BundleError::Replayed {
            sequence: sealed.header.sequence,
        }
        .into());
    }
    let sent = store
        .bundle_out(&contents.in_reply_to)?
        .ok_or(bundle::BundleError::Unanswered)?;
    if let Some(reason) = contents.refused {
        store.bundle_imported(&contents.in_reply_to, sealed.header.sequence)?;
        return Err(SyncError::Refused(reason));
    }
    let mut report = SyncReport {
        pushed: sent.records,
        ..SyncReport::default()
    };
    // What each record carried when the bundle was made; what it is now is "mine" in a
    // conflict.
    let carried: HashMap<&str, i64> = sent.sent.iter().map(|(g, c)| (g.as_str(), *c)).collect();
    let now: HashMap<String, Pending> = store
        .sync_pending(i64::MAX as usize)?
        .into_iter()
        .map(|p| (p.record.gid.clone(), p))
        .collect();
    for answer in &contents.answers {
        let answered: Vec<Pending> = answer
            .response
            .results
            .iter()
            .filter_map(|result| {
                let gid = result.gid();
                let changes = *carried.get(gid)?;
                now.get(gid).map(|p| Pending {
                    changes,
                    ..p.clone()
                })
            })
            .collect();
        report.conflicts += store.sync_pushed(
            &answered,
            &answer.response.results,
            answer.response.audit_confirmed_id,
        )?;
    }
    progress(SyncProgress::Pushed {
        records: report.pushed,
    });
    for page in contents.records.chunks(BATCH) {
        let applied = store.sync_apply(page, ctx)?;
        report.pulled += page.iter().filter(|r| r.entity.is_record()).count();
        report.added += applied.added;
        report.updated += applied.updated;
        report.conflicts += applied.conflicts;
        progress(SyncProgress::Pulled {
            records: report.pulled,
        });
    }
    store.sync_done(
        contents.cursor,
        &chrono::Local::now().format("%Y-%m-%d %H:%M").to_string(),
    )?;
    // Last: a bundle whose taking-in was cut short is taken again whole (each step above
    // changes nothing the second time).
    store.bundle_imported(&contents.in_reply_to, sealed.header.sequence)?;
    Ok(report)
}
