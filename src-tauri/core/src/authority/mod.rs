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

pub mod file;
pub mod profile;
pub mod revocations;
pub mod server;
pub mod view;

pub use revocations::{Kept, Reason, Revoked};

use std::path::{Path, PathBuf};

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::engine::certificate::end_of_day;
use crate::engine::issued::{hex, pem_of_certificate};
use crate::engine::pkcs12;
use crate::engine::request::parse_date;
use crate::engine::{
    Clock, Encryption, Field, FieldError, IssueError, Nickname, Password, Request, SignatureHash,
    SignedBy, Signer, SignerKind,
};
use crate::keychain::{self, KeychainError, Keychains};
use crate::save::{self, SaveError, WriteNewError};
use crate::store::{Record, Store, StoreError};

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
    pub serials: Vec<String>,
}

/// The authority on this computer: public facts only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Authority {
    pub name: String,
    pub subject: String,
    pub serial: String,
    pub sha256_fingerprint: String,
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
            sha256_fingerprint: self.sha256_fingerprint.clone(),
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
            r.sha256_fingerprint.as_deref() == Some(record.sha256_fingerprint.as_str())
                || (signed && r.serial == record.serial)
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
    fn last_crl_number(&self) -> u64 {
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

/// Why an authority operation was refused or failed; never a secret.
#[derive(Debug, thiserror::Error)]
pub enum AuthorityError {
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<FieldError>),
    #[error("No issuing authority exists on this computer. Create one (or restore a backup of one) first.")]
    None,
    #[error("An issuing authority, “{0}”, already exists on this computer; AuthCert keeps one. To create or restore another, back it up first if you may need it (Back up authority…), then remove it.")]
    Exists(String),
    #[error("{doing}: {}", key_words(.error))]
    Keychain {
        doing: &'static str,
        error: KeychainError,
    },
    #[error("AuthCert could not complete this with the authority: {0}. Nothing was changed; try again, and if it fails again, restore the authority from its backup.")]
    Issue(#[from] IssueError),
    #[error("“{0}” was not signed by this computer's issuing authority, so it cannot be revoked here. Remove it from the list, and from the service that trusts it, instead.")]
    NotSignedHere(String),
    #[error("{0} was already revoked on {1}.")]
    AlreadyRevoked(String, String),
    #[error("The key the keychain holds for the authority “{name}” (account “{account}”) is not the authority's key: what AuthCert signed with it, no server would accept, so nothing was signed. It may have been replaced by another tool or a restore of another backup. Remove the authority (keeping its revocations), then restore it from its backup; or remove that keychain entry if it is not needed.")]
    KeyMismatch { name: String, account: String },
    #[error("The authority “{name}” expired on {day}: it can sign no revocation list any more, and servers refuse every certificate it signed anyway. Create a new authority, give its certificate to your servers, and replace the certificates the old one signed.")]
    Expired { name: String, day: String },
    #[error("The new revocation list would leave out {0} that an earlier list of this authority named; AuthCert never publishes such a list. Restore the authority's file from a backup, or export again.")]
    WouldDrop(String),
    #[error("This file is not a backup of an issuing authority AuthCert can use: {0}")]
    NotABackup(String),
    #[error("The password of the backup is wrong (or the file is damaged). Type the password that was shown when the backup was made.")]
    WrongPassword,
    #[error("The file was not saved: {0}")]
    Save(String),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("The authority's file ({}) could not be read: {}. Nothing was changed.", .path.display(), crate::store::plain_io(.source))]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("The authority's file ({}) could not be saved: {}. Nothing was changed.", .path.display(), crate::store::plain_io(.source))]
    Unwritable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("The authority's file ({}) was written by a newer AuthCert (format {found}); update AuthCert to use it. Nothing was changed.", .path.display())]
    NewerFormat { path: PathBuf, found: u32 },
    #[error("The authority's file ({}) is damaged ({reason}). AuthCert leaves it as it is: move that file out of its folder, then restore the authority from its backup (Restore from backup…).", .path.display())]
    Damaged { path: PathBuf, reason: String },
}

