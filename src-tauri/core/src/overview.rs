//! What the list of certificates looks like to the admin, for the window's
//! Home and details and for `authcert list` alike: statuses, dates in the
//! admin's current time zone (the one the statuses count days in, stated on
//! screen), the reminder's words. The actions on a listed certificate
//! (remove, its password from the keychain, a replacement's settings) are
//! here too, so that no front end repeats a rule.

use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde::Serialize;
use zeroize::Zeroizing;

use crate::authority::Authority;
use crate::engine::{Choice, Clock, SignerKind};
use crate::keychain::{self, KeychainError, Keychains};
use crate::store::{self, Record, Status, Store, StoreError};

/// A moment as the admin reads it: `2027-03-31 23:59:59 CEST`.
pub fn local_time(t: Timestamp, zone: &TimeZone) -> String {
    t.to_zoned(zone.clone())
        .strftime("%Y-%m-%d %H:%M:%S %Z")
        .to_string()
}

/// The day of a moment in `zone`: `2027-03-31`.
pub fn local_day(t: Timestamp, zone: &TimeZone) -> String {
    t.to_zoned(zone.clone()).date().to_string()
}

/// The reminder's words, or None when nothing is due: the banner, the
/// desktop notification and the command line all say this.
pub fn reminder_text(expiring: usize, expired: usize, days: u32) -> Option<String> {
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    let text = match (expiring, expired) {
        (0, 0) => return None,
        (n, 0) => format!(
            "{} within {days} days.",
            plural(n, "certificate expires", "certificates expire")
        ),
        (0, m) => format!(
            "{}.",
            plural(m, "certificate has expired", "certificates have expired")
        ),
        (n, m) => format!(
            "{} within {days} days and {}.",
            plural(n, "certificate expires", "certificates expire"),
            plural(m, "has expired", "have expired")
        ),
    };
    let what = if expiring + expired == 1 {
        "Replace it before the integration that uses it stops working (open it, then Replace…)."
    } else {
        "Replace them before the integrations that use them stop working (open one, then Replace…)."
    };
    Some(format!("{text} {what}"))
}

/// The authority's reminders, or None when nothing is due: its own
/// expiry, its revocation list's next update (after which nginx and Apache
/// refuse every client certificate), and a revocation not exported yet.
pub fn authority_reminder(a: &Authority, reminder_days: u32, clock: &Clock) -> Option<String> {
    let mut parts = Vec::new();
    let day = |t| local_day(t, &clock.zone);
    match Status::of(a.not_after, clock.now, &clock.zone, reminder_days) {
        Status::Expired { .. } => parts.push(format!(
            "The issuing authority “{}” expired on {}: servers that trust it refuse every certificate it signed. Remove it (Issuing authority › Remove authority…), create a new one, give its certificate to your servers, and replace the certificates it signed.",
            a.name, day(a.not_after)
        )),
        status @ Status::Expiring { .. } => parts.push(format!(
            "The issuing authority “{}” {} ({}): every certificate it signed stops working then, and it signs none that outlive it. Before then: back it up if needed, remove it, create a new one, give its certificate to your servers, and replace the certificates it signed.",
            a.name, status.text(), day(a.not_after)
        )),
        Status::Valid { .. } => {}
    }
    if let Some(crl) = &a.last_crl {
        match Status::of(crl.next_update, clock.now, &clock.zone, reminder_days) {
            Status::Expired { .. } => parts.push(format!(
                "The revocation list of “{}” ran out on {}: servers that read it (nginx, Apache) now refuse every client certificate. Export it again and give it to your servers.",
                a.name, day(crl.next_update)
            )),
            Status::Expiring { .. } => parts.push(format!(
                "Export the revocation list of “{}” again before {} and give it to your servers: after that day, servers that read it refuse every client certificate.",
                a.name, day(crl.next_update)
            )),
            Status::Valid { .. } => {}
        }
    }
    if a.crl_out_of_date() {
        parts.push(
            "A certificate was revoked after the last revocation list was exported: export the list again (Issuing authority › Export revocation list) and give it to your servers, or they still accept that certificate.".to_string(),
        );
    } else if a.last_crl.is_none() && !a.revoked.is_empty() {
        parts.push(
            "A certificate was revoked, but no revocation list has been exported yet: export one (Issuing authority › Export revocation list) and give it to your servers, or they still accept that certificate.".to_string(),
        );
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

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
        _ => "itself (self-signed)".to_string(),
    }
}

