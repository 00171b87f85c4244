//! A certificate from another CA in the real window, with a real Secret
//! Service: the form's *Signed by: a certificate authority* makes a request
//! (no end date asked), saved through the save dialog and checked by
//! OpenSSL; Home lists it as waiting; an OpenSSL CA signs it; a hostile
//! paste and another key's certificate are refused on the Complete screen;
//! the real answer, pasted, leads to the same one-time screen as every
//! certificate, whose download ends the request and deletes its waiting
//! key; a second request is completed from its file (the open dialog) and
//! a third cancelled from Home. *Replace…* of the CA's certificate makes
//! a request that remembers it: once its answer is saved, the new
//! certificate has the old one's integration, to move. Commands called
//! straight with bad arguments are refused by name.

#[path = "support/secret_service.rs"]
mod secret_service;
#[path = "support/webdriver.rs"]
mod webdriver;

use std::path::Path;
use std::process::Command;

use serde_json::json;
use webdriver::App;

fn shows(app: &App, id: &str, words: &str) {
    app.wait(
        &format!("“{words}” in #{id}"),
        &format!("return document.getElementById('{id}').textContent.includes({words:?})"),
    );
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A root CA in `dir` (ca.crt, ca.key).
fn root_ca(dir: &Path) {
    std::fs::write(
        dir.join("ca.cnf"),
        "[v3_ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n",
    )
    .unwrap();
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.crt",
            "-subj",
            "/CN=Window Test CA",
            "-days",
            "30",
            "-config",
            "ca.cnf",
            "-extensions",
            "v3_ca",
        ],
    );
}

/// The CA signs `csr` into `out` (PEM), keeping the requested extensions.
fn sign(dir: &Path, csr: &str, out: &str) {
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            csr,
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-copy_extensions",
            "copyall",
            "-days",
            "20",
            "-out",
            out,
        ],
    );
}

/// Pastes `text` into the answer's box (as the clipboard would, control
/// characters and all) and submits it.
fn paste(app: &App, text: &str) {
    app.js_async_with(
        "const [text, done] = arguments; document.getElementById('complete-answer').value = text; document.getElementById('complete-paste').click(); done(true);",
        json!([text]),
    );
}

fn waiting_keys(bus: &secret_service::Bus) -> Vec<String> {
    bus.accounts()
        .into_iter()
        .filter(|a| a.starts_with("Request: "))
        .collect()
}

