//! `authcert test` against real servers on 127.0.0.1, started by the test:
//! nginx (verify on / optional + 403 / off), Apache httpd (SSLVerifyClient
//! require), `openssl s_server` (an unknown_ca alert), a server this
//! computer does not trust, a closed port, a name that cannot resolve, a
//! server that never answers, and one that sends megabytes. Certificates
//! are made by the real `authcert generate`, in both encryption profiles
//! with an RSA and an ECDSA key.

mod common;
#[path = "support/secret_service.rs"]
mod secret_service;
#[path = "support/servers.rs"]
mod servers;

use std::io::Write;
use std::path::{Path, PathBuf};

use common::{authcert_cmd, days_from_today, run_output, with_stdin, Run};
use serde_json::Value;

/// A certificate made by `authcert generate`, its password, and its public
/// part extracted by OpenSSL.
struct Made {
    nickname: String,
    p12: PathBuf,
    password: String,
    cert_pem: PathBuf,
}

fn generate(dir: &Path, nickname: &str, key: &str, encryption: &str) -> Made {
    let p12 = dir.join(format!("{nickname}.p12"));
    let run = common::authcert(
        dir,
        &[
            "generate",
            "--nickname",
            nickname,
            "--end-date",
            &days_from_today(30),
            "--key",
            key,
            "--encryption",
            encryption,
            "--out",
            p12.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let password = run.stdout.trim().to_string();
    let cert_pem = dir.join(format!("{nickname}.pem"));
    let out = std::process::Command::new("openssl")
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
        nickname: nickname.into(),
        p12,
        password,
        cert_pem,
    }
}

/// `authcert test` with the password on standard input; `trusting_ca`
/// makes the test authority trusted as if it were in the system's store.
fn test(dir: &Path, pki: Option<&servers::Pki>, made: &Made, url: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "test",
        url,
        "--p12",
        made.p12.to_str().unwrap(),
        "--password-stdin",
        "--json",
    ];
    args.extend_from_slice(extra);
    let mut cmd = authcert_cmd(dir, &args);
    cmd.env("NO_PROXY", "*")
        .env_remove("HTTPS_PROXY")
        .env_remove("https_proxy");
    match pki {
        Some(pki) => cmd.env("SSL_CERT_FILE", &pki.ca),
        // An empty store file: nothing but the admin's fingerprint is trusted.
        None => cmd.env("SSL_CERT_FILE", dir.join("no-authorities.pem")),
    };
    std::fs::write(dir.join("no-authorities.pem"), "").unwrap();
    let run = with_stdin(&mut cmd, &made.password);
    assert!(!run.stdout.contains(&made.password) && !run.stderr.contains(&made.password));
    run
}

fn verdict(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {} / {}", run.stdout, run.stderr))
}

/// The verdict, its exit code, and the words the admin reads.
fn assert_verdict(run: &Run, kind: &str, code: i32, words: &str) -> Value {
    let v = verdict(run);
    assert_eq!(v["verdict"], kind, "{v:#}");
    assert_eq!(run.code, code, "{v:#}");
    let message = v["message"].as_str().unwrap();
    assert!(
        message.contains(words),
        "{kind}: “{words}” not in: {message}"
    );
    v
}

