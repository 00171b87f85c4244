//! `authcert revoke NICKNAME` or `--serial HEX`: the authority no longer
//! vouches for a certificate it signed; the server learns it from the next
//! revocation list.

use std::io::Write;

use super::authority::fail;
use super::options::Options;
use super::{EXIT_INVALID, EXIT_OK};
use authcert_core::authority::{self, Reason, Revoking};
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
server that reads that list refuses it. Revoking cannot be undone, and no
later list, backup or restore forgets it.

Usage:
  authcert revoke NICKNAME [--reason REASON]
  authcert revoke --serial HEX [--reason REASON]

--serial: a certificate this authority signed that is not in the list (made
on another computer with a restored authority, or removed from the list),
by its serial number in hexadecimal (colons allowed).

Reasons (default unspecified):
{}

Exit status: 0 revoked, 2 invalid input (no such certificate, not signed
by the authority, already revoked, not a serial number), 1 any other failure.
",
        reasons.join("\n")
    )
}

pub fn run(args: &[String], clock: &Clock, store: &Store, stderr: &mut dyn Write) -> i32 {
    let invalid = |stderr: &mut dyn Write, msg: &str| {
        let _ = writeln!(stderr, "authcert: {msg}");
        EXIT_INVALID
    };
    let o = match Options::parse(args, "revoke", &["--reason", "--serial"], &[], 1) {
        Ok(o) => o,
        Err(m) => return invalid(stderr, &m),
    };
    if o.flag("--help") {
        let _ = write!(stderr, "{}", help());
        return EXIT_OK;
    }
    let reason = match Reason::parse(o.value("--reason").unwrap_or("")) {
        Ok(r) => r,
        Err(e) => return invalid(stderr, &format!("--reason: {}", e.message)),
    };
    let what = match (o.positional.first(), o.value("--serial")) {
        (Some(_), Some(_)) => {
            return invalid(
                stderr,
                "give either a NICKNAME or --serial HEX, not both.",
            )
        }
        (None, None) => {
            return invalid(
                stderr,
                "give the NICKNAME of the certificate to revoke, or --serial HEX; see `authcert help revoke`.",
            )
        }
        (None, Some(serial)) => match authority::revocations::parse_serial(serial) {
            Ok(s) => Revoking::Serial(s),
            Err(e) => return invalid(stderr, &format!("--serial: {}", e.message)),
        },
        (Some(nickname), None) => match listed(store, nickname) {
            Ok(id) => Revoking::Listed(id),
            Err(code) => {
                let _ = writeln!(stderr, "authcert: {}", code.1);
                return code.0;
            }
        },
    };
    match authority::revoke(store, &what, reason, clock) {
        Ok(r) => {
            let _ = writeln!(
                stderr,
                "Revoked {} (serial {}). Export the new revocation list (`authcert authority crl --out FILE.pem`) and give it to your server: until then the server still accepts it.",
                r.name(),
                r.serial
            );
            EXIT_OK
        }
        Err(e) => fail(stderr, &e),
    }
}

/// The fingerprint of the listed certificate called `nickname`, or the exit
/// code and message.
fn listed(store: &Store, nickname: &str) -> Result<String, (i32, String)> {
    let key = Nickname::uniqueness_key_of(nickname);
    let loaded = store
        .load()
        .map_err(|e| (super::EXIT_FAILURE, e.to_string()))?;
    loaded
        .records
        .into_iter()
        .find(|r| Nickname::uniqueness_key_of(&r.nickname) == key)
        .map(|r| r.sha256_fingerprint)
        .ok_or_else(|| {
            (
                EXIT_INVALID,
                format!(
                    "NICKNAME: no certificate named “{}” is in the list (`authcert list` shows them; --serial HEX revokes one that is not).",
                    nickname.chars().take(64).collect::<String>()
                ),
            )
        })
}
