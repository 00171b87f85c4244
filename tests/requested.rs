//! Certificates from a company's CA, end to end through the real `authcert`
//! and a real Secret Service (under Wine, Credential Manager): `authcert
//! request` writes a request that OpenSSL verifies; CAs from Debian's
//! packages sign it — OpenSSL (`x509 -req` as the README's example says,
//! and `openssl ca`), easy-rsa's `sign-req client`, GnuTLS certtool — and
//! `authcert complete`, a separate process as after a restart, joins the
//! answer with the key waiting in the keychain into a .p12 that OpenSSL,
//! keytool and Python's `cryptography` open with its chain, and that nginx
//! trusting only the CA's root accepts through curl and `authcert test`.
//! The waiting key is never in a file; completing removes it from the
//! keychain. An answer for another key, an expired one and one made with a
//! server template are refused and leave the request waiting.

mod common;
#[path = "support/secret_service.rs"]
mod secret_service;
#[path = "support/servers.rs"]
mod servers;

use std::path::Path;

use common::{authcert_cmd, contains, files_under, run_output, tool, with_stdin, Run};
use secret_service::{Bus, Keyring};

fn run(bus: &Bus, dir: &Path, args: &[&str]) -> Run {
    let out = authcert_cmd(dir, args)
        .env("AUTHCERT_DATA_DIR", dir.join("data"))
        .envs(bus.env())
        .output()
        .unwrap();
    run_output(out)
}

fn ok(r: Run, what: &str) -> Run {
    assert_eq!(r.code, 0, "{what}: {}", r.stderr);
    r
}

/// A root and an intermediate, kept with OpenSSL in `dir`.
fn openssl_ca(dir: &Path) {
    let p = |name: &str| dir.join(name).display().to_string();
    std::fs::write(
        dir.join("ca.cnf"),
        "[v3_ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n",
    )
    .unwrap();
    ok(
        tool(
            "openssl",
            &[
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                &p("root.key"),
                "-out",
                &p("root.crt"),
                "-subj",
                "/CN=Test Root CA",
                "-days",
                "30",
                "-config",
                &p("ca.cnf"),
                "-extensions",
                "v3_ca",
            ],
        ),
        "root",
    );
    ok(
        tool(
            "openssl",
            &[
                "req",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                &p("int.key"),
                "-out",
                &p("int.csr"),
                "-subj",
                "/CN=Test Issuing CA",
            ],
        ),
        "intermediate request",
    );
    ok(
        tool(
            "openssl",
            &[
                "x509",
                "-req",
                "-in",
                &p("int.csr"),
                "-CA",
                &p("root.crt"),
                "-CAkey",
                &p("root.key"),
                "-CAcreateserial",
                "-days",
                "30",
                "-extfile",
                &p("ca.cnf"),
                "-extensions",
                "v3_ca",
                "-out",
                &p("int.crt"),
            ],
        ),
        "intermediate",
    );
}

/// The intermediate of `openssl_ca` signs `csr` into `out` (both in
/// `dir`) as the README's example says, keeping the requested extensions.
fn intermediate_signs(dir: &Path, csr: &str, out: &str) {
    let p = |name: &str| dir.join(name).display().to_string();
    ok(
        tool(
            "openssl",
            &[
                "x509",
                "-req",
                "-in",
                &p(csr),
                "-CA",
                &p("int.crt"),
                "-CAkey",
                &p("int.key"),
                "-CAcreateserial",
                "-copy_extensions",
                "copyall",
                "-days",
                "20",
                "-out",
                &p(out),
            ],
        ),
        "the CA signs",
    );
}

