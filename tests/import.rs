//! `authcert add` with files made by other tools in the test (OpenSSL with
//! its defaults, `-legacy`, Triple DES and RC4; Java keytool; Python
//! `cryptography`), and a corpus of hostile files: truncated, bit-flipped,
//! garbage, wrong and empty passwords, keys without certificates, clear
//! keys, DER with trailing bytes, expired and not yet valid certificates,
//! non-ASCII friendly names and a 64 KB common name. Each gives a clear
//! message (exit 2) or a correct record (exit 0); nothing panics and the
//! list is never damaged.

mod common;
#[path = "support/servers.rs"]
mod servers;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{authcert_cmd, run_output, Run};
use serde_json::Value;

fn sh(dir: &Path, script: &str) {
    let out = Command::new("bash")
        .args(["-euo", "pipefail", "-c", script])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{script}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `authcert add` with `password` (when given) on standard input.
fn add(dir: &Path, args: &[&str], password: Option<&str>) -> Run {
    let mut all = vec!["add"];
    all.extend_from_slice(args);
    if password.is_some() {
        all.push("--password-stdin");
    }
    let mut child = authcert_cmd(dir, &all)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(p) = password {
        writeln!(child.stdin.take().unwrap(), "{p}").unwrap();
    }
    let run = run_output(child.wait_with_output().unwrap());
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    if let Some(p) = password.filter(|p| p.len() > 3) {
        assert!(
            !run.stdout.contains(p) && !run.stderr.contains(p),
            "the password leaked"
        );
    }
    run
}

fn listed(dir: &Path) -> Vec<Value> {
    let run = common::authcert(dir, &["list", "--json"]);
    assert_eq!(run.code, 0, "the list stays readable: {}", run.stderr);
    serde_json::from_str::<Value>(&run.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn path(dir: &Path, name: &str) -> String {
    dir.join(name).to_str().unwrap().to_string()
}

/// Key and certificate files made by OpenSSL, and .p12 files of them.
fn openssl_files(dir: &Path) {
    sh(
        dir,
        "openssl req -x509 -newkey rsa:2048 -nodes -subj '/CN=OpenSSL client/O=Example' \
           -addext extendedKeyUsage=clientAuth -days 30 -keyout client.key -out client.pem 2>/dev/null
         openssl pkcs12 -export -inkey client.key -in client.pem -name 'OpenSSL client' -passout pass:s3cret-pw -out default.p12
         openssl pkcs12 -export -legacy -inkey client.key -in client.pem -passout pass:s3cret-pw -out legacy.p12
         openssl pkcs12 -export -keypbe DES-EDE3-CBC -certpbe DES-EDE3-CBC -macalg sha1 \
           -inkey client.key -in client.pem -passout pass:s3cret-pw -out 3des.p12
         openssl pkcs12 -export -legacy -keypbe PBE-SHA1-RC4-128 -certpbe PBE-SHA1-RC4-128 \
           -inkey client.key -in client.pem -passout pass:s3cret-pw -out rc4.p12
         openssl x509 -in client.pem -outform DER -out client.der
         cat client.pem client.key > with-clear-key.pem
         openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj '/CN=api.example.com' \
           -addext extendedKeyUsage=serverAuth -days 30 -keyout server.key -out server.pem 2>/dev/null
         openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-384 -nodes -subj '/CN=Second' \
           -days 30 -keyout second.key -out second.pem 2>/dev/null
         cat client.pem second.pem > chain.pem",
    );
}

#[test]
fn files_made_by_openssl_keytool_and_python_join_the_list() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    openssl_files(dir);
    sh(
        dir,
        "keytool -genkeypair -alias 'java client' -keyalg EC -groupname secp256r1 -dname 'CN=Java client' \
           -validity 30 -storetype PKCS12 -keystore keytool.p12 -storepass changeit -ext EKU=clientAuth 2>/dev/null",
    );
    let python = r#"
import datetime
from cryptography import x509
from cryptography.x509.oid import NameOID, ExtendedKeyUsageOID
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
now = datetime.datetime.now(datetime.timezone.utc)
def make(cn, start, end, validate=True):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn, _validate=validate)])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(end)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .sign(key, hashes.SHA256()))
    return key, cert
