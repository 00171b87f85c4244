//! Files of every earlier format still load, with their ids parsed into
//! their types, and are written back in the current format with the ids as
//! they always read: the list of certificates (formats 1 to 6), the
//! authority's file (1 and 2) and the kept revocations (1). The files under
//! tests/data/list-formats/ are written as each format was.

use std::fs;
use std::path::Path;

use authcert_core::authority::{self, file};
use authcert_core::ids::{Fingerprint, Serial};
use authcert_core::store::{Store, FORMAT};

const FINGERPRINT: &str =
    "FF:32:E2:E7:0F:19:D0:34:C1:CA:DF:55:94:96:91:05:6C:85:DE:FE:EF:47:26:30:C2:31:FB:81:68:6F:CD:0A";
const SERIAL: &str = "4F:1A:09:C2:D3:E4:F5:06:17:28:39:4A:5B:6C:7D:8E";
const AUTHORITY: &str =
    "08:57:31:AA:B3:D1:73:47:CA:54:F4:68:E6:6B:43:35:CF:39:EA:47:4C:20:6B:A0:58:9A:F8:FB:1A:57:F2:CF";

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/list-formats")
        .join(name);
    fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A store whose folder holds `file` as `name`.
fn store_with(name: &str, file: &str) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::at(dir.path());
    fs::write(dir.path().join(name), fixture(file)).unwrap();
    (dir, store)
}

#[test]
fn lists_of_every_earlier_format_load_with_typed_ids_and_are_written_back_unchanged_in_substance() {
    let id = Fingerprint::parse(FINGERPRINT).unwrap();
    for format in 1..=FORMAT {
        let (_dir, store) = store_with("certificates.json", &format!("format-{format}.json"));
        let loaded = store
            .load()
            .unwrap_or_else(|e| panic!("format {format}: {e}"));
        assert!(
            loaded.damaged.is_empty(),
            "format {format}: {:?}",
            loaded.damaged
        );
        let [record] = &loaded.records[..] else {
            panic!("format {format}: {:?}", loaded.records);
        };
        assert_eq!(record.described.sha256_fingerprint, id, "format {format}");
        assert_eq!(record.described.serial, Serial::parse(SERIAL).unwrap());
        assert_eq!(record.described.nickname, "Billing API");
        assert_eq!(store.get(&id).unwrap(), *record);
        // What each format added is there.
        match format {
            1 => assert_eq!(record.keychain_account.as_deref(), Some("Billing API")),
            _ => assert_eq!(
                record.keychain_account.as_deref(),
                Some("Billing API (FF32E2E7)")
            ),
        }
        assert_eq!(record.last_test.is_some(), format >= 3, "format {format}");
        assert_eq!(record.added.is_some(), format >= 3, "format {format}");
        assert_eq!(
            record
                .signed_by
                .as_ref()
                .map(|s| s.sha256_fingerprint.to_string()),
            (format >= 4).then(|| format!("3F:A2:C9:01:{}", vec!["77"; 28].join(":"))),
        );
        assert_eq!(
            record.requested_from.as_deref(),
            (format >= 5).then_some("Acme Issuing CA"),
            "format {format}"
        );
        assert_eq!(
            record
                .integrations
                .iter()
                .map(|i| (i.name.as_str(), i.moved.is_some()))
                .collect::<Vec<_>>(),
            if format >= 6 {
                vec![("Nightly billing export", true), ("Payroll", false)]
            } else {
                vec![]
            },
            "format {format}"
        );
        assert_eq!(
            record.replaces.map(|f| f.to_string()),
            (format >= 6).then(|| format!(
                "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:{}",
                "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99"
            )),
            "format {format}"
        );
        // A change writes the current format; the ids read as before.
        store
            .set_last_test(
                &id,
                record
                    .last_test
                    .clone()
                    .unwrap_or_else(|| authcert_core::store::LastTest {
                        verdict: authcert_core::tested::Kind::Accepted,
                        url: "https://api.example.com/".into(),
                        http_status: Some(200),
                        at: "2026-12-10T00:00:00Z".parse().unwrap(),
                    }),
            )
            .unwrap();
        let text = fs::read_to_string(store.list_path()).unwrap();
        assert!(text.contains(&format!("\"format\": {FORMAT}")), "{text}");
        assert!(text.contains(&format!("\"sha256Fingerprint\": \"{FINGERPRINT}\"")));
        assert!(text.contains(&format!("\"serial\": \"{SERIAL}\"")));
        assert_eq!(
            store.load().unwrap().records[0]
                .described
                .sha256_fingerprint,
            id
        );
    }
}

#[test]
fn a_record_whose_id_is_not_a_fingerprint_is_kept_aside_and_the_rest_load() {
    let (dir, store) = store_with("certificates.json", "format-4.json");
    let mut file: serde_json::Value =
        serde_json::from_slice(&fs::read(store.list_path()).unwrap()).unwrap();
    let mut bad = file["certificates"][0].clone();
    bad["sha256Fingerprint"] = "not a fingerprint".into();
    bad["nickname"] = "Edited by hand".into();
    file["certificates"].as_array_mut().unwrap().push(bad);
    fs::write(store.list_path(), serde_json::to_vec(&file).unwrap()).unwrap();
    let loaded = store.load().unwrap();
    assert_eq!(loaded.records.len(), 1);
    assert_eq!(loaded.damaged.len(), 1, "{:?}", loaded.damaged);
    let notice = loaded.notice().unwrap();
    assert!(notice.contains("1 certificate"), "{notice}");
    drop(dir);
}

#[test]
fn authority_files_of_every_format_load_with_typed_ids() {
    for format in 1..=file::FORMAT {
        let (_dir, store) = store_with(file::NAME, &format!("authority-format-{format}.json"));
        let a = authority::load(&store)
            .unwrap_or_else(|e| panic!("format {format}: {e}"))
            .unwrap();
        assert_eq!(a.sha256_fingerprint, Fingerprint::parse(AUTHORITY).unwrap());
        assert_eq!(
            a.serial.to_string(),
            "76:B8:A7:2A:DE:C3:01:F8:35:BD:08:0F:1A:0C:EF:FB"
        );
        let first = &a.revoked[0];
        assert_eq!(first.serial, Serial::parse(SERIAL).unwrap());
        assert_eq!(
            first.sha256_fingerprint,
            Some(Fingerprint::parse(FINGERPRINT).unwrap())
        );
        if format >= 2 {
            // A revocation by serial alone, and the serials of the last list.
            assert_eq!(a.revoked[1].serial.to_string(), "7A:11:22:33");
            assert_eq!(a.revoked[1].sha256_fingerprint, None);
            let last = a.last_crl.as_ref().unwrap();
            assert_eq!(
                last.serials,
                [a.revoked[0].serial.clone(), a.revoked[1].serial.clone()]
            );
            assert_eq!(a.crl_number_floor, Some(1_796_000_001));
        } else {
            assert!(a.last_crl.as_ref().unwrap().serials.is_empty());
        }
    }
}

#[test]
fn kept_revocations_load_with_typed_ids() {
    let (_dir, store) = store_with(file::KEPT_NAME, "revocations-format-1.json");
    let kept = file::kept(&store).unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(
        kept[0].sha256_fingerprint,
        Fingerprint::parse(AUTHORITY).unwrap()
    );
    assert_eq!(kept[0].revoked.len(), 2);
    assert_eq!(kept[0].revoked[1].serial.to_string(), "7A:11:22:33");
}
