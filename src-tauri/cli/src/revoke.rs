//! `authcert revoke NICKNAME` or `--serial HEX`: the authority no longer
//! vouches for a certificate it signed; the server learns it from the next
//! revocation list.

use super::authority::fail;
use super::options::{Spec, A_VALUE};
use super::{invalid, Cx};
use super::{EXIT_INVALID, EXIT_OK};
use authcert_core::authority::{self, Reason, Revoking};
use authcert_core::ids::Fingerprint;
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

/// What `revoke` takes.
const SPEC: Spec = Spec {
    command: "revoke",
    valued: &[("--reason", A_VALUE), ("--serial", A_VALUE)],
    flags: &[],
    positional: &["NICKNAME"],
};

pub fn run(args: &[String], cx: Cx<'_>) -> i32 {
    let (o, clock, store, _, stderr) = match cx.parse(args, &SPEC, help) {
        Ok(parts) => parts,
        Err(code) => return code,
    };
    let reason = match Reason::parse(o.value("--reason").unwrap_or("")) {
        Ok(r) => r,
        Err(e) => return invalid(stderr, &format!("--reason: {}", e.message)),
    };
    let what = match (o.positional(0), o.value("--serial")) {
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
                "Revoked {} (serial {}). {}",
                r.name(),
                r.serial,
                authority::export_after_revoking(authority::Exporting::CommandLine)
            );
            EXIT_OK
        }
        Err(e) => fail(stderr, &e),
    }
}

/// The fingerprint of the listed certificate called `nickname`, or the exit
/// code and message.
fn listed(store: &Store, nickname: &str) -> Result<Fingerprint, (i32, String)> {
    match authcert_core::listed::by_nickname(store, nickname) {
        Err(e) => Err((super::EXIT_FAILURE, e.to_string())),
        Ok(Some(r)) => Ok(r.described.sha256_fingerprint),
        Ok(None) => Err((
            EXIT_INVALID,
            format!(
                "NICKNAME: no certificate named “{}” is in the list (`authcert list` shows them; --serial HEX revokes one that is not).",
                nickname.chars().take(64).collect::<String>()
            ),
        )),
    }
}