#[test]
fn a_request_signed_by_an_openssl_ca_completes_into_a_p12_with_its_chain() {
    let bus = Bus::start("requested", Keyring::Unlocked);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    openssl_ca(dir);
    let p = |name: &str| dir.join(name).display().to_string();

    let r = ok(
        run(
            &bus,
            dir,
            &[
                "request",
                "--nickname",
                "Billing API",
                "--key",
                "rsa-2048",
                "--out",
                &p("billing.csr"),
            ],
        ),
        "request",
    );
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    for place in [
        "certreq -submit",
        "vault write",
        "step ca sign",
        "openssl x509 -req",
    ] {
        assert!(r.stderr.contains(place), "{place}: {}", r.stderr);
    }
    let checked = ok(
        tool(
            "openssl",
            &[
                "req",
                "-in",
                &p("billing.csr"),
                "-noout",
                "-verify",
                "-text",
            ],
        ),
        "openssl req -verify",
    );
    assert!(
        checked.stdout.contains("TLS Web Client Authentication"),
        "{}",
        checked.stdout
    );
    // Waiting: listed, its key in the keychain, in no file. The JSON list
    // stays an array of certificates and says the request beside it.
    let json = ok(run(&bus, dir, &["list", "--json"]), "list --json");
    assert_eq!(json.stdout.trim(), "[]");
    assert!(
        json.stderr.contains("1 request(s) wait for a CA's answer"),
        "{}",
        json.stderr
    );
    let listed = ok(run(&bus, dir, &["list"]), "list");
    assert!(
        listed.stdout.contains("REQUESTS WAITING FOR A CA'S ANSWER"),
        "{}",
        listed.stdout
    );
    assert!(listed.stdout.contains("Billing API"), "{}", listed.stdout);
    assert!(bus
        .accounts()
        .iter()
        .any(|a| a.starts_with("Request: Billing API (")));
    for file in files_under(dir) {
        let bytes = std::fs::read(&file).unwrap();
        let key_file = file.extension().is_some_and(|e| e == "key");
        assert!(
            key_file || !contains(&bytes, b"PRIVATE KEY"),
            "{} holds a private key",
            file.display()
        );
    }
    // The same nickname cannot be requested or made twice.
    let again = run(
        &bus,
        dir,
        &[
            "request",
            "--nickname",
            "Billing API",
            "--out",
            &p("again.csr"),
        ],
    );
    assert_eq!(again.code, 2, "{}", again.stderr);
    assert!(!dir.join("again.csr").exists());

    // The CA signs it as the README's example says; the answer comes back
    // root first.
    intermediate_signs(dir, "billing.csr", "leaf.crt");
    let answer: String = ["root.crt", "int.crt", "leaf.crt"]
        .iter()
        .map(|f| std::fs::read_to_string(dir.join(f)).unwrap())
        .collect();
    std::fs::write(dir.join("answer.pem"), answer).unwrap();

    // An answer for another key is refused, and the request still waits.
    let other = dir.join("other.pem");
    std::fs::copy(dir.join("int.crt"), &other).unwrap();
    let refused = run(
        &bus,
        dir,
        &[
            "complete",
            "Billing API",
            other.to_str().unwrap(),
            "--out",
            &p("billing.p12"),
        ],
    );
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("ANSWER_FILE:"),
        "{}",
        refused.stderr
    );
    assert!(!dir.join("billing.p12").exists());

    let done = ok(
        run(
            &bus,
            dir,
            &[
                "complete",
                "Billing API",
                &p("answer.pem"),
                "--out",
                &p("billing.p12"),
            ],
        ),
        "complete",
    );
    let password = done.stdout.trim().to_string();
    assert!(done.stderr.contains("chain is complete"), "{}", done.stderr);
    assert!(done.stderr.contains("Test Issuing CA"), "{}", done.stderr);
    let certs = ok(
        tool(
            "openssl",
            &[
                "pkcs12",
                "-in",
                &p("billing.p12"),
                "-nokeys",
                "-passin",
                &format!("pass:{password}"),
            ],
        ),
        "openssl pkcs12",
    );
    assert_eq!(
        certs.stdout.matches("BEGIN CERTIFICATE").count(),
        3,
        "{}",
        certs.stdout
    );
    assert!(
        certs.stdout.contains("friendlyName: Billing API"),
        "{}",
        certs.stdout
    );
    let leaf = dir.join("from-p12.pem");
    ok(
        tool(
            "openssl",
            &[
                "pkcs12",
                "-in",
                &p("billing.p12"),
                "-nokeys",
                "-clcerts",
                "-passin",
                &format!("pass:{password}"),
                "-out",
                leaf.to_str().unwrap(),
            ],
        ),
        "the leaf",
    );
    ok(
        tool(
            "openssl",
            &[
                "verify",
                "-CAfile",
                &p("root.crt"),
                "-untrusted",
                &p("int.crt"),
                leaf.to_str().unwrap(),
            ],
        ),
        "openssl verify",
    );
    opens_with_its_chain_in_keytool_and_python(&dir.join("billing.p12"), &password, 3);
    an_nginx_trusting_only_the_root_accepts_it(&bus, dir, &p("root.crt"), &password);
    // Listed as requested from the CA; no longer waiting; its key deleted.
    let json = ok(run(&bus, dir, &["list", "--json"]), "list --json");
    assert!(
        json.stdout
            .contains("\"requestedFrom\": \"Test Issuing CA\""),
        "{}",
        json.stdout
    );
    let listed = ok(run(&bus, dir, &["list"]), "list");
    assert!(
        !listed.stdout.contains("REQUESTS WAITING"),
        "{}",
        listed.stdout
    );
    assert!(!bus.accounts().iter().any(|a| a.starts_with("Request: ")));
    // Completing again: nothing waits.
    let twice = run(
        &bus,
        dir,
        &[
            "complete",
            "Billing API",
            &p("answer.pem"),
            "--out",
            &p("twice.p12"),
        ],
    );
    assert_eq!(twice.code, 2, "{}", twice.stderr);
    assert!(twice.stderr.contains("NICKNAME:"), "{}", twice.stderr);
}

