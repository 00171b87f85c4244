//! The window's commands for the list of certificates: home, details,
//! export, replace, copy from the keychain, remove, and the reminder
//! setting. Each parses, calls the core (`store`, `overview`), and maps the
//! error.

use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;
use serde_json::Value;
use tauri::{AppHandle, Runtime, State, WebviewWindow};
use tauri_plugin_notification::NotificationExt;

use authcert_core::engine::Clock;
use authcert_core::overview::{self, Details, HomeView, Replacement};
use authcert_core::store::{self, Store, StoreError, MAX_REMINDER_DAYS, MIN_REMINDER_DAYS};

use super::args::{bool_of, id_of};
use super::clipboard;
use super::creating::PendingState;
use super::error::AppError;
use super::shell::{blocking, export_public};

/// The list as the window uses it: the store (or why there is none), and
/// what this run has to tell about it.
pub struct ListState {
    store: Result<Store, String>,
    /// The start-up notification is sent once, by the first `home`.
    notified: AtomicBool,
}

impl ListState {
    pub fn open() -> ListState {
        ListState {
            store: Store::open_default().map_err(|e| e.to_string()),
            notified: AtomicBool::new(false),
        }
    }

    /// The store, as the pending certificate's owner uses it too.
    pub fn store_result(&self) -> Result<Store, String> {
        self.store.clone()
    }

    pub fn store(&self) -> Result<Store, AppError> {
        self.store
            .clone()
            .map_err(|e| AppError::Store(StoreError::Unavailable(e)))
    }
}

/// The list, soonest expiry first, with each certificate's status. The first
/// call of a run also sends the desktop reminder when some are due.
#[tauri::command]
pub async fn home<R: Runtime>(
    app: AppHandle<R>,
    list: State<'_, ListState>,
    pending: State<'_, PendingState>,
) -> Result<HomeView, AppError> {
    // Home means the form is closed: its spare keys are wiped.
    pending.spares().clear();
    let store = list.store()?;
    let view = blocking("reading the list", move || {
        Ok(overview::home(&store, &Clock::system()))
    })
    .await?;
    if !list.notified.swap(true, Ordering::SeqCst) {
        if let Some((title, body)) = view.notification() {
            // A desktop without a notification service just shows the banner.
            let _ = app.notification().builder().title(title).body(&body).show();
        }
    }
    Ok(view)
}

/// The admin has read the notice about a damaged list: it is not said
/// again (the copy kept aside stays).
#[tauri::command]
pub async fn dismiss_list_notice(list: State<'_, ListState>) -> Result<(), AppError> {
    let store = list.store()?;
    blocking(
        "dismissing the notice",
        move || Ok(store.dismiss_notices()?),
    )
    .await
}

#[tauri::command]
pub async fn details(id: Value, list: State<'_, ListState>) -> Result<Details, AppError> {
    let (id, store) = (id_of(id)?, list.store()?);
    blocking("reading the list", move || {
        Ok(overview::details(&store, &id, &Clock::system())?)
    })
    .await
}

/// Saves a listed certificate's public part as PEM or DER (`.cer`).
#[tauri::command]
pub async fn export_listed<R: Runtime>(
    id: Value,
    format: Value,
    window: WebviewWindow<R>,
    list: State<'_, ListState>,
) -> Result<String, AppError> {
    let (id, store) = (id_of(id)?, list.store()?);
    blocking("exporting the certificate", move || {
        let r = store.get(&id)?;
        let der = r
            .certificate_der()
            .ok_or(AppError::Store(StoreError::Damaged(
                r.described.nickname.clone(),
            )))?;
        export_public(&window, &r.described.nickname, der, format)
    })
    .await
}

#[tauri::command]
pub async fn replacement(
    id: Value,
    list: State<'_, ListState>,
    pending: State<'_, PendingState>,
) -> Result<Replacement, AppError> {
    let (id, store, pending) = (id_of(id)?, list.store()?, pending.inner().clone());
    blocking("reading the list", move || {
        let waiting = pending.pending_nickname();
        Ok(overview::replacement(&store, &id, waiting.as_deref())?)
    })
    .await
}

/// Reads a listed certificate's password from the keychain onto the
/// clipboard (cleared again after a while). It never reaches the page.
#[tauri::command]
pub async fn copy_from_keychain<R: Runtime>(
    id: Value,
    app: AppHandle<R>,
    list: State<'_, ListState>,
    pending: State<'_, PendingState>,
) -> Result<(), AppError> {
    let (id, store, pending) = (id_of(id)?, list.store()?, pending.inner().clone());
    blocking("reading the keychain", move || {
        let password = overview::password(&store, pending.keychains(), &id)?;
        clipboard::copy_then_clear(&app, &password)
    })
    .await
}

/// Takes a certificate off the list, after the page asked. With
/// `alsoKeychain`, its keychain entry goes first: if that fails, nothing is
/// removed. The `.p12` file is never touched.
#[tauri::command]
pub async fn remove(
    id: Value,
    also_keychain: Value,
    list: State<'_, ListState>,
    pending: State<'_, PendingState>,
) -> Result<(), AppError> {
    let id = id_of(id)?;
    let also = bool_of(
        also_keychain,
        "alsoKeychain",
        "Also delete from the keychain",
    )?;
    let (store, pending) = (list.store()?, pending.inner().clone());
    blocking("removing the certificate", move || {
        overview::remove(&store, pending.keychains(), &id, also)?;
        Ok(())
    })
    .await
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    reminder_days: u32,
    min: u32,
    max: u32,
}

impl SettingsView {
    fn of(days: u32) -> SettingsView {
        SettingsView {
            reminder_days: days,
            min: MIN_REMINDER_DAYS,
            max: MAX_REMINDER_DAYS,
        }
    }
}

#[tauri::command]
pub async fn settings(list: State<'_, ListState>) -> Result<SettingsView, AppError> {
    let store = list.store()?;
    blocking("reading the settings", move || {
        Ok(SettingsView::of(store.settings().reminder_days))
    })
    .await
}

#[tauri::command]
pub async fn set_reminder_days(
    days: Value,
    list: State<'_, ListState>,
) -> Result<SettingsView, AppError> {
    let days = match &days {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse::<u64>().ok(),
        _ => None,
    }
    .and_then(|d| u32::try_from(d).ok())
    .ok_or_else(|| {
        AppError::Store(store::StoreError::ReminderDays(format!(
            "enter a whole number of days from {MIN_REMINDER_DAYS} to {MAX_REMINDER_DAYS}."
        )))
    })?;
    let store = list.store()?;
    blocking("saving the settings", move || {
        Ok(SettingsView::of(
            store.set_reminder_days(days)?.reminder_days,
        ))
    })
    .await
}
