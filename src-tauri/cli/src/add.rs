//! `authcert add FILE`: a certificate made elsewhere joins the list, for
//! reminders, details and tests. The file is read, never changed.

use std::path::PathBuf;

use super::options::{Spec, A_VALUE};
use super::{invalid, Cx};
use super::{EXIT_FAILURE, EXIT_OK};
use authcert_core::import::unattended::{AddFile, AddedFile};
use authcert_core::import::{self, ImportError};
use authcert_core::keychain::{self, Keychains};

pub fn help() -> String {
    format!(
        "Add a certificate made elsewhere (by a certificate authority's console,
OpenSSL, Windows, Java…) to the list, so AuthCert reminds you before it
expires, shows its details and can test it against your API. The file is
read, never changed, moved or copied.

Usage:
  authcert add FILE [--password-stdin] [--nickname NAME] [--keychain]
               [--choose N] [--any-purpose]

FILE is a PKCS#12 file (.p12, .pfx: the certificate with its private key;
its password is read from standard input) or a public certificate (.pem,
.crt, .cer, .der).

Options:
  --password-stdin  read the .p12 file's password from standard input (one line)
  --nickname NAME   the name in the list (default: the certificate's common
                    name, made valid and unique); same rules as generate
  --keychain        also store the .p12 file's password in this computer's
                    keychain ({keychain}), service \"{service}\", so tests
                    and the details can use it
  --choose N        the certificate to add when a file holds several
                    without a key (1 = the first)
  --any-purpose     add it even if it is not meant for client
                    authentication (its extended key usage says otherwise)

Exit status: 0 added; 2 invalid input (wrong password, unreadable or
unsupported file, a certificate already listed, a nickname taken; the
message names the option and the rule); 1 any other failure.
",
        keychain = keychain::system_name(),
        service = keychain::SERVICE,
    )
}

/// What `add` takes.
const SPEC: Spec = Spec {
    command: "add",
    valued: &[("--nickname", A_VALUE), ("--choose", A_VALUE)],
    flags: &["--password-stdin", "--keychain", "--any-purpose"],
    positional: &["FILE"],
};

/// The option a refusal is about.
fn option_of(e: &ImportError) -> &'static str {
    match e.field() {
        Some("password") => "--password-stdin",
        Some("nickname") => "--nickname",
        Some("choice") => "--choose",
        Some("confirm") => "--any-purpose",
        Some("keychain") => "--keychain",
        _ => "FILE",
    }
}

/// `authcert add FILE …`: parse, add (one core call), print.
pub fn run(args: &[String], cx: Cx<'_>) -> i32 {
    let (o, clock, store, stdout, stderr) = match cx.parse(args, &SPEC, help) {
        Ok(parts) => parts,
        Err(code) => return code,
    };
    let Some(file) = o.positional(0) else {
        return invalid(
            stderr,
            "FILE: name the certificate file to add (.p12, .pfx, .pem, .crt, .cer, .der).",
        );
    };
    let choice = match o.value("--choose").map(|c| c.trim().parse::<usize>()) {
        None => None,
        Some(Ok(n)) if n >= 1 => Some(n - 1),
        Some(_) => {
            return invalid(
                stderr,
                "--choose: give the certificate's number in the file (1 = the first).",
            )
        }
    };
    // An empty line is a password too: PKCS#12 files may have one.
    let password = if o.flag("--password-stdin") {
        match super::password_from_stdin() {
            Ok(p) => Some(p),
            Err(msg) => return invalid(stderr, &msg),
        }
    } else {
        None
    };
    let path = PathBuf::from(file);
    let added = import::unattended::add_file(
        store,
        &Keychains::System,
        &AddFile {
            path: &path,
            password: password.as_ref().map(|p| p.as_str()),
            choice,
            nickname: o.value("--nickname"),
            any_purpose: o.flag("--any-purpose"),
            keychain: o.flag("--keychain"),
        },
        clock,
    );
    drop(password);
    match added {
        Ok(AddedFile { record, warnings }) => {
            for warning in &warnings {
                let _ = writeln!(stderr, "authcert: note: {warning}");
            }
            let _ = writeln!(
                stdout,
                "Added “{}”: {} — expires {} — SHA-256 {}{}",
                authcert_core::text::shown(&record.described.nickname),
                record.described.subject,
                record.described.not_after_local,
                record.described.sha256_fingerprint,
                match &record.keychain_account {
                    Some(a) => format!(
                        "\nPassword stored in the {} (account “{a}”).",
                        keychain::system_name()
                    ),
                    None => String::new(),
                }
            );
            EXIT_OK
        }
        Err(ImportError::Keychain(e)) => {
            let _ = writeln!(stderr, "authcert: --keychain: {e} Nothing was added.");
            EXIT_FAILURE
        }
        Err(ImportError::Store(e))
            if !matches!(
                e,
                authcert_core::store::StoreError::Duplicate(_)
                    | authcert_core::store::StoreError::AlreadyListed(_)
            ) =>
        {
            let _ = writeln!(stderr, "authcert: {e}");
            EXIT_FAILURE
        }
        Err(e) => invalid(stderr, &format!("{}: {e}", option_of(&e))),
    }
}
