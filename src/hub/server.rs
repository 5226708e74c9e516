//! The hub's HTTPS endpoints: `/enrol` (a one-time token), `/push` and `/pull` (signed by
//! the device), `/health`.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::Value;

use super::{HubError, Result, certificate_paths, connect, sha256_hex};
use crate::sync::protocol::*;

/// Connections to PostgreSQL the hub keeps (each push is one transaction on one of them).
const CONNECTIONS: usize = 4;

struct AppState {
    pool: Vec<tokio::sync::Mutex<tokio_postgres::Client>>,
    next: AtomicUsize,
    /// The hub's public keys for offline bundles, given to devices at enrolment.
    bundle_keys: crate::sync::bundle::PublicKeys,
}

impl AppState {
    async fn client(&self) -> tokio::sync::MutexGuard<'_, tokio_postgres::Client> {
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        // A free connection if there is one, else wait for the next in turn.
        for k in 0..self.pool.len() {
            if let Ok(guard) = self.pool[(start + k) % self.pool.len()].try_lock() {
                return guard;
            }
        }
        self.pool[start % self.pool.len()].lock().await
    }
}

/// A refusal with its status and one line saying why.
pub(super) struct Refusal(pub(super) StatusCode, pub(super) String);

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        (self.0, self.1).into_response()
    }
}

impl From<tokio_postgres::Error> for Refusal {
    fn from(e: tokio_postgres::Error) -> Refusal {
        // tokio-postgres says only "db error": the server's own message says what failed.
        match e.as_db_error() {
            Some(db) => eprintln!(
                "yuva hub: PostgreSQL: {}: {}",
                db.code().code(),
                db.message()
            ),
            None => eprintln!("yuva hub: PostgreSQL: {e}"),
        }
        Refusal(
            StatusCode::SERVICE_UNAVAILABLE,
            String::from("the hub's database failed; try again later"),
        )
    }
}

fn bad(message: impl Into<String>) -> Refusal {
    Refusal(StatusCode::BAD_REQUEST, message.into())
}

/// A client of another protocol version is told to update.
fn same_protocol(protocol: u32) -> std::result::Result<(), Refusal> {
    if protocol == PROTOCOL {
        Ok(())
    } else {
        Err(bad(
            "this Yuva speaks another protocol than the hub: update it",
        ))
    }
}

fn json<T: serde::Serialize>(value: &T) -> Response {
    axum::Json(value).into_response()
}

/// An enrolled device, as the hub knows it.
pub(super) struct Device {
    pub(super) id: String,
    pub(super) office: String,
    national: bool,
    region: String,
    audit_confirmed_id: i64,
    audit_confirmed_hash: String,
    pub(super) public_key: [u8; 32],
    /// Its X25519 key for bundles (hex; empty if it enrolled before bundles).
    pub(super) sealing_key: String,
}

/// The device `id`, if the hub knows it.
pub(super) async fn device_by_id(
    client: &tokio_postgres::Client,
    id: &str,
) -> std::result::Result<Option<Device>, Refusal> {
    let Some(row) = client
        .query_opt(
            "SELECT d.public_key, d.office, o.national, o.economic_region, d.audit_confirmed_id,
                    d.audit_confirmed_hash, d.sealing_key
             FROM devices d JOIN offices o ON o.code = d.office WHERE d.id = $1",
            &[&id],
        )
        .await?
    else {
        return Ok(None);
    };
    let key: Vec<u8> = row.get(0);
    let public_key: [u8; 32] = key
        .try_into()
        .map_err(|_| Refusal(StatusCode::UNAUTHORIZED, String::from("bad device key")))?;
    Ok(Some(Device {
        id: id.to_owned(),
        office: row.get(1),
        national: row.get(2),
        region: row.get(3),
        audit_confirmed_id: row.get(4),
        audit_confirmed_hash: row.get(5),
        public_key,
        sealing_key: row.get(6),
    }))
}

