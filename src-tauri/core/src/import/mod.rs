//! Certificates made elsewhere join the list for reminders, details and
//! tests: a `.p12`/`.pfx` (opened with its password; the key must belong to
//! the certificate) or a public `.pem`/`.crt`/`.cer`/`.der`. The file is
//! read, never modified, moved or copied; the list records where it is.

pub mod certificate;
pub mod preview;
pub mod read;
pub mod unattended;

use std::path::Path;

use jiff::Timestamp;

pub use certificate::Candidate;
pub use preview::Preview;
pub use read::{Format, Inspected};

use crate::clock::Clock;
use crate::engine::nickname::nickname_char_allowed;
use crate::engine::pkcs12::read::ReadError;
use crate::engine::{FieldError, Nickname};
use crate::keychain::{self, KeychainError, Keychains};
use crate::store::{replacement_nickname, AddedFrom, Record, Store, StoreError};

/// Why a file could not be added. Never carries the password.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("File: {path} could not be read: {reason}.")]
    Unreadable { path: String, reason: String },
    #[error("File: {0} is not a file.")]
    NotAFile(String),
    #[error("File: it is larger than {max} bytes; a certificate file is a few kilobytes, so AuthCert does not read it.")]
    TooLarge { max: usize },
    #[error("File: it is empty.")]
    Empty,
    #[error("File: AuthCert reads PKCS#12 files (.p12, .pfx) and certificates (.pem, .crt, .cer, .der); this file is none of them, or it is damaged.")]
    NotRecognized,
    #[error("Password: this is a PKCS#12 file; type its password to open it.")]
    PasswordNeeded,
    #[error("{}", pkcs12_words(.0))]
    Pkcs12(ReadError),
    #[error("File: {0}.")]
    BadCertificate(String),
    #[error("File: it holds no certificate.")]
    NoCertificate,
    #[error("File: it holds only a private key, no certificate. Add the certificate (.pem, .crt, .cer) or a .p12 file that holds both.")]
    OnlyPrivateKey,
    #[error("File: this PKCS#12 file holds certificates but no private key; add it as a public certificate (.pem or .cer) instead.")]
    NoKeyInPkcs12,
    #[error("File: the private key in this file does not belong to any of its certificates.")]
    KeyMismatch,
    #[error(
        "File: it holds more than {max} certificates; AuthCert does not read files that large."
    )]
    TooManyCertificates { max: usize },
    #[error("Certificate: the file holds {count} certificates; choose the one to add.")]
    ChooseOne { count: usize },
    #[error("Certificate: choose one of the file's {count} certificates (1 to {count}).")]
    NoSuchChoice { count: usize },
    #[error("Certificate: “{0}” is not meant for client authentication (its extended key usage does not include it), so APIs will likely refuse it. Add it anyway only if you are sure.")]
    NotForClientAuth(String),
    #[error("{0}")]
    Nickname(FieldError),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0} Nothing was added.")]
    Keychain(#[from] KeychainError),
    #[error("this file holds no private key and has no password to keep.")]
    NoPasswordToKeep,
}

fn pkcs12_words(e: &ReadError) -> String {
    match e {
        ReadError::WrongPassword => "Password: the password is wrong (or the file is damaged).".into(),
        ReadError::Unsupported(how) => format!("File: it is protected with {how}. AuthCert cannot read it. Open it with OpenSSL (openssl pkcs12 -legacy) and export it again with current settings, or add its public certificate instead."),
        other => format!("File: {other}."),
    }
}

impl ImportError {
    /// The field a refusal is about, for the window.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            ImportError::PasswordNeeded | ImportError::Pkcs12(ReadError::WrongPassword) => {
                Some("password")
            }
            ImportError::Nickname(_) | ImportError::Store(StoreError::Duplicate(_)) => {
                Some("nickname")
            }
            ImportError::ChooseOne { .. } | ImportError::NoSuchChoice { .. } => Some("choice"),
            ImportError::NotForClientAuth(_) => Some("confirm"),
            ImportError::NoPasswordToKeep => Some("keychain"),
            _ => Some("file"),
        }
    }
}

/// A nickname for `c`: its common name (or subject) made valid — letters,
/// numbers, spaces, dashes, underscores, at most 64 — and unique in `taken`.
pub fn suggested_nickname<'a>(c: &Candidate, taken: impl Iterator<Item = &'a str>) -> String {
    let source = c.common_name.clone().unwrap_or_else(|| c.subject.clone());
    let mut name = String::new();
    let mut previous = None;
    for ch in source.chars() {
        let keep = if nickname_char_allowed(ch, previous) {
            ch
        } else {
            ' '
        };
        if !(keep == ' ' && (name.is_empty() || name.ends_with(' '))) {
            name.push(keep);
        }
        previous = Some(keep);
        if name.chars().count() >= crate::engine::NICKNAME_MAX_CHARS {
            break;
        }
    }
    let name = name.trim().to_string();
    let name = if Nickname::parse(&name, std::iter::empty()).is_ok() {
        name
    } else {
        "Added certificate".to_string()
    };
    let taken: Vec<&str> = taken.collect();
    match Nickname::parse(&name, taken.iter().copied()) {
        Ok(_) => name,
        Err(_) => replacement_nickname(&name, taken.into_iter()),
    }
}

