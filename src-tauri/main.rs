// No console window behind the app on Windows, in every build: the one
// scripts/windows.sh checks is what ships. `authcert` is the console program.
#![windows_subsystem = "windows"]

//! `authcert-app`: the AuthCert window (what the desktop entry and the Start
//! menu open; `authcert` with no subcommand opens it too).

use std::process::ExitCode;

// Every heap block is zeroed before it is freed, so copies of the key or the
// password made inside libraries do not linger (see wipe_alloc.rs).
#[global_allocator]
static ALLOC: authcert_core::wipe_alloc::WipeOnFree = authcert_core::wipe_alloc::WipeOnFree;

fn main() -> ExitCode {
    #[cfg(target_os = "linux")]
    paint_on_the_cpu();
    match authcert_app::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("authcert: the window could not be opened: {e}");
            ExitCode::FAILURE
        }
    }
}

/// WebKitGTK paints pages with Skia on the GPU by default. Where the GPU is
/// Mesa's software one (llvmpipe: virtual machines, remote desktops, Xvfb),
/// that costs AuthCert's web process 25–50 MB more than painting on the CPU
/// (BENCHMARKS.md), and a page of forms paints as fast either way. An
/// admin's own setting wins. Called first thing in `main`, while no other
/// thread exists, the only time changing the environment is sound.
#[cfg(target_os = "linux")]
fn paint_on_the_cpu() {
    const VAR: &str = "WEBKIT_SKIA_ENABLE_CPU_RENDERING";
    if std::env::var_os(VAR).is_none() {
        std::env::set_var(VAR, "1");
    }
}