/// Who signed a listed certificate, for a column of Home.
fn signer_short(r: &Record) -> String {
    match (&r.signed_by, &r.added) {
        (Some(s), _) => s.name.clone(),
        (None, Some(a)) if !a.self_signed => a.issuer.clone(),
        _ => "Self-signed".to_string(),
    }
}

/// One row of Home.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    pub id: String,
    pub nickname: String,
    /// The last day of validity, in the admin's current zone.
    pub expires: String,
    pub status: Status,
    pub status_text: String,
    pub file: String,
    pub in_keychain: bool,
    /// Made elsewhere and added to the list.
    pub added: bool,
    /// Who signed it: an authority's name, or "Self-signed".
    pub signed_by: String,
    /// Revoked by the authority on this computer.
    pub revoked: bool,
}

/// Home: every certificate, soonest expiry first, and the reminder.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Home {
    pub certificates: Vec<Row>,
    pub reminder_days: u32,
    pub expiring: usize,
    pub expired: usize,
    /// The banner's and the notification's words, when something is due.
    pub reminder: Option<String>,
    /// The issuing authority's reminder, when something is due.
    pub authority_reminder: Option<String>,
    /// The zone every date on screen is in, and statuses count days in,
    /// and the sentence that says so.
    pub zone: String,
    pub zone_text: String,
    pub list_path: String,
}

impl Home {
    pub fn of(
        records: Vec<Record>,
        authority: Option<&Authority>,
        reminder_days: u32,
        clock: &Clock,
        list_path: String,
    ) -> Home {
        let certificates: Vec<Row> = records
            .into_iter()
            .map(|r| {
                let status = r.status(clock.now, &clock.zone, reminder_days);
                let revoked = authority.and_then(|a| a.revocation_of(&r));
                Row {
                    status_text: match revoked {
                        Some(v) => format!("revoked on {}", local_day(v.at, &clock.zone)),
                        None => status.text(),
                    },
                    status,
                    revoked: revoked.is_some(),
                    signed_by: signer_short(&r),
                    expires: local_day(r.not_after, &clock.zone),
                    in_keychain: r.in_keychain(),
                    added: r.added.is_some(),
                    id: r.sha256_fingerprint,
                    nickname: r.nickname,
                    file: r.file,
                }
            })
            .collect();
        // A revoked certificate needs no replacing reminder: it is done.
        let count = |due: fn(&Status) -> bool| {
            certificates
                .iter()
                .filter(|r| !r.revoked && due(&r.status))
                .count()
        };
        let expired = count(|s| matches!(s, Status::Expired { .. }));
        let expiring = count(|s| matches!(s, Status::Expiring { .. }));
        Home {
            reminder: reminder_text(expiring, expired, reminder_days),
            authority_reminder: authority.and_then(|a| authority_reminder(a, reminder_days, clock)),
            certificates,
            reminder_days,
            expiring,
            expired,
            zone_text: format!(
                "Dates are in your time zone, {}; statuses count days there.",
                clock.zone_name()
            ),
            zone: clock.zone_name(),
            list_path,
        }
    }
}

/// Everything PRODUCT.md lists for a certificate's details.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Details {
    pub id: String,
    pub nickname: String,
    pub subject: String,
    pub serial: String,
    pub sha256_fingerprint: String,
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
}