/// The keychain's failure, said of the authority's key.
fn key_words(e: &KeychainError) -> String {
    match e {
        KeychainError::NoService(why) => format!("the authority's private key is kept only in the keychain, never in a file, and no keychain service is running on this computer ({why}). On Linux, log in to a desktop session with a keyring such as GNOME Keyring or KWallet, then try again."),
        KeychainError::Locked => "the keychain is locked. Unlock it (log in to your desktop session, or open your keyring) and try again.".into(),
        KeychainError::Denied => "the keychain refused access. Allow AuthCert when your system asks, then try again.".into(),
        KeychainError::NotFound => "the authority's private key is no longer in the keychain (the entry was deleted). Remove the authority (Remove authority…), then restore it from its backup (Restore from backup…).".into(),
        KeychainError::Unsupported => "this build of AuthCert has no keychain on this system, and the authority's key is kept only there, so no authority can be kept here. Use self-signed certificates, or an AuthCert on a computer with a keychain.".into(),
        KeychainError::Taken(account) => format!("the keychain already holds another key under “{account}”; AuthCert never replaces it. Remove that entry in your keychain tool if it is not needed."),
        KeychainError::Other(detail) => format!("the keychain did not answer as expected ({detail}). Try again; if it keeps failing, restart your session or check your keychain tool."),
    }
}

fn keychain_err(doing: &'static str) -> impl Fn(KeychainError) -> AuthorityError {
    move |error| AuthorityError::Keychain { doing, error }
}

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
            let fingerprint = authority.sha256_fingerprint.clone();
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
    let sha256 = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, der);
    let fingerprint = hex(sha256.as_ref(), ":");
    let ts = |t: x509_parser::time::ASN1Time| {
        Timestamp::from_second(t.timestamp()).map_err(|e| IssueError::Certificate(e.to_string()))
    };
    Ok(Authority {
        name: name.to_string(),
        subject: cert.subject().to_string(),
        serial: hex(cert.raw_serial(), ":"),
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

/// What to revoke: a listed certificate (by its SHA-256 fingerprint), or
/// any certificate this authority signed, by its serial.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revoking {
    Listed(String),
    Serial(String),
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
        Serial(String),
    }
    let found = match what {
        Revoking::Listed(id) => Found::Listed(Box::new(store.get(id)?)),
        Revoking::Serial(serial) => Found::Serial(serial.clone()),
    };
    let authority = require(load(store)?)?;
    let (serial, record) = match found {
        Found::Listed(record) => {
            let id = &record.sha256_fingerprint;
            if !authority.signed(&record) {
                let issued = record
                    .certificate_der()
                    .is_some_and(|der| authority.issued(&der));
                if !issued {
                    return Err(AuthorityError::NotSignedHere(record.nickname.clone()));
                }
                store.set_signed_by(id, Some(authority.signed_by()))?;
            }
            (record.serial.clone(), Some(*record))
        }
        Found::Serial(serial) => {
            // The listed certificate with that serial, if this authority
            // signed it, lends its names.
            let listed = store.load()?.records.into_iter().find(|r| {
                r.serial == *serial
                    && (authority.signed(r)
                        || r.certificate_der().is_some_and(|d| authority.issued(&d)))
            });
            (serial.clone(), listed)
        }
    };
    file::change(store, None, |now| {
        let mut authority = require(now)?;
        if let Some(r) = authority.revoked.iter().find(|r| r.serial == serial) {
            let day = crate::overview::local_day(r.at, &clock.zone);
            let name = match &record {
                Some(listed) => format!("“{}”", listed.nickname),
                None => r.name(),
            };
            return Err(AuthorityError::AlreadyRevoked(name, day));
        }
        let revoked = Revoked {
            serial: serial.clone(),
            sha256_fingerprint: record.as_ref().map(|r| r.sha256_fingerprint.clone()),
            nickname: record.as_ref().map(|r| r.nickname.clone()),
            at: Timestamp::from_second(clock.now.as_second()).unwrap_or(clock.now),
            reason,
        };
        authority.revoked.push(revoked.clone());
        Ok((Some(authority), revoked))
    })
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
            day: crate::overview::local_day(authority.not_after, &clock.zone),
        });
    }
    // Never a list without a serial an earlier one named.
    if let Some(last) = &authority.last_crl {
        let dropped: Vec<&String> = last
            .serials
            .iter()
            .filter(|s| !authority.revoked.iter().any(|r| &r.serial == *s))
            .collect();
        if !dropped.is_empty() {
            let serials: Vec<&str> = dropped.iter().map(|s| s.as_str()).collect();
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

/// A backup of the authority, made in memory: the `.p12` (key and
/// certificate, AES-256) and its new one-time password; both wiped on drop.
pub struct Backup {
    pub p12: Zeroizing<Vec<u8>>,
    pub password: Password,
    pub name: String,
}

impl std::fmt::Debug for Backup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Backup")
            .field("name", &self.name)
            .field("p12", &"<redacted>")
            .field("password", &"<redacted>")
            .finish()
    }
}

