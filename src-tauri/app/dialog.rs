//! The system's save and open dialogs, opened from Rust so that the page
//! never chooses where a file goes or which file is read.

use std::path::PathBuf;

use tauri::{Manager, Runtime, WebviewWindow};
use tauri_plugin_dialog::{DialogExt, FileDialogBuilder, FilePath};

/// A dialog over the window that starts in Downloads (or home), not
/// wherever the app was started from.
fn builder<R: Runtime>(window: &WebviewWindow<R>) -> FileDialogBuilder<R> {
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
    ask(window, title, filter_name, extensions, |b| {
        b.set_file_name(suggested_name).blocking_save_file()
    })
}

/// Asks which file to open; None when the admin cancels. Blocks the
/// calling (async command) task while the dialog runs on the main thread.
pub fn open_path<R: Runtime>(
    window: &WebviewWindow<R>,
    title: &str,
    filter_name: &str,
    extensions: &[&str],
) -> Option<PathBuf> {
    ask(window, title, filter_name, extensions, |b| {
        b.blocking_pick_file()
    })
}

/// Shows a dialog made by `show` (or, in tests, takes the hook's answer).
fn ask<R: Runtime>(
    window: &WebviewWindow<R>,
    title: &str,
    filter_name: &str,
    extensions: &[&str],
    show: impl FnOnce(FileDialogBuilder<R>) -> Option<FilePath>,
) -> Option<PathBuf> {
    #[cfg(feature = "test-hooks")]
    if let Some(answer) = test_hook::answer() {
        return answer;
    }
    show(
        builder(window)
            .set_title(title)
            .add_filter(filter_name, extensions),
    )
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
