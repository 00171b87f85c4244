//! `authcert generate`: parse, issue, save, then print the password.

use std::io::Write;
use std::path::PathBuf;

use super::{EXIT_FAILURE, EXIT_INVALID, EXIT_OK};
use authcert_core::engine::{self, Choice, Clock, RawRequest, Spares};
use authcert_core::keychain::{self, Keychains};
use authcert_core::life::{LifeError, Pending};
use authcert_core::save::{self, SaveError};
use authcert_core::store::{Store, StoreError};

pub fn help() -> String {
    format!(
        "Make a client authentication certificate and its private key, packed in a
password-protected PKCS#12 (.p12) file. The password is printed alone on
standard output, once; keep it somewhere safe. Everything else goes to
standard error.

Usage:
  authcert generate --nickname NAME --end-date YYYY-MM-DD --out FILE.p12 [options]

Required:
  --nickname NAME        the certificate's name (letters and numbers of any
                         alphabet, spaces, dashes, underscores; at most 64)
  --end-date YYYY-MM-DD  the last day the certificate is valid, until the end
                         of that day in this computer's time zone; from
                         tomorrow to five years from today. It cannot be
                         changed later.
  --out FILE.p12         where to save the new file (a file that exists is
                         never replaced)

Options:
  --api-token-end-date YYYY-MM-DD
                         the day the API token or account ends; the
                         certificate may not outlive it
  --encryption aes-256|3des
                         {encryption}
  --hash sha256|sha384|sha512
                         the signature hash (default sha256; sha384 for
                         ecdsa-p384)
  --key rsa-3072|rsa-2048|rsa-4096|ecdsa-p256|ecdsa-p384
                         the key type (default rsa-3072). Combinations:
                         {combos}.
  --keychain             also store the password in this computer's keychain
                         ({keychain}), service \"{service}\",
                         account \"NICKNAME (first 8 hex digits of the
                         SHA-256 fingerprint)\". If that fails, nothing is
                         saved.
  --signed-by-authority  signed by this computer's issuing authority (see
                         `authcert help authority`) instead of self-signed:
                         a server that trusts the authority accepts it, and
                         its replacements, with no change
  --pem-out FILE.pem     also save a PEM copy, for clients that read PEM
                         (Python's ssl, requests, httpx; Node's key and cert):
                         the certificate and the private key, the key
                         encrypted (PKCS#8, AES-256) with the same password

Example:
  pw=$(authcert generate --nickname \"Billing API\" --end-date 2027-06-30 --out billing.p12)
  curl --cert-type P12 --cert billing.p12 --pass \"$pw\" https://api.example.com/
",
        encryption = authcert_core::form::wrap(authcert_core::form::encryption_hint(), 76, 25),
        combos = engine::request::combinations_text(),
        keychain = keychain::system_name(),
        service = keychain::SERVICE,
    )
}

/// The options of `generate`, as typed.
#[derive(Debug, Default)]
struct GenerateArgs {
    nickname: Option<String>,
    end_date: Option<String>,
    api_token_end_date: Option<String>,
    encryption: Option<String>,
    hash: Option<String>,
    key: Option<String>,
    out: Option<String>,
    pem_out: Option<String>,
    keychain: bool,
    signed_by_authority: bool,
    help: bool,
}