/// Three company CAs from Debian's packages sign three requests waiting at
/// once: `openssl ca` with a root and an intermediate, easy-rsa's
/// `sign-req client` (its answer, the certificate alone, says the CA's own
/// certificate is missing), and GnuTLS certtool (a server template first:
/// refused and explained). What a CA signed wrongly leaves the request
/// waiting; what it signed well completes into a .p12 that OpenSSL
/// verifies to the CA's root.
#[test]
fn requests_signed_by_openssl_ca_easy_rsa_and_certtool_complete() {
    let bus = Bus::start("requested-cas", Keyring::Unlocked);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    openssl_ca(dir);
    let p = |name: &str| dir.join(name).display().to_string();
    for (nickname, key, csr) in [
        ("Ledger", "ecdsa-p384", "ledger.csr"),
        ("Payroll", "rsa-2048", "payroll.csr"),
        ("Reports", "ecdsa-p256", "reports.csr"),
    ] {
        ok(
            run(
                &bus,
                dir,
                &[
                    "request",
                    "--nickname",
                    nickname,
                    "--key",
                    key,
                    "--out",
                    &p(csr),
                ],
            ),
            "request",
        );
    }
    let vendor = ok(
        run(
            &bus,
            dir,
            &[
                "request",
                "--nickname",
                "Vendor",
                "--key",
                "ecdsa-p256",
                "--out",
                &p("vendor.csr"),
            ],
        ),
        "request",
    );
    let waiting = ok(run(&bus, dir, &["list"]), "list");
    for nickname in ["Ledger", "Payroll", "Reports", "Vendor"] {
        assert!(waiting.stdout.contains(nickname), "{}", waiting.stdout);
    }
    let complete = |nickname: &str, answer: &str, out: &str| {
        run(
            &bus,
            dir,
            &["complete", nickname, &p(answer), "--out", &p(out)],
        )
    };

    // `openssl ca`: an expired certificate first, then a good one.
    std::fs::create_dir_all(dir.join("newcerts")).unwrap();
    std::fs::write(dir.join("index.txt"), "").unwrap();
    std::fs::write(dir.join("serial"), "1000\n").unwrap();
    std::fs::write(
        dir.join("openssl-ca.cnf"),
        format!(
            "[ca]\ndefault_ca = issuing\n[issuing]\ndatabase = {d}/index.txt\nnew_certs_dir = {d}/newcerts\nserial = {d}/serial\ncertificate = {d}/int.crt\nprivate_key = {d}/int.key\ndefault_md = sha256\ndefault_days = 20\npolicy = any\ncopy_extensions = copy\nunique_subject = no\n[any]\ncommonName = supplied\n",
            d = dir.display()
        ),
    )
    .unwrap();
    let config = p("openssl-ca.cnf");
    let openssl_ca = |out: &str, dates: &[&str]| {
        let (csr, out) = (p("ledger.csr"), p(out));
        let mut args = vec![
            "ca", "-batch", "-config", &config, "-in", &csr, "-out", &out,
        ];
        args.extend_from_slice(dates);
        ok(tool("openssl", &args), "openssl ca");
    };
    openssl_ca(
        "ledger-expired.crt",
        &[
            "-startdate",
            "20200101000000Z",
            "-enddate",
            "20200201000000Z",
        ],
    );
    let expired = complete("Ledger", "ledger-expired.crt", "ledger.p12");
    assert_eq!(expired.code, 2, "{}", expired.stderr);
    assert!(expired.stderr.contains("expired on"), "{}", expired.stderr);
    assert!(!dir.join("ledger.p12").exists());
    openssl_ca("ledger.crt", &[]);
    // openssl ca writes its text dump before the PEM; the chain follows.
    let answer: String = ["ledger.crt", "int.crt", "root.crt"]
        .iter()
        .map(|f| std::fs::read_to_string(dir.join(f)).unwrap())
        .collect();
    std::fs::write(dir.join("ledger-answer.pem"), answer).unwrap();
    let done = ok(
        complete("Ledger", "ledger-answer.pem", "ledger.p12"),
        "complete with openssl ca's answer",
    );
    assert!(done.stderr.contains("chain is complete"), "{}", done.stderr);
    verifies_to(dir, "ledger.p12", done.stdout.trim(), &p("root.crt"));

    // easy-rsa, as Debian installs it, in batch mode.
    let easyrsa = |args: &[&str]| {
        let out = std::process::Command::new("/usr/share/easy-rsa/easyrsa")
            .args(args)
            .current_dir(dir)
            .env("EASYRSA_PKI", dir.join("easy-pki"))
            .env("EASYRSA_BATCH", "1")
            .env("EASYRSA_REQ_CN", "Easy Test CA")
            .output()
            .expect("easy-rsa runs (scripts/deps.sh test installs it)");
        ok(run_output(out), &format!("easyrsa {args:?}"));
    };
    easyrsa(&["init-pki"]);
    easyrsa(&["build-ca", "nopass"]);
    easyrsa(&["import-req", &p("payroll.csr"), "payroll"]);
    easyrsa(&["sign-req", "client", "payroll"]);
    let done = ok(
        complete("Payroll", "easy-pki/issued/payroll.crt", "payroll.p12"),
        "complete with easy-rsa's answer",
    );
    assert!(
        done.stderr.contains("“Easy Test CA”")
            && done
                .stderr
                .contains("ask your CA for the intermediate certificate"),
        "{}",
        done.stderr
    );
    verifies_to(
        dir,
        "payroll.p12",
        done.stdout.trim(),
        &p("easy-pki/ca.crt"),
    );

    // GnuTLS certtool: a server template is refused, a client one completes.
    std::fs::write(
        dir.join("gnutls-ca.tmpl"),
        "cn = \"GnuTLS Test CA\"\nca\ncert_signing_key\ncrl_signing_key\nexpiration_days = 30\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("server.tmpl"),
        "tls_www_server\nsigning_key\nexpiration_days = 20\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("client.tmpl"),
        "tls_www_client\nsigning_key\nexpiration_days = 20\nhonor_crq_extensions\n",
    )
    .unwrap();
    let certtool = |args: &[&str], what: &str| ok(tool("certtool", args), what);
    certtool(
        &[
            "--generate-privkey",
            "--key-type",
            "ecdsa",
            "--outfile",
            &p("gnutls-ca.key"),
        ],
        "certtool key",
    );
    certtool(
        &[
            "--generate-self-signed",
            "--load-privkey",
            &p("gnutls-ca.key"),
            "--template",
            &p("gnutls-ca.tmpl"),
            "--outfile",
            &p("gnutls-ca.crt"),
        ],
        "certtool CA",
    );
    for template in ["server", "client"] {
        certtool(
            &[
                "--generate-certificate",
                "--load-request",
                &p("reports.csr"),
                "--load-ca-certificate",
                &p("gnutls-ca.crt"),
                "--load-ca-privkey",
                &p("gnutls-ca.key"),
                "--template",
                &p(&format!("{template}.tmpl")),
                "--outfile",
                &p(&format!("reports-{template}.crt")),
            ],
            "certtool signs",
        );
    }
    let server = complete("Reports", "reports-server.crt", "reports.p12");
    assert_eq!(server.code, 2, "{}", server.stderr);
    assert!(
        server.stderr.contains("template for servers"),
        "{}",
        server.stderr
    );
    assert!(!dir.join("reports.p12").exists());
    let answer = std::fs::read_to_string(dir.join("reports-client.crt")).unwrap()
        + &std::fs::read_to_string(dir.join("gnutls-ca.crt")).unwrap();
    std::fs::write(dir.join("reports-answer.pem"), answer).unwrap();
    let done = ok(
        complete("Reports", "reports-answer.pem", "reports.p12"),
        "complete with certtool's answer",
    );
    assert!(done.stderr.contains("GnuTLS Test CA"), "{}", done.stderr);
    verifies_to(dir, "reports.p12", done.stdout.trim(), &p("gnutls-ca.crt"));

    // DigiCert ONE's API, as `request` prints it, run by bash against a
    // stand-in on 127.0.0.1 that answers as the API documents (JSON with a
    // certificate field), signing with the OpenSSL CA. (A bash example:
    // under Wine the request's path is Windows', which bash cannot open.)
    if common::windows() {
        ok(run(&bus, dir, &["request", "--cancel", "Vendor"]), "cancel");
    } else {
        let example = vendor
            .stderr
            .lines()
            .map(str::trim)
            .find(|l| l.starts_with("curl -sS https://one.digicert.com/"))
            .unwrap_or_else(|| panic!("the DigiCert example: {}", vendor.stderr))
            .to_string();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let ca_dir = dir.to_path_buf();
        let stand_in = std::thread::spawn(move || digicert_stand_in(listener, &ca_dir));
        let run_example = std::process::Command::new("bash")
            .args(["-euo", "pipefail", "-c"])
            .arg(example.replace(
                "https://one.digicert.com",
                &format!("http://127.0.0.1:{port}"),
            ))
            .env("DIGICERT_API_KEY", "stand-in-key")
            .current_dir(dir)
            .output()
            .unwrap();
        ok(run_output(run_example), "the DigiCert example");
        let body = stand_in.join().unwrap();
        assert_eq!(body["profile"]["id"], "PROFILE_ID", "{body}");
        assert_eq!(body["seat"]["seat_id"], "SEAT_ID", "{body}");
        assert_eq!(body["include_ca_chain"], true, "{body}");
        assert_eq!(
            body["csr"].as_str().unwrap(),
            std::fs::read_to_string(dir.join("vendor.csr")).unwrap()
        );
        let done = ok(
            complete("Vendor", "answer.json", "vendor.p12"),
            "complete with the JSON answer",
        );
        assert!(done.stderr.contains("chain is complete"), "{}", done.stderr);
        verifies_to(dir, "vendor.p12", done.stdout.trim(), &p("root.crt"));
    }

    let listed = ok(run(&bus, dir, &["list"]), "list");
    assert!(
        !listed.stdout.contains("REQUESTS WAITING"),
        "{}",
        listed.stdout
    );
    assert!(!bus.accounts().iter().any(|a| a.starts_with("Request: ")));
}

