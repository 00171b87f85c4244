//! What the commands share: running the core's blocking work off the async
//! runtime's threads (a panic there fails that one call with a plain
//! message), the export of a public certificate through the save dialog,
//! and reading the page's loosely typed arguments.

use serde_json::Value;
use tauri::{Runtime, WebviewWindow};

use authcert_core::engine::issued::pem_of_certificate;
use authcert_core::{filename, save};

use super::dialog;
use super::error::AppError;

/// Runs `f` (file I/O, PBKDF2, a keychain call that may wait on an unlock
/// prompt) on a blocking thread; `what` names it if it panics.
pub async fn blocking<T: Send + 'static>(
    what: &'static str,
    f: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|_| AppError::Internal(what))?
}

/// A listed certificate's id: its SHA-256 fingerprint, as text.
pub fn id_of(id: Value) -> Result<String, AppError> {
    match id {
        Value::String(s) if !s.is_empty() && s.len() <= 200 => Ok(s),
        _ => Err(AppError::input(
            "id",
            "Certificate: give the fingerprint of a listed certificate (text).",
        )),
    }
}

/// A password typed into the page (missing: None), held in a zeroizing
/// string from here on; `label` names the field in the refusal.
pub fn password_of(v: Value, label: &str) -> Result<Option<zeroize::Zeroizing<String>>, AppError> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) if s.len() <= 1024 => Ok(Some(zeroize::Zeroizing::new(s))),
        _ => Err(AppError::input(
            "password",
            format!("{label}: must be text of at most 1024 characters."),
        )),
    }
}

/// A yes/no argument (missing: no).
pub fn bool_of(v: Value, field: &'static str, label: &str) -> Result<bool, AppError> {
    match v {
        Value::Bool(b) => Ok(b),
        Value::Null => Ok(false),
        _ => Err(AppError::input(
            field,
            format!("{label}: must be true or false."),
        )),
    }
}

/// Asks where, then writes the public certificate as PEM or DER (`.cer`).
pub fn export_public<R: Runtime>(
    window: &WebviewWindow<R>,
    nickname: &str,
    der: Vec<u8>,
    format: Value,
) -> Result<String, AppError> {
    let (bytes, ext, kind) = match format.as_str() {
        Some("pem") => (
            pem_of_certificate(&der).into_bytes(),
            "pem",
            "PEM certificate",
        ),
        Some("cer") => (der, "cer", "DER certificate"),
        _ => {
            return Err(AppError::input(
                "format",
                "Export format: choose pem or cer.",
            ))
        }
    };
    let path = dialog::save_path(
        window,
        "Export public certificate",
        &filename::suggested(nickname, ext),
        kind,
        &[ext],
    )
    .ok_or(AppError::ExportCancelled)?;
    save::write_new(&path, &bytes, |_| Ok::<(), std::convert::Infallible>(())).map_err(
        |e| match e {
            save::WriteNewError::Save(s) => AppError::Export(s),
            save::WriteNewError::Verify(never) => match never {},
        },
    )?;
    Ok(path.display().to_string())
}