/// Makes a backup of the authority (it is checked by opening it again).
pub fn backup(store: &Store, keychains: &Keychains) -> Result<Backup, AuthorityError> {
    let authority = require(load(store)?)?;
    let key = keychains
        .open()
        .and_then(|k| k.read_secret(&authority.keychain_account))
        .map_err(keychain_err("The backup was not made"))?;
    let der = authority.certificate_der()?;
    // The revocations travel as a revocation list signed by the key (its
    // number the last one's), which restore checks and merges: a restored
    // authority never forgets a revocation.
    let signer = signer_with(&authority, &key, SignatureHash::Sha256)?;
    let this_update = profile::skewed(Timestamp::now())?;
    let crl = profile::crl(
        &signer,
        &authority.revoked,
        authority.last_crl_number(),
        this_update,
        profile::days_after(this_update, 1)?,
    )?;
    drop(signer);
    let sha1 = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, &der);
    let naming = pkcs12::Naming {
        friendly_name: &authority.name,
        local_key_id: sha1.as_ref(),
        chain: &[],
    };
    let password = Password::generate()?;
    let p12 = pkcs12::pack_with_crls(
        &key,
        &der,
        naming,
        &[crl.as_slice()],
        Encryption::Aes256,
        &password,
    )?;
    drop(key);
    pkcs12::check(&p12, &password, naming, &der)?;
    Ok(Backup {
        p12,
        password,
        name: authority.name,
    })
}

/// Saves a backup as a new file, read back and opened with its password.
pub fn save_backup(backup: &Backup, path: &Path) -> Result<PathBuf, AuthorityError> {
    save::write_new(path, &backup.p12, |bytes| {
        pkcs12::read::open(
            bytes,
            backup.password.expose(),
            &pkcs12::read::Limits::default(),
        )
        .ok()
        .filter(|opened| opened.crls.len() == 1)
        .map(drop)
        .ok_or_else(|| AuthorityError::Save("the file written did not open again with its password, so it was removed. Save it again, ideally on another disk.".into()))
    })
    .map_err(save_err)?;
    Ok(crate::platform::files::canonical(path))
}

/// Restores an authority from its backup (or any `.p12` holding an RSA
/// authority certificate with its key): the key goes to the keychain, the
/// certificate to `authority.json`, with the revocations the backup carries
/// and those kept on this computer when the same authority was removed.
pub fn restore(
    store: &Store,
    keychains: &Keychains,
    bytes: &[u8],
    password: &str,
    from: &Path,
    clock: &Clock,
) -> Result<Authority, AuthorityError> {
    if let Some(existing) = load(store)? {
        return Err(AuthorityError::Exists(existing.name));
    }
    let opened = pkcs12::read::open(bytes, password, &pkcs12::read::Limits::default()).map_err(
        |e| match e {
            pkcs12::read::ReadError::WrongPassword => AuthorityError::WrongPassword,
            other => AuthorityError::NotABackup(format!("{other}. {CHOOSE_BACKUP}")),
        },
    )?;
    let (key, der) = authority_pair(&opened)?;
    let name = common_name(&der)?;
    let shown = crate::platform::files::canonical(from);
    let mut authority = facts(&name, &der, clock.now, Some(shown.display().to_string()))?;
    // The revocations it carries (backups made before they did carry none).
    for crl in &opened.crls {
        let (revoked, number) = revocations::read_crl(crl, &der)
            .map_err(|e| AuthorityError::NotABackup(format!("{e}. {CHOOSE_BACKUP}")))?;
        revocations::merge(&mut authority.revoked, revoked);
        authority.crl_number_floor = authority.crl_number_floor.max(Some(number));
    }
    // Named as the list names them, where it does.
    if let Ok(loaded) = store.load() {
        for r in authority.revoked.iter_mut() {
            if let Some(listed) = loaded.records.iter().find(|l| l.serial == r.serial) {
                r.nickname.get_or_insert_with(|| listed.nickname.clone());
                r.sha256_fingerprint
                    .get_or_insert_with(|| listed.sha256_fingerprint.clone());
            }
        }
    }
    if authority.not_after <= clock.now {
        return Err(AuthorityError::NotABackup(format!(
            "the authority “{name}” expired on {}; it can sign nothing any more. Create a new authority.",
            crate::overview::local_day(authority.not_after, &clock.zone)
        )));
    }
    // authority_pair chose the certificate of this key; the signer checks
    // the key can sign for it before it is kept.
    signer_with(&authority, key, SignatureHash::Sha256)
        .map_err(|e| AuthorityError::NotABackup(e.to_string()))?;
    let not_restored = "The authority was not restored";
    let keychain = keychains.open().map_err(keychain_err(not_restored))?;
    let existed = keychain.read_secret(&authority.keychain_account).is_ok();
    keychain
        .store_secret(&authority.keychain_account, key)
        .map_err(keychain_err(not_restored))?;
    if let Err(e) = check_stored(&keychain, &authority, not_restored) {
        if !existed {
            let _ = keychain.delete(&authority.keychain_account);
        }
        return Err(e);
    }
    record_new(store, &keychain, authority)
}

