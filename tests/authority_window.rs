//! The issuing authority in the real window, on a real Secret Service:
//! create it (a refused name first), export its certificate and copy a
//! server's settings, sign a certificate from the form, see who signed it
//! on Home and in details, revoke it, export the new revocation list (the
//! reminder says so until then), back it up behind "I have saved the
//! password", remove it and restore it from the backup. Hostile calls to
//! the new commands are refused with the field named. Screenshots under
//! target/screenshots/.

#[path = "support/secret_service.rs"]
mod secret_service;
#[path = "support/webdriver.rs"]
mod webdriver;

use std::process::Command;

use serde_json::json;
use webdriver::{App, ENTER};

fn shows(app: &App, id: &str, words: &str) {
    app.wait(
        &format!("“{words}” in #{id}"),
        &format!("return document.getElementById('{id}').textContent.includes({words:?})"),
    );
}

fn dom(app: &App, id: &str) -> String {
    app.js(&format!(
        "return document.getElementById('{id}').textContent"
    ))
    .as_str()
    .unwrap_or_default()
    .to_string()
}

fn openssl(args: &[&str]) -> String {
    let out = Command::new("openssl").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn error_of(r: Result<serde_json::Value, serde_json::Value>) -> serde_json::Value {
    r.expect_err("refused")
}

#[test]
fn the_issuing_authority_in_the_window() {
    let bus = secret_service::Bus::start("authority-window", secret_service::Keyring::Unlocked);
    let env: Vec<(&str, String)> = bus.env();
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let app = App::start("authority-window", &pairs);
    let files = app.dir.join("files");
    std::fs::create_dir_all(&files).unwrap();

    // Create: a refused name first, named next to its field.
    app.click("#open-authority");
    app.wait_screen("screen-authority");
    assert!(dom(&app, "authority-intro").contains("Your server trusts the authority once"));
    app.screenshot("1-none");
    app.type_into("#authority-name", "a/b");
    app.type_into("#authority-name", ENTER);
    shows(&app, "authority-name-error", "only letters");
    assert_eq!(
        app.js("return document.activeElement.id"),
        json!("authority-name")
    );
    app.js("document.getElementById('authority-name').value = ''");
    app.type_into("#authority-name", "Window Authority");
    app.click("#authority-create");
    app.wait(
        "the authority",
        "return !document.getElementById('authority-exists').hidden",
    );
    assert_eq!(dom(&app, "au-name"), "Window Authority");
    assert!(dom(&app, "au-key").contains("account “Authority: Window Authority ("));
    // accounts(), not entries(): the key is binary, and a newline in it
    // can cut secret-tool's listing of the entry in two.
    assert!(bus
        .accounts()
        .iter()
        .any(|a| a.starts_with("Authority: Window Authority (")));
    app.screenshot("2-created");

    // Export for the server, and one server's settings copied.
    let ca = files.join("authority.pem");
    app.answer_dialog(ca.to_str().unwrap());
    app.click("#authority-export");
    shows(&app, "authority-status", "Saved");
    assert!(
        openssl(&["x509", "-in", ca.to_str().unwrap(), "-noout", "-subject"])
            .contains("Window Authority")
    );
    app.js("document.querySelector('#authority-settings details').open = true");
    app.click("#authority-settings .copy-snippet");
    app.wait(
        "copied",
        "return document.querySelector('#authority-settings .status').textContent === 'Copied.'",
    );

    // A certificate signed by it, from the form (the authority is the
    // recommended signer once it exists).
    app.click("#authority-back");
    app.wait_screen("screen-home");
    app.click("#create");
    app.wait_screen("screen-form");
    assert_eq!(
        app.js("return document.getElementById('signed-by').value"),
        json!("authority")
    );
    assert!(dom(&app, "signed-by-hint").contains("Signed by “Window Authority”"));
    app.screenshot("3-form");
    app.type_into("#nickname", "Signed in window");
    app.type_into("#nickname", ENTER);
    app.wait_screen("screen-ready");
    let password = app.text("#password");
    app.tick_saved();
    let p12 = files.join("signed.p12");
    app.answer_dialog(p12.to_str().unwrap());
    app.click("#download");
    app.wait_screen("screen-done");
    let chain = openssl(&[
        "pkcs12",
        "-in",
        p12.to_str().unwrap(),
        "-nokeys",
        "-passin",
        &format!("pass:{password}"),
    ]);
    assert_eq!(chain.matches("BEGIN CERTIFICATE").count(), 2, "{chain}");
    let leaf = files.join("leaf.pem");
    std::fs::write(&leaf, &chain).unwrap();
    let verified = Command::new("openssl")
        .args([
            "verify",
            "-CAfile",
            ca.to_str().unwrap(),
            leaf.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&verified.stdout).contains(": OK"));

    // Home and details say who signed it.
    app.click("#to-home");
    app.wait_screen("screen-home");
    app.wait("the row", "return document.querySelector('#rows tr td:nth-child(4)').textContent === 'Window Authority'");
    app.click("#rows button.link");
    app.wait_screen("screen-details");
    assert!(dom(&app, "d-signed-by")
        .contains("Window Authority (the issuing authority on this computer)"));
    assert!(dom(&app, "d-replacement").contains("with no change"));
    assert_eq!(
        app.js("return document.getElementById('d-revoke').hidden"),
        json!(false)
    );

    // Revoke, asked first, with a reason.
    app.click("#d-revoke");
    app.wait(
        "the question",
        "return document.getElementById('revoke-dialog').open",
    );
    app.screenshot("4-revoke");
    app.js("document.getElementById('revoke-reason').value = 'key-compromise'");
    app.click("#revoke-confirm");
    app.wait(
        "revoked",
        "return !document.getElementById('d-revoked').hidden",
    );
    assert!(dom(&app, "details-status").starts_with("revoked on"));
    assert!(dom(&app, "d-revoked").contains("its file or password may have been exposed"));
    assert_eq!(
        app.js("return document.getElementById('d-revoke').hidden"),
        json!(true)
    );
    app.screenshot("5-revoked");

    // Home reminds to export the new list, until it is exported.
    app.click("#details-back");
    app.wait_screen("screen-home");
    shows(
        &app,
        "authority-reminder-text",
        "revoked, but no revocation list has been exported yet",
    );
    app.screenshot("6-reminder");
    app.click("#authority-reminder-open");
    app.wait_screen("screen-authority");
    let crl = files.join("crl.pem");
    app.answer_dialog(crl.to_str().unwrap());
    app.click("#authority-crl");
    shows(&app, "authority-status", "(1 revoked)");
    shows(&app, "au-crl", "servers accept it until");
    let listed = openssl(&["crl", "-in", crl.to_str().unwrap(), "-noout", "-text"]);
    assert!(listed.contains("Key Compromise"), "{listed}");
    app.click("#authority-back");
    app.wait_screen("screen-home");
    app.wait(
        "no reminder",
        "return document.getElementById('authority-reminder').hidden",
    );

    // Back up: the password once, saved only after the tick.
    app.click("#open-authority");
    app.wait_screen("screen-authority");
    app.click("#authority-backup");
    app.wait(
        "the backup dialog",
        "return document.getElementById('backup-dialog').open",
    );
    app.click("#backup-make");
    app.wait(
        "the password",
        "return document.getElementById('backup-password').textContent.length > 0",
    );
    let backup_password = dom(&app, "backup-password");
    assert_eq!(
        app.js("return document.getElementById('backup-save').disabled"),
        json!(true)
    );
    let refused = error_of(app.invoke("authority_backup_save", json!({"saved": false})));
    assert_eq!(refused["field"], "saved");
    app.screenshot("7-backup");
    app.click("#backup-saved");
    // A cancelled save dialog keeps the backup waiting.
    app.answer_dialog("cancel");
    app.click("#backup-save");
    shows(&app, "backup-status", "It is still here");
    assert_eq!(
        app.js("return document.getElementById('backup-dialog').open"),
        json!(true)
    );
    let backup = files.join("backup.p12");
    app.answer_dialog(backup.to_str().unwrap());
    app.click("#backup-save");
    app.wait(
        "saved",
        "return !document.getElementById('backup-dialog').open",
    );
    shows(&app, "authority-status", "Saved the backup");
    assert_eq!(
        dom(&app, "backup-password"),
        "",
        "the password left the page"
    );
    openssl(&[
        "pkcs12",
        "-in",
        backup.to_str().unwrap(),
        "-noout",
        "-passin",
        &format!("pass:{backup_password}"),
    ]);

    // Remove, asked first; then restore from the backup.
    app.click("#authority-remove");
    app.wait(
        "the question",
        "return document.getElementById('authority-remove-dialog').open",
    );
    assert!(dom(&app, "authority-remove-text").contains("keep working until they expire"));
    app.click("#authority-remove-confirm");
    app.wait(
        "removed",
        "return !document.getElementById('authority-none').hidden",
    );
    assert!(bus.accounts().iter().all(|a| !a.starts_with("Authority: ")));
    app.answer_dialog(backup.to_str().unwrap());
    app.click("#authority-restore");
    app.wait(
        "the password field",
        "return !document.getElementById('restore-form').hidden",
    );
    app.type_into("#restore-password", "wrong");
    app.type_into("#restore-password", ENTER);
    shows(
        &app,
        "restore-password-error",
        "The password of the backup is wrong",
    );
    assert_eq!(
        app.js("return document.activeElement.id"),
        json!("restore-password")
    );
    assert_eq!(
        app.js("return document.getElementById('restore-password').value"),
        json!("")
    );
    app.type_into("#restore-password", &backup_password);
    app.type_into("#restore-password", ENTER);
    app.wait(
        "restored",
        "return !document.getElementById('authority-exists').hidden",
    );
    assert!(dom(&app, "au-origin").starts_with("Restored from the backup"));
    app.screenshot("8-restored");

    // The revoked certificate's replacement is signed by it again.
    let home = app.invoke("home", json!({})).unwrap();
    let id = home["certificates"][0]["id"].as_str().unwrap().to_string();
    let prefill = app.invoke("replacement", json!({"id": id})).unwrap();
    assert_eq!(prefill["signedBy"], "authority");

    // Hostile calls: refused, the field named, nothing changed.
    let e = error_of(app.invoke("authority_create", json!({"name": 5, "endDate": {}})));
    assert_eq!(e["field"], "authority_name", "{e}");
    let e = error_of(app.invoke(
        "authority_create",
        json!({"name": "Second", "endDate": null}),
    ));
    assert!(
        e["message"].as_str().unwrap().contains("already exists"),
        "{e}"
    );
    let e = error_of(app.invoke("revoke", json!({"id": id, "reason": "stolen"})));
    assert_eq!(e["field"], "reason", "{e}");
    let e = error_of(app.invoke("revoke", json!({"id": "nope", "reason": null})));
    assert_eq!(e["field"], "id", "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("SHA-256 fingerprint"),
        "{e}"
    );
    let unknown = ["00"; 32].join(":");
    let e = error_of(app.invoke("revoke", json!({"id": unknown, "reason": null})));
    assert!(
        e["message"].as_str().unwrap().contains("No certificate"),
        "{e}"
    );
    let e = error_of(app.invoke("authority_copy_setting", json!({"server": "IIS"})));
    assert_eq!(e["field"], "server", "{e}");
    let e = error_of(app.invoke("authority_restore", json!({"password": "x"})));
    assert_eq!(e["field"], "password", "{e}");
    let e = error_of(app.invoke("authority_backup_copy", json!({})));
    assert!(
        e["message"].as_str().unwrap().contains("no backup waiting"),
        "{e}"
    );
    let e = error_of(app.invoke("authority_backup_save", json!({"saved": "yes"})));
    assert_eq!(e["field"], "saved", "{e}");
    assert!(app.visible("screen-authority"));

    // A damaged authority file is said plainly and left alone; the form
    // still makes self-signed certificates.
    let file = app
        .dir
        .join("home/.local/share")
        .join(authcert_core::store::APP_FOLDER)
        .join("authority.json");
    std::fs::write(&file, b"{damaged").unwrap();
    app.click("#authority-back");
    app.wait_screen("screen-home");
    app.click("#open-authority");
    app.wait_screen("screen-authority");
    shows(&app, "authority-problem", "is damaged");
    assert_eq!(
        app.js("return document.getElementById('authority-none').hidden && document.getElementById('authority-exists').hidden"),
        json!(true)
    );
    app.click("#authority-back");
    app.wait_screen("screen-home");
    app.click("#create");
    app.wait_screen("screen-form");
    assert_eq!(
        app.js("return [...document.getElementById('signed-by').options].map(o => o.value)"),
        json!(["self-signed", "ca"]),
        "no authority to sign with; another CA's request stays possible"
    );
    shows(&app, "signed-by-hint", "is damaged");
    assert_eq!(std::fs::read(&file).unwrap(), b"{damaged");
}
