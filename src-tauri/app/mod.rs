//! Everything Tauri: the builder, plugins, the managed session, and the
//! question asked before a pending certificate is lost by closing the window.

pub mod clipboard;
pub mod commands;
pub mod dialog;
pub mod error;
pub mod listing;
pub mod session;

use tauri::{Manager, WindowEvent};

use commands::SessionState;

/// Opens the AuthCert window and runs until it is closed.
pub fn run() -> Result<(), tauri::Error> {
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_notification::init())
        .manage(SessionState::default())
        .manage(listing::ListState::open())
        .invoke_handler(tauri::generate_handler![
            commands::defaults,
            commands::validate,
            commands::generate,
            commands::copy,
            commands::download,
            commands::export,
            commands::remember,
            commands::forget,
            commands::discard,
            commands::leave,
            listing::home,
            listing::details,
            listing::export_listed,
            listing::replacement,
            listing::copy_from_keychain,
            listing::remove,
            listing::settings,
            listing::set_reminder_days,
        ])
        .on_window_event(|window, event| {
            if let WindowEvent::CloseRequested { api, .. } = event {
                let pending = window
                    .state::<SessionState>()
                    .lock()
                    .map(|s| s.has_pending())
                    .unwrap_or(false);
                if pending {
                    // The page asks; if the admin agrees it calls `leave`.
                    api.prevent_close();
                    if let Some(webview) = window.app_handle().get_webview_window(window.label()) {
                        let _ = webview.eval("window.authcert && window.authcert.confirmLeave()");
                    }
                }
            }
        })
        .run(tauri::generate_context!())
}
