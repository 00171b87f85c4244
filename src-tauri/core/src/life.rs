//! The pending certificate's life, owned in one place for the window and
//! the command line alike:
//!
//! ```text
//! Idle ─make→ Generating ─→ Ready ─save→ Saved (secrets wiped)
//!                             │  keep / unkeep (keychain), confirm
//!                             └─discard→ Idle (secrets wiped, entry deleted)
//! ```
//!
//! The state sits behind one mutex that is held for moments only: never
//! across key generation, PBKDF2, file I/O or a keychain call. An operation
//! that does slow work marks the certificate busy, does the work with the
//! lock released, then records the outcome; a second operation meanwhile is
//! refused (or, for `discard`, waits), so keep, unkeep, save and discard are
//! atomic with respect to each other. A guard clears the mark if the work
//! fails or panics, so a panic never loses a certificate nor leaves it
//! stuck, and the lock is taken without regard to poisoning (the state is
//! whole at every point a panic could happen).

pub mod unattended;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use jiff::Timestamp;
use zeroize::Zeroizing;

use crate::authority::{self, Authority};
use crate::engine::{
    self, Clock, Encryption, Facts, FieldError, InvalidRequest, IssueError, Issued, RawRequest,
    Request, Signer, SignerKind, Spares,
};
use crate::ids::Fingerprint;
use crate::keychain::{self, KeychainError, Keychains};
use crate::save::{self, SaveError, WriteNewError};
use crate::store::{Record, Store, StoreError};

/// Why an operation on the pending certificate was refused or failed. The
/// texts say what to do next and never carry a secret.
#[derive(Debug, thiserror::Error)]
pub enum LifeError {
    #[error("{0}")]
    Invalid(InvalidRequest),
    #[error("A certificate is already being generated; wait for it to finish.")]
    Generating,
    #[error("A certificate is waiting to be downloaded. Download it, or close its screen to discard it, before generating another.")]
    Pending,
    #[error("The certificate is busy ({0}); wait a moment and try again.")]
    Busy(&'static str),
    #[error("There is no certificate to download: generate one first.")]
    Nothing,
    #[error("This certificate was already downloaded to {0}. Its password and private key have been wiped, so it cannot be downloaded again.")]
    AlreadySaved(String),
    #[error("Download the certificate first; its public part can be exported after that.")]
    NotSaved,
    #[error("Tick “I have saved the password” first: without the password the file cannot be opened, and it is shown only once.")]
    NotConfirmed,
    #[error("The certificate was discarded while it was being made.")]
    Discarded,
    #[error("The certificate could not be generated: {0}")]
    Issue(#[from] IssueError),
    #[error("{0}")]
    Keychain(#[from] KeychainError),
    #[error(
        "The file was not saved: {0} The certificate is still here; you can download it again."
    )]
    Save(SaveError),
    #[error("The file was not saved: it was written, but failed its check when read back ({0}), and has been removed. The certificate is still here; you can download it again.")]
    SelfCheck(IssueError),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Authority(#[from] crate::authority::AuthorityError),
    #[error("{0}")]
    Connect(#[from] crate::connect::ConnectError),
    #[error("AuthCert hit an internal error ({0}). Nothing was lost: the certificate is still here; try again.")]
    Internal(String),
}

impl LifeError {
    /// The refused fields, for the form.
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            LifeError::Invalid(invalid) => &invalid.errors,
            _ => &[],
        }
    }
}

/// What the one-time screen (or the command line) shows once a certificate
/// is made. The password is a copy, wiped when this is dropped.
pub struct Made {
    pub password: Zeroizing<String>,
    pub facts: Facts,
    /// A damaged list found (and kept aside) on the way.
    pub list_notice: Option<String>,
}

impl std::fmt::Debug for Made {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Made")
            .field("password", &"<redacted>")
            .field("facts", &self.facts)
            .finish()
    }
}

/// A saved certificate.
#[derive(Debug, Clone)]
pub struct Saved {
    pub path: PathBuf,
    /// The PEM copy, when one was saved before the .p12.
    pub pem: Option<PathBuf>,
    pub keychain_account: Option<String>,
    /// A damaged list found (and kept aside) while recording it.
    pub list_notice: Option<String>,
    /// Why the request this certificate completed is still listed as
    /// waiting (OnSave::FinishRequest only).
    pub request_notice: Option<String>,
    /// How the saved file is protected (for the "How to use it" texts, which
    /// must not have to ask the certificate again: a discard may follow the
    /// save at once).
    pub encryption: Encryption,
}

