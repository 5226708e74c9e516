//! The registry's side of the conversation with the hub: enrolment, then syncs.

use std::sync::Arc;
use std::time::Duration;

use ed25519_dalek::{Signer, SigningKey};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::protocol::*;
use crate::domain::Context;
use crate::store::sync::{Enrolment, Pending};
use crate::store::{Store, StoreError};

/// Records per pushed batch and per pulled page.
pub const BATCH: usize = 200;
/// Times a batch is sent again after the connection failed (the hub takes it once).
const RETRIES: usize = 3;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("this registry is not enrolled with a hub: enrol it first with a token")]
    NotEnrolled,
    #[error("the enrolment token is not one `yuva hub enroll` gives")]
    Token,
    #[error("the hub cannot be reached at {url}: {reason}")]
    Network { url: String, reason: String },
    #[error("the hub refused: {0}")]
    Refused(String),
    #[error("{0}")]
    Bundle(#[from] super::bundle::BundleError),
    #[error("cannot use {path}: {reason}")]
    File { path: String, reason: String },
}

/// How far a sync is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncProgress {
    Pushed { records: usize },
    Pulled { records: usize },
}

/// What a sync did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SyncReport {
    pub pushed: usize,
    pub pulled: usize,
    pub added: usize,
    pub updated: usize,
    /// Conflicts opened by this sync (pushed ones and pulled ones).
    pub conflicts: usize,
}

/// Accepts exactly the hub certificate whose SHA-256 the registry was enrolled with (the hub
/// makes its own; no certificate authority is involved), and checks the handshake's
/// signatures as rustls does.
#[derive(Debug)]
struct Pinned {
    sha256: String,
    provider: Arc<rustls::crypto::CryptoProvider>,
}

impl rustls::client::danger::ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &rustls::pki_types::CertificateDer<'_>,
        _intermediates: &[rustls::pki_types::CertificateDer<'_>],
        _server_name: &rustls::pki_types::ServerName<'_>,
        _ocsp: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        use sha2::{Digest, Sha256};
        if hex(&Sha256::digest(end_entity.as_ref())) == self.sha256 {
            Ok(rustls::client::danger::ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(String::from(
                "the hub's certificate is not the one this registry was enrolled with",
            )))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

fn http_client(certificate_sha256: &str) -> Result<reqwest::blocking::Client, SyncError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| SyncError::Refused(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(Pinned {
            sha256: certificate_sha256.to_lowercase(),
            provider,
        }))
        .with_no_client_auth();
    reqwest::blocking::Client::builder()
        .use_preconfigured_tls(config)
        .timeout(Duration::from_secs(120))
        .connect_timeout(Duration::from_secs(15))
        .build()
        .map_err(|e| SyncError::Refused(e.to_string()))
}

/// A connection to the hub as an enrolled device.
pub struct Hub {
    client: reqwest::blocking::Client,
    url: String,
    device: String,
    key: SigningKey,
}

fn network(url: &str, error: &reqwest::Error) -> SyncError {
    // The innermost cause says what happened (refused, certificate, timeout).
    let mut reason = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        reason = inner.to_string();
        source = inner.source();
    }
    SyncError::Network {
        url: url.to_owned(),
        reason,
    }
}

fn answer<T: DeserializeOwned>(
    url: &str,
    response: reqwest::blocking::Response,
) -> Result<T, SyncError> {
    let status = response.status();
    if status.is_success() {
        response.json().map_err(|e| network(url, &e))
    } else {
        let text = response.text().unwrap_or_default();
        Err(SyncError::Refused(format!(
            "{} {}",
            status.as_u16(),
            text.lines().next().unwrap_or_default()
        )))
    }
}

impl Hub {
    /// The hub this registry is enrolled with, and its device's key.
    pub fn of(store: &Store) -> Result<Hub, SyncError> {
        use crate::store::sync::{DEVICE_ID, DEVICE_KEY, HUB_CERTIFICATE, HUB_URL};
        let setting = |key| -> Result<String, SyncError> {
            store.setting(key)?.ok_or(SyncError::NotEnrolled)
        };
        let key_bytes: [u8; 32] = unhex(&setting(DEVICE_KEY)?)
            .and_then(|b| b.try_into().ok())
            .ok_or(SyncError::NotEnrolled)?;
        Ok(Hub {
            client: http_client(&setting(HUB_CERTIFICATE)?)?,
            url: setting(HUB_URL)?.trim_end_matches('/').to_owned(),
            device: setting(DEVICE_ID)?,
            key: SigningKey::from_bytes(&key_bytes),
        })
    }

    /// A signed POST: the device, the time and the signature over method, path, time and body.
    fn post<Q: Serialize, A: DeserializeOwned>(
        &self,
        path: &str,
        body: &Q,
    ) -> Result<A, SyncError> {
        let body = serde_json::to_vec(body).map_err(|e| SyncError::Refused(e.to_string()))?;
        let url = format!("{}{path}", self.url);
        let response = self.send_signed(path, body, chrono::Utc::now().timestamp())?;
        answer(&url, response)
    }

