//! `authcert complete NICKNAME ANSWER_FILE`: the CA's answer joined with
//! the key waiting for it, into the same checked .p12 `generate` makes; the
//! password printed once, as `generate` does.

use std::path::{Path, PathBuf};

use super::generate::{hand_over, refused};
use super::options::{Spec, A_VALUE};
use super::{invalid, Cx};
use super::{EXIT_INVALID, EXIT_OK};
use authcert_core::import::read::file_bytes;
use authcert_core::keychain::{self, Keychains};
use authcert_core::life::unattended::{self, Files};

pub fn help() -> String {
    format!(
        "Complete a request made with `authcert request`: the CA's answer and the key
waiting in the keychain become a password-protected .p12 file (the key, the
certificate and its chain), checked, saved and listed. The password is
printed alone on standard output, once; everything else goes to standard
error. The request and its waiting key are then removed.

Usage:
  authcert complete NICKNAME ANSWER_FILE --out FILE.p12 [options]

ANSWER_FILE: what your CA sent: PEM (one or several certificates, in any
order), a .cer or .crt file, a .p7b or .p7c bundle, or the JSON answer of
Vault (`certificate`, `ca_chain`) or step-ca (`crt`). AuthCert finds the
certificate for the waiting key, orders its chain and checks every link;
it refuses a certificate for another key, an expired one, one that is not
for client authentication, and says when an intermediate is missing.

Options:
  --pem-out FILE.pem     also save a PEM copy (the certificate, its chain
                         and the key encrypted with the same password)
  --keychain             also store the password in this computer's keychain
                         ({keychain}), service \"{service}\"
",
        keychain = keychain::system_name(),
        service = keychain::SERVICE,
    )
}

const SPEC: Spec = Spec {
    command: "complete",
    valued: &[("--out", A_VALUE), ("--pem-out", A_VALUE)],
    flags: &["--keychain"],
    positional: &["NICKNAME", "ANSWER_FILE"],
};

/// `authcert complete`: parse, one core call, hand the password over.
pub fn run(args: &[String], cx: Cx<'_>) -> i32 {
    let (mut o, clock, store, stdout, stderr) = match cx.parse(args, &SPEC, help) {
        Ok(parts) => parts,
        Err(code) => return code,
    };
    let (Some(nickname), Some(answer_file)) = (o.positional(0), o.positional(1)) else {
        return invalid(
            stderr,
            "NICKNAME ANSWER_FILE: name the waiting request and the file your CA sent; `authcert list` shows the waiting requests.",
        );
    };
    let (nickname, answer_file) = (nickname.to_string(), PathBuf::from(answer_file));
    if let Err(msg) = o.all_required(&["--out"], &SPEC) {
        return invalid(stderr, &msg);
    }
    let answer = match file_bytes(Path::new(&answer_file)) {
        Ok(b) => b,
        Err(e) => {
            let _ = writeln!(stderr, "authcert: ANSWER_FILE: {e}");
            return EXIT_INVALID;
        }
    };
    let files = Files {
        out: PathBuf::from(o.take("--out").unwrap_or_default()),
        pem_out: o.take("--pem-out").map(PathBuf::from),
        keychain: o.flag("--keychain"),
    };
    let done =
        match unattended::complete(store, Keychains::System, &nickname, &answer, &files, clock) {
            Ok(done) => done,
            Err(e) => return refused(stderr, e),
        };
    for notice in &done.notices {
        let _ = writeln!(stderr, "{notice}");
    }
    let code = hand_over(done.generated, store, stdout, stderr);
    if code != EXIT_OK {
        // Taken back: the request still waits with its key.
        return code;
    }
    if let Err(e) = unattended::finish_request(store, &Keychains::System, &nickname) {
        let _ = writeln!(
            stderr,
            "authcert: warning: the certificate is saved, but the request stays listed as waiting ({e}); cancel it with `authcert request --cancel \"{nickname}\"`."
        );
    }
    EXIT_OK
}
