//! `authcert` with no subcommand opens the window: the program
//! `authcert-app`, which every installer puts next to `authcert`
//! (/usr/bin on Linux, the install folder on Windows, Contents/MacOS in the
//! macOS app).

use std::io::Write;
use std::path::PathBuf;
use std::process::Command;

use super::EXIT_FAILURE;

/// The window's program beside this one.
fn app_path() -> Option<PathBuf> {
    let me = std::env::current_exe().ok()?;
    let app = me
        .parent()?
        .join(format!("authcert-app{}", std::env::consts::EXE_SUFFIX));
    app.is_file().then_some(app)
}

/// Starts the window in place of this process (Unix) or beside it (Windows,
/// where the console returns at once, as for any window program).
pub fn open(stderr: &mut dyn Write) -> i32 {
    let Some(app) = app_path() else {
        let _ = writeln!(
            stderr,
            "authcert: the AuthCert window (authcert-app) is not installed next to this program; reinstall AuthCert, or see `authcert --help` for the command line."
        );
        return EXIT_FAILURE;
    };
    let mut command = Command::new(&app);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // Only returns on failure.
        let e = command.exec();
        let _ = writeln!(
            stderr,
            "authcert: {} could not be started: {e}",
            app.display()
        );
        EXIT_FAILURE
    }
    #[cfg(not(unix))]
    match command.spawn() {
        Ok(_) => super::EXIT_OK,
        Err(e) => {
            let _ = writeln!(
                stderr,
                "authcert: {} could not be started: {e}",
                app.display()
            );
            EXIT_FAILURE
        }
    }
}
