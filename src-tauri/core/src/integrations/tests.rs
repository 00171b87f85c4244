use std::fs;

use super::*;
use crate::clock::Clock;
use crate::connect::Timeout;
use crate::keychain::Keychains;
use crate::store::tests::{fp, record};
use crate::store::LastTest;

fn listed(n: usize) -> (tempfile::TempDir, Store) {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::at(tmp.path());
    store.add(record(n, "2030-01-01T00:00:00Z")).unwrap();
    (tmp, store)
}

fn new(name: &str, url: &str) -> NewIntegration {
    NewIntegration::parse(name, url, "app server 3").unwrap()
}

fn names(store: &Store, n: usize) -> Vec<String> {
    of(store, &fp(n))
        .unwrap()
        .into_iter()
        .map(|i| i.name)
        .collect()
}

#[test]
fn integrations_are_added_once_by_name_and_removed_by_name() {
    let (_tmp, store) = listed(1);
    add(&store, &fp(1), new("Billing export", "https://a.example/")).unwrap();
    add(&store, &fp(1), new("Payroll", "https://b.example/x")).unwrap();
    assert_eq!(names(&store, 1), ["Billing export", "Payroll"]);
    let listed = &of(&store, &fp(1)).unwrap()[1];
    assert_eq!(
        (listed.url.as_str(), listed.note.as_str()),
        ("https://b.example/x", "app server 3")
    );
    // A name differing only in case is the same integration; the list is
    // not written on a refusal.
    let before = fs::read(store.list_path()).unwrap();
    let e = add(&store, &fp(1), new("BILLING EXPORT", "https://c.example/")).unwrap_err();
    assert!(matches!(e, IntegrationError::Duplicate { .. }), "{e}");
    assert_eq!(e.field(), Some("name"));
    assert!(e
        .to_string()
        .contains("“Cert 1” already has an integration named “BILLING EXPORT”"));
    assert_eq!(fs::read(store.list_path()).unwrap(), before);
    let e = remove(&store, &fp(1), "nope").unwrap_err();
    assert!(
        e.to_string().contains("has no integration named “nope”"),
        "{e}"
    );
    assert_eq!(fs::read(store.list_path()).unwrap(), before);
    remove(&store, &fp(1), "billing export").unwrap();
    assert_eq!(names(&store, 1), ["Payroll"]);
    // Another certificate, or none.
    assert!(matches!(
        add(&store, &fp(2), new("X", "https://a.example/")),
        Err(IntegrationError::Store(StoreError::NotFound))
    ));
}

#[test]
fn a_certificate_keeps_at_most_its_share_of_integrations() {
    let (_tmp, store) = listed(1);
    for n in 0..MAX_PER_CERTIFICATE {
        add(
            &store,
            &fp(1),
            new(&format!("API {n}"), "https://a.example/"),
        )
        .unwrap();
    }
    let e = add(&store, &fp(1), new("One more", "https://a.example/")).unwrap_err();
    assert!(matches!(e, IntegrationError::TooMany(_)), "{e}");
    assert_eq!(of(&store, &fp(1)).unwrap().len(), MAX_PER_CERTIFICATE);
}

#[test]
fn a_test_at_an_integrations_address_becomes_its_last_verdict() {
    let (_tmp, store) = listed(1);
    add(&store, &fp(1), new("Billing", "https://a.example/health")).unwrap();
    add(&store, &fp(1), new("Payroll", "https://b.example/")).unwrap();
    let test = LastTest {
        verdict: crate::tested::Kind::Refused,
        url: "https://a.example/health".into(),
        http_status: Some(403),
        at: "2026-12-06T10:00:00Z".parse().unwrap(),
    };
    let r = store.set_last_test(&fp(1), test.clone()).unwrap();
    assert_eq!(r.last_test.as_ref(), Some(&test));
    assert_eq!(r.integrations[0].last_test.as_ref(), Some(&test));
    assert_eq!(r.integrations[1].last_test, None);
    assert_eq!(store.get(&fp(1)).unwrap(), r);
}