/// One request to DigiCert ONE's certificate call, answered on 127.0.0.1
/// as its API documents: the x-api-key header is required, the JSON body's
/// csr is signed (here by the OpenSSL intermediate in `dir`), and the
/// answer is JSON whose certificate field holds the PEM chain. Returns the
/// body it was sent.
fn digicert_stand_in(listener: std::net::TcpListener, dir: &Path) -> serde_json::Value {
    use std::io::{BufRead, BufReader, Read, Write};
    let (mut stream, _) = listener.accept().unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let (mut length, mut key) = (0, false);
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    assert!(line.starts_with("POST /mpki/api/v1/certificate "), "{line}");
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        let header = line.trim_end().to_ascii_lowercase();
        if header.is_empty() {
            break;
        }
        if let Some(n) = header.strip_prefix("content-length:") {
            length = n.trim().parse().unwrap();
        }
        key |= header == "x-api-key: stand-in-key";
    }
    assert!(key, "the x-api-key header");
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
    std::fs::write(dir.join("posted.csr"), body["csr"].as_str().unwrap()).unwrap();
    intermediate_signs(dir, "posted.csr", "posted.crt");
    let chain: String = ["posted.crt", "int.crt", "root.crt"]
        .iter()
        .map(|f| std::fs::read_to_string(dir.join(f)).unwrap())
        .collect();
    let answer = serde_json::json!({
        "serial_number": "01",
        "delivery_format": "x509",
        "certificate": chain,
    })
    .to_string();
    write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
        answer.len()
    )
    .unwrap();
    body
}

