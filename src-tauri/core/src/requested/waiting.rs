//! Requests waiting for their CA's answer. The key lives in the keychain as
//! a binary secret (as the authority's) — never on disk, and with no
//! keychain there is no request: a key kept for days in a file would be
//! one more secret to lose. `requests.json` beside the list holds the
//! public rest (nickname, choices, the request's text, the keychain
//! account), written like authority.json: read afresh and replaced
//! atomically under the folder's lock.

use std::io;
use std::path::PathBuf;

use jiff::Timestamp;
use rcgen::PublicKeyData;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::answer::{certificates, AnswerError};
use super::chain::{join, JoinError, Joined};
use super::csr::request_pem;
use crate::clock::Clock;
use crate::engine::certificate::generate_key;
use crate::engine::{
    pkcs12, Choice, Described, Encryption, Facts, FieldError, InvalidRequest, IssueError, Issued,
    KeyType, Nickname, Password, RawRequest, SignatureHash, SignerKind, Signing,
};
use crate::ids::{hex, Fingerprint};
use crate::keychain::{KeychainError, Keychains};
use crate::store::{atomic, Store, StoreError};

pub const NAME: &str = "requests.json";
/// The file's format; a file with a higher number is never touched.
pub const FORMAT: u32 = 1;
/// Keychain accounts of waiting keys start with this; a nickname cannot
/// contain a colon, so they never clash with a certificate's.
pub const ACCOUNT_PREFIX: &str = "Request: ";
/// After this many days of waiting, Home and `authcert list` remind.
pub const REMIND_AFTER_DAYS: i64 = 14;

/// A request sent (or to be sent) to a CA, waiting for its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Waiting {
    pub nickname: String,
    pub key_type: KeyType,
    pub signature_hash: SignatureHash,
    /// How the final .p12 is protected.
    pub encryption: Encryption,
    pub since: Timestamp,
    /// Where the key is (service `AuthCert`).
    pub keychain_account: String,
    /// SHA-256 of the key's SubjectPublicKeyInfo: which answer is for it.
    pub key_sha256: String,
    /// The listed certificate it replaces (Replace…): once the answer is
    /// saved, the new certificate takes over its integrations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<Fingerprint>,
    /// The request, PEM: public, shown and copied again while it waits.
    pub request: String,
}

impl Waiting {
    /// Whole days it has waited at `clock`'s now.
    fn days(&self, clock: &Clock) -> i64 {
        (clock.now.as_second() - self.since.as_second()) / 86_400
    }

    /// Where it stands, in words: "Waiting for the CA's answer (since
    /// 2026-12-06)", and after REMIND_AFTER_DAYS, what to do.
    pub fn status_text(&self, clock: &Clock) -> String {
        let since = crate::clock::local_day(self.since, &clock.zone);
        if self.overdue(clock) {
            format!(
                "Waiting for the CA's answer since {since} ({} days): ask your CA about it, or cancel the request and make a new one",
                self.days(clock)
            )
        } else {
            format!("Waiting for the CA's answer (since {since})")
        }
    }

    /// Whether it has waited long enough to remind.
    pub fn overdue(&self, clock: &Clock) -> bool {
        self.days(clock) >= REMIND_AFTER_DAYS
    }
}

#[derive(Serialize, Deserialize)]
struct RequestsFile {
    format: u32,
    requests: Vec<Waiting>,
}

