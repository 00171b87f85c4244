//! Hostile calls straight to every Tauri command, from the page of the real
//! window (as a script injected into it could make them): at least 200
//! hostile argument sets per command — wrong types, oversized and missing
//! values, unknown keys — and calls out of order. Every one is refused with
//! a short message that names the field (or says what must come first),
//! nothing is written, and the app keeps working. `leave`, which closes the
//! app by design, is called last.

#[path = "support/hostile.rs"]
mod hostile;
#[path = "support/secret_service.rs"]
mod secret_service;
#[path = "support/webdriver.rs"]
mod webdriver;

use serde_json::{json, Value};
use webdriver::App;

/// A command's arguments, each with a valid-looking value.
type Args<'a> = &'a [(&'a str, Value)];

/// A call, shortened for a failure message.
fn short(v: &Value) -> String {
    v.to_string().chars().take(160).collect()
}

fn message(e: &Value) -> String {
    e.get("message")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| e.to_string())
}

/// Asserts a refusal: a short message naming one of `names`.
fn refused(what: &str, result: &Result<Value, Value>, names: &[&str]) {
    let e = match result {
        Ok(v) => panic!("{what}: accepted, answered {}", short(v)),
        Err(e) => e,
    };
    let m = message(e);
    assert!(
        names.iter().any(|n| m.contains(n)),
        "{what}: the message names the field ({names:?}): {}",
        m.chars().take(300).collect::<String>()
    );
    assert!(
        m.len() < 1_000,
        "{what}: short, no echo of the input: {m:.300}"
    );
    assert!(!m.to_lowercase().contains("panic"), "{what}: {m}");
}

/// Hostile argument sets for a command whose arguments are `args` (each
/// with a valid-looking value): each argument replaced by every hostile
/// value, bare, in a list and in an object.
fn hostile_args(args: &[(&str, Value)]) -> Vec<Value> {
    let mut calls = Vec::new();
    for value in hostile::values() {
        for i in 0..args.len() {
            for wrapped in [
                value.clone(),
                json!([value.clone()]),
                json!({"value": value.clone()}),
            ] {
                let mut call = serde_json::Map::new();
                for (j, (other, valid)) in args.iter().enumerate() {
                    call.insert(
                        other.to_string(),
                        if i == j {
                            wrapped.clone()
                        } else {
                            valid.clone()
                        },
                    );
                }
                calls.push(Value::Object(call));
            }
        }
    }
    // Missing arguments.
    calls.push(json!({}));
    calls
}

#[test]
fn every_command_refuses_hostile_calls() {
    // No Secret Service: a hostile call that names a valid authority
    // cannot create one either (refused: no keychain).
    let bus = secret_service::Bus::start("hostile-window", secret_service::Keyring::None);
    let env: Vec<(&str, String)> = bus.env();
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let app = App::start("hostile-window", &pairs);
    let end = app.invoke("defaults", json!({})).unwrap()["endDate"].clone();

    // Commands with arguments: every hostile set refused, naming the field.
    let id = json!("00:11:22");
    // A fingerprint of the right shape that no listed certificate has.
    let unlisted = vec!["AB"; 32].join(":");
    let with_args: &[(&str, Args, &[&str])] = &[
        (
            "prepare_key",
            &[("keyType", json!("rsa-3072"))],
            &["Key type", "keyType"],
        ),
        (
            "details",
            &[("id", id.clone())],
            &["Certificate", "No certificate", "id"],
        ),
        (
            "replacement",
            &[("id", id.clone())],
            &["Certificate", "No certificate", "id"],
        ),
        (
            "copy_from_keychain",
            &[("id", id.clone())],
            &["Certificate", "No certificate", "id"],
        ),
        (
            "set_reminder_days",
            &[("days", json!(30))],
            &["Reminder window", "days"],
        ),
        (
            "confirm_saved",
            &[("saved", json!(true))],
            &["I have saved the password", "generate one first", "saved"],
        ),
        (
            "export",
            &[("format", json!("pem"))],
            &["Format", "format", "Download the certificate first"],
        ),
        (
            "copy_snippet",
            &[("id", json!("curl"))],
            &["Example", "id", "Download the certificate first"],
        ),
        (
            "export_listed",
            &[("id", id.clone()), ("format", json!("pem"))],
            &["Certificate", "No certificate", "Format", "format", "id"],
        ),
        (
            "remove",
            &[("id", id.clone()), ("alsoKeychain", json!(false))],
            &[
                "Certificate",
                "No certificate",
                "true or false",
                "alsoKeychain",
                "id",
            ],
        ),
        (
            "test_pending",
            &[
                ("url", json!("https://127.0.0.1:9/")),
                ("trustServer", Value::Null),
            ],
            &[
                "API address",
                "url",
                "Trust server fingerprint",
                "generate one first",
            ],
        ),
        (
            "test_listed",
            &[
                ("id", id.clone()),
                ("url", json!("https://127.0.0.1:9/")),
                ("password", Value::Null),
                ("trustServer", Value::Null),
            ],
            &[
                "Certificate",
                "No certificate",
                "API address",
                "Trust server fingerprint",
                "Password of the file",
                "id",
            ],
        ),
        (
            "add_open",
            &[("password", json!("pw"))],
            &["Password", "password", "choose a certificate file first"],
        ),
        (
            "add_confirm",
            &[
                ("nickname", json!("Added")),
                ("choice", Value::Null),
                ("keychain", json!(false)),
                ("anyPurpose", json!(false)),
            ],
            &[
                "Nickname",
                "Certificate",
                "true or false",
                "choose a certificate file first",
                "nickname",
            ],
        ),
        (
            "authority_create",
            &[
                ("name", json!("Hostile authority")),
                ("endDate", Value::Null),
            ],
            &[
                "Authority name",
                "Authority valid until",
                "The authority was not created",
                "authority_name",
                "endDate",
                "name",
            ],
        ),
        (
            "revoke",
            &[("id", id.clone()), ("reason", Value::Null)],
            &["Certificate", "No certificate", "Reason", "id", "reason"],
        ),
        (
            "authority_copy_setting",
            &[("server", json!("nginx"))],
            &["Server", "server"],
        ),
        (
            "authority_backup_save",
            &[("saved", json!(true))],
            &["I have saved the password", "no backup waiting", "saved"],
        ),
        (
            "authority_restore",
            &[("password", json!("pw"))],
            &[
                "Password of the backup",
                "Choose the backup file first",
                "password",
            ],
        ),
        // Requests to another CA: none waits, so every call is refused
        // (a nickname that is text is looked for and not found, before
        // any dialog opens).
        (
            "request_make",
            &[(
                "form",
                json!({"nickname": "Hostile request", "signedBy": "ca"}),
            )],
            &["Form", "form", "Nickname"],
        ),
        (
            "request_view",
            &[("nickname", json!("Nobody"))],
            &["Request", "No request named", "nickname"],
        ),
        (
            "request_copy",
            &[("nickname", json!("Nobody"))],
            &["Request", "No request named", "nickname"],
        ),
        (
            "request_save",
            &[("nickname", json!("Nobody"))],
            &["Request", "No request named", "nickname"],
        ),
        (
            "request_cancel",
            &[("nickname", json!("Nobody"))],
            &["Request", "No request named", "nickname"],
        ),
        (
            "request_copy_example",
            &[("nickname", json!("Nobody")), ("id", json!("vault"))],
            &["Request", "No request named", "Example", "nickname"],
        ),
        (
            "complete_open",
            &[("nickname", json!("Nobody"))],
            &["Request", "No request named", "nickname"],
        ),
        (
            "complete_paste",
            &[("nickname", json!("Nobody")), ("answer", json!("x"))],
            &["Request", "No request named", "Answer", "nickname"],
        ),
        // Where a certificate is used: the fields parsed first (each
        // refusal names its field), then the certificate, which is not
        // listed. Test all takes a channel; anything else is refused.
        (
            "integration_add",
            &[
                ("id", json!(unlisted)),
                ("name", json!("Nightly export")),
                ("url", json!("https://api.example.com/")),
                ("note", json!("app server 3")),
                ("trustServer", json!("")),
            ],
            &[
                "Certificate",
                "Integration name",
                "API address",
                "Note",
                "Trust server fingerprint",
                "No certificate with this fingerprint",
                "missing required key",
            ],
        ),
        (
            "integration_remove",
            &[("id", json!(unlisted)), ("name", json!("Nightly export"))],
            &[
                "Certificate",
                "Integration name",
                "No certificate with this fingerprint",
                "missing required key",
            ],
        ),
        (
            "integrations_test_all",
            &[("id", json!(unlisted)), ("password", json!("pw"))],
            &[
                "onEach",
                "Certificate",
                "Password of the file",
                "missing required key",
            ],
        ),
        (
            "integrations_cancel",
            &[("id", id.clone())],
            &["Certificate", "missing required key"],
        ),
    ];
    for (command, args, names) in with_args {
        let calls: Vec<Value> = hostile_args(args)
            .into_iter()
            // A whole number of days from 1 to 365 is a valid setting.
            .filter(|c| {
                !(*command == "set_reminder_days"
                    && c["days"].as_u64().is_some_and(|d| (1..=365).contains(&d)))
            })
            .collect();
        assert!(
            calls.len() >= 200,
            "{command}: {} hostile calls",
            calls.len()
        );
        println!("{command}: {} hostile calls refused", calls.len());
        for (call, result) in calls.iter().zip(app.invoke_all(command, &calls)) {
            refused(&format!("{command} {}", short(call)), &result, names);
        }
    }

    // The form: each field, the form itself, and unknown fields. `validate`
    // answers with the refusals; `generate` gets the same sets and must
    // refuse every one `validate` refused (one it accepts would make a
    // certificate: such a value is not hostile, and is left out).
    let valid_form = json!({"nickname": "Hostile check", "endDate": end});
    let fields = [
        "nickname",
        "endDate",
        "apiTokenEndDate",
        "encryption",
        "signatureHash",
        "keyType",
        "signedBy",
    ];
    let labels = [
        "Nickname",
        "End date",
        "API token end date",
        "Encryption",
        "Signature hash",
        "Key type",
        "Signed by",
        "form",
        "unknown field",
    ];
    let mut forms = Vec::new();
    for value in hostile::values() {
        forms.push(json!({"form": value.clone()}));
        for field in fields {
            let mut form = valid_form.clone();
            form[field] = value.clone();
            forms.push(json!({"form": form}));
        }
        let mut form = valid_form.clone();
        form["evil"] = value.clone();
        forms.push(json!({"form": form}));
    }
    forms.push(json!({}));
    let mut hostile_forms = Vec::new();
    for (call, result) in forms.iter().zip(app.invoke_all("validate", &forms)) {
        match result {
            Ok(Value::Array(errors)) if errors.is_empty() => {} // valid: not hostile
            Ok(Value::Array(errors)) => {
                for e in &errors {
                    assert!(
                        e["field"].is_string()
                            && e["message"]
                                .as_str()
                                .is_some_and(|m| m.len() > 5 && m.len() < 1_000),
                        "validate {}: {}",
                        short(call),
                        short(e)
                    );
                }
                hostile_forms.push(call.clone());
            }
            other => {
                refused(&format!("validate {}", short(call)), &other, &labels);
                hostile_forms.push(call.clone());
            }
        }
    }
    assert!(
        hostile_forms.len() >= 200,
        "{} hostile forms",
        hostile_forms.len()
    );
    println!(
        "validate and generate: {} hostile forms refused each",
        hostile_forms.len()
    );
    for (call, result) in hostile_forms
        .iter()
        .zip(app.invoke_all("generate", &hostile_forms))
    {
        refused(&format!("generate {}", short(call)), &result, &labels);
    }
    // Replace…: the certificate replaced, anything but a listed one's
    // fingerprint (null: none), refused before anything is made, by
    // `generate` and by a request to a CA alike.
    let replacing: Vec<Value> = hostile::values()
        .into_iter()
        .filter(|v| !v.is_null())
        .collect();
    for (command, form) in [
        ("generate", valid_form.clone()),
        (
            "request_make",
            json!({"nickname": "Hostile request", "signedBy": "ca"}),
        ),
    ] {
        let calls: Vec<Value> = replacing
            .iter()
            .map(|r| json!({"form": form, "replaces": r}))
            .collect();
        for (call, result) in calls.iter().zip(app.invoke_all(command, &calls)) {
            refused(
                &format!("{command} {}", short(call)),
                &result,
                &["Certificate"],
            );
        }
    }

    // Commands without arguments: hostile extra arguments change nothing;
    // out of order (nothing generated) they say what must come first.
    for command in [
        "defaults",
        "copy",
        "remember",
        "forget",
        "discard",
        "home",
        "settings",
        "download",
        "save_pem",
        "add_cancel",
        "authority_view",
        "authority_export",
        "authority_crl",
        "authority_backup_start",
        "authority_backup_copy",
        "authority_backup_cancel",
        "authority_remove",
    ] {
        let clean = app.invoke(command, json!({}));
        let mut calls = Vec::new();
        for value in hostile::values() {
            for key in ["x", "form", "id"] {
                calls.push(json!({ key: value.clone() }));
            }
        }
        assert!(calls.len() >= 200);
        println!(
            "{command}: {} calls with hostile extra arguments, answered as without",
            calls.len()
        );
        for (call, result) in calls.iter().zip(app.invoke_all(command, &calls)) {
            match (&clean, &result) {
                (Ok(_), Ok(_)) => {}
                (Err(a), Err(b)) => assert_eq!(message(a), message(b), "{command} {}", short(call)),
                _ => panic!(
                    "{command} {}: {result:?} where the clean call gave {clean:?}",
                    short(call)
                ),
            }
        }
        if let Err(e) = &clean {
            assert!(
                message(e).contains("generate one first") || message(e).contains("first"),
                "{command}: {e}"
            );
        }
    }

    // cancel_test: any text is an id with no test running (false); other
    // shapes are refused naming the certificate.
    let calls: Vec<Value> = hostile::values()
        .into_iter()
        .map(|v| json!({ "id": v }))
        .collect();
    for (call, result) in calls.iter().zip(app.invoke_all("cancel_test", &calls)) {
        match result {
            Ok(v) => {
                assert!(
                    call["id"].is_string() || call["id"].is_null(),
                    "{}",
                    short(call)
                );
                assert_eq!(v, json!(false), "{}", short(call));
            }
            Err(e) => refused(
                &format!("cancel_test {}", short(call)),
                &Err(e),
                &["Certificate"],
            ),
        }
    }

    // Out of order with a certificate waiting: a second one, an export
    // before the download.
    let ready = app.invoke("generate", json!({"form": valid_form})).unwrap();
    assert_eq!(ready["nickname"], "Hostile check");
    refused(
        "generate while one waits",
        &app.invoke(
            "generate",
            json!({"form": {"nickname": "Second", "endDate": end}}),
        ),
        &["waiting to be downloaded"],
    );
    refused(
        "export before the download",
        &app.invoke("export", json!({"format": "pem"})),
        &["Download the certificate first"],
    );
    app.invoke("discard", json!({})).unwrap();
    refused(
        "copy after discard",
        &app.invoke("copy", json!({})),
        &["generate one first"],
    );

    // Nothing written: no list, no settings, no file in the test's folder.
    app.assert_nothing_written();

    // Still working: a certificate can be made after all that.
    let ready = app
        .invoke(
            "generate",
            json!({"form": {"nickname": "Survivor", "endDate": end}}),
        )
        .unwrap();
    assert_eq!(ready["password"].as_str().map(str::len), Some(27));
    app.invoke("discard", json!({})).unwrap();

    // `leave` with hostile arguments still only closes the app.
    app.js_that_may_quit("window.__TAURI__.core.invoke('leave', {form: 'x'.repeat(100000)})");
    app.wait_window_gone();
}