impl Details {
    pub fn of(
        r: Record,
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
                    " Export the revocation list (Issuing authority › Export revocation list) and give it to your servers: until then they still accept it."
                } else {
                    ""
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
                "{}{} by {} on {}",
                capitalised(t.verdict.label()),
                t.http_status
                    .map(|s| format!(" (HTTP {s})"))
                    .unwrap_or_default(),
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
            None => "Made by AuthCert on this computer".to_string(),
        };
        let signed_by = signer_words(&r, authority);
        Details {
            can_revoke: ours.is_some() && revoked.is_none(),
            revoked_text,
            replacement_text,
            can_test: r.added.as_ref().is_none_or(|a| a.has_key),
            added: r.added.is_some(),
            origin_text,
            signed_by,
            last_test_text,
            last_test_url: r.last_test.as_ref().map(|t| t.url.clone()),
            issued: local_time(r.not_before, &clock.zone),
            expires: local_time(r.not_after, &clock.zone),
            zone: clock.zone_name(),
            status_text: match revoked {
                Some(v) => format!("revoked on {}", local_day(v.at, &clock.zone)),
                None => status.text(),
            },
            status,
            file_exists: std::path::Path::new(&r.file).is_file(),
            in_keychain: r.in_keychain(),
            keychain_text,
            key_type: r
                .added
                .as_ref()
                .map_or_else(|| r.key_type.label().to_string(), |a| a.key.clone()),
            signature_hash: r.added.as_ref().map_or_else(
                || r.signature_hash.label().to_string(),
                |a| a.signature.clone(),
            ),
            encryption: match &r.added {
                None => r.encryption.label().to_string(),
                Some(a) => a
                    .protection
                    .clone()
                    .unwrap_or_else(|| "none: a public certificate, without its key".into()),
            },
            id: r.sha256_fingerprint.clone(),
            sha256_fingerprint: r.sha256_fingerprint,
            nickname: r.nickname,
            subject: r.subject,
            serial: r.serial,
            sha1_thumbprint: r.sha1_thumbprint,
            file: r.file,
        }
    }
}

fn capitalised(words: &str) -> String {
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The form's starting values for a replacement: the same settings and a
/// free nickname.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Replacement {
    pub replaces: String,
    pub nickname: String,
    pub key_type: &'static str,
    pub signature_hash: &'static str,
    pub encryption: &'static str,
    /// Signed by the same authority when it is still on this computer.
    pub signed_by: &'static str,
}

/// The settings of the certificate `id` with a nickname free in the list
/// and beside `pending` (a certificate waiting to be saved).
pub fn replacement(
    store: &Store,
    id: &str,
    pending: Option<&str>,
) -> Result<Replacement, StoreError> {
    let records = store.load()?.records;
    // An unreadable authority file makes the replacement self-signed; the
    // form then says why when the admin picks the authority.
    let authority = crate::authority::load(store).ok().flatten();
    let old = records
        .iter()
        .find(|r| r.sha256_fingerprint == id)
        .ok_or(StoreError::NotFound)?;
    let taken = records.iter().map(|r| r.nickname.as_str()).chain(pending);
    Ok(Replacement {
        replaces: old.nickname.clone(),
        nickname: store::replacement_nickname(&old.nickname, taken),
        key_type: old.key_type.token(),
        signature_hash: old.signature_hash.token(),
        encryption: old.encryption.token(),
        signed_by: if authority.is_some_and(|a| a.signed(old)) {
            SignerKind::Authority.token()
        } else {
            SignerKind::SelfSigned.token()
        },
    })
}

/// Why an action on a listed certificate failed.
#[derive(Debug, thiserror::Error)]
pub enum ListedError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Keychain(#[from] KeychainError),
    #[error("The password of “{0}” was not saved in the keychain.")]
    NotInKeychain(String),
}

/// The listed certificate's password, read from its keychain entry.
pub fn password(
    store: &Store,
    keychains: &Keychains,
    id: &str,
) -> Result<Zeroizing<String>, ListedError> {
    let r = store.get(id)?;
    let account = r
        .keychain_account
        .ok_or_else(|| ListedError::NotInKeychain(r.nickname.clone()))?;
    Ok(keychains.open()?.read(&account)?)
}