/// What a restore brought back, in words (the window and the command line).
pub fn restored_text(a: &Authority) -> String {
    match a.revoked.len() {
        0 => "Restored. It had revoked no certificate.".to_string(),
        n => format!(
            "Restored, with {}. Export the revocation list and give it to your servers, so they refuse {}.",
            if n == 1 { "its revocation".to_string() } else { format!("its {n} revocations") },
            if n == 1 { "it" } else { "them" }
        ),
    }
}

/// The next step after a refused backup file.
const CHOOSE_BACKUP: &str =
    "Choose the file made by Back up authority… (not a certificate's .p12).";

/// The one authority certificate in `opened` and its RSA key.
fn authority_pair(opened: &pkcs12::read::Opened) -> Result<(&[u8], Vec<u8>), AuthorityError> {
    let refuse = |m: &str| Err(AuthorityError::NotABackup(m.to_string()));
    let [key] = opened.keys.as_slice() else {
        return refuse(&format!(
            "it must hold exactly one private key. {CHOOSE_BACKUP}"
        ));
    };
    let pair = rcgen::KeyPair::try_from(key.value.as_slice()).map_err(|e| {
        AuthorityError::NotABackup(format!("its key cannot be read ({e}). {CHOOSE_BACKUP}"))
    })?;
    if !matches!(pair.algorithm(), a if a == &rcgen::PKCS_RSA_SHA256) {
        return refuse(&format!(
            "its key is not an RSA key; AuthCert's authorities use RSA. {CHOOSE_BACKUP}"
        ));
    }
    let public = rcgen::PublicKeyData::subject_public_key_info(&pair);
    drop(pair);
    for cert in &opened.certificates {
        let Ok((_, parsed)) = x509_parser::parse_x509_certificate(&cert.value) else {
            continue;
        };
        if parsed.public_key().raw != public.as_slice() {
            continue;
        }
        let ca = matches!(parsed.basic_constraints(), Ok(Some(bc)) if bc.value.ca);
        let signs = matches!(parsed.key_usage(), Ok(Some(ku)) if ku.value.key_cert_sign() && ku.value.crl_sign());
        if !ca || !signs {
            return refuse(&format!("its certificate is an ordinary certificate, not an issuing authority's (technically: it lacks basicConstraints CA:TRUE or the keyCertSign and cRLSign key usages). {CHOOSE_BACKUP}"));
        }
        return Ok((key.value.as_slice(), cert.value.clone()));
    }
    refuse(&format!(
        "no certificate in it belongs to its key. {CHOOSE_BACKUP}"
    ))
}

fn common_name(der: &[u8]) -> Result<String, AuthorityError> {
    let (_, parsed) = x509_parser::parse_x509_certificate(der)
        .map_err(|e| AuthorityError::NotABackup(e.to_string()))?;
    let cn = parsed
        .subject()
        .iter_common_name()
        .next()
        .and_then(|a| a.as_str().ok())
        .unwrap_or("")
        .to_string();
    parse_name(&cn).map_err(|e| AuthorityError::NotABackup(format!("its name: {}", e.message)))
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
                sha256_fingerprint: current.sha256_fingerprint.clone(),
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