#[derive(Deserialize)]
struct Version {
    format: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    #[error("{0}")]
    Invalid(InvalidRequest),
    #[error("A request's key waits for the CA's answer in this computer's keychain, never in a file, and the keychain cannot be used: {}. Nothing was made. On Linux a desktop keyring (GNOME Keyring or KWallet) provides one; without it, make a self-signed certificate or one signed by the issuing authority instead.", .0.reason())]
    NoKeychain(KeychainError),
    #[error("{0}")]
    Keychain(#[from] KeychainError),
    #[error("The waiting key of “{0}” is no longer in the keychain (removed there, or this is another computer). Cancel this request and make a new one.")]
    KeyGone(String),
    #[error("No request named “{0}” is waiting for a CA's answer; Home (and `authcert list`) shows the waiting ones.")]
    NotWaiting(String),
    #[error("The key could not be made: {0}")]
    Issue(#[from] IssueError),
    #[error("{0}")]
    Answer(#[from] AnswerError),
    #[error("{0}")]
    Join(#[from] JoinError),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("The file of waiting requests ({}) was written by a newer AuthCert (format {found}); this one leaves it as it is. Update AuthCert.", .path.display())]
    NewerFormat { path: PathBuf, found: u32 },
    #[error("The file of waiting requests ({}) is damaged ({reason}) and is left as it is. Move it aside to start afresh; the waiting keys stay in the keychain under “{ACCOUNT_PREFIX}…”, where you can delete them.", .path.display())]
    Damaged { path: PathBuf, reason: String },
    #[error("The file of waiting requests ({}) could not be read or written: {}.", .path.display(), crate::store::plain_io(.source))]
    Io { path: PathBuf, source: io::Error },
}

impl RequestError {
    /// The field a refusal is about, for the form.
    pub fn field_errors(&self) -> Option<&[FieldError]> {
        match self {
            RequestError::Invalid(e) => Some(&e.errors),
            _ => None,
        }
    }
}

/// A valid request: a nickname no certificate or waiting request has, a
/// key type with its hash, and the final file's encryption. No end date:
/// the CA decides it.
#[derive(Debug, Clone)]
pub struct ToCa {
    nickname: Nickname,
    signing: Signing,
    encryption: Encryption,
}

impl ToCa {
    /// `raw`'s nickname, key type, hash and encryption (its dates and
    /// signer are not asked); every rule broken is named.
    pub fn parse<'a>(
        raw: &RawRequest,
        taken: impl IntoIterator<Item = &'a str>,
    ) -> Result<ToCa, InvalidRequest> {
        let mut errors = Vec::new();
        let nickname = Nickname::parse(&raw.nickname, taken)
            .map_err(|e| errors.push(e))
            .ok();
        let encryption = choice::<Encryption>(&raw.encryption)
            .map_err(|e| errors.push(e))
            .ok()
            .map(Option::unwrap_or_default);
        let key = choice::<KeyType>(&raw.key_type)
            .map_err(|e| errors.push(e))
            .ok()
            .map(Option::unwrap_or_default);
        let hash = choice::<SignatureHash>(&raw.signature_hash)
            .map_err(|e| errors.push(e))
            .ok();
        let signing = match (key, hash) {
            (Some(key), Some(None)) => Some(Signing::default_for(key)),
            (Some(key), Some(Some(hash))) => {
                Signing::new(key, hash).map_err(|e| errors.push(e)).ok()
            }
            _ => None,
        };
        match (nickname, encryption, signing) {
            (Some(nickname), Some(encryption), Some(signing)) if errors.is_empty() => Ok(ToCa {
                nickname,
                signing,
                encryption,
            }),
            _ => Err(InvalidRequest { errors }),
        }
    }
}

/// Whether the form asks for a request to another CA rather than a
/// certificate made here.
pub fn wants_request(raw: &RawRequest) -> bool {
    raw.signed_by
        .as_deref()
        .is_some_and(|s| SignerKind::parse(s.trim()) == Ok(SignerKind::Ca))
}

fn choice<C: Choice>(raw: &Option<String>) -> Result<Option<C>, FieldError> {
    match raw.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => C::parse(s).map(Some),
    }
}

/// A nickname as typed, for a message: escaped, and cut when it is longer
/// than any nickname can be.
fn named(nickname: &str) -> String {
    let shown = crate::text::shown(nickname);
    if shown.chars().count() > 80 {
        shown.chars().take(80).chain(['…']).collect()
    } else {
        shown.into_owned()
    }
}

pub fn path(store: &Store) -> PathBuf {
    store.dir().join(NAME)
}

fn io_err(store: &Store) -> impl Fn(io::Error) -> RequestError + '_ {
    move |source| RequestError::Io {
        path: path(store),
        source,
    }
}

fn lock(store: &Store) -> Result<atomic::DirLock, RequestError> {
    atomic::lock(store.dir()).map_err(|e| match e {
        atomic::LockError::Io(e) => io_err(store)(e),
        atomic::LockError::Held { holder, waited } => RequestError::Store(StoreError::Held {
            holder,
            seconds: waited.as_secs(),
        }),
    })
}

fn read_locked(store: &Store) -> Result<Vec<Waiting>, RequestError> {
    let path = path(store);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_err(store)(e)),
    };
    match serde_json::from_slice::<Version>(&bytes) {
        Ok(v) if v.format > FORMAT => Err(RequestError::NewerFormat {
            path,
            found: v.format,
        }),
        _ => serde_json::from_slice::<RequestsFile>(&bytes)
            .map(|f| f.requests)
            .map_err(|e| RequestError::Damaged {
                path,
                reason: e.to_string(),
            }),
    }
}

