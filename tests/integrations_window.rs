//! *Where it is used* in the real window, with a real Secret Service and
//! real nginx servers on 127.0.0.1: integrations added (each field's
//! refusal shown at its field), Test all with each verdict on its card
//! (accepted, refused, unreachable) and remembered, a Test all cancelled
//! while a server stalls, removed; for a certificate whose password is not
//! in the keychain, Test all asks for it once (a wrong one refused at the
//! field). The certificates are made by the command line into the
//! window's list.

mod common;
#[path = "support/secret_service.rs"]
mod secret_service;
#[path = "support/servers.rs"]
mod servers;
#[path = "support/webdriver.rs"]
mod webdriver;

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use webdriver::App;

/// `authcert generate` into `data` (the window's list): the password and
/// the public certificate as PEM for a server.
fn make(
    dir: &Path,
    data: &Path,
    bus: &secret_service::Bus,
    nickname: &str,
    keychain: bool,
) -> (String, PathBuf) {
    // A file name the servers' configurations take unquoted.
    let stem = nickname.replace(' ', "-");
    let p12 = dir.join(format!("{stem}.p12"));
    let end = common::days_from_today(30);
    let mut args = vec![
        "generate",
        "--nickname",
        nickname,
        "--end-date",
        &end,
        "--key",
        "ecdsa-p256",
        "--out",
        p12.to_str().unwrap(),
    ];
    if keychain {
        args.push("--keychain");
    }
    let made = common::run_output(
        common::authcert_cmd(dir, &args)
            .env("AUTHCERT_DATA_DIR", data)
            .envs(bus.env())
            .output()
            .unwrap(),
    );
    assert_eq!(made.code, 0, "{}", made.stderr);
    let password = made.stdout.trim().to_string();
    let pem = dir.join(format!("{stem}.pem"));
    common::certificate_pem(&p12, &password, &pem);
    (password, pem)
}