/// What the admin decided on the preview.
pub struct Adding<'a> {
    pub path: &'a Path,
    pub inspected: &'a Inspected,
    /// Which certificate (0-based), when the file holds several and none
    /// has its key here.
    pub choice: Option<usize>,
    pub nickname: &'a str,
    /// The admin confirmed adding one not meant for client authentication.
    pub confirm_any_purpose: bool,
    /// Keep this (the PKCS#12 file's) password in the keychain.
    pub keep_password: Option<&'a str>,
}

/// The certificate that would be added.
pub fn chosen(
    inspected: &Inspected,
    choice: Option<usize>,
) -> Result<(usize, &Candidate), ImportError> {
    let count = inspected.certificates.len();
    let index = match (inspected.with_key, choice, count) {
        (Some(i), _, _) => i,
        (None, Some(i), _) if i < count => i,
        (None, Some(_), _) => return Err(ImportError::NoSuchChoice { count }),
        (None, None, 1) => 0,
        (None, None, _) => return Err(ImportError::ChooseOne { count }),
    };
    Ok((index, &inspected.certificates[index]))
}

/// Adds the chosen certificate to the list (its nickname checked under the
/// list's lock, its fingerprint unique), storing the password in the
/// keychain first when asked; if recording fails, that entry goes again.
pub fn add(
    store: &Store,
    keychains: &Keychains,
    adding: &Adding<'_>,
    clock: &Clock,
) -> Result<Record, ImportError> {
    let (_, c) = chosen(adding.inspected, adding.choice)?;
    let loaded = store.load()?;
    if let Some(same) = loaded
        .records
        .iter()
        .find(|r| r.described.sha256_fingerprint == c.sha256_fingerprint)
    {
        return Err(StoreError::AlreadyListed(same.described.nickname.clone()).into());
    }
    if !c.client_auth && !adding.confirm_any_purpose {
        return Err(ImportError::NotForClientAuth(c.subject.clone()));
    }
    let nickname = Nickname::parse(
        adding.nickname,
        loaded.records.iter().map(|r| r.described.nickname.as_str()),
    )
    .map_err(ImportError::Nickname)?;
    let has_key = adding.inspected.with_key.is_some();
    let account = match (adding.keep_password, has_key) {
        (Some(password), true) => {
            let account = keychain::account_for(nickname.as_str(), &c.sha256_fingerprint);
            keychains.open()?.store(&account, password)?;
            Some(account)
        }
        _ => None,
    };
    let shown = crate::platform::files::canonical(adding.path);
    // Signed by this computer's authority (its signature checks out): the
    // list says so, and the authority can revoke it.
    let signed_by = crate::authority::load(store)
        .ok()
        .flatten()
        .filter(|a| a.issued(&c.der))
        .map(|a| a.signed_by());
    let record = Record {
        described: crate::engine::Described {
            sha256_fingerprint: c.sha256_fingerprint,
            nickname: nickname.as_str().to_string(),
            subject: c.subject.clone(),
            serial: c.serial.clone(),
            sha1_thumbprint: c.sha1_thumbprint.clone(),
            not_before: c.not_before,
            not_after: c.not_after,
            zone: clock.zone_name(),
            not_after_local: crate::clock::local_time(c.not_after, &clock.zone),
            key_type: c.closest_key,
            signature_hash: c.closest_hash,
            encryption: adding.inspected.encryption,
        },
        certificate_pem: crate::engine::issued::pem_of_certificate(&c.der),
        file: shown.display().to_string(),
        keychain_account: account.clone(),
        pem_file: None,
        recorded_at: Timestamp::now(),
        last_test: None,
        signed_by,
        requested_from: None,
        integrations: Vec::new(),
        replaces: None,
        added: Some(AddedFrom {
            format: adding.inspected.format.words(has_key).to_string(),
            has_key,
            issuer: c.issuer.clone(),
            self_signed: c.self_signed,
            key: c.key.clone(),
            signature: c.signature.clone(),
            protection: adding.inspected.protection.clone(),
            client_auth: c.client_auth,
        }),
    };
    match store.add_new(record.clone()) {
        Ok(_) => Ok(record),
        Err(e) => {
            if let Some(account) = &account {
                let _ = keychains.open().and_then(|k| k.delete(account));
            }
            Err(e.into())
        }
    }
}

#[cfg(test)]
mod tests;
