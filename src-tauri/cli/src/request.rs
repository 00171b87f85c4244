//! `authcert request`: a request file (PKCS#10) for a company's or a
//! commercial certificate authority, its key waiting in the keychain; and
//! `--cancel NICKNAME`, which takes a waiting request back.

use std::path::PathBuf;

use super::options::{Spec, A_VALUE};
use super::{invalid, invalid_fields, Cx};
use super::{EXIT_FAILURE, EXIT_OK};
use authcert_core::engine::{self, RawRequest};
use authcert_core::keychain::{self, Keychains};
use authcert_core::requested::{destinations, waiting, RequestError};
use authcert_core::save;

pub fn help() -> String {
    format!(
        "Make a request file for your company's certificate authority (Active
Directory Certificate Services, Vault, step-ca, EJBCA…) or a commercial one:
the key is made here and waits in this computer's keychain ({keychain}) until
the CA's answer comes; `authcert complete` then joins the two into a
password-protected .p12 file. The CA decides the end date.

Usage:
  authcert request --nickname NAME --out FILE.csr [options]
  authcert request --cancel NICKNAME    take a waiting request back (its key
                                        is deleted from the keychain)

Options:
  --key rsa-3072|rsa-2048|rsa-4096|ecdsa-p256|ecdsa-p384
                         the key type (default rsa-3072). Combinations:
                         {combos}.
  --hash sha256|sha384|sha512
                         the hash the request is signed with
  --encryption aes-256|3des
                         how the final .p12 is protected (default aes-256)
  --keychain-required    accepted for clarity: a waiting key is only ever
                         kept in the keychain (never in a file), so without
                         a keychain no request is made
  --replaces NICKNAME    the listed certificate the new one replaces: once
                         completed, it takes over its integrations, each to
                         move until a test is accepted at its address

Then: send FILE.csr to your CA (what `authcert request` prints lists where
and how, with an example for each), and when its answer comes:
  authcert complete NICKNAME ANSWER_FILE --out FILE.p12
",
        keychain = keychain::system_name(),
        combos = engine::combinations_text(),
    )
}

const SPEC: Spec = Spec {
    command: "request",
    valued: &[
        ("--nickname", A_VALUE),
        ("--key", A_VALUE),
        ("--hash", A_VALUE),
        ("--encryption", A_VALUE),
        ("--out", A_VALUE),
        ("--cancel", A_VALUE),
        ("--replaces", A_VALUE),
    ],
    flags: &["--keychain-required"],
    positional: &[],
};

/// `authcert request`: parse, one core call, print where the request goes.
pub fn run(args: &[String], cx: Cx<'_>) -> i32 {
    let (mut o, clock, store, _, stderr) = match cx.parse(args, &SPEC, help) {
        Ok(parts) => parts,
        Err(code) => return code,
    };
    if let Some(nickname) = o.take("--cancel") {
        return match waiting::remove(store, &Keychains::System, &nickname) {
            Ok(w) => {
                let _ = writeln!(
                    stderr,
                    "Cancelled the request “{}”; its waiting key was deleted from the keychain.",
                    w.nickname
                );
                EXIT_OK
            }
            Err(e @ RequestError::NotWaiting(_)) => invalid(stderr, &format!("--cancel: {e}")),
            Err(e) => {
                let _ = writeln!(stderr, "authcert: {e}");
                EXIT_FAILURE
            }
        };
    }
    if let Err(msg) = o.all_required(&["--nickname", "--out"], &SPEC) {
        return invalid(stderr, &msg);
    }
    let out = PathBuf::from(o.take("--out").unwrap_or_default());
    if let Err(e) = save::check_target(&out) {
        return invalid(stderr, &format!("--out: {e}"));
    }
    let raw = RawRequest {
        nickname: o.take("--nickname").unwrap_or_default(),
        encryption: o.take("--encryption"),
        signature_hash: o.take("--hash"),
        key_type: o.take("--key"),
        ..RawRequest::default()
    };
    let replaces = match o.replaces(store) {
        Ok(r) => r,
        Err(msg) => return invalid(stderr, &msg),
    };
    let w = match waiting::create_replacing(store, &Keychains::System, &raw, replaces, clock) {
        Ok(w) => w,
        Err(RequestError::Invalid(refused)) => return invalid_fields(stderr, &refused.errors),
        Err(e) => {
            let _ = writeln!(stderr, "authcert: {e}");
            return EXIT_FAILURE;
        }
    };
    // The request is public: written like any file AuthCert saves, never
    // over another.
    let shown = match waiting::save_request(&w, &out) {
        Ok(shown) => shown,
        Err(why) => {
            let _ = waiting::remove(store, &Keychains::System, &w.nickname);
            let _ = writeln!(
                stderr,
                "authcert: --out: the request was not saved ({why}); nothing waits."
            );
            return EXIT_FAILURE;
        }
    };
    let _ = writeln!(
        stderr,
        "Saved the request {}\nIts key waits in the {} (service \"{}\", account \"{}\"); the request alone is of no use to anyone else.\n\nSend it to your certificate authority:",
        shown.display(),
        keychain::system_name(),
        keychain::SERVICE,
        w.keychain_account,
    );
    let name = shown.display().to_string();
    for d in destinations(&name, "answer.cer") {
        let _ = writeln!(stderr, "\n- {}: {}\n    {}", d.title, d.words, d.example);
    }
    let _ = writeln!(
        stderr,
        "\nWhen the answer comes:\n  authcert complete \"{}\" ANSWER_FILE --out FILE.p12",
        w.nickname
    );
    EXIT_OK
}
