//! Offline bundles: the sync's batches carried on a USB stick for an office without a
//! connection. `yuva sync export` writes the registry's pending batches into a bundle for the
//! hub; `yuva hub bundle` takes it in (as it takes pushes) and writes the answer, with the
//! records the office may see, into a bundle for that device; `yuva sync import` applies it.
//!
//! A bundle is sealed to the side that receives it and signed by the side that made it:
//! the contents (JSON, deflated) are encrypted with XChaCha20-Poly1305 under a key agreed by
//! X25519 between a fresh key of the bundle's and the receiver's long-term key (HKDF-SHA256),
//! and the header and ciphertext are signed with the sender's ed25519 key (a device's own key;
//! the hub's bundle key). The header is also the cipher's associated data: a changed byte
//! anywhere is refused. Each side numbers its bundles and the other refuses a number it has
//! already taken in, so that a bundle copied and taken in again (a replay) is refused.
//!
//! The file: a first line `YUVASYNC1`, the header's JSON on the second, the signature (hex) on
//! the third, then the ciphertext.

use std::io::Read;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::protocol::{IncomingRecord, PushRequest, PushResponse, hex, unhex};

/// The extension of bundle files.
pub const EXTENSION: &str = "yuvasync";
const MAGIC: &str = "YUVASYNC1";
/// Contents larger than this are refused before they are inflated (a bundle of 100,000
/// records is well under it).
const MAX_CONTENTS: u64 = 2 * 1024 * 1024 * 1024;

/// Which way a bundle travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    ToHub,
    ToDevice,
}

/// What a bundle says of itself, in the clear (and signed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub direction: Direction,
    pub id: String,
    /// The device it comes from (to the hub) or is for (to a device).
    pub device: String,
    pub office: String,
    /// The sender's count of bundles: a number already taken in is a replay.
    pub sequence: i64,
    pub created_at: String,
    /// The bundle's own X25519 public key (hex), for the key agreement.
    pub ephemeral_key: String,
    pub nonce: String,
}

/// What a device sends: its batches, as it would push them, and where its pull stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToHub {
    pub batches: Vec<PushRequest>,
    pub pull_since: i64,
}

/// What the hub answers: the answer to each batch, and the records the office may see since.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToDevice {
    /// The device's bundle this answers.
    pub in_reply_to: String,
    pub answers: Vec<BatchAnswer>,
    /// Why the hub took none of the batches (an audit log rewritten on the device), if so.
    pub refused: Option<String>,
    pub records: Vec<IncomingRecord>,
    pub cursor: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchAnswer {
    pub batch: String,
    pub response: PushResponse,
}

/// Why a bundle is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    #[error("this file is not a Yuva sync bundle")]
    NotABundle,
    #[error(
        "the bundle was changed after it was made (its signature or seal does not match): nothing was taken in"
    )]
    Tampered,
    #[error("this bundle (number {sequence}) was taken in already: a bundle is taken in once")]
    Replayed { sequence: i64 },
    #[error("this bundle is for another device ({device}, office {office})")]
    OtherDevice { device: String, office: String },
    #[error("this bundle was made for the hub, not for a registry: take it to the hub")]
    ForTheHub,
    #[error("this bundle is the hub's answer for a registry: take it in there (yuva sync import)")]
    ForARegistry,
    #[error("this bundle answers one this registry did not make, or one already answered")]
    Unanswered,
    #[error(
        "this registry was enrolled before bundles existed: enrol it again to exchange bundles"
    )]
    NoKeys,
    #[error("the system's random source failed")]
    NoRandom,
}

/// A party's long-term keys: ed25519 to sign, X25519 to open what is sealed to it, both from
/// one 32-byte secret (the X25519 key is derived apart, so the two keys are never the same).
#[derive(Clone)]
pub struct Keys {
    signing: SigningKey,
    opening: x25519_dalek::StaticSecret,
}

impl Keys {
    pub fn from_secret(secret: &[u8; 32]) -> Keys {
        let derived: [u8; 32] = Sha256::new()
            .chain_update(b"yuva bundle x25519\0")
            .chain_update(secret)
            .finalize()
            .into();
        Keys {
            signing: SigningKey::from_bytes(secret),
            opening: x25519_dalek::StaticSecret::from(derived),
        }
    }

    /// Reads a secret in hex (as kept in the registry or the hub's folder).
    pub fn from_hex(secret: &str) -> Option<Keys> {
        let bytes: [u8; 32] = unhex(secret.trim())?.try_into().ok()?;
        Some(Keys::from_secret(&bytes))
    }

    /// The public halves, in hex: what the other side needs.
    pub fn public(&self) -> PublicKeys {
        PublicKeys {
            verifying: hex(self.signing.verifying_key().as_bytes()),
            sealing: hex(x25519_dalek::PublicKey::from(&self.opening).as_bytes()),
        }
    }
}

