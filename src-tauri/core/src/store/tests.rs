use std::fs;

use super::atomic::Step;
use super::*;
use crate::engine::{Encryption, KeyType, SignatureHash};

/// The id of the test record `n`.
pub(crate) fn fp(n: usize) -> Fingerprint {
    Fingerprint::of(format!("FP:{n:04}").as_bytes())
}

/// An integration not tested yet, trusting no server of its own.
pub(crate) fn integration(name: &str, url: &str) -> Integration {
    Integration {
        name: name.into(),
        url: url.into(),
        note: String::new(),
        trust_server: None,
        last_test: None,
        moved: None,
    }
}

pub(crate) fn record(n: usize, not_after: &str) -> Record {
    Record {
        described: crate::engine::Described {
            sha256_fingerprint: fp(n),
            nickname: format!("Cert {n}"),
            subject: format!("CN=Cert {n}"),
            serial: crate::ids::Serial::from_bytes(&n.to_be_bytes()).unwrap(),
            sha1_thumbprint: format!("{n:040X}"),
            not_before: "2026-01-01T00:00:00Z".parse().unwrap(),
            not_after: not_after.parse().unwrap(),
            zone: "UTC".into(),
            not_after_local: not_after.into(),
            key_type: KeyType::EcdsaP256,
            signature_hash: SignatureHash::Sha256,
            encryption: Encryption::Aes256,
        },
        certificate_pem: String::new(),
        file: format!("/tmp/cert-{n}.p12"),
        keychain_account: None,
        pem_file: None,
        recorded_at: "2026-01-01T00:00:00Z".parse().unwrap(),
        last_test: None,
        added: None,
        signed_by: None,
        requested_from: None,
        integrations: Vec::new(),
        replaces: None,
    }
}

fn names(store: &Store) -> Vec<String> {
    store
        .load()
        .unwrap()
        .records
        .into_iter()
        .map(|r| r.described.nickname)
        .collect()
}

#[test]
fn a_missing_folder_is_an_empty_list_and_is_created_on_write() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::at(tmp.path().join("a/b"));
    assert!(store.load().unwrap().records.is_empty());
    store.add(record(1, "2027-01-01T00:00:00Z")).unwrap();
    assert_eq!(names(&store), ["Cert 1"]);
    let text = fs::read_to_string(store.list_path()).unwrap();
    assert!(text.contains(&format!("\"format\": {FORMAT}")), "{text}");
}

#[test]
fn older_lists_are_read_as_they_are_and_written_back_in_the_current_format() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::at(tmp.path());
    let old = serde_json::to_value(record(1, "2027-01-01T00:00:00Z")).unwrap();
    assert!(old.get("lastTest").is_none() && old.get("added").is_none());
    assert!(old.get("signedBy").is_none());
    let file = serde_json::json!({"format": 2, "certificates": [old]});
    fs::write(store.list_path(), serde_json::to_vec(&file).unwrap()).unwrap();
    assert_eq!(
        store.get(&fp(1)).unwrap(),
        record(1, "2027-01-01T00:00:00Z")
    );
    store.add(record(2, "2027-02-01T00:00:00Z")).unwrap();
    let text = fs::read_to_string(store.list_path()).unwrap();
    assert!(text.contains(&format!("\"format\": {FORMAT}")), "{text}");
    assert_eq!(names(&store), ["Cert 1", "Cert 2"]);
}

#[test]
fn records_come_back_sorted_by_expiry_and_change_by_fingerprint() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::at(tmp.path());
    store.add(record(1, "2028-01-01T00:00:00Z")).unwrap();
    store.add(record(2, "2026-06-01T00:00:00Z")).unwrap();
    store.add(record(3, "2027-01-01T00:00:00Z")).unwrap();
    assert_eq!(names(&store), ["Cert 2", "Cert 3", "Cert 1"]);
    // Adding the same certificate again replaces its record.
    store.add(record(3, "2027-01-01T00:00:00Z")).unwrap();
    assert_eq!(store.load().unwrap().records.len(), 3);

    let r = store
        .set_keychain_account(&fp(3), Some("Cert 3 (00000003)".into()))
        .unwrap();
    assert!(r.in_keychain());
    assert_eq!(
        store.get(&fp(3)).unwrap().keychain_account.as_deref(),
        Some("Cert 3 (00000003)")
    );
    assert_eq!(store.remove(&fp(2)).unwrap().described.nickname, "Cert 2");
    assert_eq!(names(&store), ["Cert 3", "Cert 1"]);
    assert!(matches!(store.remove(&fp(2)), Err(StoreError::NotFound)));
    assert!(matches!(store.get(&fp(99)), Err(StoreError::NotFound)));
    assert!(matches!(
        store.set_keychain_account(&fp(99), None),
        Err(StoreError::NotFound)
    ));
}

