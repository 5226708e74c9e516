//! What a registry and the national hub say to each other, as JSON over HTTPS: enrolment,
//! pushing local changes in idempotent batches, pulling others' changes page by page. Shared
//! by the client (`sync::client`) and the hub (`hub`), so that both read the same shapes.

use serde::{Deserialize, Serialize};

pub use crate::domain::sync::{AuditPosition, Entity, IncomingRecord, OutgoingRecord, PushResult};

/// The protocol's version; a hub refuses a client that speaks another.
pub const PROTOCOL: u32 = 1;

/// The headers a device signs its requests with.
pub const DEVICE_HEADER: &str = "x-yuva-device";
pub const TIME_HEADER: &str = "x-yuva-time";
pub const SIGNATURE_HEADER: &str = "x-yuva-signature";

/// How far a signed request's time may be from the hub's clock, in seconds.
pub const CLOCK_SKEW_S: i64 = 600;

/// `POST /enrol`: a one-time token from `yuva hub enroll` and the device's public key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnrolRequest {
    pub protocol: u32,
    pub token: String,
    /// The device's ed25519 public key, hex.
    pub public_key: String,
    /// The device's X25519 key (hex) the hub seals offline bundles to.
    #[serde(default)]
    pub sealing_key: String,
    pub device_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnrolResponse {
    pub device: String,
    pub office: String,
    /// The national office sees every office's records.
    pub national: bool,
    /// The hub's keys for offline bundles: to check its bundles, and to seal ours to it.
    #[serde(default)]
    pub hub_keys: crate::sync::bundle::PublicKeys,
}

/// `POST /push`: one batch of local changes. Sending the same batch again (after a lost
/// answer) returns the first answer and changes nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushRequest {
    pub protocol: u32,
    pub batch: String,
    pub records: Vec<OutgoingRecord>,
    pub audit: AuditPosition,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushResponse {
    pub results: Vec<PushResult>,
    /// The audit entry the hub now holds as this device's confirmed head.
    pub audit_confirmed_id: i64,
}

/// `POST /pull`: changes after `since` (the hub's change sequence) that this office may see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullRequest {
    pub protocol: u32,
    pub since: i64,
    pub limit: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullResponse {
    pub records: Vec<IncomingRecord>,
    /// The sequence to pull after next time.
    pub cursor: i64,
    pub more: bool,
}

/// What a device signs: the method, the path, the time and the body's SHA-256.
pub fn signed_message(method: &str, path: &str, time: i64, body: &[u8]) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(body);
    format!("{method}\n{path}\n{time}\n{}", hex(&digest)).into_bytes()
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// An enrolment token: `yuva1.<office>.<secret>.<sha256 of the hub's certificate>`, all in
/// characters that survive being read out over the phone or typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub office: String,
    pub secret: String,
    pub certificate_sha256: String,
}

impl Token {
    pub fn parse(text: &str) -> Option<Token> {
        let mut parts = text.trim().split('.');
        let (Some("yuva1"), Some(office), Some(secret), Some(cert), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return None;
        };
        let hex_of = |s: &str, len: usize| s.len() == len && unhex(s).is_some();
        (!office.is_empty() && hex_of(secret, 32) && hex_of(cert, 64)).then(|| Token {
            office: office.to_owned(),
            secret: secret.to_owned(),
            certificate_sha256: cert.to_owned(),
        })
    }

    pub fn text(&self) -> String {
        format!(
            "yuva1.{}.{}.{}",
            self.office, self.secret, self.certificate_sha256
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_reads_back_and_a_wrong_one_is_refused() {
        let token = Token {
            office: String::from("AZ-SM"),
            secret: "ab".repeat(16),
            certificate_sha256: "0f".repeat(32),
        };
        assert_eq!(Token::parse(&token.text()), Some(token));
        assert_eq!(Token::parse("yuva1.AZ-SM.abc.def"), None);
        assert_eq!(Token::parse(""), None);
    }

    #[test]
    fn hex_round_trips() {
        assert_eq!(unhex(&hex(&[0, 15, 255])), Some(vec![0, 15, 255]));
        assert_eq!(unhex("0g"), None);
    }
}
