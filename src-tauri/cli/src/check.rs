//! `authcert check [NICKNAME]`: every integration tested at once (each
//! certificate's file opened once), each verdict remembered, and one exit
//! status for the scheduler that runs it.

use serde::Serialize;

use super::options::{Spec, A_VALUE};
use super::EXIT_FAILURE;
use super::{invalid, Cx};
use authcert_core::connect::{self, Timeout};
use authcert_core::integrations::{self, Chosen, Outcome, EXIT_NOT_TESTED};
use authcert_core::keychain::Keychains;
use authcert_core::tested::Kind;
use authcert_core::text::shown;

pub fn help() -> String {
    format!(
        "Check every integration (`authcert integration`): each one's API is sent one
real HTTPS request (GET, no body) presenting its certificate, as
`authcert test` does, all at once ({concurrency} at a time). Each certificate's
password comes from the keychain; each result is remembered and shown in
the window. Made to run on a schedule (see the README: cron, a systemd
timer, Windows Task Scheduler, launchd).

Usage:
  authcert check [NICKNAME] [--json] [--timeout SECONDS]

  NICKNAME             only this certificate's integrations
  --json               print one JSON object: checked, accepted, and each
                       outcome (certificate, integration, url, verdict with
                       its message, or why it was not tested)
  --timeout SECONDS    time limit for each request (1 to {max}; default {default})

Exit status: 0 every integration accepted its certificate; otherwise the
first that applies: {not_tested} an integration could not be tested (its certificate's
password is not in the keychain, or its file was moved or replaced);
4 refused; 9 asked for later (the server seems to ask for the certificate
only after connecting); 5 not requested; 6 server not trusted;
7 unreachable;
2 invalid input, or no integrations to check; 1 any other failure.
",
        concurrency = integrations::check::CONCURRENCY,
        max = connect::target::MAX_TIMEOUT_SECONDS,
        default = connect::target::DEFAULT_TIMEOUT_SECONDS,
        not_tested = EXIT_NOT_TESTED,
    )
}

const SPEC: Spec = Spec {
    command: "check",
    valued: &[("--timeout", A_VALUE)],
    flags: &["--json"],
    positional: &["NICKNAME"],
};

/// What `--json` prints.
#[derive(Serialize)]
struct Report<'a> {
    checked: usize,
    accepted: usize,
    outcomes: &'a [Outcome],
}

pub fn run(args: &[String], cx: Cx<'_>) -> i32 {
    let (o, clock, store, stdout, stderr) = match cx.parse(args, &SPEC, help) {
        Ok(parts) => parts,
        Err(code) => return code,
    };
    let timeout = match o.value("--timeout").map(Timeout::parse).transpose() {
        Ok(t) => t.unwrap_or_default(),
        Err(e) => return invalid(stderr, &format!("--timeout: {e}")),
    };
    let checked = connect::block_on(async {
        Ok(integrations::check(
            store.clone(),
            Keychains::System,
            o.positional(0)
                .map_or(Chosen::All, |n| Chosen::Nickname(n.to_string())),
            timeout,
            clock,
            |_| {},
        )
        .await)
    });
    let checked = match checked {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => return super::integration::fail(stderr, &e),
        Err(e) => {
            let _ = writeln!(stderr, "authcert: {e}");
            return EXIT_FAILURE;
        }
    };
    if let Some(e) = &checked.not_remembered {
        let _ = writeln!(
            stderr,
            "authcert: the results were not remembered in the list: {e}"
        );
    }
    let accepted = checked
        .outcomes
        .iter()
        .filter(|o| {
            o.verdict
                .as_ref()
                .is_some_and(|v| v.verdict == Kind::Accepted)
        })
        .count();
    let total = checked.outcomes.len();
    if o.flag("--json") {
        let report = Report {
            checked: total,
            accepted,
            outcomes: &checked.outcomes,
        };
        match serde_json::to_string_pretty(&report) {
            Ok(text) => {
                let _ = writeln!(stdout, "{}", authcert_core::text::json_safe(&text));
            }
            Err(e) => {
                let _ = writeln!(stderr, "authcert: {e}");
                return EXIT_FAILURE;
            }
        }
    } else {
        for outcome in &checked.outcomes {
            let said = match (&outcome.verdict, &outcome.not_tested) {
                (Some(v), _) => format!("{}\n  {}", v.headline, v.message),
                (None, why) => format!(
                    "Not tested\n  {}",
                    why.as_deref().unwrap_or("it could not be tested")
                ),
            };
            let _ = writeln!(
                stdout,
                "{} — {} ({})\n  {}\n",
                shown(&outcome.certificate),
                shown(&outcome.integration),
                shown(&outcome.url),
                said
            );
        }
        let _ = writeln!(
            stdout,
            "{accepted} of {total} integration{} accepted {}.",
            if total == 1 { "" } else { "s" },
            if total == 1 {
                "its certificate"
            } else {
                "their certificates"
            }
        );
    }
    checked.exit_code()
}