day = datetime.timedelta(days=1)
key, cert = make("Python client", now - day, now + 30 * day)
open("python.p12", "wb").write(pkcs12.serialize_key_and_certificates(
    "Clé d’accès — 日本".encode(), key, cert, None, serialization.BestAvailableEncryption(b"s3cret-pw")))
key, cert = make("Expired client", now - 60 * day, now - 2 * day)
open("expired.pem", "wb").write(cert.public_bytes(serialization.Encoding.PEM))
key, cert = make("Future client", now + 10 * day, now + 40 * day)
open("future.pem", "wb").write(cert.public_bytes(serialization.Encoding.PEM))
key, cert = make("x" * 65536, now - day, now + 30 * day, validate=False)
open("huge-cn.pem", "wb").write(cert.public_bytes(serialization.Encoding.PEM))
open("key-only.pem", "wb").write(key.private_bytes(serialization.Encoding.PEM,
    serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
"#;
    std::fs::write(dir.join("make.py"), python).unwrap();
    sh(dir, "python3 make.py");

    let ok: &[(&str, Option<&str>, &[&str], &str)] = &[
        ("default.p12", Some("s3cret-pw"), &[], "OpenSSL client"),
        (
            "keytool.p12",
            Some("changeit"),
            &["--nickname", "Java"],
            "Java",
        ),
        ("python.p12", Some("s3cret-pw"), &[], "Python client"),
        ("client.der", None, &["--nickname", "DER copy"], "DER copy"),
        ("expired.pem", None, &[], "Expired client"),
        ("future.pem", None, &[], "Future client"),
        ("huge-cn.pem", None, &[], &"x".repeat(64)),
        ("server.pem", None, &["--any-purpose"], "api example com"),
        ("chain.pem", None, &["--choose", "2"], "Second"),
    ];
    for (file, password, extra, nickname) in ok {
        let mut args = vec![path(dir, file)];
        args.extend(extra.iter().map(|s| s.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        // A .p12 made by another tool is the same certificate as its .der:
        // the DER copy is added under its own name only after removing.
        if *file == "client.der" {
            let again = add(dir, &args, *password);
            assert_eq!(again.code, 2, "{}", again.stderr);
            assert!(
                again
                    .stderr
                    .contains("already in the list, as “OpenSSL client”"),
                "{}",
                again.stderr
            );
            continue;
        }
        let run = add(dir, &args, *password);
        assert_eq!(run.code, 0, "{file}: {}", run.stderr);
        assert!(
            run.stdout.starts_with(&format!("Added “{nickname}”")),
            "{file}: {}",
            run.stdout
        );
    }
    let before = std::fs::read(dir.join("default.p12")).unwrap();
    let list = listed(dir);
    assert_eq!(list.len(), ok.len() - 1);
    let by = |name: &str| {
        list.iter()
            .find(|r| r["nickname"] == name)
            .unwrap_or_else(|| panic!("{name} listed"))
    };
    let openssl = by("OpenSSL client");
    assert_eq!(openssl["added"]["hasKey"], true);
    assert_eq!(openssl["added"]["key"], "RSA 2048");
    assert_eq!(openssl["keyType"], "rsa-2048");
    assert_eq!(
        openssl["file"],
        common::shown(&std::fs::canonicalize(dir.join("default.p12")).unwrap())
    );
    assert!(
        openssl["added"]["protection"]
            .as_str()
            .unwrap()
            .contains("AES-256"),
        "{openssl:#}"
    );
    assert_eq!(by("Java")["added"]["key"], "ECDSA P-256");
    assert_eq!(by("Expired client")["status"]["kind"], "expired");
    assert_eq!(by("api example com")["added"]["clientAuth"], false);
    assert_eq!(by("Second")["added"]["key"], "ECDSA P-384");
    assert_eq!(
        std::fs::read(dir.join("default.p12")).unwrap(),
        before,
        "files are only read"
    );

    // Old methods: RC2 is read (with a note), RC4 is explained.
    let run = add(
        dir,
        &[&path(dir, "legacy.p12"), "--nickname", "Legacy"],
        Some("s3cret-pw"),
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("already in the list"),
        "same certificate: {}",
        run.stderr
    );
    let run = add(dir, &[&path(dir, "rc4.p12")], Some("s3cret-pw"));
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("AuthCert cannot read it") && run.stderr.contains("RC4"),
        "{}",
        run.stderr
    );
    let run = add(dir, &[&path(dir, "3des.p12")], Some("s3cret-pw"));
    assert!(run.stderr.contains("already in the list"), "{}", run.stderr);
}

#[test]
fn an_old_method_is_read_with_a_note_and_an_added_p12_can_be_tested() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    openssl_files(dir);
    let run = add(
        dir,
        &[&path(dir, "legacy.p12"), "--nickname", "Legacy"],
        Some("s3cret-pw"),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("made with an old method (RC2"),
        "{}",
        run.stderr
    );
    let list = listed(dir);
    assert_eq!(
        list[0]["encryption"], "3des",
        "the closest for a replacement"
    );

    // Tested with the API like one made here (its password typed).
    let pki = servers::Pki::new(&dir.join("pki"));
    let nginx = servers::nginx(&pki, &dir.join("nginx"), Some(&dir.join("client.pem")), "");
    let url = format!("https://localhost:{}/", nginx.port);
    let mut child = authcert_cmd(
        dir,
        &[
            "test",
            &url,
            "--nickname",
            "legacy",
            "--password-stdin",
            "--json",
        ],
    )
    .env("SSL_CERT_FILE", &pki.ca)
    .env("NO_PROXY", "*")
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    writeln!(child.stdin.take().unwrap(), "s3cret-pw").unwrap();
    let run = run_output(child.wait_with_output().unwrap());
    assert_eq!(run.code, 0, "{} {}", run.stdout, run.stderr);

    // A public certificate cannot be presented.
    let run = add(dir, &[&path(dir, "second.pem")], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = run_output(
        authcert_cmd(dir, &["test", &url, "--nickname", "Second"])
            .output()
            .unwrap(),
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("without its private key"),
        "{}",
        run.stderr
    );
}

#[test]
fn hostile_files_get_clear_messages_and_never_damage_the_list() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    openssl_files(dir);
    // One good record first: the list must still hold it at the end.
    assert_eq!(add(dir, &[&path(dir, "client.pem")], None).code, 0);
    let p12 = std::fs::read(dir.join("default.p12")).unwrap();
    let mut cases: Vec<(String, Vec<u8>, Option<&str>, &str)> = vec![
        ("empty.p12".into(), Vec::new(), None, "it is empty"),
        (
            "garbage.bin".into(),
            (0..4096u32)
                .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
                .collect(),
            None,
            "none of them, or it is damaged",
        ),
        (
            "text.pem".into(),
            b"hello, not a certificate\n".to_vec(),
            None,
            "none of them",
        ),
        (
            "truncated.p12".into(),
            p12[..p12.len() / 2].to_vec(),
            Some("s3cret-pw"),
            "File:",
        ),
        (
            "no-password.p12".into(),
            p12.clone(),
            None,
            "type its password",
        ),
        (
            "wrong.p12".into(),
            p12.clone(),
            Some("wrong-password"),
            "the password is wrong",
        ),
        (
            "empty-password.p12".into(),
            p12.clone(),
            Some(""),
            "the password is wrong",
        ),
        (
            "key-only.pem".into(),
            std::fs::read(dir.join("client.key")).unwrap(),
            None,
            "only a private key",
        ),
        (
            "big.p12".into(),
            vec![0x30; 5 * 1024 * 1024],
            None,
            "larger than",
        ),
    ];
    let mut trailing = std::fs::read(dir.join("client.der")).unwrap();
    trailing.extend_from_slice(b"\0\0trailing");
    cases.push((
        "trailing.der".into(),
        trailing,
        None,
        "bytes follow the certificate",
    ));
    // Bit flips all over the file: each refused (MAC or structure) or,
    // where the flip lands in a part nothing checks, read correctly.
    for at in (0..p12.len()).step_by(97) {
        let mut flipped = p12.clone();
        flipped[at] ^= 0x10;
        cases.push((format!("flip-{at}.p12"), flipped, Some("s3cret-pw"), ""));
    }
    let mut refused = 0;
    for (name, bytes, password, words) in &cases {
        let file = dir.join(name);
        std::fs::write(&file, bytes).unwrap();
        let run = add(
            dir,
            &[file.to_str().unwrap(), "--nickname", "Hostile"],
            *password,
        );
        if name.starts_with("flip-") && run.code == 0 {
            // Accepted only as the real certificate; then taken off again.
            let list = listed(dir);
            let hostile = list.iter().find(|r| r["nickname"] == "Hostile").unwrap();
            assert_eq!(hostile["subject"], "CN=OpenSSL client, O=Example");
            let id = hostile["sha256Fingerprint"].as_str().unwrap().to_string();
            std::fs::remove_file(&file).unwrap();
            let data = common::data_dir_for(dir).join("certificates.json");
            let mut json: Value = serde_json::from_slice(&std::fs::read(&data).unwrap()).unwrap();
            json["certificates"]
                .as_array_mut()
                .unwrap()
                .retain(|r| r["sha256Fingerprint"] != id.as_str());
            std::fs::write(&data, serde_json::to_vec(&json).unwrap()).unwrap();
            continue;
        }
        refused += 1;
        assert_eq!(run.code, 2, "{name}: {}", run.stderr);
        assert!(
            run.stderr.contains(words),
            "{name}: “{words}” not in {}",
            run.stderr
        );
        assert!(run.stderr.len() < 700, "{name}: {}", run.stderr);
        assert!(run.stdout.is_empty());
    }
    assert!(refused > cases.len() / 2);
    let list = listed(dir);
    assert_eq!(list.len(), 1, "only the good record");
    assert!(!common::data_dir_for(dir).read_dir().unwrap().any(|e| e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .contains("damaged")));
}

#[test]
fn add_refuses_what_the_admin_can_fix_naming_the_option() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    openssl_files(dir);
    let cases: &[(&[&str], Option<&str>, &str)] = &[
        (&[], None, "FILE: name the certificate file"),
        (&["/nonexistent.pem"], None, "could not be read"),
        (&["/tmp"], None, "is not a file"),
        (&["a.pem", "b.pem"], None, "the second one is extra"),
        (&["chain.pem"], None, "--choose: Certificate: the file holds 2 certificates"),
        (&["chain.pem", "--choose", "3"], None, "--choose: Certificate: choose one of the file's 2"),
        (&["chain.pem", "--choose", "0"], None, "--choose: give the certificate's number"),
        (&["server.pem"], None, "--any-purpose: Certificate: “CN=api.example.com” is not meant for client authentication"),
        (&["client.pem", "--nickname", "a/b"], None, "--nickname: Nickname: only letters"),
        (&["client.pem", "--keychain"], None, "--keychain: this file holds no private key"),
        (&["client.pem", "--bogus"], None, "not an option of add"),
    ];
    for (args, password, words) in cases {
        let args: Vec<String> = args
            .iter()
            .map(|a| {
                if a.ends_with(".pem") && !a.starts_with('/') {
                    path(dir, a)
                } else {
                    a.to_string()
                }
            })
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = add(dir, &args, *password);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains(words),
            "{args:?}: “{words}” not in {}",
            run.stderr
        );
    }
    assert!(listed(dir).is_empty());
    let _: PathBuf = dir.to_path_buf();
}

