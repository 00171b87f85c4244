//! The window's commands for the list of certificates: home, details,
//! export, replace, copy from the keychain, remove, and the reminder setting.
//! Each one parses, calls the store (or the keychain), and maps the error.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use serde::Serialize;
use serde_json::Value;
use tauri::{AppHandle, Runtime, State, WebviewWindow};
use tauri_plugin_notification::NotificationExt;

use authcert_core::engine::{Choice, Clock, Spares};
use authcert_core::keychain::{self, Keychain};
use authcert_core::store::{self, Record, Status, Store};

use super::clipboard;
use super::commands::{lock, off_main, SessionState};
use super::error::AppError;

/// The list as the window uses it: the store, or why there is none.
pub struct ListState {
    store: Result<Store, String>,
    /// A damaged list moved aside during this run: shown until the app closes.
    notice: Mutex<Option<String>>,
    /// The start-up notification is sent once, by the first `home`.
    notified: AtomicBool,
}

impl ListState {
    pub fn open() -> ListState {
        ListState {
            store: Store::open_default().map_err(|e| e.to_string()),
            notice: Mutex::new(None),
            notified: AtomicBool::new(false),
        }
    }

    pub fn store(&self) -> Result<&Store, AppError> {
        self.store
            .as_ref()
            .map_err(|e| AppError::Internal(e.clone()))
    }

    /// Reads the list; a damaged file found on the way is remembered.
    pub fn load(&self) -> Result<Vec<Record>, AppError> {
        let loaded = self.store()?.load()?;
        if let Some(damaged) = loaded.damaged {
            if let Ok(mut notice) = self.notice.lock() {
                *notice = Some(damaged.message());
            }
        }
        Ok(loaded.records)
    }

    fn notice(&self) -> Option<String> {
        self.notice.lock().ok().and_then(|n| n.clone())
    }

    fn get(&self, id: &str) -> Result<Record, AppError> {
        Ok(self.store()?.get(id)?)
    }
}

/// One row of Home.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    id: String,
    nickname: String,
    expires: String,
    status: Status,
    status_text: String,
    file: String,
    in_keychain: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HomeView {
    certificates: Vec<Row>,
    reminder_days: u32,
    /// Expiring within the reminder window, and expired.
    expiring: usize,
    expired: usize,
    /// A damaged list that was moved aside, or a list that cannot be read.
    problem: Option<String>,
    list_path: String,
}

/// The list, soonest expiry first, with each certificate's status. The first
/// call of a run also sends the desktop reminder when some are due.
#[tauri::command]
pub async fn home<R: Runtime>(
    app: AppHandle<R>,
    list: State<'_, ListState>,
    spares: State<'_, Spares>,
) -> Result<HomeView, AppError> {
    // Home means the form is closed: its spare keys are wiped.
    spares.clear();
    let store = list.store()?;
    let days = store.settings().reminder_days;
    let list_path = store.list_path().display().to_string();
    let (records, problem) = match list.load() {
        Ok(records) => (records, list.notice()),
        // The window still opens: the problem is shown on Home.
        Err(e) => (Vec::new(), Some(e.to_string())),
    };
    let clock = Clock::system();
    let certificates: Vec<Row> = records
        .into_iter()
        .map(|r| {
            let status = r.status(clock.now, &clock.zone, days);
            Row {
                status_text: status.text(),
                status,
                id: r.sha256_fingerprint,
                nickname: r.nickname,
                // The day, in the zone it was chosen in: "2027-03-31 23:59:59 CEST".
                expires: r.not_after_local.chars().take(10).collect(),
                file: r.file,
                in_keychain: r.in_keychain,
            }
        })
        .collect();
    let expired = certificates
        .iter()
        .filter(|r| matches!(r.status, Status::Expired { .. }))
        .count();
    let expiring = certificates
        .iter()
        .filter(|r| matches!(r.status, Status::Expiring { .. }))
        .count();
    if !list.notified.swap(true, Ordering::SeqCst) {
        if let Some(body) = reminder_text(expiring, expired, days) {
            // A desktop without a notification service just shows the banner.
            let _ = app
                .notification()
                .builder()
                .title("AuthCert: certificates to replace")
                .body(body)
                .show();
        }
    }
    Ok(HomeView {
        certificates,
        reminder_days: days,
        expiring,
        expired,
        problem,
        list_path,
    })
}

