//! The files open everywhere: OpenSSL 3, Java keytool, Python cryptography,
//! and curl in a real mutual-TLS handshake with `openssl s_server`, for both
//! encryption profiles and every key type and hash.

mod common;
#[path = "support/servers.rs"]
mod servers;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use authcert_core::engine::{Choice, Encryption, KeyType};
use common::*;

struct Made {
    key: KeyType,
    hash: &'static str,
    encryption: Encryption,
    nickname: String,
    file: PathBuf,
    cert_pem: PathBuf,
    password: String,
    end_date: String,
}

/// Every combination that exists, made once by the real command line.
fn made() -> &'static [Made] {
    static MADE: OnceLock<Vec<Made>> = OnceLock::new();
    MADE.get_or_init(|| {
        let dir = scratch("interop");
        let end_date = days_from_today(200);
        let mut all = Vec::new();
        for encryption in Encryption::ALL {
            for key in KeyType::ALL {
                for hash in key.hashes() {
                    let nickname = format!(
                        "Interop {} {} {}",
                        key.token(),
                        hash.token(),
                        encryption.token()
                    );
                    let file = dir.join(format!("{}.p12", nickname.replace(' ', "_")));
                    let r = authcert(
                        &dir,
                        &[
                            "generate",
                            "--nickname",
                            &nickname,
                            "--end-date",
                            &end_date,
                            "--key",
                            key.token(),
                            "--hash",
                            hash.token(),
                            "--encryption",
                            encryption.token(),
                            "--out",
                            file.to_str().unwrap(),
                        ],
                    );
                    assert_eq!(r.code, 0, "{nickname}: {}", r.stderr);
                    let password = r.stdout.trim().to_string();
                    let cert_pem = file.with_extension("pem");
                    let x = tool(
                        "openssl",
                        &[
                            "pkcs12",
                            "-in",
                            file.to_str().unwrap(),
                            "-clcerts",
                            "-nokeys",
                            "-passin",
                            &format!("pass:{password}"),
                            "-out",
                            cert_pem.to_str().unwrap(),
                        ],
                    );
                    assert_eq!(x.code, 0, "{}", x.stderr);
                    all.push(Made {
                        key: *key,
                        hash: hash.token(),
                        encryption: *encryption,
                        nickname,
                        file,
                        cert_pem,
                        password,
                        end_date: end_date.clone(),
                    });
                }
            }
        }
        assert_eq!(all.len(), 22, "11 key/hash combinations × 2 encryptions");
        all
    })
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn openssl_opens_with_the_password_and_refuses_a_wrong_one() {
    for m in made() {
        let info = tool(
            "openssl",
            &[
                "pkcs12",
                "-in",
                path(&m.file),
                "-info",
                "-noout",
                "-passin",
                &format!("pass:{}", m.password),
            ],
        );
        assert_eq!(info.code, 0, "{}: {}", m.nickname, info.stderr);
        let text = format!("{}{}", info.stdout, info.stderr);
        let (expect_bags, expect_mac) = match m.encryption {
            Encryption::Aes256 => (
                "PBES2, PBKDF2, AES-256-CBC, Iteration 10000, PRF hmacWithSHA256",
                "MAC: sha256, Iteration 10000",
            ),
            Encryption::TripleDes => (
                "pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 10000",
                "MAC: sha1, Iteration 10000",
            ),
        };
        assert_eq!(
            text.matches(expect_bags).count(),
            2,
            "{}: both bags\n{text}",
            m.nickname
        );
        assert!(text.contains(expect_mac), "{}: {text}", m.nickname);
        assert!(!text.contains("RC2"), "{}: {text}", m.nickname);

        let wrong = tool(
            "openssl",
            &[
                "pkcs12",
                "-in",
                path(&m.file),
                "-noout",
                "-passin",
                "pass:not-the-password",
            ],
        );
        assert_ne!(wrong.code, 0, "{}", m.nickname);
        assert!(
            wrong.stderr.to_lowercase().contains("mac verify"),
            "{}",
            wrong.stderr
        );
    }
}

