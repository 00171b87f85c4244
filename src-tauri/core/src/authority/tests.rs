use std::sync::Arc;

use jiff::tz::TimeZone;
use keyring_core::{mock, CredentialStore};

use super::*;
use crate::engine::{self, RawRequest};
use crate::store::atomic;

fn clock() -> Clock {
    Clock {
        now: "2026-12-02T10:00:00Z".parse().unwrap(),
        zone: TimeZone::get("Europe/Berlin").unwrap(),
    }
}

fn keychains() -> Keychains {
    let store: Arc<CredentialStore> = mock::Store::new().unwrap();
    Keychains::Fixed(store)
}

fn setup() -> (tempfile::TempDir, Store, Keychains) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::at(dir.path());
    (dir, store, keychains())
}

#[test]
fn names_and_dates_are_parsed_with_the_field_named() {
    let (_d, store, k) = setup();
    let err = create(&store, &k, " ", Some("2020-01-01"), &clock()).unwrap_err();
    let AuthorityError::Invalid(errors) = &err else {
        panic!("{err}")
    };
    assert_eq!(errors.len(), 2, "{err}");
    assert_eq!(errors[0].field, Field::AuthorityName);
    assert_eq!(errors[1].field, Field::AuthorityEndDate);
    assert!(err
        .to_string()
        .contains("Authority valid until: 2020-01-01 is outside"));
    let err = create(&store, &k, "a/b", Some("2050-01-01"), &clock()).unwrap_err();
    assert!(
        err.to_string().contains("Authority name: only letters"),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("choose a date from 2026-12-03 to 2046-12-02"),
        "{err}"
    );
    assert!(load(&store).unwrap().is_none(), "nothing written");
}

#[test]
fn the_authority_certificate_has_the_profile() {
    let (_d, store, k) = setup();
    let a = create(&store, &k, "Acme integrations", None, &clock()).unwrap();
    assert_eq!(a.subject, "CN=Acme integrations");
    assert_eq!(a.not_after.to_string(), "2036-12-02T22:59:59Z");
    let der = a.certificate_der().unwrap();
    let (_, c) = x509_parser::parse_x509_certificate(&der).unwrap();
    assert_eq!(c.version(), x509_parser::x509::X509Version::V3);
    let bc = c.basic_constraints().unwrap().unwrap();
    assert!(bc.critical && bc.value.ca);
    assert_eq!(bc.value.path_len_constraint, Some(0));
    let ku = c.key_usage().unwrap().unwrap();
    assert!(ku.critical && ku.value.key_cert_sign() && ku.value.crl_sign());
    assert!(!ku.value.digital_signature());
    assert!(c
        .extensions()
        .iter()
        .any(|e| e.oid == x509_parser::oid_registry::OID_X509_EXT_SUBJECT_KEY_IDENTIFIER));
    assert_eq!(
        c.public_key().algorithm.algorithm.to_id_string(),
        "1.2.840.113549.1.1.1"
    );
    // The key went to the keychain, never to the folder.
    let key = k.open().unwrap().read_secret(&a.keychain_account).unwrap();
    assert!(key.len() > 1500 && key.len() < 2560, "{}", key.len());
    assert!(a
        .keychain_account
        .starts_with("Authority: Acme integrations ("));
    for entry in std::fs::read_dir(store.dir()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!bytes.windows(64).any(|w| w == &key[key.len() - 64..]));
    }
    // One authority per computer.
    let again = create(&store, &k, "Other", None, &clock()).unwrap_err();
    assert!(matches!(again, AuthorityError::Exists(ref n) if n == "Acme integrations"));
}

fn signed_request(nickname: &str, end: &str, key: &str) -> Request {
    let raw = RawRequest {
        nickname: nickname.into(),
        end_date: end.into(),
        key_type: Some(key.into()),
        signed_by: Some("authority".into()),
        ..RawRequest::default()
    };
    Request::parse(&raw, clock().today(), []).unwrap()
}

