//! `authcert integration …`: where each certificate is used — the APIs it
//! calls, each with a name, an address and a note — added, listed and
//! removed. `authcert check` tests them.

use std::io::Write;

use serde::Serialize;

use super::options::{Spec, A_VALUE};
use super::{invalid, Cx};
use super::{EXIT_FAILURE, EXIT_INVALID, EXIT_OK};
use authcert_core::clock::local_time;
use authcert_core::connect::source::find_by_nickname;
use authcert_core::integrations::{self, IntegrationError, NewIntegration};
use authcert_core::store::{Integration, LastTest};
use authcert_core::text::shown;

pub fn help() -> String {
    format!(
        "Where each certificate is used: the APIs it calls (\"integrations\"), each
with a name, its https:// address and a note on where it is configured.
`authcert check` tests them all; a test at an integration's address
(`authcert test URL --nickname NAME`) becomes its last result too.

Usage:
  authcert integration add NICKNAME --name NAME --url URL [--note TEXT]
                          [--trust-server SHA256]
  authcert integration list [NICKNAME] [--json]
  authcert integration remove NICKNAME NAME

add: --name, one line of 1 to {name} characters, free among the
certificate's integrations (case does not count); --url, the address your
API client calls, starting with https://; --note, where the certificate is
configured (\"app server 3, /etc/billing/client.p12\"), at most {note}
characters; --trust-server, the SHA-256 fingerprint of a server certificate
to trust at this address although this computer does not (as for
`authcert test`), kept with the integration. A certificate keeps at most
{max} integrations.
list: every certificate's integrations (or one's), with each one's last
result; --json prints one array of objects.

Exit status: 0 done, 2 invalid input (the message names the option and the
rule), 1 any other failure.
",
        name = integrations::entry::MAX_NAME_CHARS,
        note = integrations::entry::MAX_NOTE_CHARS,
        max = integrations::MAX_PER_CERTIFICATE,
    )
}

