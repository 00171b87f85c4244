//! The window's commands for *Add existing certificate…*: pick a file in
//! the system's open dialog (from Rust: the page never holds its path),
//! open it (with the password the admin types, for a .p12), preview it,
//! then add it. Each parses, calls the core (`authcert_core::import`), and
//! maps the error. The file is only read.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use serde::Serialize;
use serde_json::Value;
use tauri::{Runtime, State, WebviewWindow};
use zeroize::Zeroizing;

use authcert_core::engine::Clock;
use authcert_core::import::{self, Adding, ImportError, Inspected, Preview};

use super::args::{bool_of, password_of, text_of, MAX_NICKNAME_CHARS};
use super::creating::PendingState;
use super::dialog;
use super::error::AppError;
use super::listing::ListState;
use super::shell::blocking;

/// The file being added: its path, what it holds once opened, and the
/// .p12 password typed for it (wiped when the adding ends). Each start or
/// end of an adding counts up `generation`, so that an open still running
/// when the admin leaves (a file can ask for seconds of key derivation)
/// records nothing and says it was cancelled.
#[derive(Default)]
pub struct AddState(Mutex<AddingNow>);

#[derive(Default)]
struct AddingNow {
    generation: u64,
    session: Option<Session>,
}

#[derive(Clone)]
struct Session {
    path: PathBuf,
    inspected: Option<Inspected>,
    password: Option<Zeroizing<String>>,
}

impl AddState {
    fn lock(&self) -> MutexGuard<'_, AddingNow> {
        // Only whole values are assigned under this lock.
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Ends whatever adding there was (its password is wiped).
    fn end(&self) {
        let mut held = self.lock();
        held.generation += 1;
        held.session = None;
    }

    fn generation(&self) -> u64 {
        self.lock().generation
    }

    /// Records `session` unless the adding ended since `generation`.
    fn record(&self, generation: u64, session: Session) -> Result<(), AppError> {
        let mut held = self.lock();
        if held.generation != generation {
            return Err(AppError::AddCancelled);
        }
        held.session = Some(session);
        Ok(())
    }

    fn session(&self) -> Result<Session, AppError> {
        self.lock().session.clone().ok_or(AppError::input(
            "file",
            "File: choose a certificate file first (Add existing certificate…).",
        ))
    }
}

/// What the page shows after a step.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AddView {
    file_name: String,
    /// A .p12 waiting for its password.
    needs_password: bool,
    preview: Option<Preview>,
}

fn preview_of(list: &ListState, inspected: &Inspected) -> Result<Preview, AppError> {
    let store = list.store()?;
    let listed = store.load()?.records;
    Ok(Preview::of(
        inspected,
        &listed,
        store.settings().reminder_days,
        &Clock::system(),
    ))
}

/// Opens the system's open dialog; a public certificate is read at once,
/// a .p12 waits for its password.
#[tauri::command]
pub async fn add_pick<R: Runtime>(
    window: WebviewWindow<R>,
    list: State<'_, ListState>,
    adding: State<'_, AddState>,
) -> Result<AddView, AppError> {
    adding.end();
    let generation = adding.generation();
    let path = blocking("opening the dialog", move || {
        dialog::open_path(
            &window,
            "Add existing certificate",
            "Certificates (.p12, .pfx, .pem, .crt, .cer, .der)",
            &["p12", "pfx", "pem", "crt", "cer", "der"],
        )
        .ok_or(AppError::AddCancelled)
    })
    .await?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let read_path = path.clone();
    let inspected = blocking("reading the file", move || {
        let bytes = import::read::file_bytes(&read_path)?;
        if import::read::is_pkcs12(&bytes) {
            return Ok(None);
        }
        Ok(Some(import::read::inspect(&bytes, None)?))
    })
    .await?;
    let preview = match &inspected {
        Some(i) => Some(preview_of(&list, i)?),
        None => None,
    };
    adding.record(
        generation,
        Session {
            path,
            inspected: inspected.clone(),
            password: None,
        },
    )?;
    Ok(AddView {
        file_name,
        needs_password: inspected.is_none(),
        preview,
    })
}

/// Opens the chosen .p12 with `password`.
#[tauri::command]
pub async fn add_open(
    password: Value,
    list: State<'_, ListState>,
    adding: State<'_, AddState>,
) -> Result<AddView, AppError> {
    let password =
        password_of(password, "Password")?.ok_or(AppError::Import(ImportError::PasswordNeeded))?;
    let generation = adding.generation();
    let session = adding.session()?;
    let path = session.path.clone();
    let typed = password.clone();
    let inspected = blocking("opening the file", move || {
        let bytes = import::read::file_bytes(&path)?;
        Ok(import::read::inspect(&bytes, Some(&typed))?)
    })
    .await?;
    let preview = preview_of(&list, &inspected)?;
    let file_name = session
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    adding.record(
        generation,
        Session {
            inspected: Some(inspected),
            password: Some(password),
            ..session
        },
    )?;
    Ok(AddView {
        file_name,
        needs_password: false,
        preview: Some(preview),
    })
}

/// Adds the previewed certificate; returns its id in the list.
#[tauri::command]
pub async fn add_confirm(
    nickname: Value,
    choice: Value,
    keychain: Value,
    any_purpose: Value,
    list: State<'_, ListState>,
    pending: State<'_, PendingState>,
    adding: State<'_, AddState>,
) -> Result<String, AppError> {
    let nickname = text_of(nickname, "nickname", "Nickname", MAX_NICKNAME_CHARS)?;
    let choice = match choice {
        Value::Null => None,
        Value::Number(n) => match n.as_u64().and_then(|n| usize::try_from(n).ok()) {
            Some(i) => Some(i),
            None => {
                return Err(AppError::input(
                    "choice",
                    "Certificate: choose one of the file's certificates.",
                ))
            }
        },
        _ => {
            return Err(AppError::input(
                "choice",
                "Certificate: choose one of the file's certificates.",
            ))
        }
    };
    let keep = bool_of(
        keychain,
        "keychain",
        "Also save the password in the keychain",
    )?;
    let any_purpose = bool_of(any_purpose, "anyPurpose", "Add it anyway")?;
    let session = adding.session()?;
    // A .p12 not opened yet: its password comes first.
    let inspected = session
        .inspected
        .clone()
        .ok_or(AppError::Import(ImportError::PasswordNeeded))?;
    let (store, keychains) = (list.store()?, pending.inner().clone());
    let record = blocking("adding the certificate", move || {
        let password = session.password.as_ref().map(|p| p.as_str());
        Ok(import::add(
            &store,
            keychains.keychains(),
            &Adding {
                path: &session.path,
                inspected: &inspected,
                choice,
                nickname: &nickname,
                confirm_any_purpose: any_purpose,
                keep_password: if keep { password } else { None },
            },
            &Clock::system(),
        )?)
    })
    .await?;
    adding.end();
    Ok(record.described.sha256_fingerprint.to_string())
}

/// Ends an adding without adding: the typed password is wiped, and an open
/// still running records nothing.
#[tauri::command]
pub async fn add_cancel(adding: State<'_, AddState>) -> Result<(), AppError> {
    adding.end();
    Ok(())
}

impl From<ImportError> for AppError {
    fn from(e: ImportError) -> Self {
        AppError::Import(e)
    }
}
