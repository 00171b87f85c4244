//! `authcert generate`: parse, make and save in one call to the core
//! (`life::unattended`), then print the password.

use std::io::Write;
use std::path::PathBuf;

use super::options::{Spec, A_VALUE};
use super::{invalid, invalid_fields, Cx};
use super::{EXIT_FAILURE, EXIT_INVALID, EXIT_OK};
use authcert_core::engine::{self, Choice, RawRequest};
use authcert_core::keychain::{self, Keychains};
use authcert_core::life::unattended::{self, Files, GenerateError, Generated, Output};
use authcert_core::life::LifeError;
use authcert_core::requested::RequestError;
use authcert_core::save::SaveError;
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
  --replaces NICKNAME    the listed certificate this one replaces: it takes
                         over its integrations, each to move until a test of
                         the new one is accepted at its address
                         (`authcert check`)

Example:
  pw=$(authcert generate --nickname \"Billing API\" --end-date 2027-06-30 --out billing.p12)
  curl --cert-type P12 --cert billing.p12 --pass \"$pw\" https://api.example.com/
",
        encryption = authcert_core::form::wrap(authcert_core::form::encryption_hint(), 76, 25),
        combos = engine::combinations_text(),
        keychain = keychain::system_name(),
        service = keychain::SERVICE,
    )
}

/// What `generate` takes.
const SPEC: Spec = Spec {
    command: "generate",
    valued: &[
        ("--nickname", A_VALUE),
        ("--end-date", A_VALUE),
        ("--api-token-end-date", A_VALUE),
        ("--encryption", A_VALUE),
        ("--hash", A_VALUE),
        ("--key", A_VALUE),
        ("--out", A_VALUE),
        ("--pem-out", A_VALUE),
        ("--replaces", A_VALUE),
    ],
    flags: &["--keychain", "--signed-by-authority"],
    positional: &[],
};

/// `authcert generate`: parse, make and save (one core call), then print
/// the password.
pub fn run(args: &[String], cx: Cx<'_>) -> i32 {
    let (mut o, clock, store, stdout, stderr) = match cx.parse(args, &SPEC, help) {
        Ok(parts) => parts,
        Err(code) => return code,
    };
    if let Err(msg) = o.all_required(&["--nickname", "--end-date", "--out"], &SPEC) {
        return invalid(stderr, &msg);
    }
    let raw = RawRequest {
        nickname: o.take("--nickname").unwrap_or_default(),
        end_date: o.take("--end-date").unwrap_or_default(),
        api_token_end_date: o.take("--api-token-end-date"),
        encryption: o.take("--encryption"),
        signature_hash: o.take("--hash"),
        key_type: o.take("--key"),
        signed_by: o
            .flag("--signed-by-authority")
            .then(|| engine::SignerKind::Authority.token().to_string()),
    };
    let files = Files {
        out: PathBuf::from(o.take("--out").unwrap_or_default()),
        pem_out: o.take("--pem-out").map(PathBuf::from),
        keychain: o.flag("--keychain"),
    };
    let replaces = match o.replaces(store) {
        Ok(r) => r,
        Err(msg) => return invalid(stderr, &msg),
    };
    let generated =
        match unattended::generate(store, Keychains::System, &raw, &files, replaces, clock) {
            Ok(g) => g,
            Err(e) => return refused(stderr, e),
        };
    hand_over(generated, store, stdout, stderr)
}

/// Prints the password (alone, on standard output) and what was saved;
/// when the password cannot be handed over, everything is taken back, since
/// a file nobody can open is no use.
pub(crate) fn hand_over(
    generated: Generated,
    store: &Store,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> i32 {
    if let Some(notice) = &generated.made.list_notice {
        let _ = writeln!(stderr, "authcert: warning: {notice}");
    }
    let printed =
        writeln!(stdout, "{}", generated.made.password.as_str()).and_then(|_| stdout.flush());
    if let Err(e) = printed {
        generated.take_back();
        let _ = writeln!(
            stderr,
            "authcert: the password could not be written to standard output ({}); the file has been removed.",
            e.kind()
        );
        return EXIT_FAILURE;
    }
    let saved = &generated.saved;
    let _ = writeln!(
        stderr,
        "Saved {}{}\n{}\nListed in {}",
        saved.path.display(),
        saved
            .pem
            .as_ref()
            .map(|p| format!("\nSaved the PEM copy {}", p.display()))
            .unwrap_or_default(),
        generated.made.facts.summary(),
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

/// The option a file's refusal is about.
fn option_of(output: Output) -> &'static str {
    match output {
        Output::P12 => "--out",
        Output::Pem => "--pem-out",
    }
}

/// Prints why nothing was made or kept; the exit code.
pub(crate) fn refused(stderr: &mut dyn Write, e: GenerateError) -> i32 {
    let (code, text) = match e {
        GenerateError::Invalid(errors) => return invalid_fields(stderr, &errors),
        GenerateError::Unchecked(e) => (EXIT_FAILURE, format!("{e} No certificate was made.")),
        GenerateError::Target(output, e) => (EXIT_INVALID, format!("{}: {e}", option_of(output))),
        GenerateError::SameFile => (
            EXIT_INVALID,
            "--pem-out: give it another file than --out.".to_string(),
        ),
        GenerateError::Make(e) => (EXIT_FAILURE, e.to_string()),
        GenerateError::Request(e) => {
            let (code, what) = match &e {
                RequestError::NotWaiting(_) => (EXIT_INVALID, "NICKNAME: "),
                RequestError::Answer(_) | RequestError::Join(_) => (EXIT_INVALID, "ANSWER_FILE: "),
                _ => (EXIT_FAILURE, ""),
            };
            (code, format!("{what}{e} Nothing was saved."))
        }
        GenerateError::Keychain(e) => (EXIT_FAILURE, format!("--keychain: {e} Nothing was saved.")),
        GenerateError::Save(output, e) => {
            let code = match &e {
                LifeError::Save(SaveError::AlreadyExists(_))
                | LifeError::Store(StoreError::Duplicate(_)) => EXIT_INVALID,
                _ => EXIT_FAILURE,
            };
            let text = match e {
                // The window's words ("still here") do not fit a command.
                LifeError::Save(s) => {
                    format!("{}: the file was not saved: {s}", option_of(output))
                }
                LifeError::Store(s) => {
                    format!("{s} The new file has been removed again; nothing was kept.")
                }
                other => format!("{other} Nothing was kept."),
            };
            (code, text)
        }
    };
    let _ = writeln!(stderr, "authcert: {text}");
    code
}
