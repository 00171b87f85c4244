//! The issuing authority's commands: each parses the page's arguments,
//! calls the core (authcert_core::authority) off the async threads, and
//! maps the error. Save and open dialogs are opened from here, so the page
//! never names a path; a backup and its password wait here (never in the
//! page, bar the password shown once) until saved or cancelled.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use serde::Serialize;
use serde_json::Value;
use tauri::{AppHandle, Runtime, State, WebviewWindow};

use authcert_core::authority::{self, view::View, Backup, Reason};
use authcert_core::engine::Clock;
use authcert_core::keychain::Keychains;
use authcert_core::overview::{self, Details};

use super::args::{bool_of, id_of, optional_text_of, password_of};
use super::clipboard;
use super::dialog;
use super::error::AppError;
use super::listing::ListState;
use super::shell::blocking;

/// A backup made and not yet saved, and the backup file chosen to restore.
#[derive(Default)]
pub struct IssuingState {
    backup: Mutex<Option<Arc<Backup>>>,
    restore_from: Mutex<Option<PathBuf>>,
}

impl IssuingState {
    fn backup(&self) -> MutexGuard<'_, Option<Arc<Backup>>> {
        // Each change is one assignment: a poisoned lock holds a whole value.
        self.backup.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn restore_from(&self) -> MutexGuard<'_, Option<PathBuf>> {
        self.restore_from.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The authority's screen.
#[tauri::command]
pub async fn authority_view(list: State<'_, ListState>) -> Result<View, AppError> {
    let store = list.store()?;
    blocking("reading the authority", move || {
        let days = store.settings().reminder_days;
        Ok(match authority::load(&store) {
            Ok(found) => View::of(found.as_ref(), days, &Clock::system()),
            // A damaged file is said on the screen; the form still works.
            Err(e) => View::unreadable(e.to_string(), days, &Clock::system()),
        })
    })
    .await
}

/// Creates the authority (its key goes to the keychain).
#[tauri::command]
pub async fn authority_create(
    name: Value,
    end_date: Value,
    list: State<'_, ListState>,
) -> Result<View, AppError> {
    let name = optional_text_of(name, "authority_name", "Authority name")?.unwrap_or_default();
    let end = optional_text_of(end_date, "authority_end_date", "Authority valid until")?;
    let store = list.store()?;
    blocking("creating the authority", move || {
        let clock = Clock::system();
        let made = authority::create(&store, &Keychains::System, &name, end.as_deref(), &clock)?;
        Ok(View::of(
            Some(&made),
            store.settings().reminder_days,
            &clock,
        ))
    })
    .await
}

/// Saves the authority's certificate for the server (save dialog).
#[tauri::command]
pub async fn authority_export<R: Runtime>(
    window: WebviewWindow<R>,
    list: State<'_, ListState>,
) -> Result<String, AppError> {
    let store = list.store()?;
    blocking("exporting the authority", move || {
        let path = dialog::save_path(
            &window,
            "Export the authority's certificate for your server",
            &authority::certificate_file_name(&store)?,
            "PEM certificate",
            &["pem"],
        )
        .ok_or(AppError::ExportCancelled)?;
        let exported = authority::export_certificate(&store, &path)?;
        Ok(authority::exported_text(&exported, &path))
    })
    .await
}

/// Signs and saves a revocation list (save dialog).
#[tauri::command]
pub async fn authority_crl<R: Runtime>(
    window: WebviewWindow<R>,
    list: State<'_, ListState>,
) -> Result<String, AppError> {
    let store = list.store()?;
    blocking("exporting the revocation list", move || {
        let clock = Clock::system();
        let path = dialog::save_path(
            &window,
            "Export the revocation list for your server",
            &authority::crl_file_name(&store, &clock)?,
            "PEM revocation list",
            &["pem"],
        )
        .ok_or(AppError::ExportCancelled)?;
        let made = authority::export_crl(&store, &Keychains::System, &clock, &path)?;
        Ok(made.saved_text(&clock.zone))
    })
    .await
}

/// Copies one server's settings (by the server's name).
#[tauri::command]
pub async fn authority_copy_setting<R: Runtime>(
    server: Value,
    app: AppHandle<R>,
    list: State<'_, ListState>,
) -> Result<(), AppError> {
    let server = optional_text_of(server, "server", "Server")?.unwrap_or_default();
    let store = list.store()?;
    let view = blocking("reading the authority", move || {
        let found = authority::load(&store)?;
        let days = store.settings().reminder_days;
        Ok(View::of(found.as_ref(), days, &Clock::system()))
    })
    .await?;
    let setting = view
        .settings
        .iter()
        .find(|s| s.server == server)
        .ok_or_else(|| {
            AppError::input("server", "Server: there are no settings for that server.")
        })?;
    clipboard::copy_text(&app, &setting.text)
}

/// What the backup's one-time screen shows.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupView {
    /// Wiped once serialized and dropped.
    password: zeroize::Zeroizing<String>,
    name: String,
}