/// The .p12's certificate verifies to `root` with the chain it carries.
fn verifies_to(dir: &Path, p12: &str, password: &str, root: &str) {
    let p12 = dir.join(p12).display().to_string();
    let pass = format!("pass:{password}");
    let (leaf, chain) = (dir.join("v-leaf.pem"), dir.join("v-chain.pem"));
    for (flag, out) in [("-clcerts", &leaf), ("-cacerts", &chain)] {
        ok(
            tool(
                "openssl",
                &[
                    "pkcs12",
                    "-in",
                    &p12,
                    "-nokeys",
                    flag,
                    "-passin",
                    &pass,
                    "-out",
                    out.to_str().unwrap(),
                ],
            ),
            "openssl pkcs12",
        );
    }
    let mut args = vec!["verify", "-purpose", "sslclient", "-CAfile", root];
    let chain = chain.display().to_string();
    if std::fs::read_to_string(&chain)
        .unwrap()
        .contains("BEGIN CERTIFICATE")
    {
        args.extend(["-untrusted", &chain]);
    }
    let leaf = leaf.display().to_string();
    args.push(&leaf);
    ok(tool("openssl", &args), "openssl verify");
}

#[test]
fn a_cancelled_request_leaves_nothing_behind() {
    let bus = Bus::start("requested-cancel", Keyring::Unlocked);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let csr = dir.join("x.csr");
    ok(
        run(
            &bus,
            dir,
            &[
                "request",
                "--nickname",
                "Short lived",
                "--out",
                csr.to_str().unwrap(),
            ],
        ),
        "request",
    );
    ok(
        run(&bus, dir, &["request", "--cancel", "Short lived"]),
        "cancel",
    );
    assert!(!bus.accounts().iter().any(|a| a.starts_with("Request: ")));
    let listed = ok(run(&bus, dir, &["list"]), "list");
    assert!(!listed.stdout.contains("Short lived"), "{}", listed.stdout);
    let again = run(&bus, dir, &["request", "--cancel", "Short lived"]);
    assert_eq!(again.code, 2, "{}", again.stderr);
    // Bad input names the option and writes nothing.
    for (args, expect) in [
        (
            vec!["request", "--nickname", "a/b", "--out", "y.csr"],
            "--nickname",
        ),
        (
            vec![
                "request",
                "--nickname",
                "Fine",
                "--key",
                "dsa",
                "--out",
                "y.csr",
            ],
            "--key",
        ),
        (vec!["request", "--nickname", "Fine"], "--out is required"),
        (vec!["complete", "Fine"], "NICKNAME ANSWER_FILE"),
        (
            vec!["complete", "Fine", "a", "b", "--out", "z.p12"],
            "extra",
        ),
    ] {
        let r = run(&bus, dir, &args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(expect), "{args:?}: {}", r.stderr);
    }
    assert!(!dir.join("y.csr").exists() && !dir.join("z.p12").exists());
}

