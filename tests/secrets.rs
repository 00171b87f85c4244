//! After full runs of the window and the command line, no password and no
//! unencrypted key is left anywhere the app writes: its data folder, the
//! WebView's storage and caches (all under the test's HOME), configuration
//! and state folders (where logs go), the temporary folder, and the files it
//! saved. Each run has a HOME and a TMPDIR of its own, scanned byte by byte.

mod common;
#[path = "support/secret_service.rs"]
mod secret_service;
#[path = "support/webdriver.rs"]
mod webdriver;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::json;
use webdriver::App;

/// Every file under `dir`.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut all = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return all;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            all.extend(files(&path));
        } else if kind.is_file() {
            all.push(path);
        }
    }
    all
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// What must never be found: each password (UTF-8 and UTF-16, as a WebView
/// would keep it) and each key (PKCS#8 DER, and a line of its PEM).
fn needles(passwords: &[String], keys: &[Vec<u8>]) -> Vec<(String, Vec<u8>)> {
    let mut all = Vec::new();
    for (i, p) in passwords.iter().enumerate() {
        all.push((format!("password {i}"), p.as_bytes().to_vec()));
        let utf16: Vec<u8> = p.encode_utf16().flat_map(u16::to_le_bytes).collect();
        all.push((format!("password {i} (UTF-16)"), utf16));
    }
    for (i, der) in keys.iter().enumerate() {
        all.push((format!("key {i} (DER)"), der.clone()));
        // A 48-byte slice from the middle: enough to find a copy of the key
        // that lost its header.
        all.push((
            format!("key {i} (DER, middle)"),
            der[der.len() / 2..der.len() / 2 + 48].to_vec(),
        ));
        use base64::Engine;
        let b64 = base64::engine::general_purpose::STANDARD.encode(der);
        all.push((
            format!("key {i} (PEM line)"),
            b64.as_bytes()[64..128].to_vec(),
        ));
    }
    all
}