pub fn run(args: &[String], cx: Cx<'_>) -> i32 {
    let Some((sub, rest)) = args.split_first() else {
        return invalid(
            cx.stderr,
            "integration: say add, list or remove; see `authcert integration --help`.",
        );
    };
    type Takes = (
        &'static [(&'static str, &'static str)],
        &'static [&'static str],
        &'static [&'static str],
    );
    let (valued, flags, positional): Takes = match sub.as_str() {
        "add" => (
            &[
                ("--name", A_VALUE),
                ("--url", A_VALUE),
                ("--note", A_VALUE),
                ("--trust-server", A_VALUE),
            ],
            &[],
            &["NICKNAME"],
        ),
        "list" => (&[], &["--json"], &["NICKNAME"]),
        "remove" => (&[], &[], &["NICKNAME", "NAME"]),
        "help" | "--help" | "-h" => {
            let _ = write!(cx.stderr, "{}", help());
            return EXIT_OK;
        }
        other => {
            return invalid(
                cx.stderr,
                &format!(
                    "“{}” is not an integration command; choose add, list or remove.",
                    shown(&other.chars().take(40).collect::<String>())
                ),
            )
        }
    };
    let spec = Spec {
        command: "integration",
        valued,
        flags,
        positional,
    };
    let (o, clock, store, stdout, stderr) = match cx.parse(rest, &spec, help) {
        Ok(parts) => parts,
        Err(code) => return code,
    };
    // What was typed is parsed before the list is read.
    let new = match sub.as_str() {
        "add" => {
            let (Ok(name), Ok(url)) = (o.required("--name", &spec), o.required("--url", &spec))
            else {
                return invalid(
                    stderr,
                    "--name NAME and --url URL: name the integration and give the address your API client calls.",
                );
            };
            let parsed = NewIntegration::parse(name, url, o.value("--note").unwrap_or(""))
                .and_then(|n| match o.value("--trust-server") {
                    Some(sha256) => n.trusting(sha256),
                    None => Ok(n),
                });
            match parsed {
                Ok(n) => Some(n),
                Err(e) => return fail(stderr, &e),
            }
        }
        _ => None,
    };
    let record = match o.positional(0) {
        None if sub == "list" => None,
        None => {
            return invalid(
                stderr,
                "NICKNAME: say which certificate, for example `authcert integration add \"Billing API\" --name …`.",
            )
        }
        Some(nickname) => match find_by_nickname(store, nickname) {
            Ok(r) => Some(r),
            Err(e) => return fail(stderr, &IntegrationError::Certificate(e)),
        },
    };
    match (new, record) {
        (Some(new), Some(record)) => {
            let said = format!(
                "Added “{}” ({}) to “{}”. Test it now: authcert check \"{}\"",
                new.name.as_str(),
                new.url,
                shown(&record.described.nickname),
                shown(&record.described.nickname),
            );
            match integrations::add(store, &record.described.sha256_fingerprint, new) {
                Ok(_) => {
                    let _ = writeln!(stderr, "{said}");
                    EXIT_OK
                }
                Err(e) => fail(stderr, &e),
            }
        }
        (None, Some(record)) if sub == "remove" => {
            let Some(name) = o.positional(1) else {
                return invalid(
                    stderr,
                    "NAME: say which integration to remove; `authcert integration list NICKNAME` shows them.",
                );
            };
            match integrations::remove(store, &record.described.sha256_fingerprint, name) {
                Ok(_) => {
                    let _ = writeln!(
                        stderr,
                        "Removed “{}” from “{}”.",
                        shown(name.trim()),
                        shown(&record.described.nickname)
                    );
                    EXIT_OK
                }
                Err(e) => fail(stderr, &e),
            }
        }
        (_, only) => {
            // `list`, of one certificate or of all.
            let records = match only {
                Some(r) => vec![r],
                None => match store.load() {
                    Ok(l) => l.records,
                    Err(e) => return fail(stderr, &e.into()),
                },
            };
            let rows: Vec<Row> = records
                .iter()
                .flat_map(|r| {
                    r.integrations.iter().map(|i| Row {
                        certificate: &r.described.nickname,
                        integration: i,
                    })
                })
                .collect();
            if o.flag("--json") {
                return print_json(stdout, stderr, &rows);
            }
            if rows.is_empty() {
                let _ = writeln!(
                    stderr,
                    "No integrations yet. Add one: authcert integration add NICKNAME --name NAME --url URL"
                );
                return EXIT_OK;
            }
            let mut last = "";
            for row in &rows {
                if row.certificate != last {
                    let _ = writeln!(stdout, "{}", shown(row.certificate));
                    last = row.certificate;
                }
                let i = row.integration;
                let _ = writeln!(
                    stdout,
                    "  {}  {}  {}{}",
                    shown(&i.name),
                    shown(&i.url),
                    result(i.last_test.as_ref(), &clock.zone),
                    if i.note.is_empty() {
                        String::new()
                    } else {
                        format!("  ({})", shown(&i.note))
                    }
                );
                if let Some(trust) = i.trust_text() {
                    let _ = writeln!(stdout, "    {trust}");
                }
            }
            EXIT_OK
        }
    }
}

/// One integration with its certificate's nickname, as `--json` prints it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Row<'a> {
    certificate: &'a str,
    #[serde(flatten)]
    integration: &'a Integration,
}

/// An integration's last result, in words.
fn result(last: Option<&LastTest>, zone: &jiff::tz::TimeZone) -> String {
    match last {
        Some(t) => format!("{} {}", t.verdict.label(), local_time(t.at, zone)),
        None => "not tested yet".into(),
    }
}

fn print_json(stdout: &mut dyn Write, stderr: &mut dyn Write, rows: &[Row<'_>]) -> i32 {
    match serde_json::to_string_pretty(rows) {
        Ok(text) => {
            let _ = writeln!(stdout, "{}", authcert_core::text::json_safe(&text));
            EXIT_OK
        }
        Err(e) => {
            let _ = writeln!(stderr, "authcert: {e}");
            EXIT_FAILURE
        }
    }
}

/// Says why; input the admin can fix is 2, the rest 1.
pub fn fail(stderr: &mut dyn Write, e: &IntegrationError) -> i32 {
    let option = match e.field() {
        Some("name") => "--name: ",
        Some("url") => "--url: ",
        Some("note") => "--note: ",
        Some("trustServer") => "--trust-server: ",
        _ => "",
    };
    let _ = writeln!(stderr, "authcert: {option}{e}");
    use authcert_core::connect::ConnectError;
    match e {
        IntegrationError::Store(_)
        | IntegrationError::Certificate(ConnectError::Internal(_) | ConnectError::Listed(_)) => {
            EXIT_FAILURE
        }
        _ => EXIT_INVALID,
    }
}
