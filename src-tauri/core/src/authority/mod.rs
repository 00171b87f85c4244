//! An issuing authority on this computer, for client certificates only: the
//! server trusts it once, and every certificate it signs — and every
//! replacement — is accepted with no change on the server.
//!
//! Its private key never touches the disk unencrypted: it lives in the
//! keychain as a binary secret (no keychain, no authority), is read only to
//! sign, and is wiped after. `authority.json` beside the list holds its
//! public certificate, its keychain account and its revocations (`file`).
//! A backup is a `.p12` under a new one-time password, carrying the
//! revocations as a signed revocation list (`revocations`).

pub mod backup;
pub mod crl;
pub mod error;
pub mod file;
pub mod model;
pub mod profile;
pub mod reminder;
pub mod revocations;
pub mod server;
pub mod view;

pub use backup::{backup, restore, restored_text, save_backup, Backup};
pub use crl::{export_after_revoking, export_crl, revoke, Exporting, Revoking};
pub use error::AuthorityError;
pub use model::{Authority, CrlMade};
pub use reminder::authority_reminder;
pub use revocations::{Kept, Reason, Revoked};

use error::keychain_err;

use std::path::Path;

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use zeroize::Zeroizing;

use crate::engine::certificate::end_of_day;
use crate::engine::issued::pem_of_certificate;
use crate::engine::parse_date;
use crate::engine::{
    Clock, Field, FieldError, IssueError, Nickname, Request, SignatureHash, Signer, SignerKind,
};
use crate::ids::{Fingerprint, Serial};
use crate::keychain::{self, KeychainError, Keychains};
use crate::save::{self, SaveError, WriteNewError};
use crate::store::Store;

/// How long an authority is valid unless the admin chooses: long enough
/// that the server's trust outlives many renewals of the certificates.
pub const DEFAULT_YEARS: i16 = 10;
pub const MAX_YEARS: i16 = 20;
/// A revocation list is valid this long. After its next update nginx and
/// Apache refuse every client certificate, so it is long (re-exporting is a
/// manual step) and AuthCert's reminders cover it.
pub const CRL_DAYS: i64 = 180;
/// Keychain accounts of authorities start with this; a certificate's
/// nickname cannot contain a colon, so the two never clash.
pub const ACCOUNT_PREFIX: &str = "Authority: ";

/// A valid authority name: the rules of a nickname.
fn parse_name(raw: &str) -> Result<String, FieldError> {
    if raw.trim().is_empty() {
        return Err(FieldError::new(
            Field::AuthorityName,
            "enter a name for the authority, such as “Acme integrations” (letters, numbers, spaces, dashes and underscores, at most 64 characters).",
        ));
    }
    Nickname::parse(raw, [])
        .map(|n| n.as_str().to_string())
        .map_err(|e| FieldError::new(Field::AuthorityName, e.message))
}

/// The last day an authority made today may be valid, and the default.
pub fn end_range(today: Date) -> (Date, Date, Date) {
    let earliest = today.tomorrow().unwrap_or(today);
    let default = today
        .checked_add(DEFAULT_YEARS.years())
        .unwrap_or(Date::MAX);
    let latest = today.checked_add(MAX_YEARS.years()).unwrap_or(Date::MAX);
    (earliest, default, latest)
}

fn parse_end(raw: Option<&str>, today: Date) -> Result<Date, FieldError> {
    let (earliest, default, latest) = end_range(today);
    let end = match raw.map(str::trim) {
        None | Some("") => return Ok(default),
        Some(s) => parse_date(s, Field::AuthorityEndDate)?,
    };
    if end < earliest || end > latest {
        return Err(FieldError::new(
            Field::AuthorityEndDate,
            format!("{end} is outside what is allowed: an authority is valid from tomorrow up to {MAX_YEARS} years; choose a date from {earliest} to {latest}."),
        ));
    }
    Ok(end)
}

/// The authority on this computer, if any.
pub fn load(store: &Store) -> Result<Option<Authority>, AuthorityError> {
    file::load(store)
}

fn require(authority: Option<Authority>) -> Result<Authority, AuthorityError> {
    authority.ok_or(AuthorityError::None)
}

