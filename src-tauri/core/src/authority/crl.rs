//! Revoking, and the revocation list a server reads: every revocation so
//! far, signed by the authority's key, never without a serial an earlier
//! list named.

use std::path::Path;

use jiff::Timestamp;

use super::{
    check_target, file, load, profile, require, save_err, signer, AuthorityError, CrlMade, Reason,
    Revoked, CRL_DAYS,
};
use crate::engine::{Clock, SignatureHash};
use crate::ids::{Fingerprint, Serial};
use crate::keychain::Keychains;
use crate::save;
use crate::store::{Record, Store};

/// Where the admin exports the revocation list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exporting {
    Window,
    CommandLine,
}

/// What to do after a revocation so that servers refuse the certificate:
/// the window's details and the command line both say this.
pub fn export_after_revoking(at: Exporting) -> String {
    let how = match at {
        Exporting::Window => "Issuing authority › Export revocation list",
        Exporting::CommandLine => "`authcert authority crl --out FILE.pem`",
    };
    format!(
        "Export the new revocation list ({how}) and give it to your servers: until then they still accept it."
    )
}

/// What to revoke: a listed certificate (by its SHA-256 fingerprint), or
/// any certificate this authority signed, by its serial.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revoking {
    Listed(Fingerprint),
    Serial(Serial),
}

/// Revokes a certificate this authority signed. The revocation list to
/// give the server is exported separately (`export_crl`). A listed
/// certificate made elsewhere and added is accepted when the authority's
/// key signed it; the list then records who signed it.
pub fn revoke(
    store: &Store,
    what: &Revoking,
    reason: Reason,
    clock: &Clock,
) -> Result<Revoked, AuthorityError> {
    // A listed certificate that is not there is said first.
    enum Found {
        Listed(Box<Record>),
        Serial(Serial),
    }
    let found = match what {
        Revoking::Listed(id) => Found::Listed(Box::new(store.get(id)?)),
        Revoking::Serial(serial) => Found::Serial(serial.clone()),
    };
    let authority = require(load(store)?)?;
    let (serial, record) = match found {
        Found::Listed(record) => {
            let id = &record.described.sha256_fingerprint;
            if !authority.signed(&record) {
                let issued = record
                    .certificate_der()
                    .is_some_and(|der| authority.issued(&der));
                if !issued {
                    return Err(AuthorityError::NotSignedHere(
                        record.described.nickname.clone(),
                    ));
                }
                store.set_signed_by(id, Some(authority.signed_by()))?;
            }
            (record.described.serial.clone(), Some(*record))
        }
        Found::Serial(serial) => {
            // The listed certificate with that serial, if this authority
            // signed it, lends its names.
            let listed = store.load()?.records.into_iter().find(|r| {
                r.described.serial == serial
                    && (authority.signed(r)
                        || r.certificate_der().is_some_and(|d| authority.issued(&d)))
            });
            (serial, listed)
        }
    };
    file::change(store, None, |now| {
        let mut authority = require(now)?;
        if let Some(r) = authority.revoked.iter().find(|r| r.serial == serial) {
            let day = crate::clock::local_day(r.at, &clock.zone);
            let name = match &record {
                Some(listed) => format!("“{}”", listed.described.nickname),
                None => r.name(),
            };
            return Err(AuthorityError::AlreadyRevoked(name, day));
        }
        let revoked = Revoked {
            serial: serial.clone(),
            sha256_fingerprint: record.as_ref().map(|r| r.described.sha256_fingerprint),
            nickname: record.as_ref().map(|r| r.described.nickname.clone()),
            at: Timestamp::from_second(clock.now.as_second()).unwrap_or(clock.now),
            reason,
        };
        authority.revoked.push(revoked.clone());
        Ok((Some(authority), revoked))
    })
}

/// Signs a revocation list of every revocation so far, saves it (PEM) as a
/// new file and remembers it for the reminders. Its number is the time in
/// seconds (and above the last one), so it keeps increasing even for an
/// authority restored on another computer.
pub fn export_crl(
    store: &Store,
    keychains: &Keychains,
    clock: &Clock,
    path: &Path,
) -> Result<CrlMade, AuthorityError> {
    check_target(path)?;
    let authority = require(load(store)?)?;
    if authority.not_after <= clock.now {
        // A list's next update may not come before its own date (RFC 5280).
        return Err(AuthorityError::Expired {
            name: authority.name.clone(),
            day: crate::clock::local_day(authority.not_after, &clock.zone),
        });
    }
    // Never a list without a serial an earlier one named.
    if let Some(last) = &authority.last_crl {
        let dropped: Vec<&Serial> = last
            .serials
            .iter()
            .filter(|s| !authority.revoked.iter().any(|r| r.serial == **s))
            .collect();
        if !dropped.is_empty() {
            let serials: Vec<String> = dropped.iter().map(|s| s.to_string()).collect();
            return Err(AuthorityError::WouldDrop(format!(
                "the certificate(s) with serial {}",
                serials.join(", ")
            )));
        }
    }
    let signer = signer(
        &authority,
        keychains,
        SignatureHash::Sha256,
        "The revocation list was not made",
    )?;
    let this_update = profile::skewed(clock.now)?;
    let next_update = profile::days_after(this_update, CRL_DAYS)?.min(authority.not_after);
    let number = (clock.now.as_second().max(0) as u64).max(authority.last_crl_number() + 1);
    let der = profile::crl(
        &signer,
        &authority.revoked,
        number,
        this_update,
        next_update,
    )?;
    drop(signer);
    let pem = pem::encode_config(
        &pem::Pem::new("X509 CRL", der),
        pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF),
    );
    save::write_new(path, pem.as_bytes(), |_| Ok(())).map_err(save_err)?;
    let shown = crate::platform::files::canonical(path);
    let made = CrlMade {
        number,
        this_update,
        next_update,
        revoked: authority.revoked.len(),
        file: shown.display().to_string(),
        serials: authority.revoked.iter().map(|r| r.serial.clone()).collect(),
    };
    file::change(store, None, |now| {
        let mut current = require(now)?;
        // Another process may have made a later one meanwhile.
        if current
            .last_crl
            .as_ref()
            .is_none_or(|c| c.number < made.number)
        {
            current.last_crl = Some(made.clone());
        }
        Ok((Some(current), made.clone()))
    })
}