/// DER, by hand: enough to build the hostile PKCS#12 files below.
mod der_bytes {
    fn len(n: usize) -> Vec<u8> {
        match n {
            0..=0x7f => vec![n as u8],
            0x80..=0xff => vec![0x81, n as u8],
            0x100..=0xffff => vec![0x82, (n >> 8) as u8, n as u8],
            _ => vec![0x83, (n >> 16) as u8, (n >> 8) as u8, n as u8],
        }
    }
    pub fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        out.extend(len(body.len()));
        out.extend_from_slice(body);
        out
    }
    pub fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
        tlv(0x30, &parts.concat())
    }
    pub fn oid(dotted: &str) -> Vec<u8> {
        let n: Vec<u64> = dotted.split('.').map(|p| p.parse().unwrap()).collect();
        let mut body = vec![(n[0] * 40 + n[1]) as u8];
        for &v in &n[2..] {
            let mut groups = vec![(v & 0x7f) as u8];
            let mut v = v >> 7;
            while v > 0 {
                groups.push(0x80 | (v & 0x7f) as u8);
                v >>= 7;
            }
            groups.reverse();
            body.extend(groups);
        }
        tlv(0x06, &body)
    }
    pub fn int(v: u32) -> Vec<u8> {
        let mut b = v.to_be_bytes().to_vec();
        while b.len() > 1 && b[0] == 0 && b[1] & 0x80 == 0 {
            b.remove(0);
        }
        if b[0] & 0x80 != 0 {
            b.insert(0, 0);
        }
        tlv(0x02, &b)
    }
    pub fn octets(b: &[u8]) -> Vec<u8> {
        tlv(0x04, b)
    }
    /// [n] EXPLICIT (constructed, context-specific).
    pub fn explicit(n: u8, inner: &[u8]) -> Vec<u8> {
        tlv(0xa0 | n, inner)
    }

    /// An encrypted part claiming PBES2 with PBKDF2-HMAC-SHA256 at
    /// `iterations` and AES-256-CBC, over bytes that decrypt to nothing.
    pub fn costly_part(iterations: u32) -> Vec<u8> {
        let kdf = seq(&[
            oid("1.2.840.113549.1.5.12"),
            seq(&[
                octets(&[7; 16]),
                int(iterations),
                seq(&[oid("1.2.840.113549.2.9"), tlv(0x05, &[])]),
            ]),
        ]);
        let scheme = seq(&[oid("2.16.840.1.101.3.4.1.42"), octets(&[9; 16])]);
        let alg = seq(&[oid("1.2.840.113549.1.5.13"), seq(&[kdf, scheme])]);
        let content_info = seq(&[oid("1.2.840.113549.1.7.1"), alg, tlv(0x80, &[0; 32])]);
        let encrypted_data = seq(&[int(0), content_info]);
        seq(&[oid("1.2.840.113549.1.7.6"), explicit(0, &encrypted_data)])
    }

    /// A PFX of `parts`, without a MAC.
    pub fn pfx(parts: &[Vec<u8>]) -> Vec<u8> {
        let safe = seq(parts);
        seq(&[
            int(3),
            seq(&[oid("1.2.840.113549.1.7.1"), explicit(0, &octets(&safe))]),
        ])
    }
}

