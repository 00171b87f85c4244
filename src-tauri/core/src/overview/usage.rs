//! Where listed certificates are used, across the list: each integration
//! in words, which integrations still use a certificate (those its
//! replacement has not taken over yet), and the lines Home and the
//! reminder say about them.

use serde::Serialize;

use crate::clock::{local_day, local_time, Clock};
use crate::ids::Fingerprint;
use crate::integrations::{Chosen, IntegrationError, NewIntegration, Outcome};
use crate::store::{Integration, LastTest, Record, Status, Store, StoreError};

/// One integration as the details show it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IntegrationView {
    pub name: String,
    pub url: String,
    pub note: String,
    /// The last verdict, when it was tested (for its badge).
    pub verdict: Option<crate::tested::Kind>,
    /// "Accepted (HTTP 200) on 2026-12-06 14:00", or "Not tested yet".
    pub result_text: String,
    /// On a replacement, or a certificate that was replaced: "Moved on
    /// DATE" or what is left to do.
    pub move_text: Option<String>,
    /// The server certificate trusted by its fingerprint, in words.
    pub trust_text: Option<String>,
}

impl IntegrationView {
    /// `r`'s integrations, one of `records` (for its replacement).
    pub fn all(r: &Record, records: &[Record], clock: &Clock) -> Vec<IntegrationView> {
        let replacement = replacement_of(r, records);
        r.integrations
            .iter()
            .map(|i| IntegrationView {
                name: i.name.clone(),
                url: i.url.clone(),
                note: i.note.clone(),
                verdict: i.last_test.as_ref().map(|t| t.verdict),
                result_text: match &i.last_test {
                    Some(t) => format!("{} on {}", result_words(t), local_time(t.at, &clock.zone)),
                    None => "Not tested yet".into(),
                },
                move_text: move_text(i, r, replacement, clock),
                trust_text: i.trust_text(),
            })
            .collect()
    }
}

/// Where `i`, an integration of `r`, stands in a replacement.
fn move_text(
    i: &Integration,
    r: &Record,
    replacement: Option<&Record>,
    clock: &Clock,
) -> Option<String> {
    if r.replaces.is_some() {
        return Some(match i.moved {
            Some(at) => format!(
                "Moved to this certificate on {}",
                local_day(at, &clock.zone)
            ),
            None => {
                "To move: configure this certificate there, then test it at this address".into()
            }
        });
    }
    let new = replacement?;
    Some(match moved_to(new, &i.url) {
        Some(at) => format!(
            "Moved to “{}” on {}",
            new.described.nickname,
            local_day(at, &clock.zone)
        ),
        None => format!(
            "Still uses this certificate: move it to “{}”",
            new.described.nickname
        ),
    })
}

/// When the integration at `url` moved to the replacement `new`.
fn moved_to(new: &Record, url: &str) -> Option<jiff::Timestamp> {
    new.integrations
        .iter()
        .filter(|i| i.url == url)
        .find_map(|i| i.moved)
}

/// "Accepted (HTTP 200)".
pub fn result_words(t: &LastTest) -> String {
    format!(
        "{}{}",
        capitalised(t.verdict.label()),
        t.http_status
            .map(|s| format!(" (HTTP {s})"))
            .unwrap_or_default()
    )
}

pub fn capitalised(words: &str) -> String {
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The certificate made with Replace… to replace `r`, if it is listed.
pub fn replacement_of<'a>(r: &Record, records: &'a [Record]) -> Option<&'a Record> {
    records
        .iter()
        .find(|n| n.replaces == Some(r.described.sha256_fingerprint))
}

/// How many of `r`'s integrations still use it, of how many: those its
/// replacement has not taken over (all of them, without one).
pub fn still_using(r: &Record, records: &[Record]) -> (usize, usize) {
    let total = r.integrations.len();
    let still = match replacement_of(r, records) {
        Some(new) => r
            .integrations
            .iter()
            .filter(|i| moved_to(new, &i.url).is_none())
            .count(),
        None => total,
    };
    (still, total)
}

/// "2 of 3 integrations".
fn of_integrations(n: usize, total: usize) -> String {
    format!(
        "{n} of {total} integration{}",
        if total == 1 { "" } else { "s" }
    )
}

