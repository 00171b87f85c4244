//! Home: every listed certificate with its status, soonest expiry first,
//! the reminder's words, and the issuing authority's reminder.

use serde::Serialize;

use crate::authority::{authority_reminder, Authority};
use crate::clock::{local_day, Clock};
use crate::ids::Fingerprint;
use crate::requested::waiting::REMIND_AFTER_DAYS;
use crate::requested::Waiting;
use crate::store::{Record, Status};

/// The reminder's words, or None when nothing is due: the banner, the
/// desktop notification and the command line all say this.
pub fn reminder_text(expiring: usize, expired: usize, days: u32) -> Option<String> {
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    let text = match (expiring, expired) {
        (0, 0) => return None,
        (n, 0) => format!(
            "{} within {days} days.",
            plural(n, "certificate expires", "certificates expire")
        ),
        (0, m) => format!(
            "{}.",
            plural(m, "certificate has expired", "certificates have expired")
        ),
        (n, m) => format!(
            "{} within {days} days and {}.",
            plural(n, "certificate expires", "certificates expire"),
            plural(m, "has expired", "have expired")
        ),
    };
    let what = if expiring + expired == 1 {
        "Replace it before the integration that uses it stops working (open it, then Replace…)."
    } else {
        "Replace them before the integrations that use them stop working (open one, then Replace…)."
    };
    Some(format!("{text} {what}"))
}

/// Who signed a listed certificate, for a column of Home.
fn signer_short(r: &Record) -> String {
    match (&r.signed_by, &r.added, &r.requested_from) {
        (Some(s), _, _) => s.name.clone(),
        (None, _, Some(ca)) => ca.clone(),
        (None, Some(a), None) if !a.self_signed => a.issuer.clone(),
        _ => "Self-signed".to_string(),
    }
}

/// One row of Home.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    pub id: Fingerprint,
    pub nickname: String,
    /// The last day of validity, in the admin's current zone.
    pub expires: String,
    pub status: Status,
    pub status_text: String,
    pub file: String,
    pub in_keychain: bool,
    /// Made elsewhere and added to the list.
    pub added: bool,
    /// Who signed it: an authority's name, or "Self-signed".
    pub signed_by: String,
    /// Revoked by the authority on this computer.
    pub revoked: bool,
}

/// Home: every certificate, soonest expiry first, and the reminder.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Home {
    pub certificates: Vec<Row>,
    pub reminder_days: u32,
    pub expiring: usize,
    pub expired: usize,
    /// The banner's and the notification's words, when something is due.
    pub reminder: Option<String>,
    /// The issuing authority's reminder, when something is due.
    pub authority_reminder: Option<String>,
    /// Replacements whose integrations have not all moved to them yet.
    pub moves: Vec<String>,
    /// Integrations whose last test did not accept their certificate.
    pub failing: Vec<String>,
    /// The zone every date on screen is in, and statuses count days in,
    /// and the sentence that says so.
    pub zone: String,
    pub zone_text: String,
    pub list_path: String,
}

impl Home {
    pub fn of(
        records: Vec<Record>,
        authority: Option<&Authority>,
        reminder_days: u32,
        clock: &Clock,
        list_path: String,
    ) -> Home {
        let moves = super::usage::left_to_move(&records);
        let failing = super::usage::failing(&records, clock);
        // Each record's status, and when it was revoked: judged once.
        let judged: Vec<(Status, Option<jiff::Timestamp>)> = records
            .iter()
            .map(|r| {
                (
                    r.status(clock.now, &clock.zone, reminder_days),
                    authority.and_then(|a| a.revocation_of(r)).map(|v| v.at),
                )
            })
            .collect();
        // Each due certificate that integrations still use, by name.
        let still_used: Vec<String> = records
            .iter()
            .zip(&judged)
            .filter(|(_, (_, revoked))| revoked.is_none())
            .filter_map(|(r, (status, _))| super::usage::still_used_line(r, *status, &records))
            .collect();
        let certificates: Vec<Row> = records
            .into_iter()
            .zip(judged)
            .map(|(r, (status, revoked))| Row {
                status_text: match revoked {
                    Some(at) => format!("revoked on {}", local_day(at, &clock.zone)),
                    None => status.text(),
                },
                status,
                revoked: revoked.is_some(),
                signed_by: signer_short(&r),
                expires: local_day(r.described.not_after, &clock.zone),
                in_keychain: r.in_keychain(),
                added: r.added.is_some(),
                id: r.described.sha256_fingerprint,
                nickname: r.described.nickname,
                file: r.file,
            })
            .collect();
        // A revoked certificate needs no replacing reminder: it is done.
        let count = |due: fn(&Status) -> bool| {
            certificates
                .iter()
                .filter(|r| !r.revoked && due(&r.status))
                .count()
        };
        let expired = count(|s| matches!(s, Status::Expired { .. }));
        let expiring = count(|s| matches!(s, Status::Expiring { .. }));
        Home {
            reminder: reminder_text(expiring, expired, reminder_days).map(|text| {
                std::iter::once(text)
                    .chain(still_used)
                    .collect::<Vec<_>>()
                    .join(" ")
            }),
            moves,
            failing,
            authority_reminder: authority.and_then(|a| authority_reminder(a, reminder_days, clock)),
            certificates,
            reminder_days,
            expiring,
            expired,
            zone_text: format!(
                "Dates are in your time zone, {}; statuses count days there.",
                clock.zone_name()
            ),
            zone: clock.zone_name(),
            list_path,
        }
    }
}

