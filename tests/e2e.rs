//! End to end in the real window: WebKitGTK driven through WebDriver
//! (tauri-driver + WebKitWebDriver) under Xvfb. The save dialog is answered
//! through the `test-hooks` feature's answer file, except in
//! `the_real_gtk_save_dialog`, which types into the real GTK dialog.

#[path = "support/webdriver.rs"]
mod webdriver;

use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::json;
use webdriver::{App, ENTER, ESCAPE};

fn openssl_opens(path: &std::path::Path, password: &str) -> bool {
    Command::new("openssl")
        .args([
            "pkcs12",
            "-in",
            path.to_str().unwrap(),
            "-noout",
            "-passin",
            &format!("pass:{password}"),
        ])
        .status()
        .unwrap()
        .success()
}

/// Types a nickname, presses Enter, and returns the password on screen.
fn generate(app: &App, nickname: &str) -> String {
    app.type_into("#nickname", nickname);
    app.type_into("#nickname", ENTER);
    app.wait_screen("screen-ready");
    let password = app.text("#password");
    assert_eq!(password.len(), 27, "{password}");
    password
}

#[test]
fn create_with_the_defaults_and_download() {
    let app = App::start("defaults", &[]);
    app.screenshot("1-form");
    let password = generate(&app, "E2E Billing");
    app.screenshot("2-ready");
    assert_eq!(
        app.js("return document.getElementById('download').disabled"),
        json!(true),
        "download waits for the tick"
    );

    app.click("#saved");
    let target = app.dir.join("E2E Billing.p12");
    app.answer_dialog(target.to_str().unwrap());
    app.click("#download");
    app.wait_screen("screen-done");
    app.screenshot("3-done");

    assert!(
        openssl_opens(&target, &password),
        "the saved file opens with the password on screen"
    );
    assert!(app.text("#saved-path").ends_with("E2E Billing.p12"));
    let curl = app.text("#curl-command");
    assert!(
        curl.contains("--cert-type P12") && curl.contains(":PASSWORD") && !curl.contains(&password),
        "{curl}"
    );
    let page = app
        .js("return document.documentElement.outerHTML")
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        !page.contains(&password),
        "the password is gone from the page"
    );

    // A second download is refused, and says why.
    let again = app.invoke("download", json!({})).unwrap_err();
    assert!(
        again["message"]
            .as_str()
            .unwrap()
            .contains("cannot be downloaded again"),
        "{again}"
    );

    // The public certificate, as PEM.
    let pem = app.dir.join("public.pem");
    app.answer_dialog(pem.to_str().unwrap());
    app.click("#export-pem");
    app.wait(
        "the export",
        "return document.getElementById('export-status').textContent.startsWith('Saved')",
    );
    let parsed = Command::new("openssl")
        .args(["x509", "-in", pem.to_str().unwrap(), "-noout", "-subject"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&parsed.stdout).contains("E2E Billing"));
    app.screenshot("4-exported");
}

#[test]
fn an_invalid_nickname_shows_its_rule_and_blocks_generate() {
    let app = App::start("invalid", &[]);
    app.type_into("#nickname", "billing/api");
    app.wait(
        "the rule",
        "return document.getElementById('nickname-error').textContent.includes('path separator')",
    );
    app.screenshot("nickname-rule");
    app.type_into("#nickname", ENTER);
    app.wait(
        "the button to settle",
        "return document.getElementById('generate').getAttribute('aria-busy') === 'false'",
    );
    assert!(app.visible("screen-form"));
    assert!(!app.visible("screen-ready"));

    // A combination that does not exist is explained on the hash field.
    app.js("document.getElementById('advanced').open = true; return true");
    app.js("const k = document.getElementById('key-type'); k.value = 'ecdsa-p256'; k.dispatchEvent(new Event('change')); return true");
    app.js("const h = document.getElementById('hash'); h.value = 'sha512'; h.dispatchEvent(new Event('change')); return true");
    app.wait("the combination rule", "return document.getElementById('hash-error').textContent.includes('ECDSA P-256 keys sign with SHA-256 only')");
    app.screenshot("combination-rule");
}

#[test]
fn a_cancelled_dialog_keeps_the_download() {
    let app = App::start("cancel", &[]);
    let password = generate(&app, "Cancel me");
    app.click("#saved");
    app.answer_dialog("cancel");
    app.click("#download");
    app.wait(
        "the cancel message",
        "return document.getElementById('download-status').textContent.includes('cancelled')",
    );
    app.screenshot("cancelled");
    assert!(app.visible("screen-ready"));
    assert_eq!(
        app.text("#password"),
        password,
        "the password is still shown"
    );
    assert_eq!(
        app.js("return document.getElementById('download').disabled"),
        json!(false)
    );

    // A folder that does not exist: a plain message, and still available.
    app.answer_dialog(app.dir.join("gone/x.p12").to_str().unwrap());
    app.click("#download");
    app.wait(
        "the folder message",
        "return document.getElementById('download-status').textContent.includes('does not exist')",
    );
    assert!(app.visible("screen-ready"));

    let target = app.dir.join("kept.p12");
    app.answer_dialog(target.to_str().unwrap());
    app.click("#download");
    app.wait_screen("screen-done");
    assert!(openssl_opens(&target, &password));
}

