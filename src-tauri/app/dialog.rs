//! The system's save and open dialogs, opened from Rust so that the page
//! never chooses where a file goes or which file is read.

use std::path::PathBuf;

use tauri::{Manager, Runtime, WebviewWindow};
use tauri_plugin_dialog::DialogExt;

/// A dialog over the window that starts in Downloads (or home), not
/// wherever the app was started from.
fn builder<R: Runtime>(window: &WebviewWindow<R>) -> tauri_plugin_dialog::FileDialogBuilder<R> {
    let builder = window.dialog().file().set_parent(window);
    match [window.path().download_dir(), window.path().home_dir()]
        .into_iter()
        .flatten()
        .find(|dir| dir.is_dir())
    {
        Some(dir) => builder.set_directory(dir),
        None => builder,
    }
}

/// Asks where to save; None when the admin cancels. Blocks the calling
/// (async command) task while the dialog runs on the main thread.
pub fn save_path<R: Runtime>(
    window: &WebviewWindow<R>,
    title: &str,
    suggested_name: &str,
    filter_name: &str,
    extensions: &[&str],
) -> Option<PathBuf> {
    #[cfg(feature = "test-hooks")]
    if let Some(answer) = test_hook::answer() {
        return answer;
    }
    builder(window)
        .set_title(title)
        .set_file_name(suggested_name)
        .add_filter(filter_name, extensions)
        .blocking_save_file()
        .and_then(|p| p.into_path().ok())
}

/// Asks which file to open; None when the admin cancels. Blocks the
/// calling (async command) task while the dialog runs on the main thread.
pub fn open_path<R: Runtime>(
    window: &WebviewWindow<R>,
    title: &str,
    filter_name: &str,
    extensions: &[&str],
) -> Option<PathBuf> {
    #[cfg(feature = "test-hooks")]
    if let Some(answer) = test_hook::answer() {
        return answer;
    }
    builder(window)
        .set_title(title)
        .add_filter(filter_name, extensions)
        .blocking_pick_file()
        .and_then(|p| p.into_path().ok())
}

/// End-to-end tests answer the dialog through a file named by
/// AUTHCERT_TEST_DIALOG: its content is a path, or `cancel`; it is consumed.
/// Compiled only with the `test-hooks` feature, which no build given to
/// users enables (the installer and `scripts/start.sh` build without it).
#[cfg(feature = "test-hooks")]
mod test_hook {
    use std::path::PathBuf;

    pub fn answer() -> Option<Option<PathBuf>> {
        let file = std::env::var_os("AUTHCERT_TEST_DIALOG")?;
        let text = std::fs::read_to_string(&file).ok()?;
        let _ = std::fs::remove_file(&file);
        match text.trim() {
            "cancel" => Some(None),
            path => Some(Some(PathBuf::from(path))),
        }
    }
}