/// The reminder's words, or None when nothing is due.
pub fn reminder_text(expiring: usize, expired: usize, days: u32) -> Option<String> {
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    let text = match (expiring, expired) {
        (0, 0) => return None,
        (n, 0) => format!(
            "{} within {days} days.",
            plural(n, "certificate expires", "certificates expire")
        ),
        (0, m) => format!(
            "{}.",
            plural(m, "certificate has expired", "certificates have expired")
        ),
        (n, m) => format!(
            "{} within {days} days and {}.",
            plural(n, "certificate expires", "certificates expire"),
            plural(m, "has expired", "have expired")
        ),
    };
    Some(format!(
        "{text} Replace them before the integrations that use them stop working."
    ))
}

/// Everything PRODUCT.md lists for a certificate's details.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DetailsView {
    id: String,
    nickname: String,
    subject: String,
    serial: String,
    sha256_fingerprint: String,
    sha1_thumbprint: String,
    issued: String,
    expires: String,
    zone: String,
    status: Status,
    status_text: String,
    key_type: &'static str,
    signature_hash: &'static str,
    encryption: &'static str,
    file: String,
    file_exists: bool,
    in_keychain: bool,
    keychain_name: &'static str,
}

fn id_of(id: Value) -> Result<String, AppError> {
    match id {
        Value::String(s) if !s.is_empty() && s.len() <= 200 => Ok(s),
        _ => Err(AppError::Internal(
            "Certificate: give the fingerprint of a listed certificate (text).".into(),
        )),
    }
}

#[tauri::command]
pub async fn details(id: Value, list: State<'_, ListState>) -> Result<DetailsView, AppError> {
    let r = list.get(&id_of(id)?)?;
    let clock = Clock::system();
    let days = list.store()?.settings().reminder_days;
    let status = r.status(clock.now, &clock.zone, days);
    let local = |t: jiff::Timestamp| {
        t.to_zoned(clock.zone.clone())
            .strftime("%Y-%m-%d %H:%M:%S %Z")
            .to_string()
    };
    Ok(DetailsView {
        issued: local(r.not_before),
        status_text: status.text(),
        status,
        file_exists: std::path::Path::new(&r.file).is_file(),
        keychain_name: keychain::system_name(),
        key_type: r.key_type.label(),
        signature_hash: r.signature_hash.label(),
        encryption: r.encryption.label(),
        id: r.sha256_fingerprint.clone(),
        sha256_fingerprint: r.sha256_fingerprint,
        nickname: r.nickname,
        subject: r.subject,
        serial: r.serial,
        sha1_thumbprint: r.sha1_thumbprint,
        expires: r.not_after_local,
        zone: r.zone,
        file: r.file,
        in_keychain: r.in_keychain,
    })
}

/// Saves a listed certificate's public part as PEM or DER (`.cer`).
#[tauri::command]
pub async fn export_listed<R: Runtime>(
    id: Value,
    format: Value,
    window: WebviewWindow<R>,
    list: State<'_, ListState>,
) -> Result<String, AppError> {
    let r = list.get(&id_of(id)?)?;
    let der = r
        .certificate_der()
        .ok_or_else(|| AppError::Internal("The stored certificate is damaged.".into()))?;
    super::commands::export_public(&window, &r.nickname, der, format)
}

/// The form's starting values for a replacement: the same settings and a
/// free nickname.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Replacement {
    replaces: String,
    nickname: String,
    key_type: &'static str,
    signature_hash: &'static str,
    encryption: &'static str,
}