fn parse_generate_args(args: &[String]) -> Result<GenerateArgs, String> {
    let mut parsed = GenerateArgs::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        if name == "--help" || name == "-h" {
            parsed.help = true;
            continue;
        }
        if name == "--keychain" && inline.is_none() {
            parsed.keychain = true;
            continue;
        }
        if name == "--signed-by-authority" && inline.is_none() {
            parsed.signed_by_authority = true;
            continue;
        }
        let slot = match name {
            "--nickname" => &mut parsed.nickname,
            "--end-date" => &mut parsed.end_date,
            "--api-token-end-date" => &mut parsed.api_token_end_date,
            "--encryption" => &mut parsed.encryption,
            "--hash" => &mut parsed.hash,
            "--key" => &mut parsed.key,
            "--out" => &mut parsed.out,
            "--pem-out" => &mut parsed.pem_out,
            _ => {
                return Err(format!(
                    "“{}” is not an option of generate; see `authcert generate --help`.",
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
                .ok_or_else(|| format!("{name} needs a value; see `authcert generate --help`."))?,
        };
        *slot = Some(value);
    }
    Ok(parsed)
}

/// `authcert generate`: parse, issue, save, then print the password.
pub fn run(
    args: &[String],
    clock: &Clock,
    store: &Store,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> i32 {
    let invalid = |stderr: &mut dyn Write, msg: &str| {
        let _ = writeln!(stderr, "authcert: {msg}");
        EXIT_INVALID
    };
    let parsed = match parse_generate_args(args) {
        Ok(p) => p,
        Err(msg) => return invalid(stderr, &msg),
    };
    if parsed.help {
        let _ = write!(stderr, "{}", help());
        return EXIT_OK;
    }
    let mut missing = Vec::new();
    for (name, value) in [
        ("--nickname", &parsed.nickname),
        ("--end-date", &parsed.end_date),
        ("--out", &parsed.out),
    ] {
        if value.is_none() {
            missing.push(name);
        }
    }
    if !missing.is_empty() {
        return invalid(
            stderr,
            &format!(
                "{} required; see `authcert generate --help`.",
                match missing.as_slice() {
                    [one] => format!("{one} is"),
                    many => format!("{} are", many.join(", ")),
                }
            ),
        );
    }
    let raw = RawRequest {
        nickname: parsed.nickname.unwrap_or_default(),
        end_date: parsed.end_date.unwrap_or_default(),
        api_token_end_date: parsed.api_token_end_date,
        encryption: parsed.encryption,
        signature_hash: parsed.hash,
        key_type: parsed.key,
        signed_by: parsed
            .signed_by_authority
            .then(|| engine::SignerKind::Authority.token().to_string()),
    };
    let pending = Pending::new(Ok(store.clone()), Keychains::System, Spares::new());
    // Every rule first (against the list, which must be readable), then
    // --out: a refusal comes before any key is made.
    match pending.validate(&raw, clock) {
        Ok(errors) if errors.is_empty() => {}
        Ok(errors) => {
            for e in &errors {
                let _ = writeln!(
                    stderr,
                    "authcert: {} ({}): {}",
                    e.field.cli_option(),
                    e.field.label(),
                    e.message
                );
            }
            return EXIT_INVALID;
        }
        Err(e) => {
            let _ = writeln!(stderr, "authcert: {e} No certificate was made.");
            return EXIT_FAILURE;
        }
    }
    let out = PathBuf::from(parsed.out.unwrap_or_default());
    if let Err(e) = save::check_target(&out) {
        return invalid(stderr, &format!("--out: {e}"));
    }
    let pem_out = parsed.pem_out.map(PathBuf::from);
    if let Some(pem) = &pem_out {
        if let Err(e) = save::check_target(pem) {
            return invalid(stderr, &format!("--pem-out: {e}"));
        }
        if same_file(pem, &out) {
            return invalid(stderr, "--pem-out: give it another file than --out.");
        }
    }

    let made = match pending.make(&raw, clock) {
        Ok(made) => made,
        Err(e) => {
            let _ = writeln!(stderr, "authcert: {e}");
            return EXIT_FAILURE;
        }
    };
    if let Some(notice) = &made.list_notice {
        let _ = writeln!(stderr, "authcert: warning: {notice}");
    }
    // The keychain first: if it fails, nothing has been written anywhere.
    if parsed.keychain {
        if let Err(e) = pending.keep() {
            pending.discard();
            let _ = writeln!(stderr, "authcert: --keychain: {e} Nothing was saved.");
            return EXIT_FAILURE;
        }
    }
    // The password reaches the admin below, on standard output.
    // Which option's file failed, for the message.
    let mut option = "--out";
    let saved = pending.confirm_saved(true).and_then(|()| {
        if let Some(pem) = &pem_out {
            option = "--pem-out";
            pending.save_pem(pem)?;
            option = "--out";
        }
        pending.save(&out)
    });
    let saved = match saved {
        Ok(saved) => saved,
        Err(e) => {
            pending.discard();
            let code = match &e {
                LifeError::Save(SaveError::AlreadyExists(_))
                | LifeError::Store(StoreError::Duplicate(_)) => EXIT_INVALID,
                _ => EXIT_FAILURE,
            };
            let _ = match e {
                // The window's words ("still here") do not fit a command.
                LifeError::Save(s) => {
                    writeln!(stderr, "authcert: {option}: the file was not saved: {s}")
                }
                LifeError::Store(s) => writeln!(
                    stderr,
                    "authcert: {s} The new file has been removed again; nothing was kept."
                ),
                other => writeln!(stderr, "authcert: {other} Nothing was kept."),
            };
            return code;
        }
    };
    // The password is the only way into the file: if it cannot be handed
    // over, the file is useless, so it is taken back.
    let printed = writeln!(stdout, "{}", made.password.as_str()).and_then(|_| stdout.flush());
    if let Err(e) = printed {
        let _ = pending.retract();
        let _ = writeln!(
            stderr,
            "authcert: the password could not be written to standard output ({}); the file has been removed.",
            e.kind()
        );
        return EXIT_FAILURE;
    }
    let _ = writeln!(
        stderr,
        "Saved {}{}\n{}\nListed in {}",
        saved.path.display(),
        saved
            .pem
            .as_ref()
            .map(|p| format!("\nSaved the PEM copy {}", p.display()))
            .unwrap_or_default(),
        made.facts.summary(),
        store.list_path().display()
    );
    let _ = match &saved.keychain_account {
        Some(account) => writeln!(
            stderr,
            "The password is also stored in the {}: service \"{}\", account \"{}\".",
            keychain::system_name(),
            keychain::SERVICE,
            account
        ),
        None => writeln!(
            stderr,
            "The password above is shown only once: store it safely now."
        ),
    };
    EXIT_OK
}

/// Whether two paths name one file (the same text once made absolute).
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    let abs = |p: &std::path::Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    abs(a) == abs(b)
}
