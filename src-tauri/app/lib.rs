//! The AuthCert window: the Tauri builder, plugins, the state the commands
//! share, and the question asked before a pending certificate is lost by
//! closing the window. Everything the window decides is decided in
//! authcert-core; the commands here are thin.

pub mod adding;
pub mod args;
pub mod clipboard;
pub mod creating;
pub mod dialog;
pub mod error;
pub mod integrating;
pub mod issuing;
pub mod listing;
pub mod requesting;
pub mod shell;
pub mod testing;

use std::sync::Arc;

use tauri::{Manager, RunEvent, WindowEvent};

use authcert_core::engine::{spare, Spares};
use authcert_core::keychain::Keychains;
use authcert_core::life::Pending;

use creating::PendingState;

/// Opens the AuthCert window and runs until it is closed.
pub fn run() -> Result<(), tauri::Error> {
    let list = listing::ListState::open();
    let pending: PendingState = Arc::new(Pending::new(
        list.store_result(),
        Keychains::System,
        Spares::new(),
    ));
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_notification::init())
        .manage(pending)
        .manage(list)
        .manage(testing::TestState::default())
        .manage(adding::AddState::default())
        .manage(issuing::IssuingState::default())
        // The commands, listed once in src-tauri/build.rs.
        .invoke_handler(include!(concat!(env!("OUT_DIR"), "/handlers.rs")))
        .on_window_event(|window, event| {
            if let WindowEvent::CloseRequested { api, .. } = event {
                // A moment's lock at most: the core never holds it across
                // slow work, so the main thread never waits here.
                if window.state::<PendingState>().has_pending() {
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
                app.state::<PendingState>().spares().clear();
            }
        });
    Ok(())
}
