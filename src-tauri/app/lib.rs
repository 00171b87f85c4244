//! Everything Tauri: the builder, plugins, the managed session, and the
//! question asked before a pending certificate is lost by closing the window.

pub mod clipboard;
pub mod commands;
pub mod dialog;
pub mod error;
pub mod listing;
pub mod session;

use tauri::{Manager, RunEvent, WindowEvent};

use commands::SessionState;

use authcert_core::engine::{spare, Spares};

/// Opens the AuthCert window and runs until it is closed.
pub fn run() -> Result<(), tauri::Error> {
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_notification::init())
        .manage(SessionState::default())
        .manage(Spares::new())
        .manage(listing::ListState::open())
        .invoke_handler(tauri::generate_handler![
            commands::defaults,
            commands::validate,
            commands::generate,
            commands::prepare_key,
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
        .setup(|_| {
            // The random generator starts off the main thread, before the
            // admin's first key needs it; the window does not wait for it.
            std::thread::Builder::new()
                .name("crypto warm-up".into())
                .spawn(spare::warm_up)?;
            Ok(())
        })
        .build(tauri::generate_context!())?
        .run(|app, event| {
            if let RunEvent::Exit = event {
                // Spare keys are wiped before the process ends.
                app.state::<Spares>().clear();
            }
        });
    Ok(())
}
