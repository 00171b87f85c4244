//! A certificate made and saved in one call, as the command line does it:
//! every rule checked (against the list) before a key is made, the files'
//! places checked, the certificate made, its password kept in the keychain
//! when asked (before anything is written, so a refusal leaves nothing),
//! its PEM copy and its .p12 saved and listed. The password is then the
//! caller's to hand over; if it cannot be, [`Generated::take_back`] removes
//! everything again, since a file nobody can open is no use.

use std::path::{Path, PathBuf};

use super::{LifeError, Made, Pending, Saved};
use crate::engine::{Clock, FieldError, RawRequest, Spares};
use crate::ids::Fingerprint;
use crate::keychain::Keychains;
use crate::requested::waiting::{self, RequestError};
use crate::save::{self, SaveError};
use crate::store::Store;

/// Where the certificate goes.
pub struct Files {
    pub out: PathBuf,
    /// A PEM copy (certificate and encrypted key) beside the .p12.
    pub pem_out: Option<PathBuf>,
    /// Store the password in the keychain too.
    pub keychain: bool,
}

/// Which of the files a refusal is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    P12,
    Pem,
}

/// Why nothing was made, or nothing kept. Each says what was left behind:
/// nothing, in every case.
#[derive(Debug)]
pub enum GenerateError {
    /// The choices break rules; nothing was made.
    Invalid(Vec<FieldError>),
    /// The rules could not be checked (the list is unreadable); nothing was made.
    Unchecked(LifeError),
    /// A file cannot be written there; nothing was made.
    Target(Output, SaveError),
    /// The PEM copy was to go where the .p12 goes.
    SameFile,
    /// Making the certificate failed.
    Make(LifeError),
    /// The keychain refused the password; nothing was saved.
    Keychain(LifeError),
    /// Saving or listing failed; what was written is removed again.
    Save(Output, LifeError),
    /// The request or its answer was refused; nothing was made.
    Request(RequestError),
}

/// A certificate made, saved and listed; its password still to hand over.
pub struct Generated {
    pending: Pending,
    pub made: Made,
    pub saved: Saved,
}

impl Generated {
    /// Removes the file, its PEM copy, its record and its keychain entry:
    /// the password could not be handed over.
    pub fn take_back(self) {
        let _ = self.pending.retract();
    }
}

/// Makes a certificate from `raw` and saves it as `files` says; it
/// replaces the listed certificate `replaces` when given, as
/// [`Pending::make_replacing`] says.
pub fn generate(
    store: &Store,
    keychains: Keychains,
    raw: &RawRequest,
    files: &Files,
    replaces: Option<Fingerprint>,
    clock: &Clock,
) -> Result<Generated, GenerateError> {
    let pending = Pending::new(Ok(store.clone()), keychains, Spares::new());
    match pending.validate(raw, clock) {
        Ok(errors) if errors.is_empty() => {}
        Ok(errors) => return Err(GenerateError::Invalid(errors)),
        Err(e) => return Err(GenerateError::Unchecked(e)),
    }
    check_files(files)?;
    let made = pending
        .make_replacing(raw, clock, replaces)
        .map_err(GenerateError::Make)?;
    keep_and_save(pending, made, files)
}

/// A request's answer joined with its waiting key, saved as `files` says.
/// The request still waits, its key in the keychain, until the password
/// has been handed over ([`finish_request`]): if it cannot be, the file is
/// taken back and the answer can be used again.
pub struct CompletedAndSaved {
    pub generated: Generated,
    /// What the admin should know of the answer (the chain, a missing
    /// intermediate).
    pub notices: Vec<String>,
}

/// Completes the request `nickname` with the CA's `answer` and saves the
/// result as `files` says, as `generate` saves a certificate it makes.
pub fn complete(
    store: &Store,
    keychains: Keychains,
    nickname: &str,
    answer: &[u8],
    files: &Files,
    clock: &Clock,
) -> Result<CompletedAndSaved, GenerateError> {
    check_files(files)?;
    let completed = waiting::complete(store, &keychains, nickname, answer, clock)
        .map_err(GenerateError::Request)?;
    let pending = Pending::new(Ok(store.clone()), keychains.clone(), Spares::new());
    let made = pending
        .adopt(
            completed.issued,
            super::OnSave::KeepRequest,
            completed.waiting.replaces,
        )
        .map_err(GenerateError::Make)?;
    let generated = keep_and_save(pending, made, files)?;
    Ok(CompletedAndSaved {
        generated,
        notices: completed.joined.notices,
    })
}

/// Takes the completed request `nickname` off and deletes its waiting key,
/// once its certificate's password is handed over. The file is saved and
/// listed whatever this answers; an error says why the request stays.
pub fn finish_request(
    store: &Store,
    keychains: &Keychains,
    nickname: &str,
) -> Result<(), RequestError> {
    waiting::remove(store, keychains, nickname).map(|_| ())
}

/// Whether the files can be written where `files` says (nothing made yet).
fn check_files(files: &Files) -> Result<(), GenerateError> {
    save::check_target(&files.out).map_err(|e| GenerateError::Target(Output::P12, e))?;
    if let Some(pem) = &files.pem_out {
        save::check_target(pem).map_err(|e| GenerateError::Target(Output::Pem, e))?;
        if same_file(pem, &files.out) {
            return Err(GenerateError::SameFile);
        }
    }
    Ok(())
}

/// The password into the keychain when asked (before anything is
/// written), then the PEM copy and the .p12 saved and listed.
fn keep_and_save(pending: Pending, made: Made, files: &Files) -> Result<Generated, GenerateError> {
    if files.keychain {
        if let Err(e) = pending.keep() {
            pending.discard();
            return Err(GenerateError::Keychain(e));
        }
    }
    // The caller hands the password over (Made holds a copy).
    let mut failed = Output::P12;
    let saved = pending.confirm_saved(true).and_then(|()| {
        if let Some(pem) = &files.pem_out {
            failed = Output::Pem;
            pending.save_pem(pem)?;
            failed = Output::P12;
        }
        pending.save(&files.out)
    });
    match saved {
        Ok(saved) => Ok(Generated {
            pending,
            made,
            saved,
        }),
        Err(e) => {
            pending.discard();
            Err(GenerateError::Save(failed, e))
        }
    }
}

/// Whether two paths name one file (the same text once made absolute).
fn same_file(a: &Path, b: &Path) -> bool {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    abs(a) == abs(b)
}
