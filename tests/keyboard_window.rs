//! Keyboard only, in the real window: each capability from launch to its
//! result with Tab, Shift+Tab, Enter, Space and Escape (WebDriver key
//! actions, as the keyboard sends them). Asserts the focus order, that the
//! focus is always on something and visible, that a new screen puts it on
//! its heading or first field, and that a closed question gives it back to
//! the control that opened it.

#[path = "support/secret_service.rs"]
mod secret_service;
#[path = "support/webdriver.rs"]
mod webdriver;

use serde_json::json;
use webdriver::{App, DOWN, ENTER, ESCAPE, SPACE, TAB, UP};

/// The focus is on `expected`, and shown (:focus-visible with an outline).
fn focus_is(app: &App, expected: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let now = app.focused();
        let name = now.split('.').next().unwrap_or("").to_string();
        if name == expected {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the focus should be on {expected}, it is on {now}"
        );
        std::thread::sleep(std::time::Duration::from_millis(40));
    }
    let shown = app.js("const e = document.activeElement;
         const ring = e.matches(':focus-visible') || (e.matches('input[type=date]') && e.matches(':focus'));
         return ring && getComputedStyle(e).outlineStyle !== 'none';");
    assert_eq!(shown, json!(true), "the focus on {expected} is visible");
}

/// Tab (or Shift+Tab) through `order`, asserting each stop.
fn tab_through(app: &App, order: &[&str], back: bool) {
    for expected in order {
        // A date field takes three stops (month, day, year) before Tab
        // leaves it, as it does for every keyboard user.
        let inside_date = "return document.activeElement.matches('input[type=date]')";
        let from = app.focused();
        app.press(TAB, back);
        let mut stops = 1;
        while app.js(inside_date) == json!(true) && app.focused() == from && stops < 3 {
            app.press(TAB, back);
            stops += 1;
        }
        focus_is(app, expected);
    }
}

fn keyboard_app(name: &str, bus: &secret_service::Bus) -> App {
    let env: Vec<(&str, String)> = bus.env();
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let app = App::start(name, &pairs);
    app.wait_screen("screen-home");
    app
}

