//! The authority on this computer as `authority.json` holds it: public
//! facts only (its certificate, its keychain account, its revocations and
//! its last revocation list), and what can be read from them.

use std::path::PathBuf;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{file, AuthorityError, Revoked};
use crate::engine::SignedBy;
use crate::ids::{Fingerprint, Serial};
use crate::store::Record;

/// The last revocation list made, for the reminders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CrlMade {
    pub number: u64,
    pub this_update: Timestamp,
    pub next_update: Timestamp,
    /// Revocations it lists (a later revocation makes it out of date).
    pub revoked: usize,
    pub file: String,
    /// The serials it listed: no later list may leave one out.
    #[serde(default)]
    pub serials: Vec<Serial>,
}

impl CrlMade {
    /// What was saved and until when servers accept it, the day read in `zone`.
    pub fn saved_text(&self, zone: &jiff::tz::TimeZone) -> String {
        format!(
            "Saved the revocation list ({} revoked) at {}. Servers accept it until {}: export it again before then, or they refuse every client certificate.",
            self.revoked,
            self.file,
            crate::clock::local_day(self.next_update, zone)
        )
    }
}

/// The authority on this computer: public facts only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Authority {
    pub name: String,
    pub subject: String,
    pub serial: Serial,
    pub sha256_fingerprint: Fingerprint,
    pub not_before: Timestamp,
    pub not_after: Timestamp,
    pub certificate_pem: String,
    /// Where its private key is: service `AuthCert`, this account.
    pub keychain_account: String,
    pub created_at: Timestamp,
    /// Restored from a backup (the file's path), rather than created here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restored_from: Option<String>,
    #[serde(default)]
    pub revoked: Vec<Revoked>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_crl: Option<CrlMade>,
    /// The number of the last revocation list made before this computer
    /// had it (a backup's, or one kept from before a removal): the next
    /// list counts on from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crl_number_floor: Option<u64>,
}

impl Authority {
    /// Paths as the admin reads them (see `Record::plain_paths`).
    pub(crate) fn plain_paths(mut self) -> Authority {
        use crate::platform::files::plain;
        self.restored_from = self.restored_from.as_deref().map(plain);
        if let Some(crl) = &mut self.last_crl {
            crl.file = plain(&crl.file);
        }
        self
    }

    pub fn certificate_der(&self) -> Result<Vec<u8>, AuthorityError> {
        pem::parse(&self.certificate_pem)
            .ok()
            .filter(|p| p.tag() == "CERTIFICATE")
            .map(|p| p.into_contents())
            .ok_or_else(|| AuthorityError::Damaged {
                path: PathBuf::from(file::NAME),
                reason: "its certificate cannot be read".into(),
            })
    }

    pub fn signed_by(&self) -> SignedBy {
        SignedBy {
            name: self.name.clone(),
            sha256_fingerprint: self.sha256_fingerprint,
        }
    }

    /// Whether `record` was signed by this authority.
    pub fn signed(&self, record: &Record) -> bool {
        record
            .signed_by
            .as_ref()
            .is_some_and(|s| s.sha256_fingerprint == self.sha256_fingerprint)
    }

    /// The revocation of a listed certificate: by its fingerprint, or by
    /// its serial when this authority signed it (revoked by serial).
    pub fn revocation_of(&self, record: &Record) -> Option<&Revoked> {
        let signed = self.signed(record);
        self.revoked.iter().find(|r| {
            r.sha256_fingerprint == Some(record.described.sha256_fingerprint)
                || (signed && r.serial == record.described.serial)
        })
    }

    /// Whether this authority signed the certificate `der`: its issuer is
    /// the authority's subject and its signature verifies with the
    /// authority's key (for files made elsewhere and added).
    pub fn issued(&self, der: &[u8]) -> bool {
        let Ok(own) = self.certificate_der() else {
            return false;
        };
        let (Ok((_, ca)), Ok((_, cert))) = (
            x509_parser::parse_x509_certificate(&own),
            x509_parser::parse_x509_certificate(der),
        ) else {
            return false;
        };
        cert.issuer().as_raw() == ca.subject().as_raw()
            && !cert.is_ca()
            && cert.verify_signature(Some(ca.public_key())).is_ok()
    }

    /// The number the next revocation list must exceed.
    pub(super) fn last_crl_number(&self) -> u64 {
        self.last_crl
            .as_ref()
            .map_or(0, |c| c.number)
            .max(self.crl_number_floor.unwrap_or(0))
    }

    /// Whether the last revocation list exported misses a revocation.
    pub fn crl_out_of_date(&self) -> bool {
        self.last_crl
            .as_ref()
            .is_some_and(|c| c.revoked < self.revoked.len())
    }
}