#[test]
fn bags_carry_the_nickname_and_a_matching_local_key_id() {
    for m in made() {
        // -info with -nodes prints each bag's attributes, and the key to this
        // pipe only: nothing touches the disk.
        let dump = tool(
            "openssl",
            &[
                "pkcs12",
                "-info",
                "-in",
                path(&m.file),
                "-nodes",
                "-passin",
                &format!("pass:{}", m.password),
            ],
        );
        assert_eq!(dump.code, 0, "{}", dump.stderr);
        let ids: Vec<&str> = dump
            .stdout
            .lines()
            .filter_map(|l| l.trim().strip_prefix("localKeyID: "))
            .collect();
        assert_eq!(ids.len(), 2, "{}: one id per bag", m.nickname);
        assert_eq!(ids[0], ids[1], "{}", m.nickname);
        // Both bags: the key's and the certificate's (Windows shows the
        // latter as the certificate's Friendly Name).
        let names: Vec<&str> = dump
            .stdout
            .lines()
            .filter_map(|l| l.trim().strip_prefix("friendlyName: "))
            .collect();
        assert_eq!(
            names,
            [m.nickname.as_str(), m.nickname.as_str()],
            "{}: one per bag, both the nickname",
            m.nickname
        );
        // The certificate's bag comes first, as OpenSSL writes its files.
        let bag_kinds: Vec<&str> = dump
            .stdout
            .lines()
            .filter(|l| l.starts_with("Bag Attributes"))
            .collect();
        assert_eq!(bag_kinds.len(), 2, "{}", dump.stdout);
    }
}

#[test]
fn certificate_follows_the_profile() {
    for m in made() {
        let text = tool(
            "openssl",
            &[
                "x509",
                "-in",
                path(&m.cert_pem),
                "-noout",
                "-text",
                "-nameopt",
                "RFC2253",
            ],
        );
        assert_eq!(text.code, 0);
        let t = text.stdout;
        let sig = match (m.key.is_rsa(), m.hash) {
            (true, h) => format!("{h}WithRSAEncryption"),
            (false, "sha256") => "ecdsa-with-SHA256".into(),
            (false, _) => "ecdsa-with-SHA384".into(),
        };
        let bits = match m.key {
            KeyType::Rsa2048 => "(2048 bit)",
            KeyType::Rsa3072 => "(3072 bit)",
            KeyType::Rsa4096 => "(4096 bit)",
            KeyType::EcdsaP256 => "(256 bit)",
            KeyType::EcdsaP384 => "(384 bit)",
        };
        let usage = if m.key.is_rsa() {
            "Digital Signature, Key Encipherment"
        } else {
            "Digital Signature\n"
        };
        for expected in [
            "Version: 3 (0x2)".to_string(),
            format!("Subject: CN={}", m.nickname),
            format!("Issuer: CN={}", m.nickname),
            format!("Signature Algorithm: {sig}"),
            bits.to_string(),
            "X509v3 Basic Constraints: critical\n                CA:FALSE".into(),
            format!("X509v3 Key Usage: critical\n                {usage}"),
            "X509v3 Extended Key Usage: \n                TLS Web Client Authentication\n".into(),
            "X509v3 Subject Key Identifier".into(),
        ] {
            assert!(
                t.contains(&expected),
                "{}: missing {expected:?}\n{t}",
                m.nickname
            );
        }
        let extensions = t
            .lines()
            .filter(|l| l.trim_start().starts_with("X509v3 ") && !l.contains("X509v3 extensions"))
            .count();
        assert_eq!(
            extensions, 4,
            "{}: exactly four extensions\n{t}",
            m.nickname
        );

        let serial = tool(
            "openssl",
            &["x509", "-in", path(&m.cert_pem), "-noout", "-serial"],
        )
        .stdout;
        let hex = serial.trim().strip_prefix("serial=").unwrap();
        assert!(
            hex.len() >= 16,
            "{}: serial of at least 64 bits: {hex}",
            m.nickname
        );
        let first = u8::from_str_radix(&hex[..2], 16).unwrap();
        assert!(first < 0x80, "positive serial");

        // notAfter: the last second of the end date in the zone the binary ran in.
        let zone = jiff::tz::TimeZone::get("Europe/Berlin").unwrap();
        let end: jiff::civil::Date = m.end_date.parse().unwrap();
        let expected_end = end.tomorrow().unwrap().to_zoned(zone).unwrap().timestamp()
            - jiff::SignedDuration::from_secs(1);
        let dates = tool(
            "openssl",
            &[
                "x509",
                "-in",
                path(&m.cert_pem),
                "-noout",
                "-dates",
                "-dateopt",
                "iso_8601",
            ],
        )
        .stdout;
        let not_after = dates
            .lines()
            .find_map(|l| l.strip_prefix("notAfter="))
            .unwrap();
        let not_after: jiff::Timestamp = not_after.trim().replace(' ', "T").parse().unwrap();
        assert_eq!(not_after, expected_end, "{}", m.nickname);
        let not_before = dates
            .lines()
            .find_map(|l| l.strip_prefix("notBefore="))
            .unwrap();
        let not_before: jiff::Timestamp = not_before.trim().replace(' ', "T").parse().unwrap();
        let ago = jiff::Timestamp::now().duration_since(not_before).as_secs();
        assert!(
            (300..3600).contains(&ago),
            "{}: notBefore {ago} s ago",
            m.nickname
        );
    }
}