/// Where the password was stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    pub account: String,
}

impl Kept {
    /// "Stored in the …: service “AuthCert”, account “…”."
    pub fn message(&self) -> String {
        format!(
            "Stored in the {}: service “{}”, account “{}”.",
            keychain::system_name(),
            keychain::SERVICE,
            self.account
        )
    }
}

/// What a slow operation is doing, for the "busy" message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Work {
    Keychain,
    Saving,
    SavingPem,
}

impl Work {
    fn words(self) -> &'static str {
        match self {
            Work::Keychain => "the keychain is being updated",
            Work::Saving => "it is being saved",
            Work::SavingPem => "its PEM copy is being saved",
        }
    }
}

/// What saving an adopted certificate does besides saving it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnSave {
    /// Nothing more: the caller ends the request it came from.
    KeepRequest,
    /// Takes the request it completed off and deletes its waiting key.
    FinishRequest,
}

struct ReadyCert {
    /// Shared with a running operation; the secrets are wiped when the
    /// last holder lets go.
    issued: Arc<Issued>,
    on_save: OnSave,
    /// The listed certificate it replaces (Replace…): saved, it takes
    /// over that one's integrations, each to move.
    replaces: Option<Fingerprint>,
    keychain_account: Option<String>,
    /// The PEM copy saved so far (removed again if this one is discarded).
    pem: Option<PathBuf>,
    confirmed: bool,
    busy: Option<Work>,
}

/// What a slow operation takes from the waiting certificate.
struct Begun {
    issued: Arc<Issued>,
    on_save: OnSave,
    replaces: Option<Fingerprint>,
    keychain_account: Option<String>,
    pem: Option<PathBuf>,
}

enum State {
    Idle,
    /// `id` names the one `make` that may end it: a generation discarded
    /// and finishing late must not touch a newer one's certificate.
    Generating {
        id: u64,
        abandoned: bool,
    },
    Ready(ReadyCert),
    Saved {
        facts: Box<Facts>,
        saved: Saved,
    },
}

/// The owner of one window's (or one command's) pending certificate.
pub struct Pending {
    state: Mutex<State>,
    /// The id of the last generation started.
    generations: std::sync::atomic::AtomicU64,
    /// Signalled whenever a slow operation ends.
    settled: Condvar,
    spares: Spares,
    keychains: Keychains,
    store: Result<Store, String>,
}