/// A request waiting for its CA's answer, as Home lists it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestRow {
    pub nickname: String,
    /// "Waiting for the CA's answer (since DATE)", or what to do after
    /// REMIND_AFTER_DAYS.
    pub status_text: String,
    pub overdue: bool,
}

/// The requests' rows and, when some have waited long, the reminder.
pub fn request_rows(waiting: &[Waiting], clock: &Clock) -> (Vec<RequestRow>, Option<String>) {
    let rows: Vec<RequestRow> = waiting
        .iter()
        .map(|w| RequestRow {
            nickname: w.nickname.clone(),
            status_text: w.status_text(clock),
            overdue: w.overdue(clock),
        })
        .collect();
    let overdue = rows.iter().filter(|r| r.overdue).count();
    let reminder = match overdue {
        0 => None,
        1 => Some(format!("1 request has waited {REMIND_AFTER_DAYS} days or more for its CA's answer: ask your CA about it, or cancel it and make a new one.")),
        n => Some(format!("{n} requests have waited {REMIND_AFTER_DAYS} days or more for their CA's answer: ask your CA about them, or cancel them and make new ones.")),
    };
    (rows, reminder)
}

/// Home, and a problem with the list when there is one.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HomeView {
    #[serde(flatten)]
    pub home: Home,
    /// A damaged list that was kept aside, or a list that cannot be read.
    pub problem: Option<String>,
    /// The problem is damage found earlier: the admin may dismiss it.
    pub dismissable: bool,
    /// Requests waiting for a CA's answer, oldest first.
    pub requests: Vec<RequestRow>,
    /// Why the waiting requests could not be read.
    pub requests_problem: Option<String>,
    /// Said when a request has waited REMIND_AFTER_DAYS or more.
    pub request_reminder: Option<String>,
}

impl HomeView {
    /// The desktop notification's title and text, when something is due
    /// or the list was found damaged.
    pub fn notification(&self) -> Option<(&'static str, String)> {
        let damage = self.problem.clone().filter(|_| self.dismissable);
        let body = [
            &self.home.reminder,
            &self.home.authority_reminder,
            &self.request_reminder,
            &damage,
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect::<Vec<_>>()
        .join(" ");
        if body.is_empty() {
            return None;
        }
        let title = if self.home.reminder.is_some() {
            "AuthCert: certificates to replace"
        } else if self.home.authority_reminder.is_some() {
            "AuthCert: the issuing authority needs you"
        } else if self.request_reminder.is_some() {
            "AuthCert: a request still waits for its CA"
        } else {
            "AuthCert: the list of certificates was damaged"
        };
        Some((title, body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_and_certificates_from_a_ca_on_home() {
        use crate::life::tests::requested::{answer, waiting_request};
        use crate::life::tests::World;
        use crate::life::OnSave;
        use crate::requested::waiting;
        let w = World::new();
        let p = w.pending();
        let request = waiting_request(&w, "Billing API");
        let home = crate::overview::home(&w.store(), &Clock::system());
        assert_eq!(home.requests.len(), 1);
        assert!(!home.requests[0].overdue && home.request_reminder.is_none());
        let done = waiting::complete(
            &w.store(),
            &w.keychains,
            "Billing API",
            answer(&request.request).as_bytes(),
            &Clock::system(),
        )
        .unwrap();
        p.adopt(done.issued, OnSave::FinishRequest, None).unwrap();
        p.confirm_saved(true).unwrap();
        p.save(&w.path("billing.p12")).unwrap();
        // Who signed it; its replacement is a new request, named apart.
        let home = crate::overview::home(&w.store(), &Clock::system());
        assert!(home.requests.is_empty());
        assert_eq!(home.home.certificates[0].signed_by, "Acme Issuing CA");
        let id = home.home.certificates[0].id;
        let again = crate::overview::replacement(&w.store(), &id, None).unwrap();
        assert_eq!(
            (again.signed_by, again.nickname.as_str()),
            ("ca", "Billing API 2")
        );
        // After 14 days of waiting, Home reminds.
        let mut slow = waiting_request(&w, "Slow");
        slow.since = Clock::system().now - jiff::SignedDuration::from_hours(24 * 15);
        let (rows, reminder) = request_rows(&[slow], &Clock::system());
        assert!(rows[0].overdue);
        assert!(reminder
            .unwrap()
            .starts_with("1 request has waited 14 days"));
    }

    #[test]
    fn reminder_words() {
        assert_eq!(reminder_text(0, 0, 30), None);
        assert!(reminder_text(1, 0, 30)
            .unwrap()
            .starts_with("1 certificate expires within 30 days."));
        assert!(reminder_text(2, 1, 14)
            .unwrap()
            .starts_with("2 certificates expire within 14 days and 1 has expired."));
        assert!(reminder_text(1, 0, 30).unwrap().ends_with(
            "Replace it before the integration that uses it stops working (open it, then Replace…)."
        ));
        assert!(reminder_text(0, 3, 30)
            .unwrap()
            .starts_with("3 certificates have expired."));
    }
}
