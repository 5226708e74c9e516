//! Offline bundles at the hub (`yuva hub bundle --from F --output R`): a device's bundle is
//! checked (its device's signature, the seal, its number), its batches taken in exactly as
//! pushes are, and the answer — with every record the office may see since its last pull —
//! sealed to that device and signed with the hub's bundle key.

use std::path::Path;

use super::server::{Device, Refusal, device_by_id, take_batch, visible_records};
use super::{HubError, Result, bundle_keys, connect};
use crate::sync::bundle::{self, BatchAnswer, BundleError, Direction, PublicKeys, ToDevice, ToHub};
use crate::sync::protocol::{PROTOCOL, hex};

/// Records per page read for an answer.
const PAGE: usize = 1000;

/// What taking a bundle in did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taken {
    pub office: String,
    pub device: String,
    pub number: i64,
    pub records_in: usize,
    pub records_out: usize,
    /// Why the device's batches were not taken in (its audit log rewritten), if so.
    pub refused: Option<String>,
}

impl From<Refusal> for HubError {
    fn from(refusal: Refusal) -> HubError {
        HubError::Input(refusal.1)
    }
}

impl From<BundleError> for HubError {
    fn from(error: BundleError) -> HubError {
        HubError::Input(error.to_string())
    }
}

fn file_error(path: &Path) -> impl FnOnce(std::io::Error) -> HubError + '_ {
    move |source| HubError::File {
        path: path.display().to_string(),
        source,
    }
}

/// Takes in the device's bundle at `from` and writes the hub's answer to `output`. A bundle
/// from a device the hub does not know, changed on the way, or taken in already is refused
/// before anything is written.
pub async fn take_bundle(
    database_url: &str,
    tls_dir: &Path,
    from: &Path,
    output: &Path,
) -> Result<Taken> {
    let keys = bundle_keys(tls_dir)?;
    let bytes = std::fs::read(from).map_err(file_error(from))?;
    let sealed = bundle::read(&bytes)?;
    if sealed.header.direction != Direction::ToHub {
        return Err(BundleError::ForARegistry.into());
    }
    let mut client = connect(database_url).await?;
    let device = device_by_id(&client, &sealed.header.device)
        .await?
        .ok_or_else(|| {
            HubError::Input(format!(
                "the bundle is from a device this hub does not know ({}, office {})",
                sealed.header.device, sealed.header.office
            ))
        })?;
    let sender = PublicKeys {
        verifying: hex(&device.public_key),
        sealing: device.sealing_key.clone(),
    };
    let contents: ToHub = sealed.open(&sender, &keys)?;
    // A device enrolled before bundles has no key to seal the answer to.
    if !sender.is_complete() {
        return Err(BundleError::NoKeys.into());
    }
    let replayed = client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM bundles WHERE id = $1),
                    COALESCE((SELECT max(sequence) FROM bundles WHERE device = $2), 0)",
            &[&sealed.header.id, &device.id],
        )
        .await?;
    if replayed.get::<_, bool>(0) || sealed.header.sequence <= replayed.get::<_, i64>(1) {
        return Err(BundleError::Replayed {
            sequence: sealed.header.sequence,
        }
        .into());
    }
    let mut answers = Vec::with_capacity(contents.batches.len());
    let mut refused = None;
    let mut records_in = 0;
    for batch in &contents.batches {
        if batch.protocol != PROTOCOL {
            return Err(HubError::Input(String::from(
                "the bundle was made by a Yuva that speaks another protocol than the hub: update it",
            )));
        }
        // Read again for each batch: the first confirms the device's audit head.
        let device = fresh(&client, &device).await?;
        match take_batch(&mut client, &device, batch).await {
            Ok(response) => {
                records_in += batch
                    .records
                    .iter()
                    .filter(|r| r.entity.is_record())
                    .count();
                answers.push(BatchAnswer {
                    batch: batch.batch.clone(),
                    response,
                });
            }
            Err(Refusal(status, reason)) if status == axum::http::StatusCode::CONFLICT => {
                refused = Some(reason);
                break;
            }
            Err(other) => return Err(other.into()),
        }
    }
    let device = fresh(&client, &device).await?;
    let mut records = Vec::new();
    let mut cursor = contents.pull_since;
    loop {
        let page = visible_records(&client, &device, cursor, PAGE).await?;
        records.extend(page.records);
        cursor = page.cursor;
        if !page.more {
            break;
        }
    }
    let records_out = records.iter().filter(|r| r.entity.is_record()).count();
    let answer = ToDevice {
        in_reply_to: sealed.header.id.clone(),
        answers,
        refused: refused.clone(),
        records,
        cursor,
    };
    // Taken in: numbered, and never again — once the answer is on disk.
    let tx = client.transaction().await?;
    let number: i64 = tx
        .query_one(
            "INSERT INTO bundles(id, device, sequence, records) VALUES ($1, $2, $3, $4)
             RETURNING seq",
            &[
                &sealed.header.id,
                &device.id,
                &sealed.header.sequence,
                &(records_in as i32),
            ],
        )
        .await?
        .get(0);
    let header = bundle::header(Direction::ToDevice, &device.id, &device.office, number)?;
    let reply = bundle::seal(header, &answer, &keys, &sender)?;
    crate::files::write_atomically(output, &reply).map_err(file_error(output))?;
    tx.commit().await?;
    Ok(Taken {
        office: device.office,
        device: device.id,
        number: sealed.header.sequence,
        records_in,
        records_out,
        refused,
    })
}

/// The device as the hub has it now.
async fn fresh(client: &tokio_postgres::Client, device: &Device) -> Result<Device> {
    device_by_id(client, &device.id)
        .await?
        .ok_or_else(|| HubError::Input(format!("the device {} is gone", device.id)))
}