fn fingerprint_of_pem(pem: &Path) -> String {
    let out = std::process::Command::new("openssl")
        .args([
            "x509",
            "-noout",
            "-fingerprint",
            "-sha256",
            "-in",
            pem.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .rsplit('=')
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn nginx_and_apache_accept_what_they_trust_and_refuse_the_rest() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let pki = servers::Pki::new(&dir.join("pki"));
    let certs = [
        generate(dir, "rsa-aes", "rsa-2048", "aes-256"),
        generate(dir, "ec-aes", "ecdsa-p256", "aes-256"),
        generate(dir, "rsa-3des", "rsa-2048", "3des"),
        generate(dir, "ec-3des", "ecdsa-p256", "3des"),
    ];
    // Every certificate is trusted by one nginx and one Apache; the other
    // client certificates stand for "another certificate".
    let bundle = dir.join("trusted.pem");
    let mut all = String::new();
    for c in &certs[..] {
        all.push_str(&std::fs::read_to_string(&c.cert_pem).unwrap());
    }
    std::fs::write(&bundle, all).unwrap();
    let stranger = generate(dir, "stranger", "ecdsa-p256", "aes-256");

    let nginx = servers::nginx(&pki, &dir.join("nginx"), Some(&bundle), "");
    let apache = servers::apache(&pki, &dir.join("apache"), Some(&bundle));
    let nginx_url = format!("https://localhost:{}/", nginx.port);
    let apache_url = format!("https://localhost:{}/status", apache.port);
    for c in &certs {
        let v = assert_verdict(
            &test(dir, Some(&pki), c, &nginx_url, &[]),
            "accepted",
            0,
            "took this one",
        );
        assert_eq!(v["http_status"], 200);
        assert_eq!(v["certificate_requested"], true);
        assert_eq!(v["certificate_sha256"], fingerprint_of_pem(&c.cert_pem));
        assert_eq!(
            v["server"]["sha256"],
            fingerprint_of_pem(&pki.server_cert),
            "{}",
            c.nickname
        );
        assert!(v["server"]["subject"]
            .as_str()
            .unwrap()
            .contains("localhost"));
        assert!(v["server"]["issuer"]
            .as_str()
            .unwrap()
            .contains("AuthCert test server authority"));
        let v = assert_verdict(
            &test(dir, Some(&pki), c, &apache_url, &[]),
            "accepted",
            0,
            "took this one",
        );
        assert_eq!(v["http_status"], 200, "{}", c.nickname);
    }

    // nginx answers an untrusted certificate with its 400 page.
    let v = assert_verdict(
        &test(dir, Some(&pki), &stranger, &nginx_url, &[]),
        "refused",
        4,
        "The SSL certificate error",
    );
    assert_eq!(v["http_status"], 400);
    assert!(v["message"]
        .as_str()
        .unwrap()
        .contains("Register the public certificate"));
    // Apache (TLS 1.3) refuses with an alert after the handshake.
    let v = assert_verdict(
        &test(dir, Some(&pki), &stranger, &apache_url, &[]),
        "refused",
        4,
        "unknown CA",
    );
    assert!(v["detail"].as_str().unwrap().contains("UnknownCA"), "{v:#}");
    // The same in plain text, for people.
    let mut cmd = authcert_cmd(
        dir,
        &[
            "test",
            &nginx_url,
            "--p12",
            stranger.p12.to_str().unwrap(),
            "--password-stdin",
        ],
    );
    cmd.env("SSL_CERT_FILE", &pki.ca).env("NO_PROXY", "*");
    let plain = with_stdin(&mut cmd, &stranger.password);
    assert_eq!(plain.code, 4);
    assert!(
        plain
            .stdout
            .starts_with("Refused: the API does not accept this certificate"),
        "{}",
        plain.stdout
    );
}

#[test]
fn optional_verification_not_requested_and_alerts() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let pki = servers::Pki::new(&dir.join("pki"));
    let made = generate(dir, "client", "ecdsa-p256", "aes-256");
    let other = generate(dir, "other", "ecdsa-p256", "aes-256");

    // `optional_no_ca`: the handshake passes, the application answers 403.
    let optional = servers::nginx(
        &pki,
        &dir.join("optional"),
        None,
        &format!(
            "ssl_verify_client optional_no_ca; ssl_client_certificate {}; if ($ssl_client_verify != SUCCESS) {{ return 403; }}",
            other.cert_pem.display()
        ),
    );
    let url = format!("https://127.0.0.1:{}/", optional.port);
    let v = assert_verdict(
        &test(dir, Some(&pki), &made, &url, &[]),
        "refused",
        4,
        "does not let this certificate in",
    );
    assert_eq!(v["http_status"], 403);
    assert_verdict(
        &test(dir, Some(&pki), &other, &url, &[]),
        "accepted",
        0,
        "200 OK",
    );

    // No client verification at all.
    let plain = servers::nginx(&pki, &dir.join("plain"), None, "");
    let url = format!("https://localhost:{}/", plain.port);
    let v = assert_verdict(
        &test(dir, Some(&pki), &made, &url, &[]),
        "not-requested",
        5,
        "without ever asking",
    );
    assert_eq!(v["certificate_requested"], false);
    assert_eq!(v["http_status"], 200);

    // s_server's own alert when it does not trust the certificate.
    let s = servers::s_server(&pki, Some(&other.cert_pem), &["-tls1_2"]);
    let url = format!("https://localhost:{}/", s.port);
    assert_verdict(
        &test(dir, Some(&pki), &made, &url, &[]),
        "refused",
        4,
        "unknown CA",
    );

    // A 404 is the certificate working and the path being wrong.
    let verified = servers::nginx(
        &pki,
        &dir.join("v"),
        Some(&made.cert_pem),
        "location /api/ { return 404; }",
    );
    let url = format!("https://localhost:{}/api/nothing", verified.port);
    let v = assert_verdict(
        &test(dir, Some(&pki), &made, &url, &[]),
        "accepted",
        0,
        "path was not found",
    );
    assert_eq!(v["http_status"], 404);
}

#[test]
fn a_server_not_trusted_then_trusted_by_its_fingerprint() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let pki = servers::Pki::new(&dir.join("pki"));
    let made = generate(dir, "client", "rsa-2048", "3des");
    let nginx = servers::nginx(&pki, &dir.join("nginx"), Some(&made.cert_pem), "");
    let url = format!("https://localhost:{}/", nginx.port);
    let server_sha = fingerprint_of_pem(&pki.server_cert);

    // Wine's SSL policy reports the unknown authority's missing revocation
    // status first (tests/support/wine/authcert), which Windows would not:
    // the same verdict, in its general words.
    let v = assert_verdict(
        &test(dir, None, &made, &url, &[]),
        "server-untrusted",
        6,
        if common::windows() {
            "its certificate could not be verified"
        } else {
            "an authority this computer does not trust"
        },
    );
    assert_eq!(v["server"]["sha256"], server_sha);
    assert!(v["server"]["not_after"].as_str().unwrap().ends_with('Z'));

    let v = assert_verdict(
        &test(
            dir,
            None,
            &made,
            &url,
            &["--trust-server", &server_sha.replace(':', "")],
        ),
        "accepted",
        0,
        "200 OK",
    );
    assert_eq!(v["server_trusted_by_fingerprint"], true);
    // Another fingerprint does not open the door.
    let wrong = "AB".repeat(32);
    assert_verdict(
        &test(dir, None, &made, &url, &["--trust-server", &wrong]),
        "server-untrusted",
        6,
        "cannot confirm",
    );
}