/// keytool lists one private-key entry with the whole chain; Python's
/// `cryptography` loads the key, its certificate and the rest of the chain.
fn opens_with_its_chain_in_keytool_and_python(p12: &Path, password: &str, chain: usize) {
    let listed = ok(
        tool(
            "keytool",
            &[
                "-list",
                "-v",
                "-storetype",
                "PKCS12",
                "-keystore",
                p12.to_str().unwrap(),
                "-storepass",
                password,
            ],
        ),
        "keytool",
    );
    for words in [
        "Entry type: PrivateKeyEntry".to_string(),
        format!("Certificate chain length: {chain}"),
        "Your keystore contains 1 entry".to_string(),
    ] {
        assert!(listed.stdout.contains(&words), "{words}: {}", listed.stdout);
    }
    let script = r#"
import sys
from cryptography.hazmat.primitives.serialization import pkcs12, Encoding, PublicFormat
key, cert, extra = pkcs12.load_key_and_certificates(open(sys.argv[1], "rb").read(), sys.argv[2].encode())
spki = lambda k: k.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
assert spki(key.public_key()) == spki(cert.public_key())
print(len(extra))
"#;
    let loaded = ok(
        tool("python3", &["-c", script, p12.to_str().unwrap(), password]),
        "python cryptography",
    );
    assert_eq!(loaded.stdout.trim(), (chain - 1).to_string());
}

