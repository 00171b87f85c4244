//! The issuing authority end to end, through the real `authcert` binary and
//! a real Secret Service (GNOME Keyring on a private bus): nginx and Apache
//! httpd on 127.0.0.1 trusting only the authority accept what it signed and
//! refuse the rest, and after `revoke` and a new revocation list refuse the
//! revoked one; a replacement needs no change on the server; OpenSSL,
//! keytool and Python read the chain; a backup restores on a fresh data
//! folder and keychain; a missing or locked keychain is said plainly.

mod common;
#[path = "support/secret_service.rs"]
mod secret_service;
#[path = "support/servers.rs"]
mod servers;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{authcert_cmd, days_from_today, run_output, tool, with_stdin, Run};
use secret_service::{Bus, Keyring};

/// `authcert ARGS` in `dir` on `bus`, with its data in `data`.
fn run(bus: &Bus, dir: &Path, data: &Path, args: &[&str]) -> Run {
    let out = authcert_cmd(dir, args)
        .env("AUTHCERT_DATA_DIR", data)
        .envs(bus.env())
        .output()
        .unwrap();
    run_output(out)
}

struct Made {
    p12: PathBuf,
    password: String,
    cert_pem: PathBuf,
}

fn generate(
    bus: &Bus,
    dir: &Path,
    data: &Path,
    nickname: &str,
    key: &str,
    enc: &str,
    signed: bool,
) -> Made {
    let p12 = dir.join(format!("{nickname}.p12"));
    let end = days_from_today(60);
    let mut args = vec![
        "generate",
        "--nickname",
        nickname,
        "--end-date",
        &end,
        "--key",
        key,
        "--encryption",
        enc,
        "--out",
        p12.to_str().unwrap(),
    ];
    if signed {
        args.push("--signed-by-authority");
    }
    let r = run(bus, dir, data, &args);
    assert_eq!(r.code, 0, "{nickname}: {}", r.stderr);
    if signed {
        assert!(r.stderr.contains("Signed by:"), "{}", r.stderr);
    }
    let password = r.stdout.trim().to_string();
    let cert_pem = dir.join(format!("{nickname}.cert.pem"));
    let out = Command::new("openssl")
        .args([
            "pkcs12",
            "-in",
            p12.to_str().unwrap(),
            "-nokeys",
            "-clcerts",
            "-passin",
        ])
        .arg(format!("pass:{password}"))
        .args(["-out", cert_pem.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Made {
        p12,
        password,
        cert_pem,
    }
}

/// `authcert test` of `made` against `url`: the verdict's exit code.
fn test(dir: &Path, pki: &servers::Pki, made: &Made, url: &str) -> (i32, String) {
    let mut cmd = authcert_cmd(
        dir,
        &[
            "test",
            url,
            "--p12",
            made.p12.to_str().unwrap(),
            "--password-stdin",
        ],
    );
    cmd.env("SSL_CERT_FILE", &pki.ca).env("NO_PROXY", "*");
    let r = with_stdin(&mut cmd, &made.password);
    (r.code, format!("{}{}", r.stdout, r.stderr))
}

fn assert_accepted(dir: &Path, pki: &servers::Pki, made: &Made, url: &str, what: &str) {
    let (code, text) = test(dir, pki, made, url);
    assert_eq!(code, 0, "{what} should be accepted at {url}: {text}");
}

fn assert_refused(dir: &Path, pki: &servers::Pki, made: &Made, url: &str, what: &str) {
    let (code, text) = test(dir, pki, made, url);
    assert_eq!(code, 4, "{what} should be refused at {url}: {text}");
}

fn verify(ca: &Path, crl: Option<&Path>, cert: &Path) -> Run {
    let mut args = vec!["verify", "-CAfile", ca.to_str().unwrap()];
    if let Some(crl) = crl {
        args.extend(["-crl_check", "-CRLfile", crl.to_str().unwrap()]);
    }
    args.push(cert.to_str().unwrap());
    tool("openssl", &args)
}

#[test]
fn servers_trusting_the_authority_accept_what_it_signs_until_revoked() {
    let bus = Bus::start("authority-servers", Keyring::Unlocked);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let data = dir.join("data");
    let pki = servers::Pki::new(&dir.join("pki"));

    let r = run(
        &bus,
        dir,
        &data,
        &["authority", "create", "--name", "Acme integrations"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("Created the issuing authority"),
        "{}",
        r.stderr
    );
    let ca = dir.join("authority.pem");
    let r = run(
        &bus,
        dir,
        &data,
        &["authority", "export", "--out", ca.to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("ssl_client_certificate"), "{}", r.stderr);
    let text = tool(
        "openssl",
        &["x509", "-in", ca.to_str().unwrap(), "-noout", "-text"],
    )
    .stdout;
    assert!(text.contains("CA:TRUE, pathlen:0"), "{text}");
    assert!(text.contains("Certificate Sign, CRL Sign"), "{text}");
    assert!(text.contains("Public-Key: (3072 bit)"), "{text}");

    // Both encryption profiles, an RSA and an ECDSA client key.
    let billing = generate(&bus, dir, &data, "Billing", "rsa-3072", "aes-256", true);
    let reports = generate(&bus, dir, &data, "Reports", "ecdsa-p256", "3des", true);
    let own = generate(&bus, dir, &data, "Own", "ecdsa-p256", "aes-256", false);
    // Another authority (another computer's AuthCert).
    let other_data = dir.join("other-data");
    let r = run(
        &bus,
        dir,
        &other_data,
        &["authority", "create", "--name", "Elsewhere"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let stranger = generate(
        &bus,
        dir,
        &other_data,
        "Stranger",
        "ecdsa-p256",
        "aes-256",
        true,
    );

    for made in [&billing, &reports] {
        let v = verify(&ca, None, &made.cert_pem);
        assert!(v.stdout.contains(": OK"), "{}{}", v.stdout, v.stderr);
    }
    let crl1 = dir.join("crl-1.pem");
    let r = run(
        &bus,
        dir,
        &data,
        &["authority", "crl", "--out", crl1.to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("(0 revoked)"), "{}", r.stderr);

    // The CRL each server reads is a copy: replacing it needs a reload, as
    // on a real server.
    let served_crl = dir.join("served-crl.pem");
    std::fs::copy(&crl1, &served_crl).unwrap();
    let start = |crl: &Path| {
        let nginx = servers::nginx(
            &pki,
            &dir.join("nginx"),
            Some(&ca),
            &format!("ssl_crl {};", crl.display()),
        );
        let apache = servers::apache_with(
            &pki,
            &dir.join("apache"),
            Some(&ca),
            &format!(
                "SSLCARevocationFile {}\n    SSLCARevocationCheck chain",
                crl.display()
            ),
        );
        (nginx, apache)
    };
    let (nginx, apache) = start(&served_crl);
    let urls = [
        format!("https://localhost:{}/", nginx.port),
        format!("https://localhost:{}/status", apache.port),
    ];
    for url in &urls {
        assert_accepted(dir, &pki, &billing, url, "RSA, AES-256, signed");
        assert_accepted(dir, &pki, &reports, url, "ECDSA, 3DES, signed");
        assert_refused(dir, &pki, &own, url, "self-signed");
        assert_refused(dir, &pki, &stranger, url, "signed by another authority");
    }

    // Revoke one, export the new list, give it to the servers.
    let r = run(
        &bus,
        dir,
        &data,
        &["revoke", "billing", "--reason", "key-compromise"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("Export the new revocation list"),
        "{}",
        r.stderr
    );
    let r = run(&bus, dir, &data, &["authority", "show"]);
    assert!(
        r.stdout.contains("a later revocation is not in it"),
        "{}",
        r.stdout
    );
    // The scheduled check says so too, and the list shows who is revoked.
    let r = run(&bus, dir, &data, &["list", "--expiring-within", "0"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("revoked after the last revocation list was exported"),
        "{}",
        r.stderr
    );
    let r = run(&bus, dir, &data, &["list", "--json"]);
    let rows: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let billing_row = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["nickname"] == "Billing")
        .unwrap();
    assert_eq!(billing_row["revoked"], true, "{billing_row:#}");
    assert!(billing_row["statusText"]
        .as_str()
        .unwrap()
        .starts_with("revoked on "));
    assert_eq!(billing_row["signedBy"]["name"], "Acme integrations");
    let crl2 = dir.join("crl-2.pem");
    let r = run(
        &bus,
        dir,
        &data,
        &["authority", "crl", "--out", crl2.to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("(1 revoked)"), "{}", r.stderr);
    let r = run(&bus, dir, &data, &["list", "--expiring-within", "0"]);
    assert_eq!(r.code, 0, "exported: nothing due: {}", r.stderr);
    let v = verify(&ca, Some(&crl2), &billing.cert_pem);
    assert!(
        !v.stdout.contains(": OK") && v.stderr.contains("certificate revoked"),
        "{}{}",
        v.stdout,
        v.stderr
    );
    let v = verify(&ca, Some(&crl2), &reports.cert_pem);
    assert!(v.stdout.contains(": OK"), "{}{}", v.stdout, v.stderr);
    let crl_text = tool(
        "openssl",
        &["crl", "-in", crl2.to_str().unwrap(), "-noout", "-text"],
    )
    .stdout;
    assert!(crl_text.contains("Key Compromise"), "{crl_text}");

    drop((nginx, apache));
    std::fs::copy(&crl2, &served_crl).unwrap();
    let (nginx, apache) = start(&served_crl);
    let urls = [
        format!("https://localhost:{}/", nginx.port),
        format!("https://localhost:{}/status", apache.port),
    ];
    for url in &urls {
        assert_refused(dir, &pki, &billing, url, "revoked");
        assert_accepted(dir, &pki, &reports, url, "not revoked");
    }
    // A replacement, signed by the same authority: no change on the server.
    let replacement = generate(&bus, dir, &data, "Billing 2", "ecdsa-p384", "aes-256", true);
    for url in &urls {
        assert_accepted(dir, &pki, &replacement, url, "the replacement");
    }
    // Revoking twice, or a certificate the authority did not sign, is refused.
    let r = run(&bus, dir, &data, &["revoke", "Billing"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("already revoked"), "{}", r.stderr);
    let r = run(&bus, dir, &data, &["revoke", "Own"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("was not signed by this computer's issuing authority"),
        "{}",
        r.stderr
    );
}

#[test]
fn keytool_python_and_openssl_read_the_chain() {
    let bus = Bus::start("authority-chain", Keyring::Unlocked);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let data = dir.join("data");
    let r = run(
        &bus,
        dir,
        &data,
        &["authority", "create", "--name", "Chain test"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    for (enc, key) in [("aes-256", "rsa-2048"), ("3des", "ecdsa-p384")] {
        let made = generate(&bus, dir, &data, &format!("Chain {enc}"), key, enc, true);
        let list = tool(
            "keytool",
            &[
                "-list",
                "-v",
                "-storetype",
                "PKCS12",
                "-keystore",
                made.p12.to_str().unwrap(),
                "-storepass",
                &made.password,
            ],
        );
        assert!(
            list.stdout.contains("Certificate chain length: 2"),
            "{enc}: {}{}",
            list.stdout,
            list.stderr
        );
        assert!(
            list.stdout.contains("Issuer: CN=Chain test"),
            "{}",
            list.stdout
        );
        let py = tool(
            "python3",
            &[
                "-c",
                "import sys\nfrom cryptography.hazmat.primitives.serialization import pkcs12\nk, c, extra = pkcs12.load_key_and_certificates(open(sys.argv[1], 'rb').read(), sys.argv[2].encode())\nassert len(extra) == 1, extra\nc.verify_directly_issued_by(extra[0])\nprint(c.issuer.rfc4514_string(), extra[0].subject.rfc4514_string())",
                made.p12.to_str().unwrap(),
                &made.password,
            ],
        );
        assert_eq!(py.code, 0, "{}", py.stderr);
        assert_eq!(py.stdout.trim(), "CN=Chain test CN=Chain test");
    }
}

#[test]
fn a_backup_restores_on_a_fresh_computer_and_keeps_signing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let pki = servers::Pki::new(&dir.join("pki"));
    let ca = dir.join("authority.pem");
    let backup = dir.join("acme-backup.p12");
    let password = {
        let bus = Bus::start("authority-backup-a", Keyring::Unlocked);
        let data = dir.join("data-a");
        let r = run(
            &bus,
            dir,
            &data,
            &[
                "authority",
                "create",
                "--name",
                "Acme",
                "--end-date",
                &days_from_today(400),
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(
            run(
                &bus,
                dir,
                &data,
                &["authority", "export", "--out", ca.to_str().unwrap()]
            )
            .code,
            0
        );
        let r = run(
            &bus,
            dir,
            &data,
            &["authority", "backup", "--out", backup.to_str().unwrap()],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stderr.contains("shown only once"), "{}", r.stderr);
        // A second backup never replaces the first.
        let again = run(
            &bus,
            dir,
            &data,
            &["authority", "backup", "--out", backup.to_str().unwrap()],
        );
        assert_eq!(again.code, 2, "{}", again.stderr);
        assert!(again.stdout.is_empty());
        r.stdout.trim().to_string()
    };
    // OpenSSL opens the backup with its password: a key and the authority.
    let out = Command::new("openssl")
        .args([
            "pkcs12",
            "-in",
            backup.to_str().unwrap(),
            "-nokeys",
            "-passin",
        ])
        .arg(format!("pass:{password}"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("subject=CN = Acme") && text.contains("BEGIN CERTIFICATE"),
        "{text}"
    );

    // Another computer: a fresh data folder and a fresh keyring.
    let bus = Bus::start("authority-backup-b", Keyring::Unlocked);
    let data = dir.join("data-b");
    // Without --password-stdin the password is empty: the message says how
    // to give it.
    let r = run(
        &bus,
        dir,
        &data,
        &["authority", "restore", backup.to_str().unwrap()],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("give it on standard input with --password-stdin"),
        "{}",
        r.stderr
    );
    let mut cmd = authcert_cmd(
        dir,
        &[
            "authority",
            "restore",
            backup.to_str().unwrap(),
            "--password-stdin",
        ],
    );
    cmd.env("AUTHCERT_DATA_DIR", &data).envs(bus.env());
    let wrong = with_stdin(&mut cmd, "not-the-password");
    assert_eq!(wrong.code, 2, "{}", wrong.stderr);
    assert!(
        wrong.stderr.contains("The password of the backup is wrong"),
        "{}",
        wrong.stderr
    );
    let mut cmd = authcert_cmd(
        dir,
        &[
            "authority",
            "restore",
            backup.to_str().unwrap(),
            "--password-stdin",
        ],
    );
    cmd.env("AUTHCERT_DATA_DIR", &data).envs(bus.env());
    let r = with_stdin(&mut cmd, &password);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("Restored the issuing authority"),
        "{}",
        r.stderr
    );
    let made = generate(
        &bus,
        dir,
        &data,
        "After restore",
        "ecdsa-p256",
        "aes-256",
        true,
    );
    let nginx = servers::nginx(&pki, &dir.join("nginx"), Some(&ca), "");
    assert_accepted(
        dir,
        &pki,
        &made,
        &format!("https://localhost:{}/", nginx.port),
        "signed after restore",
    );
}

/// The review's reproduction, step for step: create, sign, revoke for key
/// compromise, export the list, back up, remove, restore, export again. The
/// new list must still name the certificate, with a higher number, and
/// nginx and Apache loading it must refuse it. A certificate the authority
/// signed on another computer is revoked by its serial; one added from its
/// file is recognised as the authority's. An expired authority signs no list.
#[test]
fn a_revoked_certificate_stays_revoked_through_backup_removal_and_restore() {
    let bus = Bus::start("authority-stays-revoked", Keyring::Unlocked);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let data = dir.join("data");
    let pki = servers::Pki::new(&dir.join("pki"));
    let ok = |r: Run| {
        assert_eq!(r.code, 0, "{}", r.stderr);
        r
    };
    ok(run(
        &bus,
        dir,
        &data,
        &["authority", "create", "--name", "Acme"],
    ));
    let ca = dir.join("authority.pem");
    ok(run(
        &bus,
        dir,
        &data,
        &["authority", "export", "--out", ca.to_str().unwrap()],
    ));
    let compromised = generate(
        &bus,
        dir,
        &data,
        "Compromised",
        "ecdsa-p256",
        "aes-256",
        true,
    );
    let fine = generate(&bus, dir, &data, "Fine", "ecdsa-p256", "aes-256", true);
    ok(run(
        &bus,
        dir,
        &data,
        &["revoke", "Compromised", "--reason", "key-compromise"],
    ));
    let crl1 = dir.join("crl-1.pem");
    ok(run(
        &bus,
        dir,
        &data,
        &["authority", "crl", "--out", crl1.to_str().unwrap()],
    ));
    let backup = dir.join("backup.p12");
    let password = ok(run(
        &bus,
        dir,
        &data,
        &["authority", "backup", "--out", backup.to_str().unwrap()],
    ))
    .stdout
    .trim()
    .to_string();
    let r = ok(run(&bus, dir, &data, &["authority", "remove", "--yes"]));
    assert!(r.stderr.contains("stay on this computer"), "{}", r.stderr);
    let mut cmd = authcert_cmd(
        dir,
        &[
            "authority",
            "restore",
            backup.to_str().unwrap(),
            "--password-stdin",
        ],
    );
    cmd.env("AUTHCERT_DATA_DIR", &data).envs(bus.env());
    let r = ok(with_stdin(&mut cmd, &password));
    assert!(
        r.stderr.contains("Restored, with its revocation"),
        "{}",
        r.stderr
    );
    let r = ok(run(&bus, dir, &data, &["list", "--json"]));
    let rows: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let row = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["nickname"] == "Compromised")
        .unwrap();
    assert_eq!(
        row["revoked"], true,
        "the list still shows it revoked: {row:#}"
    );
    let crl2 = dir.join("crl-2.pem");
    ok(run(
        &bus,
        dir,
        &data,
        &["authority", "crl", "--out", crl2.to_str().unwrap()],
    ));
    let number = |crl: &Path| {
        let text = tool(
            "openssl",
            &["crl", "-in", crl.to_str().unwrap(), "-noout", "-crlnumber"],
        )
        .stdout;
        u128::from_str_radix(text.trim().trim_start_matches("crlNumber=0x"), 16).unwrap()
    };
    assert!(number(&crl2) > number(&crl1));
    let v = verify(&ca, Some(&crl2), &compromised.cert_pem);
    assert!(
        v.stderr.contains("certificate revoked"),
        "{}{}",
        v.stdout,
        v.stderr
    );
    let nginx = servers::nginx(
        &pki,
        &dir.join("nginx"),
        Some(&ca),
        &format!("ssl_crl {};", crl2.display()),
    );
    let apache = servers::apache_with(
        &pki,
        &dir.join("apache"),
        Some(&ca),
        &format!(
            "SSLCARevocationFile {}\n    SSLCARevocationCheck chain",
            crl2.display()
        ),
    );
    for url in [
        format!("https://localhost:{}/", nginx.port),
        format!("https://localhost:{}/status", apache.port),
    ] {
        assert_refused(dir, &pki, &compromised, &url, "revoked before the backup");
        assert_accepted(dir, &pki, &fine, &url, "never revoked");
    }

    // Another computer restores the same backup and signs a certificate
    // this one never lists: revoked here by its serial.
    let elsewhere = dir.join("data-elsewhere");
    let mut cmd = authcert_cmd(
        dir,
        &[
            "authority",
            "restore",
            backup.to_str().unwrap(),
            "--password-stdin",
        ],
    );
    cmd.env("AUTHCERT_DATA_DIR", &elsewhere).envs(bus.env());
    ok(with_stdin(&mut cmd, &password));
    let remote = generate(
        &bus,
        dir,
        &elsewhere,
        "Remote",
        "ecdsa-p256",
        "aes-256",
        true,
    );
    let serial = tool(
        "openssl",
        &[
            "x509",
            "-in",
            remote.cert_pem.to_str().unwrap(),
            "-noout",
            "-serial",
        ],
    )
    .stdout
    .trim()
    .trim_start_matches("serial=")
    .to_string();
    let r = run(&bus, dir, &data, &["revoke", "--serial", "not-hex"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--serial:"), "{}", r.stderr);
    let r = ok(run(
        &bus,
        dir,
        &data,
        &[
            "revoke",
            "--serial",
            &serial,
            "--reason",
            "cessation-of-operation",
        ],
    ));
    assert!(r.stderr.contains("Revoked serial"), "{}", r.stderr);
    // Its file, added here, is recognised as the authority's.
    let r = ok(run(
        &bus,
        dir,
        &data,
        &[
            "add",
            remote.cert_pem.to_str().unwrap(),
            "--nickname",
            "Remote here",
        ],
    ));
    assert!(r.stdout.contains("Added"), "{}", r.stdout);
    let r = ok(run(&bus, dir, &data, &["list", "--json"]));
    let rows: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let row = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["nickname"] == "Remote here")
        .unwrap();
    assert_eq!(row["signedBy"]["name"], "Acme", "{row:#}");
    assert_eq!(row["revoked"], true, "revoked by its serial: {row:#}");
    let crl3 = dir.join("crl-3.pem");
    ok(run(
        &bus,
        dir,
        &data,
        &["authority", "crl", "--out", crl3.to_str().unwrap()],
    ));
    let v = verify(&ca, Some(&crl3), &remote.cert_pem);
    assert!(
        v.stderr.contains("certificate revoked"),
        "{}{}",
        v.stdout,
        v.stderr
    );
    let v = verify(&ca, Some(&crl3), &compromised.cert_pem);
    assert!(
        v.stderr.contains("certificate revoked"),
        "{}{}",
        v.stdout,
        v.stderr
    );

    // Once the authority has expired, no list can be signed.
    let after = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_hours(24 * 366 * 11))
        .unwrap();
    let late = dir.join("late.pem");
    let mut cmd = authcert_cmd(dir, &["authority", "crl", "--out", late.to_str().unwrap()]);
    cmd.env("AUTHCERT_DATA_DIR", &data)
        .env("AUTHCERT_TEST_NOW", after.to_string())
        .envs(bus.env());
    let r = run_output(cmd.output().unwrap());
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("can sign no revocation list"),
        "{}",
        r.stderr
    );
    assert!(!late.exists());
}

#[test]
fn without_a_working_keychain_nothing_is_created_or_signed() {
    if common::skip_on_windows("Windows Credential Manager is always there for a logged-in user; Wine cannot make it missing or locked") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let data = dir.join("data");
    for (keyring, words) in [
        (Keyring::None, "no keychain service is running"),
        (Keyring::Locked, "the keychain is locked"),
    ] {
        let bus = Bus::start("authority-no-keychain", keyring);
        let r = run(&bus, dir, &data, &["authority", "create", "--name", "Acme"]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(
            r.stderr.contains("The authority was not created: "),
            "{}",
            r.stderr
        );
        assert!(r.stderr.contains(words), "{}", r.stderr);
        assert!(!data.join("authority.json").exists());
    }
    // Created with a keychain, then signing without one.
    let bus = Bus::start("authority-then-none", Keyring::Unlocked);
    assert_eq!(
        run(&bus, dir, &data, &["authority", "create", "--name", "Acme"]).code,
        0
    );
    drop(bus);
    let none = Bus::start("authority-none-after", Keyring::None);
    let end = days_from_today(30);
    let r = run(
        &none,
        dir,
        &data,
        &[
            "generate",
            "--nickname",
            "X",
            "--end-date",
            &end,
            "--out",
            "x.p12",
            "--signed-by-authority",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("The certificate was not made: the authority's private key is kept only in the keychain"), "{}", r.stderr);
    assert!(!dir.join("x.p12").exists());
    let r = run(&none, dir, &data, &["authority", "crl", "--out", "crl.pem"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!dir.join("crl.pem").exists());
}

#[test]
fn invalid_input_exits_2_naming_the_option_and_writes_nothing() {
    let bus = Bus::start("authority-invalid", Keyring::Unlocked);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let data = dir.join("data");
    let end = days_from_today(30);
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["authority", "create"], "--name is required"),
        (
            vec!["authority", "create", "--name", "a/b"],
            "--name (Authority name): only letters",
        ),
        (
            vec![
                "authority",
                "create",
                "--name",
                "A",
                "--end-date",
                "2020-01-01",
            ],
            "--end-date (Authority valid until)",
        ),
        (
            vec![
                "authority",
                "create",
                "--name",
                "A",
                "--end-date",
                "9999-99-99",
            ],
            "--end-date (Authority valid until)",
        ),
        (
            vec!["authority", "create", "--name", "A", "--name", "B"],
            "--name is given twice",
        ),
        (vec!["authority", "sign"], "is not an authority command"),
        (vec!["authority", "export"], "--out is required"),
        (
            vec!["authority", "export", "--out", "a.pem"],
            "No issuing authority exists",
        ),
        (
            vec!["authority", "crl", "--out", "a.pem"],
            "No issuing authority exists",
        ),
        (
            vec!["authority", "restore"],
            "restore needs the backup FILE.p12",
        ),
        (vec!["authority", "restore", "missing.p12"], "File"),
        (vec!["authority", "remove"], "add --yes to confirm"),
        (vec!["revoke"], "give the NICKNAME"),
        (vec!["revoke", "Nobody"], "no certificate named “Nobody”"),
        (
            vec!["revoke", "X", "--reason", "stolen"],
            "--reason: “stolen” is not one of the reasons",
        ),
        (
            vec![
                "generate",
                "--nickname",
                "X",
                "--end-date",
                &end,
                "--out",
                "x.p12",
                "--signed-by-authority",
            ],
            "--signed-by-authority (Signed by): no issuing authority exists",
        ),
    ];
    for (args, words) in &cases {
        let r = run(&bus, dir, &data, args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains(words),
            "{args:?}: “{words}” not in {}",
            r.stderr
        );
        assert!(r.stdout.is_empty(), "{args:?}");
    }
    assert!(!data.join("authority.json").exists());
    let r = run(
        &bus,
        dir,
        &data,
        &[
            "authority",
            "create",
            "--name",
            "Acme",
            "--end-date",
            &days_from_today(100),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let late = days_from_today(200);
    let r = run(
        &bus,
        dir,
        &data,
        &[
            "generate",
            "--nickname",
            "Late",
            "--end-date",
            &late,
            "--out",
            "late.p12",
            "--signed-by-authority",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("--end-date (End date): the authority “Acme” is valid until"),
        "{}",
        r.stderr
    );
    let r = run(
        &bus,
        dir,
        &data,
        &["authority", "create", "--name", "Second"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("already exists"), "{}", r.stderr);
    let r = run(&bus, dir, &data, &["authority", "restore", "late.p12"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    // Nothing but the list's own files in the data folder.
    let mut names: Vec<String> = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "authority.json",
            "certificates.lock",
            "certificates.lock.holder"
        ],
        "{names:?}"
    );
    let r = run(&bus, dir, &data, &["authority", "remove", "--yes"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!data.join("authority.json").exists());
    assert!(bus.accounts().iter().all(|a| !a.starts_with("Authority: ")));
}
