//! Faults in the real window: *Generate* double-clicked, the window closed
//! while a key is being made, and the chosen folder gone by the time the
//! file is written.

#[path = "support/webdriver.rs"]
mod webdriver;

use serde_json::json;
use webdriver::App;

fn open_form(app: &App) {
    app.wait_screen("screen-home");
    app.click("#create");
    app.wait_screen("screen-form");
}

#[test]
fn generate_double_clicked_makes_one_certificate() {
    let app = App::start("fault-double-click", &[]);
    open_form(&app);
    app.type_into("#nickname", "Double click");
    // Two clicks in the same task, as a fast double click delivers them.
    app.js("const b = document.getElementById('generate'); b.click(); b.click();");
    app.wait_screen("screen-ready");
    assert_eq!(app.text("#password").len(), 27);
    assert!(app.invoke("discard", json!({})).is_ok());

    // Straight to the command, twice at once: one certificate, one refusal.
    let end = app.invoke("defaults", json!({})).unwrap()["endDate"].clone();
    let both = app.js_async(&format!(
        "const done = arguments[arguments.length - 1];
         const form = {{form: {{nickname: 'Twice', endDate: '{}', keyType: 'rsa-4096'}}}};
         Promise.allSettled([
           window.__TAURI__.core.invoke('generate', form),
           window.__TAURI__.core.invoke('generate', form),
         ]).then(r => done(r.map(x => x.status === 'fulfilled' ? 'ok' : x.reason.message)));",
        end.as_str().unwrap()
    ));
    let both: Vec<String> = serde_json::from_value(both).unwrap();
    assert_eq!(both.iter().filter(|r| *r == "ok").count(), 1, "{both:?}");
    assert!(
        both.iter().any(
            |r| r.contains("already being generated") || r.contains("waiting to be downloaded")
        ),
        "{both:?}"
    );
    app.invoke("discard", json!({})).unwrap();
    app.assert_nothing_written();
}

#[test]
fn the_window_closed_while_a_key_is_made_asks_then_quits_cleanly() {
    let app = App::start("fault-close-generating", &[]);
    open_form(&app);
    let end = app.invoke("defaults", json!({})).unwrap()["endDate"].clone();
    // RSA 4096 with no key made ahead for it: the generation takes a while.
    app.js(&format!(
        "window.__TAURI__.core.invoke('generate', {{form: {{nickname: 'Closing', endDate: '{}', keyType: 'rsa-4096'}}}});",
        end.as_str().unwrap()
    ));
    app.ask_window_to_close();
    app.wait(
        "the question",
        "return document.getElementById('leave-dialog').open",
    );
    app.js_that_may_quit(
        "setTimeout(() => document.getElementById('leave-discard').click()); return true",
    );
    app.wait_window_gone();
    app.assert_nothing_written();
}

#[test]
fn a_folder_gone_before_the_write_loses_nothing() {
    let app = App::start("fault-folder-gone", &[]);
    open_form(&app);
    app.type_into("#nickname", "Folder gone");
    app.type_into("#nickname", webdriver::ENTER);
    app.wait_screen("screen-ready");
    let password = app.text("#password");
    app.tick_saved();

    // The folder chosen in the dialog no longer exists when the file is written.
    let gone = app.dir.join("gone");
    std::fs::create_dir(&gone).unwrap();
    std::fs::remove_dir(&gone).unwrap();
    app.answer_dialog(gone.join("Folder gone.p12").to_str().unwrap());
    let e = app.invoke("download", json!({})).unwrap_err();
    let m = e["message"].as_str().unwrap();
    assert!(m.contains("not saved") && m.contains("still here"), "{m}");
    assert!(!gone.exists());

    // The certificate is still there: downloaded to a folder that exists.
    let target = app.dir.join("Folder gone.p12");
    app.answer_dialog(target.to_str().unwrap());
    app.click("#download");
    app.wait_screen("screen-done");
    let ok = std::process::Command::new("openssl")
        .args(["pkcs12", "-noout", "-passin"])
        .arg(format!("pass:{password}"))
        .arg("-in")
        .arg(&target)
        .status()
        .unwrap();
    assert!(
        ok.success(),
        "the file opens with the password shown before the failure"
    );
}