/// The public keys of a party, hex: to check its signature, and to seal bundles to it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicKeys {
    pub verifying: String,
    pub sealing: String,
}

impl PublicKeys {
    fn verifying_key(&self) -> Option<VerifyingKey> {
        let bytes: [u8; 32] = unhex(&self.verifying)?.try_into().ok()?;
        VerifyingKey::from_bytes(&bytes).ok()
    }

    fn sealing_key(&self) -> Option<x25519_dalek::PublicKey> {
        let bytes: [u8; 32] = unhex(&self.sealing)?.try_into().ok()?;
        Some(x25519_dalek::PublicKey::from(bytes))
    }

    pub fn is_complete(&self) -> bool {
        self.verifying_key().is_some() && self.sealing_key().is_some()
    }
}

fn random<const N: usize>() -> Result<[u8; N], BundleError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|_| BundleError::NoRandom)?;
    Ok(bytes)
}

/// The cipher's key, agreed between the bundle's ephemeral key and the receiver's.
fn cipher_key(shared: &[u8; 32], ephemeral: &[u8; 32], receiver: &[u8; 32]) -> [u8; 32] {
    let mut salt = Vec::with_capacity(64);
    salt.extend_from_slice(ephemeral);
    salt.extend_from_slice(receiver);
    let mut key = [0u8; 32];
    // 32 bytes is always a valid HKDF-SHA256 output length.
    let _ = hkdf::Hkdf::<Sha256>::new(Some(&salt), shared).expand(b"yuva sync bundle 1", &mut key);
    key
}

/// Seals `contents` to `receiver` and signs the whole with `sender`: the bundle's bytes.
/// `header` gives who, which way and the number; its key and nonce are filled in here.
pub fn seal<T: Serialize>(
    mut header: Header,
    contents: &T,
    sender: &Keys,
    receiver: &PublicKeys,
) -> Result<Vec<u8>, BundleError> {
    let receiver_key = receiver.sealing_key().ok_or(BundleError::NoKeys)?;
    let ephemeral = x25519_dalek::StaticSecret::from(random::<32>()?);
    let ephemeral_public = x25519_dalek::PublicKey::from(&ephemeral);
    let nonce = random::<24>()?;
    header.ephemeral_key = hex(ephemeral_public.as_bytes());
    header.nonce = hex(&nonce);
    let header_json = serde_json::to_string(&header).map_err(|_| BundleError::NotABundle)?;

    let mut deflater = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    serde_json::to_writer(&mut deflater, contents).map_err(|_| BundleError::NotABundle)?;
    let plain = deflater.finish().map_err(|_| BundleError::NotABundle)?;

    let shared = ephemeral.diffie_hellman(&receiver_key);
    let key = cipher_key(
        shared.as_bytes(),
        ephemeral_public.as_bytes(),
        receiver_key.as_bytes(),
    );
    let ciphertext = XChaCha20Poly1305::new(&key.into())
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &plain,
                aad: header_json.as_bytes(),
            },
        )
        .map_err(|_| BundleError::NotABundle)?;
    let signature = sender.signing.sign(&signed(&header_json, &ciphertext));

    let mut file = Vec::with_capacity(ciphertext.len() + header_json.len() + 200);
    file.extend_from_slice(MAGIC.as_bytes());
    file.push(b'\n');
    file.extend_from_slice(header_json.as_bytes());
    file.push(b'\n');
    file.extend_from_slice(hex(&signature.to_bytes()).as_bytes());
    file.push(b'\n');
    file.extend_from_slice(&ciphertext);
    Ok(file)
}

/// What is signed: the header's text and the ciphertext's SHA-256.
fn signed(header_json: &str, ciphertext: &[u8]) -> Vec<u8> {
    let mut message = header_json.as_bytes().to_vec();
    message.push(b'\n');
    message.extend_from_slice(&Sha256::digest(ciphertext));
    message
}

/// A bundle read from its bytes, its signature and seal not yet checked.
pub struct Sealed<'a> {
    pub header: Header,
    header_json: &'a str,
    signature: [u8; 64],
    ciphertext: &'a [u8],
}

/// Reads a bundle's header (to know whose keys open it).
pub fn read(bytes: &[u8]) -> Result<Sealed<'_>, BundleError> {
    let mut parts = bytes.splitn(4, |b| *b == b'\n');
    let (Some(magic), Some(header), Some(signature), Some(ciphertext)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(BundleError::NotABundle);
    };
    if magic != MAGIC.as_bytes() {
        return Err(BundleError::NotABundle);
    }
    let header_json = std::str::from_utf8(header).map_err(|_| BundleError::Tampered)?;
    let header: Header = serde_json::from_str(header_json).map_err(|_| BundleError::Tampered)?;
    let signature: [u8; 64] = std::str::from_utf8(signature)
        .ok()
        .and_then(unhex)
        .and_then(|s| s.try_into().ok())
        .ok_or(BundleError::Tampered)?;
    Ok(Sealed {
        header,
        header_json,
        signature,
        ciphertext,
    })
}

