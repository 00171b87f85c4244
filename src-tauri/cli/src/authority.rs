//! `authcert authority …`: the issuing authority on this computer.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::options::{Options, Spec, A_VALUE};
use super::{invalid, Cx};
use super::{password_from_stdin, EXIT_FAILURE, EXIT_INVALID, EXIT_OK};
use authcert_core::authority::{self, Authority, AuthorityError};
use authcert_core::engine::Clock;
use authcert_core::keychain::{self, Keychains};
use authcert_core::overview::local_day;
use authcert_core::store::Store;

pub fn help() -> String {
    format!(
        "An issuing authority on this computer, for client certificates: the server
trusts the authority once, and every certificate it signs (and every
replacement) is accepted with no change on the server. Its private key is
kept only in this computer's keychain ({keychain}), never in a file.

Usage:
  authcert authority create --name NAME [--end-date YYYY-MM-DD]
  authcert authority show
  authcert authority export --out FILE.pem     the certificate for your server
  authcert authority crl --out FILE.pem        the revocation list for your server
  authcert authority backup --out FILE.p12     password on standard output, once
  authcert authority restore FILE.p12 [--password-stdin]
  authcert authority remove --yes [--forget-revocations]
  authcert generate … --signed-by-authority    a certificate it signs
  authcert revoke NICKNAME [--reason REASON]   it no longer vouches for one
  authcert revoke --serial HEX [--reason …]    one it signed, listed or not

create: --name, the authority's name (the rules of a nickname); --end-date,
its last day (default {years} years from today, at most {max}).
crl: the list is valid {crl_days} days; after its next update nginx and Apache
refuse every client certificate, so export it again before then (AuthCert
reminds you, like a certificate's expiry).
backup: the .p12 carries the key and every revocation; restore brings
them back, and a later revocation list still names every revoked one.
remove: deletes its key from the keychain; certificates it signed keep
working until they expire, but none can be signed, replaced or revoked.
Its revocations stay on this computer, so restoring it later brings them
back, unless --forget-revocations is given (a backup keeps its own).

Exit status: 0 done, 2 invalid input (the message names the option and the
rule), 1 any other failure.
",
        keychain = keychain::system_name(),
        years = authority::DEFAULT_YEARS,
        max = authority::MAX_YEARS,
        crl_days = authority::CRL_DAYS,
    )
}

/// How an authority error ends the command: input the admin can fix is 2.
fn code_of(e: &AuthorityError) -> i32 {
    match e {
        AuthorityError::Invalid(_)
        | AuthorityError::None
        | AuthorityError::Exists(_)
        | AuthorityError::NotSignedHere(_)
        | AuthorityError::AlreadyRevoked(..)
        | AuthorityError::Expired { .. }
        | AuthorityError::NotABackup(_)
        | AuthorityError::WrongPassword
        | AuthorityError::Save(_) => EXIT_INVALID,
        _ => EXIT_FAILURE,
    }
}

pub fn fail(stderr: &mut dyn Write, e: &AuthorityError) -> i32 {
    let text = match e {
        AuthorityError::Invalid(errors) => errors
            .iter()
            .map(|f| {
                format!(
                    "{} ({}): {}",
                    f.field.cli_option(),
                    f.field.label(),
                    f.message
                )
            })
            .collect::<Vec<_>>()
            .join("\nauthcert: "),
        other => other.to_string(),
    };
    let _ = writeln!(stderr, "authcert: {text}");
    code_of(e)
}

/// The authority's facts, for people.
pub fn describe(a: &Authority, clock: &Clock) -> String {
    let crl = match &a.last_crl {
        Some(c) => format!(
            "last exported {} ({}), valid until {}{}",
            local_day(c.this_update, &clock.zone),
            c.file,
            local_day(c.next_update, &clock.zone),
            if a.crl_out_of_date() {
                "; a later revocation is not in it: export it again"
            } else {
                ""
            }
        ),
        None => "never exported".into(),
    };
    format!(
        "Authority:       {}\nValid until:     {}\nSHA-256:         {}\nKey:             RSA 3072, in the {} (service \"{}\", account \"{}\")\nRevoked:         {}\nRevocation list: {}",
        a.name,
        local_day(a.not_after, &clock.zone),
        a.sha256_fingerprint,
        keychain::system_name(),
        keychain::SERVICE,
        a.keychain_account,
        a.revoked.len(),
        crl
    )
}

pub fn run(args: &[String], cx: Cx<'_>) -> i32 {
    let (sub, rest) = match args.split_first() {
        Some((s, rest)) => (s.as_str(), rest),
        None => ("show", args),
    };
    type Takes = (
        &'static [(&'static str, &'static str)],
        &'static [&'static str],
        &'static [&'static str],
    );
    let (valued, flags, positional): Takes = match sub {
        "create" => (&[("--name", A_VALUE), ("--end-date", A_VALUE)], &[], &[]),
        "show" => (&[], &[], &[]),
        "export" | "crl" | "backup" => (&[("--out", A_VALUE)], &[], &[]),
        "restore" => (&[], &["--password-stdin"], &["backup FILE.p12"]),
        "remove" => (&[], &["--yes", "--forget-revocations"], &[]),
        "help" | "--help" | "-h" => {
            let _ = write!(cx.stderr, "{}", help());
            return EXIT_OK;
        }
        other => {
            return invalid(
                cx.stderr,
                &format!(
                    "“{}” is not an authority command; choose create, show, export, crl, backup, restore or remove.",
                    other.chars().take(40).collect::<String>()
                ),
            )
        }
    };
    let spec = Spec {
        command: "authority",
        valued,
        flags,
        positional,
    };
    let (o, clock, store, stdout, stderr) = match cx.parse(rest, &spec, help) {
        Ok(parts) => parts,
        Err(code) => return code,
    };
    let keychains = Keychains::System;
    // --out is checked before anything else (no key is read for nothing).
    let out = |o: &Options| {
        let path = o.required("--out", &spec).map(PathBuf::from)?;
        authority::check_target(&path).map_err(|e| format!("--out: {e}"))?;
        Ok::<PathBuf, String>(path)
    };
    let result: Result<i32, AuthorityError> = match sub {
        "create" => {
            let name = match o.required("--name", &spec) {
                Ok(n) => n,
                Err(m) => return invalid(stderr, &m),
            };
            authority::create(store, &keychains, name, o.value("--end-date"), clock).map(|a| {
                let _ = writeln!(
                    stderr,
                    "Created the issuing authority.\n{}\nNext: `authcert authority export --out FILE.pem` and give that file to your server (see `authcert authority help`); `authcert authority backup` keeps a copy for another computer.",
                    describe(&a, clock)
                );
                EXIT_OK
            })
        }
        "show" => authority::load(store).and_then(|found| match found {
            Some(a) => {
                let _ = writeln!(stdout, "{}", describe(&a, clock));
                Ok(EXIT_OK)
            }
            None => Err(AuthorityError::None),
        }),
        "export" => match out(&o) {
            Err(m) => return invalid(stderr, &m),
            Ok(path) => authority::export_certificate(store, &path).map(|a| {
                let _ = writeln!(
                    stderr,
                    "{}\n{}",
                    authority::exported_text(&a, &path),
                    settings_text(&path, None)
                );
                EXIT_OK
            }),
        },
        "crl" => match out(&o) {
            Err(m) => return invalid(stderr, &m),
            Ok(path) => authority::export_crl(store, &keychains, clock, &path).map(|c| {
                let _ = writeln!(stderr, "{}", c.saved_text(&clock.zone));
                EXIT_OK
            }),
        },
        "backup" => match out(&o) {
            Err(m) => return invalid(stderr, &m),
            Ok(path) => return backup(store, &keychains, &path, stdout, stderr),
        },
        "restore" => {
            let Some(file) = o.positional(0) else {
                return invalid(
                    stderr,
                    "restore needs the backup FILE.p12; see `authcert help authority`.",
                );
            };
            return restore(
                store,
                &keychains,
                clock,
                Path::new(file),
                o.flag("--password-stdin"),
                stderr,
            );
        }
        "remove" => {
            if !o.flag("--yes") {
                return invalid(stderr, "remove deletes the authority's key for good: no certificate can be signed, replaced or revoked by it afterwards, and a new authority must be given to every server. Make a backup first if you may need it (`authcert authority backup --out FILE.p12`), then add --yes to confirm.");
            }
            let on_remove = if o.flag("--forget-revocations") {
                authority::OnRemove::ForgetRevocations
            } else {
                authority::OnRemove::KeepRevocations
            };
            authority::remove(store, &keychains, on_remove).map(|a| {
                let kept = match (on_remove, a.revoked.len()) {
                    (_, 0) => String::new(),
                    (authority::OnRemove::KeepRevocations, n) => format!(" Its {n} revocation(s) stay on this computer: restoring it brings them back."),
                    (authority::OnRemove::ForgetRevocations, n) => format!(" Its {n} revocation(s) were forgotten, as asked; a backup still carries those it was made with."),
                };
                let _ = writeln!(
                    stderr,
                    "Removed the issuing authority “{}” and its key. Certificates it signed keep working until they expire; servers still trust it until you remove it from their settings.{kept}",
                    a.name
                );
                EXIT_OK
            })
        }
        _ => unreachable!("sub-commands are matched above"),
    };
    result.unwrap_or_else(|e| fail(stderr, &e))
}