#[test]
fn create_test_and_download_by_keyboard() {
    let bus = secret_service::Bus::start("keyboard-create", secret_service::Keyring::Unlocked);
    let app = keyboard_app("keyboard-create", &bus);
    // Home opens with the focus on its heading; Tab goes down the page.
    app.wait(
        "the heading",
        "return document.activeElement.id === 'home-title'",
    );
    tab_through(
        &app,
        &[
            "#open-authority",
            "#open-settings",
            "#create",
            "#add-existing",
        ],
        false,
    );
    tab_through(&app, &["#create"], true);

    // Settings: Enter opens it on its field, Escape gives the focus back.
    tab_through(&app, &["#open-settings"], true);
    app.press(ENTER, false);
    focus_is(&app, "#reminder-days");
    app.press(ESCAPE, false);
    focus_is(&app, "#open-settings");

    // The form: its fields in order.
    tab_through(&app, &["#create"], false);
    app.press(ENTER, false);
    app.wait_screen("screen-form");
    focus_is(&app, "#nickname");
    app.type_into("#nickname", "Keyboard only");
    tab_through(
        &app,
        &[
            "#end-date",
            "#token-end",
            "#signed-by",
            "#encryption",
            "#hash",
            "summary",
            "#generate",
        ],
        false,
    );
    tab_through(&app, &["summary"], true);
    tab_through(&app, &["#generate"], false);
    app.press(ENTER, false);
    app.wait_screen("screen-ready");
    focus_is(&app, "#copy");

    // Test with your API: opened from its button, answered, closed with
    // Escape: the focus is back on the button.
    tab_through(&app, &["#keychain", "#saved"], false);
    app.press(SPACE, false);
    app.wait(
        "ticked",
        "return !document.getElementById('download').disabled",
    );
    tab_through(&app, &["#download", "#save-pem", "#ready-test"], false);
    app.press(ENTER, false);
    app.wait(
        "the test",
        "return document.getElementById('test-dialog').open",
    );
    focus_is(&app, "#test-url");
    app.type_into("#test-url", "https://127.0.0.1:1/");
    app.press(ENTER, false);
    app.wait(
        "the verdict",
        "return !document.getElementById('test-result').hidden",
    );
    app.wait(
        "the verdict's heading",
        "return document.activeElement.id === 'test-headline'",
    );
    app.press(ESCAPE, false);
    app.wait(
        "closed",
        "return !document.getElementById('test-dialog').open",
    );
    focus_is(&app, "#ready-test");

    // Download with Enter; the saved screen takes the focus to its heading.
    let target = app.dir.join("keyboard.p12");
    app.answer_dialog(target.to_str().unwrap());
    tab_through(&app, &["#save-pem", "#download"], true);
    app.press(ENTER, false);
    app.wait_screen("screen-done");
    app.wait(
        "the heading",
        "return document.activeElement.id === 'done-title'",
    );
    assert!(target.is_file());

    // Back to the list; the certificate's details; the remove question
    // closed with Escape gives the focus back to its button.
    app.click("#to-home");
    app.wait_screen("screen-home");
    tab_through(
        &app,
        &[
            "#open-authority",
            "#open-settings",
            "#create",
            "#add-existing",
            "#filter",
            "button",
        ],
        false,
    );
    app.press(ENTER, false);
    app.wait_screen("screen-details");
    app.wait(
        "the heading",
        "return document.activeElement.id === 'details-title'",
    );
    app.js("document.getElementById('d-remove').focus({focusVisible: true}); return true;");
    app.press(TAB, true);
    app.press(TAB, false);
    focus_is(&app, "#d-remove");
    app.press(ENTER, false);
    app.wait(
        "the question",
        "return document.getElementById('remove-dialog').open",
    );
    focus_is(&app, "#remove-cancel");
    app.press(ESCAPE, false);
    focus_is(&app, "#d-remove");

    // Where it is used: the add form's fields in order, Enter adds; Test
    // all and the integration's Remove are reachable back up; removing
    // the last one puts the focus on the form.
    tab_through(&app, &["#integration-name"], false);
    app.type_into("#integration-name", "Nightly export");
    tab_through(&app, &["#integration-url"], false);
    app.type_into("#integration-url", "https://127.0.0.1:9/health");
    tab_through(
        &app,
        &[
            "#integration-note",
            "#integration-trust-server",
            "#integration-add",
        ],
        false,
    );
    app.press(ENTER, false);
    app.wait(
        "the integration listed",
        "return document.querySelectorAll('#d-integration-list li').length === 1",
    );
    focus_is(&app, "#integration-add");
    tab_through(
        &app,
        &[
            "#integration-trust-server",
            "#integration-note",
            "#integration-url",
            "#integration-name",
            "#d-test-all",
            "button",
        ],
        true,
    );
    app.press(ENTER, false);
    app.wait(
        "the integration removed",
        "return document.querySelectorAll('#d-integration-list li').length === 0",
    );
    focus_is(&app, "#integration-name");
}

#[test]
fn the_issuing_authority_by_keyboard() {
    let bus = secret_service::Bus::start("keyboard-authority", secret_service::Keyring::Unlocked);
    let app = keyboard_app("keyboard-authority", &bus);
    app.wait(
        "the heading",
        "return document.activeElement.id === 'home-title'",
    );
    tab_through(&app, &["#open-authority"], false);
    app.press(ENTER, false);
    app.wait_screen("screen-authority");
    app.wait(
        "the heading",
        "return document.activeElement.id === 'authority-title'",
    );
    tab_through(
        &app,
        &["#authority-name", "#authority-end", "#authority-create"],
        false,
    );
    tab_through(&app, &["#authority-end", "#authority-name"], true);
    app.type_into("#authority-name", "Keyboard authority");
    app.press(ENTER, false);
    app.wait(
        "created",
        "return !document.getElementById('authority-exists').hidden",
    );
    app.wait(
        "the heading",
        "return document.activeElement.id === 'authority-title'",
    );
    tab_through(
        &app,
        &["#authority-export", "#authority-crl", "#authority-backup"],
        false,
    );
    app.press(ENTER, false);
    app.wait(
        "the backup question",
        "return document.getElementById('backup-dialog').open",
    );
    focus_is(&app, "#backup-make");
    app.press(ESCAPE, false);
    focus_is(&app, "#authority-backup");
}

