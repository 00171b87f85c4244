//! Accessibility in the real window, checked by machine.
//!
//! - axe-core (4.14.1, installed from npm into target/a11y by
//!   scripts/deps.sh; never committed, never shipped) audits every screen and
//!   state — Home empty, with a list and the reminder, with a damaged list;
//!   the form with and without errors; the one-time screen with the keychain
//!   stored and failed; saved; Test with your API (an invalid address, a
//!   verdict); Add existing (each step); the issuing authority (none,
//!   created, refused, backup); details; settings; every question — in light
//!   and in dark mode. No violation of impact serious or critical is
//!   allowed; moderate ones are listed below, each with why it stays.
//! - Any size: at the minimum window size and at 200% text, nothing is cut
//!   off or needs scrolling sideways (code boxes scroll inside themselves);
//!   screenshots of each screen at both under target/screenshots/.

#[path = "support/a11y.rs"]
mod a11y;
#[path = "support/secret_service.rs"]
mod secret_service;
#[path = "support/servers.rs"]
mod servers;
#[path = "support/webdriver.rs"]
mod webdriver;

use std::path::{Path, PathBuf};
use std::process::Command;

use a11y::Audit;
use secret_service::{Bus, Keyring};
use serde_json::{json, Value};
use webdriver::{App, ENTER};

/// The app on `bus`, in light or dark mode, trusting the test servers'
/// authority (`pki`, made first) as if it were the system's.
fn app_on(name: &str, bus: &Bus, dark: bool) -> (App, servers::Pki) {
    let pki = servers::Pki::new(
        &Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("a11y-pki")
            .join(name),
    );
    let mut env: Vec<(&str, String)> = bus.env();
    env.push(("SSL_CERT_FILE", pki.ca.display().to_string()));
    env.push(("NO_PROXY", "*".into()));
    if dark {
        env.push(("GTK_THEME", "Adwaita:dark".into()));
    }
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let app = App::start(name, &pairs);
    let is_dark = app.js("return matchMedia('(prefers-color-scheme: dark)').matches");
    assert_eq!(is_dark, json!(dark), "{name}: the colour scheme");
    (app, pki)
}

fn wait_open(app: &App, dialog: &str) {
    app.wait(
        dialog,
        &format!("return document.getElementById('{dialog}').open"),
    );
}

fn wait_text(app: &App, id: &str) {
    app.wait(
        id,
        &format!("return document.getElementById('{id}').textContent.trim().length > 0"),
    );
}

