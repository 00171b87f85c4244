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