/// Checks the device's signature over method, path, time and body.
async fn device(
    state: &AppState,
    headers: &HeaderMap,
    path: &str,
    body: &[u8],
) -> std::result::Result<Device, Refusal> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .ok_or_else(|| Refusal(StatusCode::UNAUTHORIZED, format!("{name} is missing")))
    };
    let id = header(DEVICE_HEADER)?;
    let time: i64 = header(TIME_HEADER)?
        .parse()
        .map_err(|_| Refusal(StatusCode::UNAUTHORIZED, String::from("bad time")))?;
    if (chrono::Utc::now().timestamp() - time).abs() > CLOCK_SKEW_S {
        return Err(Refusal(
            StatusCode::UNAUTHORIZED,
            String::from(
                "the device's clock is more than 10 minutes off: set it right and sync again",
            ),
        ));
    }
    let signature: [u8; 64] = unhex(&header(SIGNATURE_HEADER)?)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| Refusal(StatusCode::UNAUTHORIZED, String::from("bad signature")))?;
    let client = state.client().await;
    let device = device_by_id(&client, &id)
        .await?
        .ok_or_else(|| Refusal(StatusCode::UNAUTHORIZED, String::from("unknown device")))?;
    let verifying = ed25519_dalek::VerifyingKey::from_bytes(&device.public_key)
        .map_err(|_| Refusal(StatusCode::UNAUTHORIZED, String::from("bad device key")))?;
    verifying
        .verify_strict(
            &signed_message("POST", path, time, body),
            &ed25519_dalek::Signature::from_bytes(&signature),
        )
        .map_err(|_| {
            Refusal(
                StatusCode::UNAUTHORIZED,
                String::from("the request's signature does not match the device"),
            )
        })?;
    Ok(device)
}

async fn health() -> &'static str {
    "yuva hub"
}

async fn enrol(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    match enrol_device(&state, &body).await {
        Ok(response) => json(&response),
        Err(refusal) => refusal.into_response(),
    }
}

async fn enrol_device(
    state: &AppState,
    body: &[u8],
) -> std::result::Result<EnrolResponse, Refusal> {
    let request: EnrolRequest =
        serde_json::from_slice(body).map_err(|e| bad(format!("not an enrolment: {e}")))?;
    same_protocol(request.protocol)?;
    let token = Token::parse(&request.token).ok_or_else(|| bad("not an enrolment token"))?;
    let key: [u8; 32] = unhex(&request.public_key)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| bad("bad public key"))?;
    ed25519_dalek::VerifyingKey::from_bytes(&key).map_err(|_| bad("bad public key"))?;
    let mut client = state.client().await;
    let tx = client.transaction().await?;
    let used = tx
        .execute(
            "UPDATE enrolment_tokens SET used_at = now()
             WHERE secret_sha256 = $1 AND office = $2 AND used_at IS NULL",
            &[&sha256_hex(token.secret.as_bytes()), &token.office],
        )
        .await?;
    if used != 1 {
        return Err(Refusal(
            StatusCode::FORBIDDEN,
            String::from("this enrolment token is unknown or was used already: ask for a new one"),
        ));
    }
    let device = crate::store::random_hex(16);
    tx.execute(
        "INSERT INTO devices(id, office, public_key, name, sealing_key)
         VALUES ($1, $2, $3, $4, $5)",
        &[
            &device,
            &token.office,
            &key.to_vec(),
            &request.device_name,
            &request.sealing_key,
        ],
    )
    .await?;
    let national: bool = tx
        .query_one(
            "SELECT national FROM offices WHERE code = $1",
            &[&token.office],
        )
        .await?
        .get(0);
    tx.commit().await?;
    Ok(EnrolResponse {
        device,
        office: token.office,
        national,
        hub_keys: state.bundle_keys.clone(),
    })
}

async fn push(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    match push_batch(&state, &headers, &body).await {
        Ok(response) => response,
        Err(refusal) => refusal.into_response(),
    }
}

async fn push_batch(
    state: &AppState,
    headers: &HeaderMap,
    body: &[u8],
) -> std::result::Result<Response, Refusal> {
    let device = device(state, headers, "/push", body).await?;
    let request: PushRequest =
        serde_json::from_slice(body).map_err(|e| bad(format!("not a batch: {e}")))?;
    same_protocol(request.protocol)?;
    let mut client = state.client().await;
    take_batch(&mut client, &device, &request)
        .await
        .map(|response| json(&response))
}