fn openssl_p12(dir: &Path) -> PathBuf {
    let out = Command::new("bash")
        .args(["-euo", "pipefail", "-c"])
        .arg("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj '/CN=Console download' \
              -addext extendedKeyUsage=clientAuth -days 90 -keyout k.pem -out c.pem 2>/dev/null
              openssl pkcs12 -export -inkey k.pem -in c.pem -passout pass:from-console -out console.p12")
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir.join("console.p12")
}

/// Every screen and state, audited (and, with `sizes`, checked at the
/// minimum size and 200% text).
fn walk(app: &App, pki: &servers::Pki, audit: &mut Audit, keychain_works: bool) {
    let files = app.dir.join("files");
    std::fs::create_dir_all(&files).unwrap();
    app.wait_screen("screen-home");
    // The audit finds what it looks for: a button without a name and grey
    // text on grey are reported (serious and critical), then taken away.
    app.js(
        "const b = document.createElement('button'); b.id = 'axe-probe';
         const p = document.createElement('p'); p.id = 'axe-probe-text'; p.textContent = 'faint';
         p.style.cssText = 'color:#bbb;background:#ccc';
         document.getElementById('screen-home').append(b, p); return true;",
    );
    let mut probe = Audit::new(audit.mode);
    probe.check(app, "probe");
    app.js("document.getElementById('axe-probe').remove(); document.getElementById('axe-probe-text').remove(); return true;");
    let found = probe.serious.join("\n");
    assert!(
        found.contains("button-name") && found.contains("color-contrast"),
        "the audit missed planted violations: {found}"
    );
    audit.check(app, "home, empty");
    app.click("#open-settings");
    wait_open(app, "settings-dialog");
    audit.check(app, "settings");
    app.click("#settings-cancel");

    // The form, then its errors.
    app.click("#create");
    app.wait_screen("screen-form");
    audit.check(app, "form");
    // Enter in the empty nickname submits the form (a click could land
    // while the small window still scrolls).
    app.type_into("#nickname", ENTER);
    app.wait(
        "the form's answer",
        "return document.getElementById('nickname-error').textContent.trim().length > 0 || document.getElementById('form-error').textContent.trim().length > 0",
    );
    assert_eq!(
        app.js("return document.getElementById('form-error').textContent"),
        json!(""),
        "the form's own error"
    );
    audit.check(app, "form, errors");

    // The one-time screen, the keychain, the leave question.
    app.type_into("#nickname", "Audit one");
    app.type_into("#nickname", ENTER);
    app.wait_screen("screen-ready");
    audit.check(app, "ready");
    app.click("#keychain");
    wait_text(app, "keychain-status");
    audit.check(
        app,
        if keychain_works {
            "ready, keychain stored"
        } else {
            "ready, keychain failed"
        },
    );
    app.click("#close-ready");
    wait_open(app, "leave-dialog");
    audit.check(app, "leave question");
    app.click("#leave-stay");

    // Test with your API: an invalid address, then a verdict.
    app.click("#ready-test");
    wait_open(app, "test-dialog");
    audit.check(app, "test");
    app.type_into("#test-url", "ftp://nowhere");
    app.click("#test-run");
    wait_text(app, "test-url-error");
    audit.check(app, "test, invalid address");
    app.js("document.getElementById('test-url').value = ''");
    app.type_into("#test-url", "https://127.0.0.1:1/");
    app.click("#test-run");
    app.wait(
        "the verdict",
        "return !document.getElementById('test-result').hidden",
    );
    app.js("document.getElementById('test-details').open = true");
    audit.check(app, "test, unreachable");
    // Real servers on 127.0.0.1 for the other verdicts.
    let plain = servers::nginx(pki, &app.dir.join("nginx-plain"), None, "");
    let strict = servers::nginx(pki, &app.dir.join("nginx-strict"), Some(&pki.ca), "");
    let stranger = servers::Pki::new(&app.dir.join("strange-pki"));
    let untrusted = servers::nginx(&stranger, &app.dir.join("nginx-untrusted"), None, "");
    for (server, state) in [
        (&plain, "test, not requested"),
        (&strict, "test, refused"),
        (&untrusted, "test, server not trusted"),
    ] {
        app.js("document.getElementById('test-url').value = ''");
        app.type_into("#test-url", &format!("https://localhost:{}/", server.port));
        app.click("#test-run");
        app.wait(
            "the verdict",
            &format!("return !document.getElementById('test-result').hidden && document.getElementById('test-headline').textContent.toLowerCase().startsWith({:?})", &state[6..9]),
        );
        audit.check(app, state);
    }
    drop((plain, strict, untrusted));
    app.click("#test-close");

    // Saved, with every example open.
    let password = app.text("#password");
    app.tick_saved();
    app.answer_dialog(files.join("one.p12").to_str().unwrap());
    app.click("#download");
    app.wait_screen("screen-done");
    app.js("document.querySelectorAll('#howto details').forEach((d) => { d.open = true; })");
    audit.check(app, "saved");
    // Its public part, for a server that accepts it (below).
    let cert = files.join("one.pem");
    let out = Command::new("openssl")
        .args(["pkcs12", "-nokeys", "-clcerts", "-in"])
        .arg(files.join("one.p12"))
        .arg("-out")
        .arg(&cert)
        .arg("-passin")
        .arg(format!("pass:{password}"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Home with a list and the reminder: one ends tomorrow.
    let defaults = app.invoke("defaults", json!({})).unwrap();
    let soon = defaults["earliest"].clone();
    app.invoke(
        "generate",
        json!({"form": {"nickname": "Audit soon", "endDate": soon, "keyType": "ecdsa-p256"}}),
    )
    .unwrap();
    app.invoke("confirm_saved", json!({"saved": true})).unwrap();
    app.answer_dialog(files.join("soon.p12").to_str().unwrap());
    app.invoke("download", json!({})).unwrap();
    app.click("#to-home");
    app.wait_screen("screen-home");
    app.wait(
        "the reminder",
        "return !document.getElementById('reminder').hidden",
    );
    audit.check(app, "home, list and reminder");

    // Details and the remove question.
    app.click("#rows button.link");
    app.wait_screen("screen-details");
    audit.check(app, "details");
    app.click("#d-remove");
    wait_open(app, "remove-dialog");
    audit.check(app, "remove question");
    app.click("#remove-cancel");
    // "Audit one" tested from its details with its password typed: accepted.
    let accepting = servers::nginx(pki, &app.dir.join("nginx-accepting"), Some(&cert), "");
    let listed = app.invoke("home", json!({})).unwrap();
    let one = listed["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["nickname"] == "Audit one")
        .unwrap()["id"]
        .clone();
    app.js_async_with(
        "const done = arguments[arguments.length - 1]; window.authcert.details.open(arguments[0]).then(() => done(true));",
        json!([one]),
    );
    app.wait(
        "its details",
        "return document.getElementById('details-title').textContent === 'Audit one'",
    );
    app.click("#d-test");
    wait_open(app, "test-dialog");
    // Its password is typed unless the keychain holds it.
    if app.js("return document.getElementById('test-password-row').hidden") == json!(false) {
        app.type_into("#test-password", &password);
    }
    app.js("document.getElementById('test-url').value = ''");
    app.type_into(
        "#test-url",
        &format!("https://localhost:{}/", accepting.port),
    );
    app.click("#test-run");
    app.wait(
        "accepted",
        "return document.getElementById('test-headline').textContent.startsWith('Accepted')",
    );
    audit.check(app, "test, accepted");
    // Where it is used: the accepted address remembered as an integration,
    // tested with Test all, and the form's refusals.
    app.click("#test-remember");
    app.wait(
        "the address in the integration form",
        "return !document.getElementById('test-dialog').open && document.getElementById('integration-url').value.startsWith('https://localhost:')",
    );
    app.type_into("#integration-name", "Nightly export");
    app.type_into("#integration-note", "app server 3, /etc/billing/client.p12");
    app.click("#integration-add");
    app.wait(
        "the integration listed",
        "return document.querySelectorAll('#d-integration-list li').length === 1",
    );
    audit.check(app, "details, an integration");
    // A second one where nothing listens: Home then names it as failed.
    let closed = servers::free_port();
    app.type_into("#integration-name", "Archive");
    app.type_into("#integration-url", &format!("https://localhost:{closed}/"));
    app.click("#integration-add");
    app.wait(
        "two integrations listed",
        "return document.querySelectorAll('#d-integration-list li').length === 2",
    );
    app.click("#d-test-all");
    app.wait(
        "Test all done or asking for the password",
        "return document.getElementById('d-integrations-status').textContent.includes('accepted this certificate') || !document.getElementById('d-test-all-password-form').hidden",
    );
    if app.js("return document.getElementById('d-test-all-password-form').hidden") == json!(false) {
        audit.check(app, "test all, password");
        app.type_into("#d-test-all-password", &password);
        app.click("#d-test-all-with-password");
    }
    app.wait(
        "Test all done",
        "return document.getElementById('d-integrations-status').textContent.includes('1 of 2 integrations accepted')",
    );
    audit.check(app, "details, integrations tested");
    app.click("#integration-add");
    app.wait(
        "the name refused",
        "return document.getElementById('integration-name-error').textContent.length > 0",
    );
    audit.check(app, "integration form, errors");
    drop(accepting);
    app.click("#details-back");
    app.wait_screen("screen-home");
    app.wait(
        "the failed integration on Home",
        "return !document.getElementById('failing-box').hidden",
    );
    audit.check(app, "home, an integration failed");

    // Add existing: the password, a wrong one, the preview.
    let p12 = openssl_p12(&files);
    app.answer_dialog(p12.to_str().unwrap());
    app.click("#add-existing");
    app.wait_screen("screen-add");
    audit.check(app, "add, password");
    app.type_into("#add-password", "wrong");
    app.click("#add-open");
    wait_text(app, "add-password-error");
    audit.check(app, "add, wrong password");
    app.type_into("#add-password", "from-console");
    app.click("#add-open");
    app.wait(
        "the preview",
        "return !document.getElementById('add-preview').hidden",
    );
    audit.check(app, "add, preview");
    app.click("#add-cancel");
    app.wait_screen("screen-home");

    // The issuing authority.
    app.click("#open-authority");
    app.wait_screen("screen-authority");
    audit.check(app, "authority, none");
    app.type_into("#authority-name", "Audit authority");
    app.click("#authority-create");
    if keychain_works {
        app.wait(
            "created",
            "return !document.getElementById('authority-exists').hidden",
        );
        app.js("document.querySelectorAll('#authority-settings details').forEach((d) => { d.open = true; })");
        audit.check(app, "authority");
        app.click("#authority-backup");
        wait_open(app, "backup-dialog");
        audit.check(app, "backup");
        app.click("#backup-make");
        wait_text(app, "backup-password");
        audit.check(app, "backup, password");
        app.click("#backup-cancel");
        app.click("#authority-remove");
        wait_open(app, "authority-remove-dialog");
        audit.check(app, "remove authority question");
        app.click("#authority-remove-cancel");
        // A signed certificate's details and the revoke question.
        app.invoke("generate", json!({"form": {"nickname": "Audit signed", "endDate": soon, "keyType": "ecdsa-p256", "signedBy": "authority"}}))
            .unwrap();
        app.invoke("confirm_saved", json!({"saved": true})).unwrap();
        app.answer_dialog(files.join("signed.p12").to_str().unwrap());
        app.invoke("download", json!({})).unwrap();
        let home = app.invoke("home", json!({})).unwrap();
        let id = home["certificates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["nickname"] == "Audit signed")
            .unwrap()["id"]
            .clone();
        app.js_async_with(
            "const done = arguments[arguments.length - 1]; window.authcert.details.open(arguments[0]).then(() => done(true));",
            json!([id]),
        );
        app.wait_screen("screen-details");
        app.click("#d-revoke");
        wait_open(app, "revoke-dialog");
        audit.check(app, "revoke question");
        app.click("#revoke-cancel");
    } else {
        wait_text(app, "authority-error");
        audit.check(app, "authority, refused");
    }

    // A request to another CA: the form's choice, the request's screen,
    // Home's row, the Complete screen and its refusal, the ready screen's
    // notices, the cancel question; without a keychain, the refusal.
    app.js_async("const done = arguments[0]; window.authcert.home.open().then(() => done(true));");
    app.wait_screen("screen-home");
    app.click("#create");
    app.wait_screen("screen-form");
    app.type_into("#nickname", "Audit request");
    app.js("const s = document.getElementById('signed-by'); s.value = 'ca'; s.dispatchEvent(new Event('change')); return true;");
    app.wait(
        "the request's note",
        "return !document.getElementById('ca-note').hidden",
    );
    audit.check(app, "form, request to a CA");
    app.type_into("#nickname", ENTER);
    if keychain_works {
        app.wait_screen("screen-request");
        app.js("document.querySelectorAll('#request-destinations details').forEach((d) => { d.open = true; }); return true;");
        audit.check(app, "request");
        app.answer_dialog(files.join("audit.csr").to_str().unwrap());
        app.click("#request-save");
        wait_text(app, "request-status-line");
        let signed = Command::new("bash")
            .args(["-euo", "pipefail", "-c"])
            .arg(
                "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj '/CN=Audit CA' \
                   -addext basicConstraints=critical,CA:TRUE -days 30 -keyout ca.key -out ca.crt 2>/dev/null
                 openssl x509 -req -in audit.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
                   -copy_extensions copyall -days 20 -out audit.crt 2>/dev/null",
            )
            .current_dir(&files)
            .output()
            .unwrap();
        assert!(signed.status.success(), "{signed:?}");
        app.click("#request-back");
        app.wait(
            "the waiting request",
            "return !document.getElementById('requests-box').hidden",
        );
        audit.check(app, "home, a request waiting");
        app.click("#requests li button.danger");
        wait_open(app, "cancel-request-dialog");
        audit.check(app, "cancel request question");
        app.click("#cancel-request-keep");
        app.click("#requests li button.primary");
        app.wait_screen("screen-complete");
        audit.check(app, "complete");
        app.js("document.getElementById('complete-answer').value = 'garbage'; return true;");
        app.click("#complete-paste");
        wait_text(app, "complete-answer-error");
        audit.check(app, "complete, refused answer");
        // The certificate alone: the one-time screen says what is missing.
        app.js_async_with(
            "const [text, done] = arguments; document.getElementById('complete-answer').value = text; document.getElementById('complete-paste').click(); done(true);",
            json!([std::fs::read_to_string(files.join("audit.crt")).unwrap()]),
        );
        app.wait_screen("screen-ready");
        wait_text(app, "ready-notices");
        audit.check(app, "ready, a CA's answer");
        app.click("#close-ready");
        wait_open(app, "leave-dialog");
        app.click("#leave-discard");
        app.wait_screen("screen-home");
        app.click("#requests li button.danger");
        wait_open(app, "cancel-request-dialog");
        app.click("#cancel-request-confirm");
        app.wait(
            "no request waits",
            "return document.getElementById('requests-box').hidden",
        );
    } else {
        wait_text(app, "form-error");
        let said = app.text("#form-error");
        assert!(said.contains("never in a file"), "{said}");
        audit.check(app, "form, request refused without a keychain");
    }

    // A damaged list.
    let list = app
        .dir
        .join("home/.local/share")
        .join(authcert_core::store::APP_FOLDER)
        .join("certificates.json");
    std::fs::write(&list, b"{damaged").unwrap();
    app.js_async("const done = arguments[0]; window.authcert.home.open().then(() => done(true));");
    app.wait(
        "the banner",
        "return !document.getElementById('list-problem').hidden",
    );
    audit.check(app, "home, damaged list");
    assert!(audit.states >= 20, "{} states", audit.states);
}

#[test]
fn no_serious_violation_in_light_mode() {
    let bus = Bus::start("a11y-light", Keyring::Unlocked);
    let (app, pki) = app_on("a11y-light", &bus, false);
    // The smallest window the app allows (tauri.conf.json).
    let conf: Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tauri.conf.json"))
            .unwrap(),
    )
    .unwrap();
    let window = &conf["app"]["windows"][0];
    let (w, h) = (
        window["minWidth"].as_u64().unwrap(),
        window["minHeight"].as_u64().unwrap(),
    );
    assert!(w <= 720 && h <= 560, "{w}×{h}");
    app.resize(w as u32, h as u32);
    app.wait("the new size", &format!("return window.innerWidth <= {w}"));
    let mut audit = Audit::new("light, smallest window");
    audit.sizes = true;
    walk(&app, &pki, &mut audit, true);
    audit.assert_clean();
}

#[test]
fn no_serious_violation_in_dark_mode() {
    let bus = Bus::start("a11y-dark", Keyring::Unlocked);
    let (app, pki) = app_on("a11y-dark", &bus, true);
    let mut audit = Audit::new("dark");
    walk(&app, &pki, &mut audit, true);
    audit.assert_clean();
}

#[test]
fn no_serious_violation_without_a_keychain() {
    for dark in [false, true] {
        let bus = Bus::start("a11y-no-keychain", Keyring::None);
        let (app, pki) = app_on("a11y-no-keychain", &bus, dark);
        let mut audit = Audit::new(if dark {
            "dark, no keychain"
        } else {
            "light, no keychain"
        });
        walk(&app, &pki, &mut audit, false);
        audit.assert_clean();
    }
}

/// What a screen reader must hear without moving there: errors and
/// verdicts' progress, "stored in keychain", the reminders. Each is a live
/// region (status) or an alert in the page as shipped; field errors are
/// tied to their field (aria-describedby), which gets the focus.
#[test]
fn announcements_are_live_regions() {
    let html = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/index.html"))
        .unwrap();
    let role_of = |id: &str| -> Option<String> {
        let at = html.find(&format!("id=\"{id}\""))?;
        let start = html[..at].rfind('<')?;
        let end = at + html[at..].find('>')?;
        let tag = &html[start..end];
        let role = tag.split("role=\"").nth(1)?;
        Some(role[..role.find('"')?].to_string())
    };
    for (id, role) in [
        ("reminder", "alert"),
        ("authority-reminder", "alert"),
        ("list-problem", "alert"),
        ("form-error", "alert"),
        ("copy-status", "status"),
        ("keychain-status", "status"),
        ("download-status", "status"),
        ("pem-status", "status"),
        ("export-status", "status"),
        ("test-progress", "status"),
        ("test-export-status", "status"),
        ("add-error", "alert"),
        ("details-status-line", "status"),
        ("authority-status", "status"),
        ("authority-error", "alert"),
        ("authority-problem", "alert"),
        ("authority-due", "alert"),
        ("backup-status", "status"),
        ("remove-error", "alert"),
        ("revoke-error", "alert"),
        ("authority-remove-error", "alert"),
    ] {
        assert_eq!(role_of(id).as_deref(), Some(role), "#{id}");
    }
    // Every field's error is in its description.
    for (input, error) in [
        ("nickname", "nickname-error"),
        ("end-date", "end-date-error"),
        ("token-end", "token-end-error"),
        ("signed-by", "signed-by-error"),
        ("test-url", "test-url-error"),
        ("test-password", "test-password-error"),
        ("add-password", "add-password-error"),
        ("add-nickname", "add-nickname-error"),
        ("authority-name", "authority-name-error"),
        ("authority-end", "authority-end-error"),
        ("restore-password", "restore-password-error"),
        ("reminder-days", "reminder-days-error"),
    ] {
        let at = html
            .find(&format!("id=\"{input}\""))
            .unwrap_or_else(|| panic!("#{input}"));
        let tag = &html[at..at + html[at..].find('>').unwrap()];
        assert!(
            tag.contains("aria-describedby=") && tag.contains(error),
            "#{input} is described by #{error}: {tag}"
        );
    }
}
