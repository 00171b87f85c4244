//! What the authority no longer vouches for, and the rule that keeps it so:
//! a revoked certificate stays revoked. Revocations only grow — a backup
//! carries them (as a signed revocation list inside the `.p12`), removing
//! the authority keeps them (in `revocations.json`) unless the admin says
//! otherwise, restoring the same authority merges them back, and no list is
//! ever published without a serial an earlier list of the same authority
//! named. There is no un-revoke: RFC 5280's removeFromCRL exists only for
//! certificates on hold, which AuthCert never puts.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::engine::{Field, FieldError};
use crate::ids::{Fingerprint, Serial};

/// Why a revoked certificate was revoked (RFC 5280 reason codes an admin
/// can tell apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    #[default]
    Unspecified,
    KeyCompromise,
    Superseded,
    CessationOfOperation,
    AffiliationChanged,
}

impl Reason {
    pub const ALL: [Reason; 5] = [
        Reason::Unspecified,
        Reason::KeyCompromise,
        Reason::Superseded,
        Reason::CessationOfOperation,
        Reason::AffiliationChanged,
    ];

    pub fn token(self) -> &'static str {
        match self {
            Reason::Unspecified => "unspecified",
            Reason::KeyCompromise => "key-compromise",
            Reason::Superseded => "superseded",
            Reason::CessationOfOperation => "cessation-of-operation",
            Reason::AffiliationChanged => "affiliation-changed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Reason::Unspecified => "No reason given",
            Reason::KeyCompromise => "Its file or password may have been exposed",
            Reason::Superseded => "It was replaced by a new certificate",
            Reason::CessationOfOperation => "The integration is no longer used",
            Reason::AffiliationChanged => "It now belongs to someone else",
        }
    }

    pub fn parse(raw: &str) -> Result<Reason, FieldError> {
        let wanted = raw.trim().to_ascii_lowercase();
        if wanted.is_empty() {
            return Ok(Reason::Unspecified);
        }
        Reason::ALL
            .into_iter()
            .find(|r| r.token() == wanted)
            .ok_or_else(|| {
                let tokens: Vec<&str> = Reason::ALL.iter().map(|r| r.token()).collect();
                FieldError::new(
                    Field::RevocationReason,
                    format!(
                        "“{}” is not one of the reasons; choose one of: {}.",
                        crate::text::shown(&raw.trim().chars().take(40).collect::<String>()),
                        tokens.join(", ")
                    ),
                )
            })
    }

    /// The reason an RFC 5280 reason code stands for (codes AuthCert does
    /// not write, such as certificateHold, count as unspecified).
    pub fn of_code(code: u8) -> Reason {
        match code {
            1 => Reason::KeyCompromise,
            3 => Reason::AffiliationChanged,
            4 => Reason::Superseded,
            5 => Reason::CessationOfOperation,
            _ => Reason::Unspecified,
        }
    }
}

/// A certificate the authority no longer vouches for. Revoked by its
/// serial; the list's nickname and fingerprint when it was listed here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Revoked {
    pub serial: Serial,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256_fingerprint: Option<Fingerprint>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nickname: Option<String>,
    pub at: Timestamp,
    pub reason: Reason,
}

impl Revoked {
    /// How the admin knows it: its nickname, or its serial.
    pub fn name(&self) -> String {
        match &self.nickname {
            Some(n) => format!("“{n}”"),
            None => format!("serial {}", self.serial),
        }
    }
}

/// A serial as typed (`--serial`): hex digits, with or without colons, up
/// to 20 bytes (RFC 5280: the most a conforming authority makes).
pub fn parse_serial(raw: &str) -> Result<Serial, FieldError> {
    let refuse = || {
        FieldError::new(
            Field::Serial,
            format!(
                "“{}” is not a serial number; give it in hexadecimal as `authcert list` or the certificate's details show it, such as 4F:1A:09:… (up to 20 bytes).",
                crate::text::shown(&raw.trim().chars().take(70).collect::<String>())
            ),
        )
    };
    let trimmed = raw.trim();
    if !trimmed.chars().all(|c| c.is_ascii_hexdigit() || c == ':') {
        return Err(refuse());
    }
    match Serial::parse(trimmed) {
        Ok(serial) if serial.bytes().len() <= 20 => Ok(serial),
        _ => Err(refuse()),
    }
}

