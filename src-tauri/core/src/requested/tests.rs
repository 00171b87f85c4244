use jiff::tz::TimeZone;
use jiff::Timestamp;
use rcgen::PublicKeyData;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};

use super::*;
use crate::engine::{KeyType, Nickname, SignatureHash, Signing};
use crate::ids::Fingerprint;

/// A certificate authority made for a test.
struct Ca {
    issuer: Issuer<'static, KeyPair>,
    der: Vec<u8>,
}

fn ca(name: &str, parent: Option<&Ca>) -> Ca {
    ca_with_key(name, parent, KeyPair::generate().unwrap())
}

fn ca_with_key(name: &str, parent: Option<&Ca>, key: KeyPair) -> Ca {
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    p.distinguished_name.push(DnType::CommonName, name);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let cert = match parent {
        None => p.self_signed(&key),
        Some(parent) => p.signed_by(&key, &parent.issuer),
    }
    .unwrap();
    Ca {
        der: cert.der().to_vec(),
        issuer: Issuer::new(p, key),
    }
}

struct Leaf {
    eku: Vec<ExtendedKeyUsagePurpose>,
    days: (i64, i64),
    is_ca: bool,
}

impl Default for Leaf {
    fn default() -> Leaf {
        Leaf {
            eku: vec![ExtendedKeyUsagePurpose::ClientAuth],
            days: (-1, 365),
            is_ca: false,
        }
    }
}

fn leaf(key: &KeyPair, by: &Ca, how: Leaf) -> Vec<u8> {
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    p.distinguished_name.push(DnType::CommonName, "Billing API");
    p.extended_key_usages = how.eku;
    let now = time::OffsetDateTime::now_utc();
    p.not_before = now + time::Duration::days(how.days.0);
    p.not_after = now + time::Duration::days(how.days.1);
    if how.is_ca {
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    }
    p.signed_by(key, &by.issuer).unwrap().der().to_vec()
}

fn pem_of(ders: &[&[u8]]) -> String {
    ders.iter()
        .map(|d| crate::engine::issued::pem_of_certificate(d))
        .collect()
}

fn zone() -> TimeZone {
    TimeZone::get("Europe/Berlin").unwrap()
}

/// A root, an intermediate, and the waiting key's certificate.
struct Three {
    root: Ca,
    inter: Ca,
    key: KeyPair,
    leaf: Vec<u8>,
}

fn three() -> Three {
    let root = ca("Acme Root CA", None);
    let inter = ca("Acme Issuing CA", Some(&root));
    let key = KeyPair::generate().unwrap();
    let leaf = leaf(&key, &inter, Leaf::default());
    Three {
        root,
        inter,
        key,
        leaf,
    }
}

fn joined(answer: &[u8], key: &KeyPair) -> Result<Joined, String> {
    let certs = certificates(answer).map_err(|e| e.to_string())?;
    join(
        &certs,
        &key.subject_public_key_info(),
        Timestamp::now(),
        &zone(),
    )
    .map_err(|e| e.to_string())
}

#[test]
fn the_request_asks_for_client_authentication_and_is_signed_with_the_chosen_hash() {
    use x509_parser::prelude::FromDer;
    let nickname = Nickname::parse("Billing API", []).unwrap();
    for (key_type, hash, oid) in [
        (
            KeyType::Rsa2048,
            SignatureHash::Sha384,
            x509_parser::oid_registry::OID_PKCS1_SHA384WITHRSA,
        ),
        (
            KeyType::EcdsaP256,
            SignatureHash::Sha256,
            x509_parser::oid_registry::OID_SIG_ECDSA_WITH_SHA256,
        ),
    ] {
        let key = crate::engine::certificate::generate_key(Signing::new(key_type, hash).unwrap())
            .unwrap();
        let pem = request_pem(&nickname, key_type, &key).unwrap();
        assert!(pem.starts_with("-----BEGIN CERTIFICATE REQUEST-----"));
        let block = ::pem::parse(&pem).unwrap();
        let (rest, csr) = x509_parser::certification_request::X509CertificationRequest::from_der(
            block.contents(),
        )
        .unwrap();
        assert!(rest.is_empty());
        csr.verify_signature().unwrap();
        let info = &csr.certification_request_info;
        assert_eq!(info.subject.to_string(), "CN=Billing API");
        assert_eq!(info.subject_pki.raw, key.subject_public_key_info());
        assert_eq!(csr.signature_algorithm.algorithm, oid);
        let mut client_auth = false;
        for ext in csr.requested_extensions().into_iter().flatten() {
            if let x509_parser::extensions::ParsedExtension::ExtendedKeyUsage(eku) = ext {
                client_auth = eku.client_auth && !eku.server_auth;
            }
        }
        assert!(client_auth, "{key_type:?}");
        // The request pasted back is named as such, not as garbage.
        assert_eq!(
            certificates(pem.as_bytes()).unwrap_err(),
            AnswerError::RequestNotAnswer
        );
    }
}