/// Takes a certificate off the list (its file is never touched). With
/// `also_keychain`, its keychain entry goes first: if that fails, nothing
/// is removed.
pub fn remove(
    store: &Store,
    keychains: &Keychains,
    id: &str,
    also_keychain: bool,
) -> Result<Record, ListedError> {
    let r = store.get(id)?;
    if also_keychain {
        if let Some(account) = &r.keychain_account {
            match keychains.open()?.delete(account) {
                Ok(()) | Err(KeychainError::NotFound) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(store.remove(id)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reminder_words() {
        assert_eq!(reminder_text(0, 0, 30), None);
        assert!(reminder_text(1, 0, 30)
            .unwrap()
            .starts_with("1 certificate expires within 30 days."));
        assert!(reminder_text(2, 1, 14)
            .unwrap()
            .starts_with("2 certificates expire within 14 days and 1 has expired."));
        assert!(reminder_text(1, 0, 30).unwrap().ends_with(
            "Replace it before the integration that uses it stops working (open it, then Replace…)."
        ));
        assert!(reminder_text(0, 3, 30)
            .unwrap()
            .starts_with("3 certificates have expired."));
    }

    #[test]
    fn dates_are_read_in_the_current_zone() {
        let t: Timestamp = "2027-03-31T21:59:59Z".parse().unwrap();
        let berlin = TimeZone::get("Europe/Berlin").unwrap();
        let tokyo = TimeZone::get("Asia/Tokyo").unwrap();
        assert_eq!(local_day(t, &berlin), "2027-03-31");
        assert_eq!(local_day(t, &tokyo), "2027-04-01");
        assert_eq!(local_time(t, &berlin), "2027-03-31 23:59:59 CEST");
    }

    fn authority(not_after: &str) -> Authority {
        Authority {
            name: "Acme".into(),
            subject: "CN=Acme".into(),
            serial: "01".into(),
            sha256_fingerprint: "AA:BB".into(),
            not_before: "2026-01-01T00:00:00Z".parse().unwrap(),
            not_after: not_after.parse().unwrap(),
            certificate_pem: String::new(),
            keychain_account: "Authority: Acme (AABB)".into(),
            created_at: "2026-01-01T00:00:00Z".parse().unwrap(),
            restored_from: None,
            revoked: Vec::new(),
            last_crl: None,
            crl_number_floor: None,
        }
    }

    fn clock() -> Clock {
        Clock {
            now: "2026-12-02T10:00:00Z".parse().unwrap(),
            zone: TimeZone::get("Europe/Berlin").unwrap(),
        }
    }

    #[test]
    fn the_authority_reminds_of_its_expiry_and_its_revocation_list() {
        let mut a = authority("2036-12-02T22:59:59Z");
        assert_eq!(authority_reminder(&a, 30, &clock()), None);
        a.not_after = "2026-12-20T22:59:59Z".parse().unwrap();
        let text = authority_reminder(&a, 30, &clock()).unwrap();
        assert!(
            text.contains("“Acme” expires in 18 days (2026-12-20)"),
            "{text}"
        );
        a.not_after = "2026-12-01T22:59:59Z".parse().unwrap();
        let text = authority_reminder(&a, 30, &clock()).unwrap();
        assert!(text.contains("expired on 2026-12-01"), "{text}");

        let mut a = authority("2036-12-02T22:59:59Z");
        a.last_crl = Some(crate::authority::CrlMade {
            number: 1,
            this_update: "2026-06-01T00:00:00Z".parse().unwrap(),
            next_update: "2026-12-10T00:00:00Z".parse().unwrap(),
            revoked: 0,
            file: "/tmp/crl.pem".into(),
            serials: Vec::new(),
        });
        let text = authority_reminder(&a, 30, &clock()).unwrap();
        assert!(text.contains("again before 2026-12-10"), "{text}");
        a.last_crl.as_mut().unwrap().next_update = "2026-12-01T00:00:00Z".parse().unwrap();
        let text = authority_reminder(&a, 30, &clock()).unwrap();
        assert!(text.contains("ran out on 2026-12-01"), "{text}");
        a.last_crl.as_mut().unwrap().next_update = "2027-05-01T00:00:00Z".parse().unwrap();
        assert_eq!(authority_reminder(&a, 30, &clock()), None);
        a.revoked.push(crate::authority::Revoked {
            serial: "01".into(),
            sha256_fingerprint: Some("CC".into()),
            nickname: Some("Old".into()),
            at: clock().now,
            reason: crate::authority::Reason::Superseded,
        });
        let text = authority_reminder(&a, 30, &clock()).unwrap();
        assert!(
            text.contains("revoked after the last revocation list"),
            "{text}"
        );
    }
}