/// Creates the authority: checks the keychain works before the (slow) key
/// is made, stores the key there, then writes the file; if another process
/// created one meanwhile, this one's key is deleted again.
pub fn create(
    store: &Store,
    keychains: &Keychains,
    raw_name: &str,
    raw_end: Option<&str>,
    clock: &Clock,
) -> Result<Authority, AuthorityError> {
    let name = parse_name(raw_name);
    let end = parse_end(raw_end, clock.today());
    let (name, end) = match (name, end) {
        (Ok(n), Ok(e)) => (n, e),
        (n, e) => {
            return Err(AuthorityError::Invalid(
                [n.err(), e.err()].into_iter().flatten().collect(),
            ))
        }
    };
    if let Some(existing) = load(store)? {
        return Err(AuthorityError::Exists(existing.name));
    }
    let not_created = "The authority was not created";
    let keychain = keychains.open().map_err(keychain_err(not_created))?;
    // A keychain that answers but is locked or absent fails here, before
    // the key is made: reading a missing entry is harmless.
    match keychain.read_secret(&format!("{ACCOUNT_PREFIX}probe")) {
        Ok(_) | Err(KeychainError::NotFound) => {}
        Err(e) => return Err(keychain_err(not_created)(e)),
    }
    crate::hooks::panic_point("authority-create");
    let key = profile::generate_key()?;
    let not_after = end_of_day(end, &clock.zone)?;
    let der = profile::certificate(&name, &key, clock.now, not_after)?;
    let authority = facts(&name, &der, clock.now, None)?;
    let pkcs8 = Zeroizing::new(key.serialized_der().to_vec());
    drop(key);
    keychain
        .store_secret(&authority.keychain_account, &pkcs8)
        .map_err(keychain_err(not_created))?;
    drop(pkcs8);
    if let Err(e) = check_stored(&keychain, &authority, not_created) {
        let _ = keychain.delete(&authority.keychain_account);
        return Err(e);
    }
    record_new(store, &keychain, authority)
}

/// Writes a new authority's file unless one appeared meanwhile (then its
/// key, just stored, is deleted again).
/// Revocations kept from an earlier removal of the same authority (same
/// certificate) are merged into it on the way.
fn record_new(
    store: &Store,
    keychain: &keychain::Keychain,
    mut authority: Authority,
) -> Result<Authority, AuthorityError> {
    let account = authority.keychain_account.clone();
    let mut shared = false;
    let written = file::change_with_kept(store, |now, kept| match now {
        Some(other) => {
            // Another process made or restored one meanwhile. If it is the
            // same authority, the keychain entry is its key too.
            shared = other.keychain_account == account;
            Err(AuthorityError::Exists(other.name))
        }
        None => {
            let fingerprint = authority.sha256_fingerprint;
            for k in kept.iter().filter(|k| k.sha256_fingerprint == fingerprint) {
                revocations::merge(&mut authority.revoked, k.revoked.clone());
                authority.crl_number_floor = authority.crl_number_floor.max(k.last_crl_number);
            }
            kept.retain(|k| k.sha256_fingerprint != fingerprint);
            Ok((Some(authority.clone()), authority))
        }
    });
    if written.is_err() && !shared {
        let _ = keychain.delete(&account);
    }
    written
}

/// Reads the key just stored back from the keychain and checks it signs
/// for the certificate: a keychain that answers with another key than it
/// was given is found before anything is recorded.
fn check_stored(
    keychain: &keychain::Keychain,
    authority: &Authority,
    doing: &'static str,
) -> Result<(), AuthorityError> {
    let key = keychain
        .read_secret(&authority.keychain_account)
        .map_err(keychain_err(doing))?;
    signer_with(authority, &key, SignatureHash::Sha256).map(drop)
}

/// The public facts of an authority certificate.
fn facts(
    name: &str,
    der: &[u8],
    now: Timestamp,
    restored_from: Option<String>,
) -> Result<Authority, AuthorityError> {
    let (_, cert) = x509_parser::parse_x509_certificate(der)
        .map_err(|e| IssueError::Certificate(e.to_string()))?;
    let fingerprint = Fingerprint::of(der);
    let ts = |t: x509_parser::time::ASN1Time| {
        Timestamp::from_second(t.timestamp()).map_err(|e| IssueError::Certificate(e.to_string()))
    };
    Ok(Authority {
        name: name.to_string(),
        subject: cert.subject().to_string(),
        serial: Serial::from_bytes(cert.raw_serial())
            .map_err(|e| IssueError::Certificate(e.to_string()))?,
        keychain_account: keychain::account_for(&format!("{ACCOUNT_PREFIX}{name}"), &fingerprint),
        sha256_fingerprint: fingerprint,
        not_before: ts(cert.validity().not_before)?,
        not_after: ts(cert.validity().not_after)?,
        certificate_pem: pem_of_certificate(der),
        created_at: now,
        restored_from,
        revoked: Vec::new(),
        last_crl: None,
        crl_number_floor: None,
    })
}

/// The refusals a request signed by the authority meets: there must be
/// one, and the certificate may not outlive it.
pub fn check_request(
    authority: Option<&Authority>,
    request: &Request,
    clock: &Clock,
) -> Vec<FieldError> {
    if request.signer() != SignerKind::Authority {
        return Vec::new();
    }
    let Some(authority) = authority else {
        return vec![FieldError::new(
            Field::SignedBy,
            "no issuing authority exists on this computer yet; create one first (Issuing authority, above the list), or choose self-signed.",
        )];
    };
    let last_day = authority.not_after.to_zoned(clock.zone.clone()).date();
    let ends = end_of_day(request.end_date(), &clock.zone);
    match ends {
        Ok(t) if t <= authority.not_after => Vec::new(),
        _ => vec![FieldError::new(
            Field::EndDate,
            format!(
                "the authority “{}” is valid until {last_day}, and a certificate it signs may not outlive it; choose {last_day} or earlier.",
                authority.name
            ),
        )],
    }
}