#[test]
fn signed_certificates_name_the_authority_and_carry_it_in_the_file() {
    let (_d, store, k) = setup();
    let a = create(&store, &k, "Acme integrations", None, &clock()).unwrap();
    for key in ["ecdsa-p384", "rsa-2048"] {
        let req = signed_request("Billing", "2027-06-30", key);
        assert!(check_request(Some(&a), &req, &clock()).is_empty());
        let signer = signer(&a, &k, req.signature_hash(), "test").unwrap();
        let issued = engine::issue_signed(
            &req,
            &clock(),
            engine::certificate::generate_key(req.signing()).unwrap(),
            Some(&signer),
        )
        .unwrap();
        assert_eq!(issued.facts.signed_by, Some(a.signed_by()));
        let (_, c) = x509_parser::parse_x509_certificate(&issued.facts.certificate_der).unwrap();
        assert_eq!(c.issuer().to_string(), "CN=Acme integrations");
        assert!(c
            .extensions()
            .iter()
            .any(|e| e.oid == x509_parser::oid_registry::OID_X509_EXT_AUTHORITY_KEY_IDENTIFIER));
        let ca = a.certificate_der().unwrap();
        let (_, cac) = x509_parser::parse_x509_certificate(&ca).unwrap();
        c.verify_signature(Some(cac.public_key())).unwrap();
        let opened = pkcs12::read::open(
            &issued.p12,
            issued.password.expose(),
            &pkcs12::read::Limits::default(),
        )
        .unwrap();
        let certs: Vec<&Vec<u8>> = opened.certificates.iter().map(|b| &b.value).collect();
        assert_eq!(certs.len(), 2);
        assert!(certs.contains(&&ca));
    }
}

#[test]
fn a_signed_certificate_may_not_outlive_the_authority() {
    let (_d, store, k) = setup();
    let a = create(&store, &k, "Short", Some("2027-01-31"), &clock()).unwrap();
    let req = signed_request("Billing", "2027-02-01", "ecdsa-p256");
    let errors = check_request(Some(&a), &req, &clock());
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field, Field::EndDate);
    assert!(
        errors[0].message.contains("valid until 2027-01-31"),
        "{}",
        errors[0].message
    );
    let none = check_request(None, &req, &clock());
    assert_eq!(none[0].field, Field::SignedBy);
    // The engine refuses it too, whoever calls it.
    let signer = signer(&a, &k, SignatureHash::Sha256, "test").unwrap();
    let key = engine::certificate::generate_key(req.signing()).unwrap();
    let err = engine::issue_signed(&req, &clock(), key, Some(&signer)).unwrap_err();
    assert!(err.to_string().contains("outlive"), "{err}");
}

#[test]
fn a_keychain_that_fails_stops_creation_before_anything_is_written() {
    let (_d, store, _) = setup();
    let mock: Arc<CredentialStore> = mock::Store::new().unwrap();
    // Every entry of the mock store fails the next call: the probe.
    let keychains = Keychains::Fixed(mock.clone());
    let probe = keychains
        .open()
        .unwrap()
        .entry(&format!("{ACCOUNT_PREFIX}probe"))
        .unwrap();
    probe
        .as_any()
        .downcast_ref::<mock::Cred>()
        .unwrap()
        .set_error(keyring_core::Error::NoStorageAccess(
            "the collection is locked".into(),
        ));
    let err = create(&store, &keychains, "Acme", None, &clock()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("The authority was not created: the keychain is locked"),
        "{err}"
    );
    assert!(load(&store).unwrap().is_none());
}

