//! The desktop window. The certificate form arrives with the [app] issue;
//! until then the window says so plainly and points to the command line.

/// Opens the AuthCert window and runs until it is closed.
pub fn run() -> Result<(), tauri::Error> {
    tauri::Builder::default().run(tauri::generate_context!())
}
