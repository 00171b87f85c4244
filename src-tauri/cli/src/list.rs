//! `authcert list`: the certificates saved on this computer, soonest expiry
//! first, as a table or as JSON; `--expiring-within DAYS` for scheduled checks.

use std::io::Write;

use serde::Serialize;

use super::options::Spec;
use super::{invalid, Cx};
use super::{EXIT_DUE, EXIT_FAILURE, EXIT_OK};
use authcert_core::engine::Choice;
use authcert_core::overview::{self, authority_reminder, local_day, local_time};
use authcert_core::store::{Record, Status, MAX_REMINDER_DAYS};
use authcert_core::text::shown;

pub fn help() -> String {
    format!(
        "List the certificates saved on this computer (by the window or by
`authcert generate`), soonest expiry first.

Usage:
  authcert list [--json] [--expiring-within DAYS]
  authcert list --dismiss-notice

Options:
  --json                   print JSON (one array of objects) instead of a table
  --expiring-within DAYS   show only certificates that expire within DAYS days
                           (0 to {MAX_REMINDER_DAYS}) or have expired, and exit with status 3
                           if there is any: for a scheduled check
  --dismiss-notice         stop saying that the list was found damaged (said
                           on every run until then; the copy kept aside stays)

Exit status: 0 done (and nothing expiring, with --expiring-within),
3 some certificate expires within DAYS or has expired (or the issuing
authority, or its revocation list, needs attention within DAYS: said on
standard error), 2 invalid input, 1 the list could not be read.

Example (cron, daily): authcert list --expiring-within 30 || mail -s \"Certificates to replace\" admin@example.com
"
    )
}

/// What `list` takes.
const SPEC: Spec = Spec {
    command: "list",
    valued: &[("--expiring-within", "a number of days")],
    flags: &["--json", "--dismiss-notice"],
    positional: &[],
};

/// `--expiring-within DAYS`.
fn days_of(value: &str) -> Result<u32, String> {
    value
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|d| *d <= MAX_REMINDER_DAYS)
        .ok_or_else(|| {
            format!(
                "--expiring-within: give a whole number of days from 0 to {MAX_REMINDER_DAYS}, not “{}”.",
                value.chars().take(20).collect::<String>()
            )
        })
}

/// One certificate as `--json` prints it: every public fact and its status.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonRow<'a> {
    #[serde(flatten)]
    record: &'a Record,
    in_keychain: bool,
    status: Status,
    status_text: String,
    revoked: bool,
}

