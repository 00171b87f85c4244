//! The command line: `authcert generate`, `list`, `test` and `add`, the core
//! without a window. Results go to stdout (for generate: the password
//! alone; for test: the verdict); everything else for people goes to stderr.
//!
//! Exit codes: 0 done; 2 invalid input (the message names the option and the
//! rule); 1 any other failure (after which nothing is left at `--out`);
//! 3 `list --expiring-within` found certificates to replace; `test` and
//! `check`: one code per verdict (connect::Kind::exit_code); `check`: 8 an
//! integration could not be tested.

use std::ffi::OsString;
use std::io::Write;

use authcert_core::engine::Clock;
use authcert_core::store::Store;

mod add;
mod authority;
mod check;
mod complete;
mod generate;
mod integration;
mod list;
mod options;
mod request;
mod revoke;
mod terminal;
mod test;
mod window;

pub const EXIT_OK: i32 = 0;
pub const EXIT_FAILURE: i32 = 1;
pub const EXIT_INVALID: i32 = 2;
/// `list --expiring-within`: some certificate needs replacing.
pub const EXIT_DUE: i32 = 3;

/// What a subcommand works with: the clock, the list, and where its words go.
pub struct Cx<'a> {
    pub clock: &'a Clock,
    pub store: &'a Store,
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
}

/// A command's options, and what it works with.
type Parts<'a> = (
    options::Options,
    &'a Clock,
    &'a Store,
    &'a mut dyn Write,
    &'a mut dyn Write,
);

impl<'a> Cx<'a> {
    /// The command's options as `spec` says, with the clock, the list and
    /// where its words go; or the exit code when the options were refused
    /// or help was asked (printed either way).
    fn parse(
        self,
        args: &[String],
        spec: &options::Spec,
        help: fn() -> String,
    ) -> Result<Parts<'a>, i32> {
        let Cx {
            clock,
            store,
            stdout,
            stderr,
        } = self;
        let o = options::parse_or_exit(args, spec, help, stderr)?;
        Ok((o, clock, store, stdout, stderr))
    }
}

/// Says which option breaks which rule, a line each; exit 2.
fn invalid_fields(stderr: &mut dyn Write, errors: &[authcert_core::engine::FieldError]) -> i32 {
    for e in errors {
        let _ = writeln!(
            stderr,
            "authcert: {} ({}): {}",
            e.field.cli_option(),
            e.field.label(),
            e.message
        );
    }
    EXIT_INVALID
}

/// Says why the input is refused; exit 2.
fn invalid(stderr: &mut dyn Write, msg: &str) -> i32 {
    let _ = writeln!(stderr, "authcert: {msg}");
    EXIT_INVALID
}

/// The program's entry: with no arguments it opens the window, otherwise it
/// runs the command line and returns its exit code.
pub fn main(args: &[OsString]) -> i32 {
    #[cfg(feature = "test-hooks")]
    if args.first().is_some_and(|a| a == "--test-hooks-batch") {
        return batch(&args[1..]);
    }
    let mut stderr = terminal::Terminal::new(std::io::stderr());
    if args.is_empty() {
        return window::open(&mut stderr);
    }
    run(
        args,
        &mut terminal::Terminal::new(std::io::stdout()),
        &mut stderr,
    )
}

fn usage() -> String {
    format!(
        "AuthCert {version} — client authentication certificates for API access over mutual TLS.

Usage:
  authcert                 open the AuthCert window
  authcert generate ...    make a certificate and its password-protected .p12 file
  authcert list            list the certificates saved on this computer
  authcert test URL ...    test a certificate against your API (one real request)
  authcert add FILE ...    add a certificate made elsewhere to the list
  authcert authority ...   an issuing authority: the server trusts it once
  authcert revoke NAME     the authority no longer vouches for a certificate
  authcert request ...     a request file for your company's or a commercial CA
  authcert complete ...    the CA's answer joined with the waiting key: a .p12
  authcert integration ... where each certificate is used: the APIs it calls
  authcert check           test every integration (for a daily schedule)
  authcert help COMMAND    explain the options of generate, list, test, add,
                           authority, revoke, request, complete, integration
                           or check
  authcert --version       show the version

Exit status: 0 done, 2 invalid input, 1 any other failure,
3 `list --expiring-within` found certificates to replace;
`authcert test` and `check`: 4 refused, 5 not requested, 6 server not
trusted, 7 unreachable, 9 asked for later (see `authcert help test`);
`check`: 8 an integration could not be tested.
The list lives in {list}
(set {var} to use another folder).
",
        version = env!("CARGO_PKG_VERSION"),
        list = Store::open_default()
            .map(|s| s.list_path().display().to_string())
            .unwrap_or_else(|e| e.to_string()),
        var = authcert_core::store::DATA_DIR_VAR,
    )
}

