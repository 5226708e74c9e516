//! The national hub (feature `hub`; `yuva hub init|enroll|serve`): the merged registry in
//! PostgreSQL, served over HTTPS (rustls, a certificate the hub makes for itself and devices
//! pin at enrolment) to enrolled devices that sign every request with their own key.
//!
//! PostgreSQL holds ordinary tables the Social Services Agency can query and back up with
//! PostgreSQL's own tools: `offices`, `devices`, `records` (every family and child, its owning
//! office, version and change sequence; views `families` and `children` give them as columns),
//! `record_history` (every version ever taken in: the change log), `conflicts`, `batches` (the
//! answer to every batch, so that a batch sent twice is taken once) and each device's
//! confirmed audit-log head (a log rewritten after a sync is refused at the next one).
//!
//! What an office receives follows least privilege: its own records; the national office
//! everything; and, for matching across district lines, the approved families of its economic
//! region (and the withdrawal of one no longer approved) — without their private details
//! (carers' phones and birth dates, the second carer, the household, address, notes, checks;
//! the home's coordinates rounded to about a kilometre).

mod bundle;
mod schema;
mod server;

use std::path::{Path, PathBuf};

pub use bundle::{Taken, take_bundle};
pub use server::{Hub, serve};

use crate::sync::protocol::{Token, hex};

#[derive(Debug, thiserror::Error)]
pub enum HubError {
    #[error("PostgreSQL: {0}")]
    Database(#[from] tokio_postgres::Error),
    #[error("{0}")]
    Input(String),
    #[error("cannot use {path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
}

pub type Result<T> = std::result::Result<T, HubError>;

/// The hub's certificate and key, in its TLS folder.
pub fn certificate_paths(tls_dir: &Path) -> (PathBuf, PathBuf) {
    (tls_dir.join("hub-cert.pem"), tls_dir.join("hub-key.pem"))
}

/// The hub's own keys for offline bundles (to sign its bundles and open the devices'), in its
/// TLS folder beside the certificate's key (owner-only), made the first time.
pub fn bundle_keys(tls_dir: &Path) -> Result<crate::sync::bundle::Keys> {
    let path = tls_dir.join("hub-bundle-key");
    let file_error = |source| HubError::File {
        path: path.display().to_string(),
        source,
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => crate::sync::bundle::Keys::from_hex(&text)
            .ok_or_else(|| HubError::Input(format!("{} is not a key", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(tls_dir).map_err(file_error)?;
            let mut secret = [0u8; 32];
            getrandom::fill(&mut secret)
                .map_err(|e| HubError::Input(format!("the bundle key cannot be made: {e}")))?;
            // tempfile makes the file owner-only.
            crate::files::write_atomically(&path, hex(&secret).as_bytes()).map_err(file_error)?;
            Ok(crate::sync::bundle::Keys::from_secret(&secret))
        }
        Err(e) => Err(file_error(e)),
    }
}

/// Connects to PostgreSQL (the connection is driven on the current tokio runtime).
pub async fn connect(database_url: &str) -> Result<tokio_postgres::Client> {
    let (client, connection) = tokio_postgres::connect(database_url, tokio_postgres::NoTls).await?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            eprintln!("yuva hub: PostgreSQL connection: {e}");
        }
    });
    Ok(client)
}

/// Creates the hub's tables (again harmlessly) and, if its TLS folder has none, a certificate
/// for `hosts` and its key (owner-only). Returns the certificate's SHA-256.
pub async fn init(database_url: &str, tls_dir: &Path, hosts: &[String]) -> Result<String> {
    let client = connect(database_url).await?;
    client.batch_execute(schema::SCHEMA).await?;
    let (cert_path, key_path) = certificate_paths(tls_dir);
    if !cert_path.exists() {
        let file_error = |path: &Path| {
            let path = path.display().to_string();
            move |source| HubError::File { path, source }
        };
        std::fs::create_dir_all(tls_dir).map_err(file_error(tls_dir))?;
        let mut names: Vec<String> = hosts.to_vec();
        if names.is_empty() {
            names = vec![String::from("localhost"), String::from("127.0.0.1")];
        }
        let made = rcgen::generate_simple_self_signed(names)
            .map_err(|e| HubError::Input(format!("the certificate cannot be made: {e}")))?;
        crate::files::write_atomically(&key_path, made.signing_key.serialize_pem().as_bytes())
            .map_err(file_error(&key_path))?;
        crate::files::write_atomically(&cert_path, made.cert.pem().as_bytes())
            .map_err(file_error(&cert_path))?;
    }
    bundle_keys(tls_dir)?;
    certificate_sha256(tls_dir)
}

