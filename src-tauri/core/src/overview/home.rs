//! Home: every listed certificate with its status, soonest expiry first,
//! the reminder's words, and the issuing authority's reminder.

use serde::Serialize;

use crate::authority::{authority_reminder, Authority};
use crate::clock::{local_day, Clock};
use crate::ids::Fingerprint;
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
    match (&r.signed_by, &r.added) {
        (Some(s), _) => s.name.clone(),
        (None, Some(a)) if !a.self_signed => a.issuer.clone(),
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
        let certificates: Vec<Row> = records
            .into_iter()
            .map(|r| {
                let status = r.status(clock.now, &clock.zone, reminder_days);
                let revoked = authority.and_then(|a| a.revocation_of(&r));
                Row {
                    status_text: match revoked {
                        Some(v) => format!("revoked on {}", local_day(v.at, &clock.zone)),
                        None => status.text(),
                    },
                    status,
                    revoked: revoked.is_some(),
                    signed_by: signer_short(&r),
                    expires: local_day(r.not_after, &clock.zone),
                    in_keychain: r.in_keychain(),
                    added: r.added.is_some(),
                    id: r.sha256_fingerprint,
                    nickname: r.nickname,
                    file: r.file,
                }
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
            reminder: reminder_text(expiring, expired, reminder_days),
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
}

impl HomeView {
    /// The desktop notification's title and text, when something is due
    /// or the list was found damaged.
    pub fn notification(&self) -> Option<(&'static str, String)> {
        let damage = self.problem.clone().filter(|_| self.dismissable);
        let body = [&self.home.reminder, &self.home.authority_reminder, &damage]
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
