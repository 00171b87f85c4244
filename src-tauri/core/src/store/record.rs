//! One line of the list: the public facts of a saved certificate, where its
//! file went and whether its password is in the keychain. Never the key,
//! never the password.

use std::path::Path;

use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::engine::NICKNAME_MAX_CHARS;
use crate::engine::{Described, Facts, Nickname, SignedBy};
use crate::ids::Fingerprint;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    /// What the certificate is; its SHA-256 fingerprint is the record's
    /// key. Flattened: the list's file keeps these fields at the top of
    /// each record, as every format has.
    #[serde(flatten)]
    pub described: Described,
    pub certificate_pem: String,
    /// Where the `.p12` file was saved.
    pub file: String,
    /// The keychain account holding this certificate's password (service
    /// `AuthCert`), if it is stored there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keychain_account: Option<String>,
    /// Where its PEM copy was saved, if one was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pem_file: Option<String>,
    pub recorded_at: Timestamp,
    /// The last test against an API (connect), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_test: Option<LastTest>,
    /// Made elsewhere and added to the list (import); None: made here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub added: Option<AddedFrom>,
    /// The issuing authority on this computer that signed it; None:
    /// self-signed, or made elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_by: Option<SignedBy>,
    /// The certificate authority that signed it, by name, when it answered
    /// a request made on this computer (list format 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_from: Option<String>,
    /// Where it is used: the APIs it calls, each with its own last test
    /// (list format 6).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub integrations: Vec<Integration>,
    /// The certificate this one replaces, when it was made with Replace…:
    /// it took over that one's integrations, each to move (format 6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<Fingerprint>,
}

/// One API a certificate serves, as the admin named it. Made only through
/// `integrations` (which parses the name, the address and the note); the
/// list keeps it as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Integration {
    pub name: String,
    /// An `https://` address, as a test shows it (`LastTest::url`).
    pub url: String,
    /// Where it is configured, for the admin.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// The server certificate trusted at this address beyond this
    /// computer's authorities, as a test may (`--trust-server`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust_server: Option<Fingerprint>,
    /// The last test of this certificate at this address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_test: Option<LastTest>,
    /// On a replacement: when a test of it at this address was first
    /// accepted, so the integration has moved to it; None: still to move.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved: Option<Timestamp>,
}

impl Integration {
    /// The same integration on a replacement: not tested yet, to move.
    pub fn to_move(&self) -> Integration {
        Integration {
            last_test: None,
            moved: None,
            ..self.clone()
        }
    }

    /// Says the server certificate trusted at this address beyond the
    /// computer's authorities, when there is one.
    pub fn trust_text(&self) -> Option<String> {
        self.trust_server.map(|f| {
            format!("Trusts the server certificate with SHA-256 fingerprint {f} at this address.")
        })
    }

    /// Remembers a test at its address; on a `replacement`, the first
    /// accepted one marks the integration moved.
    pub fn tested(&mut self, test: LastTest, replacement: bool) {
        if replacement && self.moved.is_none() && test.verdict == crate::tested::Kind::Accepted {
            self.moved = Some(test.at);
        }
        self.last_test = Some(test);
    }
}

/// What the list knows of a certificate made elsewhere, as read from its
/// file (the record's key type, hash and encryption are then the closest
/// AuthCert settings, for a replacement).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddedFrom {
    /// What the file is, in words.
    pub format: String,
    /// The file holds the private key (a .p12), so it can be tested.
    pub has_key: bool,
    pub issuer: String,
    pub self_signed: bool,
    /// The key and signature in words, as they really are.
    pub key: String,
    pub signature: String,
    /// How a .p12 is protected, in words.
    pub protection: Option<String>,
    pub client_auth: bool,
}

/// The outcome of the last test of a certificate against an API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LastTest {
    pub verdict: crate::tested::Kind,
    pub url: String,
    pub http_status: Option<u16>,
    pub at: Timestamp,
}

impl Record {
    pub fn new(
        facts: &Facts,
        file: &Path,
        keychain_account: Option<String>,
        now: Timestamp,
    ) -> Record {
        Record {
            described: facts.described.clone(),
            certificate_pem: facts.certificate_pem(),
            file: file.display().to_string(),
            keychain_account,
            pem_file: None,
            recorded_at: now,
            last_test: None,
            added: None,
            signed_by: facts.signed_by.clone(),
            requested_from: facts.requested_from.clone(),
            integrations: Vec::new(),
            replaces: None,
        }
    }

    /// Makes this certificate the replacement of `old`: it takes over
    /// `old`'s integrations, each to move.
    pub fn replacing(&mut self, old: &Record) {
        self.replaces = Some(old.described.sha256_fingerprint);
        self.integrations = old.integrations.iter().map(Integration::to_move).collect();
    }

    /// Paths as the admin reads them: earlier Windows builds stored them
    /// as `\\?\C:\…` (platform::files::plain).
    pub(crate) fn plain_paths(&mut self) {
        use crate::platform::files::plain;
        self.file = plain(&self.file);
        self.pem_file = self.pem_file.as_deref().map(plain);
    }

    /// Whether the password is in the keychain.
    pub fn in_keychain(&self) -> bool {
        self.keychain_account.is_some()
    }

    /// Format 1 said only whether the password was in the keychain, whose
    /// entry was then named by the nickname: the record in format 2.
    pub(crate) fn upgrade_format_1(record: &mut serde_json::Value) {
        let Some(fields) = record.as_object_mut() else {
            return;
        };
        let stored = fields.remove("inKeychain") == Some(serde_json::Value::Bool(true));
        if stored {
            if let Some(nickname) = fields.get("nickname").cloned() {
                fields.insert("keychainAccount".into(), nickname);
            }
        }
    }