/// The SHA-256 of the hub's certificate (DER), which devices pin.
pub fn certificate_sha256(tls_dir: &Path) -> Result<String> {
    use sha2::{Digest, Sha256};
    let (cert_path, _) = certificate_paths(tls_dir);
    let pem = std::fs::read(&cert_path).map_err(|source| HubError::File {
        path: cert_path.display().to_string(),
        source,
    })?;
    let der = rustls_pemfile_der(&pem)
        .ok_or_else(|| HubError::Input(format!("{} holds no certificate", cert_path.display())))?;
    Ok(hex(&Sha256::digest(&der)))
}

/// The first certificate of a PEM text, as DER.
fn rustls_pemfile_der(pem: &[u8]) -> Option<Vec<u8>> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    CertificateDer::pem_slice_iter(pem)
        .next()?
        .ok()
        .map(|c| c.as_ref().to_vec())
}

/// An office's economic region (its code is a district or city of the gazetteer; the
/// national office's is empty).
fn economic_region(office: &str) -> Option<String> {
    let gazetteer = crate::geo::Gazetteer::embedded().ok()?;
    gazetteer
        .is_district(office)
        .then(|| gazetteer.unit(office).map(|u| u.economic_region.clone()))
        .flatten()
}

/// The national office's code.
pub const NATIONAL: &str = "NAT";

/// A one-time enrolment token for a device of `office` (a district or city code of the
/// gazetteer, or `NAT`, the national office), made known to the hub first.
pub async fn enroll(database_url: &str, tls_dir: &Path, office: &str) -> Result<Token> {
    let office = office.trim().to_uppercase();
    let national = office == NATIONAL;
    let region = if national {
        String::new()
    } else {
        economic_region(&office).ok_or_else(|| {
            HubError::Input(format!(
                "{office} is not a district or city code of the gazetteer (e.g. AZ-SM), nor {NATIONAL}"
            ))
        })?
    };
    let certificate = certificate_sha256(tls_dir)?;
    let client = connect(database_url).await?;
    client
        .execute(
            "INSERT INTO offices(code, national, economic_region) VALUES ($1, $2, $3)
             ON CONFLICT (code) DO NOTHING",
            &[&office, &national, &region],
        )
        .await?;
    let secret = crate::store::random_hex(16);
    client
        .execute(
            "INSERT INTO enrolment_tokens(secret_sha256, office) VALUES ($1, $2)",
            &[&sha256_hex(secret.as_bytes()), &office],
        )
        .await?;
    Ok(Token {
        office,
        secret,
        certificate_sha256: certificate,
    })
}

/// A device as the hub's administrator reviews it.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceStatus {
    pub office: String,
    pub device: String,
    pub name: String,
    pub enrolled_at: String,
    /// The last batch or bundle taken from it.
    pub last_seen: Option<String>,
    pub records: i64,
    pub conflicts: i64,
    /// When a sync found its audit log changed after the hub had confirmed it.
    pub audit_rewritten_at: Option<String>,
}

/// Every enrolled device: its office, when it last sent, the records its office owns at the
/// hub, the conflicts it met, and whether its audit log was found rewritten.
pub async fn status(database_url: &str) -> Result<Vec<DeviceStatus>> {
    let client = connect(database_url).await?;
    let rows = client
        .query(
            "SELECT d.office, d.id, d.name,
                    to_char(d.enrolled_at, 'YYYY-MM-DD HH24:MI'),
                    to_char(greatest((SELECT max(at) FROM batches b WHERE b.device = d.id),
                                     (SELECT max(at) FROM bundles u WHERE u.device = d.id)),
                            'YYYY-MM-DD HH24:MI'),
                    (SELECT count(*) FROM records r
                     WHERE r.office = d.office AND r.entity IN ('family', 'child')),
                    (SELECT count(*) FROM conflicts c WHERE c.device = d.id),
                    to_char(d.audit_rewritten_at, 'YYYY-MM-DD HH24:MI')
             FROM devices d ORDER BY d.office, d.enrolled_at",
            &[],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| DeviceStatus {
            office: r.get(0),
            device: r.get(1),
            name: r.get(2),
            enrolled_at: r.get(3),
            last_seen: r.get(4),
            records: r.get(5),
            conflicts: r.get(6),
            audit_rewritten_at: r.get(7),
        })
        .collect())
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex(&Sha256::digest(bytes))
}