    /// Sends `body` to `path` signed as made at `time` (seconds since 1970, UTC), and gives the
    /// hub's response as it came.
    pub fn send_signed(
        &self,
        path: &str,
        body: Vec<u8>,
        time: i64,
    ) -> Result<reqwest::blocking::Response, SyncError> {
        let signature = self.key.sign(&signed_message("POST", path, time, &body));
        let url = format!("{}{path}", self.url);
        self.client
            .post(&url)
            .header(DEVICE_HEADER, &self.device)
            .header(TIME_HEADER, time.to_string())
            .header(SIGNATURE_HEADER, hex(&signature.to_bytes()))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .map_err(|e| network(&url, &e))
    }
}

/// Enrols the open registry with the hub at `url` using a one-time `token`: the device's key
/// is made here and only its public half leaves. Administrators only.
pub fn enrol(
    store: &mut Store,
    url: &str,
    token: &str,
    device_name: &str,
) -> Result<EnrolResponse, SyncError> {
    store.may_enrol()?;
    let token = Token::parse(token).ok_or(SyncError::Token)?;
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| SyncError::Refused(e.to_string()))?;
    let key = SigningKey::from_bytes(&secret);
    let sealing = super::bundle::Keys::from_secret(&secret).public().sealing;
    let client = http_client(&token.certificate_sha256)?;
    let url = url.trim_end_matches('/').to_owned();
    let endpoint = format!("{url}/enrol");
    let response = client
        .post(&endpoint)
        .json(&EnrolRequest {
            protocol: PROTOCOL,
            token: token.text(),
            public_key: hex(key.verifying_key().as_bytes()),
            sealing_key: sealing,
            device_name: device_name.to_owned(),
        })
        .send()
        .map_err(|e| network(&endpoint, &e))?;
    let enrolled: EnrolResponse = answer(&endpoint, response)?;
    store.enrol(&Enrolment {
        office: enrolled.office.clone(),
        national: enrolled.national,
        hub_url: url,
        certificate_sha256: token.certificate_sha256.clone(),
        device: enrolled.device.clone(),
        device_key_hex: hex(&secret),
        hub_keys: if enrolled.hub_keys.is_complete() {
            serde_json::to_string(&enrolled.hub_keys).unwrap_or_default()
        } else {
            String::new()
        },
    })?;
    Ok(enrolled)
}

/// Sends `batch` (retrying a failed connection: the hub takes a batch once, so a retry after
/// a lost answer doubles nothing).
fn push_batch(hub: &Hub, request: &PushRequest) -> Result<PushResponse, SyncError> {
    let mut attempt = 0;
    loop {
        match hub.post("/push", request) {
            Err(SyncError::Network { .. }) if attempt < RETRIES => {
                attempt += 1;
                std::thread::sleep(Duration::from_millis(500 * attempt as u64));
            }
            other => return other,
        }
    }
}

/// One sync: every local change up, then every change this office may see down.
pub fn sync(
    store: &mut Store,
    ctx: &Context<'_>,
    progress: &dyn Fn(SyncProgress),
) -> Result<SyncReport, SyncError> {
    store.may(crate::domain::access::Action::EditRecords)?;
    let hub = Hub::of(store)?;
    let mut report = SyncReport::default();
    loop {
        let pending: Vec<Pending> = store.sync_pending(BATCH)?;
        if pending.is_empty() {
            break;
        }
        let request = PushRequest {
            protocol: PROTOCOL,
            batch: crate::store::random_hex(16),
            records: pending.iter().map(|p| p.record.clone()).collect(),
            audit: store.audit_head()?,
        };
        let response = push_batch(&hub, &request)?;
        report.conflicts +=
            store.sync_pushed(&pending, &response.results, response.audit_confirmed_id)?;
        report.pushed += pending
            .iter()
            .filter(|p| p.record.entity.is_record())
            .count();
        progress(SyncProgress::Pushed {
            records: report.pushed,
        });
    }
    let mut cursor = store.pull_cursor()?;
    loop {
        let page: PullResponse = hub.post(
            "/pull",
            &PullRequest {
                protocol: PROTOCOL,
                since: cursor,
                limit: BATCH,
            },
        )?;
        let applied = store.sync_apply(&page.records, ctx)?;
        report.pulled += page.records.iter().filter(|r| r.entity.is_record()).count();
        report.added += applied.added;
        report.updated += applied.updated;
        report.conflicts += applied.conflicts;
        cursor = page.cursor;
        // Kept after each page: a sync cut short resumes from here.
        store.sync_done(
            cursor,
            &chrono::Local::now().format("%Y-%m-%d %H:%M").to_string(),
        )?;
        progress(SyncProgress::Pulled {
            records: report.pulled,
        });
        if !page.more {
            break;
        }
    }
    Ok(report)
}