#[test]
fn unreachable_in_plain_words() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let pki = servers::Pki::new(&dir.join("pki"));
    let made = generate(dir, "client", "ecdsa-p256", "aes-256");

    let closed = servers::free_port();
    assert_verdict(
        &test(
            dir,
            Some(&pki),
            &made,
            &format!("https://127.0.0.1:{closed}/"),
            &[],
        ),
        "unreachable",
        7,
        "connection refused",
    );
    assert_verdict(
        &test(
            dir,
            Some(&pki),
            &made,
            "https://api.authcert-test.invalid/",
            &[],
        ),
        "unreachable",
        7,
        "could not be found",
    );
    let stalling = servers::stalling();
    let v = assert_verdict(
        &test(
            dir,
            Some(&pki),
            &made,
            &format!("https://127.0.0.1:{}/", stalling.port),
            &["--timeout", "2"],
        ),
        "unreachable",
        7,
        "did not answer within 2 seconds",
    );
    assert!(v["elapsed_ms"].as_u64().unwrap() >= 1900, "{v:#}");
}

#[test]
fn a_server_sending_megabytes_is_cut_off() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let pki = servers::Pki::new(&dir.join("pki"));
    let made = generate(dir, "client", "ecdsa-p256", "aes-256");
    let big = dir.join("big");
    std::fs::create_dir_all(&big).unwrap();
    let size = 32 * 1024 * 1024;
    std::fs::write(big.join("big.bin"), vec![b'x'; size]).unwrap();
    let nginx = servers::nginx(
        &pki,
        &dir.join("nginx"),
        Some(&made.cert_pem),
        &format!("location /big {{ alias {}/big.bin; }}", big.display()),
    );
    let url = format!("https://localhost:{}/big", nginx.port);
    let v = assert_verdict(
        &test(dir, Some(&pki), &made, &url, &[]),
        "accepted",
        0,
        "200 OK",
    );
    assert_eq!(v["http_status"], 200);
    drop(nginx);
    // nginx logs how much of the body it sent before the client left.
    let log = std::fs::read_to_string(dir.join("nginx/logs/access.log")).unwrap();
    let line = log.lines().find(|l| l.contains("GET /big")).expect(&log);
    let sent: usize = line
        .split('"')
        .nth(2)
        .unwrap()
        .split_whitespace()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        sent < size / 2,
        "AuthCert read {sent} of {size} bytes: {line}"
    );
}

