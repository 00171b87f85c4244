use std::sync::Arc;

use jiff::tz::TimeZone;
use keyring_core::{mock, CredentialStore};

use super::*;
use crate::engine::{self, pkcs12, RawRequest};
use crate::ids::hex;
use crate::store::atomic;
use crate::store::Record;

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
    let revoked = revoke_listed(&store, &record, Reason::KeyCompromise);
    assert_eq!(revoked.serial, record.described.serial);
    let again = revoke(
        &store,
        &Revoking::Listed(record.described.sha256_fingerprint),
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
    assert_eq!(serials, vec![record.described.serial.to_string()]);
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
        &Revoking::Listed(own_record.described.sha256_fingerprint),
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
        record.described.serial = Serial::from_bytes(&[u8::try_from(before + 1).unwrap()]).unwrap();
        // A revocation written like `revoke`, stopping dead after `step`.
        let _ = file::change(&store, Some(step), |now| {
            let mut authority = now.unwrap();
            authority.revoked.push(Revoked {
                serial: record.described.serial.clone(),
                sha256_fingerprint: Some(record.described.sha256_fingerprint),
                nickname: Some(record.described.nickname.clone()),
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
    remove(&store, &k, OnRemove::KeepRevocations).unwrap();
    assert!(load(&store).unwrap().is_none());
    assert_eq!(
        k.open()
            .unwrap()
            .read_secret(&a.keychain_account)
            .unwrap_err(),
        KeychainError::NotFound
    );
    assert!(matches!(
        remove(&store, &k, OnRemove::KeepRevocations).unwrap_err(),
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
    let err = remove(&store, &k, OnRemove::KeepRevocations).unwrap_err();
    assert!(
        err.to_string().starts_with("The authority was not removed"),
        "{err}"
    );
    assert!(load(&store).unwrap().is_some());
    // The fault was one-off: it all works again.
    export_crl(&store, &k, &clock(), &path).unwrap();
}

/// A certificate signed by `a`, listed.
fn signed_listed(store: &Store, k: &Keychains, a: &Authority, nickname: &str) -> Record {
    let req = signed_request(nickname, "2027-06-30", "ecdsa-p256");
    let signer = signer(a, k, SignatureHash::Sha256, "test").unwrap();
    let key = engine::certificate::generate_key(req.signing()).unwrap();
    let issued = engine::issue_signed(&req, &clock(), key, Some(&signer)).unwrap();
    let record = Record::new(&issued.facts, Path::new("/tmp/s.p12"), None, clock().now);
    store.add_new(record.clone()).unwrap();
    record
}

/// The serials a CRL file lists, and its number.
fn crl_at(path: &Path) -> (Vec<String>, u64) {
    let pem = std::fs::read_to_string(path).unwrap();
    let der = pem::parse(&pem).unwrap().into_contents();
    let (_, crl) = x509_parser::parse_x509_crl(&der).unwrap();
    let serials = crl
        .iter_revoked_certificates()
        .map(|r| hex(r.raw_serial(), ":"))
        .collect();
    let number = u64::try_from(crl.crl_number().unwrap().clone()).unwrap();
    (serials, number)
}

fn restore_from(store: &Store, k: &Keychains, path: &Path, b: &Backup) -> Authority {
    restore(
        store,
        k,
        &std::fs::read(path).unwrap(),
        b.password.expose(),
        path,
        &clock(),
    )
    .unwrap()
}

/// Revokes the listed certificate `record` now.
fn revoke_listed(store: &Store, record: &Record, reason: Reason) -> Revoked {
    revoke(
        store,
        &Revoking::Listed(record.described.sha256_fingerprint),
        reason,
        &clock(),
    )
    .unwrap()
}

/// The review's reproduction: revoke, list, back up, remove, restore, list
/// again. The new list must still name the revoked certificate, with a
/// higher number, and the list must still show it revoked.
#[test]
fn a_revocation_survives_backup_removal_and_restore() {
    let (d, store, k) = setup();
    let a = create(&store, &k, "Acme", None, &clock()).unwrap();
    let record = signed_listed(&store, &k, &a, "Compromised");
    revoke_listed(&store, &record, Reason::KeyCompromise);
    let first = export_crl(&store, &k, &clock(), &d.path().join("1.pem")).unwrap();
    let b = backup(&store, &k).unwrap();
    let path = d.path().join("backup.p12");
    save_backup(&b, &path).unwrap();
    remove(&store, &k, OnRemove::KeepRevocations).unwrap();
    let restored = restore_from(&store, &k, &path, &b);
    let r = restored.revocation_of(&record).expect("still revoked");
    assert_eq!(r.reason, Reason::KeyCompromise);
    assert_eq!(r.nickname.as_deref(), Some("Compromised"));
    let later = Clock {
        now: "2026-12-02T11:00:00Z".parse().unwrap(),
        ..clock()
    };
    export_crl(&store, &k, &later, &d.path().join("2.pem")).unwrap();
    let (serials, number) = crl_at(&d.path().join("2.pem"));
    assert_eq!(serials, vec![record.described.serial.to_string()]);
    assert!(number > first.number, "{number} > {}", first.number);
    // Kept revocations were merged: nothing is left kept, nothing doubled.
    assert!(file::kept(&store).unwrap().is_empty());
    assert_eq!(load(&store).unwrap().unwrap().revoked.len(), 1);
}

/// A backup made before a revocation, restored after the authority was
/// removed, still gets the revocation: removal kept it. Forgetting them is
/// the admin's explicit choice; a backup still carries its own.
#[test]
fn removal_keeps_revocations_unless_told_and_restore_merges_them() {
    let (d, store, k) = setup();
    let a = create(&store, &k, "Acme", None, &clock()).unwrap();
    let early = signed_listed(&store, &k, &a, "Early");
    revoke_listed(&store, &early, Reason::Superseded);
    let b = backup(&store, &k).unwrap();
    let path = d.path().join("old-backup.p12");
    save_backup(&b, &path).unwrap();
    let late = signed_listed(&store, &k, &a, "Late");
    revoke_listed(&store, &late, Reason::KeyCompromise);
    remove(&store, &k, OnRemove::KeepRevocations).unwrap();
    assert_eq!(file::kept(&store).unwrap().len(), 1);
    let restored = restore_from(&store, &k, &path, &b);
    assert!(restored.revocation_of(&early).is_some(), "from the backup");
    assert!(restored.revocation_of(&late).is_some(), "kept at removal");

    // Forgotten on removal: only what the backup carries comes back.
    remove(&store, &k, OnRemove::ForgetRevocations).unwrap();
    assert!(file::kept(&store).unwrap().is_empty());
    let restored = restore_from(&store, &k, &path, &b);
    assert!(restored.revocation_of(&early).is_some());
    assert!(restored.revocation_of(&late).is_none());
}

#[test]
fn any_certificate_the_authority_signed_can_be_revoked_by_serial() {
    let (d, store, k) = setup();
    let a = create(&store, &k, "Acme", None, &clock()).unwrap();
    let listed = signed_listed(&store, &k, &a, "Listed");
    // Made elsewhere with the same authority, never listed here.
    let r = revoke(
        &store,
        &Revoking::Serial(Serial::parse("7A:11:22:33").unwrap()),
        Reason::CessationOfOperation,
        &clock(),
    )
    .unwrap();
    assert_eq!((r.nickname, r.sha256_fingerprint), (None, None));
    // By the serial of a listed one: it lends its names.
    let r = revoke(
        &store,
        &Revoking::Serial(listed.described.serial.clone()),
        Reason::Unspecified,
        &clock(),
    )
    .unwrap();
    assert_eq!(r.nickname.as_deref(), Some("Listed"));
    let again = revoke(
        &store,
        &Revoking::Serial(Serial::parse("7A:11:22:33").unwrap()),
        Reason::Unspecified,
        &clock(),
    )
    .unwrap_err();
    assert!(
        again
            .to_string()
            .contains("serial 7A:11:22:33 was already revoked"),
        "{again}"
    );
    export_crl(&store, &k, &clock(), &d.path().join("c.pem")).unwrap();
    let (mut serials, _) = crl_at(&d.path().join("c.pem"));
    serials.sort();
    let mut expected = vec![
        "7A:11:22:33".to_string(),
        listed.described.serial.to_string(),
    ];
    expected.sort();
    assert_eq!(serials, expected);
}

/// A certificate the authority signed, added from a file (no `signedBy`
/// in its record, as earlier builds added them), can be revoked: its
/// signature is checked, and the list then records who signed it.
#[test]
fn an_added_certificate_the_authority_signed_is_recognised() {
    let (_d, store, k) = setup();
    let a = create(&store, &k, "Acme", None, &clock()).unwrap();
    let mut record = signed_listed(&store, &k, &a, "Added");
    record.signed_by = None;
    store.add(record.clone()).unwrap();
    assert!(a.issued(&record.certificate_der().unwrap()));
    revoke_listed(&store, &record, Reason::Unspecified);
    let now = store.get(&record.described.sha256_fingerprint).unwrap();
    assert_eq!(now.signed_by, Some(a.signed_by()));
    // Another authority's certificate is not recognised.
    let (_d2, other_store, k2) = setup();
    let other = create(&other_store, &k2, "Other", None, &clock()).unwrap();
    let theirs = signed_listed(&other_store, &k2, &other, "Theirs");
    assert!(!a.issued(&theirs.certificate_der().unwrap()));
}

#[test]
fn a_revocation_list_never_drops_a_serial_an_earlier_one_named() {
    let (d, store, k) = setup();
    let a = create(&store, &k, "Acme", None, &clock()).unwrap();
    let record = signed_listed(&store, &k, &a, "Dropped");
    revoke_listed(&store, &record, Reason::Unspecified);
    export_crl(&store, &k, &clock(), &d.path().join("1.pem")).unwrap();
    // The file edited by hand (or by a buggy build): the revocation gone.
    file::change(&store, None, |now| {
        let mut a = now.unwrap();
        a.revoked.clear();
        Ok((Some(a), ()))
    })
    .unwrap();
    let err = export_crl(&store, &k, &clock(), &d.path().join("2.pem")).unwrap_err();
    assert!(matches!(err, AuthorityError::WouldDrop(_)), "{err}");
    assert!(
        err.to_string()
            .contains(&record.described.serial.to_string()),
        "{err}"
    );
    assert!(!d.path().join("2.pem").exists());
}

#[test]
fn an_expired_authority_signs_no_revocation_list() {
    let (d, store, k) = setup();
    let a = create(&store, &k, "Acme", Some("2026-12-10"), &clock()).unwrap();
    let after = Clock {
        now: a
            .not_after
            .checked_add(jiff::SignedDuration::from_hours(1))
            .unwrap(),
        ..clock()
    };
    let path = d.path().join("late.pem");
    let err = export_crl(&store, &k, &after, &path).unwrap_err();
    assert!(matches!(err, AuthorityError::Expired { .. }), "{err}");
    assert!(err.to_string().contains("expired on 2026-12-10"), "{err}");
    assert!(!path.exists());
    // Until its last moment, the list ends with the authority, never before
    // it starts.
    let before = Clock {
        now: a
            .not_after
            .checked_sub(jiff::SignedDuration::from_hours(1))
            .unwrap(),
        ..clock()
    };
    let made = export_crl(&store, &k, &before, &path).unwrap();
    assert!(made.next_update > made.this_update);
    assert_eq!(made.next_update, a.not_after);
}

/// The keychain entry holds another RSA key than the authority's: nothing
/// is signed, and the message says what to do.
#[test]
fn another_key_in_the_keychain_signs_nothing() {
    let (d, store, k) = setup();
    let a = create(&store, &k, "Acme", None, &clock()).unwrap();
    let stranger = profile::generate_key().unwrap();
    let keychain = k.open().unwrap();
    keychain.delete(&a.keychain_account).unwrap();
    keychain
        .store_secret(&a.keychain_account, stranger.serialized_der())
        .unwrap();
    let err = signer(&a, &k, SignatureHash::Sha256, "test").unwrap_err();
    assert!(matches!(err, AuthorityError::KeyMismatch { .. }), "{err}");
    assert!(
        err.to_string().contains("is not the authority's key"),
        "{err}"
    );
    let path = d.path().join("crl.pem");
    assert!(matches!(
        export_crl(&store, &k, &clock(), &path).unwrap_err(),
        AuthorityError::KeyMismatch { .. }
    ));
    assert!(!path.exists());
    assert!(matches!(
        backup(&store, &k).unwrap_err(),
        AuthorityError::KeyMismatch { .. }
    ));
}

/// Two restores of one backup at once: the one that finds the authority
/// already written must not delete the keychain entry the other one uses.
#[test]
fn a_second_restore_of_the_same_backup_keeps_the_live_key() {
    let (d, store, k) = setup();
    create(&store, &k, "Acme", None, &clock()).unwrap();
    let b = backup(&store, &k).unwrap();
    let path = d.path().join("b.p12");
    save_backup(&b, &path).unwrap();
    let (_d2, other, k2) = setup();
    let winner = restore_from(&other, &k2, &path, &b);
    // The loser got as far as storing the (same) key, then found the
    // authority written: what `restore` does after its own checks.
    let loser = winner.clone();
    let keychain = k2.open().unwrap();
    let err = record_new(&other, &keychain, loser).unwrap_err();
    assert!(matches!(err, AuthorityError::Exists(_)), "{err}");
    assert!(keychain.read_secret(&winner.keychain_account).is_ok());
    signer(&winner, &k2, SignatureHash::Sha256, "test").unwrap();
}
