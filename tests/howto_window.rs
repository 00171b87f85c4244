//! "How to use it" as the real window writes it: a certificate made, saved as
//! .p12 and PEM, then every example that can run on Linux (the password
//! setup, curl, Python requests and httpx, Node, Java) copied from the page
//! and run, as written but for the address, against a real mutual-TLS
//! server on 127.0.0.1 that trusts only this certificate. Each must get the
//! server's answer. The PEM copy is checked too: an encrypted key, which
//! OpenSSL opens with the password and not without.

#[path = "support/servers.rs"]
mod servers;
#[path = "support/webdriver.rs"]
mod webdriver;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use webdriver::{App, ENTER};

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Runs `program args` in `dir` with `env`, `stdin` written to it.
fn run(dir: &Path, env: &[(&str, String)], program: &str, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{program} runs ({e}); scripts/test.sh installs it"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn every_example_on_screen_reaches_a_real_mutual_tls_server() {
    let app = App::start("howto", &[]);
    app.click("#create");
    app.wait_screen("screen-form");
    app.type_into("#nickname", "How to use it");
    app.type_into("#nickname", ENTER);
    app.wait_screen("screen-ready");
    let password = app.text("#password");
    app.tick_saved();

    // The PEM copy first (the download wipes the key), then the .p12.
    let pem = app.dir.join("How to use it.pem");
    app.answer_dialog(pem.to_str().unwrap());
    app.click("#save-pem");
    app.wait(
        "the PEM copy",
        "return document.getElementById('pem-status').textContent.startsWith('Saved the PEM copy')",
    );
    let p12 = app.dir.join("How to use it.p12");
    app.answer_dialog(p12.to_str().unwrap());
    app.click("#download");
    app.wait_screen("screen-done");
    app.screenshot("done-howto");
    assert!(app.text("#saved-pem").ends_with("How to use it.pem"));

    // The PEM file: certificate, then the key, encrypted.
    let pem_text = std::fs::read_to_string(&pem).unwrap();
    assert!(pem_text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    assert!(!pem_text.contains("-----BEGIN PRIVATE KEY-----"));
    let with = run(
        &app.dir,
        &[],
        "openssl",
        &[
            "pkey",
            "-in",
            pem.to_str().unwrap(),
            "-passin",
            &format!("pass:{password}"),
            "-noout",
        ],
        "",
    );
    assert!(with.status.success(), "{}", text(&with));
    let without = run(
        &app.dir,
        &[],
        "openssl",
        &[
            "pkey",
            "-in",
            pem.to_str().unwrap(),
            "-passin",
            "pass:wrong",
            "-noout",
        ],
        "",
    );
    assert!(
        !without.status.success(),
        "the key must not open without the password"
    );

    // A server that trusts exactly this certificate.
    let client_cert = app.dir.join("client.pem");
    let cert_block = &pem_text[..pem_text.find("-----END CERTIFICATE-----").unwrap() + 25];
    std::fs::write(&client_cert, format!("{cert_block}\n")).unwrap();
    let pki = servers::Pki::new(&app.dir.join("pki"));
    let server = servers::nginx(&pki, &app.dir.join("nginx"), Some(&client_cert), "");
    let url = format!("https://localhost:{}/", server.port);
    let mut env = pki.client_env();
    env.push(("AUTHCERT_PASSWORD", password.clone()));

    // As on screen, with the address replaced.
    // Each client's section is opened as the admin would, then read.
    let snippet = |id: &str| -> String {
        let open = format!("return document.getElementById('howto-{id}').open");
        if app.js(&open) != serde_json::json!(true) {
            app.click(&format!("#howto-{id} summary"));
        }
        app.text(&format!("#snippet-{id}"))
            .replace(authcert_core::howto::EXAMPLE_URL, &url)
    };
    let served = |what: &str, out: &Output| {
        assert!(
            out.status.success() && text(out).contains("200"),
            "{what}: {}",
            text(out)
        );
    };

    // The password setup (bash) and curl, in one shell: the password is
    // typed in, as on screen, not given in the environment.
    let setup = app.text("#snippet-password");
    let bash_line = setup
        .lines()
        .find(|l| l.starts_with("read "))
        .expect("the bash line of the setup");
    let curl = snippet("curl");
    let curl_env: Vec<(&str, String)> = pki.client_env();
    let out = run(
        &app.dir,
        &curl_env,
        "bash",
        &[
            "-c",
            &format!("{bash_line}\n{curl} --silent --show-error --write-out '%{{http_code}}'"),
        ],
        &format!("{password}\n"),
    );
    served("curl", &out);
    assert!(
        text(&out).contains("hello CN=How to use it"),
        "the server's page: {}",
        text(&out)
    );

    for id in ["python-requests", "python-httpx"] {
        let out = run(&app.dir, &env, "python3", &["-"], &snippet(id));
        served(id, &out);
    }
    let out = run(&app.dir, &env, "node", &["-"], &snippet("node"));
    served("node", &out);
    let java = app.dir.join("CallApi.java");
    std::fs::write(&java, snippet("java")).unwrap();
    let out = run(&app.dir, &env, "java", &[java.to_str().unwrap()], "");
    served("java", &out);

    // The same example against a server that trusts another certificate:
    // nginx answers 400 (the certificate is not one it trusts), so a pass
    // above is real.
    let other = servers::nginx(&pki, &app.dir.join("nginx-other"), Some(&pki.ca), "");
    let url_other = format!("https://localhost:{}/", other.port);
    let out = run(
        &app.dir,
        &env,
        "python3",
        &["-"],
        &snippet("python-httpx").replace(&url, &url_other),
    );
    assert!(text(&out).contains("400"), "{}", text(&out));
}