#[tauri::command]
pub async fn replacement(
    id: Value,
    list: State<'_, ListState>,
    session: State<'_, SessionState>,
) -> Result<Replacement, AppError> {
    let id = id_of(id)?;
    let records = list.load()?;
    let old = records
        .iter()
        .find(|r| r.sha256_fingerprint == id)
        .ok_or(AppError::Store(store::StoreError::NotFound))?;
    let pending = lock(&session)?.pending_nickname().map(str::to_string);
    let taken = records
        .iter()
        .map(|r| r.nickname.as_str())
        .chain(pending.as_deref());
    Ok(Replacement {
        replaces: old.nickname.clone(),
        nickname: store::replacement_nickname(&old.nickname, taken),
        key_type: old.key_type.token(),
        signature_hash: old.signature_hash.token(),
        encryption: old.encryption.token(),
    })
}

/// Reads a listed certificate's password from the keychain onto the
/// clipboard (cleared again after a minute). It never reaches the page.
#[tauri::command]
pub async fn copy_from_keychain<R: Runtime>(
    id: Value,
    app: AppHandle<R>,
    list: State<'_, ListState>,
) -> Result<(), AppError> {
    let r = list.get(&id_of(id)?)?;
    if !r.in_keychain {
        return Err(AppError::Internal(format!(
            "The password of “{}” was not saved in the keychain.",
            r.nickname
        )));
    }
    let nickname = r.nickname.clone();
    let password = off_main(move || Keychain::system()?.read(&nickname))
        .await
        .map_err(|e| match e {
            AppError::Keychain(k) => AppError::KeychainRead(k),
            other => other,
        })?;
    clipboard::copy_then_clear(&app, &password)
}

/// Takes a certificate off the list, after the page asked. With
/// `alsoKeychain`, its keychain entry goes first: if that fails, nothing is
/// removed. The `.p12` file is never touched.
#[tauri::command]
pub async fn remove(
    id: Value,
    also_keychain: Value,
    list: State<'_, ListState>,
) -> Result<(), AppError> {
    let id = id_of(id)?;
    let also_keychain = match also_keychain {
        Value::Bool(b) => b,
        Value::Null => false,
        _ => {
            return Err(AppError::Internal(
                "Also delete from the keychain: must be true or false.".into(),
            ))
        }
    };
    let r = list.get(&id)?;
    if also_keychain && r.in_keychain {
        let nickname = r.nickname.clone();
        match off_main(move || Keychain::system()?.delete(&nickname)).await {
            Ok(()) | Err(AppError::Keychain(keychain::KeychainError::NotFound)) => {}
            Err(AppError::Keychain(k)) => return Err(AppError::KeychainRead(k)),
            Err(other) => return Err(other),
        }
    }
    list.store()?.remove(&id)?;
    Ok(())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    reminder_days: u32,
    min: u32,
    max: u32,
}

#[tauri::command]
pub async fn settings(list: State<'_, ListState>) -> Result<SettingsView, AppError> {
    Ok(SettingsView {
        reminder_days: list.store()?.settings().reminder_days,
        min: 1,
        max: store::MAX_REMINDER_DAYS,
    })
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
            "enter a whole number of days from 1 to {}.",
            store::MAX_REMINDER_DAYS
        )))
    })?;
    let s = list.store()?.set_reminder_days(days)?;
    Ok(SettingsView {
        reminder_days: s.reminder_days,
        min: 1,
        max: store::MAX_REMINDER_DAYS,
    })
}

/// Records a downloaded certificate; the words for the screen if that failed.
pub fn record_download(
    list: &ListState,
    facts: &authcert_core::engine::Facts,
    path: &std::path::Path,
    in_keychain: bool,
) -> Option<String> {
    let record = Record::new(facts, path, in_keychain, jiff::Timestamp::now());
    match list.store().and_then(|s| s.add(record).map_err(AppError::from)) {
        Ok(_) => None,
        Err(e) => Some(format!(
            "The file is saved, but it could not be added to AuthCert's list, so no reminder will come before it expires: {e}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reminder_words() {
        assert_eq!(reminder_text(0, 0, 30), None);
        assert!(reminder_text(1, 0, 30)
            .unwrap()
            .starts_with("1 certificate expires within 30 days."));
        assert!(reminder_text(2, 1, 14)
            .unwrap()
            .starts_with("2 certificates expire within 14 days and 1 has expired."));
        assert!(reminder_text(0, 3, 30)
            .unwrap()
            .starts_with("3 certificates have expired."));
    }
}