/// The key inside a `.p12`, as PKCS#8 DER (through OpenSSL).
fn key_der(p12: &Path, password: &str) -> Vec<u8> {
    let pem = Command::new("openssl")
        .args(["pkcs12", "-nocerts", "-noenc", "-passin"])
        .arg(format!("pass:{password}"))
        .arg("-in")
        .arg(p12)
        .output()
        .unwrap();
    assert!(
        pem.status.success(),
        "{}",
        String::from_utf8_lossy(&pem.stderr)
    );
    let mut child = Command::new("openssl")
        .args(["pkey", "-outform", "DER"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(&pem.stdout).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success() && out.stdout.len() > 100);
    out.stdout
}

/// Scans every file under `roots`; returns what was found where.
fn scan(roots: &[PathBuf], needles: &[(String, Vec<u8>)]) -> (usize, Vec<String>) {
    let mut scanned = 0;
    let mut hits = Vec::new();
    for root in roots {
        for file in files(root) {
            let Ok(bytes) = std::fs::read(&file) else {
                continue;
            };
            scanned += 1;
            for (what, needle) in needles {
                if contains(&bytes, needle) {
                    hits.push(format!("{what} in {}", file.display()));
                }
            }
        }
    }
    (scanned, hits)
}

#[test]
fn no_password_or_key_is_left_behind() {
    if common::skip_on_windows("the window cannot run under Wine (WebView2's runtime is not installable offline); the command-line scans run there") {
        return;
    }
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR")).join("secrets-tmp");
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).unwrap();
    let app = App::start("secrets", &[("TMPDIR", tmp.to_str().unwrap())]);
    let end = app.invoke("defaults", json!({})).unwrap()["endDate"].clone();
    let (mut passwords, mut keys) = (Vec::new(), Vec::new());

    // The window: a certificate made, copied, downloaded and exported...
    app.wait_screen("screen-home");
    app.click("#create");
    app.wait_screen("screen-form");
    app.type_into("#nickname", "Secret scan");
    app.type_into("#nickname", webdriver::ENTER);
    app.wait_screen("screen-ready");
    let password = app.text("#password");
    app.click("#copy");
    app.tick_saved();
    let saved = app.dir.join("Secret scan.p12");
    app.answer_dialog(saved.to_str().unwrap());
    app.click("#download");
    app.wait_screen("screen-done");
    keys.push(key_der(&saved, &password));
    passwords.push(password);
    let pem = app.dir.join("public.pem");
    app.answer_dialog(pem.to_str().unwrap());
    app.click("#export-pem");
    app.wait(
        "the export",
        "return document.getElementById('export-status').textContent.startsWith('Saved')",
    );
    // ...a second one made with another key type and discarded, a third
    // whose download was cancelled before it was discarded.
    for (nickname, key) in [("Discarded", "ecdsa-p256"), ("Cancelled", "rsa-2048")] {
        let ready = app
            .invoke(
                "generate",
                json!({"form": {"nickname": nickname, "endDate": end, "keyType": key}}),
            )
            .unwrap();
        passwords.push(ready["password"].as_str().unwrap().to_string());
        if nickname == "Cancelled" {
            app.answer_dialog("cancel");
            assert!(app.invoke("download", json!({})).is_err());
        }
        app.invoke("discard", json!({})).unwrap();
    }
    // A certificate made elsewhere: added with its password typed, then
    // tested with the password typed again (against a closed port).
    let import_password = format!(
        "imported-{}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    let work = tempfile::tempdir().unwrap();
    let out = Command::new("bash")
        .args(["-euo", "pipefail", "-c"])
        .arg(format!(
            "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj '/CN=Made elsewhere' \
               -days 30 -keyout k.pem -out c.pem 2>/dev/null
             openssl pkcs12 -export -inkey k.pem -in c.pem -passout 'pass:{import_password}' -out imported.p12"
        ))
        .current_dir(work.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let imported = app.dir.join("imported.p12");
    std::fs::copy(work.path().join("imported.p12"), &imported).unwrap();
    drop(work);
    keys.push(key_der(&imported, &import_password));
    passwords.push(import_password.clone());
    app.js_async("const done = arguments[0]; window.authcert.home.open().then(() => done(true));");
    app.answer_dialog(imported.to_str().unwrap());
    app.click("#add-existing");
    app.wait_screen("screen-add");
    app.type_into("#add-password", &import_password);
    app.click("#add-open");
    app.wait(
        "the preview",
        "return !document.getElementById('add-preview').hidden",
    );
    app.click("#add-confirm");
    app.wait_screen("screen-details");
    app.click("#d-test");
    app.type_into("#test-password", &import_password);
    app.type_into("#test-url", "https://127.0.0.1:1/");
    app.click("#test-run");
    app.wait(
        "the verdict",
        "return !document.getElementById('test-result').hidden",
    );
    assert!(app.text("#test-headline").starts_with("Unreachable"));
    app.click("#test-close");

    app.js_that_may_quit("window.__TAURI__.core.invoke('leave')");
    app.wait_window_gone();

    // The command line, with the same HOME and TMPDIR.
    let home = app.dir.join("home");
    let cli_out = app.dir.join("cli.p12");
    let out = Command::new(env!("CARGO_BIN_EXE_authcert"))
        .args(["generate", "--nickname", "Secret scan CLI", "--end-date"])
        .arg(end.as_str().unwrap())
        .arg("--out")
        .arg(&cli_out)
        .env("HOME", &home)
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("TMPDIR", &tmp)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let password = String::from_utf8(out.stdout).unwrap().trim().to_string();
    keys.push(key_der(&cli_out, &password));
    passwords.push(password);
    assert!(!contains(&out.stderr, passwords.last().unwrap().as_bytes()));
    // The command line's test and add, the password on standard input.
    for args in [
        vec![
            "test",
            "https://127.0.0.1:1/",
            "--p12",
            imported.to_str().unwrap(),
            "--password-stdin",
        ],
        vec![
            "add",
            imported.to_str().unwrap(),
            "--password-stdin",
            "--nickname",
            "Again",
        ],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_authcert"))
            .args(&args)
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("XDG_CACHE_HOME", home.join(".cache"))
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("TMPDIR", &tmp)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        writeln!(child.stdin.take().unwrap(), "{import_password}").unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            matches!(out.status.code(), Some(2 | 7)),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!contains(&out.stdout, import_password.as_bytes()));
        assert!(!contains(&out.stderr, import_password.as_bytes()));
    }

    // The scan: the app's data folder (the list, settings, WebKit's storage
    // and caches), the rest of HOME, TMPDIR and the saved files themselves.
    let needles = needles(&passwords, &keys);
    let (scanned, hits) = scan(&[app.dir.clone(), tmp.clone()], &needles);
    let webkit = files(&home)
        .iter()
        .filter(|f| {
            let s = f.display().to_string();
            s.contains("WebKit") || s.contains("storage") || s.contains("hsts")
        })
        .count();
    assert!(webkit > 0, "the WebView's storage was scanned too");
    assert!(scanned > 5, "{scanned} files scanned");
    assert!(hits.is_empty(), "secrets left behind: {hits:#?}");

    // The scan itself finds what it looks for (it cannot pass by looking
    // at nothing): a file holding a password and a key is reported.
    let planted = tmp.join("planted");
    std::fs::write(&planted, [passwords[0].as_bytes(), &keys[0]].concat()).unwrap();
    let (_, hits) = scan(std::slice::from_ref(&tmp), &needles);
    assert!(
        hits.iter().any(|h| h.starts_with("password 0 in")),
        "{hits:?}"
    );
    assert!(
        hits.iter().any(|h| h.starts_with("key 0 (DER) in")),
        "{hits:?}"
    );
}

/// The issuing authority's private key is found nowhere but in the keychain
/// (a real GNOME Keyring on a private bus) after the window and the command
/// line created it, signed with it, revoked, exported a revocation list,
/// backed it up, removed it and restored it; nor is a backup's password.
#[test]
fn the_authoritys_key_is_nowhere_but_in_the_keychain() {
    if common::skip_on_windows("the window cannot run under Wine (WebView2's runtime is not installable offline); the command-line scans run there") {
        return;
    }
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR")).join("secrets-authority-tmp");
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).unwrap();
    let bus = secret_service::Bus::start("secrets-authority", secret_service::Keyring::Unlocked);
    let mut env: Vec<(&str, String)> = bus.env();
    env.push(("TMPDIR", tmp.display().to_string()));
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let app = App::start("secrets-authority", &pairs);
    let end = app.invoke("defaults", json!({})).unwrap()["endDate"].clone();
    let (mut passwords, mut keys) = (Vec::new(), Vec::new());

    // The window: create, sign and download, revoke, export the list, back up.
    app.invoke(
        "authority_create",
        json!({"name": "Scan authority", "endDate": null}),
    )
    .unwrap();
    let ready = app
        .invoke(
            "generate",
            json!({"form": {"nickname": "Signed scan", "endDate": end, "signedBy": "authority"}}),
        )
        .unwrap();
    let password = ready["password"].as_str().unwrap().to_string();
    app.invoke("confirm_saved", json!({"saved": true})).unwrap();
    let signed = app.dir.join("signed.p12");
    app.answer_dialog(signed.to_str().unwrap());
    app.invoke("download", json!({})).unwrap();
    keys.push(key_der(&signed, &password));
    passwords.push(password);
    let home = app.invoke("home", json!({})).unwrap();
    let id = home["certificates"][0]["id"].clone();
    app.invoke("revoke", json!({"id": id, "reason": null}))
        .unwrap();
    app.answer_dialog(app.dir.join("crl.pem").to_str().unwrap());
    app.invoke("authority_crl", json!({})).unwrap();
    let backup = app.invoke("authority_backup_start", json!({})).unwrap();
    let backup_password = backup["password"].as_str().unwrap().to_string();
    app.invoke("authority_backup_copy", json!({})).unwrap();
    let backup_file = app.dir.join("authority-backup.p12");
    app.answer_dialog(backup_file.to_str().unwrap());
    app.invoke("authority_backup_save", json!({"saved": true}))
        .unwrap();
    let authority_key = key_der(&backup_file, &backup_password);
    assert!(authority_key.len() > 1500, "RSA 3072");
    keys.push(authority_key);
    passwords.push(backup_password.clone());
    // Removed, then restored from the backup with its password typed.
    app.invoke("authority_remove", json!({})).unwrap();
    app.answer_dialog(backup_file.to_str().unwrap());
    app.invoke("authority_restore_pick", json!({})).unwrap();
    app.invoke("authority_restore", json!({"password": backup_password}))
        .unwrap();
    // A second backup, abandoned before it was saved.
    let abandoned = app.invoke("authority_backup_start", json!({})).unwrap();
    passwords.push(abandoned["password"].as_str().unwrap().to_string());
    app.invoke("authority_backup_cancel", json!({})).unwrap();
    app.js_that_may_quit("window.__TAURI__.core.invoke('leave')");
    app.wait_window_gone();

    // The command line: signs, exports a list, backs up.
    let home = app.dir.join("home");
    let cli = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_authcert"))
            .args(args)
            .envs(bus.env())
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("XDG_CACHE_HOME", home.join(".cache"))
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("TMPDIR", &tmp)
            .current_dir(&app.dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    let password = cli(&[
        "generate",
        "--nickname",
        "CLI signed",
        "--end-date",
        end.as_str().unwrap(),
        "--out",
        "cli-signed.p12",
        "--signed-by-authority",
    ]);
    keys.push(key_der(&app.dir.join("cli-signed.p12"), &password));
    passwords.push(password);
    cli(&["authority", "crl", "--out", "cli-crl.pem"]);
    passwords.push(cli(&["authority", "backup", "--out", "cli-backup.p12"]));
    assert!(
        bus.accounts()
            .iter()
            .any(|a| a.starts_with("Authority: Scan authority (")),
        "the key is in the keychain"
    );

    let needles = needles(&passwords, &keys);
    let (scanned, hits) = scan(&[app.dir.clone(), tmp.clone()], &needles);
    assert!(scanned > 5, "{scanned} files scanned");
    assert!(hits.is_empty(), "secrets left behind: {hits:#?}");
    // The scan finds the authority's key where it is planted.
    let planted = tmp.join("planted");
    std::fs::write(&planted, &keys[1]).unwrap();
    let (_, hits) = scan(std::slice::from_ref(&tmp), &needles);
    assert!(
        hits.iter().any(|h| h.starts_with("key 1 (DER) in")),
        "{hits:?}"
    );
}

/// The command line alone — what scripts/windows.sh runs against
/// authcert.exe under Wine too: an authority created, a certificate signed,
/// revoked, a list exported, a backup made, a request made and completed
/// with a CA's answer, the authority removed and restored, a second
/// backup; afterwards the authority's key, the requested certificate's
/// key (which waited in the keychain), every
/// certificate's key and every password are found nowhere outside the
/// keychain (under Wine, the Credential Manager in the prefix's registry):
/// not in the data folder, the working folder, HOME or TMPDIR, nor (under
/// Wine) in the Windows user's profile.
#[test]
fn on_the_command_line_secrets_stay_in_the_keychain() {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("secrets-cli");
    let _ = std::fs::remove_dir_all(&root);
    let (work, home, tmp, data) = (
        root.join("work"),
        root.join("home"),
        root.join("tmp"),
        root.join("data"),
    );
    for d in [&work, &home, &tmp] {
        std::fs::create_dir_all(d).unwrap();
    }
    let bus = secret_service::Bus::start("secrets-cli", secret_service::Keyring::Unlocked);
    let command = |args: &[&str]| {
        let mut cmd = common::authcert_cmd(&work, args);
        cmd.envs(bus.env())
            .env("AUTHCERT_DATA_DIR", &data)
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("XDG_CACHE_HOME", home.join(".cache"))
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("TMPDIR", &tmp);
        cmd
    };
    let cli = |args: &[&str], stdin: Option<&str>| {
        let mut cmd = command(args);
        let r = match stdin {
            Some(input) => common::with_stdin(&mut cmd, input),
            None => common::run_output(cmd.output().unwrap()),
        };
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        r.stdout.trim().to_string()
    };
    let end = common::days_from_today(60);
    let (mut passwords, mut keys) = (Vec::new(), Vec::new());
    cli(&["authority", "create", "--name", "Scan CLI"], None);
    let password = cli(
        &[
            "generate",
            "--nickname",
            "Signed",
            "--end-date",
            &end,
            "--out",
            "signed.p12",
            "--signed-by-authority",
            "--keychain",
        ],
        None,
    );
    keys.push(key_der(&work.join("signed.p12"), &password));
    passwords.push(password);
    // Where it is used, checked: the password the check reads from the
    // keychain leaves no trace either (nothing listens there: unreachable).
    cli(
        &[
            "integration",
            "add",
            "Signed",
            "--name",
            "Nowhere",
            "--url",
            "https://127.0.0.1:9/",
        ],
        None,
    );
    let checked = common::run_output(command(&["check", "--json"]).output().unwrap());
    assert_eq!(checked.code, 7, "{}{}", checked.stdout, checked.stderr);
    cli(&["revoke", "Signed", "--reason", "key-compromise"], None);
    cli(&["authority", "crl", "--out", "crl.pem"], None);
    let backup_password = cli(&["authority", "backup", "--out", "backup.p12"], None);
    let authority_key = key_der(&work.join("backup.p12"), &backup_password);
    assert!(authority_key.len() > 1500, "RSA 3072");
    keys.push(authority_key);
    passwords.push(backup_password.clone());
    // A request waits (its key in the keychain), a CA signs it, and the
    // answer completes it.
    let ca = root.join("ca");
    std::fs::create_dir_all(&ca).unwrap();
    let at = |name: &str| ca.join(name).display().to_string();
    let openssl = |args: &[&str]| {
        let r = common::tool("openssl", args);
        assert_eq!(r.code, 0, "openssl {}: {}", args[0], r.stderr);
    };
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        &at("ca.key"),
        "-out",
        &at("ca.crt"),
        "-subj",
        "/CN=Scan CA",
        "-days",
        "2",
    ]);
    cli(
        &[
            "request",
            "--nickname",
            "Waiting",
            "--out",
            &at("waiting.csr"),
        ],
        None,
    );
    assert!(bus
        .accounts()
        .iter()
        .any(|a| a.starts_with("Request: Waiting (")));
    openssl(&[
        "x509",
        "-req",
        "-in",
        &at("waiting.csr"),
        "-CA",
        &at("ca.crt"),
        "-CAkey",
        &at("ca.key"),
        "-copy_extensions",
        "copyall",
        "-days",
        "2",
        "-out",
        &at("answer.pem"),
    ]);
    let password = cli(
        &[
            "complete",
            "Waiting",
            &at("answer.pem"),
            "--out",
            "waiting.p12",
        ],
        None,
    );
    keys.push(key_der(&work.join("waiting.p12"), &password));
    passwords.push(password);
    cli(&["authority", "remove", "--yes"], None);
    cli(
        &["authority", "restore", "backup.p12", "--password-stdin"],
        Some(&backup_password),
    );
    passwords.push(cli(&["authority", "backup", "--out", "backup-2.p12"], None));
    assert!(
        bus.accounts()
            .iter()
            .any(|a| a.starts_with("Authority: Scan CLI (")),
        "the key is in the keychain: {:?}",
        bus.accounts()
    );
    // Windows caps a credential's secret at 2 560 bytes: the authority's
    // key, stored for real, fits.
    let account = bus
        .accounts()
        .into_iter()
        .find(|a| a.starts_with("Authority: Scan CLI ("))
        .unwrap();
    let stored = bus.secret_len(&account).unwrap();
    assert!((1500..2560).contains(&stored), "{stored} bytes");

    let mut roots = vec![work.clone(), home.clone(), tmp.clone(), data.clone()];
    if common::windows() {
        // The Windows user's profile: AppData, Temp.
        roots.push(PathBuf::from(std::env::var_os("WINEPREFIX").unwrap()).join("drive_c/users"));
    }
    let needles = needles(&passwords, &keys);
    let (scanned, hits) = scan(&roots, &needles);
    assert!(scanned > 5, "{scanned} files scanned");
    assert!(hits.is_empty(), "secrets left behind: {hits:#?}");
    // The scan finds a key where one is planted.
    std::fs::write(tmp.join("planted"), &keys[1]).unwrap();
    let (_, hits) = scan(std::slice::from_ref(&tmp), &needles);
    assert!(
        hits.iter().any(|h| h.starts_with("key 1 (DER) in")),
        "{hits:?}"
    );
}