/// The authority's key from the keychain, bound to `hash`, to sign one
/// thing; wiped when the signer is dropped.
pub fn signer(
    authority: &Authority,
    keychains: &Keychains,
    hash: SignatureHash,
    doing: &'static str,
) -> Result<Signer, AuthorityError> {
    let key = keychains
        .open()
        .and_then(|k| k.read_secret(&authority.keychain_account))
        .map_err(keychain_err(doing))?;
    signer_with(authority, &key, hash)
}

/// The authority's `key` bound to `hash`, once it is checked to be the key
/// of the authority's certificate: a keychain entry holding another key
/// (another tool, a stale entry, a mix-up) signs nothing.
fn signer_with(
    authority: &Authority,
    key: &[u8],
    hash: SignatureHash,
) -> Result<Signer, AuthorityError> {
    Signer::rsa(
        key,
        authority.certificate_der()?,
        hash,
        authority.signed_by(),
        authority.not_after,
    )
    .map_err(|_| key_mismatch(authority))
}

fn key_mismatch(authority: &Authority) -> AuthorityError {
    AuthorityError::KeyMismatch {
        name: authority.name.clone(),
        account: authority.keychain_account.clone(),
    }
}

/// The name to suggest for an export of the authority: `<name>.<ext>`
/// or `<name> <what>.<ext>`.
pub fn suggested_file(authority: &Authority, what: Option<&str>, extension: &str) -> String {
    let stem = match what {
        Some(w) => format!("{} {w}", authority.name),
        None => authority.name.clone(),
    };
    crate::filename::suggested(&stem, extension)
}

fn save_err(e: WriteNewError<AuthorityError>) -> AuthorityError {
    match e {
        WriteNewError::Save(s) => AuthorityError::Save(s.to_string()),
        WriteNewError::Verify(v) => v,
    }
}

/// The file name offered for the authority's certificate.
pub fn certificate_file_name(store: &Store) -> Result<String, AuthorityError> {
    Ok(suggested_file(&require(load(store)?)?, None, "pem"))
}

/// The file name offered for a revocation list made today.
pub fn crl_file_name(store: &Store, clock: &Clock) -> Result<String, AuthorityError> {
    let authority = require(load(store)?)?;
    let today = crate::clock::local_day(clock.now, &clock.zone);
    Ok(suggested_file(
        &authority,
        Some(&format!("{today} revocation list")),
        "pem",
    ))
}

/// What was saved, for the admin.
pub fn exported_text(authority: &Authority, path: &Path) -> String {
    format!(
        "Saved the certificate of “{}” at {}. Give it to your server with the settings below.",
        authority.name,
        path.display()
    )
}

/// Saves the authority's certificate (PEM) for the server, as a new file.
pub fn export_certificate(store: &Store, path: &Path) -> Result<Authority, AuthorityError> {
    let authority = require(load(store)?)?;
    save::write_new(path, authority.certificate_pem.as_bytes(), |_| Ok(())).map_err(save_err)?;
    Ok(authority)
}

/// Checks before any slow work that `path` can take a new file.
pub fn check_target(path: &Path) -> Result<(), AuthorityError> {
    save::check_target(path)
        .map(|_| ())
        .map_err(|e: SaveError| AuthorityError::Save(e.to_string()))
}

/// What becomes of an authority's revocations when it is removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnRemove {
    /// Kept on this computer: restoring the authority brings them back.
    KeepRevocations,
    /// Forgotten (the admin said so; a backup still carries its own).
    ForgetRevocations,
}

/// Removes the authority: its key from the keychain first (if that fails,
/// nothing changes), then its file; its revocations are kept unless
/// `on_remove` says otherwise. Certificates it signed stay listed.
pub fn remove(
    store: &Store,
    keychains: &Keychains,
    on_remove: OnRemove,
) -> Result<Authority, AuthorityError> {
    let authority = require(load(store)?)?;
    let not_removed = "The authority was not removed";
    match keychains
        .open()
        .and_then(|k| k.delete(&authority.keychain_account))
    {
        Ok(()) | Err(KeychainError::NotFound) => {}
        Err(e) => return Err(keychain_err(not_removed)(e)),
    }
    file::change_with_kept(store, |now, kept| {
        let current = require(now)?;
        let worth_keeping = !current.revoked.is_empty() || current.last_crl.is_some();
        if on_remove == OnRemove::KeepRevocations && worth_keeping {
            let entry = kept
                .iter_mut()
                .find(|k| k.sha256_fingerprint == current.sha256_fingerprint);
            let fresh = Kept {
                name: current.name.clone(),
                sha256_fingerprint: current.sha256_fingerprint,
                revoked: current.revoked.clone(),
                last_crl_number: Some(current.last_crl_number()).filter(|n| *n > 0),
                removed_at: Timestamp::now(),
            };
            match entry {
                Some(k) => {
                    revocations::merge(&mut k.revoked, fresh.revoked);
                    k.last_crl_number = k.last_crl_number.max(fresh.last_crl_number);
                    k.removed_at = fresh.removed_at;
                }
                None => kept.push(fresh),
            }
        }
        Ok((None, current))
    })
}

#[cfg(test)]
mod tests;
