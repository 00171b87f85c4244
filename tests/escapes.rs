//! Text from a server, a file or the list never reaches the terminal raw.
//! A real `openssl s_server` on 127.0.0.1 whose certificate's names and the
//! issuer names it sends with its certificate request hold C0 and C1
//! controls, an ESC sequence that sets the terminal's title, a line break
//! that would fake a line, and a bidirectional override; files with such
//! subjects added with `authcert add`; a list edited by hand. Every line
//! the command line prints shows them escaped (`\u{1b}`), and `--json`
//! carries them as JSON escapes.

mod common;
#[path = "support/servers.rs"]
mod servers;

use std::path::Path;
use std::process::Command;

use authcert_core::text::is_unsafe;
use common::{authcert, authcert_cmd, days_from_today, with_stdin, Run};

/// A name with everything a terminal must not obey.
const HOSTILE_CN: &str = "evil\u{1b}]0;pwned\u{7}\nFAKE LINE\u{9b}2J";
const HOSTILE_O: &str = "Org\u{202e}exe.txt\u{1b}[31m";

/// Every line printed is safe: no control character but AuthCert's own
/// line breaks, no C1, no override; and no line of the server's making.
fn assert_terminal_safe(what: &str, text: &str) {
    if let Some(c) = text.chars().find(|c| *c != '\n' && is_unsafe(*c)) {
        panic!("{what}: U+{:04X} printed raw in:\n{text:?}", u32::from(c));
    }
    assert!(
        !text.lines().any(|l| l.starts_with("FAKE LINE")),
        "{what}: a line break from outside made a line:\n{text}"
    );
}

