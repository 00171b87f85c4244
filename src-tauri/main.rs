// No console window behind the app on Windows in release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

//! `authcert-app`: the AuthCert window (what the desktop entry and the Start
//! menu open; `authcert` with no subcommand opens it too).

use std::process::ExitCode;

// Every heap block is zeroed before it is freed, so copies of the key or the
// password made inside libraries do not linger (see wipe_alloc.rs).
#[global_allocator]
static ALLOC: authcert_core::wipe_alloc::WipeOnFree = authcert_core::wipe_alloc::WipeOnFree;

fn main() -> ExitCode {
    match authcert_app::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("authcert: the window could not be opened: {e}");
            ExitCode::FAILURE
        }
    }
}