#[test]
fn listed_certificates_by_nickname_and_the_last_test_is_remembered() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let pki = servers::Pki::new(&dir.join("pki"));
    let made = generate(dir, "Billing API", "ecdsa-p256", "aes-256");
    // nginx's configuration takes paths without spaces.
    let trusted = dir.join("billing.pem");
    std::fs::copy(&made.cert_pem, &trusted).unwrap();
    let nginx = servers::nginx(&pki, &dir.join("nginx"), Some(&trusted), "");
    let url = format!("https://localhost:{}/", nginx.port);

    // Not in the keychain: the password must be typed.
    let mut cmd = authcert_cmd(dir, &["test", &url, "--nickname", "billing api"]);
    cmd.env("SSL_CERT_FILE", &pki.ca);
    let run = run_output(cmd.output().unwrap());
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("--password-stdin: the password of “Billing API” is not in the keychain"),
        "{}",
        run.stderr
    );

    let mut cmd = authcert_cmd(
        dir,
        &[
            "test",
            &url,
            "--nickname",
            "billing api",
            "--password-stdin",
            "--json",
        ],
    );
    cmd.env("SSL_CERT_FILE", &pki.ca).env("NO_PROXY", "*");
    let run = with_stdin(&mut cmd, &made.password);
    assert_verdict(&run, "accepted", 0, "took this one");

    let list = common::authcert(dir, &["list", "--json"]);
    let listed: Value = serde_json::from_str(&list.stdout).unwrap();
    let record = &listed[0];
    assert_eq!(record["lastTest"]["verdict"], "accepted", "{record:#}");
    assert_eq!(record["lastTest"]["url"], url.as_str());
    assert_eq!(record["lastTest"]["httpStatus"], 200);

    // The list file holds no secret.
    let list_file =
        std::fs::read_to_string(common::data_dir_for(dir).join("certificates.json")).unwrap();
    assert!(!list_file.contains(&made.password));
}