    /// The public certificate as DER, from the stored PEM.
    pub fn certificate_der(&self) -> Option<Vec<u8>> {
        pem::parse(&self.certificate_pem)
            .ok()
            .filter(|p| p.tag() == "CERTIFICATE")
            .map(|p| p.into_contents())
    }

    pub fn status(&self, now: Timestamp, zone: &TimeZone, reminder_days: u32) -> Status {
        Status::of(self.described.not_after, now, zone, reminder_days)
    }
}

/// Where a certificate stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Status {
    Valid {
        days: i64,
    },
    /// Inside the reminder window: `days` whole days remain (0 = today).
    Expiring {
        days: i64,
    },
    Expired {
        days_ago: i64,
    },
}

impl Status {
    /// Counted in calendar days in `zone`, as the admin reads dates: a
    /// certificate whose last day is today "expires today"; the day after,
    /// it "expired yesterday".
    pub fn of(not_after: Timestamp, now: Timestamp, zone: &TimeZone, reminder_days: u32) -> Status {
        let end = not_after.to_zoned(zone.clone()).date();
        let today = now.to_zoned(zone.clone()).date();
        let days = i64::from((end - today).get_days());
        if not_after <= now {
            Status::Expired {
                days_ago: (-days).max(0),
            }
        } else if days < i64::from(reminder_days) {
            Status::Expiring { days }
        } else {
            Status::Valid { days }
        }
    }

    /// Needs the admin's attention (reminder banner, `--expiring-within`).
    pub fn is_due(self) -> bool {
        !matches!(self, Status::Valid { .. })
    }

    /// The words on screen and in `authcert list`.
    pub fn text(self) -> String {
        match self {
            Status::Valid { .. } => "valid".into(),
            Status::Expiring { days: 0 } => "expires today".into(),
            Status::Expiring { days: 1 } => "expires tomorrow".into(),
            Status::Expiring { days } => format!("expires in {days} days"),
            Status::Expired { days_ago: 0 } => "expired today".into(),
            Status::Expired { days_ago: 1 } => "expired yesterday".into(),
            Status::Expired { days_ago } => format!("expired {days_ago} days ago"),
        }
    }
}

/// A nickname for the replacement of `old`: "<old> 2", "<old> 3", … the
/// first one free among `taken`, shortened to fit the 64-character limit.
pub fn replacement_nickname<'a>(old: &'a str, taken: impl Iterator<Item = &'a str>) -> String {
    // A trailing " N" of an earlier replacement is counted on, not repeated.
    let base = match old.rsplit_once(' ') {
        Some((stem, n)) if !stem.is_empty() && n.parse::<u32>().is_ok() => stem,
        _ => old,
    };
    let taken_keys: Vec<String> = taken
        .chain(std::iter::once(old))
        .map(Nickname::uniqueness_key_of)
        .collect();
    (2u32..)
        .map(|n| {
            let suffix = format!(" {n}");
            let room = NICKNAME_MAX_CHARS - suffix.chars().count();
            let stem: String = base.chars().take(room).collect();
            format!("{}{suffix}", stem.trim_end())
        })
        .find(|name| !taken_keys.contains(&Nickname::uniqueness_key_of(name)))
        .unwrap_or_else(|| old.to_string()) // (2..) never runs out before u32::MAX
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn statuses_count_calendar_days_in_the_zone() {
        let now = at("2026-01-10T12:00:00Z");
        let s = |end: &str, window| Status::of(at(end), now, &TimeZone::UTC, window);
        assert_eq!(s("2026-03-01T00:00:00Z", 30), Status::Valid { days: 50 });
        assert_eq!(s("2026-01-15T23:59:59Z", 30), Status::Expiring { days: 5 });
        assert_eq!(s("2026-01-10T23:59:59Z", 30).text(), "expires today");
        assert_eq!(s("2026-01-11T23:59:59Z", 30).text(), "expires tomorrow");
        assert_eq!(s("2026-01-15T23:59:59Z", 30).text(), "expires in 5 days");
        assert_eq!(s("2026-01-10T11:00:00Z", 30).text(), "expired today");
        assert_eq!(s("2026-01-09T23:59:59Z", 30).text(), "expired yesterday");
        assert_eq!(s("2025-12-01T23:59:59Z", 30).text(), "expired 40 days ago");
        // The window's edge: 30 days left is outside a 30-day window.
        assert_eq!(s("2026-02-09T23:59:59Z", 30), Status::Valid { days: 30 });
        assert_eq!(s("2026-02-08T23:59:59Z", 30), Status::Expiring { days: 29 });
        assert!(!s("2026-03-01T00:00:00Z", 30).is_due());
        assert!(s("2025-03-01T00:00:00Z", 30).is_due());
        // The same instant is another calendar day further east.
        let tokyo = TimeZone::get("Asia/Tokyo").unwrap();
        let end = at("2026-01-15T14:59:59Z"); // 23:59:59 in Tokyo
        assert_eq!(
            Status::of(end, now, &tokyo, 30),
            Status::Expiring { days: 5 }
        );
    }

    #[test]
    fn replacement_nicknames_are_free_and_fit() {
        let taken = ["Billing API", "billing api 2", "Other"];
        assert_eq!(
            replacement_nickname("Billing API", taken.iter().copied()),
            "Billing API 3"
        );
        assert_eq!(
            replacement_nickname("Billing API 3", taken.iter().copied()),
            "Billing API 4"
        );
        assert_eq!(
            replacement_nickname("Other", taken.iter().copied()),
            "Other 2"
        );
        let long = "x".repeat(64);
        let r = replacement_nickname(&long, [long.as_str()].into_iter());
        assert_eq!(r.chars().count(), 64);
        assert!(r.ends_with(" 2"));
        assert!(Nickname::parse(&r, [long.as_str()]).is_ok());
    }
}