fn write_locked(store: &Store, requests: Vec<Waiting>) -> Result<(), RequestError> {
    if requests.is_empty() {
        return match std::fs::remove_file(path(store)) {
            Ok(()) => {
                crate::platform::files::sync_folder(store.dir());
                Ok(())
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io_err(store)(e)),
        };
    }
    let file = RequestsFile {
        format: FORMAT,
        requests,
    };
    let bytes = serde_json::to_vec_pretty(&file).map_err(|e| io_err(store)(e.into()))?;
    atomic::replace(store.dir(), NAME, &bytes).map_err(io_err(store))
}

/// The requests waiting for an answer, oldest first.
pub fn list(store: &Store) -> Result<Vec<Waiting>, RequestError> {
    let _lock = lock(store)?;
    read_locked(store)
}

/// The nicknames taken: every listed certificate's and every waiting
/// request's.
fn taken(store: &Store) -> Result<Vec<String>, RequestError> {
    let mut names: Vec<String> = store
        .load()?
        .records
        .into_iter()
        .map(|r| r.described.nickname)
        .collect();
    names.extend(list(store)?.into_iter().map(|w| w.nickname));
    Ok(names)
}

/// Makes a key for `raw` and its request: the keychain is checked first
/// (no keychain, no request), the key stored there, then the request
/// recorded; if another process took the nickname meanwhile, the key is
/// deleted again.
pub fn create(
    store: &Store,
    keychains: &Keychains,
    raw: &RawRequest,
    clock: &Clock,
) -> Result<Waiting, RequestError> {
    create_replacing(store, keychains, raw, None, clock)
}

/// Makes a request as `create` does, for a certificate that replaces the
/// listed certificate `replaces` (Replace…) once its answer is saved.
pub fn create_replacing(
    store: &Store,
    keychains: &Keychains,
    raw: &RawRequest,
    replaces: Option<Fingerprint>,
    clock: &Clock,
) -> Result<Waiting, RequestError> {
    let names = taken(store)?;
    let to_ca =
        ToCa::parse(raw, names.iter().map(String::as_str)).map_err(RequestError::Invalid)?;
    let keychain = keychains.open().map_err(RequestError::NoKeychain)?;
    let key = generate_key(to_ca.signing)?;
    let request = request_pem(&to_ca.nickname, to_ca.signing.key(), &key)?;
    let spki_sha256 =
        aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &key.subject_public_key_info());
    let key_sha256 = hex(spki_sha256.as_ref(), ":");
    let account = format!(
        "{ACCOUNT_PREFIX}{} ({})",
        to_ca.nickname.as_str(),
        hex(&spki_sha256.as_ref()[..4], "")
    );
    keychain
        .store_secret(&account, key.serialized_der())
        .map_err(RequestError::NoKeychain)?;
    drop(key);
    let waiting = Waiting {
        nickname: to_ca.nickname.as_str().to_string(),
        key_type: to_ca.signing.key(),
        signature_hash: to_ca.signing.hash(),
        encryption: to_ca.encryption,
        since: clock.now,
        keychain_account: account.clone(),
        key_sha256,
        replaces,
        request,
    };
    let recorded = (|| -> Result<(), RequestError> {
        let _lock = lock(store)?;
        let mut requests = read_locked(store)?;
        // The nickname once more against the requests, under their lock
        // (the list's own lock is not taken inside this one; a certificate
        // saved meanwhile under the same name makes completing refuse it).
        Nickname::parse(
            &waiting.nickname,
            requests.iter().map(|w| w.nickname.as_str()),
        )
        .map_err(|e| RequestError::Invalid(InvalidRequest { errors: vec![e] }))?;
        requests.push(waiting.clone());
        write_locked(store, requests)
    })();
    if let Err(e) = recorded {
        let _ = keychain.delete(&account);
        return Err(e);
    }
    Ok(waiting)
}

/// Takes the request `nickname` out of the file (under the lock) and
/// deletes its key: cancelled, or completed and saved.
pub fn remove(
    store: &Store,
    keychains: &Keychains,
    nickname: &str,
) -> Result<Waiting, RequestError> {
    let removed = {
        let _lock = lock(store)?;
        let mut requests = read_locked(store)?;
        let Some(at) = requests.iter().position(|w| w.nickname == nickname) else {
            return Err(RequestError::NotWaiting(named(nickname)));
        };
        let removed = requests.remove(at);
        write_locked(store, requests)?;
        removed
    };
    // Outside the lock: the keychain may ask the admin.
    match keychains
        .open()
        .and_then(|k| k.delete(&removed.keychain_account))
    {
        Ok(()) | Err(KeychainError::NotFound) => Ok(removed),
        Err(e) => Err(e.into()),
    }
}