#[test]
fn a_check_without_integrations_says_where_to_add_them() {
    let (_tmp, store) = listed(1);
    let clock = Clock::system();
    let run = |only: Option<&str>| {
        crate::connect::block_on(async {
            Ok(check(
                store.clone(),
                Keychains::System,
                only.map_or(Chosen::All, |n| Chosen::Nickname(n.to_string())),
                Timeout::default(),
                &clock,
                |_| {},
            )
            .await)
        })
        .unwrap()
    };
    assert!(matches!(run(None), Err(IntegrationError::NoneAtAll)));
    assert!(matches!(run(Some("cert 1")), Err(IntegrationError::NoneFor(n)) if n == "Cert 1"));
    assert!(matches!(
        run(Some("nobody")),
        Err(IntegrationError::Certificate(
            crate::connect::ConnectError::NotListed(_)
        ))
    ));
}

/// A certificate whose password is not in the keychain cannot be checked
/// unattended: each of its integrations says so and is not remembered as
/// tested; the exit code says "not tested".
#[test]
fn integrations_of_a_certificate_without_its_password_are_not_tested() {
    let (_tmp, store) = listed(1);
    add(&store, &fp(1), new("Billing", "https://127.0.0.1:9/")).unwrap();
    add(&store, &fp(1), new("Payroll", "https://127.0.0.1:9/x")).unwrap();
    let clock = Clock::system();
    let mut seen = Vec::new();
    let checked = crate::connect::block_on(async {
        Ok(check(
            store.clone(),
            Keychains::System,
            Chosen::All,
            Timeout::default(),
            &clock,
            |o| seen.push(o.integration.clone()),
        )
        .await)
    })
    .unwrap()
    .unwrap();
    assert_eq!(seen, ["Billing", "Payroll"]);
    assert_eq!(checked.outcomes.len(), 2);
    for o in &checked.outcomes {
        assert!(o.verdict.is_none());
        let why = o.not_tested.as_deref().unwrap();
        assert!(
            why.contains("is not in the keychain, so AuthCert cannot open its file without you"),
            "{why}"
        );
        assert!(o.needs_password);
    }
    assert_eq!(checked.exit_code(), EXIT_NOT_TESTED);
    assert!(checked.not_remembered.is_none());
    assert!(of(&store, &fp(1))
        .unwrap()
        .iter()
        .all(|i| i.last_test.is_none()));
    // Nothing tested: the certificate's own last test is untouched too.
    assert_eq!(store.get(&fp(1)).unwrap().last_test, None);
}

#[test]
fn the_exit_code_names_the_worst_outcome_first() {
    let outcome = |code: Option<crate::tested::Kind>| Outcome {
        certificate: "C".into(),
        integration: "I".into(),
        url: "https://a.example/".into(),
        verdict: code.map(|k| crate::connect::Verdict {
            verdict: k,
            headline: String::new(),
            message: String::new(),
            http_status: None,
            status_line: None,
            url: String::new(),
            certificate_requested: false,
            acceptable_issuers: Vec::new(),
            certificate_sha256: String::new(),
            server: None,
            server_trusted_by_fingerprint: false,
            detail: String::new(),
            elapsed_ms: 0,
        }),
        not_tested: code.is_none().then(|| "why".into()),
        needs_password: false,
    };
    use crate::tested::Kind::*;
    let code = |kinds: &[Option<crate::tested::Kind>]| {
        Checked {
            outcomes: kinds.iter().map(|k| outcome(*k)).collect(),
            not_remembered: None,
        }
        .exit_code()
    };
    assert_eq!(code(&[Some(Accepted), Some(Accepted)]), 0);
    assert_eq!(code(&[Some(Accepted), Some(Unreachable)]), 7);
    assert_eq!(code(&[Some(Unreachable), Some(Refused)]), 4);
    assert_eq!(code(&[Some(NotRequested), Some(ServerUntrusted)]), 5);
    assert_eq!(code(&[Some(Refused), None]), EXIT_NOT_TESTED);
}

#[test]
fn a_typed_password_never_shows_in_debug_output() {
    let chosen = Chosen::Listed {
        id: fp(1),
        typed: Some(zeroize::Zeroizing::new("hunter2-secret".into())),
    };
    let shown = format!("{chosen:?}");
    assert!(!shown.contains("hunter2-secret"), "{shown}");
    assert!(shown.contains("<redacted>"), "{shown}");
}