#[cfg(not(windows))]
#[test]
fn openssl_reads_and_verifies_the_request() {
    use std::io::Write;
    let nickname = Nickname::parse("Billing API", []).unwrap();
    let signing = Signing::new(KeyType::Rsa3072, SignatureHash::Sha512).unwrap();
    let key = crate::engine::certificate::generate_key(signing).unwrap();
    let pem = request_pem(&nickname, KeyType::Rsa3072, &key).unwrap();
    let mut child = std::process::Command::new("openssl")
        .args(["req", "-noout", "-verify", "-text"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(pem.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("verify OK"), "{text}");
    assert!(
        text.contains("CN=Billing API") || text.contains("CN = Billing API"),
        "{text}"
    );
    assert!(text.contains("TLS Web Client Authentication"), "{text}");
    assert!(
        text.contains("Digital Signature, Key Encipherment"),
        "{text}"
    );
    assert!(text.contains("sha512WithRSAEncryption"), "{text}");
    assert!(text.contains("3072 bit"), "{text}");
}

#[test]
fn a_chain_in_reverse_order_is_ordered_and_each_link_checked() {
    let t = three();
    let answer = pem_of(&[&t.root.der, &t.inter.der, &t.leaf]);
    let j = joined(answer.as_bytes(), &t.key).unwrap();
    assert_eq!(j.leaf.sha256_fingerprint, Fingerprint::of(&t.leaf));
    let chain: Vec<Fingerprint> = j.chain.iter().map(|c| c.sha256_fingerprint).collect();
    assert_eq!(
        chain,
        [Fingerprint::of(&t.inter.der), Fingerprint::of(&t.root.der)]
    );
    assert!(j.complete);
    assert_eq!(j.ca_name, "Acme Issuing CA");
    assert!(
        j.notices[1].contains("CN=Acme Issuing CA → CN=Acme Root CA"),
        "{:?}",
        j.notices
    );
}

#[test]
fn the_leaf_alone_says_the_intermediate_is_missing() {
    let t = three();
    // DER, as a .cer file.
    let j = joined(&t.leaf, &t.key).unwrap();
    assert!(j.chain.is_empty() && !j.complete);
    let missing = &j.notices[1];
    assert!(missing.contains("CN=Acme Issuing CA"), "{missing}");
    assert!(
        missing.contains("ask your CA for the intermediate certificate"),
        "{missing}"
    );
    // The leaf and the root, without the intermediate between them.
    let answer = pem_of(&[&t.leaf, &t.root.der]);
    let j = joined(answer.as_bytes(), &t.key).unwrap();
    assert!(!j.complete);
    assert!(
        j.notices.iter().any(|n| n.contains("1 other certificate")),
        "{:?}",
        j.notices
    );
}

#[test]
fn vault_and_step_ca_answers_are_read_from_their_json() {
    let t = three();
    let pem = |d: &[u8]| crate::engine::issued::pem_of_certificate(d);
    let vault = serde_json::json!({
        "request_id": "x",
        "data": {
            "certificate": pem(&t.leaf),
            "issuing_ca": pem(&t.inter.der),
            "ca_chain": [pem(&t.inter.der), pem(&t.root.der)],
            "serial_number": "4f:1a",
        }
    });
    let j = joined(vault.to_string().as_bytes(), &t.key).unwrap();
    assert_eq!(j.chain.len(), 2);
    assert!(j.complete);
    let step = serde_json::json!({
        "crt": pem(&t.leaf),
        "ca": pem(&t.inter.der),
        "certChain": [pem(&t.leaf), pem(&t.inter.der)],
    });
    let j = joined(step.to_string().as_bytes(), &t.key).unwrap();
    assert_eq!(j.chain.len(), 1);
    assert!(!j.complete);
    let none = serde_json::json!({"data": {"private_key": "no"}});
    assert!(matches!(
        certificates(none.to_string().as_bytes()),
        Err(AnswerError::NoCertificate(_))
    ));
}

#[cfg(not(windows))]
#[test]
fn pkcs7_bundles_from_openssl_in_pem_and_der() {
    let t = three();
    let dir = tempfile::tempdir().unwrap();
    let chain = dir.path().join("chain.pem");
    std::fs::write(&chain, pem_of(&[&t.inter.der, &t.leaf, &t.root.der])).unwrap();
    for form in ["PEM", "DER"] {
        let out = dir.path().join(format!("answer.{form}"));
        let status = std::process::Command::new("openssl")
            .args(["crl2pkcs7", "-nocrl", "-outform", form, "-certfile"])
            .arg(&chain)
            .arg("-out")
            .arg(&out)
            .status()
            .unwrap();
        assert!(status.success());
        let j = joined(&std::fs::read(&out).unwrap(), &t.key).unwrap();
        assert_eq!(
            j.leaf.sha256_fingerprint,
            Fingerprint::of(&t.leaf),
            "{form}"
        );
        assert_eq!(j.chain.len(), 2, "{form}");
        assert!(j.complete, "{form}");
    }
}

#[test]
fn a_der_certificate_ending_in_a_whitespace_byte_is_read_whole() {
    // A signature's last byte is random: about one certificate in fifty
    // ends in a byte that is a space or a newline in ASCII.
    let t = three();
    let ends_blank = (0..2000)
        .map(|_| leaf(&t.key, &t.inter, Leaf::default()))
        .find(|der| der.last().is_some_and(u8::is_ascii_whitespace))
        .expect("one of 2000 signatures ends in a whitespace byte");
    let j = joined(&ends_blank, &t.key).unwrap();
    assert_eq!(j.leaf.sha256_fingerprint, Fingerprint::of(&ends_blank));
}

#[test]
fn another_keys_certificate_is_refused_naming_both() {
    let t = three();
    let other = KeyPair::generate().unwrap();
    let e = joined(&t.leaf, &other).unwrap_err();
    assert!(
        e.contains("not for the key waiting here") || e.contains("No certificate"),
        "{e}"
    );
    assert!(e.contains(&Fingerprint::of(&t.leaf).to_string()), "{e}");
    let key =
        aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &other.subject_public_key_info());
    assert!(e.contains(&crate::ids::hex(key.as_ref(), ":")), "{e}");
}

#[test]
fn what_is_wrong_with_the_certificate_is_said() {
    let root = ca("Acme Root CA", None);
    let key = KeyPair::generate().unwrap();
    let server = leaf(
        &key,
        &root,
        Leaf {
            eku: vec![ExtendedKeyUsagePurpose::ServerAuth],
            ..Leaf::default()
        },
    );
    let e = joined(&server, &key).unwrap_err();
    assert!(
        e.contains("template for servers") && e.contains("server authentication"),
        "{e}"
    );
    let expired = leaf(
        &key,
        &root,
        Leaf {
            days: (-30, -2),
            ..Leaf::default()
        },
    );
    assert!(joined(&expired, &key).unwrap_err().contains("expired on"));
    let later = leaf(
        &key,
        &root,
        Leaf {
            days: (3, 30),
            ..Leaf::default()
        },
    );
    assert!(joined(&later, &key)
        .unwrap_err()
        .contains("valid only from"));
    let authority = leaf(
        &key,
        &root,
        Leaf {
            is_ca: true,
            ..Leaf::default()
        },
    );
    assert!(joined(&authority, &key).unwrap_err().contains("CA:TRUE"));
    // No extended key usage at all: any purpose, accepted.
    let any = leaf(
        &key,
        &root,
        Leaf {
            eku: Vec::new(),
            ..Leaf::default()
        },
    );
    joined(&any, &key).unwrap();
}

#[test]
fn a_broken_link_and_an_expired_issuer_refuse() {
    let t = three();
    // Another authority with the intermediate's name, but not its key.
    let root = ca("Acme Root CA", None);
    let impostor = ca("Acme Issuing CA", Some(&root));
    let answer = pem_of(&[&t.leaf, &impostor.der]);
    let e = joined(answer.as_bytes(), &t.key).unwrap_err();
    assert!(e.contains("the chain is broken"), "{e}");
}

#[test]
fn a_chain_that_loops_ends() {
    // B signed by A, and a second "A" signed by B with A's key: B → A' → B
    // would go round for ever if a certificate could be used twice.
    let a_key = KeyPair::generate().unwrap();
    let a_der = a_key.serialize_der();
    let a = ca_with_key("Loop A", None, a_key);
    let b = ca("Loop B", Some(&a));
    let a_again = ca_with_key(
        "Loop A",
        Some(&b),
        KeyPair::try_from(a_der.as_slice()).unwrap(),
    );
    let key = KeyPair::generate().unwrap();
    let l = leaf(&key, &b, Leaf::default());
    let answer = pem_of(&[&l, &b.der, &a_again.der]);
    let j = joined(answer.as_bytes(), &key).unwrap();
    assert_eq!(j.chain.len(), 2);
    assert!(!j.complete);
}

#[test]
fn hostile_answers_are_refused_plainly() {
    let t = three();
    for (what, bytes, expect) in [
        ("empty", b"  \n".to_vec(), "empty"),
        (
            "garbage",
            b"\x00\x01garbage".to_vec(),
            "not something AuthCert can read",
        ),
        (
            "truncated PEM",
            pem_of(&[&t.leaf]).as_bytes()[..300].to_vec(),
            "PEM text is damaged",
        ),
        (
            "truncated DER",
            t.leaf[..t.leaf.len() / 2].to_vec(),
            "not something",
        ),
        ("5 MB", vec![b'A'; 5 * 1024 * 1024], "larger than"),
        (
            "1000 certificates",
            pem_of(&vec![&t.leaf[..]; 1000]).into_bytes(),
            "more than 32 certificates",
        ),
        ("JSON", b"{\"certificate\": 5".to_vec(), "JSON is damaged"),
    ] {
        let e = certificates(&bytes).unwrap_err().to_string();
        assert!(e.contains(expect), "{what}: {e}");
    }
}

#[test]
fn names_with_control_characters_are_shown_escaped() {
    let root = ca("Evil\u{1b}]0;owned\u{7} \u{202e}CA", None);
    let key = KeyPair::generate().unwrap();
    let j = joined(&leaf(&key, &root, Leaf::default()), &key).unwrap();
    for text in j.notices.iter().chain([&j.ca_name]) {
        assert!(!text.chars().any(crate::text::is_unsafe), "{text:?}");
    }
    assert!(j.ca_name.contains("Evil"));
}

mod waiting_requests {
    use std::sync::Arc;

    use keyring_core::{mock, CredentialStore};

    use super::*;
    use crate::clock::Clock;
    use crate::engine::RawRequest;
    use crate::keychain::{KeychainError, Keychains};
    use crate::requested::waiting::{self, RequestError};
    use crate::store::Store;

    fn setup() -> (tempfile::TempDir, Store, Keychains) {
        let dir = tempfile::tempdir().unwrap();
        let keychain: Arc<CredentialStore> = mock::Store::new().unwrap();
        let store = Store::at(dir.path());
        (dir, store, Keychains::Fixed(keychain))
    }

    fn clock() -> Clock {
        Clock {
            now: Timestamp::now(),
            zone: zone(),
        }
    }

    fn raw(nickname: &str, key: &str) -> RawRequest {
        RawRequest {
            nickname: nickname.into(),
            key_type: Some(key.into()),
            ..RawRequest::default()
        }
    }

    /// The CA's answer to `request`: a leaf signed by an intermediate, as
    /// PEM with the root, in reverse order.
    fn answer(request: &str) -> (String, Ca) {
        let root = ca("Acme Root CA", None);
        let inter = ca("Acme Issuing CA", Some(&root));
        let csr = rcgen::CertificateSigningRequestParams::from_pem(request).unwrap();
        let leaf = csr.signed_by(&inter.issuer).unwrap().der().to_vec();
        (pem_of(&[&root.der, &inter.der, &leaf]), root)
    }

    #[test]
    fn the_key_waits_in_the_keychain_and_only_public_facts_beside_the_list() {
        let (_d, store, k) = setup();
        let w = waiting::create(&store, &k, &raw("Billing API", "ecdsa-p256"), &clock()).unwrap();
        assert!(w.keychain_account.starts_with("Request: Billing API ("));
        assert!(w.request.starts_with("-----BEGIN CERTIFICATE REQUEST-----"));
        let key = k.open().unwrap().read_secret(&w.keychain_account).unwrap();
        let pair = KeyPair::try_from(key.as_slice()).unwrap();
        let spki =
            aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &pair.subject_public_key_info());
        assert_eq!(w.key_sha256, crate::ids::hex(spki.as_ref(), ":"));
        let file = std::fs::read(waiting::path(&store)).unwrap();
        let text = String::from_utf8_lossy(&file);
        assert!(!text.contains("PRIVATE"), "{text}");
        assert!(
            !file.windows(32).any(|w| key.windows(32).any(|k| k == w)),
            "no run of the key's bytes in the file"
        );
        // A restart: the request is read again from the file.
        assert_eq!(waiting::list(&Store::at(store.dir())).unwrap(), [w]);
    }

    #[test]
    fn a_request_waiting_14_days_or_more_reminds() {
        let (_d, store, k) = setup();
        let mut w = waiting::create(&store, &k, &raw("Slow CA", "ecdsa-p256"), &clock()).unwrap();
        let now = clock();
        for (days, overdue) in [(0, false), (13, false), (14, true), (40, true)] {
            w.since = now.now - jiff::SignedDuration::from_hours(24 * days);
            assert_eq!(w.overdue(&now), overdue, "{days} days");
            let text = w.status_text(&now);
            assert!(text.starts_with("Waiting for the CA's answer"), "{text}");
            assert_eq!(text.contains(&format!("({days} days)")), overdue, "{text}");
        }
    }

    #[test]
    fn rules_are_named_and_nicknames_are_one_per_certificate_or_request() {
        let (_d, store, k) = setup();
        waiting::create(&store, &k, &raw("Billing API", "rsa-2048"), &clock()).unwrap();
        let e = waiting::create(&store, &k, &raw("billing api", "rsa-2048"), &clock()).unwrap_err();
        assert!(e.to_string().contains("already"), "{e}");
        let mut bad = raw("a/b", "dsa");
        bad.signature_hash = Some("md5".into());
        let e = waiting::create(&store, &k, &bad, &clock()).unwrap_err();
        assert_eq!(e.field_errors().unwrap().len(), 3, "{e}");
        let mut impossible = raw("Payments", "ecdsa-p256");
        impossible.signature_hash = Some("sha512".into());
        let e = waiting::create(&store, &k, &impossible, &clock()).unwrap_err();
        assert!(
            e.to_string()
                .contains("ECDSA P-256 keys sign with SHA-256 only"),
            "{e}"
        );
        assert_eq!(waiting::list(&store).unwrap().len(), 1);
    }

    #[test]
    fn the_answer_completes_into_a_checked_p12_with_its_chain_then_the_key_is_deleted() {
        let (_d, store, k) = setup();
        let w = waiting::create(&store, &k, &raw("Billing API", "rsa-2048"), &clock()).unwrap();
        let (answer, _root) = answer(&w.request);
        let done =
            waiting::complete(&store, &k, "Billing API", answer.as_bytes(), &clock()).unwrap();
        assert!(done.joined.complete);
        assert_eq!(done.joined.chain.len(), 2);
        // Read by a reader AuthCert did not write (friendlyName and the
        // key against the certificate are checked by pkcs12::check).
        let archive = p12_keystore::Pkcs12Archive::from_pkcs12(
            &done.issued.p12,
            done.issued.password.expose(),
        )
        .unwrap();
        assert_eq!(
            done.issued.facts.requested_from.as_deref(),
            Some("Acme Issuing CA")
        );
        assert_eq!((archive.keys.len(), archive.certs.len()), (1, 3));
        // Still waiting until the file is saved; then removed with its key.
        assert_eq!(waiting::list(&store).unwrap().len(), 1);
        waiting::remove(&store, &k, "Billing API").unwrap();
        assert!(waiting::list(&store).unwrap().is_empty());
        assert!(!waiting::path(&store).exists());
        assert!(matches!(
            k.open().unwrap().read_secret(&w.keychain_account),
            Err(KeychainError::NotFound)
        ));
    }

    #[test]
    fn another_requests_answer_and_a_lost_key_are_refused() {
        let (_d, store, k) = setup();
        let a = waiting::create(&store, &k, &raw("First", "ecdsa-p256"), &clock()).unwrap();
        let b = waiting::create(&store, &k, &raw("Second", "ecdsa-p256"), &clock()).unwrap();
        let (for_b, _) = answer(&b.request);
        let e = waiting::complete(&store, &k, "First", for_b.as_bytes(), &clock())
            .err()
            .unwrap();
        assert!(e.to_string().contains(&a.key_sha256), "{e}");
        k.open().unwrap().delete(&a.keychain_account).unwrap();
        let (for_a, _) = answer(&a.request);
        let e = waiting::complete(&store, &k, "First", for_a.as_bytes(), &clock())
            .err()
            .unwrap();
        assert!(matches!(e, RequestError::KeyGone(_)), "{e}");
        let e = waiting::complete(&store, &k, "Third", for_a.as_bytes(), &clock())
            .err()
            .unwrap();
        assert!(matches!(e, RequestError::NotWaiting(_)), "{e}");
        // Cancelling a request whose key is gone still takes it off.
        waiting::remove(&store, &k, "First").unwrap();
        assert_eq!(waiting::list(&store).unwrap().len(), 1);
    }
}