pub fn run(args: &[String], cx: Cx<'_>) -> i32 {
    let (o, clock, store, stdout, stderr) = match cx.parse(args, &SPEC, help) {
        Ok(parts) => parts,
        Err(code) => return code,
    };
    let within = match o.value("--expiring-within").map(days_of).transpose() {
        Ok(w) => w,
        Err(msg) => return invalid(stderr, &msg),
    };
    if o.flag("--dismiss-notice") {
        return match store.dismiss_notices() {
            Ok(()) => {
                let _ = writeln!(stderr, "The notice about the damaged list is dismissed; the copy kept aside stays where it is.");
                EXIT_OK
            }
            Err(e) => {
                let _ = writeln!(stderr, "authcert: {e}");
                EXIT_FAILURE
            }
        };
    }
    let listing = match overview::listing(store) {
        Ok(l) => l,
        Err(e) => {
            let _ = writeln!(stderr, "authcert: {e}");
            return EXIT_FAILURE;
        }
    };
    if let Some(notice) = &listing.notice {
        let _ = writeln!(
            stderr,
            "authcert: warning: {notice} (`authcert list --dismiss-notice` stops this message.)"
        );
    }
    if let Some(problem) = &listing.authority_problem {
        let _ = writeln!(stderr, "authcert: warning: {problem}");
    }
    // With --expiring-within, "due" means within that many days.
    let window = within.unwrap_or(listing.reminder_days);
    let authority = listing.authority;
    let revoked = |r: &Record| {
        authority
            .as_ref()
            .and_then(|a| a.revocation_of(r))
            .map(|v| format!("revoked on {}", local_day(v.at, &clock.zone)))
    };
    // A revoked certificate is done with: never due.
    let rows: Vec<(&Record, Status)> = listing
        .records
        .iter()
        .map(|r| (r, r.status(clock.now, &clock.zone, window)))
        .filter(|(r, s)| within.is_none() || (s.is_due() && revoked(r).is_none()))
        .collect();
    let authority_due = authority
        .as_ref()
        .and_then(|a| authority_reminder(a, window, clock));
    if let Some(text) = &authority_due {
        let _ = writeln!(stderr, "authcert: {text}");
    }

    let written = if o.flag("--json") {
        let json: Vec<JsonRow> = rows
            .iter()
            .map(|(record, status)| JsonRow {
                record,
                in_keychain: record.in_keychain(),
                status: *status,
                status_text: revoked(record).unwrap_or_else(|| status.text()),
                revoked: revoked(record).is_some(),
            })
            .collect();
        serde_json::to_string_pretty(&json)
            .map(|j| authcert_core::text::json_safe(&j).into_owned())
            .map_err(std::io::Error::other)
            .and_then(|text| writeln!(stdout, "{text}"))
    } else {
        write_table(stdout, &rows, &clock.zone, &revoked)
    };
    if let Err(e) = written {
        let _ = writeln!(stderr, "authcert: the list could not be printed: {e}");
        return EXIT_FAILURE;
    }
    if !o.flag("--json") && within.is_none() {
        if let Err(e) = write_waiting(stdout, &listing.waiting, clock) {
            let _ = writeln!(stderr, "authcert: the list could not be printed: {e}");
            return EXIT_FAILURE;
        }
    }
    // --json stays one array of certificates (what scripts read); the
    // requests are said beside it.
    if o.flag("--json") && !listing.waiting.is_empty() {
        let _ = writeln!(
            stderr,
            "authcert: {} request(s) wait for a CA's answer, not in this JSON; `authcert list` shows them.",
            listing.waiting.len()
        );
    }
    if let Some(problem) = &listing.waiting_problem {
        let _ = writeln!(stderr, "authcert: warning: {problem}");
    }
    for w in listing.waiting.iter().filter(|w| w.overdue(clock)) {
        let _ = writeln!(
            stderr,
            "authcert: “{}”: {}.",
            authcert_core::text::shown(&w.nickname),
            w.status_text(clock)
        );
    }
    if rows.is_empty() && listing.waiting.is_empty() && !o.flag("--json") {
        let _ = writeln!(
            stderr,
            "{}",
            match within {
                Some(d) => format!("No certificate expires within {d} days."),
                None => format!(
                    "No certificates yet. Make one with `authcert generate` or in the AuthCert window. (List: {})",
                    listing.list_path
                ),
            }
        );
    }
    match within {
        Some(_) if !rows.is_empty() || authority_due.is_some() => EXIT_DUE,
        _ => EXIT_OK,
    }
}

/// The requests waiting for a CA's answer, after the certificates.
fn write_waiting(
    out: &mut dyn Write,
    waiting: &[authcert_core::requested::Waiting],
    clock: &authcert_core::clock::Clock,
) -> std::io::Result<()> {
    if waiting.is_empty() {
        return Ok(());
    }
    writeln!(out, "\nREQUESTS WAITING FOR A CA'S ANSWER")?;
    for w in waiting {
        // requests.json may have been edited: its text is escaped.
        let name = authcert_core::text::shown(&w.nickname);
        writeln!(
            out,
            "{name}  {}  {}\n  complete: authcert complete \"{name}\" ANSWER_FILE --out FILE.p12",
            w.key_type.label(),
            w.status_text(clock)
        )?;
    }
    Ok(())
}

/// The table; expiry in `zone`, the zone the statuses count days in.
fn write_table(
    out: &mut dyn Write,
    rows: &[(&Record, Status)],
    zone: &jiff::tz::TimeZone,
    revoked: &dyn Fn(&Record) -> Option<String>,
) -> std::io::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let header = ["NICKNAME", "EXPIRES", "STATUS", "KEY", "KEYCHAIN", "FILE"];
    let cells: Vec<[String; 6]> = rows
        .iter()
        .map(|(r, s)| {
            // The list on disk may have been edited: its text is escaped.
            [
                shown(&r.described.nickname).into_owned(),
                local_time(r.described.not_after, zone),
                revoked(r).unwrap_or_else(|| s.text()),
                r.described.key_type.label().to_string(),
                if r.in_keychain() { "yes" } else { "no" }.to_string(),
                shown(&r.file).into_owned(),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cols: Vec<&str>| {
        let mut text = String::new();
        for (i, (c, w)) in cols.iter().zip(widths).enumerate() {
            if i + 1 == cols.len() {
                text.push_str(c);
            } else {
                text.push_str(&format!("{c:<w$}  "));
            }
        }
        text
    };
    writeln!(out, "{}", line(header.to_vec()))?;
    for row in &cells {
        writeln!(out, "{}", line(row.iter().map(String::as_str).collect()))?;
    }
    Ok(())
}