#[test]
fn invalid_input_exits_2_naming_the_option() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let made = generate(dir, "client", "ecdsa-p256", "aes-256");
    let p12 = made.p12.to_str().unwrap();
    let copy_path = dir.join("copy.p12");
    std::fs::copy(&made.p12, &copy_path).unwrap();
    let copy = copy_path.to_str().unwrap();
    // Far over the 2 048 allowed, and under Windows' 32 767-character
    // command line, so that the Windows build gets it too.
    let long = format!("https://example.com/{}", "a".repeat(20_000));
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["test"], "URL: give the API's address"),
        (
            vec!["test", "http://127.0.0.1/", "--p12", p12],
            "API address: must start with https://",
        ),
        (
            vec!["test", "file:///etc/passwd", "--p12", p12],
            "API address: must start with https://",
        ),
        (
            vec!["test", "https://u:p@127.0.0.1/", "--p12", p12],
            "user name or password",
        ),
        (
            vec!["test", "https://127.0.0.1/\r\nX: y", "--p12", p12],
            "control character",
        ),
        (vec!["test", &long, "--p12", p12], "at most 2048 characters"),
        (
            vec!["test", "https://127.0.0.1/"],
            "--p12 FILE or --nickname NAME",
        ),
        (
            vec![
                "test",
                "https://127.0.0.1/",
                "--p12",
                p12,
                "--nickname",
                "x",
            ],
            "not both",
        ),
        (
            vec![
                "test",
                "https://127.0.0.1/",
                "--p12",
                p12,
                "--trust-server",
                "abc",
            ],
            "--trust-server: give the server's SHA-256",
        ),
        (
            vec!["test", "https://127.0.0.1/", "--p12", p12, "--timeout", "0"],
            "--timeout: give a whole number of seconds from 1 to 60",
        ),
        (
            vec!["test", "https://127.0.0.1/", "--p12", p12],
            "--password-stdin: the password of “client” is not in the keychain",
        ),
        (
            vec!["test", "https://127.0.0.1/", "--p12", copy],
            "--password-stdin: this file is not in AuthCert's list",
        ),
        (
            vec!["test", "https://127.0.0.1/", "--nickname", "nobody"],
            "No certificate named “nobody”",
        ),
        (
            vec![
                "test",
                "https://127.0.0.1/",
                "--p12",
                "/nonexistent.p12",
                "--password-stdin",
            ],
            "could not be read",
        ),
        (
            vec!["test", "https://127.0.0.1/", "--bogus"],
            "not an option of test",
        ),
        (
            vec!["test", "https://a/", "https://b/"],
            "the second one is extra",
        ),
    ];
    for (args, words) in cases {
        let mut cmd = authcert_cmd(dir, &args);
        let run = with_stdin(&mut cmd, "not-the-password");
        assert_eq!(run.code, 2, "{:.80?}: {}", args, run.stderr);
        assert!(
            run.stderr.contains(words),
            "{:.80?}: “{words}” not in {}",
            args,
            run.stderr
        );
        assert!(run.stderr.len() < 600, "{}", run.stderr.len());
        assert!(run.stdout.is_empty());
    }
    // A wrong password is the admin's to fix: exit 2, the field named.
    let mut cmd = authcert_cmd(
        dir,
        &[
            "test",
            "https://127.0.0.1/",
            "--p12",
            p12,
            "--password-stdin",
        ],
    );
    let run = with_stdin(&mut cmd, "wrong");
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("--p12: The certificate file could not be opened: the password is wrong"),
        "{}",
        run.stderr
    );
    // A file that is not PKCS#12.
    let junk = dir.join("junk.p12");
    std::fs::write(&junk, b"not a certificate").unwrap();
    let mut cmd = authcert_cmd(
        dir,
        &[
            "test",
            "https://127.0.0.1/",
            "--p12",
            junk.to_str().unwrap(),
            "--password-stdin",
        ],
    );
    let run = with_stdin(&mut cmd, "x");
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("not a PKCS#12 file"), "{}", run.stderr);
}

/// A proxy on 127.0.0.1 that refuses every CONNECT with 403: a fault
/// injected where the system's proxy settings point.
fn refusing_proxy() -> u16 {
    use std::io::{BufRead, BufReader};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let mut stream = stream;
            let _ = stream.write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
        }
    });
    port
}

#[test]
fn a_proxy_that_refuses_is_said_in_plain_words() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let pki = servers::Pki::new(&dir.join("pki"));
    let made = generate(dir, "client", "ecdsa-p256", "aes-256");
    let proxy = refusing_proxy();
    let mut cmd = authcert_cmd(
        dir,
        &[
            "test",
            "https://api.authcert-test.example/",
            "--p12",
            made.p12.to_str().unwrap(),
            "--password-stdin",
            "--json",
        ],
    );
    cmd.env("SSL_CERT_FILE", &pki.ca)
        .env("HTTPS_PROXY", format!("http://127.0.0.1:{proxy}"))
        .env_remove("NO_PROXY")
        .env_remove("no_proxy");
    let run = with_stdin(&mut cmd, &made.password);
    assert_verdict(
        &run,
        "unreachable",
        7,
        "The proxy server this computer uses refused",
    );
}