/// Builds with the test hooks only: runs `run` once for each argument list
/// in the JSON file named (an array of arrays of strings) and prints each
/// outcome as JSON (`[code, stdout, stderr]`, a panic as code 101). The
/// hostile-input suite gives the Windows build thousands of argument lists
/// this way, in one process under Wine, as it gives them to `run` in
/// process on Linux; a sample also goes through real processes.
#[cfg(feature = "test-hooks")]
fn batch(args: &[OsString]) -> i32 {
    let Some(file) = args.first() else {
        return EXIT_INVALID;
    };
    let Ok(cases) = std::fs::read(file)
        .map_err(|e| e.to_string())
        .and_then(|b| serde_json::from_slice::<Vec<Vec<String>>>(&b).map_err(|e| e.to_string()))
    else {
        return EXIT_INVALID;
    };
    let outcomes: Vec<(i32, String, String)> = cases
        .iter()
        .map(|case| {
            let args: Vec<OsString> = case.iter().map(OsString::from).collect();
            let (mut out, mut err) = (Vec::new(), Vec::new());
            let code = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                run(&args, &mut out, &mut err)
            }))
            .unwrap_or(101);
            (
                code,
                String::from_utf8_lossy(&out).into_owned(),
                String::from_utf8_lossy(&err).into_owned(),
            )
        })
        .collect();
    match serde_json::to_string(&outcomes) {
        Ok(json) => {
            println!("{json}");
            EXIT_OK
        }
        Err(_) => EXIT_FAILURE,
    }
}

/// One line of standard input without its line ending (`--password-stdin`),
/// held in a zeroizing string.
fn password_from_stdin() -> Result<zeroize::Zeroizing<String>, String> {
    use std::io::BufRead;
    let mut line = zeroize::Zeroizing::new(String::new());
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|_| "--password-stdin: standard input could not be read as text.".to_string())?;
    Ok(zeroize::Zeroizing::new(
        line.trim_end_matches(['\n', '\r']).to_string(),
    ))
}

/// The clock. Builds with the `test-hooks` feature read "now" from
/// `AUTHCERT_TEST_NOW` (RFC 3339), so tests can make certificates that have
/// already expired; builds for users never do.
fn clock() -> Clock {
    #[cfg(feature = "test-hooks")]
    if let Some(now) = std::env::var("AUTHCERT_TEST_NOW")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        return Clock {
            now,
            ..Clock::system()
        };
    }
    Clock::system()
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
                Some("list") => list::help(),
                Some("test") => test::help(),
                Some("add") => add::help(),
                Some("authority") => authority::help(),
                Some("revoke") => revoke::help(),
                Some("request") => request::help(),
                Some("complete") => complete::help(),
                Some("integration") => integration::help(),
                Some("check") => check::help(),
                _ => usage(),
            };
            let _ = write!(stderr, "{text}");
            EXIT_OK
        }
        Some("--version" | "-V") => {
            let _ = writeln!(stderr, "authcert {}", env!("CARGO_PKG_VERSION"));
            EXIT_OK
        }
        Some(
            command @ ("generate" | "list" | "test" | "add" | "authority" | "revoke" | "request"
            | "complete" | "integration" | "check"),
        ) => {
            let store = match Store::open_default() {
                Ok(s) => s,
                Err(e) => {
                    let _ = writeln!(stderr, "authcert: {e}");
                    return EXIT_FAILURE;
                }
            };
            let clock = clock();
            let cx = Cx {
                clock: &clock,
                store: &store,
                stdout,
                stderr,
            };
            let rest = &args[1..];
            match command {
                "generate" => generate::run(rest, cx),
                "test" => test::run(rest, cx),
                "add" => add::run(rest, cx),
                "authority" => authority::run(rest, cx),
                "revoke" => revoke::run(rest, cx),
                "request" => request::run(rest, cx),
                "complete" => complete::run(rest, cx),
                "integration" => integration::run(rest, cx),
                "check" => check::run(rest, cx),
                _ => list::run(rest, cx),
            }
        }
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