#[test]
fn a_request_made_and_completed_in_the_window() {
    let bus = secret_service::Bus::start("request-window", secret_service::Keyring::Unlocked);
    let env: Vec<(&str, String)> = bus.env();
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let app = App::start("request-window", &pairs);
    let files = app.dir.join("files");
    std::fs::create_dir_all(&files).unwrap();
    root_ca(&files);

    // The form: choosing another CA hides the dates and says why.
    app.click("#create");
    app.wait_screen("screen-form");
    app.type_into("#nickname", "Billing API");
    app.js("const s = document.getElementById('signed-by'); s.value = 'ca'; s.dispatchEvent(new Event('change'));");
    app.wait(
        "the dates hidden",
        "return document.getElementById('dates-row').hidden && !document.getElementById('ca-note').hidden",
    );
    assert_eq!(app.text("#generate"), "Make request file");
    app.screenshot("request-form");
    app.click("#generate");
    app.wait_screen("screen-request");
    shows(
        &app,
        "request-status",
        "Waiting for the CA's answer (since ",
    );
    shows(&app, "request-key", "keyring");
    for id in ["adcs", "vault", "step", "openssl"] {
        let present = app.js(&format!(
            "return Boolean(document.getElementById('destination-{id}'))"
        ));
        assert_eq!(present, json!(true), "{id}");
    }
    app.js("document.querySelectorAll('#request-destinations details').forEach((d) => { d.open = true; })");
    app.screenshot("request");
    assert_eq!(waiting_keys(&bus).len(), 1, "{:?}", bus.accounts());

    // Saved through the dialog, never over another file.
    let csr = files.join("billing.csr");
    app.answer_dialog(csr.to_str().unwrap());
    app.click("#request-save");
    shows(&app, "request-status-line", "Saved the request to");
    openssl(&files, &["req", "-in", "billing.csr", "-noout", "-verify"]);
    // Copy: the request's text, for a web form; a command's example.
    let request = std::fs::read_to_string(&csr).unwrap();
    let clip = || {
        let out = Command::new("xclip")
            .args(["-o", "-selection", "clipboard"])
            .env("DISPLAY", &app.display)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    app.click("#request-copy");
    shows(&app, "request-status-line", "Copied the request");
    assert_eq!(clip(), request);
    app.js("document.getElementById('request-status-line').textContent = ''");
    for (id, expected) in [
        ("web", request.clone()),
        (
            "step",
            "step ca sign \"Billing API.csr\" \"Billing API.cer\"".to_string(),
        ),
    ] {
        app.click(&format!("#destination-{id} .copy-snippet"));
        app.wait(
            "copied",
            &format!("return document.querySelector('#destination-{id} .status').textContent === 'Copied.'"),
        );
        assert_eq!(clip(), expected, "{id}");
    }
    app.answer_dialog(csr.to_str().unwrap());
    app.click("#request-save");
    shows(&app, "request-status-line", "not saved");

    // Home lists it as waiting.
    app.click("#request-back");
    app.wait_screen("screen-home");
    app.wait(
        "the waiting request",
        "return document.querySelector('#requests li[data-nickname=\"Billing API\"]') !== null",
    );
    let row = app.text("#requests li");
    assert!(row.contains("Waiting for the CA's answer (since"), "{row}");
    app.screenshot("home-waiting");

    // Complete: a hostile paste and another key's certificate are refused;
    // the request still waits.
    sign(&files, "billing.csr", "billing.crt");
    app.click("#requests li button.primary");
    app.wait_screen("screen-complete");
    paste(&app, "-----BEGIN CERTIFICATE-----\nnot base64\u{1b}[31m");
    shows(&app, "complete-answer-error", "damaged");
    let error = app.text("#complete-answer-error");
    assert!(!error.contains('\u{1b}'), "{error:?}");
    app.screenshot("complete-refused");
    paste(
        &app,
        &std::fs::read_to_string(files.join("ca.crt")).unwrap(),
    );
    shows(&app, "complete-answer-error", "is for the key waiting here");
    assert!(app.visible("screen-complete"));
    assert_eq!(waiting_keys(&bus).len(), 1);

    // The real answer, the CA's certificate first: the one-time screen.
    let answer = std::fs::read_to_string(files.join("ca.crt")).unwrap()
        + &std::fs::read_to_string(files.join("billing.crt")).unwrap();
    paste(&app, &answer);
    app.wait_screen("screen-ready");
    shows(&app, "ready-notices", "chain is complete");
    shows(&app, "ready-notices", "Window Test CA");
    let password = app.text("#password");
    assert!(password.len() >= 20, "{password}");
    app.screenshot("request-ready");
    app.tick_saved();
    let p12 = files.join("billing.p12");
    app.answer_dialog(p12.to_str().unwrap());
    app.click("#download");
    app.wait_screen("screen-done");
    openssl(
        &files,
        &[
            "pkcs12",
            "-in",
            "billing.p12",
            "-nokeys",
            "-passin",
            &format!("pass:{password}"),
            "-out",
            "from-p12.pem",
        ],
    );
    let certs = std::fs::read_to_string(files.join("from-p12.pem")).unwrap();
    assert_eq!(certs.matches("BEGIN CERTIFICATE").count(), 2, "{certs}");
    assert!(waiting_keys(&bus).is_empty(), "{:?}", bus.accounts());
    app.click("#to-home");
    app.wait_screen("screen-home");
    app.wait(
        "listed, not waiting",
        "return document.getElementById('requests-box').hidden && document.getElementById('rows').textContent.includes('Billing API')",
    );
    assert!(app.text("#rows").contains("Window Test CA"));

    // A second request, completed from its file through the open dialog.
    let made = app
        .invoke(
            "request_make",
            json!({"form": {"nickname": "Ledger", "signedBy": "ca", "keyType": "ecdsa-p256"}}),
        )
        .unwrap();
    assert_eq!(made["nickname"], "Ledger");
    app.answer_dialog(files.join("ledger.csr").to_str().unwrap());
    app.invoke("request_save", json!({"nickname": "Ledger"}))
        .unwrap();
    sign(&files, "ledger.csr", "ledger.crt");
    app.js_async("const done = arguments[0]; window.authcert.home.open().then(() => done(true));");
    app.wait_screen("screen-home");
    app.click("#requests li[data-nickname=\"Ledger\"] button.primary");
    app.wait_screen("screen-complete");
    app.answer_dialog(files.join("ledger.crt").to_str().unwrap());
    app.click("#complete-open");
    app.wait_screen("screen-ready");
    shows(
        &app,
        "ready-notices",
        "ask your CA for the intermediate certificate",
    );
    app.click("#close-ready");
    app.wait(
        "the question",
        "return document.getElementById('leave-dialog').open",
    );
    app.click("#leave-discard");
    app.wait_screen("screen-home");
    // Discarded before the download: the request still waits, its key too.
    assert_eq!(waiting_keys(&bus).len(), 1, "{:?}", bus.accounts());

    // Cancelled from Home, after the question.
    app.wait(
        "Ledger waiting",
        "return document.querySelector('#requests li[data-nickname=\"Ledger\"]') !== null",
    );
    app.click("#requests li[data-nickname=\"Ledger\"] button.danger");
    app.wait(
        "the question",
        "return document.getElementById('cancel-request-dialog').open",
    );
    app.screenshot("cancel-request");
    app.click("#cancel-request-confirm");
    app.wait(
        "no request waits",
        "return document.getElementById('requests-box').hidden",
    );
    assert!(waiting_keys(&bus).is_empty(), "{:?}", bus.accounts());

    // Replace… of the CA's certificate: a new request that remembers what
    // it replaces; once its answer is saved, the new certificate has the
    // old one's integration, to move.
    let home = app.invoke("home", json!({})).unwrap();
    let old_id = home["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["nickname"] == "Billing API")
        .unwrap()["id"]
        .clone();
    app.invoke(
        "integration_add",
        json!({"id": old_id, "name": "Nightly export", "url": "https://api.example.com/export", "note": null}),
    )
    .unwrap();
    app.js_async_with(
        "const done = arguments[arguments.length - 1]; window.authcert.details.open(arguments[0]).then(() => done(true));",
        json!([old_id]),
    );
    app.wait_screen("screen-details");
    app.click("#d-replace");
    app.wait_screen("screen-form");
    shows(&app, "replace-note", "Its integration comes along");
    app.click("#generate");
    app.wait_screen("screen-request");
    let nickname = app
        .js("return document.getElementById('nickname').value")
        .as_str()
        .unwrap()
        .to_string();
    app.answer_dialog(files.join("replacement.csr").to_str().unwrap());
    app.invoke("request_save", json!({"nickname": nickname}))
        .unwrap();
    sign(&files, "replacement.csr", "replacement.crt");
    app.js_async("const done = arguments[0]; window.authcert.home.open().then(() => done(true));");
    app.wait_screen("screen-home");
    app.click(&format!(
        "#requests li[data-nickname={}] button.primary",
        json!(nickname)
    ));
    app.wait_screen("screen-complete");
    paste(
        &app,
        &(std::fs::read_to_string(files.join("ca.crt")).unwrap()
            + &std::fs::read_to_string(files.join("replacement.crt")).unwrap()),
    );
    app.wait_screen("screen-ready");
    app.tick_saved();
    app.answer_dialog(files.join("replacement.p12").to_str().unwrap());
    app.click("#download");
    app.wait_screen("screen-done");
    let home = app.invoke("home", json!({})).unwrap();
    let new_id = home["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["nickname"] == nickname.as_str())
        .unwrap()["id"]
        .clone();
    let details = app.invoke("details", json!({"id": new_id})).unwrap();
    let moving = &details["integrations"][0];
    assert_eq!(moving["name"], "Nightly export", "{details:#}");
    assert!(
        moving["moveText"]
            .as_str()
            .unwrap_or_default()
            .contains("o move"),
        "{moving:#}"
    );
    assert!(
        details["movingText"]
            .as_str()
            .unwrap_or_default()
            .contains("replaces “Billing API”"),
        "{details:#}"
    );

    // Straight calls with bad arguments: refused by name, nothing made.
    for (command, args, words) in [
        (
            "request_make",
            json!({"form": {"nickname": "a/b", "signedBy": "ca"}}),
            "Nickname",
        ),
        (
            "generate",
            json!({"form": {"nickname": "Direct", "endDate": "2099-01-01", "signedBy": "ca"}}),
            "request file",
        ),
        (
            "complete_paste",
            json!({"nickname": "Nobody", "answer": "x"}),
            "No request named",
        ),
        (
            "complete_paste",
            json!({"nickname": "Billing API", "answer": 5}),
            "Answer: paste",
        ),
        (
            "complete_paste",
            json!({"nickname": "Nobody", "answer": "A".repeat(2 * 1024 * 1024)}),
            "larger than",
        ),
        ("request_cancel", json!({"nickname": ["x"]}), "Request"),
        (
            "request_view",
            json!({"nickname": "Nobody\u{1b}[2J"}),
            "No request named",
        ),
        (
            "request_copy_example",
            json!({"nickname": "Nobody", "id": "x".repeat(100)}),
            "Example",
        ),
    ] {
        let e = app.invoke(command, args).expect_err(command);
        let message = e["message"].as_str().unwrap_or_default();
        assert!(message.contains(words), "{command}: {e}");
        assert!(!message.contains('\u{1b}'), "{command}: {message:?}");
    }
    assert!(waiting_keys(&bus).is_empty(), "{:?}", bus.accounts());
}
