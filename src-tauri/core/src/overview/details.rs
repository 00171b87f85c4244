//! A listed certificate's details, in words: every public fact, its
//! status, where its password is, its last test, who signed it, and what a
//! replacement means for the servers.

use serde::Serialize;

use crate::authority::{export_after_revoking, Authority, Exporting};
use crate::clock::{local_day, local_time, Clock};
use crate::engine::Choice;
use crate::ids::{Fingerprint, Serial};
use crate::keychain;
use crate::store::{Record, Status};

use super::usage::IntegrationView;

/// Who signed a listed certificate, in words.
fn signer_words(r: &Record, authority: Option<&Authority>) -> String {
    match (&r.signed_by, &r.added) {
        (Some(s), _) if authority.is_some_and(|a| a.signed(r)) => {
            format!("{} (the issuing authority on this computer)", s.name)
        }
        (Some(s), _) => format!(
            "{} (an issuing authority no longer on this computer)",
            s.name
        ),
        (None, Some(a)) if !a.self_signed => a.issuer.clone(),
        _ => match &r.requested_from {
            Some(ca) => format!("{ca} (a certificate authority, answering a request made here)"),
            None => "itself (self-signed)".to_string(),
        },
    }
}

/// Everything the details screen and `authcert list --json` show of a
/// listed certificate.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Details {
    pub id: Fingerprint,
    pub nickname: String,
    pub subject: String,
    pub serial: Serial,
    pub sha256_fingerprint: Fingerprint,
    pub sha1_thumbprint: String,
    /// Issued and expiry, in the admin's current zone (`zone`).
    pub issued: String,
    pub expires: String,
    pub zone: String,
    pub status: Status,
    pub status_text: String,
    /// As they really are (for an added certificate, read from its file).
    pub key_type: String,
    pub signature_hash: String,
    pub encryption: String,
    pub file: String,
    pub file_exists: bool,
    pub in_keychain: bool,
    /// Where the password is, in words (or that it is not stored).
    pub keychain_text: String,
    /// The last test against an API, in words ("never tested").
    pub last_test_text: String,
    /// The address it was made with.
    pub last_test_url: Option<String>,
    /// Made elsewhere and added to the list.
    pub added: bool,
    /// Where it comes from, in words.
    pub origin_text: String,
    /// Who signed it, in words.
    pub signed_by: String,
    /// Its file holds the key, so it can be tested with an API.
    pub can_test: bool,
    /// Signed by the authority on this computer and not revoked.
    pub can_revoke: bool,
    /// When and why it was revoked, in words.
    pub revoked_text: Option<String>,
    /// What a replacement means for the servers, in words.
    pub replacement_text: String,
    /// Where it is used: the APIs it calls, each with its last result
    /// (and, for a replacement or a replaced one, whether it moved).
    pub integrations: Vec<IntegrationView>,
    /// For a replacement or a replaced certificate: the checklist's words.
    pub moving_text: Option<String>,
}

impl Details {
    /// The details of `r`, one of `records` (the whole list, for its
    /// replacement's checklist).
    pub fn of(
        r: Record,
        records: &[Record],
        authority: Option<&Authority>,
        reminder_days: u32,
        clock: &Clock,
    ) -> Details {
        let status = r.status(clock.now, &clock.zone, reminder_days);
        let ours = authority.filter(|a| a.signed(&r));
        let revoked = ours.and_then(|a| a.revocation_of(&r));
        let revoked_text = revoked.map(|v| {
            format!(
                "Revoked on {} ({}). Servers that read the authority's newest revocation list refuse it.{}",
                local_time(v.at, &clock.zone),
                v.reason.label().to_lowercase(),
                if ours.is_some_and(|a| a.crl_out_of_date() || a.last_crl.is_none()) {
                    format!(" {}", export_after_revoking(Exporting::Window))
                } else {
                    String::new()
                }
            )
        });
        let replacement_text = match ours {
            Some(a) => format!("A replacement is signed by “{}” too: servers that trust it accept the replacement with no change.", a.name),
            None => "A replacement is a new certificate: give it to every service that checks this one.".to_string(),
        };
        let keychain_text = match &r.keychain_account {
            Some(account) => keychain::where_stored(account),
            None => "Password not stored in the keychain".into(),
        };
        let last_test_text = match &r.last_test {
            Some(t) => format!(
                "{} by {} on {}",
                super::usage::result_words(t),
                t.url,
                local_time(t.at, &clock.zone)
            ),
            None => "Not tested yet".into(),
        };
        let origin_text = match &r.added {
            Some(a) => format!(
                "Added to the list (made elsewhere): {}{}.",
                a.format,
                if a.client_auth {
                    ""
                } else {
                    "; not meant for client authentication"
                },
            ),
            None if r.requested_from.is_some() => {
                "Requested from a certificate authority; the key was made on this computer"
                    .to_string()
            }
            None => "Made by AuthCert on this computer".to_string(),
        };
        let signed_by = signer_words(&r, authority);
        let integrations = IntegrationView::all(&r, records, clock);
        Details {
            integrations,
            moving_text: super::usage::moving_text(&r, records),
            can_revoke: ours.is_some() && revoked.is_none(),
            revoked_text,
            replacement_text,
            can_test: r.added.as_ref().is_none_or(|a| a.has_key),
            added: r.added.is_some(),
            origin_text,
            signed_by,
            last_test_text,
            last_test_url: r.last_test.as_ref().map(|t| t.url.clone()),
            issued: local_time(r.described.not_before, &clock.zone),
            expires: local_time(r.described.not_after, &clock.zone),
            zone: clock.zone_name(),
            status_text: match revoked {
                Some(v) => format!("revoked on {}", local_day(v.at, &clock.zone)),
                None => status.text(),
            },
            status,
            file_exists: std::path::Path::new(&r.file).is_file(),
            in_keychain: r.in_keychain(),
            keychain_text,
            key_type: r.added.as_ref().map_or_else(
                || r.described.key_type.label().to_string(),
                |a| a.key.clone(),
            ),
            signature_hash: r.added.as_ref().map_or_else(
                || r.described.signature_hash.label().to_string(),
                |a| a.signature.clone(),
            ),
            encryption: match &r.added {
                None => r.described.encryption.label().to_string(),
                Some(a) => a
                    .protection
                    .clone()
                    .unwrap_or_else(|| "none: a public certificate, without its key".into()),
            },
            id: r.described.sha256_fingerprint,
            sha256_fingerprint: r.described.sha256_fingerprint,
            nickname: r.described.nickname,
            subject: r.described.subject,
            serial: r.described.serial,
            sha1_thumbprint: r.described.sha1_thumbprint,
            file: r.file,
        }
    }
}
