//! *Add existing certificate…* in the real window: a .p12 made by OpenSSL
//! (through the real GTK open dialog, typed into with xdotool), its
//! password wrong then right, the preview, the nickname, the details; a
//! server-only certificate explained and added only when confirmed; the
//! same certificate twice refused; a PEM chain asking which one; a
//! cancelled dialog. The file is never changed.

#[path = "support/a11y.rs"]
mod a11y;
#[path = "support/webdriver.rs"]
mod webdriver;

use std::process::Command;

use webdriver::App;

fn sh(dir: &std::path::Path, script: &str) {
    let out = Command::new("bash")
        .args(["-euo", "pipefail", "-c", script])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Waits until the element `id` says `words` (its text as the DOM has it:
/// WebDriver's rendered text can lag a moment behind a change).
fn shows(app: &App, id: &str, words: &str) {
    app.wait(
        &format!("“{words}” in #{id}"),
        &format!("return document.getElementById('{id}').textContent.includes({words:?})"),
    );
}

/// The text of the element `css` as the DOM has it.
fn dom(app: &App, css: &str) -> String {
    app.js(&format!(
        "return document.querySelector({css:?}).textContent"
    ))
    .as_str()
    .unwrap_or_default()
    .to_string()
}

fn wait_preview(app: &App) {
    app.wait(
        "the preview",
        "return !document.getElementById('add-preview').hidden",
    );
}

#[test]
fn add_existing_certificates_in_the_window() {
    let app = App::start("import-window", &[]);
    let dir = app.dir.join("files");
    std::fs::create_dir_all(&dir).unwrap();
    sh(
        &dir,
        "openssl req -x509 -newkey rsa:2048 -nodes -subj '/CN=Console download/O=Example' \
           -addext extendedKeyUsage=clientAuth -days 90 -keyout c.key -out c.pem 2>/dev/null
         openssl pkcs12 -export -inkey c.key -in c.pem -passout pass:from-console -out console.p12
         openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj '/CN=web.example.com' \
           -addext extendedKeyUsage=serverAuth -days 30 -keyout s.key -out server.pem 2>/dev/null
         openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj '/CN=Other' \
           -days 30 -keyout o.key -out o.pem 2>/dev/null
         cat o.pem server.pem > chain.pem",
    );
    let p12 = dir.join("console.p12");
    let before = std::fs::read(&p12).unwrap();

    // A cancelled dialog changes nothing.
    app.answer_dialog("cancel");
    let cancelled = app.js_async(
        "const done = arguments[arguments.length - 1];
         window.authcert.invoke('add_pick').then(() => done('added?'), (e) => done(e.cancelled));",
    );
    assert_eq!(cancelled, serde_json::json!(true));
    assert!(app.visible("screen-home"));
    assert_eq!(
        app.js("return document.getElementById('list-problem').hidden"),
        true
    );

    // The .p12 through the real GTK open dialog.
    app.click("#add-existing");
    let dialog = app.xdotool(&[
        "search",
        "--sync",
        "--onlyvisible",
        "--name",
        "^Add existing certificate$",
    ]);
    let dialog = String::from_utf8_lossy(&dialog.stdout)
        .lines()
        .next()
        .unwrap()
        .to_string();
    app.screenshot_display("add-native-dialog");
    // In GTK's open dialog a typed "/" opens the location field.
    for args in [
        vec!["windowfocus", "--sync", dialog.as_str()],
        vec!["type", "--delay", "5", p12.to_str().unwrap()],
    ] {
        let out = app.xdotool(&args);
        assert!(
            out.status.success(),
            "xdotool {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    app.screenshot_display("add-native-dialog-typed");
    // GTK checks the typed path in the background and ignores Return until
    // it has: Return again until the dialog has answered.
    let answered = "return !document.getElementById('screen-add').hidden || !document.getElementById('list-problem').hidden";
    let mut presses = 0;
    while app.js(answered) != serde_json::json!(true) {
        assert!(presses < 40, "the open dialog never answered");
        if app
            .xdotool(&[
                "search",
                "--onlyvisible",
                "--name",
                "^Add existing certificate$",
            ])
            .status
            .success()
        {
            app.xdotool(&["key", "--window", &dialog, "Return"]);
            presses += 1;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(dom(&app, "#list-problem-text"), "");
    app.wait_screen("screen-add");
    assert_eq!(dom(&app, "#add-file"), "console.p12");
    assert_eq!(app.js("return document.activeElement.id"), "add-password");

    app.type_into("#add-password", "wrong");
    app.click("#add-open");
    shows(&app, "add-password-error", "the password is wrong");
    assert_eq!(
        app.js("return document.getElementById('add-password').value"),
        ""
    );
    app.type_into("#add-password", "from-console");
    app.click("#add-open");
    wait_preview(&app);
    assert_eq!(dom(&app, "#a-subject"), "CN=Console download, O=Example");
    assert_eq!(dom(&app, "#a-issuer"), "itself (self-signed)");
    assert_eq!(dom(&app, "#a-client-auth"), "Yes");
    assert_eq!(dom(&app, "#a-key"), "RSA 2048");
    assert!(app
        .text("#a-format")
        .starts_with("PKCS#12 file with its private key"));
    assert_eq!(
        app.js("return document.getElementById('add-nickname').value"),
        "Console download"
    );
    assert_eq!(
        app.js("return document.getElementById('add-keychain-row').hidden"),
        false
    );
    app.screenshot("add-preview");
    app.click("#add-confirm");
    app.wait_screen("screen-details");
    assert_eq!(dom(&app, "#details-title"), "Console download");
    assert!(app
        .text("#d-origin")
        .starts_with("Added to the list (made elsewhere): PKCS#12 file"));
    assert_eq!(dom(&app, "#d-signed-by"), "itself (self-signed)");
    assert!(dom(&app, "#d-file").ends_with("console.p12"));
    assert_eq!(
        app.js("return document.getElementById('d-test').hidden"),
        false
    );
    app.screenshot("add-details");

    // Home marks it as added.
    app.click("#details-back");
    app.wait_screen("screen-home");
    assert!(dom(&app, "#rows tr").contains("(added)"));

    // A server-only certificate: explained, added only when confirmed.
    app.answer_dialog(dir.join("server.pem").to_str().unwrap());
    app.click("#add-existing");
    app.wait_screen("screen-add");
    wait_preview(&app);
    assert!(app
        .text("#a-client-auth")
        .starts_with("No: it is meant for server authentication"));
    assert_eq!(
        app.js("return document.getElementById('add-keychain-row').hidden"),
        true
    );
    app.click("#add-confirm");
    shows(
        &app,
        "add-confirm-error",
        "not meant for client authentication",
    );
    app.screenshot("add-not-client-auth");
    let mut audit = a11y::Audit::new("add");
    audit.check(&app, "add, not meant for client authentication");
    app.click("#add-any-purpose");
    app.click("#add-confirm");
    app.wait_screen("screen-details");
    assert!(app
        .text("#d-origin")
        .contains("not meant for client authentication"));
    assert_eq!(
        app.js("return document.getElementById('d-test').hidden"),
        true,
        "no key, no test"
    );

    // A chain: which one? Then the one already listed is named.
    app.answer_dialog(dir.join("chain.pem").to_str().unwrap());
    app.click("#details-back");
    app.wait_screen("screen-home");
    app.click("#add-existing");
    app.wait_screen("screen-add");
    wait_preview(&app);
    assert_eq!(
        app.js("return document.getElementById('add-choices').hidden"),
        false
    );
    app.click("#add-confirm");
    shows(&app, "add-choice-error", "choose the one to add");
    audit.check(&app, "add, which one");
    audit.assert_clean();
    app.click("#add-choice-list label:nth-child(2) input");
    assert!(
        dom(&app, "#add-listed").contains("already in the list, as “web example com”"),
        "{}",
        dom(&app, "#add-listed")
    );
    app.click("#add-confirm");
    shows(&app, "add-error", "already in the list");
    app.click("#add-choice-list label:nth-child(1) input");
    app.js("document.getElementById('add-nickname').value = ''; return true");
    app.type_into("#add-nickname", "Other one");
    app.click("#add-confirm");
    app.wait_screen("screen-details");
    assert_eq!(dom(&app, "#details-title"), "Other one");

    assert_eq!(
        std::fs::read(&p12).unwrap(),
        before,
        "the file is never changed"
    );
}
