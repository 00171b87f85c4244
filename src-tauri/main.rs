// No console window behind the app on Windows in release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

// Every heap block is zeroed before it is freed, so copies of the key or the
// password made inside libraries do not linger (see wipe_alloc.rs).
#[global_allocator]
static ALLOC: authcert::wipe_alloc::WipeOnFree = authcert::wipe_alloc::WipeOnFree;

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    let cli = args
        .first()
        .and_then(|a| a.to_str())
        .is_some_and(authcert::cli::is_cli_invocation);
    if cli {
        authcert::platform::console::attach();
        let code = authcert::cli::run(&args, &mut std::io::stdout(), &mut std::io::stderr());
        return ExitCode::from(u8::try_from(code).unwrap_or(1));
    }
    match authcert::app::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("authcert: the window could not be opened: {e}");
            ExitCode::FAILURE
        }
    }
}
