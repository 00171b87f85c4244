//! *Test with your API* in the real window, against real servers on
//! 127.0.0.1: on the one-time screen before the download (refused, not
//! requested, cancelled), then in the details of the saved certificate with
//! a typed password (wrong, then right): a server this computer does not
//! trust, trusted by its fingerprint, accepted; the details remember it.

#[path = "support/a11y.rs"]
mod a11y;
mod common;
#[path = "support/servers.rs"]
mod servers;
#[path = "support/webdriver.rs"]
mod webdriver;

use std::process::Command;

use webdriver::{App, ENTER};

/// The text of the element `css` as the DOM has it (WebDriver's rendered
/// text can lag a moment behind a change).
fn dom(app: &App, css: &str) -> String {
    app.js(&format!(
        "return document.querySelector({css:?}).textContent"
    ))
    .as_str()
    .unwrap_or_default()
    .to_string()
}

/// Runs the test typed into the dialog and waits for its verdict.
fn verdict(app: &App, url: &str) -> (String, String) {
    app.js("document.getElementById('test-url').value = ''; return true");
    app.type_into("#test-url", url);
    app.click("#test-run");
    app.wait(
        "the verdict",
        "return !document.getElementById('test-result').hidden",
    );
    (dom(app, "#test-headline"), dom(app, "#test-message"))
}

