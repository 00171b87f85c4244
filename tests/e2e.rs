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

/// From Home (where the app opens), to the empty form.
fn open_form(app: &App) {
    app.wait_screen("screen-home");
    app.click("#create");
    app.wait_screen("screen-form");
}

/// Types a nickname, presses Enter, and returns the password on screen.
fn generate(app: &App, nickname: &str) -> String {
    if !app.visible("screen-form") {
        open_form(app);
    }
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

    app.tick_saved();
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
    // The password is read from AUTHCERT_PASSWORD, never written in.
    app.click("#howto-curl summary");
    let curl = app.text("#snippet-curl");
    assert!(
        curl.contains("--cert-type P12")
            && curl.contains("$AUTHCERT_PASSWORD")
            && !curl.contains(&password),
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
    open_form(&app);
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
    app.tick_saved();
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

    // Escape asks too; discarding goes back to the list.
    app.type_into("#saved", ESCAPE);
    app.wait(
        "the question",
        "return document.getElementById('leave-dialog').open",
    );
    app.click("#leave-discard");
    app.wait_screen("screen-home");
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
fn the_key_is_made_while_the_form_is_filled_in() {
    let app = App::start("spare", &[]);
    let ready_for = |token: &str| {
        format!("return document.getElementById('form').dataset.keyReady === '{token}'")
    };
    open_form(&app);
    app.wait("the default key, made ahead", &ready_for("rsa-3072"));
    // Another key type: its key is made ahead too.
    app.js("const s = document.getElementById('key-type'); s.value = 'ecdsa-p384'; s.dispatchEvent(new Event('change'));");
    app.wait("the P-384 key, made ahead", &ready_for("ecdsa-p384"));
    // The hash stays as chosen (SHA-256), which a P-384 key cannot sign
    // with: explained next to the field, with the hash that fits offered.
    app.wait(
        "the explanation",
        "return document.getElementById('hash-error').textContent.includes('ECDSA P-384 keys sign with SHA-384 only')",
    );
    assert_eq!(
        app.js("return document.getElementById('hash').value"),
        json!("sha256"),
        "the hash is not changed silently"
    );
    app.click("#hash-error button.fix");
    app.wait(
        "the fix",
        "return document.getElementById('hash').value === 'sha384' && document.getElementById('hash-error').textContent === ''",
    );
    let password = generate(&app, "Spare P-384");
    assert_eq!(
        app.js("return document.getElementById('form').dataset.keyReady === undefined"),
        json!(true),
        "the spare was used"
    );
    app.tick_saved();
    let target = app.dir.join("Spare P-384.p12");
    app.answer_dialog(target.to_str().unwrap());
    app.click("#download");
    app.wait_screen("screen-done");
    // The file holds a P-384 key (the spare of that type), and opens.
    let out = Command::new("sh")
        .arg("-c")
        .arg("openssl pkcs12 -in \"$1\" -passin env:PW -nokeys | openssl x509 -noout -text")
        .arg("sh")
        .arg(&target)
        .env("PW", &password)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("NIST CURVE: P-384") && text.contains("ecdsa-with-SHA384"),
        "{text}"
    );
    // Home wiped the spares; the next form makes a key again.
    app.click("#to-home");
    open_form(&app);
    app.wait("a new key, made ahead", &ready_for("rsa-3072"));
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
    // The list's commands, with ids that do not exist and values of the wrong type.
    // An id of the right shape that no certificate has.
    let unknown = ["00"; 32].join(":");
    for (command, args, expect) in [
        (
            "details",
            json!({ "id": unknown }),
            "No certificate with this fingerprint",
        ),
        (
            "details",
            json!({"id": "00:11"}),
            "Certificate: give a SHA-256 fingerprint: 64 hexadecimal digits",
        ),
        (
            "details",
            json!({"id": 7}),
            "Certificate: give the fingerprint",
        ),
        (
            "details",
            json!({"id": "x".repeat(100_000)}),
            "Certificate: give a SHA-256 fingerprint",
        ),
        (
            "export_listed",
            json!({"id": unknown, "format": "pem"}),
            "No certificate",
        ),
        (
            "replacement",
            json!({"id": null}),
            "Certificate: give the fingerprint",
        ),
        (
            "copy_from_keychain",
            json!({ "id": unknown }),
            "No certificate",
        ),
        (
            "remove",
            json!({"id": unknown, "alsoKeychain": true}),
            "No certificate",
        ),
        (
            "remove",
            json!({"id": unknown, "alsoKeychain": "yes"}),
            "must be true or false",
        ),
        ("set_reminder_days", json!({"days": 0}), "Reminder window"),
        (
            "set_reminder_days",
            json!({"days": "many"}),
            "Reminder window",
        ),
        ("set_reminder_days", json!({"days": -3}), "Reminder window"),
        ("set_reminder_days", json!({"days": 1e9}), "Reminder window"),
        ("prepare_key", json!({"keyType": "rsa-1024"}), "Key type"),
        ("prepare_key", json!({"keyType": 4096}), "Key type"),
        ("prepare_key", json!({"keyType": null}), "Key type"),
        (
            "prepare_key",
            json!({"keyType": "x".repeat(100_000)}),
            "Key type",
        ),
        ("prepare_key", json!({}), "keyType"),
    ] {
        let m = message(app.invoke(command, args.clone()));
        assert!(m.contains(expect), "{command} {args:.80}: {m}");
    }
    let e = app
        .invoke("set_reminder_days", json!({"days": 400}))
        .unwrap_err();
    assert_eq!(e["field"], "reminder_days", "{e}");
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
    app.assert_nothing_written();
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
    app.tick_saved();
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
        bus.lookup_certificate("E2E Keychain").as_deref(),
        Some(password.as_str())
    );

    // Unticking removes it; ticking again stores it again.
    app.click("#keychain");
    app.wait(
        "the removal",
        "return document.getElementById('keychain-status').textContent.startsWith('Removed')",
    );
    assert_eq!(bus.lookup_certificate("E2E Keychain"), None);
    app.click("#keychain");
    app.wait(
        "the keychain",
        "return document.getElementById('keychain-status').textContent.startsWith('Stored')",
    );

    app.tick_saved();
    let target = app.dir.join("kc.p12");
    app.answer_dialog(target.to_str().unwrap());
    app.click("#download");
    app.wait_screen("screen-done");
    assert!(app.visible("done-keychain"));
    assert_eq!(
        bus.lookup_certificate("E2E Keychain").as_deref(),
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
    app.wait("the reason", "return document.getElementById('keychain-status').textContent.includes('no keyring is running')");
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
    app.tick_saved();
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
    assert!(bus.lookup_certificate("Orphan").is_some());
    app.click("#close-ready");
    app.wait(
        "the question",
        "return document.getElementById('leave-dialog').open",
    );
    app.click("#leave-discard");
    app.wait_screen("screen-home");
    let deadline = Instant::now() + Duration::from_secs(20);
    while bus.lookup_certificate("Orphan").is_some() {
        assert!(
            Instant::now() < deadline,
            "the entry of a discarded certificate is still there"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Runs the command line (the same binary) with `env`; returns stdout.
fn cli(env: &[(&str, String)], dir: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_authcert"))
        .args(args)
        .current_dir(dir)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .env_remove("DISPLAY")
        .output()
        .unwrap();
    assert!(
        out.status.success() || out.status.code() == Some(3),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn today_plus(days: i64) -> String {
    let zone = jiff::tz::TimeZone::get("Europe/Berlin").unwrap();
    let now = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * days);
    now.to_zoned(zone).date().to_string()
}

/// Home's rows as [nickname, status] pairs, in order (visible rows only).
fn rows(app: &App) -> Vec<(String, String)> {
    let v = app.js(
        "return [...document.querySelectorAll('#rows tr')].filter(r => !r.hidden)
           .map(r => [r.cells[0].textContent, r.cells[2].textContent])",
    );
    serde_json::from_value(v).unwrap()
}

/// The list made by the command line, in the real window: statuses, the
/// banner and the desktop notification, filter, details, copy from the
/// keychain, export, replace, remove, and the reminder setting.
#[test]
fn the_list_made_by_the_command_line_in_the_window() {
    let bus = secret_service::Bus::start("list", secret_service::Keyring::Unlocked);
    let base = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e-list");
    let _ = std::fs::remove_dir_all(&base);
    let (files, data) = (base.join("files"), base.join("data"));
    std::fs::create_dir_all(&files).unwrap();
    let mut env = bus.env();
    env.push(("AUTHCERT_DATA_DIR", data.display().to_string()));
    env.push(("TZ", "Europe/Berlin".into()));

    // The desktop notification is a D-Bus call on the session bus: watch it.
    let monitor_log = base.join("monitor.log");
    let mut monitor = Command::new("dbus-monitor")
        .args([
            "--address",
            &bus.address,
            "interface='org.freedesktop.Notifications'",
        ])
        .stdout(std::fs::File::create(&monitor_log).unwrap())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("dbus-monitor runs (scripts/test.sh installs dbus)");

    let make = |nickname: &str, end: &str, extra: &[&str], now: Option<String>| {
        let file = format!("{}.p12", nickname.replace(' ', "-"));
        let mut args = vec![
            "generate",
            "--nickname",
            nickname,
            "--end-date",
            end,
            "--key",
            "ecdsa-p256",
            "--out",
            &file,
        ];
        args.extend_from_slice(extra);
        let mut env = env.clone();
        if let Some(now) = now {
            env.push(("AUTHCERT_TEST_NOW", now));
        }
        cli(&env, &files, &args).trim().to_string()
    };
    let soon_password = make("Soon", &today_plus(5), &["--keychain"], None);
    make("Later", &today_plus(200), &[], None);
    let past = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(24 * 400);
    make("Gone", &today_plus(-35), &[], Some(past.to_string()));
    let listed: serde_json::Value =
        serde_json::from_str(&cli(&env, &files, &["list", "--json"])).unwrap();
    let soon_sha256 = listed[1]["sha256Fingerprint"].as_str().unwrap().to_string();

    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let app = App::start("list", &pairs);
    app.wait_screen("screen-home");
    app.wait(
        "the rows",
        "return document.querySelectorAll('#rows tr').length === 3",
    );
    app.screenshot("list-1-home");
    assert_eq!(
        rows(&app),
        [
            ("Gone".into(), "expired 35 days ago".into()),
            ("Soon".into(), "expires in 5 days".into()),
            ("Later".into(), "valid".into()),
        ]
    );
    // One zone for the dates shown and the days counted: the admin's own.
    assert_eq!(
        app.text("#zone-note"),
        "Dates are in your time zone, Europe/Berlin; statuses count days there."
    );
    let banner = app.text("#reminder-text");
    assert!(
        banner.starts_with("1 certificate expires within 30 days and 1 has expired."),
        "{banner}"
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let seen = std::fs::read_to_string(&monitor_log).unwrap_or_default();
        if seen.contains("member=Notify") && seen.contains("certificates to replace") {
            assert!(
                seen.contains("1 certificate expires within 30 days and 1 has expired"),
                "{seen}"
            );
            break;
        }
        assert!(Instant::now() < deadline, "no Notify call seen:\n{seen}");
        std::thread::sleep(Duration::from_millis(50));
    }

    // The filter.
    app.type_into("#filter", "expired");
    assert_eq!(rows(&app).len(), 1);
    assert_eq!(app.text("#filter-count"), "1 of 3");
    app.js("const f = document.getElementById('filter'); f.value = ''; f.dispatchEvent(new Event('input')); return true");
    assert_eq!(rows(&app).len(), 3);

    // Details of "Soon", and its password from the keychain to the clipboard.
    app.js("document.querySelector('#rows tr:nth-child(2) button').click(); return true");
    app.wait_screen("screen-details");
    app.screenshot("list-2-details");
    assert_eq!(app.text("#details-title"), "Soon");
    assert_eq!(app.text("#d-sha256"), soon_sha256);
    assert_eq!(app.text("#d-key"), "ECDSA P-256");
    assert!(app.text("#d-keychain").starts_with("Password stored"));
    app.click("#d-copy");
    app.wait(
        "the copy",
        "return document.getElementById('details-status-line').textContent.startsWith('Password copied from the keychain')",
    );
    let clip = Command::new("xclip")
        .args(["-o", "-selection", "clipboard"])
        .env("DISPLAY", &app.display)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&clip.stdout), soon_password);
    let page = app.js("return document.documentElement.outerHTML");
    assert!(
        !page.as_str().unwrap().contains(&soon_password),
        "never in the page"
    );

    // Export the public certificate as DER.
    let cer = base.join("soon.cer");
    app.answer_dialog(cer.to_str().unwrap());
    app.click("#d-export-cer");
    app.wait(
        "the export",
        "return document.getElementById('details-status-line').textContent.startsWith('Saved')",
    );
    let x = Command::new("openssl")
        .args([
            "x509",
            "-inform",
            "DER",
            "-in",
            cer.to_str().unwrap(),
            "-noout",
            "-subject",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&x.stdout).contains("Soon"));

    // Replace: the form comes prefilled, the old one stays listed.
    app.click("#d-replace");
    app.wait_screen("screen-form");
    app.screenshot("list-3-replace");
    assert_eq!(
        app.js("return document.getElementById('nickname').value"),
        json!("Soon 2")
    );
    assert_eq!(
        app.js("return document.getElementById('key-type').value"),
        json!("ecdsa-p256")
    );
    assert!(app.visible("replace-note"));
    app.type_into("#nickname", ENTER);
    app.wait_screen("screen-ready");
    app.tick_saved();
    app.answer_dialog(files.join("Soon-2.p12").to_str().unwrap());
    app.click("#download");
    app.wait_screen("screen-done");
    assert!(!app.visible("done-list-problem"));
    app.click("#to-home");
    app.wait(
        "four rows",
        "return document.querySelectorAll('#rows tr').length === 4",
    );
    let names: Vec<String> = rows(&app).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["Gone", "Soon", "Later", "Soon 2"]);

    // Remove "Soon" and its keychain entry; its file stays.
    app.js("document.querySelector('#rows tr:nth-child(2) button').click(); return true");
    app.wait_screen("screen-details");
    app.click("#d-remove");
    app.wait(
        "the question",
        "return document.getElementById('remove-dialog').open",
    );
    assert!(!app
        .js("return document.getElementById('remove-keychain-row').hidden")
        .as_bool()
        .unwrap());
    app.screenshot("list-4-remove");
    app.click("#remove-keychain");
    app.click("#remove-confirm");
    app.wait_screen("screen-home");
    app.wait(
        "three rows",
        "return document.querySelectorAll('#rows tr').length === 3",
    );
    assert!(!rows(&app).iter().any(|(n, _)| n == "Soon"));
    assert!(
        bus.lookup_certificate("Soon").is_none(),
        "keychain entry deleted"
    );
    assert!(files.join("Soon.p12").exists(), "the file is never touched");

    // A shorter reminder window: only the expired one is left in the banner.
    app.click("#open-settings");
    app.wait(
        "settings",
        "return document.getElementById('settings-dialog').open",
    );
    app.js("document.getElementById('reminder-days').value = '500'; return true");
    app.click("#settings-save");
    app.wait(
        "the rule",
        "return document.getElementById('reminder-days-error').textContent.includes('1 to 365')",
    );
    app.js("document.getElementById('reminder-days').value = '3'; return true");
    app.click("#settings-save");
    app.wait(
        "the dialog closed",
        "return !document.getElementById('settings-dialog').open",
    );
    app.wait(
        "the banner",
        "return document.getElementById('reminder-text').textContent.startsWith('1 certificate has expired.')",
    );
    let _ = monitor.kill();
    let _ = monitor.wait();
}