/// Takes in one batch of a device's changes in one transaction (pushed, or carried in a
/// bundle): each record accepted as the next version, kept as a conflict, or refused.
pub(super) async fn take_batch(
    client: &mut tokio_postgres::Client,
    device: &Device,
    request: &PushRequest,
) -> std::result::Result<PushResponse, Refusal> {
    let tx = client.transaction().await?;
    // The same batch again (its answer was lost): the first answer, nothing taken twice.
    if let Some(row) = tx
        .query_opt(
            "SELECT response FROM batches WHERE id = $1 AND device = $2",
            &[&request.batch, &device.id],
        )
        .await?
    {
        let response: Value = row.get(0);
        return serde_json::from_value(response).map_err(|e| bad(e.to_string()));
    }
    // A batch made before the head the hub confirmed (a bundle overtaken by a sync): its
    // position cannot be checked any more, and the confirmed head does not go back.
    let older = request.audit.head_id < device.audit_confirmed_id;
    // An audit log rewritten on the device since the hub confirmed its head.
    if device.audit_confirmed_id > 0
        && !older
        && !request
            .audit
            .holds(device.audit_confirmed_id, &device.audit_confirmed_hash)
    {
        tx.execute(
            "UPDATE devices SET audit_rewritten_at = now() WHERE id = $1",
            &[&device.id],
        )
        .await?;
        tx.commit().await?;
        return Err(Refusal(
            StatusCode::CONFLICT,
            format!(
                "the audit log on this device was changed after its last sync (entry {} is not as the hub confirmed it): nothing was taken in; the administrator must look into it",
                device.audit_confirmed_id
            ),
        ));
    }
    let mut results = Vec::with_capacity(request.records.len());
    for record in &request.records {
        let existing = tx
            .query_opt(
                "SELECT version, office, payload, updated_by, base_version FROM records
                 WHERE gid = $1 FOR UPDATE",
                &[&record.gid],
            )
            .await?;
        let owner = match &existing {
            Some(row) => row.get::<_, String>(1),
            None if device.national && !record.office.is_empty() => record.office.clone(),
            None => device.office.clone(),
        };
        if owner != device.office && !device.national {
            results.push(PushResult::Refused {
                gid: record.gid.clone(),
                reason: format!("the record belongs to {owner}"),
            });
            continue;
        }
        let entity = match record.entity {
            Entity::Family => "family",
            Entity::Child => "child",
            Entity::Occupancy => "occupancy",
            Entity::SiblingGroup => {
                results.push(PushResult::Refused {
                    gid: record.gid.clone(),
                    reason: String::from("sibling groups travel with their children"),
                });
                continue;
            }
        };
        let version = match &existing {
            None => 1,
            Some(row) => {
                let version: i64 = row.get(0);
                let payload: Value = row.get(2);
                // The hub's version is this device's own, made from the same base: a later
                // edit of the device's (a second bundle before the first was answered, or an
                // edit after a lost answer), not a change made elsewhere.
                let own_line = row.get::<_, String>(3) == device.id
                    && row.get::<_, i64>(4) == record.base_version;
                if version != record.base_version && payload == record.payload {
                    // Sent again (an answer lost): taken once.
                    results.push(PushResult::Accepted {
                        gid: record.gid.clone(),
                        version,
                    });
                    continue;
                }
                if version != record.base_version && !own_line {
                    tx.execute(
                        "INSERT INTO conflicts(gid, device, base_version, hub_version, payload)
                         VALUES ($1, $2, $3, $4, $5)",
                        &[
                            &record.gid,
                            &device.id,
                            &record.base_version,
                            &version,
                            &record.payload,
                        ],
                    )
                    .await?;
                    results.push(PushResult::Conflict {
                        gid: record.gid.clone(),
                        version,
                        payload,
                    });
                    continue;
                }
                version + 1
            }
        };
        tx.execute(
            "INSERT INTO records(gid, entity, office, version, seq, payload, updated_by,
                base_version, ever_approved)
             VALUES ($1, $2, $3, $4, nextval('change_seq'), $5, $6, $7,
                     COALESCE($5::jsonb->>'status' = 'approved', false))
             ON CONFLICT (gid) DO UPDATE SET version = excluded.version, seq = excluded.seq,
                payload = excluded.payload, updated_at = now(), updated_by = excluded.updated_by,
                base_version = excluded.base_version,
                ever_approved = records.ever_approved OR excluded.ever_approved",
            &[
                &record.gid,
                &entity,
                &owner,
                &version,
                &record.payload,
                &device.id,
                &record.base_version,
            ],
        )
        .await?;
        tx.execute(
            "INSERT INTO record_history(gid, version, payload, device) VALUES ($1, $2, $3, $4)",
            &[&record.gid, &version, &record.payload, &device.id],
        )
        .await?;
        results.push(PushResult::Accepted {
            gid: record.gid.clone(),
            version,
        });
    }
    if !older {
        tx.execute(
            "UPDATE devices SET audit_confirmed_id = $2, audit_confirmed_hash = $3 WHERE id = $1",
            &[&device.id, &request.audit.head_id, &request.audit.head_hash],
        )
        .await?;
    }
    let response = PushResponse {
        results,
        audit_confirmed_id: request.audit.head_id.max(device.audit_confirmed_id),
    };
    let stored = serde_json::to_value(&response).map_err(|e| bad(e.to_string()))?;
    tx.execute(
        "INSERT INTO batches(id, device, response) VALUES ($1, $2, $3)",
        &[&request.batch, &device.id, &stored],
    )
    .await?;
    tx.commit().await?;
    Ok(response)
}