#[test]
fn leaving_before_the_download_asks_first() {
    let app = App::start("leave", &[]);
    let password = generate(&app, "Leave me");
    app.click("#close-ready");
    app.wait(
        "the question",
        "return document.getElementById('leave-dialog').open",
    );
    assert!(app.text("#leave-dialog").contains("will be lost"));
    app.screenshot("leave-question");
    app.click("#leave-stay");
    assert!(app.visible("screen-ready"));
    assert_eq!(app.text("#password"), password);

    // Escape asks too; discarding goes back to an empty form.
    app.type_into("#saved", ESCAPE);
    app.wait(
        "the question",
        "return document.getElementById('leave-dialog').open",
    );
    app.click("#leave-discard");
    app.wait_screen("screen-form");
    let page = app
        .js("return document.documentElement.outerHTML")
        .as_str()
        .unwrap()
        .to_string();
    assert!(!page.contains(&password));
    let gone = app.invoke("download", json!({})).unwrap_err();
    assert!(
        gone["message"]
            .as_str()
            .unwrap()
            .contains("generate one first"),
        "{gone}"
    );
    // The nickname is free again.
    generate(&app, "Leave me");
}

#[test]
fn hostile_calls_to_the_commands_get_errors_and_write_nothing() {
    let app = App::start("hostile", &[]);
    let message = |r: Result<serde_json::Value, serde_json::Value>| -> String {
        let e = r.expect_err("refused");
        e.get("message")
            .and_then(|m| m.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| e.to_string())
    };
    assert!(message(app.invoke("download", json!({}))).contains("generate one first"));
    assert!(message(app.invoke("export", json!({"format": "pem"})))
        .contains("Download the certificate first"));
    assert!(message(app.invoke("copy", json!({}))).contains("generate one first"));
    let form = |f: serde_json::Value| json!({"form": f});
    for (args, expect) in [
        (json!({}), "form"),
        (
            form(json!({"nickname": 5, "endDate": "2027-01-01"})),
            "Nickname: must be text",
        ),
        (form(json!({"endDate": "2027-01-01"})), "nickname"),
        (
            form(json!({"nickname": "x", "endDate": "2027-01-01", "evil": true})),
            "evil",
        ),
        (
            form(json!({"nickname": "x".repeat(100_000), "endDate": "2027-01-01"})),
            "Nickname",
        ),
        (
            form(json!({"nickname": "a\u{0}b", "endDate": "2027-01-01"})),
            "NUL",
        ),
        (
            form(json!({"nickname": "ok", "endDate": "2099-99-99"})),
            "End date",
        ),
        (
            form(json!({"nickname": "ok", "endDate": "2027-01-01", "keyType": "rsa-1024"})),
            "Key type",
        ),
        (
            form(json!({"nickname": "ok", "endDate": "2027-01-01", "encryption": ["aes-256"]})),
            "Encryption: must be text, not a list",
        ),
    ] {
        let m = message(app.invoke("generate", args.clone()));
        assert!(m.contains(expect), "{args:.80}: {m}");
    }
    assert!(message(app.invoke("export", json!({"format": "exe"})))
        .contains("Download the certificate first"));
    // Still alive and still working after all that.
    generate(&app, "Survivor");
    let end = app.invoke("defaults", json!({})).unwrap()["endDate"].clone();
    assert!(message(app.invoke(
        "generate",
        json!({"form": {"nickname": "second", "endDate": end}})
    ))
    .contains("waiting to be downloaded"));
    let files: Vec<_> = std::fs::read_dir(&app.dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(files, ["home"], "no file was written");
}

#[test]
fn copy_puts_the_password_on_the_clipboard_then_clears_it() {
    let app = App::start("copy", &[("AUTHCERT_TEST_CLIPBOARD_SECONDS", "2")]);
    let password = generate(&app, "Clipboard");
    app.click("#copy");
    app.wait(
        "the copy message",
        "return document.getElementById('copy-status').textContent.startsWith('Copied')",
    );
    let clip = || {
        let out = Command::new("xclip")
            .args(["-o", "-selection", "clipboard"])
            .env("DISPLAY", &app.display)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert_eq!(clip(), password);
    let deadline = Instant::now() + Duration::from_secs(20);
    while clip() == password {
        assert!(
            Instant::now() < deadline,
            "the clipboard still holds the password"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn the_real_gtk_save_dialog() {
    let app = App::start("gtk-dialog", &[]);
    let password = generate(&app, "Real dialog");
    app.click("#saved");
    app.click("#download");
    let xdotool = |args: &[&str]| {
        let out = Command::new("xdotool")
            .args(args)
            .env("DISPLAY", &app.display)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "xdotool {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    let dialog = xdotool(&[
        "search",
        "--sync",
        "--onlyvisible",
        "--name",
        "^Save certificate$",
    ]);
    let dialog = dialog.lines().next().unwrap().to_string();
    app.screenshot_display("native-dialog");
    let target = app.dir.join("via-gtk.p12");
    xdotool(&["windowfocus", "--sync", &dialog]);
    xdotool(&["key", "--clearmodifiers", "ctrl+a"]);
    xdotool(&["type", "--delay", "5", target.to_str().unwrap()]);
    xdotool(&["key", "Return"]);
    app.wait_screen("screen-done");
    assert!(openssl_opens(&target, &password));
}

/// Closing the window (as a window manager's close button does) asks first
/// while a certificate waits, and closes at once when nothing would be lost.
#[test]
fn closing_the_window_asks_while_a_certificate_waits() {
    let app = App::start("window-close", &[]);
    generate(&app, "Closing");
    app.ask_window_to_close();
    app.wait(
        "the question",
        "return document.getElementById('leave-dialog').open",
    );
    app.screenshot("asked");
    app.click("#leave-stay");
    assert!(app.visible("screen-ready"), "staying keeps the certificate");
    assert!(app.window_id().is_some());

    app.ask_window_to_close();
    app.wait(
        "the question",
        "return document.getElementById('leave-dialog').open",
    );
    // Discarding from here quits: the page calls `leave`, the window goes.
    app.js_that_may_quit(
        "setTimeout(() => document.getElementById('leave-discard').click()); return true",
    );
    app.wait_window_gone();
}

#[test]
fn closing_the_window_with_nothing_pending_does_not_ask() {
    let app = App::start("window-close-idle", &[]);
    app.ask_window_to_close();
    app.wait_window_gone();
}

#[path = "support/secret_service.rs"]
mod secret_service;

fn app_on_bus(name: &str, bus: &secret_service::Bus) -> App {
    let env: Vec<(&str, String)> = bus.env();
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    App::start(name, &pairs)
}

#[test]
fn the_keychain_box_stores_the_password_shown_on_screen() {
    let bus = secret_service::Bus::start("e2e-keychain", secret_service::Keyring::Unlocked);
    let app = app_on_bus("keychain", &bus);
    let password = generate(&app, "E2E Keychain");
    app.click("#keychain");
    app.wait(
        "the keychain",
        "return document.getElementById('keychain-status').textContent.startsWith('Stored')",
    );
    app.screenshot("stored");
    assert_eq!(
        bus.lookup("E2E Keychain").as_deref(),
        Some(password.as_str())
    );

    // Unticking removes it; ticking again stores it again.
    app.click("#keychain");
    app.wait(
        "the removal",
        "return document.getElementById('keychain-status').textContent.startsWith('Removed')",
    );
    assert_eq!(bus.lookup("E2E Keychain"), None);
    app.click("#keychain");
    app.wait(
        "the keychain",
        "return document.getElementById('keychain-status').textContent.startsWith('Stored')",
    );

    app.click("#saved");
    let target = app.dir.join("kc.p12");
    app.answer_dialog(target.to_str().unwrap());
    app.click("#download");
    app.wait_screen("screen-done");
    assert!(app.visible("done-keychain"));
    assert_eq!(
        bus.lookup("E2E Keychain").as_deref(),
        Some(password.as_str()),
        "kept after the download"
    );
    assert!(openssl_opens(&target, &password));
}

#[test]
fn without_a_keychain_service_the_box_says_why_and_the_flow_goes_on() {
    let bus = secret_service::Bus::start("e2e-nokeychain", secret_service::Keyring::None);
    let app = app_on_bus("no-keychain", &bus);
    let password = generate(&app, "No keychain");
    app.click("#keychain");
    app.wait("the reason", "return document.getElementById('keychain-status').textContent.includes('no Secret Service provider')");
    app.screenshot("no-service");
    assert_eq!(
        app.js("return document.getElementById('keychain').checked"),
        json!(false)
    );
    assert_eq!(
        app.text("#password"),
        password,
        "the password is still on screen"
    );
    app.click("#saved");
    let target = app.dir.join("nk.p12");
    app.answer_dialog(target.to_str().unwrap());
    app.click("#download");
    app.wait_screen("screen-done");
    assert!(openssl_opens(&target, &password));
}

#[test]
fn a_discarded_certificate_leaves_no_keychain_entry() {
    let bus = secret_service::Bus::start("e2e-orphan", secret_service::Keyring::Unlocked);
    let app = app_on_bus("orphan", &bus);
    generate(&app, "Orphan");
    app.click("#keychain");
    app.wait(
        "the keychain",
        "return document.getElementById('keychain-status').textContent.startsWith('Stored')",
    );
    assert!(bus.lookup("Orphan").is_some());
    app.click("#close-ready");
    app.wait(
        "the question",
        "return document.getElementById('leave-dialog').open",
    );
    app.click("#leave-discard");
    app.wait_screen("screen-form");
    let deadline = Instant::now() + Duration::from_secs(20);
    while bus.lookup("Orphan").is_some() {
        assert!(
            Instant::now() < deadline,
            "the entry of a discarded certificate is still there"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