/// Makes a backup in memory and shows its password once.
#[tauri::command]
pub async fn authority_backup_start(
    list: State<'_, ListState>,
    issuing: State<'_, IssuingState>,
) -> Result<BackupView, AppError> {
    let store = list.store()?;
    let made = blocking("making the backup", move || {
        Ok(authority::backup(&store, &Keychains::System)?)
    })
    .await?;
    let view = BackupView {
        password: zeroize::Zeroizing::new(made.password.expose().to_string()),
        name: made.name.clone(),
    };
    *issuing.backup() = Some(Arc::new(made));
    Ok(view)
}

/// Copies the backup's password (taken off the clipboard a minute later).
#[tauri::command]
pub async fn authority_backup_copy<R: Runtime>(
    app: AppHandle<R>,
    issuing: State<'_, IssuingState>,
) -> Result<(), AppError> {
    let backup = issuing.backup().clone().ok_or(AppError::NoBackup)?;
    clipboard::copy_then_clear(&app, backup.password.expose())
}

/// Saves the backup (save dialog), once the admin confirms having saved
/// its password; then the backup is wiped from memory.
#[tauri::command]
pub async fn authority_backup_save<R: Runtime>(
    saved: Value,
    window: WebviewWindow<R>,
    issuing: State<'_, IssuingState>,
) -> Result<String, AppError> {
    if !bool_of(saved, "saved", "I have saved the password")? {
        return Err(AppError::input(
            "saved",
            "Tick “I have saved the password” first: without it the backup cannot be opened, and it is shown only once.",
        ));
    }
    let backup = issuing.backup().clone().ok_or(AppError::NoBackup)?;
    let path = blocking("saving the backup", move || {
        let path = dialog::save_path(
            &window,
            "Save the authority's backup",
            &authcert_core::filename::suggested(&format!("{} backup", backup.name), "p12"),
            "PKCS#12 backup",
            &["p12"],
        )
        .ok_or(AppError::BackupCancelled)?;
        Ok(authority::save_backup(&backup, &path)?)
    })
    .await?;
    *issuing.backup() = None;
    Ok(format!(
        "Saved the backup at {}. Its password is not kept anywhere by AuthCert.",
        path.display()
    ))
}

/// Throws the unsaved backup away (wiped).
#[tauri::command]
pub async fn authority_backup_cancel(issuing: State<'_, IssuingState>) -> Result<(), AppError> {
    *issuing.backup() = None;
    Ok(())
}

/// Asks which backup file to restore (open dialog); returns its name.
#[tauri::command]
pub async fn authority_restore_pick<R: Runtime>(
    window: WebviewWindow<R>,
    issuing: State<'_, IssuingState>,
) -> Result<String, AppError> {
    let path = blocking("opening the dialog", move || {
        dialog::open_path(
            &window,
            "Restore an issuing authority from its backup",
            "PKCS#12 backup",
            &["p12", "pfx"],
        )
        .ok_or(AppError::AddCancelled)
    })
    .await?;
    let shown = path.display().to_string();
    *issuing.restore_from() = Some(path);
    Ok(shown)
}

/// Restores the authority from the chosen backup with its password.
#[tauri::command]
pub async fn authority_restore(
    password: Value,
    list: State<'_, ListState>,
    issuing: State<'_, IssuingState>,
) -> Result<View, AppError> {
    let password = password_of(password, "Password of the backup")?.unwrap_or_default();
    let path = issuing.restore_from().clone().ok_or_else(|| {
        AppError::input(
            "password",
            "Choose the backup file first (Restore from backup…).",
        )
    })?;
    let store = list.store()?;
    let view = blocking("restoring the authority", move || {
        let bytes = authcert_core::import::read::file_bytes(&path)
            .map_err(|e| AppError::input("password", e.to_string()))?;
        let clock = Clock::system();
        let restored =
            authority::restore(&store, &Keychains::System, &bytes, &password, &path, &clock)?;
        Ok(View::of(
            Some(&restored),
            store.settings().reminder_days,
            &clock,
        ))
    })
    .await?;
    *issuing.restore_from() = None;
    Ok(view)
}

/// Removes the authority (asked first in the page); its revocations are
/// kept unless the admin ticked to forget them.
#[tauri::command]
pub async fn authority_remove(
    forget_revocations: Option<Value>,
    list: State<'_, ListState>,
) -> Result<View, AppError> {
    // Left out: kept, the safe side.
    let forget = forget_revocations.unwrap_or(Value::Null);
    let on_remove = if bool_of(forget, "forgetRevocations", "Forget its revocations")? {
        authority::OnRemove::ForgetRevocations
    } else {
        authority::OnRemove::KeepRevocations
    };
    let store = list.store()?;
    blocking("removing the authority", move || {
        authority::remove(&store, &Keychains::System, on_remove)?;
        Ok(View::of(
            None,
            store.settings().reminder_days,
            &Clock::system(),
        ))
    })
    .await
}

/// Revokes a listed certificate the authority signed (asked first).
#[tauri::command]
pub async fn revoke(
    id: Value,
    reason: Value,
    list: State<'_, ListState>,
) -> Result<Details, AppError> {
    let id = id_of(id)?;
    let reason = match optional_text_of(reason, "reason", "Reason")? {
        None => Reason::Unspecified,
        Some(r) => Reason::parse(&r).map_err(|e| AppError::input("reason", e.to_string()))?,
    };
    let store = list.store()?;
    blocking("revoking the certificate", move || {
        Ok(overview::revoke(&store, &id, reason, &Clock::system())?)
    })
    .await
}