#[test]
fn add_existing_by_keyboard() {
    let bus = secret_service::Bus::start("keyboard-add", secret_service::Keyring::None);
    let app = keyboard_app("keyboard-add", &bus);
    let dir = app.dir.join("files");
    std::fs::create_dir_all(&dir).unwrap();
    let out = std::process::Command::new("bash")
        .args(["-euo", "pipefail", "-c"])
        .arg("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj '/CN=By keyboard' \
              -addext extendedKeyUsage=clientAuth -days 90 -keyout k.pem -out c.pem 2>/dev/null
              openssl pkcs12 -export -inkey k.pem -in c.pem -passout pass:typed -out kb.p12")
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(out.status.success());
    app.answer_dialog(dir.join("kb.p12").to_str().unwrap());
    app.wait(
        "the heading",
        "return document.activeElement.id === 'home-title'",
    );
    tab_through(
        &app,
        &[
            "#open-authority",
            "#open-settings",
            "#create",
            "#add-existing",
        ],
        false,
    );
    app.press(ENTER, false);
    app.wait_screen("screen-add");
    focus_is(&app, "#add-password");
    app.type_into("#add-password", "typed");
    app.press(ENTER, false);
    app.wait(
        "the preview",
        "return !document.getElementById('add-preview').hidden",
    );
    focus_is(&app, "#add-nickname");
    app.press(ENTER, false);
    app.wait_screen("screen-details");
    app.wait(
        "the heading",
        "return document.activeElement.id === 'details-title'",
    );

    // A file with two certificates: the arrow keys choose in the list.
    let out = std::process::Command::new("bash")
        .args(["-euo", "pipefail", "-c"])
        .arg(
            "for n in First Second; do openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
               -subj \"/CN=$n\" -days 30 -keyout /dev/null -out $n.pem 2>/dev/null; done
             cat First.pem Second.pem > two.pem",
        )
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(out.status.success());
    app.answer_dialog(dir.join("two.pem").to_str().unwrap());
    app.js_async("const done = arguments[0]; window.authcert.home.open().then(() => done(true));");
    app.wait(
        "the heading",
        "return document.activeElement.id === 'home-title'",
    );
    tab_through(
        &app,
        &[
            "#open-authority",
            "#open-settings",
            "#create",
            "#add-existing",
        ],
        false,
    );
    app.press(ENTER, false);
    app.wait(
        "the choice",
        "return !document.getElementById('add-choices').hidden",
    );
    focus_is(&app, "#add-nickname");
    // Back into the list (its last entry), then up and down with the arrows.
    app.press(TAB, true);
    let checked = "return [...document.querySelectorAll('#add-choice-list input')].findIndex((r) => r.checked)";
    app.press(UP, false);
    app.wait("the first chosen", &format!("{checked} === 0"));
    assert_eq!(
        app.js("return document.getElementById('a-subject').textContent"),
        json!("CN=First")
    );
    app.press(DOWN, false);
    app.wait("the second chosen", &format!("{checked} === 1"));
    assert_eq!(
        app.js("return document.getElementById('a-subject').textContent"),
        json!("CN=Second")
    );
    let ring = app.js("const e = document.activeElement; return e.type === 'radio' && e.matches(':focus') && getComputedStyle(e).outlineStyle !== 'none'");
    let seen = app.js("const e = document.activeElement; return [e.tagName, e.type, e.matches(':focus-visible'), e.matches(':focus'), getComputedStyle(e).outlineStyle].join(' ')");
    assert_eq!(
        ring,
        json!(true),
        "the chosen entry shows the focus: {seen}"
    );
}

#[test]
fn a_request_to_a_ca_by_keyboard() {
    let bus = secret_service::Bus::start("keyboard-request", secret_service::Keyring::Unlocked);
    let app = keyboard_app("keyboard-request", &bus);
    let dir = app.dir.join("files");
    std::fs::create_dir_all(&dir).unwrap();
    app.wait(
        "the heading",
        "return document.activeElement.id === 'home-title'",
    );
    tab_through(
        &app,
        &["#open-authority", "#open-settings", "#create"],
        false,
    );
    app.press(ENTER, false);
    app.wait_screen("screen-form");
    focus_is(&app, "#nickname");
    app.type_into("#nickname", "Keyboard request");
    tab_through(&app, &["#end-date", "#token-end", "#signed-by"], false);
    // The arrow keys choose in the list: self-signed, then another CA.
    app.press(DOWN, false);
    app.wait(
        "the request's note",
        "return document.getElementById('signed-by').value === 'ca' && !document.getElementById('ca-note').hidden",
    );
    // The dates are gone from the order.
    tab_through(&app, &["#nickname"], true);
    tab_through(
        &app,
        &["#signed-by", "#encryption", "#hash", "summary", "#generate"],
        false,
    );
    app.press(ENTER, false);
    app.wait_screen("screen-request");
    app.wait(
        "the heading",
        "return document.activeElement.id === 'request-title'",
    );
    let csr = dir.join("keyboard.csr");
    app.answer_dialog(csr.to_str().unwrap());
    tab_through(&app, &["#request-copy", "#request-save"], false);
    app.press(ENTER, false);
    app.wait(
        "saved",
        "return document.getElementById('request-status-line').textContent.startsWith('Saved')",
    );
    assert!(csr.is_file());
    let signed = std::process::Command::new("bash")
        .args(["-euo", "pipefail", "-c"])
        .arg(
            "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj '/CN=Keyboard CA' \
               -addext basicConstraints=critical,CA:TRUE -days 30 -keyout ca.key -out ca.crt 2>/dev/null
             openssl x509 -req -in keyboard.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
               -copy_extensions copyall -days 20 -out keyboard.crt 2>/dev/null
             cat keyboard.crt ca.crt > answer.pem",
        )
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(signed.status.success(), "{signed:?}");

    // Complete: the answer opened with Enter; the one-time screen.
    tab_through(&app, &["#request-complete"], false);
    app.press(ENTER, false);
    app.wait_screen("screen-complete");
    app.wait(
        "the heading",
        "return document.activeElement.id === 'complete-title'",
    );
    tab_through(
        &app,
        &["#complete-open", "#complete-answer", "#complete-paste"],
        false,
    );
    // An empty paste is refused next to its box, which takes the focus.
    app.press(ENTER, false);
    focus_is(&app, "#complete-answer");
    app.answer_dialog(dir.join("answer.pem").to_str().unwrap());
    tab_through(&app, &["#complete-open"], true);
    app.press(ENTER, false);
    app.wait_screen("screen-ready");
    focus_is(&app, "#copy");
    // Escape asks; Stay keeps it.
    app.press(ESCAPE, false);
    app.wait(
        "the question",
        "return document.getElementById('leave-dialog').open",
    );
    focus_is(&app, "#leave-stay");
    tab_through(&app, &["#leave-discard"], false);
    app.press(ENTER, false);
    app.wait_screen("screen-home");

    // Home: the request's actions follow the page's own buttons; the
    // cancel question closed with Escape gives the focus back.
    app.js("document.getElementById('home-title').focus(); return true;");
    tab_through(
        &app,
        &[
            "#open-authority",
            "#open-settings",
            "#create",
            "#add-existing",
            "button",
            "button",
            "button",
        ],
        false,
    );
    let label = app.js("return document.activeElement.getAttribute('aria-label')");
    assert_eq!(label, json!("Cancel request… Keyboard request"));
    app.press(ENTER, false);
    app.wait(
        "the question",
        "return document.getElementById('cancel-request-dialog').open",
    );
    focus_is(&app, "#cancel-request-keep");
    app.press(ESCAPE, false);
    let label = app.js("return document.activeElement.getAttribute('aria-label')");
    assert_eq!(label, json!("Cancel request… Keyboard request"));
    app.press(ENTER, false);
    focus_is(&app, "#cancel-request-keep");
    tab_through(&app, &["#cancel-request-confirm"], false);
    app.press(ENTER, false);
    app.wait(
        "no request waits",
        "return document.getElementById('requests-box').hidden",
    );
    assert!(!bus.accounts().iter().any(|a| a.starts_with("Request: ")));
}