fn open_details(app: &App, nickname: &str) -> Value {
    let home = app.invoke("home", json!({})).unwrap();
    let id = home["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["nickname"] == nickname)
        .unwrap()["id"]
        .clone();
    app.js_async_with(
        "const done = arguments[arguments.length - 1]; window.authcert.details.open(arguments[0]).then(() => done(true));",
        json!([id]),
    );
    app.wait(
        "its details",
        &format!("return document.getElementById('details-title').textContent === {nickname:?}"),
    );
    id
}

fn dom(app: &App, css: &str) -> String {
    app.js(&format!(
        "return document.querySelector({css:?}).textContent"
    ))
    .as_str()
    .unwrap_or_default()
    .to_string()
}

fn add(app: &App, name: &str, url: &str) {
    let before = app.js("return document.querySelectorAll('#d-integration-list li').length");
    app.js("for (const f of ['name', 'url', 'note']) document.getElementById('integration-' + f).value = ''; return true;");
    app.type_into("#integration-name", name);
    app.type_into("#integration-url", url);
    app.click("#integration-add");
    app.wait(
        &format!("“{name}” added"),
        &format!(
            "return document.querySelectorAll('#d-integration-list li').length === {} ",
            before.as_u64().unwrap() + 1
        ),
    );
}

/// The card of the integration `name`: its class (the verdict) and text.
fn card(app: &App, name: &str) -> (String, String) {
    let v = app.js_async_with(
        "const [name, done] = arguments; const li = Array.from(document.querySelectorAll('#d-integration-list li')).find((l) => l.dataset.name === name); done(li ? [li.className, li.textContent] : null);",
        json!([name]),
    );
    (
        v[0].as_str().unwrap_or_default().to_string(),
        v[1].as_str().unwrap_or_default().to_string(),
    )
}

fn status_says(app: &App, words: &str) {
    app.wait(
        &format!("“{words}”"),
        &format!("return document.getElementById('d-integrations-status').textContent.includes({words:?})"),
    );
}

#[test]
fn where_it_is_used_in_the_window() {
    let bus = secret_service::Bus::start("integrations-window", secret_service::Keyring::Unlocked);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let data = dir.join("data");
    let pki = servers::Pki::new(&dir.join("pki"));
    let (_, payments) = make(dir, &data, &bus, "Payments API", true);
    let (unkept_password, unkept) = make(dir, &data, &bus, "Unkept", false);
    let accepting = servers::nginx(&pki, &dir.join("accepting"), Some(&payments), "");
    let refusing = servers::nginx(&pki, &dir.join("refusing"), Some(&unkept), "");
    let closed = servers::free_port();
    let stalling = servers::stalling();

    let mut env: Vec<(&str, String)> = bus.env();
    env.push(("SSL_CERT_FILE", pki.ca.display().to_string()));
    env.push(("NO_PROXY", "*".into()));
    env.push(("AUTHCERT_DATA_DIR", data.display().to_string()));
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let app = App::start("integrations-window", &pairs);
    app.wait_screen("screen-home");

    // None yet: said, and nothing to test.
    let id = open_details(&app, "Payments API");
    assert!(dom(&app, "#d-integrations-empty").contains("None yet"));
    assert_eq!(
        app.js("return document.getElementById('d-test-all').hidden"),
        json!(true)
    );

    // Each field's refusal at its field, from Rust's rules.
    app.click("#integration-add");
    app.wait(
        "the name refused",
        "return document.getElementById('integration-name-error').textContent.includes('Integration name: enter a name')",
    );
    assert_eq!(app.focused(), "#integration-name");
    app.type_into("#integration-name", "Export");
    app.type_into("#integration-url", "http://127.0.0.1/");
    app.click("#integration-add");
    app.wait(
        "the address refused",
        "return document.getElementById('integration-url-error').textContent.includes('must start with https://')",
    );
    assert_eq!(dom(&app, "#integration-name-error"), "");

    add(
        &app,
        "Export",
        &format!("https://localhost:{}/export", accepting.port),
    );
    add(
        &app,
        "Payroll",
        &format!("https://localhost:{}/", refusing.port),
    );
    add(&app, "Archive", &format!("https://localhost:{closed}/"));
    assert!(card(&app, "Export").1.contains("Not tested yet"));
    let same = app.invoke(
        "integration_add",
        json!({"id": id, "name": "EXPORT", "url": "https://a.example/", "note": null}),
    );
    let e = same.unwrap_err();
    assert_eq!(e["field"], "name");
    assert!(e["message"]
        .as_str()
        .unwrap()
        .contains("already has an integration named “EXPORT”"));

    // Test all: each verdict on its card, the summary, remembered.
    app.click("#d-test-all");
    status_says(&app, "1 of 3 integrations accepted this certificate.");
    let (class, text) = card(&app, "Export");
    assert_eq!(class, "accepted", "{text}");
    assert!(text.contains("Accepted"), "{text}");
    let (class, text) = card(&app, "Payroll");
    assert_eq!(class, "refused", "{text}");
    assert!(text.contains("Register the public certificate"), "{text}");
    assert_eq!(card(&app, "Archive").0, "unreachable");
    app.screenshot("integrations-tested");
    // Home names the integrations that failed their last test.
    app.click("#details-back");
    app.wait(
        "Home lists the failed integrations",
        "return !document.getElementById('failing-box').hidden && document.getElementById('failing').children.length === 2",
    );
    let failing = dom(&app, "#failing");
    assert!(
        failing.contains("“Payroll” with “Payments API”: refused on "),
        "{failing}"
    );
    assert!(
        failing.contains("“Archive” with “Payments API”: unreachable on "),
        "{failing}"
    );
    app.screenshot("integrations-home-failing");
    open_details(&app, "Payments API");
    let details = app.invoke("details", json!({"id": id})).unwrap();
    let verdicts: Vec<&str> = details["integrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["verdict"].as_str().unwrap_or("none"))
        .collect();
    assert_eq!(verdicts, ["accepted", "refused", "unreachable"]);
    assert!(details["integrations"][0]["resultText"]
        .as_str()
        .unwrap()
        .starts_with("Accepted (HTTP 200) on "));

    // Removed; a stalling server's test cancelled.
    for name in ["Payroll", "Archive"] {
        app.js_async_with(
            "const [name, done] = arguments; Array.from(document.querySelectorAll('#d-integration-list li')).find((l) => l.dataset.name === name).querySelector('button').click(); done(true);",
            json!([name]),
        );
        status_says(&app, &format!("Removed “{name}”."));
    }
    add(
        &app,
        "Stalled",
        &format!("https://localhost:{}/", stalling.port),
    );
    app.click("#d-test-all");
    app.wait(
        "Cancel tests offered",
        "return !document.getElementById('d-test-all-cancel').hidden",
    );
    app.click("#d-test-all-cancel");
    status_says(&app, "The test was cancelled.");
    assert_eq!(
        app.js("return document.getElementById('d-test-all').disabled"),
        json!(false)
    );

    // A password not in the keychain is asked once; a wrong one is refused
    // at its field and never shown.
    let nginx_unkept = servers::nginx(&pki, &dir.join("unkept"), Some(&unkept), "");
    open_details(&app, "Unkept");
    add(
        &app,
        "Partner",
        &format!("https://localhost:{}/", nginx_unkept.port),
    );
    app.click("#d-test-all");
    app.wait(
        "the password asked",
        "return !document.getElementById('d-test-all-password-form').hidden && document.activeElement.id === 'd-test-all-password'",
    );
    assert!(card(&app, "Partner").1.contains("is not in the keychain"));
    app.type_into("#d-test-all-password", "not-the-password");
    app.click("#d-test-all-with-password");
    app.wait(
        "the wrong password refused",
        "return document.getElementById('d-test-all-password-error').textContent.length > 0",
    );
    assert_eq!(
        app.js("return document.getElementById('d-test-all-password').value"),
        json!("")
    );
    app.type_into("#d-test-all-password", &unkept_password);
    app.click("#d-test-all-with-password");
    status_says(&app, "1 of 1 integration accepted this certificate.");
    assert_eq!(card(&app, "Partner").0, "accepted");
    assert_eq!(
        app.js("return document.getElementById('d-test-all-password-form').hidden"),
        json!(true)
    );
    let page = app
        .js("return document.documentElement.outerHTML")
        .to_string();
    assert!(
        !page.contains(&unkept_password),
        "the password stayed in the page"
    );
    app.screenshot("integrations-password-asked-once");
}

/// Replacement as a checklist, end to end: a certificate that expires soon
/// and serves three integrations; the reminder counts them; *Replace…*
/// gives the new certificate all three, each to move; Test all marks the
/// two whose servers accept it moved (the third unreachable stays to
/// move); the old certificate's details, Home and the reminder say the
/// same. The servers ask for a certificate and take any
/// (`ssl_verify_client optional_no_ca`), so old and new are both accepted.
#[test]
fn replacement_as_a_checklist_in_the_window() {
    let bus = secret_service::Bus::start("integrations-replace", secret_service::Keyring::Unlocked);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let data = dir.join("data");
    let pki = servers::Pki::new(&dir.join("pki"));
    let any = "ssl_verify_client optional_no_ca;";
    let a = servers::nginx(&pki, &dir.join("a"), None, any);
    let b = servers::nginx(&pki, &dir.join("b"), None, any);
    let closed = servers::free_port();
    // Payments API: expires in 9 days, its password in the keychain.
    let p12 = dir.join("Payments API.p12");
    let end = common::days_from_today(9);
    let cli = |args: &[&str]| {
        let r = common::run_output(
            common::authcert_cmd(dir, args)
                .env("AUTHCERT_DATA_DIR", &data)
                .envs(bus.env())
                .output()
                .unwrap(),
        );
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    };
    cli(&[
        "generate",
        "--nickname",
        "Payments API",
        "--end-date",
        &end,
        "--key",
        "ecdsa-p256",
        "--out",
        p12.to_str().unwrap(),
        "--keychain",
    ]);
    for (name, url) in [
        ("Billing", format!("https://localhost:{}/billing", a.port)),
        ("Payroll", format!("https://localhost:{}/payroll", b.port)),
        ("Archive", format!("https://localhost:{closed}/")),
    ] {
        cli(&[
            "integration",
            "add",
            "Payments API",
            "--name",
            name,
            "--url",
            &url,
        ]);
    }

    let mut env: Vec<(&str, String)> = bus.env();
    env.push(("SSL_CERT_FILE", pki.ca.display().to_string()));
    env.push(("NO_PROXY", "*".into()));
    env.push(("AUTHCERT_DATA_DIR", data.display().to_string()));
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let app = App::start("integrations-replace", &pairs);
    app.wait_screen("screen-home");
    app.wait(
        "the reminder counts the integrations",
        "return document.getElementById('reminder-text').textContent.includes('3 of 3 integrations still use it.')",
    );
    assert!(dom(&app, "#reminder-text").contains("“Payments API” expires in"));

    // Replace…: the form says the integrations come along.
    let old_id = open_details(&app, "Payments API");
    app.click("#d-replace");
    app.wait_screen("screen-form");
    assert!(dom(&app, "#replace-note")
        .contains("Its 3 integrations come along to the new certificate, each to move"));
    app.click("#generate");
    app.wait_screen("screen-ready");
    app.click("#keychain");
    app.wait(
        "the keychain",
        "return document.getElementById('keychain-status').textContent.startsWith('Stored')",
    );
    app.tick_saved();
    app.answer_dialog(dir.join("Payments API 2.p12").to_str().unwrap());
    app.click("#download");
    app.wait_screen("screen-done");
    app.click("#to-home");
    app.wait_screen("screen-home");
    app.wait(
        "Home names the replacement with integrations to move",
        "return !document.getElementById('moves-box').hidden && document.getElementById('moves').textContent.includes('“Payments API 2”: 3 of 3 integrations still to move to it.')",
    );
    app.screenshot("replacement-home-to-move");

    // The new certificate's checklist: all to move; Test all moves two.
    open_details(&app, "Payments API 2");
    assert!(dom(&app, "#d-moving")
        .contains("This certificate replaces “Payments API”. 0 of 3 integrations moved"));
    assert!(card(&app, "Billing").1.contains("To move"));
    app.click("#d-test-all");
    status_says(&app, "2 of 3 integrations accepted this certificate.");
    app.wait(
        "the checklist updated",
        "return document.getElementById('d-moving').textContent.includes('2 of 3 integrations moved')",
    );
    assert!(card(&app, "Billing")
        .1
        .contains("Moved to this certificate on "));
    assert!(card(&app, "Payroll")
        .1
        .contains("Moved to this certificate on "));
    assert!(card(&app, "Archive").1.contains("To move"));
    app.screenshot("replacement-checklist");

    // The old certificate's details say the same from its side.
    open_details(&app, "Payments API");
    assert!(dom(&app, "#d-moving")
        .contains("Replaced by “Payments API 2”: 1 of 3 integrations still use this certificate."));
    assert!(card(&app, "Billing")
        .1
        .contains("Moved to “Payments API 2” on "));
    assert!(card(&app, "Archive")
        .1
        .contains("Still uses this certificate: move it to “Payments API 2”"));
    let details = app.invoke("details", json!({"id": old_id})).unwrap();
    assert_eq!(details["integrations"].as_array().unwrap().len(), 3);

    // Home and the reminder: one left.
    app.click("#details-back");
    app.wait(
        "Home counts the one left",
        "return document.getElementById('moves').textContent.includes('“Payments API 2”: 1 of 3 integrations still to move to it.') && document.getElementById('reminder-text').textContent.includes('1 of 3 integrations still uses it (move it to “Payments API 2”).')",
    );
    app.screenshot("replacement-home-one-left");
}

/// Test all with 50 integrations on five servers: every verdict arrives
/// on its card, all accepted, and the summary counts them.
#[test]
fn test_all_with_fifty_integrations_in_the_window() {
    let bus = secret_service::Bus::start(
        "integrations-fifty-window",
        secret_service::Keyring::Unlocked,
    );
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let data = dir.join("data");
    let pki = servers::Pki::new(&dir.join("pki"));
    let (_, pem) = make(dir, &data, &bus, "Fleet", true);
    let nginx: Vec<servers::Running> = (0..5)
        .map(|n| servers::nginx(&pki, &dir.join(format!("nginx-{n}")), Some(&pem), ""))
        .collect();
    for n in 0..50 {
        let url = format!("https://localhost:{}/api/{n}", nginx[n % 5].port);
        let name = format!("API {n:02}");
        let r = common::run_output(
            common::authcert_cmd(
                dir,
                &[
                    "integration",
                    "add",
                    "Fleet",
                    "--name",
                    &name,
                    "--url",
                    &url,
                ],
            )
            .env("AUTHCERT_DATA_DIR", &data)
            .envs(bus.env())
            .output()
            .unwrap(),
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let mut env: Vec<(&str, String)> = bus.env();
    env.push(("SSL_CERT_FILE", pki.ca.display().to_string()));
    env.push(("NO_PROXY", "*".into()));
    env.push(("AUTHCERT_DATA_DIR", data.display().to_string()));
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let app = App::start("integrations-fifty-window", &pairs);
    app.wait_screen("screen-home");
    open_details(&app, "Fleet");
    assert_eq!(
        app.js("return document.querySelectorAll('#d-integration-list li').length"),
        json!(50)
    );
    app.click("#d-test-all");
    status_says(&app, "50 of 50 integrations accepted this certificate.");
    assert_eq!(
        app.js("return document.querySelectorAll('#d-integration-list li.accepted').length"),
        json!(50)
    );
    app.screenshot("integrations-fifty-tested");
}