/// Hundreds of parts, each within the per-derivation limit, would keep the
/// reader busy for minutes with the right password (the normal case of an
/// import): refused from their count and cost before any work is done.
#[test]
fn a_file_that_asks_for_minutes_of_work_is_refused_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let many = dir.join("many-parts.p12");
    std::fs::write(
        &many,
        der_bytes::pfx(&vec![der_bytes::costly_part(1_000_000); 400]),
    )
    .unwrap();
    let costly = dir.join("costly.p12");
    std::fs::write(
        &costly,
        der_bytes::pfx(&vec![der_bytes::costly_part(1_000_000); 8]),
    )
    .unwrap();
    for (file, words) in [
        (&many, "more than 16 parts"),
        (&costly, "rounds of key derivation in all"),
    ] {
        let r = add(dir, &[file.to_str().unwrap()], Some("any password"));
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(r.stderr.contains(words), "{}", r.stderr);
        assert!(
            r.stderr.contains("--password-stdin") || r.stderr.contains("FILE"),
            "names the input: {}",
            r.stderr
        );
    }
    assert!(listed(dir).is_empty());
}

/// A .p12 with no MAC and nothing encrypted opens with any password: the
/// preview says it is not protected.
#[test]
fn a_file_without_password_protection_is_said_to_be_so() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    sh(
        dir,
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=Open \
           -addext extendedKeyUsage=clientAuth -days 30 -keyout k.pem -out c.pem 2>/dev/null
         openssl pkcs12 -export -in c.pem -inkey k.pem -keypbe NONE -certpbe NONE -nomac \
           -passout pass: -out open.p12",
    );
    let r = add(dir, &[&path(dir, "open.p12")], Some("anything at all"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("not protected by a password")
            && r.stderr.contains("opens with any password"),
        "{}",
        r.stderr
    );
}

/// A FIFO where a file is expected is refused at once, never read from
/// (which would wait for a writer forever): the file is opened once,
/// without waiting, and its handle checked.
#[cfg(unix)]
#[test]
fn a_fifo_is_refused_without_waiting_for_a_writer() {
    if common::skip_on_windows("a FIFO at a file path is a Unix thing; Wine's open of one fails as any unreadable file does") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    sh(dir, "mkfifo pipe.p12");
    let r = add(dir, &[&path(dir, "pipe.p12")], None);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("not a file"), "{}", r.stderr);
}