/// A certificate added with its password kept in a real Secret Service is
/// tested by nickname with no password typed.
#[test]
fn a_listed_certificate_is_tested_with_the_password_from_the_keychain() {
    let bus = secret_service::Bus::start("connect-keychain", secret_service::Keyring::Unlocked);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let pki = servers::Pki::new(&dir.join("pki"));
    let run = run_output(
        authcert_cmd(
            dir,
            &[
                "generate",
                "--nickname",
                "Kept",
                "--end-date",
                &days_from_today(30),
                "--key",
                "ecdsa-p256",
                "--out",
                "kept.p12",
                "--keychain",
            ],
        )
        .envs(bus.env())
        .output()
        .unwrap(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let password = run.stdout.trim().to_string();
    let pem = dir.join("kept.pem");
    let out = std::process::Command::new("openssl")
        .args([
            "pkcs12",
            "-nokeys",
            "-clcerts",
            "-in",
            dir.join("kept.p12").to_str().unwrap(),
            "-out",
            pem.to_str().unwrap(),
            "-passin",
        ])
        .arg(format!("pass:{password}"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let nginx = servers::nginx(&pki, &dir.join("nginx"), Some(&pem), "");
    let url = format!("https://localhost:{}/", nginx.port);
    for args in [
        vec!["test", url.as_str(), "--nickname", "kept", "--json"],
        vec!["test", url.as_str(), "--p12", "kept.p12", "--json"],
    ] {
        let run = run_output(
            authcert_cmd(dir, &args)
                .envs(bus.env())
                .env("SSL_CERT_FILE", &pki.ca)
                .env("NO_PROXY", "*")
                .output()
                .unwrap(),
        );
        assert_verdict(&run, "accepted", 0, "200 OK");
        assert!(!run.stdout.contains(&password) && !run.stderr.contains(&password));
    }
}

/// With an `https://` proxy in the environment, reqwest would speak TLS to
/// the proxy with the test's own configuration: the proxy would be shown
/// the certificate and the verdict would be about the proxy. AuthCert
/// stops before the certificate is sent and says so plainly.
#[test]
fn an_https_proxy_is_refused_plainly() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let pki = servers::Pki::new(&dir.join("pki"));
    let made = generate(dir, "proxied", "ecdsa-p256", "aes-256");
    let api = servers::nginx(&pki, &dir.join("nginx"), Some(&made.cert_pem), "");
    // The "proxy": a TLS server on 127.0.0.1 that asks for a client
    // certificate, as a TLS-inspecting proxy can.
    let proxy = servers::s_server(&pki, Some(&pki.ca), &[]);
    let url = format!("https://localhost:{}/", api.port);
    let mut cmd = authcert_cmd(
        dir,
        &[
            "test",
            &url,
            "--p12",
            made.p12.to_str().unwrap(),
            "--password-stdin",
        ],
    );
    cmd.env("SSL_CERT_FILE", &pki.ca)
        .env("HTTPS_PROXY", format!("https://127.0.0.1:{}", proxy.port))
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .env_remove("https_proxy");
    let run = with_stdin(&mut cmd, &made.password);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.is_empty(), "no verdict: {}", run.stdout);
    assert!(
        run.stderr.contains("HTTPS proxy (127.0.0.1)")
            && run.stderr.contains("NO_PROXY")
            && run.stderr.contains("The certificate was not sent"),
        "{}",
        run.stderr
    );
    // Exempted, the same test reaches the API and is accepted.
    let mut cmd = authcert_cmd(
        dir,
        &[
            "test",
            &url,
            "--p12",
            made.p12.to_str().unwrap(),
            "--password-stdin",
        ],
    );
    cmd.env("SSL_CERT_FILE", &pki.ca)
        .env("HTTPS_PROXY", format!("https://127.0.0.1:{}", proxy.port))
        .env("NO_PROXY", "localhost");
    let run = with_stdin(&mut cmd, &made.password);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}