impl Sealed<'_> {
    /// Checks the sender's signature, opens the seal with the receiver's keys and reads the
    /// contents.
    pub fn open<T: serde::de::DeserializeOwned>(
        &self,
        sender: &PublicKeys,
        receiver: &Keys,
    ) -> Result<T, BundleError> {
        let verifying = sender.verifying_key().ok_or(BundleError::NoKeys)?;
        verifying
            .verify_strict(
                &signed(self.header_json, self.ciphertext),
                &ed25519_dalek::Signature::from_bytes(&self.signature),
            )
            .map_err(|_| BundleError::Tampered)?;
        let ephemeral: [u8; 32] = unhex(&self.header.ephemeral_key)
            .and_then(|k| k.try_into().ok())
            .ok_or(BundleError::Tampered)?;
        let nonce: [u8; 24] = unhex(&self.header.nonce)
            .and_then(|n| n.try_into().ok())
            .ok_or(BundleError::Tampered)?;
        let ephemeral = x25519_dalek::PublicKey::from(ephemeral);
        let shared = receiver.opening.diffie_hellman(&ephemeral);
        let receiver_public = x25519_dalek::PublicKey::from(&receiver.opening);
        let key = cipher_key(
            shared.as_bytes(),
            ephemeral.as_bytes(),
            receiver_public.as_bytes(),
        );
        let plain = XChaCha20Poly1305::new(&key.into())
            .decrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: self.ciphertext,
                    aad: self.header_json.as_bytes(),
                },
            )
            .map_err(|_| BundleError::Tampered)?;
        let mut json = Vec::new();
        flate2::read::DeflateDecoder::new(plain.as_slice())
            .take(MAX_CONTENTS)
            .read_to_end(&mut json)
            .map_err(|_| BundleError::Tampered)?;
        serde_json::from_slice(&json).map_err(|_| BundleError::Tampered)
    }
}

/// A new bundle's header (its key and nonce are filled in when sealed).
pub fn header(
    direction: Direction,
    device: &str,
    office: &str,
    sequence: i64,
) -> Result<Header, BundleError> {
    Ok(Header {
        direction,
        id: hex(&random::<16>()?),
        device: device.to_owned(),
        office: office.to_owned(),
        sequence,
        created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        ephemeral_key: String::new(),
        nonce: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(seed: u8) -> Keys {
        Keys::from_secret(&[seed; 32])
    }

    #[test]
    fn a_bundle_opens_with_the_right_keys_only() {
        let (device, hub) = (keys(1), keys(2));
        let contents = ToHub {
            batches: Vec::new(),
            pull_since: 42,
        };
        let bytes = seal(
            header(Direction::ToHub, "d1", "AZ-SM", 1).expect("header"),
            &contents,
            &device,
            &hub.public(),
        )
        .expect("sealed");
        let sealed = read(&bytes).expect("a bundle");
        assert_eq!(sealed.header.device, "d1");
        let opened: ToHub = sealed.open(&device.public(), &hub).expect("opens");
        assert_eq!(opened, contents);
        // Another receiver cannot open it; another sender's key does not check.
        assert_eq!(
            sealed.open::<ToHub>(&device.public(), &keys(3)).err(),
            Some(BundleError::Tampered)
        );
        assert_eq!(
            sealed.open::<ToHub>(&keys(3).public(), &hub).err(),
            Some(BundleError::Tampered)
        );
    }

    #[test]
    fn any_changed_byte_is_refused() {
        let (device, hub) = (keys(1), keys(2));
        let bytes = seal(
            header(Direction::ToHub, "d1", "AZ-SM", 7).expect("header"),
            &ToHub {
                batches: Vec::new(),
                pull_since: 0,
            },
            &device,
            &hub.public(),
        )
        .expect("sealed");
        for position in [12, 40, bytes.len() / 2, bytes.len() - 1] {
            let mut changed = bytes.clone();
            changed[position] ^= 0x01;
            let result = read(&changed).and_then(|s| s.open::<ToHub>(&device.public(), &hub));
            assert!(result.is_err(), "byte {position} changed was taken");
        }
        // A header edited to another number (a replay disguised) no longer checks.
        let at = bytes
            .windows(12)
            .position(|w| w == b"\"sequence\":7")
            .expect("the number in the header");
        let mut renumbered = bytes.clone();
        renumbered[at + 11] = b'8';
        let result = read(&renumbered).and_then(|s| s.open::<ToHub>(&device.public(), &hub));
        assert_eq!(result.err(), Some(BundleError::Tampered));
        assert_eq!(read(b"hello").err(), Some(BundleError::NotABundle));
    }
}