/// The server settings for an exported certificate (and list).
fn settings_text(cert: &Path, crl: Option<&Path>) -> String {
    let cert = cert.display().to_string();
    let crl = crl.map_or("/path/to/revocation-list.pem".to_string(), |p| {
        p.display().to_string()
    });
    authority::server::settings(&cert, &crl)
        .into_iter()
        .map(|s| {
            let text = s
                .text
                .lines()
                .map(|l| format!("    {l}"))
                .collect::<Vec<_>>();
            format!("  {} — {}\n{}", s.server, s.note, text.join("\n"))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn backup(
    store: &Store,
    keychains: &Keychains,
    path: &Path,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> i32 {
    let made = authority::backup(store, keychains)
        .and_then(|b| authority::save_backup(&b, path).map(|shown| (b, shown)));
    let (b, shown) = match made {
        Ok(m) => m,
        Err(e) => return fail(stderr, &e),
    };
    let printed = writeln!(stdout, "{}", b.password.expose()).and_then(|_| stdout.flush());
    if let Err(e) = printed {
        let _ = std::fs::remove_file(&shown);
        let _ = writeln!(
            stderr,
            "authcert: the password could not be written to standard output ({}); the backup has been removed. Run the command again with its output going to your terminal.",
            e.kind()
        );
        return EXIT_FAILURE;
    }
    let _ = writeln!(
        stderr,
        "Saved a backup of “{}” at {}. The password above opens it and is shown only once: keep both apart, somewhere safe. Restore it on another computer with `authcert authority restore FILE.p12 --password-stdin`.",
        b.name,
        shown.display()
    );
    EXIT_OK
}

fn restore(
    store: &Store,
    keychains: &Keychains,
    clock: &Clock,
    file: &Path,
    password_stdin: bool,
    stderr: &mut dyn Write,
) -> i32 {
    let bytes = match authcert_core::import::read::file_bytes(file) {
        Ok(b) => b,
        Err(e) => return invalid(stderr, &e.to_string()),
    };
    let password = if password_stdin {
        match password_from_stdin() {
            Ok(p) => p,
            Err(m) => return invalid(stderr, &m),
        }
    } else {
        zeroize::Zeroizing::new(String::new())
    };
    match authority::restore(store, keychains, &bytes, &password, file, clock) {
        Err(AuthorityError::WrongPassword) if !password_stdin => invalid(
            stderr,
            "This backup has a password: give it on standard input with --password-stdin.",
        ),
        Err(e @ AuthorityError::NotABackup(_)) => invalid(stderr, &format!("FILE: {e}")),
        Ok(a) => {
            let _ = writeln!(
                stderr,
                "Restored the issuing authority.\n{}\n{}",
                describe(&a, clock),
                authority::restored_text(&a)
            );
            EXIT_OK
        }
        Err(e) => fail(stderr, &e),
    }
}