#[test]
fn test_with_your_api_before_the_download_and_from_the_details() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let pki = servers::Pki::new(&dir.join("pki"));
    // Another authority, which this computer does not trust.
    let strange = servers::Pki::new(&dir.join("strange-pki"));
    let app = App::start(
        "connect-window",
        &[
            ("SSL_CERT_FILE", pki.ca.to_str().unwrap()),
            ("NO_PROXY", "*"),
        ],
    );

    // A certificate waiting on the one-time screen.
    app.click("#create");
    app.wait_screen("screen-form");
    app.js("document.getElementById('advanced').open = true; return true");
    app.js("const k = document.getElementById('key-type'); k.value = 'ecdsa-p256'; k.dispatchEvent(new Event('change')); return true");
    app.type_into("#nickname", "Payments API");
    app.type_into("#nickname", ENTER);
    app.wait_screen("screen-ready");
    let password = dom(&app, "#password");

    // A server that trusts another certificate: refused, before any download.
    let other = common::authcert(
        dir,
        &[
            "generate",
            "--nickname",
            "Other",
            "--end-date",
            &common::days_from_today(10),
            "--key",
            "ecdsa-p256",
            "--pem-out",
            dir.join("other.pem").to_str().unwrap(),
            "--out",
            dir.join("other.p12").to_str().unwrap(),
        ],
    );
    assert_eq!(other.code, 0, "{}", other.stderr);
    let other_pem = std::fs::read_to_string(dir.join("other.pem")).unwrap();
    let cert_end = other_pem.find("-----END CERTIFICATE-----").unwrap() + 25;
    std::fs::write(
        dir.join("other-cert.pem"),
        format!("{}\n", &other_pem[..cert_end]),
    )
    .unwrap();
    let refusing = servers::nginx(
        &pki,
        &dir.join("refusing"),
        Some(&dir.join("other-cert.pem")),
        "",
    );
    app.click("#ready-test");
    app.wait(
        "the test dialog",
        "return document.getElementById('test-dialog').open",
    );
    assert_eq!(app.js("return document.activeElement.id"), "test-url");
    let (headline, message) = verdict(&app, &format!("https://localhost:{}/", refusing.port));
    assert!(headline.starts_with("Refused"), "{headline}: {message}");
    assert!(message.contains("The SSL certificate error"), "{message}");
    // Not saved yet: no export from here (the message says what to do);
    // the server's facts are for a server not trusted.
    assert_eq!(
        app.js("return document.getElementById('test-export').hidden"),
        true
    );
    assert_eq!(
        app.js("return document.getElementById('test-server').offsetParent === null"),
        true
    );
    // Nothing to type on the one-time screen: the certificate is in memory.
    assert_eq!(
        app.js("return document.getElementById('test-password-row').offsetParent === null"),
        true
    );
    app.screenshot("test-refused");
    let mut audit = a11y::Audit::new("verdicts");
    audit.check(&app, "test, refused");

    // No client certificate asked for.
    let plain = servers::nginx(&pki, &dir.join("plain"), None, "");
    let (headline, _) = verdict(&app, &format!("https://localhost:{}/", plain.port));
    assert!(headline.starts_with("Not requested"), "{headline}");
    audit.check(&app, "test, not requested");

    // Invalid addresses are refused next to the field.
    app.js("document.getElementById('test-url').value = ''; return true");
    app.type_into("#test-url", "http://localhost/");
    app.click("#test-run");
    app.wait(
        "the field's error",
        "return document.getElementById('test-url-error').textContent !== ''",
    );
    assert!(app
        .text("#test-url-error")
        .contains("must start with https://"));
    assert_eq!(
        app.js("return document.getElementById('test-url').getAttribute('aria-invalid')"),
        "true"
    );

    // A server that never answers: the test is cancelled at once.
    let stalling = servers::stalling();
    app.js("document.getElementById('test-url').value = ''; return true");
    app.type_into(
        "#test-url",
        &format!("https://127.0.0.1:{}/", stalling.port),
    );
    app.click("#test-run");
    app.wait(
        "the cancel button",
        "return !document.getElementById('test-cancel').hidden",
    );
    assert_eq!(
        app.js("return document.getElementById('test-run').disabled"),
        true
    );
    app.click("#test-cancel");
    app.wait(
        "the cancellation",
        "return document.getElementById('test-progress').textContent === 'The test was cancelled.'",
    );
    assert_eq!(
        app.js("return document.getElementById('test-result').hidden"),
        true
    );
    app.click("#test-close");
    app.wait(
        "the dialog closed",
        "return !document.getElementById('test-dialog').open",
    );
    assert_eq!(app.js("return document.activeElement.id"), "ready-test");

    // Download it; the test changed nothing.
    app.tick_saved();
    let p12 = dir.join("Payments API.p12");
    app.answer_dialog(p12.to_str().unwrap());
    app.click("#download");
    app.wait_screen("screen-done");
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
        .output()
        .unwrap();
    assert!(out.status.success());
    let cert = dir.join("payments.pem");
    std::fs::write(&cert, &out.stdout).unwrap();

    // From the details, against a server with a certificate this computer
    // does not trust, which trusts this certificate.
    let accepting = servers::nginx(&strange, &dir.join("accepting"), Some(&cert), "");
    app.click("#to-home");
    app.wait_screen("screen-home");
    app.js("document.querySelector('#rows tr button').click(); return true");
    app.wait_screen("screen-details");
    assert_eq!(dom(&app, "#d-last-test"), "Not tested yet");
    app.click("#d-test");
    app.wait(
        "the test dialog",
        "return document.getElementById('test-dialog').open",
    );
    assert_eq!(
        app.js("return !document.getElementById('test-password-row').hidden"),
        true
    );
    let url = format!("https://localhost:{}/", accepting.port);

    // A wrong password is refused next to its field.
    app.js("document.getElementById('test-url').value = ''; return true");
    app.type_into("#test-password", "not-the-password");
    app.type_into("#test-url", &url);
    app.click("#test-run");
    app.wait(
        "the password's error",
        "return document.getElementById('test-password-error').textContent !== ''",
    );
    assert!(app
        .text("#test-password-error")
        .contains("password is wrong"));
    assert_eq!(
        app.js("return document.getElementById('test-password').value"),
        "",
        "never kept in the page"
    );

    app.type_into("#test-password", &password);
    app.click("#test-run");
    app.wait(
        "the verdict",
        "return !document.getElementById('test-result').hidden",
    );
    let headline = dom(&app, "#test-headline");
    assert!(headline.starts_with("Server not trusted"), "{headline}");
    let sha = dom(&app, "#test-server-sha256");
    let expected = Command::new("openssl")
        .args([
            "x509",
            "-noout",
            "-fingerprint",
            "-sha256",
            "-in",
            strange.server_cert.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&expected.stdout)
            .trim()
            .ends_with(&sha),
        "{sha}"
    );
    assert!(app
        .text("#test-server-issuer")
        .contains("AuthCert test server authority"));
    app.screenshot("test-server-untrusted");
    audit.check(&app, "test, server not trusted");

    // Trusted by its fingerprint, for this test: accepted.
    app.type_into("#test-password", &password);
    app.click("#test-trust");
    app.wait(
        "the second verdict",
        "return document.getElementById('test-headline').textContent.startsWith('Accepted')",
    );
    assert!(dom(&app, "#test-message").contains("200 OK"));
    assert!(app
        .text("#test-message")
        .contains("trusted only because you gave its fingerprint"));
    assert_eq!(app.js("return document.activeElement.id"), "test-headline");
    app.screenshot("test-accepted");
    audit.check(&app, "test, accepted");
    audit.assert_clean();
    app.click("#test-close");
    app.wait("the last test", "return document.getElementById('d-last-test').textContent.startsWith('Accepted (HTTP 200) by https://localhost')");
    assert_eq!(app.js("return document.activeElement.id"), "d-test");
    // The password reached no page state.
    assert_eq!(
        app.js(&format!(
            "return document.documentElement.outerHTML.includes({})",
            serde_json::json!(password)
        )),
        false
    );

    // Remembered as an integration: the server fingerprint trusted for the
    // test goes with the address, and Test all trusts that server too. A
    // fingerprint typed wrong is refused at its field.
    app.click("#d-test");
    app.wait(
        "the test dialog again",
        "return document.getElementById('test-dialog').open",
    );
    assert_eq!(
        app.js("return document.getElementById('test-url').value"),
        url
    );
    app.type_into("#test-password", &password);
    app.click("#test-run");
    app.wait(
        "not trusted again",
        "return document.getElementById('test-headline').textContent.startsWith('Server not trusted')",
    );
    app.type_into("#test-password", &password);
    app.click("#test-trust");
    app.wait(
        "accepted again",
        "return document.getElementById('test-headline').textContent.startsWith('Accepted')",
    );
    app.click("#test-remember");
    app.wait(
        "the address and the fingerprint in the integration form",
        "return !document.getElementById('test-dialog').open && document.getElementById('integration-trust-server').value !== ''",
    );
    assert_eq!(
        app.js("return document.getElementById('integration-url').value"),
        url
    );
    assert_eq!(
        app.js("return document.getElementById('integration-trust-server').value"),
        sha.as_str()
    );
    app.type_into("#integration-name", "Partner");
    app.js("document.getElementById('integration-trust-server').value = 'zz'; return true");
    app.click("#integration-add");
    app.wait(
        "the fingerprint refused at its field",
        "return document.getElementById('integration-trust-server-error').textContent.includes('fingerprint')",
    );
    assert_eq!(app.focused(), "#integration-trust-server");
    assert_eq!(
        app.js("return document.querySelectorAll('#d-integration-list li').length"),
        0
    );
    app.js(&format!(
        "document.getElementById('integration-trust-server').value = {}; return true",
        serde_json::json!(sha)
    ));
    app.click("#integration-add");
    app.wait(
        "the integration listed",
        "return document.querySelectorAll('#d-integration-list li').length === 1",
    );
    let card = dom(&app, "#d-integration-list li .trust");
    assert_eq!(
        card,
        format!("Trusts the server certificate with SHA-256 fingerprint {sha} at this address.")
    );
    app.click("#d-test-all");
    app.wait(
        "the password asked",
        "return !document.getElementById('d-test-all-password-form').hidden",
    );
    app.type_into("#d-test-all-password", &password);
    app.click("#d-test-all-with-password");
    app.wait(
        "Test all accepted at the trusted server",
        "return document.getElementById('d-integrations-status').textContent.includes('1 of 1 integration accepted')",
    );
    assert_eq!(
        app.js("return document.querySelector('#d-integration-list li').className"),
        "accepted"
    );
    app.screenshot("integration-trusted-server");
}