#[test]
fn java_keytool_lists_a_private_key_entry_under_the_nickname() {
    for m in made() {
        let r = tool(
            "keytool",
            &[
                "-list",
                "-v",
                "-storetype",
                "PKCS12",
                "-keystore",
                path(&m.file),
                "-storepass",
                &m.password,
            ],
        );
        assert_eq!(r.code, 0, "{}: {}{}", m.nickname, r.stdout, r.stderr);
        // Java's PKCS#12 store lower-cases aliases.
        assert!(
            r.stdout
                .contains(&format!("Alias name: {}", m.nickname.to_lowercase())),
            "{}: {}",
            m.nickname,
            r.stdout
        );
        assert!(
            r.stdout.contains("Entry type: PrivateKeyEntry"),
            "{}",
            r.stdout
        );
        assert!(
            r.stdout.contains("Your keystore contains 1 entry"),
            "{}",
            r.stdout
        );

        let wrong = tool(
            "keytool",
            &[
                "-list",
                "-storetype",
                "PKCS12",
                "-keystore",
                path(&m.file),
                "-storepass",
                "wrong-password",
            ],
        );
        assert_ne!(wrong.code, 0);
    }
}

#[test]
fn python_cryptography_loads_a_key_matching_the_certificate() {
    let script = r#"
import json, sys
from cryptography.hazmat.primitives.serialization import pkcs12, Encoding, PublicFormat
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID
for item in json.load(sys.stdin):
    data = open(item["file"], "rb").read()
    key, cert, extra = pkcs12.load_key_and_certificates(data, item["password"].encode())
    spki = lambda k: k.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    assert spki(key.public_key()) == spki(cert.public_key()), item["file"]
    assert not extra, item["file"]
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.CLIENT_AUTH], item["file"]
    cn = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value
    assert cn == item["nickname"], (cn, item["nickname"])
    try:
        pkcs12.load_key_and_certificates(data, b"wrong")
        raise SystemExit("a wrong password was accepted: " + item["file"])
    except ValueError:
        pass
    print("ok", item["nickname"])
"#;
    let items: Vec<serde_json::Value> = made()
        .iter()
        .map(|m| serde_json::json!({"file": path(&m.file), "password": m.password, "nickname": m.nickname}))
        .collect();
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    serde_json::to_writer(child.stdin.take().unwrap(), &items).unwrap();
    let out = run_output(child.wait_with_output().unwrap());
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout.lines().filter(|l| l.starts_with("ok ")).count(),
        items.len()
    );
}

/// The server's authority and certificate, made once for every test here.
fn pki() -> &'static servers::Pki {
    static PKI: OnceLock<servers::Pki> = OnceLock::new();
    PKI.get_or_init(|| servers::Pki::new(&scratch("server-pki")))
}

/// `openssl s_server` for one connection that asks for a client
/// certificate, trusts only `ca` and refuses a handshake without an
/// acceptable one. Stopped on drop.
fn s_server(ca: &Path) -> servers::Running {
    servers::s_server(pki(), Some(ca), &["-naccept", "1"])
}

fn curl(server: &servers::Running, m: &Made) -> Run {
    let ca = &pki().ca;
    tool(
        "curl",
        &[
            "--silent",
            "--show-error",
            "--max-time",
            "20",
            "--cacert",
            path(ca),
            "--cert-type",
            "P12",
            "--cert",
            &format!("{}:{}", path(&m.file), m.password),
            &format!("https://127.0.0.1:{}/", server.port),
        ],
    )
}

#[test]
fn curl_completes_a_mutual_tls_handshake_and_another_certificate_is_refused() {
    let all = made();
    for (i, m) in all.iter().enumerate() {
        let trusting = s_server(&m.cert_pem);
        let r = curl(&trusting, m);
        assert_eq!(r.code, 0, "{}: {}", m.nickname, r.stderr);
        assert!(
            r.stdout.contains("s_server"),
            "{}: the server's page: {}",
            m.nickname,
            r.stdout
        );

        // A server that trusts a different client certificate refuses this one.
        let other = &all[(i + 1) % all.len()];
        let distrusting = s_server(&other.cert_pem);
        let r = curl(&distrusting, m);
        assert_ne!(
            r.code, 0,
            "{}: accepted by a server trusting {}",
            m.nickname, other.nickname
        );
    }
}