#[test]
fn revocation_and_the_crl() {
    let (d, store, k) = setup();
    let a = create(&store, &k, "Acme", None, &clock()).unwrap();
    let req = signed_request("Billing", "2027-06-30", "ecdsa-p256");
    let signer = signer(&a, &k, SignatureHash::Sha256, "test").unwrap();
    let key = engine::certificate::generate_key(req.signing()).unwrap();
    let issued = engine::issue_signed(&req, &clock(), key, Some(&signer)).unwrap();
    let record = Record::new(&issued.facts, Path::new("/tmp/b.p12"), None, clock().now);
    store.add_new(record.clone()).unwrap();
    let revoked = revoke(
        &store,
        &record.sha256_fingerprint,
        Reason::KeyCompromise,
        &clock(),
    )
    .unwrap();
    assert_eq!(revoked.serial, record.serial);
    let again = revoke(
        &store,
        &record.sha256_fingerprint,
        Reason::Unspecified,
        &clock(),
    )
    .unwrap_err();
    assert!(
        again.to_string().contains("already revoked on 2026-12-02"),
        "{again}"
    );
    assert!(!load(&store).unwrap().unwrap().crl_out_of_date());

    let path = d.path().join("acme.crl.pem");
    let made = export_crl(&store, &k, &clock(), &path).unwrap();
    assert_eq!(made.revoked, 1);
    assert_eq!(made.next_update.to_string(), "2027-05-31T09:55:00Z");
    let pem = std::fs::read_to_string(&path).unwrap();
    let der = pem::parse(&pem).unwrap().into_contents();
    let (_, crl) = x509_parser::parse_x509_crl(&der).unwrap();
    assert_eq!(crl.issuer().to_string(), "CN=Acme");
    let serials: Vec<String> = crl
        .iter_revoked_certificates()
        .map(|r| hex(r.raw_serial(), ":"))
        .collect();
    assert_eq!(serials, vec![record.serial.clone()]);
    // Never over an existing file.
    assert!(export_crl(&store, &k, &clock(), &path).is_err());
    let later = Clock {
        now: "2026-12-02T10:00:00Z".parse().unwrap(),
        ..clock()
    };
    let second = export_crl(&store, &k, &later, &d.path().join("2.pem")).unwrap();
    assert!(second.number > made.number, "numbers keep increasing");

    // A self-signed certificate cannot be revoked here.
    let own = engine::issue(
        &Request::parse(
            &RawRequest {
                nickname: "Own".into(),
                end_date: "2027-01-31".into(),
                ..RawRequest::default()
            },
            clock().today(),
            [],
        )
        .unwrap(),
        &clock(),
    )
    .unwrap();
    let own_record = Record::new(&own.facts, Path::new("/tmp/o.p12"), None, clock().now);
    store.add_new(own_record.clone()).unwrap();
    let err = revoke(
        &store,
        &own_record.sha256_fingerprint,
        Reason::Unspecified,
        &clock(),
    )
    .unwrap_err();
    assert!(matches!(err, AuthorityError::NotSignedHere(_)), "{err}");
}

#[test]
fn a_crash_at_every_write_step_keeps_the_old_or_the_new_revocations() {
    let (_d, store, k) = setup();
    create(&store, &k, "Acme", None, &clock()).unwrap();
    let mut record = Record::new(
        &engine::issue(&signed_request("X", "2027-01-31", "ecdsa-p256"), &clock())
            .unwrap()
            .facts,
        Path::new("/tmp/x.p12"),
        None,
        clock().now,
    );
    for step in atomic::Step::ALL {
        let before = load(&store).unwrap().unwrap().revoked.len();
        record.serial = format!("{:02X}", before + 1);
        // A revocation written like `revoke`, stopping dead after `step`.
        let _ = file::change(&store, Some(step), |now| {
            let mut authority = now.unwrap();
            authority.revoked.push(Revoked {
                serial: record.serial.clone(),
                sha256_fingerprint: record.sha256_fingerprint.clone(),
                nickname: record.nickname.clone(),
                at: clock().now,
                reason: Reason::Unspecified,
            });
            Ok((Some(authority), ()))
        });
        let after = load(&store).unwrap().unwrap().revoked.len();
        assert!(after == before || after == before + 1, "{step:?}");
    }
}

#[test]
fn backup_restores_on_another_computer_and_keeps_signing() {
    let (d, store, k) = setup();
    let a = create(&store, &k, "Acme", None, &clock()).unwrap();
    let b = backup(&store, &k).unwrap();
    assert!(!format!("{b:?}").contains(b.password.expose()));
    let path = d.path().join("acme-backup.p12");
    save_backup(&b, &path).unwrap();

    let (_d2, other, k2) = setup();
    let wrong = restore(
        &other,
        &k2,
        &std::fs::read(&path).unwrap(),
        "nope",
        &path,
        &clock(),
    )
    .unwrap_err();
    assert!(matches!(wrong, AuthorityError::WrongPassword), "{wrong}");
    assert!(load(&other).unwrap().is_none());
    let r = restore(
        &other,
        &k2,
        &std::fs::read(&path).unwrap(),
        b.password.expose(),
        &path,
        &clock(),
    )
    .unwrap();
    assert_eq!(r.sha256_fingerprint, a.sha256_fingerprint);
    assert_eq!(r.keychain_account, a.keychain_account);
    let req = signed_request("After", "2027-01-31", "ecdsa-p256");
    let s = signer(&r, &k2, SignatureHash::Sha256, "test").unwrap();
    let key = engine::certificate::generate_key(req.signing()).unwrap();
    let issued = engine::issue_signed(&req, &clock(), key, Some(&s)).unwrap();
    let (_, c) = x509_parser::parse_x509_certificate(&issued.facts.certificate_der).unwrap();
    let ca = a.certificate_der().unwrap();
    let (_, cac) = x509_parser::parse_x509_certificate(&ca).unwrap();
    c.verify_signature(Some(cac.public_key())).unwrap();

    // A certificate's own .p12 is not an authority.
    let (_d3, third, k3) = setup();
    let leaf = engine::issue(&signed_request("Leaf", "2027-01-31", "rsa-2048"), &clock()).unwrap();
    let err = restore(
        &third,
        &k3,
        &leaf.p12,
        leaf.password.expose(),
        &path,
        &clock(),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("not an issuing authority"),
        "{err}"
    );
}

