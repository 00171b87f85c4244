//! The authority's reminders, in words: its own expiry, its revocation
//! list's next update (after which nginx and Apache refuse every client
//! certificate), and a revocation not exported yet. Home's banner, the
//! start-up notification, the authority's screen and `authcert list` all
//! say these.

use crate::clock::{local_day, Clock};
use crate::store::Status;

use super::Authority;

/// The authority's reminders, or None when nothing is due: its own
/// expiry, its revocation list's next update (after which nginx and Apache
/// refuse every client certificate), and a revocation not exported yet.
pub fn authority_reminder(a: &Authority, reminder_days: u32, clock: &Clock) -> Option<String> {
    let mut parts = Vec::new();
    let day = |t| local_day(t, &clock.zone);
    match Status::of(a.not_after, clock.now, &clock.zone, reminder_days) {
        Status::Expired { .. } => parts.push(format!(
            "The issuing authority “{}” expired on {}: servers that trust it refuse every certificate it signed. Remove it (Issuing authority › Remove authority…), create a new one, give its certificate to your servers, and replace the certificates it signed.",
            a.name, day(a.not_after)
        )),
        status @ Status::Expiring { .. } => parts.push(format!(
            "The issuing authority “{}” {} ({}): every certificate it signed stops working then, and it signs none that outlive it. Before then: back it up if needed, remove it, create a new one, give its certificate to your servers, and replace the certificates it signed.",
            a.name, status.text(), day(a.not_after)
        )),
        Status::Valid { .. } => {}
    }
    if let Some(crl) = &a.last_crl {
        match Status::of(crl.next_update, clock.now, &clock.zone, reminder_days) {
            Status::Expired { .. } => parts.push(format!(
                "The revocation list of “{}” ran out on {}: servers that read it (nginx, Apache) now refuse every client certificate. Export it again and give it to your servers.",
                a.name, day(crl.next_update)
            )),
            Status::Expiring { .. } => parts.push(format!(
                "Export the revocation list of “{}” again before {} and give it to your servers: after that day, servers that read it refuse every client certificate.",
                a.name, day(crl.next_update)
            )),
            Status::Valid { .. } => {}
        }
    }
    if a.crl_out_of_date() {
        parts.push(
            "A certificate was revoked after the last revocation list was exported: export the list again (Issuing authority › Export revocation list) and give it to your servers, or they still accept that certificate.".to_string(),
        );
    } else if a.last_crl.is_none() && !a.revoked.is_empty() {
        parts.push(
            "A certificate was revoked, but no revocation list has been exported yet: export one (Issuing authority › Export revocation list) and give it to your servers, or they still accept that certificate.".to_string(),
        );
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::tz::TimeZone;

    fn authority(not_after: &str) -> Authority {
        Authority {
            name: "Acme".into(),
            subject: "CN=Acme".into(),
            serial: crate::ids::Serial::parse("01").unwrap(),
            sha256_fingerprint: crate::ids::Fingerprint::of(b"Acme"),
            not_before: "2026-01-01T00:00:00Z".parse().unwrap(),
            not_after: not_after.parse().unwrap(),
            certificate_pem: String::new(),
            keychain_account: "Authority: Acme (AABB)".into(),
            created_at: "2026-01-01T00:00:00Z".parse().unwrap(),
            restored_from: None,
            revoked: Vec::new(),
            last_crl: None,
            crl_number_floor: None,
        }
    }

    fn clock() -> Clock {
        Clock {
            now: "2026-12-02T10:00:00Z".parse().unwrap(),
            zone: TimeZone::get("Europe/Berlin").unwrap(),
        }
    }

    #[test]
    fn the_authority_reminds_of_its_expiry_and_its_revocation_list() {
        let mut a = authority("2036-12-02T22:59:59Z");
        assert_eq!(authority_reminder(&a, 30, &clock()), None);
        a.not_after = "2026-12-20T22:59:59Z".parse().unwrap();
        let text = authority_reminder(&a, 30, &clock()).unwrap();
        assert!(
            text.contains("“Acme” expires in 18 days (2026-12-20)"),
            "{text}"
        );
        a.not_after = "2026-12-01T22:59:59Z".parse().unwrap();
        let text = authority_reminder(&a, 30, &clock()).unwrap();
        assert!(text.contains("expired on 2026-12-01"), "{text}");

        let mut a = authority("2036-12-02T22:59:59Z");
        a.last_crl = Some(super::super::CrlMade {
            number: 1,
            this_update: "2026-06-01T00:00:00Z".parse().unwrap(),
            next_update: "2026-12-10T00:00:00Z".parse().unwrap(),
            revoked: 0,
            file: "/tmp/crl.pem".into(),
            serials: Vec::new(),
        });
        let text = authority_reminder(&a, 30, &clock()).unwrap();
        assert!(text.contains("again before 2026-12-10"), "{text}");
        a.last_crl.as_mut().unwrap().next_update = "2026-12-01T00:00:00Z".parse().unwrap();
        let text = authority_reminder(&a, 30, &clock()).unwrap();
        assert!(text.contains("ran out on 2026-12-01"), "{text}");
        a.last_crl.as_mut().unwrap().next_update = "2027-05-01T00:00:00Z".parse().unwrap();
        assert_eq!(authority_reminder(&a, 30, &clock()), None);
        a.revoked.push(super::super::Revoked {
            serial: crate::ids::Serial::parse("01").unwrap(),
            sha256_fingerprint: Some(crate::ids::Fingerprint::of(b"Old")),
            nickname: Some("Old".into()),
            at: clock().now,
            reason: super::super::Reason::Superseded,
        });
        let text = authority_reminder(&a, 30, &clock()).unwrap();
        assert!(
            text.contains("revoked after the last revocation list"),
            "{text}"
        );
    }
}