fn run(program: &str, args: &[&str]) {
    let out = Command::new(program).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A self-signed certificate (and key) with the hostile names.
fn hostile_cert(dir: &Path, stem: &str, extra: &[&str]) -> (String, String) {
    let cert = dir.join(format!("{stem}.pem")).display().to_string();
    let key = dir.join(format!("{stem}.key")).display().to_string();
    let subject = format!("/CN={HOSTILE_CN}/O={HOSTILE_O}");
    let mut args = vec![
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-utf8",
        "-subj",
        &subject,
        "-days",
        "2",
        "-keyout",
        &key,
        "-out",
        &cert,
    ];
    args.extend_from_slice(extra);
    run("openssl", &args);
    (cert, key)
}

#[test]
fn a_hostile_server_reaches_no_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // An authority with the names (the server names it as the issuer it
    // accepts), and the server's own certificate, signed by it, with them too.
    let (ca, ca_key) = hostile_cert(dir, "ca", &[]);
    let (server_cert, server_key) = (
        dir.join("server.pem").display().to_string(),
        dir.join("server.key").display().to_string(),
    );
    let csr = dir.join("server.csr").display().to_string();
    let subject = format!("/CN={HOSTILE_CN}/O={HOSTILE_O}");
    run(
        "openssl",
        &[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-utf8",
            "-subj",
            &subject,
            "-keyout",
            &server_key,
            "-out",
            &csr,
        ],
    );
    let ext = dir.join("server.ext");
    std::fs::write(
        &ext,
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    run(
        "openssl",
        &[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            &ca,
            "-CAkey",
            &ca_key,
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            ext.to_str().unwrap(),
            "-out",
            &server_cert,
        ],
    );
    let pki = servers::Pki {
        dir: dir.to_path_buf(),
        ca: ca.clone().into(),
        server_cert: server_cert.clone().into(),
        server_key: server_key.into(),
    };
    let issuer_ca = ca.clone();
    let server = servers::s_server(&pki, Some(Path::new(&issuer_ca)), &[]);
    let url = format!("https://localhost:{}/", server.port);

    let p12 = dir.join("client.p12");
    let r = authcert(
        dir,
        &[
            "generate",
            "--nickname",
            "Client",
            "--end-date",
            &days_from_today(30),
            "--key",
            "ecdsa-p256",
            "--out",
            p12.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let password = r.stdout.trim().to_string();

    for json in [false, true] {
        let mut args = vec![
            "test",
            &url,
            "--p12",
            p12.to_str().unwrap(),
            "--password-stdin",
        ];
        if json {
            args.push("--json");
        }
        // Untrusted first: the verdict shows the server's names.
        let mut cmd = authcert_cmd(dir, &args);
        cmd.env("NO_PROXY", "*")
            .env("SSL_CERT_FILE", dir.join("none.pem"));
        std::fs::write(dir.join("none.pem"), "").unwrap();
        let untrusted: Run = with_stdin(&mut cmd, &password);
        assert_eq!(
            untrusted.code, 6,
            "{}{}",
            untrusted.stdout, untrusted.stderr
        );
        // Trusted: the request goes on, the issuer names are read.
        let mut cmd = authcert_cmd(dir, &args);
        cmd.env("NO_PROXY", "*").env("SSL_CERT_FILE", &ca);
        let trusted: Run = with_stdin(&mut cmd, &password);
        for r in [&untrusted, &trusted] {
            assert_terminal_safe("stdout", &r.stdout);
            assert_terminal_safe("stderr", &r.stderr);
        }
        if json {
            let v: serde_json::Value = serde_json::from_str(&untrusted.stdout).unwrap();
            let subject = v["server"]["subject"].as_str().unwrap();
            assert!(
                subject.contains("evil\\u{1b}]0;pwned\\u{7}\\nFAKE LINE\\u{9b}2J"),
                "{subject}"
            );
            assert!(
                subject.contains("Org\\u{202e}exe.txt\\u{1b}[31m"),
                "{subject}"
            );
            let v: serde_json::Value = serde_json::from_str(&trusted.stdout).unwrap();
            let issuers = v["acceptable_issuers"].to_string();
            assert!(issuers.contains("\\\\u{1b}"), "{issuers}");
        } else {
            assert!(
                untrusted
                    .stdout
                    .contains("evil\\u{1b}]0;pwned\\u{7}\\nFAKE LINE"),
                "{}",
                untrusted.stdout
            );
        }
    }
}

#[test]
fn hostile_files_and_lists_reach_no_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (cert, key) = hostile_cert(dir, "added", &["-addext", "extendedKeyUsage=clientAuth"]);
    // The same certificate in a .p12 whose friendly name is hostile too.
    let p12 = dir.join("added.p12");
    run(
        "openssl",
        &[
            "pkcs12",
            "-export",
            "-in",
            &cert,
            "-inkey",
            &key,
            "-name",
            HOSTILE_CN,
            "-passout",
            "pass:pw",
            "-out",
            p12.to_str().unwrap(),
        ],
    );
    let r = authcert(dir, &["add", &cert, "--nickname", "From PEM"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_terminal_safe("add stdout", &r.stdout);
    assert_terminal_safe("add stderr", &r.stderr);
    assert!(r.stdout.contains("\\u{1b}"), "{}", r.stdout);

    // The .p12 is the same certificate: refused as listed, names escaped.
    let mut cmd = authcert_cmd(
        dir,
        &[
            "add",
            p12.to_str().unwrap(),
            "--nickname",
            "From P12",
            "--password-stdin",
        ],
    );
    let r = with_stdin(&mut cmd, "pw");
    assert_terminal_safe("add p12 stdout", &r.stdout);
    assert_terminal_safe("add p12 stderr", &r.stderr);

    // A list edited by hand: a nickname and a path AuthCert never writes.
    let list = common::data_dir_for(dir).join("certificates.json");
    let mut value: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&list).unwrap()).unwrap();
    value["certificates"][0]["nickname"] = HOSTILE_CN.into();
    value["certificates"][0]["file"] = format!("/tmp/{HOSTILE_O}").into();
    std::fs::write(&list, serde_json::to_vec(&value).unwrap()).unwrap();
    for args in [
        &["list"][..],
        &["list", "--json"],
        &["list", "--expiring-within", "365"],
    ] {
        let r = authcert(dir, args);
        assert_terminal_safe("list stdout", &r.stdout);
        assert_terminal_safe("list stderr", &r.stderr);
        assert!(r.stdout.contains("FAKE LINE"), "{args:?}: {}", r.stdout);
    }
    let r = authcert(dir, &["list", "--json"]);
    let back: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        back[0]["nickname"], HOSTILE_CN,
        "JSON carries the value itself"
    );
}
