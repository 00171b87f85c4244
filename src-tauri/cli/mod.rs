//! `authcert generate` (and help): the engine without a window. The password
//! goes alone to stdout; everything for people goes to stderr.
//!
//! Exit codes: 0 done; 2 invalid input (the message names the option and the
//! rule); 1 any other failure. After a failure nothing is left at `--out`.

use std::ffi::OsString;
use std::io::Write;

use crate::engine::Clock;

mod generate;

pub const EXIT_OK: i32 = 0;
pub const EXIT_FAILURE: i32 = 1;
pub const EXIT_INVALID: i32 = 2;

/// The first words that mean "command line" rather than "open the window".
pub fn is_cli_invocation(first_arg: &str) -> bool {
    matches!(
        first_arg,
        "generate" | "help" | "--help" | "-h" | "--version" | "-V"
    ) || first_arg
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
}

fn usage() -> String {
    format!(
        "AuthCert {version} — client authentication certificates for API access over mutual TLS.

Usage:
  authcert                 open the AuthCert window
  authcert generate ...    make a certificate and its password-protected .p12 file
  authcert help generate   explain the options of generate
  authcert --version       show the version

Exit status: 0 done, 2 invalid input, 1 any other failure.
",
        version = env!("CARGO_PKG_VERSION")
    )
}

/// Runs the command line with `args` (without the program name) and returns
/// the exit code. `stdout` receives only the password.
pub fn run(args: &[OsString], stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32 {
    let args: Vec<String> = match args.iter().map(|a| a.clone().into_string()).collect() {
        Ok(a) => a,
        Err(_) => {
            let _ = writeln!(stderr, "authcert: an argument is not valid text (UTF-8).");
            return EXIT_INVALID;
        }
    };
    match args.first().map(String::as_str) {
        None | Some("help" | "--help" | "-h") => {
            let text = match args.get(1).map(String::as_str) {
                Some("generate") => generate::help(),
                _ => usage(),
            };
            let _ = write!(stderr, "{text}");
            EXIT_OK
        }
        Some("--version" | "-V") => {
            let _ = writeln!(stderr, "authcert {}", env!("CARGO_PKG_VERSION"));
            EXIT_OK
        }
        Some("generate") => generate::run(&args[1..], &Clock::system(), stdout, stderr),
        Some(other) => {
            let _ = writeln!(
                stderr,
                "authcert: “{}” is not a command; try `authcert --help`.",
                other.chars().take(40).collect::<String>()
            );
            EXIT_INVALID
        }
    }
}
