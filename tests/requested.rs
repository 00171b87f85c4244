//! Certificates from a company's CA, end to end through the real `authcert`
//! and a real Secret Service: `authcert request` writes a request that
//! OpenSSL verifies, a CA kept with OpenSSL (a root and an intermediate)
//! signs it as the README's example says, and `authcert complete` — a
//! separate process, as after a restart — joins the answer, given in
//! reverse order, with the key waiting in the keychain into a .p12 that
//! OpenSSL opens with its chain and verifies to the root. The waiting key
//! is never in a file; completing removes it from the keychain.

mod common;
#[path = "support/secret_service.rs"]
mod secret_service;

use std::path::Path;

use common::{authcert_cmd, contains, files_under, run_output, tool, Run};
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

#[test]
fn a_request_signed_by_an_openssl_ca_completes_into_a_p12_with_its_chain() {
    if common::skip_on_windows("the CA and the checks are OpenSSL's, run on Linux") {
        return;
    }
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
    // Waiting: listed, its key in the keychain, in no file.
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
    ok(
        tool(
            "openssl",
            &[
                "x509",
                "-req",
                "-in",
                &p("billing.csr"),
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
                &p("leaf.crt"),
            ],
        ),
        "the CA signs",
    );
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

#[test]
fn a_cancelled_request_leaves_nothing_behind() {
    if common::skip_on_windows("uses the Secret Service helper's Linux listing") {
        return;
    }
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