/// Saves the request's text at `path` as AuthCert saves any file (never
/// over another, read back); answers the path as the admin will find it,
/// or why it was not saved.
pub fn save_request(waiting: &Waiting, path: &std::path::Path) -> Result<PathBuf, String> {
    crate::save::write_new(path, waiting.request.as_bytes(), |_| Ok::<(), String>(())).map_err(
        |e| match e {
            crate::save::WriteNewError::Save(s) => s.to_string(),
            crate::save::WriteNewError::Verify(v) => v,
        },
    )?;
    Ok(crate::platform::files::canonical(path))
}

/// The request `nickname`, waiting.
pub fn get(store: &Store, nickname: &str) -> Result<Waiting, RequestError> {
    list(store)?
        .into_iter()
        .find(|w| w.nickname == nickname)
        .ok_or_else(|| RequestError::NotWaiting(named(nickname)))
}

/// The answer joined with the waiting key, packed: the .p12 (the key, the
/// certificate and its chain, friendlyName = the nickname), its one-time
/// password, and what the admin should know. The key is read from the
/// keychain only for this and wiped after; the request still waits until
/// the file is saved (`remove`).
pub struct Completed {
    /// The file, its password and the certificate's facts, as every
    /// certificate AuthCert hands to the one-time screen.
    pub issued: Issued,
    pub joined: Joined,
    pub waiting: Waiting,
}

pub fn complete(
    store: &Store,
    keychains: &Keychains,
    nickname: &str,
    answer: &[u8],
    clock: &Clock,
) -> Result<Completed, RequestError> {
    let waiting = get(store, nickname)?;
    let ders = certificates(answer)?;
    let key_der: Zeroizing<Vec<u8>> = match keychains
        .open()
        .and_then(|k| k.read_secret(&waiting.keychain_account))
    {
        Ok(k) => k,
        Err(KeychainError::NotFound) => return Err(RequestError::KeyGone(waiting.nickname)),
        Err(e) => return Err(e.into()),
    };
    let key = rcgen::KeyPair::try_from(key_der.as_slice())
        .map_err(|e| IssueError::Certificate(format!("the waiting key does not read: {e}")))?;
    let joined = join(
        &ders,
        &key.subject_public_key_info(),
        clock.now,
        &clock.zone,
    )?;
    let password = Password::generate()?;
    let sha1 = aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY,
        &joined.leaf.der,
    );
    let names: Vec<String> = joined.chain.iter().map(|c| c.subject.clone()).collect();
    let chain: Vec<(&str, &[u8])> = names
        .iter()
        .zip(&joined.chain)
        .map(|(n, c)| (n.as_str(), c.der.as_slice()))
        .collect();
    let naming = pkcs12::Naming {
        friendly_name: &waiting.nickname,
        local_key_id: sha1.as_ref(),
        chain: &chain,
    };
    let p12 = pkcs12::pack(
        key.serialized_der(),
        &joined.leaf.der,
        naming,
        waiting.encryption,
        &password,
    )?;
    drop(key);
    drop(key_der);
    pkcs12::check(&p12, &password, naming, &joined.leaf.der)?;
    let leaf = &joined.leaf;
    let facts = Facts {
        described: Described {
            nickname: waiting.nickname.clone(),
            subject: leaf.subject.clone(),
            serial: leaf.serial.clone(),
            sha256_fingerprint: leaf.sha256_fingerprint,
            sha1_thumbprint: leaf.sha1_thumbprint.clone(),
            not_before: leaf.not_before,
            not_after: leaf.not_after,
            zone: clock.zone_name(),
            not_after_local: crate::clock::local_time(leaf.not_after, &clock.zone),
            key_type: waiting.key_type,
            // The CA chose how to sign; the closest of AuthCert's hashes.
            signature_hash: leaf.closest_hash,
            encryption: waiting.encryption,
        },
        signed_by: None,
        requested_from: Some(joined.ca_name.clone()),
        certificate_der: leaf.der.clone(),
    };
    Ok(Completed {
        issued: Issued {
            p12,
            password,
            facts,
        },
        joined,
        waiting,
    })
}