/// The checklist's words on a replacement's or a replaced certificate's
/// details.
pub fn moving_text(r: &Record, records: &[Record]) -> Option<String> {
    if let Some(old) = r.replaces {
        let old = records
            .iter()
            .find(|o| o.described.sha256_fingerprint == old)
            .map(|o| format!("“{}”", o.described.nickname))
            .unwrap_or_else(|| "a certificate no longer in the list".into());
        let moved = r.integrations.iter().filter(|i| i.moved.is_some()).count();
        return Some(format!(
            "This certificate replaces {old}. {} moved: configure it at each address below, then test it there (Test all tests every one); an accepted test marks the integration moved.",
            capitalised(&of_integrations(moved, r.integrations.len()))
        ));
    }
    let new = replacement_of(r, records)?;
    let (still, total) = still_using(r, records);
    Some(if still == 0 {
        format!(
            "Replaced by “{}”: every integration has moved to it; this certificate can be removed from the list.",
            new.described.nickname
        )
    } else {
        format!(
            "Replaced by “{}”: {} still use this certificate.",
            new.described.nickname,
            of_integrations(still, total)
        )
    })
}

/// Home's lines: each replacement with integrations left to move.
pub fn left_to_move(records: &[Record]) -> Vec<String> {
    records
        .iter()
        .filter(|r| r.replaces.is_some())
        .filter_map(|r| {
            let left = r.integrations.iter().filter(|i| i.moved.is_none()).count();
            (left > 0).then(|| {
                format!(
                    "“{}”: {} still to move to it. Open it and test it at each address.",
                    r.described.nickname,
                    of_integrations(left, r.integrations.len())
                )
            })
        })
        .collect()
}

/// Home's lines: each integration whose last test did not accept its
/// certificate (what a scheduled `authcert check` found, or a test here).
pub fn failing(records: &[Record], clock: &Clock) -> Vec<String> {
    records
        .iter()
        .flat_map(|r| {
            r.integrations.iter().filter_map(move |i| {
                let t = i.last_test.as_ref()?;
                (t.verdict != crate::tested::Kind::Accepted).then(|| {
                    format!(
                        "“{}” with “{}”: {} on {}.",
                        i.name,
                        r.described.nickname,
                        t.verdict.label(),
                        local_time(t.at, &clock.zone)
                    )
                })
            })
        })
        .collect()
}

/// The reminder's line for a due certificate with integrations:
/// "“Payments API” expires in 9 days; 2 of 3 integrations still use it."
pub fn still_used_line(r: &Record, status: Status, records: &[Record]) -> Option<String> {
    let (still, total) = still_using(r, records);
    (status.is_due() && still > 0).then(|| {
        format!(
            "“{}” {}; {} still use{} it{}.",
            r.described.nickname,
            status.text(),
            of_integrations(still, total),
            if still == 1 { "s" } else { "" },
            match replacement_of(r, records) {
                Some(new) => format!(
                    " (move {} to “{}”)",
                    if still == 1 { "it" } else { "them" },
                    new.described.nickname
                ),
                None => String::new(),
            }
        )
    })
}

/// The certificate `id`'s integrations as the details show them: one call
/// for the window after a change.
pub fn integrations(
    store: &Store,
    id: &Fingerprint,
    clock: &Clock,
) -> Result<Vec<IntegrationView>, StoreError> {
    let records = store.load()?.records;
    let r = records
        .iter()
        .find(|r| r.described.sha256_fingerprint == *id)
        .ok_or(StoreError::NotFound)?;
    Ok(IntegrationView::all(r, &records, clock))
}

/// Adds an integration to the listed certificate `id` (the window's one
/// call): its integrations as the details show them.
pub fn add(
    store: &Store,
    id: &Fingerprint,
    new: NewIntegration,
    clock: &Clock,
) -> Result<Vec<IntegrationView>, IntegrationError> {
    crate::integrations::add(store, id, new)?;
    Ok(integrations(store, id, clock)?)
}

/// Removes the integration `name` from the listed certificate `id`.
pub fn remove(
    store: &Store,
    id: &Fingerprint,
    name: &str,
    clock: &Clock,
) -> Result<Vec<IntegrationView>, IntegrationError> {
    crate::integrations::remove(store, id, name)?;
    Ok(integrations(store, id, clock)?)
}

