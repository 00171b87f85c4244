//! `authcert revoke NICKNAME`: the authority no longer vouches for a
//! certificate it signed; the server learns it from the next revocation list.

use std::io::Write;

use super::authority::fail;
use super::options::Options;
use super::{EXIT_INVALID, EXIT_OK};
use authcert_core::authority::{self, Reason};
use authcert_core::engine::{Clock, Nickname};
use authcert_core::store::Store;

pub fn help() -> String {
    let reasons: Vec<String> = Reason::ALL
        .iter()
        .map(|r| format!("  {:<24}{}", r.token(), r.label()))
        .collect();
    format!(
        "Revoke a certificate signed by this computer's issuing authority: the next
revocation list (`authcert authority crl --out FILE.pem`) names it, and a
server that reads that list refuses it. Revoking cannot be undone.

Usage:
  authcert revoke NICKNAME [--reason REASON]

Reasons (default unspecified):
{}

Exit status: 0 revoked, 2 invalid input (no such certificate, not signed
by the authority, already revoked), 1 any other failure.
",
        reasons.join("\n")
    )
}

pub fn run(args: &[String], clock: &Clock, store: &Store, stderr: &mut dyn Write) -> i32 {
    let invalid = |stderr: &mut dyn Write, msg: &str| {
        let _ = writeln!(stderr, "authcert: {msg}");
        EXIT_INVALID
    };
    let o = match Options::parse(args, "revoke", &["--reason"], &[], 1) {
        Ok(o) => o,
        Err(m) => return invalid(stderr, &m),
    };
    if o.flag("--help") {
        let _ = write!(stderr, "{}", help());
        return EXIT_OK;
    }
    let Some(nickname) = o.positional.first() else {
        return invalid(
            stderr,
            "give the NICKNAME of the certificate to revoke; see `authcert help revoke`.",
        );
    };
    let reason = match Reason::parse(o.value("--reason").unwrap_or("")) {
        Ok(r) => r,
        Err(e) => return invalid(stderr, &format!("--reason: {}", e.message)),
    };
    let key = Nickname::uniqueness_key_of(nickname);
    let record = match store.load() {
        Ok(l) => l
            .records
            .into_iter()
            .find(|r| Nickname::uniqueness_key_of(&r.nickname) == key),
        Err(e) => return fail(stderr, &e.into()),
    };
    let Some(record) = record else {
        return invalid(
            stderr,
            &format!(
                "NICKNAME: no certificate named “{}” is in the list (`authcert list` shows them).",
                nickname.chars().take(64).collect::<String>()
            ),
        );
    };
    match authority::revoke(store, &record.sha256_fingerprint, reason, clock) {
        Ok(r) => {
            let _ = writeln!(
                stderr,
                "Revoked “{}” (serial {}). Export the new revocation list (`authcert authority crl --out FILE.pem`) and give it to your server: until then the server still accepts it.",
                r.nickname, r.serial
            );
            EXIT_OK
        }
        Err(e) => fail(stderr, &e),
    }
}
