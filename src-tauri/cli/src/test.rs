//! `authcert test URL`: one real request to an API presenting a
//! certificate, and the verdict in plain words (or JSON), with an exit
//! status per verdict for scheduled checks.

use std::io::Write;
use std::path::PathBuf;

use super::{EXIT_FAILURE, EXIT_INVALID};
use authcert_core::connect::{self, source, ConnectError, Fingerprint, Target, Test, Timeout};
use authcert_core::keychain::Keychains;
use authcert_core::store::Store;

pub fn help() -> String {
    format!(
        "Test a certificate against your API: AuthCert makes one real HTTPS request
(GET, no body) presenting the certificate, and says what happened and what
to do next. The server is verified with this computer's trusted
authorities; the system's proxy settings apply. Nothing is changed.

Usage:
  authcert test URL --p12 FILE [--password-stdin] [options]
  authcert test URL --nickname NAME [options]

The certificate:
  --p12 FILE             a .p12/.pfx file
  --password-stdin       read the file's password from standard input (one
                         line); without it, the password of a listed file
                         is read from the keychain
  --nickname NAME        a certificate in the list (`authcert list`); its
                         password comes from the keychain

Options:
  --trust-server SHA256  trust the server certificate with this SHA-256
                         fingerprint for this test, even if this computer
                         does not (a test server, a company authority)
  --timeout SECONDS      time limit for the whole request (1 to {max}; default {default})
  --json                 print one JSON object: verdict, http_status, message,
                         server (subject, issuer, not_after, sha256), and more

Exit status: 0 accepted (the server asked for a certificate and took this
one); 4 refused; 5 not requested (the server never asked for a
certificate); 6 server not trusted; 7 unreachable; 2 invalid input (the
message names the option and the rule; also a wrong password); 1 any other
failure.

Example (a scheduled check):
  authcert test https://api.example.com/health --nickname \"Billing API\" --json
",
        max = connect::target::MAX_TIMEOUT_SECONDS,
        default = connect::target::DEFAULT_TIMEOUT_SECONDS,
    )
}

#[derive(Default)]
struct TestArgs {
    url: Option<String>,
    p12: Option<String>,
    nickname: Option<String>,
    trust: Option<String>,
    timeout: Option<String>,
    password_stdin: bool,
    json: bool,
    help: bool,
}

fn parse_args(args: &[String]) -> Result<TestArgs, String> {
    let mut parsed = TestArgs::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        match (name, &inline) {
            ("--help" | "-h", None) => {
                parsed.help = true;
                continue;
            }
            ("--json", None) => {
                parsed.json = true;
                continue;
            }
            ("--password-stdin", None) => {
                parsed.password_stdin = true;
                continue;
            }
            _ => {}
        }
        if !name.starts_with('-') {
            if parsed.url.is_some() {
                return Err("give one API address (URL); the second one is extra.".into());
            }
            parsed.url = Some(arg.clone());
            continue;
        }
        let slot = match name {
            "--p12" => &mut parsed.p12,
            "--nickname" => &mut parsed.nickname,
            "--trust-server" => &mut parsed.trust,
            "--timeout" => &mut parsed.timeout,
            _ => {
                return Err(format!(
                    "“{}” is not an option of test; see `authcert test --help`.",
                    arg.chars().take(40).collect::<String>()
                ))
            }
        };
        if slot.is_some() {
            return Err(format!("{name} is given twice; give it once."));
        }
        let value = match inline {
            Some(v) => v,
            None => it
                .next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value; see `authcert test --help`."))?,
        };
        *slot = Some(value);
    }
    Ok(parsed)
}