#[test]
fn a_crash_after_any_step_leaves_a_loadable_list() {
    for step in Step::ALL {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::at(tmp.path());
        store.add(record(1, "2027-01-01T00:00:00Z")).unwrap();
        {
            let _lock = store.lock().unwrap();
            let records = vec![
                record(1, "2027-01-01T00:00:00Z"),
                record(2, "2027-02-01T00:00:00Z"),
            ];
            let err = store.write_locked(&records, Some(step)).unwrap_err();
            assert!(err.to_string().contains("simulated crash"), "{err}");
        }
        // Before the rename the old list is intact; after it, the new one.
        let loaded = store.load().unwrap();
        assert!(loaded.damaged.is_empty(), "{step:?}: {:?}", loaded.damaged);
        let expected = if step == Step::Renamed { 2 } else { 1 };
        assert_eq!(loaded.records.len(), expected, "{step:?}");
        // The next write cleans up what the crash left.
        store.add(record(3, "2027-03-01T00:00:00Z")).unwrap();
        let left: Vec<String> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        assert!(left.is_empty(), "{step:?}: {left:?}");
        assert_eq!(store.load().unwrap().records.len(), expected + 1);
    }
}

#[test]
fn a_damaged_file_is_kept_aside_and_reported_until_dismissed() {
    for garbage in [
        &b"{\"format\": 1, \"certificates\": [ {\"nick"[..],
        b"\x00\x01not json",
        b"[]",
        b"",
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::at(tmp.path());
        fs::write(store.list_path(), garbage).unwrap();
        let loaded = store.load().unwrap();
        let [damaged] = loaded.damaged.as_slice() else {
            panic!("reported: {:?}", loaded.damaged)
        };
        assert!(loaded.records.is_empty());
        assert_eq!(damaged.records, None, "the whole file");
        assert_eq!(
            fs::read(&damaged.kept_as).unwrap(),
            garbage,
            "kept as it was"
        );
        assert!(damaged.kept_as.starts_with(tmp.path()));
        assert!(damaged
            .message()
            .contains(&damaged.kept_as.display().to_string()));
        // Said again on every read, and after a change, until dismissed.
        assert_eq!(store.load().unwrap().damaged, loaded.damaged);
        store.add(record(1, "2027-01-01T00:00:00Z")).unwrap();
        assert_eq!(names(&store), ["Cert 1"]);
        assert_eq!(store.load().unwrap().damaged, loaded.damaged);
        store.dismiss_notices().unwrap();
        assert!(store.load().unwrap().damaged.is_empty());
        assert!(damaged.kept_as.exists(), "never deleted");
    }
}

/// One record that cannot be read hides none of the others: they are read
/// on, the list as it was is kept aside, and the damage is said until the
/// admin dismisses it.
#[test]
fn one_damaged_record_hides_no_other() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::at(tmp.path());
    store.add(record(1, "2027-01-01T00:00:00Z")).unwrap();
    store.add(record(2, "2027-02-01T00:00:00Z")).unwrap();
    let mut value: serde_json::Value =
        serde_json::from_slice(&fs::read(store.list_path()).unwrap()).unwrap();
    let list = value["certificates"].as_array_mut().unwrap();
    list.insert(1, serde_json::json!({ "nickname": 5 }));
    list[2]["notAfter"] = serde_json::json!("not a date");
    let original = serde_json::to_vec_pretty(&value).unwrap();
    fs::write(store.list_path(), &original).unwrap();

    let loaded = store.load().unwrap();
    assert_eq!(names(&store), ["Cert 1"]);
    let [damaged] = loaded.damaged.as_slice() else {
        panic!("{:?}", loaded.damaged)
    };
    assert_eq!(damaged.records, Some(2));
    assert_eq!(fs::read(&damaged.kept_as).unwrap(), original);
    let message = damaged.message();
    assert!(
        message.starts_with("2 certificates in the list could not be read"),
        "{message}"
    );
    assert!(
        message.contains("The other certificates are shown"),
        "{message}"
    );
    // No second copy on the next read; still said.
    let again = store.load().unwrap();
    assert_eq!(again.damaged, loaded.damaged);
    let copies = fs::read_dir(tmp.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains(".damaged-")
        })
        .count();
    assert_eq!(copies, 1);
    store.dismiss_notices().unwrap();
    assert!(store.load().unwrap().damaged.is_empty());
    assert_eq!(names(&store), ["Cert 1"]);
}