async fn pull(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    match pull_page(&state, &headers, &body).await {
        Ok(response) => json(&response),
        Err(refusal) => refusal.into_response(),
    }
}

/// Another office's family as a matching office may see it: no private details.
fn withheld(mut payload: Value) -> Value {
    if let Some(carer) = payload.get_mut("main_carer") {
        carer["phone"] = Value::String(String::new());
        carer["birth_date"] = Value::Null;
    }
    payload["second_carer"] = Value::Null;
    payload["household"] = Value::Array(Vec::new());
    payload["checks"] = Value::Array(Vec::new());
    payload["notes"] = Value::String(String::new());
    if let Some(location) = payload.get_mut("location") {
        location["address"] = Value::String(String::new());
        for coordinate in ["lat", "lon"] {
            if let Some(value) = location[coordinate].as_f64() {
                location[coordinate] = serde_json::json!((value * 100.0).round() / 100.0);
            }
        }
    }
    payload
}

async fn pull_page(
    state: &AppState,
    headers: &HeaderMap,
    body: &[u8],
) -> std::result::Result<PullResponse, Refusal> {
    let device = device(state, headers, "/pull", body).await?;
    let request: PullRequest =
        serde_json::from_slice(body).map_err(|e| bad(format!("not a pull: {e}")))?;
    same_protocol(request.protocol)?;
    let client = state.client().await;
    visible_records(&client, &device, request.since, request.limit).await
}

/// The records changed after `since` that `device`'s office may see (at most `limit`, in the
/// order of the change sequence); what the device sent itself is not sent back to it.
pub(super) async fn visible_records(
    client: &tokio_postgres::Client,
    device: &Device,
    since: i64,
    limit: usize,
) -> std::result::Result<PullResponse, Refusal> {
    let limit = limit.clamp(1, 1000) as i64;
    let rows = client
        .query(
            "SELECT gid, entity, office, version, payload, seq FROM records
             WHERE seq > $1 AND updated_by <> $6
               AND ($2 OR office = $3
                    OR (entity = 'family' AND $4 <> ''
                        AND office IN (SELECT code FROM offices WHERE economic_region = $4)
                        -- approved, or approved before: its withdrawal reaches the
                        -- offices that were sent it
                        AND (payload->>'status' = 'approved' OR ever_approved))
                    -- places taken in a family, to whoever may see the family
                    OR (entity = 'occupancy'
                        AND (payload->>'family_office' = $3
                             OR ($4 <> '' AND payload->>'family_office' IN
                                 (SELECT code FROM offices WHERE economic_region = $4)))))
             ORDER BY seq LIMIT $5",
            &[
                &since,
                &device.national,
                &device.office,
                &device.region,
                &limit,
                &device.id,
            ],
        )
        .await?;
    let mut cursor = since;
    let mut records = Vec::with_capacity(rows.len());
    for row in &rows {
        let office: String = row.get(2);
        let entity: String = row.get(1);
        let payload: Value = row.get(4);
        let private = !device.national && office != device.office;
        cursor = row.get(5);
        records.push(IncomingRecord {
            entity: Entity::from_code(&entity).unwrap_or(Entity::Family),
            gid: row.get(0),
            office,
            version: row.get(3),
            payload: if private { withheld(payload) } else { payload },
            withheld: private,
        });
    }
    Ok(PullResponse {
        more: rows.len() as i64 == limit,
        records,
        cursor,
    })
}