#[test]
fn remove_deletes_the_key_first() {
    let (_d, store, k) = setup();
    let a = create(&store, &k, "Acme", None, &clock()).unwrap();
    remove(&store, &k).unwrap();
    assert!(load(&store).unwrap().is_none());
    assert_eq!(
        k.open()
            .unwrap()
            .read_secret(&a.keychain_account)
            .unwrap_err(),
        KeychainError::NotFound
    );
    assert!(matches!(
        remove(&store, &k).unwrap_err(),
        AuthorityError::None
    ));
}

#[test]
fn a_damaged_file_is_reported_and_left_alone() {
    let (_d, store, _) = setup();
    std::fs::write(file::path(&store), b"{not json").unwrap();
    let err = load(&store).unwrap_err();
    assert!(err.to_string().contains("is damaged"), "{err}");
    assert_eq!(std::fs::read(file::path(&store)).unwrap(), b"{not json");
    std::fs::write(file::path(&store), br#"{"format": 9, "authority": 1}"#).unwrap();
    assert!(matches!(
        load(&store).unwrap_err(),
        AuthorityError::NewerFormat { found: 9, .. }
    ));
}

#[test]
fn reasons_parse_by_token() {
    assert_eq!(Reason::parse("").unwrap(), Reason::Unspecified);
    assert_eq!(
        Reason::parse(" Key-Compromise ").unwrap(),
        Reason::KeyCompromise
    );
    let err = Reason::parse("stolen").unwrap_err();
    assert_eq!(err.field, Field::RevocationReason);
    assert!(err.message.contains("key-compromise"));
}

/// Fails the next call on the authority's keychain entry with `error`.
fn fail_next(k: &Keychains, account: &str, error: keyring_core::Error) {
    k.open()
        .unwrap()
        .entry(account)
        .unwrap()
        .as_any()
        .downcast_ref::<mock::Cred>()
        .unwrap()
        .set_error(error);
}

#[test]
fn a_keychain_that_refuses_or_is_locked_stops_signing_and_the_crl() {
    let (d, store, k) = setup();
    let a = create(&store, &k, "Acme", None, &clock()).unwrap();
    fail_next(
        &k,
        &a.keychain_account,
        keyring_core::Error::NoStorageAccess("prompt dismissed: access denied".into()),
    );
    let err = signer(
        &a,
        &k,
        SignatureHash::Sha256,
        "The certificate was not made",
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("The certificate was not made: the keychain refused access"),
        "{err}"
    );
    fail_next(
        &k,
        &a.keychain_account,
        keyring_core::Error::NoStorageAccess("the collection is locked".into()),
    );
    let path = d.path().join("crl.pem");
    let err = export_crl(&store, &k, &clock(), &path).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("The revocation list was not made: the keychain is locked"),
        "{err}"
    );
    assert!(!path.exists(), "no file");
    assert!(load(&store).unwrap().unwrap().last_crl.is_none());
    fail_next(
        &k,
        &a.keychain_account,
        keyring_core::Error::NoStorageAccess("access denied".into()),
    );
    let err = backup(&store, &k).unwrap_err();
    assert!(
        err.to_string().starts_with("The backup was not made"),
        "{err}"
    );
    // A keychain that refuses the deletion keeps the authority whole.
    fail_next(
        &k,
        &a.keychain_account,
        keyring_core::Error::NoStorageAccess("access denied".into()),
    );
    let err = remove(&store, &k).unwrap_err();
    assert!(
        err.to_string().starts_with("The authority was not removed"),
        "{err}"
    );
    assert!(load(&store).unwrap().is_some());
    // The fault was one-off: it all works again.
    export_crl(&store, &k, &clock(), &path).unwrap();
}
