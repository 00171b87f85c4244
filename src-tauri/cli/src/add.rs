//! `authcert add FILE`: a certificate made elsewhere joins the list, for
//! reminders, details and tests. The file is read, never changed.

use std::io::Write;
use std::path::PathBuf;

use super::{EXIT_FAILURE, EXIT_INVALID, EXIT_OK};
use authcert_core::import::{self, Adding, ImportError};
use authcert_core::keychain::{self, Keychains};
use authcert_core::store::Store;

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

#[derive(Default)]
struct AddArgs {
    file: Option<String>,
    nickname: Option<String>,
    choose: Option<String>,
    password_stdin: bool,
    keychain: bool,
    any_purpose: bool,
    help: bool,
}

fn parse_args(args: &[String]) -> Result<AddArgs, String> {
    let mut parsed = AddArgs::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let flag = match (name, &inline) {
            ("--help" | "-h", None) => Some(&mut parsed.help),
            ("--password-stdin", None) => Some(&mut parsed.password_stdin),
            ("--keychain", None) => Some(&mut parsed.keychain),
            ("--any-purpose", None) => Some(&mut parsed.any_purpose),
            _ => None,
        };
        if let Some(flag) = flag {
            *flag = true;
            continue;
        }
        if !name.starts_with('-') {
            if parsed.file.is_some() {
                return Err("give one FILE; the second one is extra.".into());
            }
            parsed.file = Some(arg.clone());
            continue;
        }
        let slot = match name {
            "--nickname" => &mut parsed.nickname,
            "--choose" => &mut parsed.choose,
            _ => {
                return Err(format!(
                    "“{}” is not an option of add; see `authcert add --help`.",
                    arg.chars().take(40).collect::<String>()
                ))
            }
        };
        if slot.is_some() {
            return Err(format!("{name} is given twice; give it once."));
        }
        *slot = Some(match inline {
            Some(v) => v,
            None => it
                .next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value; see `authcert add --help`."))?,
        });
    }
    Ok(parsed)
}

/// The option a refusal is about.
fn option_of(e: &ImportError) -> &'static str {
    match e.field() {
        Some("password") => "--password-stdin",
        Some("nickname") => "--nickname",
        Some("choice") => "--choose",
        Some("confirm") => "--any-purpose",
        _ => "FILE",
    }
}

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
        return EXIT_OK;
    }
    let Some(file) = &parsed.file else {
        return invalid(
            stderr,
            "FILE: name the certificate file to add (.p12, .pfx, .pem, .crt, .cer, .der).",
        );
    };
    let choice = match parsed.choose.as_deref().map(|c| c.trim().parse::<usize>()) {
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
    let password = if parsed.password_stdin {
        match super::password_from_stdin() {
            Ok(p) => Some(p),
            Err(msg) => return invalid(stderr, &msg),
        }
    } else {
        None
    };
    let path = PathBuf::from(file);
    let inspected = import::read::file_bytes(&path)
        .and_then(|bytes| import::read::inspect(&bytes, password.as_ref().map(|p| p.as_str())));
    let inspected = match inspected {
        Ok(i) => i,
        Err(e) => return invalid(stderr, &format!("{}: {e}", option_of(&e))),
    };
    if parsed.keychain && inspected.with_key.is_none() {
        return invalid(
            stderr,
            "--keychain: this file holds no private key and has no password to keep.",
        );
    }
    let nickname = match &parsed.nickname {
        Some(n) => n.clone(),
        None => {
            let taken: Vec<String> = match store.load() {
                Ok(l) => l.records.into_iter().map(|r| r.nickname).collect(),
                Err(e) => {
                    let _ = writeln!(stderr, "authcert: {e}");
                    return EXIT_FAILURE;
                }
            };
            match import::chosen(&inspected, choice) {
                Ok((_, c)) => import::suggested_nickname(c, taken.iter().map(String::as_str)),
                Err(e) => return invalid(stderr, &format!("{}: {e}", option_of(&e))),
            }
        }
    };
    let added = import::add(
        store,
        &Keychains::System,
        &Adding {
            path: &path,
            inspected: &inspected,
            choice,
            nickname: &nickname,
            confirm_any_purpose: parsed.any_purpose,
            keep_password: if parsed.keychain {
                password.as_ref().map(|p| p.as_str())
            } else {
                None
            },
        },
    );
    drop(password);
    match added {
        Ok(record) => {
            for warning in &inspected.warnings {
                let _ = writeln!(stderr, "authcert: note: {warning}");
            }
            let _ = writeln!(
                stdout,
                "Added “{}”: {} — expires {} — SHA-256 {}{}",
                authcert_core::text::shown(&record.nickname),
                record.subject,
                record.not_after_local,
                record.sha256_fingerprint,
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