/// nginx on 127.0.0.1 trusting only the CA's root takes the certificate
/// (the intermediate comes from the .p12) through curl and `authcert test`.
fn an_nginx_trusting_only_the_root_accepts_it(bus: &Bus, dir: &Path, root: &str, password: &str) {
    let pki = servers::Pki::new(&dir.join("server-pki"));
    let nginx = servers::nginx(&pki, &dir.join("nginx"), Some(Path::new(root)), "");
    let url = format!("https://localhost:{}/", nginx.port);
    let p12 = dir.join("billing.p12");
    let curl = ok(
        tool(
            "curl",
            &[
                "-sS",
                "--noproxy",
                "*",
                "--cacert",
                pki.ca.to_str().unwrap(),
                "--cert-type",
                "P12",
                "--cert",
                &format!("{}:{}", p12.display(), password.replace(':', "\\:")),
                &url,
            ],
        ),
        "curl",
    );
    assert_eq!(
        curl.stdout.trim(),
        "hello CN=Billing API",
        "{}",
        curl.stderr
    );
    let mut cmd = authcert_cmd(
        dir,
        &[
            "test",
            &url,
            "--p12",
            p12.to_str().unwrap(),
            "--password-stdin",
            "--json",
        ],
    );
    cmd.env("AUTHCERT_DATA_DIR", dir.join("data"))
        .envs(bus.env())
        .env("SSL_CERT_FILE", &pki.ca)
        .env("NO_PROXY", "*")
        .env_remove("HTTPS_PROXY")
        .env_remove("https_proxy");
    let tested = with_stdin(&mut cmd, password);
    let verdict: serde_json::Value = serde_json::from_str(&tested.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {} / {}", tested.stdout, tested.stderr));
    assert_eq!(verdict["verdict"], "accepted", "{verdict:#}");
    assert_eq!(verdict["http_status"], 200, "{verdict:#}");
    assert_eq!(tested.code, 0);
}

/// Without a keychain no request is made: the key would have no home but a
/// file. The refusal says why and what else can be done; nothing is written.
#[test]
fn without_a_keychain_no_request_is_made() {
    if common::skip_on_windows("Windows always has Credential Manager") {
        return;
    }
    let bus = Bus::start("requested-no-keychain", Keyring::None);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let r = run(
        &bus,
        dir,
        &["request", "--nickname", "Nowhere", "--out", "nowhere.csr"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    for words in [
        "never in a file",
        "no keychain service is running",
        "Nothing was made",
        "self-signed",
    ] {
        assert!(r.stderr.contains(words), "{words}: {}", r.stderr);
    }
    assert!(!r.stderr.contains("password"), "{}", r.stderr);
    assert!(!dir.join("nowhere.csr").exists());
    assert!(!dir.join("data").join("requests.json").exists());
}
