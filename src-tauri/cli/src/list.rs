//! `authcert list`: the certificates saved on this computer, soonest expiry
//! first, as a table or as JSON; `--expiring-within DAYS` for scheduled checks.

use std::io::Write;

use authcert_core::engine::Clock;
use serde::Serialize;

use super::{EXIT_DUE, EXIT_FAILURE, EXIT_INVALID, EXIT_OK};
use authcert_core::authority;
use authcert_core::engine::Choice;
use authcert_core::overview::{authority_reminder, local_day, local_time};
use authcert_core::store::{Record, Status, Store, MAX_REMINDER_DAYS};
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

#[derive(Debug, Default)]
struct ListArgs {
    json: bool,
    dismiss: bool,
    within: Option<u32>,
    help: bool,
}

fn parse_args(args: &[String]) -> Result<ListArgs, String> {
    let mut parsed = ListArgs::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        match (name, inline) {
            ("--help" | "-h", None) => parsed.help = true,
            ("--json", None) => parsed.json = true,
            ("--dismiss-notice", None) => parsed.dismiss = true,
            ("--expiring-within", inline) => {
                if parsed.within.is_some() {
                    return Err("--expiring-within is given twice; give it once.".into());
                }
                let value = match inline {
                    Some(v) => v,
                    None => it.next().cloned().ok_or(
                        "--expiring-within needs a number of days; see `authcert list --help`.",
                    )?,
                };
                let days = value
                    .trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|d| *d <= MAX_REMINDER_DAYS)
                    .ok_or_else(|| {
                        format!(
                            "--expiring-within: give a whole number of days from 0 to {MAX_REMINDER_DAYS}, not “{}”.",
                            value.chars().take(20).collect::<String>()
                        )
                    })?;
                parsed.within = Some(days);
            }
            _ => {
                return Err(format!(
                    "“{}” is not an option of list; see `authcert list --help`.",
                    arg.chars().take(40).collect::<String>()
                ))
            }
        }
    }
    Ok(parsed)
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

pub fn run(
    args: &[String],
    clock: &Clock,
    store: &Store,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> i32 {
    let parsed = match parse_args(args) {
        Ok(p) => p,
        Err(msg) => {
            let _ = writeln!(stderr, "authcert: {msg}");
            return EXIT_INVALID;
        }
    };
    if parsed.help {
        let _ = write!(stderr, "{}", help());
        return EXIT_OK;
    }
    if parsed.dismiss {
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
    let loaded = match store.load() {
        Ok(l) => l,
        Err(e) => {
            let _ = writeln!(stderr, "authcert: {e}");
            return EXIT_FAILURE;
        }
    };
    if let Some(notice) = loaded.notice() {
        let _ = writeln!(
            stderr,
            "authcert: warning: {notice} (`authcert list --dismiss-notice` stops this message.)"
        );
    }
    // With --expiring-within, "due" means within that many days.
    let window = parsed
        .within
        .unwrap_or_else(|| store.settings().reminder_days);
    let authority = authority::load(store).unwrap_or_else(|e| {
        let _ = writeln!(stderr, "authcert: warning: {e}");
        None
    });
    let revoked = |r: &Record| {
        authority
            .as_ref()
            .and_then(|a| a.revocation_of(r))
            .map(|v| format!("revoked on {}", local_day(v.at, &clock.zone)))
    };
    // A revoked certificate is done with: never due.
    let rows: Vec<(&Record, Status)> = loaded
        .records
        .iter()
        .map(|r| (r, r.status(clock.now, &clock.zone, window)))
        .filter(|(r, s)| parsed.within.is_none() || (s.is_due() && revoked(r).is_none()))
        .collect();
    let authority_due = authority
        .as_ref()
        .and_then(|a| authority_reminder(a, window, clock));
    if let Some(text) = &authority_due {
        let _ = writeln!(stderr, "authcert: {text}");
    }

    let written = if parsed.json {
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
    if rows.is_empty() && !parsed.json {
        let _ = writeln!(
            stderr,
            "{}",
            match parsed.within {
                Some(d) => format!("No certificate expires within {d} days."),
                None => format!(
                    "No certificates yet. Make one with `authcert generate` or in the AuthCert window. (List: {})",
                    store.list_path().display()
                ),
            }
        );
    }
    match parsed.within {
        Some(_) if !rows.is_empty() || authority_due.is_some() => EXIT_DUE,
        _ => EXIT_OK,
    }
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
                shown(&r.nickname).into_owned(),
                local_time(r.not_after, zone),
                revoked(r).unwrap_or_else(|| s.text()),
                r.key_type.label().to_string(),
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
