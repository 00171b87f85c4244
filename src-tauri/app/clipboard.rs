//! Copying the password, and taking it off the clipboard again a minute later
//! unless something else has been copied since.

use std::time::Duration;

use aws_lc_rs::digest;
use tauri::{AppHandle, Runtime};
use tauri_plugin_clipboard_manager::ClipboardExt;

use super::error::AppError;

/// How long the password stays on the clipboard.
pub fn clear_after() -> Duration {
    #[cfg(feature = "test-hooks")]
    if let Some(secs) = std::env::var("AUTHCERT_TEST_CLIPBOARD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        return Duration::from_secs(secs);
    }
    Duration::from_secs(authcert_core::form::CLIPBOARD_SECONDS)
}

pub fn copy_then_clear<R: Runtime>(app: &AppHandle<R>, password: &str) -> Result<(), AppError> {
    app.clipboard()
        .write_text(password)
        .map_err(|e| AppError::Clipboard(e.to_string()))?;
    // Only a hash is kept to recognise the password later: the password
    // itself may be wiped before the minute is over.
    let fingerprint = digest::digest(&digest::SHA256, password.as_bytes());
    let app = app.clone();
    std::thread::spawn(move || {
        std::thread::sleep(clear_after());
        let still_ours = app.clipboard().read_text().is_ok_and(|text| {
            let held = zeroize::Zeroizing::new(text);
            digest::digest(&digest::SHA256, held.as_bytes()).as_ref() == fingerprint.as_ref()
        });
        if still_ours {
            let _ = app.clipboard().clear();
        }
    });
    Ok(())
}

/// Copies text that holds no secret (a "How to use it" example): it stays on
/// the clipboard.
pub fn copy_text<R: Runtime>(app: &AppHandle<R>, text: &str) -> Result<(), AppError> {
    app.clipboard()
        .write_text(text)
        .map_err(|e| AppError::Clipboard(e.to_string()))
}