#[test]
fn a_newer_format_is_never_touched() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::at(tmp.path());
    let newer = format!(
        r#"{{"format": {}, "certificates": "something new"}}"#,
        FORMAT + 1
    );
    let newer = newer.as_bytes();
    fs::write(store.list_path(), newer).unwrap();
    let err = store.load().unwrap_err();
    assert!(
        matches!(err, StoreError::NewerFormat { found, .. } if found == FORMAT + 1),
        "{err}"
    );
    assert!(err.to_string().contains("newer AuthCert"));
    assert!(store.add(record(1, "2027-01-01T00:00:00Z")).is_err());
    assert_eq!(fs::read(store.list_path()).unwrap(), newer);
}

#[test]
fn an_unreadable_file_is_reported_and_not_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::at(tmp.path());
    // A folder where the file should be: unreadable even for root.
    fs::create_dir(store.list_path()).unwrap();
    let err = store.load().unwrap_err();
    assert!(matches!(err, StoreError::Unreadable { .. }), "{err}");
    assert!(err.to_string().contains(LIST_NAME), "{err}");
    assert!(store.add(record(1, "2027-01-01T00:00:00Z")).is_err());
    assert!(store.list_path().is_dir());
}

#[test]
fn threads_adding_at_once_lose_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let store = Store::at(&dir);
            std::thread::spawn(move || {
                for i in 0..25 {
                    store
                        .add(record(t * 100 + i, "2027-01-01T00:00:00Z"))
                        .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(Store::at(&dir).load().unwrap().records.len(), 100);
}

#[test]
fn settings_default_and_persist_and_refuse_out_of_range() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::at(tmp.path());
    assert_eq!(store.settings().reminder_days, DEFAULT_REMINDER_DAYS);
    store.set_reminder_days(10).unwrap();
    assert_eq!(store.settings().reminder_days, 10);
    for bad in [0, MAX_REMINDER_DAYS + 1] {
        let err = store.set_reminder_days(bad).unwrap_err();
        assert!(err.to_string().starts_with("Reminder window:"), "{err}");
    }
    assert_eq!(store.settings().reminder_days, 10);
    fs::write(tmp.path().join(SETTINGS_NAME), b"{broken").unwrap();
    assert_eq!(store.settings().reminder_days, DEFAULT_REMINDER_DAYS);
}

#[test]
fn a_new_nickname_is_taken_once_under_the_lock() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::at(tmp.path());
    store.add_new(record(1, "2027-01-01T00:00:00Z")).unwrap();
    // Same nickname in another case and spacing, another certificate.
    let mut clash = record(2, "2027-01-01T00:00:00Z");
    clash.described.nickname = "  CERT 1 ".into();
    match store.add_new(clash) {
        Err(StoreError::Duplicate(name)) => assert_eq!(name, "  CERT 1 "),
        other => panic!("{other:?}"),
    }
    // The same certificate twice.
    match store.add_new(record(1, "2027-01-01T00:00:00Z")) {
        Err(StoreError::AlreadyListed(name)) => assert_eq!(name, "Cert 1"),
        other => panic!("{other:?}"),
    }
    assert_eq!(names(&store), ["Cert 1"]);
}

#[test]
fn a_format_1_list_is_read_and_its_keychain_entries_named_by_nickname() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::at(tmp.path());
    let mut old = serde_json::to_value(record(1, "2027-01-01T00:00:00Z")).unwrap();
    old["inKeychain"] = serde_json::Value::Bool(true);
    let file = serde_json::json!({"format": 1, "certificates": [old]});
    fs::write(store.list_path(), serde_json::to_vec(&file).unwrap()).unwrap();
    let r = store.get(&fp(1)).unwrap();
    assert_eq!(r.keychain_account.as_deref(), Some("Cert 1"));
    // Written back in the current format, with the account.
    store.add(record(2, "2027-02-01T00:00:00Z")).unwrap();
    let text = fs::read_to_string(store.list_path()).unwrap();
    assert!(text.contains(&format!("\"format\": {FORMAT}")), "{text}");
    assert!(text.contains("\"keychainAccount\": \"Cert 1\""), "{text}");
    assert!(!text.contains("inKeychain"), "{text}");
}