/// Adds `more` to `into`, one entry per serial: an entry known already
/// keeps its date and reason and gains a nickname or fingerprint it lacked.
/// Answers how many serials were new.
pub fn merge(into: &mut Vec<Revoked>, more: impl IntoIterator<Item = Revoked>) -> usize {
    let mut added = 0;
    for r in more {
        match into.iter_mut().find(|have| have.serial == r.serial) {
            Some(have) => {
                if have.nickname.is_none() {
                    have.nickname = r.nickname;
                }
                if have.sha256_fingerprint.is_none() {
                    have.sha256_fingerprint = r.sha256_fingerprint;
                }
            }
            None => {
                into.push(r);
                added += 1;
            }
        }
    }
    added
}

/// The revocations of an authority that was removed, kept so that a
/// restore of it brings them back (`revocations.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Kept {
    pub name: String,
    /// The authority's certificate's SHA-256: restoring it merges these.
    pub sha256_fingerprint: Fingerprint,
    pub revoked: Vec<Revoked>,
    /// The number of its last revocation list: later ones count on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_crl_number: Option<u64>,
    pub removed_at: Timestamp,
}

/// The revocations a CRL made by this authority lists, read from `der`:
/// the list's signature must verify with `authority_der`'s key, and its
/// issuer must be that certificate's subject. Answers them with the CRL's
/// number.
pub fn read_crl(der: &[u8], authority_der: &[u8]) -> Result<(Vec<Revoked>, u64), String> {
    let (_, crl) =
        x509_parser::parse_x509_crl(der).map_err(|e| format!("its revocation list: {e}"))?;
    let (_, cert) = x509_parser::parse_x509_certificate(authority_der)
        .map_err(|e| format!("its certificate: {e}"))?;
    if crl.issuer().as_raw() != cert.subject().as_raw() {
        return Err("its revocation list is another authority's".into());
    }
    crl.verify_signature(cert.public_key())
        .map_err(|_| "its revocation list is not signed by its key".to_string())?;
    let number = crl
        .crl_number()
        .and_then(|n| u64::try_from(n.clone()).ok())
        .unwrap_or(0);
    let revoked = crl
        .iter_revoked_certificates()
        .map(|r| {
            let at = Timestamp::from_second(r.revocation_date.timestamp())
                .map_err(|e| format!("a revocation's date: {e}"))?;
            Ok(Revoked {
                serial: Serial::from_bytes(r.raw_serial())
                    .map_err(|e| format!("a revocation's serial: {e}"))?,
                sha256_fingerprint: None,
                nickname: None,
                at,
                reason: r
                    .reason_code()
                    .map_or(Reason::Unspecified, |(_, code)| Reason::of_code(code.0)),
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok((revoked, number))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn revoked(serial: &str, nickname: Option<&str>) -> Revoked {
        Revoked {
            serial: Serial::parse(serial).unwrap(),
            sha256_fingerprint: None,
            nickname: nickname.map(String::from),
            at: "2026-12-01T00:00:00Z".parse().unwrap(),
            reason: Reason::KeyCompromise,
        }
    }

    #[test]
    fn serials_are_read_in_the_lists_notation() {
        assert_eq!(parse_serial("4f1a09").unwrap().to_string(), "4F:1A:09");
        assert_eq!(parse_serial(" 4F:1A:09 ").unwrap().to_string(), "4F:1A:09");
        for bad in ["", "xyz", "4F1", "4F-1A", &"AB".repeat(21), "4F:1A\u{1b}"] {
            let e = parse_serial(bad).unwrap_err();
            assert_eq!(e.field, Field::Serial, "{bad}");
            assert!(!e.message.contains('\u{1b}'), "{}", e.message);
        }
    }

    #[test]
    fn merging_keeps_one_entry_per_serial_and_never_drops_one() {
        let mut have = vec![revoked("01", None), revoked("02", Some("Billing"))];
        let added = merge(
            &mut have,
            [revoked("01", Some("Payments")), revoked("03", None)],
        );
        assert_eq!(added, 1);
        let serials: Vec<String> = have.iter().map(|r| r.serial.to_string()).collect();
        assert_eq!(serials, ["01", "02", "03"]);
        assert_eq!(have[0].nickname.as_deref(), Some("Payments"));
        assert_eq!(merge(&mut have, []), 0);
        assert_eq!(have.len(), 3);
    }

    #[test]
    fn reason_codes_map_back() {
        for r in Reason::ALL {
            let code = match r {
                Reason::Unspecified => 0,
                Reason::KeyCompromise => 1,
                Reason::AffiliationChanged => 3,
                Reason::Superseded => 4,
                Reason::CessationOfOperation => 5,
            };
            assert_eq!(Reason::of_code(code), r);
        }
        assert_eq!(Reason::of_code(6), Reason::Unspecified);
    }
}