impl Pending {
    /// `store` is the list (or why there is none: nothing can be saved then).
    pub fn new(store: Result<Store, String>, keychains: Keychains, spares: Spares) -> Pending {
        Pending {
            state: Mutex::new(State::Idle),
            generations: std::sync::atomic::AtomicU64::new(0),
            settled: Condvar::new(),
            spares,
            keychains,
            store,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Every change under the lock is a plain assignment, so a panic
        // elsewhere never leaves a half-changed state behind.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn store(&self) -> Result<&Store, LifeError> {
        self.store
            .as_ref()
            .map_err(|e| LifeError::Store(StoreError::Unavailable(e.clone())))
    }

    pub fn spares(&self) -> &Spares {
        &self.spares
    }

    pub fn keychains(&self) -> &Keychains {
        &self.keychains
    }

    /// The nicknames in the list (read afresh), of the requests waiting for
    /// a CA's answer, and the one waiting here.
    fn taken_nicknames(&self) -> Result<(Vec<String>, Option<String>), LifeError> {
        let store = self.store()?;
        let loaded = store.load()?;
        let notice = loaded.notice();
        let mut names: Vec<String> = loaded
            .records
            .into_iter()
            .map(|r| r.described.nickname)
            .collect();
        // A damaged requests file does not stop a certificate being made;
        // completing a request names it.
        if let Ok(requests) = crate::requested::waiting::list(store) {
            names.extend(requests.into_iter().map(|w| w.nickname));
        }
        if let Some(waiting) = self.pending_nickname() {
            names.push(waiting);
        }
        Ok((names, notice))
    }

    fn parse(
        &self,
        raw: &RawRequest,
        clock: &Clock,
        taken: &[String],
    ) -> Result<Request, LifeError> {
        Request::parse(raw, clock.today(), taken.iter().map(String::as_str))
            .map_err(LifeError::Invalid)
    }

    /// The form's refusals under today's rules (none: it can be generated).
    pub fn validate(&self, raw: &RawRequest, clock: &Clock) -> Result<Vec<FieldError>, LifeError> {
        let (taken, _) = self.taken_nicknames()?;
        if crate::requested::waiting::wants_request(raw) {
            // A request to another CA: its rules (no end date).
            return Ok(
                match crate::requested::ToCa::parse(raw, taken.iter().map(String::as_str)) {
                    Ok(_) => Vec::new(),
                    Err(invalid) => invalid.errors,
                },
            );
        }
        match self.parse(raw, clock, &taken) {
            Ok(request) => self
                .authority_refusals(&request, clock)
                .map(|(errors, _)| errors),
            Err(LifeError::Invalid(invalid)) => Ok(invalid.errors),
            Err(e) => Err(e),
        }
    }

    /// What the authority (if the request asks for it) refuses, and the
    /// authority; the list's file is read afresh, no keychain is touched.
    fn authority_refusals(
        &self,
        request: &Request,
        clock: &Clock,
    ) -> Result<(Vec<FieldError>, Option<Authority>), LifeError> {
        if request.signer() != SignerKind::Authority {
            return Ok((Vec::new(), None));
        }
        let found = authority::load(self.store()?)?;
        let errors = authority::check_request(found.as_ref(), request, clock);
        Ok((errors, found))
    }

    /// The authority's signer for `request`, or None for a self-signed one.
    fn signer_for(&self, request: &Request, clock: &Clock) -> Result<Option<Signer>, LifeError> {
        let (errors, found) = self.authority_refusals(request, clock)?;
        if !errors.is_empty() {
            return Err(LifeError::Invalid(InvalidRequest { errors }));
        }
        let Some(found) = found else {
            return Ok(None);
        };
        let signer = authority::signer(
            &found,
            &self.keychains,
            request.signature_hash(),
            "The certificate was not made",
        )?;
        Ok(Some(signer))
    }

    /// The nickname of a certificate made and not yet saved.
    pub fn pending_nickname(&self) -> Option<String> {
        match &*self.lock() {
            State::Ready(r) => Some(r.issued.facts.described.nickname.clone()),
            _ => None,
        }
    }

    /// The SHA-256 fingerprint of the certificate waiting to be saved.
    pub fn pending_fingerprint(&self) -> Option<Fingerprint> {
        match &*self.lock() {
            State::Ready(r) => Some(r.issued.facts.described.sha256_fingerprint),
            _ => None,
        }
    }

    /// Whether leaving now would lose a certificate (or one being made).
    pub fn has_pending(&self) -> bool {
        matches!(
            &*self.lock(),
            State::Ready(_)
                | State::Generating {
                    abandoned: false,
                    ..
                }
        )
    }

    /// Makes a certificate: parses the choices against the list, takes the
    /// key made ahead (or makes one), issues and checks the file.
    pub fn make(&self, raw: &RawRequest, clock: &Clock) -> Result<Made, LifeError> {
        self.make_replacing(raw, clock, None)
    }

    /// Makes a certificate as `make` does; saved, it replaces the listed
    /// certificate `replaces` (Replace…): it takes over its integrations,
    /// each to move.
    pub fn make_replacing(
        &self,
        raw: &RawRequest,
        clock: &Clock,
        replaces: Option<Fingerprint>,
    ) -> Result<Made, LifeError> {
        // The list first: its nicknames are taken, and a list that cannot be
        // read stops us before a key is made.
        let (taken, list_notice) = self.taken_nicknames()?;
        let (request, id) = self.start(|| self.parse(raw, clock, &taken))?;
        let mut guard = Guard::new(self, move |state: &mut State| {
            if matches!(state, State::Generating { id: mine, .. } if *mine == id) {
                *state = State::Idle;
            }
        });
        let signer = self.signer_for(&request, clock)?;
        crate::hooks::panic_point("make");
        let key = self.spares.take(request.signing())?;
        let issued = engine::issue_signed(&request, clock, key, signer.as_ref())?;
        // The authority's key is wiped as soon as it has signed.
        drop(signer);
        let made = self.finish_make_then(id, issued, list_notice, OnSave::KeepRequest, replaces);
        guard.done();
        made
    }

    /// Takes a certificate made elsewhere in the core — a CA's answer
    /// joined with its waiting key (`requested`) — into the same one-time
    /// life: the password shown once, kept or not, the file saved, listed.
    ///
    /// With [`OnSave::FinishRequest`] (the window: the password has been
    /// shown and confirmed before the download) saving it also takes the
    /// request off and deletes its waiting key; the command line does that
    /// itself once the password is handed over.
    /// Saved, it replaces the listed certificate `replaces`, as
    /// [`Pending::make_replacing`] says.
    pub fn adopt(
        &self,
        issued: Issued,
        on_save: OnSave,
        replaces: Option<Fingerprint>,
    ) -> Result<Made, LifeError> {
        let (_, list_notice) = self.taken_nicknames()?;
        let ((), id) = self.start(|| Ok(()))?;
        self.finish_make_then(id, issued, list_notice, on_save, replaces)
    }

    /// Starts a generation: refused while another runs or a certificate
    /// waits; `check` runs under the same lock (the choices parsed against
    /// the list), so nothing can start in between. Answers its id.
    fn start<T>(
        &self,
        check: impl FnOnce() -> Result<T, LifeError>,
    ) -> Result<(T, u64), LifeError> {
        let mut state = self.lock();
        match &*state {
            State::Generating {
                abandoned: false, ..
            } => return Err(LifeError::Generating),
            State::Ready(_) => return Err(LifeError::Pending),
            _ => {}
        }
        let checked = check()?;
        let id = self
            .generations
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            + 1;
        *state = State::Generating {
            id,
            abandoned: false,
        };
        Ok((checked, id))
    }

    /// Ends generation `id` with its certificate, unless it was discarded
    /// meanwhile (then the certificate is dropped, which wipes it, and the
    /// state is left to whatever came after).
    fn finish_make_then(
        &self,
        id: u64,
        issued: Issued,
        list_notice: Option<String>,
        on_save: OnSave,
        replaces: Option<Fingerprint>,
    ) -> Result<Made, LifeError> {
        let made = Made {
            password: Zeroizing::new(issued.password.expose().to_string()),
            facts: issued.facts.clone(),
            list_notice,
        };
        {
            let mut state = self.lock();
            match &*state {
                State::Generating {
                    id: current,
                    abandoned: false,
                } if *current == id => {}
                // Discarded while it was made: it ends here.
                State::Generating { id: current, .. } if *current == id => {
                    *state = State::Idle;
                    return Err(LifeError::Discarded);
                }
                // A newer certificate (or generation) is not this one's.
                _ => return Err(LifeError::Discarded),
            }
            *state = State::Ready(ReadyCert {
                issued: Arc::new(issued),
                on_save,
                replaces,
                keychain_account: None,
                pem: None,
                confirmed: false,
                busy: None,
            });
        }
        // The form is closed: the spares of other key types are not needed.
        self.spares.clear();
        Ok(made)
    }

    /// Marks the waiting certificate busy with `work`; returns what the work
    /// needs. Refused unless a certificate waits and nothing else runs (and,
    /// to save it, unless the admin has confirmed saving the password).
    fn begin(&self, work: Work) -> Result<Begun, LifeError> {
        let mut state = self.lock();
        let ready = ready_mut(&mut state)?;
        if matches!(work, Work::Saving | Work::SavingPem) && !ready.confirmed {
            return Err(LifeError::NotConfirmed);
        }
        if let Some(other) = ready.busy {
            return Err(LifeError::Busy(other.words()));
        }
        ready.busy = Some(work);
        Ok(Begun {
            issued: ready.issued.clone(),
            on_save: ready.on_save,
            replaces: ready.replaces,
            keychain_account: ready.keychain_account.clone(),
            pem: ready.pem.clone(),
        })
    }

    /// Stores the waiting certificate's password in the keychain, under an
    /// account of its own (`keychain::account_for`).
    pub fn keep(&self) -> Result<Kept, LifeError> {
        let Begun {
            issued,
            keychain_account: already,
            ..
        } = self.begin(Work::Keychain)?;
        let mut guard = Guard::new(self, clear_busy);
        if let Some(account) = already {
            return Ok(Kept { account });
        }
        crate::hooks::panic_point("keep");
        let account = keychain::account_for(
            &issued.facts.described.nickname,
            &issued.facts.described.sha256_fingerprint,
        );
        self.keychains
            .open()?
            .store(&account, issued.password.expose())?;
        drop(issued);
        let mut state = self.lock();
        if let Ok(ready) = ready_mut(&mut state) {
            ready.keychain_account = Some(account.clone());
            ready.busy = None;
        }
        guard.done();
        Ok(Kept { account })
    }

    /// Deletes the waiting certificate's password from the keychain again.
    pub fn unkeep(&self) -> Result<(), LifeError> {
        let Begun {
            keychain_account: account,
            ..
        } = self.begin(Work::Keychain)?;
        let mut guard = Guard::new(self, clear_busy);
        crate::hooks::panic_point("unkeep");
        if let Some(account) = &account {
            self.keychains.open()?.delete(account)?;
        }
        let mut state = self.lock();
        if let Ok(ready) = ready_mut(&mut state) {
            ready.keychain_account = None;
            ready.busy = None;
        }
        guard.done();
        Ok(())
    }

    /// Records that the admin has confirmed saving the password: `save` is
    /// refused until then.
    pub fn confirm_saved(&self, confirmed: bool) -> Result<(), LifeError> {
        let mut state = self.lock();
        ready_mut(&mut state)?.confirmed = confirmed;
        Ok(())
    }

    /// Refuses early what `save` would refuse (before a dialog opens), and
    /// gives the suggested file name.
    pub fn check_savable(&self, extension: &str) -> Result<String, LifeError> {
        let mut state = self.lock();
        let ready = ready_mut(&mut state)?;
        if !ready.confirmed {
            return Err(LifeError::NotConfirmed);
        }
        if let Some(work) = ready.busy {
            return Err(LifeError::Busy(work.words()));
        }
        Ok(crate::filename::suggested(
            &ready.issued.facts.described.nickname,
            extension,
        ))
    }

    /// Saves the waiting certificate at `path`: written atomically (never
    /// over a file), read back and opened with its password, then recorded
    /// in the list with its nickname checked once more under the list's
    /// lock. Only then are the password and the key wiped. On any failure
    /// nothing is left at `path` and the certificate still waits.
    pub fn save(&self, path: &Path) -> Result<Saved, LifeError> {
        let Begun {
            issued,
            on_save,
            replaces,
            keychain_account,
            pem,
        } = self.begin(Work::Saving)?;
        let mut guard = Guard::new(self, clear_busy);
        let store = self.store()?;
        crate::hooks::panic_point("save");
        // The bytes were opened with the password when they were made
        // (engine::pkcs12::check): write_new reads the file back and compares
        // it with them byte for byte, so the file on disk opens the same.
        // Opening it a second time would only repeat the key derivations.
        save::write_new(path, &issued.p12, |_| Ok::<(), IssueError>(())).map_err(|e| match e {
            WriteNewError::Save(s) => LifeError::Save(s),
            WriteNewError::Verify(v) => LifeError::SelfCheck(v),
        })?;
        // The path as the admin will look for it later.
        let shown = crate::platform::files::canonical(path);
        let mut record = Record::new(
            &issued.facts,
            &shown,
            keychain_account.clone(),
            Timestamp::now(),
        );
        record.pem_file = pem.as_ref().map(|p| p.display().to_string());
        // The old certificate taken off the list meanwhile has nothing to hand over.
        if let Some(old) = replaces.and_then(|id| store.get(&id).ok()) {
            record.replacing(&old);
        }
        let damaged = match store.add_new(record) {
            Ok(damaged) => damaged,
            Err(e) => {
                // A file the list does not know could expire unnoticed.
                let _ = std::fs::remove_file(path);
                return Err(e.into());
            }
        };
        let request_notice = match on_save {
            OnSave::KeepRequest => None,
            // Saved and listed: the request is done, whatever this answers.
            OnSave::FinishRequest => crate::requested::waiting::remove(
                store,
                &self.keychains,
                &issued.facts.described.nickname,
            )
            .err()
            .map(|e| {
                format!(
                    "The request “{}” is still listed as waiting: {e} Cancel it from the list.",
                    issued.facts.described.nickname
                )
            }),
        };
        let saved = Saved {
            path: shown,
            pem,
            keychain_account,
            list_notice: crate::store::Loaded {
                records: Vec::new(),
                damaged,
            }
            .notice(),
            request_notice,
            encryption: issued.facts.described.encryption,
        };
        {
            let mut state = self.lock();
            *state = State::Saved {
                facts: Box::new(issued.facts.clone()),
                saved: saved.clone(),
            };
            guard.done();
        }
        // Where a discard can close the saved certificate before the caller
        // has shown what was saved (tests/life_window.rs).
        crate::hooks::hold_point("saved");
        // The last holder: dropping it wipes the password and the file's bytes.
        drop(issued);
        Ok(saved)
    }

    /// Saves the PEM copy of the waiting certificate at `path` (certificate
    /// and key encrypted with the same password; engine::pem_bundle):
    /// written atomically, read back and decrypted before it counts. The
    /// certificate still waits for its .p12; discarding it removes the copy.
    pub fn save_pem(&self, path: &Path) -> Result<PathBuf, LifeError> {
        let Begun { issued, .. } = self.begin(Work::SavingPem)?;
        let mut guard = Guard::new(self, clear_busy);
        crate::hooks::panic_point("save_pem");
        // The key, for a moment: out of the .p12, into the PEM's encryption.
        let opened = engine::pkcs12::read::open(
            &issued.p12,
            issued.password.expose(),
            &engine::pkcs12::read::Limits::default(),
        )
        .map_err(|e| LifeError::SelfCheck(IssueError::SelfCheck(e.to_string())))?;
        let key = opened
            .keys
            .first()
            .ok_or_else(|| LifeError::SelfCheck(IssueError::SelfCheck("no key".into())))?;
        // A signed certificate's copy carries the authority's certificate
        // after it, as its .p12 does.
        let chain: Vec<&[u8]> = opened
            .certificates
            .iter()
            .map(|c| c.value.as_slice())
            .filter(|der| *der != issued.facts.certificate_der.as_slice())
            .collect();
        let text = engine::pem_bundle::bundle(
            &issued.facts.certificate_der,
            &chain,
            &key.value,
            &issued.password,
        )?;
        save::write_new(path, text.as_bytes(), |back| {
            engine::pem_bundle::check(
                back,
                &issued.password,
                &issued.facts.certificate_der,
                &key.value,
            )
        })
        .map_err(|e| match e {
            WriteNewError::Save(s) => LifeError::Save(s),
            WriteNewError::Verify(v) => LifeError::SelfCheck(v),
        })?;
        let shown = crate::platform::files::canonical(path);
        let mut state = self.lock();
        if let Ok(ready) = ready_mut(&mut state) {
            ready.pem = Some(shown.clone());
            ready.busy = None;
        }
        guard.done();
        Ok(shown)
    }

    /// Takes back a certificate just saved (the command line, when the
    /// password it must print cannot be printed): its file, its record and
    /// its keychain entry go.
    pub fn retract(&self) -> Result<(), LifeError> {
        let (facts, saved) = {
            let mut state = self.lock();
            match &*state {
                State::Saved { facts, saved } => {
                    let taken = ((**facts).clone(), saved.clone());
                    *state = State::Idle;
                    taken
                }
                _ => return Err(LifeError::NotSaved),
            }
        };
        let _ = std::fs::remove_file(&saved.path);
        if let Some(pem) = &saved.pem {
            let _ = std::fs::remove_file(pem);
        }
        let _ = self.store()?.remove(&facts.described.sha256_fingerprint);
        if let Some(account) = &saved.keychain_account {
            let _ = self.keychains.open().and_then(|k| k.delete(account));
        }
        Ok(())
    }

    /// The waiting certificate as presented in a test against an API
    /// (before it is saved, so one that does not work can be thrown away),
    /// and the name of the authority on this computer that signed it.
    /// Opened outside the lock; the state is unchanged.
    pub fn identity(&self) -> Result<(crate::connect::Identity, Option<String>), LifeError> {
        let issued = {
            let mut state = self.lock();
            ready_mut(&mut state)?.issued.clone()
        };
        let identity = crate::connect::Identity::from_pkcs12(&issued.p12, issued.password.expose())
            .map_err(|e| LifeError::Internal(e.to_string()))?;
        let authority = issued.facts.signed_by.as_ref().map(|s| s.name.clone());
        Ok((identity, authority))
    }

    /// Tests the waiting certificate against an API before it is saved (so
    /// one that does not work can be thrown away). The state is unchanged.
    pub async fn test(
        self: Arc<Self>,
        settings: &crate::connect::Settings,
        clock: &Clock,
    ) -> Result<crate::connect::Verdict, LifeError> {
        let (identity, authority) = tokio::task::spawn_blocking(move || self.identity())
            .await
            .map_err(|_| LifeError::Internal("opening the certificate".into()))??;
        let trusted = tokio::task::spawn_blocking(crate::connect::Trusted::load)
            .await
            .map_err(|_| LifeError::Internal("reading the trusted authorities".into()))?;
        Ok(crate::connect::run(crate::connect::Test {
            target: &settings.target,
            identity: &identity,
            trusted: &trusted,
            trust: settings.trust,
            timeout: settings.timeout,
            zone: &clock.zone,
            authority: authority.as_deref(),
        })
        .await?)
    }

    /// A copy of the waiting certificate's password (for the clipboard).
    pub fn password(&self) -> Result<Zeroizing<String>, LifeError> {
        let mut state = self.lock();
        let ready = ready_mut(&mut state)?;
        Ok(Zeroizing::new(ready.issued.password.expose().to_string()))
    }

    /// The public facts of the saved certificate, and where it went.
    pub fn saved(&self) -> Result<(Facts, Saved), LifeError> {
        match &*self.lock() {
            State::Saved { facts, saved } => Ok(((**facts).clone(), saved.clone())),
            _ => Err(LifeError::NotSaved),
        }
    }

    /// Forgets the waiting certificate: its secrets are wiped and a keychain
    /// entry stored for it is deleted. Waits for a running keychain call or
    /// save to finish first (a save that finishes leaves nothing to
    /// discard). A certificate being made is dropped when it is done.
    pub fn discard(&self) {
        let taken = {
            let mut state = self.lock();
            loop {
                match &mut *state {
                    State::Ready(ReadyCert { busy: Some(_), .. }) => {
                        state = self.settled.wait(state).unwrap_or_else(|p| p.into_inner());
                    }
                    State::Generating { abandoned, .. } => {
                        *abandoned = true;
                        break None;
                    }
                    State::Ready(_) => break Some(std::mem::replace(&mut *state, State::Idle)),
                    State::Idle | State::Saved { .. } => {
                        *state = State::Idle;
                        break None;
                    }
                }
            }
        };
        if let Some(State::Ready(ready)) = taken {
            if let Some(account) = &ready.keychain_account {
                let _ = self.keychains.open().and_then(|k| k.delete(account));
            }
            // Its PEM copy goes with it: a discarded certificate leaves no key
            // behind, encrypted or not.
            if let Some(pem) = &ready.pem {
                let _ = std::fs::remove_file(pem);
            }
            // Dropping `ready` wipes the password and the key.
        }
    }
}

/// The waiting certificate, or why there is none.
fn ready_mut(state: &mut State) -> Result<&mut ReadyCert, LifeError> {
    match state {
        State::Ready(ready) => Ok(ready),
        State::Saved { saved, .. } => {
            Err(LifeError::AlreadySaved(saved.path.display().to_string()))
        }
        State::Generating {
            abandoned: false, ..
        } => Err(LifeError::Generating),
        State::Generating { .. } | State::Idle => Err(LifeError::Nothing),
    }
}

fn clear_busy(state: &mut State) {
    if let State::Ready(ready) = state {
        ready.busy = None;
    }
}

/// Undoes an operation's mark on the state unless `done` is called: on an
/// early return and on a panic alike. Either way, waiters are woken.
struct Guard<'a, F: FnOnce(&mut State)> {
    pending: &'a Pending,
    undo: Option<F>,
}

impl<'a, F: FnOnce(&mut State)> Guard<'a, F> {
    fn new(pending: &'a Pending, undo: F) -> Guard<'a, F> {
        Guard {
            pending,
            undo: Some(undo),
        }
    }

    fn done(&mut self) {
        self.undo = None;
    }
}

impl<F: FnOnce(&mut State)> Drop for Guard<'_, F> {
    fn drop(&mut self) {
        if let Some(undo) = self.undo.take() {
            undo(&mut self.pending.lock());
        }
        self.pending.settled.notify_all();
    }
}

#[cfg(test)]
pub(crate) mod tests;