/// What *Test all* ends with; each outcome went to the window first.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TestedAll {
    pub checked: usize,
    pub accepted: usize,
    /// "2 of 3 integrations accepted this certificate."
    pub summary: String,
    /// Some were not tested because the password is not in the keychain.
    pub needs_password: bool,
    /// Each integration with the verdict the list now remembers.
    pub integrations: Vec<IntegrationView>,
}

/// *Test all* of the listed certificate `id` (a `typed` password standing
/// in for one not in the keychain), `each` outcome as it arrives.
pub async fn test_all(
    store: Store,
    keychains: crate::keychain::Keychains,
    id: Fingerprint,
    typed: Option<zeroize::Zeroizing<String>>,
    clock: &Clock,
    each: impl FnMut(&Outcome),
) -> Result<TestedAll, IntegrationError> {
    let checked = crate::integrations::check(
        store.clone(),
        keychains,
        Chosen::Listed { id, typed },
        crate::connect::Timeout::default(),
        clock,
        each,
    )
    .await?;
    let accepted = checked
        .outcomes
        .iter()
        .filter(|o| o.exit_code() == 0)
        .count();
    let total = checked.outcomes.len();
    let clock = clock.clone();
    let integrations = tokio::task::spawn_blocking(move || integrations(&store, &id, &clock))
        .await
        .map_err(|_| {
            IntegrationError::Certificate(crate::connect::ConnectError::Internal(
                "the list could not be read".into(),
            ))
        })??;
    Ok(TestedAll {
        checked: total,
        accepted,
        summary: format!(
            "{} accepted this certificate.",
            capitalised(&of_integrations(accepted, total))
        ),
        needs_password: checked.outcomes.iter().any(|o| o.needs_password),
        integrations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tests::{integration, record};
    use crate::tested::Kind;

    fn accepted(url: &str, at: &str) -> LastTest {
        LastTest {
            verdict: Kind::Accepted,
            url: url.into(),
            http_status: Some(200),
            at: at.parse().unwrap(),
        }
    }

    /// An old certificate with three integrations and its replacement,
    /// which took them over.
    fn replaced() -> (Record, Record) {
        let mut old = record(1, "2026-12-15T00:00:00Z");
        old.integrations = vec![
            integration("Billing", "https://a.example/"),
            integration("Payroll", "https://b.example/"),
            integration("Archive", "https://c.example/"),
        ];
        let mut new = record(2, "2027-12-15T00:00:00Z");
        new.replacing(&old);
        (old, new)
    }

    #[test]
    fn a_server_trusted_by_fingerprint_is_said_and_moves_with_the_integration() {
        let (mut old, _) = replaced();
        let pinned = crate::connect::target::trusted_server(&"ab".repeat(32)).unwrap();
        old.integrations[1].trust_server = Some(pinned);
        let mut new = record(2, "2027-12-15T00:00:00Z");
        new.replacing(&old);
        let records = vec![old.clone(), new.clone()];
        for r in [&old, &new] {
            let views = IntegrationView::all(r, &records, &Clock::system());
            assert_eq!(views[0].trust_text, None);
            assert_eq!(
                views[1].trust_text.as_deref(),
                Some(format!("Trusts the server certificate with SHA-256 fingerprint {pinned} at this address.").as_str())
            );
        }
    }

    #[test]
    fn a_replacement_takes_over_the_integrations_each_to_move() {
        let (mut old, mut new) = replaced();
        assert_eq!(new.replaces, Some(old.described.sha256_fingerprint));
        assert!(new
            .integrations
            .iter()
            .all(|i| i.moved.is_none() && i.last_test.is_none()));
        let records = vec![old.clone(), new.clone()];
        assert_eq!(still_using(&old, &records), (3, 3));
        assert_eq!(left_to_move(&records), ["“Cert 2”: 3 of 3 integrations still to move to it. Open it and test it at each address."]);
        // A refused test moves nothing; an accepted one moves it, once.
        let mut refused = accepted("https://a.example/", "2026-12-06T10:00:00Z");
        refused.verdict = Kind::Refused;
        new.integrations[0].tested(refused, true);
        assert_eq!(new.integrations[0].moved, None);
        new.integrations[0].tested(accepted("https://a.example/", "2026-12-06T11:00:00Z"), true);
        new.integrations[0].tested(accepted("https://a.example/", "2026-12-07T11:00:00Z"), true);
        assert_eq!(
            new.integrations[0].moved,
            Some("2026-12-06T11:00:00Z".parse().unwrap())
        );
        new.integrations[1].tested(accepted("https://b.example/", "2026-12-06T12:00:00Z"), true);
        let records = vec![old.clone(), new.clone()];
        assert_eq!(still_using(&old, &records), (1, 3));
        let clock = Clock {
            now: "2026-12-06T13:00:00Z".parse().unwrap(),
            zone: jiff::tz::TimeZone::UTC,
        };
        let old_views = IntegrationView::all(&old, &records, &clock);
        assert_eq!(
            old_views[0].move_text.as_deref(),
            Some("Moved to “Cert 2” on 2026-12-06")
        );
        assert_eq!(
            old_views[2].move_text.as_deref(),
            Some("Still uses this certificate: move it to “Cert 2”")
        );
        let new_views = IntegrationView::all(&new, &records, &clock);
        assert_eq!(
            new_views[1].move_text.as_deref(),
            Some("Moved to this certificate on 2026-12-06")
        );
        assert!(new_views[2]
            .move_text
            .as_deref()
            .unwrap()
            .starts_with("To move"));
        assert!(new_views[0]
            .result_text
            .starts_with("Accepted (HTTP 200) on 2026-12-07"));
        assert_eq!(
            moving_text(&old, &records).as_deref(),
            Some("Replaced by “Cert 2”: 1 of 3 integrations still use this certificate.")
        );
        assert!(moving_text(&new, &records)
            .unwrap()
            .starts_with("This certificate replaces “Cert 1”. 2 of 3 integrations moved"));
        let status = old.status(clock.now, &clock.zone, 30);
        assert_eq!(
            still_used_line(&old, status, &records).as_deref(),
            Some("“Cert 1” expires in 9 days; 1 of 3 integrations still uses it (move it to “Cert 2”).")
        );
        // Not due, or nothing left: nothing said.
        assert_eq!(
            still_used_line(&new, new.status(clock.now, &clock.zone, 30), &records),
            None
        );
        new.integrations[2].tested(accepted("https://c.example/", "2026-12-06T12:30:00Z"), true);
        let records = vec![old.clone(), new];
        assert_eq!(still_used_line(&old, status, &records), None);
        assert!(left_to_move(&records).is_empty());
        assert!(moving_text(&old, &records)
            .unwrap()
            .contains("every integration has moved"));
        // Home names what did not accept, by integration and certificate.
        let mut refused = accepted("https://a.example/", "2026-12-06T07:00:00Z");
        refused.verdict = Kind::Refused;
        old.integrations[0].tested(refused, false);
        assert_eq!(
            failing(&[old], &clock),
            ["“Billing” with “Cert 1”: refused on 2026-12-06 07:00:00 UTC."]
        );
    }

    #[test]
    fn without_a_replacement_every_integration_still_uses_it() {
        let mut old = record(1, "2026-12-15T00:00:00Z");
        old.integrations = vec![integration("Billing", "https://a.example/")];
        let records = vec![old.clone()];
        assert_eq!(still_using(&old, &records), (1, 1));
        assert_eq!(moving_text(&old, &records), None);
        let clock = Clock {
            now: "2026-12-06T13:00:00Z".parse().unwrap(),
            zone: jiff::tz::TimeZone::UTC,
        };
        let status = old.status(clock.now, &clock.zone, 30);
        assert_eq!(
            still_used_line(&old, status, &records).as_deref(),
            Some("“Cert 1” expires in 9 days; 1 of 1 integration still uses it.")
        );
        assert_eq!(
            IntegrationView::all(&old, &records, &clock)[0].move_text,
            None
        );
        // A test outside a replacement never marks anything moved.
        old.integrations[0].tested(
            accepted("https://a.example/", "2026-12-06T11:00:00Z"),
            false,
        );
        assert_eq!(old.integrations[0].moved, None);
    }
}
