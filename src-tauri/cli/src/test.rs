//! `authcert test URL`: one real request to an API presenting a
//! certificate, and the verdict in plain words (or JSON), with an exit
//! status per verdict for scheduled checks.

use std::io::Write;
use std::path::PathBuf;

use super::options::{Spec, A_VALUE};
use super::{invalid, Cx};
use super::{EXIT_FAILURE, EXIT_INVALID};
use authcert_core::connect::{self, ConnectError, Presented, Settings, Target, Timeout};
use authcert_core::keychain::Keychains;

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
certificate); 6 server not trusted; 7 unreachable; 9 asked for later (the
server refused without asking while connecting: it may ask only after
connecting, which the test cannot answer); 2 invalid input (the
message names the option and the rule; also a wrong password); 1 any other
failure.

Example (a scheduled check):
  authcert test https://api.example.com/health --nickname \"Billing API\" --json
",
        max = connect::target::MAX_TIMEOUT_SECONDS,
        default = connect::target::DEFAULT_TIMEOUT_SECONDS,
    )
}

/// What `test` takes.
const SPEC: Spec = Spec {
    command: "test",
    valued: &[
        ("--p12", A_VALUE),
        ("--nickname", A_VALUE),
        ("--trust-server", A_VALUE),
        ("--timeout", A_VALUE),
    ],
    flags: &["--password-stdin", "--json"],
    positional: &["API address (URL)"],
};

/// `authcert test URL …`: parse, test (one core call), print.
pub fn run(args: &[String], cx: Cx<'_>) -> i32 {
    let (o, clock, store, stdout, stderr) = match cx.parse(args, &SPEC, help) {
        Ok(parts) => parts,
        Err(code) => return code,
    };
    let Some(url) = o.positional(0) else {
        return invalid(stderr, "URL: give the API's address, for example `authcert test https://api.example.com/health --p12 FILE`.");
    };
    let target = match Target::parse(url) {
        Ok(t) => t,
        Err(e) => return invalid(stderr, &e.to_string()),
    };
    let trust = match o
        .value("--trust-server")
        .map(connect::target::trusted_server)
        .transpose()
    {
        Ok(t) => t,
        Err(e) => return invalid(stderr, &format!("--trust-server: {}", rule_of(&e))),
    };
    let timeout = match o.value("--timeout").map(Timeout::parse).transpose() {
        Ok(t) => t.unwrap_or_default(),
        Err(e) => return invalid(stderr, &format!("--timeout: {}", rule_of(&e))),
    };
    let typed = if o.flag("--password-stdin") {
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
    let (presented, option) = match (o.value("--p12"), o.value("--nickname")) {
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
        (Some(file), None) => (Presented::File(PathBuf::from(file)), "--p12"),
        (None, Some(name)) => (Presented::Nickname(name.to_string()), "--nickname"),
    };
    let settings = Settings {
        target,
        trust,
        timeout,
    };
    let tested = connect::block_on(connect::test_certificate(
        store.clone(),
        Keychains::System,
        presented,
        typed,
        &settings,
        clock,
    ));
    let tested = match tested {
        Ok(t) => t,
        Err(e) => return refused(stderr, e, option),
    };
    if let Some(e) = &tested.not_remembered {
        // Remembered for the details screen; the test stands without it.
        let _ = writeln!(
            stderr,
            "authcert: the result was not remembered in the list: {e}"
        );
    }
    let verdict = tested.verdict;
    if o.flag("--json") {
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
    let stdin = match &e {
        ConnectError::NeedPassword(nickname) => Some(format!(
            "the password of “{nickname}” is not in the keychain"
        )),
        ConnectError::FileNotListed => Some(
            "this file is not in AuthCert's list, so its password is not in the keychain".into(),
        ),
        _ => None,
    };
    if let Some(why) = stdin {
        let _ = writeln!(
            stderr,
            "authcert: --password-stdin: {why}; give it on standard input."
        );
        return EXIT_INVALID;
    }
    // A test that ran into trouble after the certificate was opened.
    if matches!(
        e,
        ConnectError::Internal(_) | ConnectError::HttpsProxy(_) | ConnectError::Cancelled
    ) {
        let _ = writeln!(stderr, "authcert: {e}");
        return EXIT_FAILURE;
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
