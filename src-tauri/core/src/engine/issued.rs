//! What the engine hands back: the file, its password, and the public facts.

use std::fmt;

use jiff::Timestamp;
use zeroize::Zeroizing;

use super::choices::{Choice, Encryption, KeyType, SignatureHash};
use super::password::Password;
use crate::ids::{Fingerprint, Serial};

/// What a certificate is, as the list records it and every screen shows it:
/// public, safe to show, log and store. An issued certificate's facts and a
/// listed certificate's record both hold one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Described {
    /// SHA-256 of the certificate: its id in the list.
    pub sha256_fingerprint: Fingerprint,
    pub nickname: String,
    /// The subject as a distinguished name, e.g. `CN=Billing API`.
    pub subject: String,
    pub serial: Serial,
    /// SHA-1 of the certificate (Windows' "thumbprint"), plain upper-case hex.
    pub sha1_thumbprint: String,
    pub not_before: Timestamp,
    pub not_after: Timestamp,
    /// The time zone the end date was read in (IANA name or offset).
    pub zone: String,
    /// notAfter as a wall-clock time in that zone, e.g. `2027-03-31 23:59:59 CEST`.
    pub not_after_local: String,
    pub key_type: KeyType,
    pub signature_hash: SignatureHash,
    pub encryption: Encryption,
}

/// Public facts about an issued certificate: what it is, who signed it, and
/// the certificate itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub described: Described,
    /// The authority that signed it; None: self-signed, or requested.
    pub signed_by: Option<super::signer::SignedBy>,
    /// The certificate authority that signed it, by name, when it answered
    /// a request made here (`requested`).
    pub requested_from: Option<String>,
    /// The public certificate, DER.
    pub certificate_der: Vec<u8>,
}

impl Facts {
    /// The public certificate as PEM.
    pub fn certificate_pem(&self) -> String {
        pem_of_certificate(&self.certificate_der)
    }

    /// A short human summary, without any secret.
    pub fn summary(&self) -> String {
        format!(
            "Subject:         {}\nValid until:     {} ({}; {} UTC)\nKey:             {}, signed with {}\nFile protection: {}\nSHA-256:         {}",
            self.described.subject,
            self.described.not_after_local,
            self.described.zone,
            self.described.not_after.strftime("%Y-%m-%d %H:%M:%S"),
            self.described.key_type.label(),
            self.described.signature_hash.label(),
            self.described.encryption.label(),
            self.described.sha256_fingerprint
        ) + &self
            .signed_by
            .as_ref()
            .map(|s| format!("\nSigned by:       {} (the issuing authority on this computer)", s.name))
            .unwrap_or_default()
            + &self
                .requested_from
                .as_ref()
                .map(|ca| format!("\nSigned by:       {ca} (a certificate authority, answering this computer's request)"))
                .unwrap_or_default()
    }
}

/// The result of issuing: the PKCS#12 bytes, the password that opens them,
/// and the facts. The secrets are wiped from memory when this is dropped and
/// never appear in its Debug output.
pub struct Issued {
    pub p12: Zeroizing<Vec<u8>>,
    pub password: Password,
    pub facts: Facts,
}

impl fmt::Debug for Issued {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Issued")
            .field("p12", &format_args!("<{} bytes>", self.p12.len()))
            .field("password", &self.password)
            .field("facts", &self.facts)
            .finish()
    }
}

/// A DER certificate as PEM, with LF line endings.
pub fn pem_of_certificate(der: &[u8]) -> String {
    let pem = pem::Pem::new("CERTIFICATE", der.to_vec());
    pem::encode_config(
        &pem,
        pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF),
    )
}
