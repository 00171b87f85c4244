//! `authcert`: the command line. A console program on every system; it
//! links the core and no part of the window (no WebKit, no GTK), so it starts
//! in milliseconds. With no subcommand it opens the window.

use std::process::ExitCode;

// Every heap block is zeroed before it is freed, so copies of the key or the
// password made inside libraries do not linger (see wipe_alloc.rs).
#[global_allocator]
static ALLOC: authcert_core::wipe_alloc::WipeOnFree = authcert_core::wipe_alloc::WipeOnFree;

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    let code = authcert_cli::main(&args);
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