/// A hub serving on a listener, until its handle shuts it down.
pub struct Hub {
    pub address: SocketAddr,
    handle: axum_server::Handle,
    thread: Option<std::thread::JoinHandle<Result<()>>>,
}

impl Hub {
    /// Starts a hub on its own thread and runtime, listening on `listen` ("127.0.0.1:0" for
    /// any free port); returns once it accepts connections.
    pub fn start(database_url: &str, tls_dir: &Path, listen: &str) -> Result<Hub> {
        let listener = std::net::TcpListener::bind(listen).map_err(|source| HubError::File {
            path: listen.to_owned(),
            source,
        })?;
        let address = listener.local_addr().map_err(|source| HubError::File {
            path: listen.to_owned(),
            source,
        })?;
        let handle = axum_server::Handle::new();
        let (database_url, tls_dir) = (database_url.to_owned(), tls_dir.to_path_buf());
        let serving = handle.clone();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .map_err(|source| HubError::File {
                    path: String::from("tokio runtime"),
                    source,
                })?;
            runtime.block_on(serve(&database_url, &tls_dir, listener, serving))
        });
        let waiting = handle.clone();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|source| HubError::File {
                path: String::from("tokio runtime"),
                source,
            })?;
        let listening = runtime.block_on(async {
            tokio::time::timeout(std::time::Duration::from_secs(30), waiting.listening()).await
        });
        match listening {
            Ok(Some(_)) => Ok(Hub {
                address,
                handle,
                thread: Some(thread),
            }),
            _ => {
                handle.shutdown();
                match thread.join() {
                    Ok(Err(e)) => Err(e),
                    _ => Err(HubError::Input(String::from("the hub did not start"))),
                }
            }
        }
    }

    pub fn url(&self) -> String {
        format!("https://127.0.0.1:{}", self.address.port())
    }

    /// Stops at once (connections in flight are cut, as when the process is killed).
    pub fn kill(mut self) {
        self.handle.shutdown();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        self.handle.shutdown();
    }
}

/// Serves the hub on `listener` until `handle` shuts it down.
pub async fn serve(
    database_url: &str,
    tls_dir: &Path,
    listener: std::net::TcpListener,
    handle: axum_server::Handle,
) -> Result<()> {
    // One crypto provider for the process (a second install is refused harmlessly).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut pool = Vec::with_capacity(CONNECTIONS);
    for _ in 0..CONNECTIONS {
        pool.push(tokio::sync::Mutex::new(connect(database_url).await?));
    }
    let state = Arc::new(AppState {
        pool,
        next: AtomicUsize::new(0),
        bundle_keys: super::bundle_keys(tls_dir)?.public(),
    });
    let (cert, key) = certificate_paths(tls_dir);
    let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(&cert, &key)
        .await
        .map_err(|source| HubError::File {
            path: cert.display().to_string(),
            source,
        })?;
    let app = Router::new()
        .route("/health", get(health))
        .route("/enrol", post(enrol))
        .route("/push", post(push))
        .route("/pull", post(pull))
        .layer(DefaultBodyLimit::max(64 * 1024 * 1024))
        .with_state(state);
    listener
        .set_nonblocking(true)
        .map_err(|source| HubError::File {
            path: String::from("listener"),
            source,
        })?;
    axum_server::from_tcp_rustls(listener, config)
        .handle(handle)
        .serve(app.into_make_service())
        .await
        .map_err(|source| HubError::File {
            path: String::from("listener"),
            source,
        })
}