/// `authcert test URL …`.
pub fn run(args: &[String], store: &Store, stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32 {
    let invalid = |stderr: &mut dyn Write, msg: &str| {
        let _ = writeln!(stderr, "authcert: {msg}");
        EXIT_INVALID
    };
    let parsed = match parse_args(args) {
        Ok(p) => p,
        Err(msg) => return invalid(stderr, &msg),
    };
    if parsed.help {
        let _ = write!(stderr, "{}", help());
        return super::EXIT_OK;
    }
    let Some(url) = &parsed.url else {
        return invalid(stderr, "URL: give the API's address, for example `authcert test https://api.example.com/health --p12 FILE`.");
    };
    let target = match Target::parse(url) {
        Ok(t) => t,
        Err(e) => return invalid(stderr, &e.to_string()),
    };
    let trust = match parsed.trust.as_deref().map(Fingerprint::parse).transpose() {
        Ok(t) => t,
        Err(e) => return invalid(stderr, &format!("--trust-server: {}", rule_of(&e))),
    };
    let timeout = match parsed.timeout.as_deref().map(Timeout::parse).transpose() {
        Ok(t) => t.unwrap_or_default(),
        Err(e) => return invalid(stderr, &format!("--timeout: {}", rule_of(&e))),
    };
    let typed = if parsed.password_stdin {
        match super::password_from_stdin() {
            Ok(p) if p.is_empty() => {
                return invalid(stderr, "--password-stdin: standard input held no password.")
            }
            Ok(p) => Some(p),
            Err(msg) => return invalid(stderr, &msg),
        }
    } else {
        None
    };
    let keychains = Keychains::System;
    let (identity, listed) = match (&parsed.p12, &parsed.nickname) {
        (Some(_), Some(_)) => {
            return invalid(
                stderr,
                "give either --p12 FILE or --nickname NAME, not both.",
            )
        }
        (None, None) => {
            return invalid(
                stderr,
                "--p12 FILE or --nickname NAME: say which certificate to present.",
            )
        }
        (Some(file), None) => {
            let path = PathBuf::from(file);
            let found = match &typed {
                Some(password) => source::open_file(&path, password).map(|i| (i, None)),
                // Without a typed password: the listed file's, from the keychain.
                None => match listed_at(store, &path) {
                    Some(r) => source::open_listed(store, &keychains, &r, None).map(|i| (i, Some(r))),
                    None => return invalid(stderr, "--password-stdin: this file is not in AuthCert's list, so its password is not in the keychain; give it on standard input."),
                },
            };
            match found {
                Ok(found) => found,
                Err(e) => return refused(stderr, e, "--p12"),
            }
        }
        (None, Some(name)) => {
            let found = source::find_by_nickname(store, name).and_then(|r| {
                source::open_listed(store, &keychains, &r, typed.clone()).map(|i| (i, Some(r)))
            });
            match found {
                Ok(found) => found,
                Err(e) => return refused(stderr, e, "--nickname"),
            }
        }
    };
    drop(typed);
    let verdict = match connect::run_blocking(Test {
        target: &target,
        identity: &identity,
        trust,
        timeout,
    }) {
        Ok(v) => v,
        Err(e) => {
            let _ = writeln!(stderr, "authcert: {e}");
            return EXIT_FAILURE;
        }
    };
    drop(identity);
    if let Some(record) = listed {
        // Remembered for the details screen; the test stands without it.
        if let Err(e) = store.set_last_test(&record.sha256_fingerprint, verdict.last_test()) {
            let _ = writeln!(
                stderr,
                "authcert: the result was not remembered in the list: {e}"
            );
        }
    }
    if parsed.json {
        match serde_json::to_string_pretty(&verdict)
            .map(|j| authcert_core::text::json_safe(&j).into_owned())
        {
            Ok(text) => {
                let _ = writeln!(stdout, "{text}");
            }
            Err(e) => {
                let _ = writeln!(stderr, "authcert: {e}");
                return EXIT_FAILURE;
            }
        }
    } else {
        let _ = writeln!(stdout, "{}\n\n{}", verdict.headline, verdict.message);
        if let Some(server) = &verdict.server {
            let _ = writeln!(
                stdout,
                "\nServer certificate:\n  Subject:  {}\n  Issuer:   {}\n  Expires:  {}\n  SHA-256:  {}",
                server.subject, server.issuer, server.not_after, server.sha256
            );
            if verdict.verdict == connect::Kind::ServerUntrusted {
                let _ = writeln!(
                    stdout,
                    "\nTo trust exactly this server for a test: --trust-server {}",
                    server.sha256.replace(':', "")
                );
            }
        }
        let _ = writeln!(
            stdout,
            "\nDetails: {} ({} ms)",
            verdict.detail, verdict.elapsed_ms
        );
    }
    verdict.verdict.exit_code()
}

/// The listed record whose file is `path` (when the list can be read).
fn listed_at(store: &Store, path: &std::path::Path) -> Option<authcert_core::store::Record> {
    let wanted = authcert_core::platform::files::canonical(path);
    store
        .load()
        .ok()?
        .records
        .into_iter()
        .find(|r| std::path::Path::new(&r.file) == wanted)
}

/// The rule of a field error, without its field's window label.
fn rule_of(e: &ConnectError) -> String {
    let text = e.to_string();
    match text.split_once(": ") {
        Some((_, rule)) => rule.to_string(),
        None => text,
    }
}

/// A certificate that cannot be presented: invalid input (exit 2) when the
/// admin can fix what they typed, otherwise a failure (exit 1).
fn refused(stderr: &mut dyn Write, e: ConnectError, option: &str) -> i32 {
    if let ConnectError::NeedPassword(nickname) = &e {
        let _ = writeln!(
            stderr,
            "authcert: --password-stdin: the password of “{nickname}” is not in the keychain; give it on standard input."
        );
        return EXIT_INVALID;
    }
    let code = match &e {
        ConnectError::Unreadable { .. }
        | ConnectError::File(_)
        | ConnectError::NoKey
        | ConnectError::KeyMismatch
        | ConnectError::KeyUnusable
        | ConnectError::NotListed(_)
        | ConnectError::NeedPassword(_)
        | ConnectError::OtherFile(_)
        | ConnectError::PublicOnly(_) => EXIT_INVALID,
        _ => EXIT_FAILURE,
    };
    let _ = writeln!(stderr, "authcert: {option}: {e}");
    code
}
