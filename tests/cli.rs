//! The command line, run as a real process: output, exit codes, files left.

mod common;

use std::fs;

use common::*;

fn is_password(line: &str) -> bool {
    let groups: Vec<&str> = line.split('-').collect();
    groups.len() == 4
        && groups.iter().all(|g| {
            g.len() == 6
                && g.bytes()
                    .all(|b| authcert_core::engine::password::ALPHABET.contains(&b))
        })
}

#[test]
fn help_in_plain_words() {
    let dir = scratch("cli-help");
    for args in [&["--help"][..], &["help"], &["-h"]] {
        let r = authcert(&dir, args);
        assert_eq!(r.code, 0, "{args:?}");
        assert!(r.stderr.contains("authcert generate"), "{}", r.stderr);
        assert!(r.stdout.is_empty());
    }
    for args in [&["generate", "--help"][..], &["help", "generate"]] {
        let r = authcert(&dir, args);
        assert_eq!(r.code, 0);
        for option in [
            "--nickname",
            "--end-date",
            "--api-token-end-date",
            "--encryption",
            "--hash",
            "--key",
            "--out",
            "aes-256|3des",
            "ecdsa-p384",
            "never replaced",
        ] {
            assert!(r.stderr.contains(option), "help lacks {option}");
        }
    }
    let r = authcert(&dir, &["--version"]);
    assert_eq!(r.code, 0);
    assert!(r.stderr.contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn generate_prints_only_the_password_and_saves_an_owner_only_file() {
    let dir = scratch("cli-ok");
    let end = days_from_today(90);
    let r = authcert(
        &dir,
        &[
            "generate",
            "--nickname",
            "Billing API",
            "--end-date",
            &end,
            "--key",
            "ecdsa-p256",
            "--out",
            "billing.p12",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "stdout holds the password alone");
    assert!(is_password(lines[0]), "{:?}", lines[0]);
    assert!(
        !r.stderr.contains(lines[0]),
        "the password must not reach stderr"
    );
    assert!(r.stderr.contains("billing.p12"));
    assert!(
        r.stderr.contains(&format!("{end} 23:59:59")),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("Europe/Berlin"), "{}", r.stderr);
    assert!(r.stderr.contains("SHA-256:"), "{}", r.stderr);

    let file = dir.join("billing.p12");
    #[cfg(unix)]
    if !skip_on_windows(WINE_MODES) {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let names: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["billing.p12"], "no temporary file is left");

    let opened = tool(
        "openssl",
        &[
            "pkcs12",
            "-in",
            file.to_str().unwrap(),
            "-noout",
            "-passin",
            &format!("pass:{}", lines[0]),
        ],
    );
    assert_eq!(opened.code, 0, "{}", opened.stderr);
}

fn assert_refused(dir: &std::path::Path, args: &[&str], option: &str, rule: &str) {
    let r = authcert(dir, args);
    assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
    assert!(r.stdout.is_empty(), "{args:?}");
    assert!(
        r.stderr.contains(option),
        "{args:?} should name {option}: {}",
        r.stderr
    );
    assert!(
        r.stderr.contains(rule),
        "{args:?} should say {rule:?}: {}",
        r.stderr
    );
}

#[test]
fn invalid_input_exits_2_naming_the_option_and_leaves_nothing() {
    let dir = scratch("cli-invalid");
    let (end, far, today) = (
        days_from_today(30),
        days_from_today(365 * 5 + 3),
        days_from_today(0),
    );
    // (nickname, extra options, the option named, the rule said)
    let cases: &[(&str, &[&str], &str, &str)] = &[
        ("a/b", &["--end-date", &end], "--nickname", "path separator"),
        (
            "x\u{202E}y",
            &["--end-date", &end],
            "--nickname",
            "text-direction",
        ),
        (" ", &["--end-date", &end], "--nickname", "enter a nickname"),
        (
            "ok",
            &["--end-date", &today],
            "--end-date",
            "at least until tomorrow",
        ),
        (
            "ok",
            &["--end-date", &far],
            "--end-date",
            "more than 5 years",
        ),
        (
            "ok",
            &["--end-date", "2027-02-30"],
            "--end-date",
            "does not exist",
        ),
        (
            "ok",
            &["--end-date", "next year"],
            "--end-date",
            "YYYY-MM-DD",
        ),
        (
            "ok",
            &["--end-date", &end, "--api-token-end-date", "2020-01-01"],
            "--api-token-end-date",
            "extend or remove",
        ),
        (
            "ok",
            &["--end-date", &end, "--encryption", "rc2"],
            "--encryption",
            "aes-256, 3des",
        ),
        (
            "ok",
            &[
                "--end-date",
                &end,
                "--key",
                "ecdsa-p256",
                "--hash",
                "sha512",
            ],
            "--hash",
            "combinations that exist",
        ),
        (
            "ok",
            &["--end-date", &end, "--key", "ed25519"],
            "--key",
            "rsa-3072",
        ),
        (
            "ok",
            &["--end-date", &end, "--colour", "red"],
            "--colour",
            "not an option",
        ),
        (
            "ok",
            &["--end-date", &end, "--nickname", "again"],
            "--nickname",
            "given twice",
        ),
        (
            "ok",
            &["--end-date", &end, "--out", "b.p12"],
            "--out",
            "given twice",
        ),
    ];
    for (nickname, extra, option, rule) in cases {
        let mut args = vec!["generate", "--nickname", nickname, "--out", "x.p12"];
        args.extend_from_slice(extra);
        assert_refused(&dir, &args, option, rule);
    }
    assert_refused(
        &dir,
        &["generate", "--nickname", "ok", "--end-date", &end],
        "--out",
        "required",
    );
    assert_refused(
        &dir,
        &["generate", "--out", "x.p12"],
        "--nickname, --end-date",
        "required",
    );
    assert_refused(
        &dir,
        &["generate", "--nickname"],
        "--nickname",
        "needs a value",
    );
    assert_refused(&dir, &["frobnicate"], "frobnicate", "not a command");
    assert_refused(
        &dir,
        &[
            "generate",
            "--nickname",
            "ok",
            "--end-date",
            &end,
            "--out",
            "no-such-folder/x.p12",
        ],
        "--out",
        "does not exist",
    );
    assert_eq!(
        fs::read_dir(&dir).unwrap().count(),
        0,
        "nothing is written for invalid input"
    );
}

#[test]
fn an_existing_file_is_never_replaced() {
    let dir = scratch("cli-exists");
    fs::write(dir.join("taken.p12"), b"precious").unwrap();
    let end = days_from_today(30);
    assert_refused(
        &dir,
        &[
            "generate",
            "--nickname",
            "ok",
            "--end-date",
            &end,
            "--out",
            "taken.p12",
        ],
        "--out",
        "never replaces",
    );
    assert_eq!(fs::read(dir.join("taken.p12")).unwrap(), b"precious");
    assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
}

#[cfg(target_os = "linux")]
#[test]
fn a_password_that_cannot_be_printed_removes_the_file_and_exits_1() {
    let dir = scratch("cli-full-stdout");
    let end = days_from_today(30);
    let full = fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = authcert_cmd(
        &dir,
        &[
            "generate",
            "--nickname",
            "ok",
            "--end-date",
            &end,
            "--key",
            "ecdsa-p256",
            "--out",
            "x.p12",
        ],
    )
    .stdout(std::process::Stdio::from(full))
    .output()
    .unwrap();
    let r = run_output(out);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("has been removed"), "{}", r.stderr);
    assert_eq!(
        fs::read_dir(&dir).unwrap().count(),
        0,
        "nothing is left at --out"
    );
}

#[test]
fn no_window_is_needed() {
    // DISPLAY and WAYLAND_DISPLAY are removed by `authcert_cmd`: a command
    // that tried to open a window would fail here.
    let dir = scratch("cli-headless");
    let end = days_from_today(30);
    let r = authcert(
        &dir,
        &[
            "generate",
            "--nickname",
            "headless",
            "--end-date",
            &end,
            "--key",
            "ecdsa-p256",
            "--out",
            "h.p12",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// After a run, the password appears nowhere but stdout, and no unencrypted
/// private key exists on disk: every file under the run's home, temporary
/// and output folders is searched for the password and for the key itself.
#[test]
fn password_and_key_do_not_leak() {
    let root = scratch("cli-leak");
    let (home, tmp, out_dir) = (root.join("home"), root.join("tmp"), root.join("out"));
    for d in [&home, &tmp, &out_dir] {
        fs::create_dir_all(d).unwrap();
    }
    let end = days_from_today(30);
    let out_file = out_dir.join("leak.p12");
    let output = authcert_cmd(
        &root,
        &[
            "generate",
            "--nickname",
            "leak-check",
            "--end-date",
            &end,
            "--key",
            "rsa-2048",
            "--out",
            out_file.to_str().unwrap(),
        ],
    )
    .env("HOME", &home)
    .env("TMPDIR", &tmp)
    .env("XDG_DATA_HOME", home.join(".local/share"))
    .env("XDG_CACHE_HOME", home.join(".cache"))
    .env("XDG_CONFIG_HOME", home.join(".config"))
    .env("AUTHCERT_DATA_DIR", root.join("data"))
    .output()
    .unwrap();
    let r = run_output(output);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let password = r.stdout.trim().to_string();
    assert!(!r.stderr.contains(&password));

    // The key, taken out of the file through a pipe (never onto the disk).
    let key_pem = tool(
        "openssl",
        &[
            "pkcs12",
            "-in",
            out_file.to_str().unwrap(),
            "-nocerts",
            "-nodes",
            "-passin",
            &format!("pass:{password}"),
        ],
    );
    assert_eq!(key_pem.code, 0, "{}", key_pem.stderr);
    let key = pem::parse_many(key_pem.stdout.as_bytes())
        .unwrap()
        .into_iter()
        .find(|p| p.tag() == "PRIVATE KEY")
        .expect("a PKCS#8 key");
    let key_der = key.contents().to_vec();
    let key_b64_line: String = key_pem
        .stdout
        .lines()
        .find(|l| l.len() == 64)
        .unwrap()
        .to_string();

    let mut files = files_under(&root);
    files.sort();
    let data = root.join("data");
    assert_eq!(
        files,
        [
            data.join("certificates.json"),
            data.join("certificates.lock"),
            data.join("certificates.lock.holder"),
            out_file.clone()
        ],
        "the run leaves the file and the list, nothing else"
    );
    let list = fs::read_to_string(data.join("certificates.json")).unwrap();
    assert!(list.contains("leak-check"), "{list}");
    for f in files {
        let data = fs::read(&f).unwrap();
        assert!(
            !contains(&data, password.as_bytes()),
            "password in {}",
            f.display()
        );
        assert!(
            !contains(&data, password.replace('-', "").as_bytes()),
            "password in {}",
            f.display()
        );
        assert!(!contains(&data, &key_der), "raw key in {}", f.display());
        assert!(
            !contains(&data, key_b64_line.as_bytes()),
            "PEM key in {}",
            f.display()
        );
        assert!(
            !contains(&data, b"PRIVATE KEY"),
            "PEM key in {}",
            f.display()
        );
    }
}

/// Names Windows refuses are refused on Windows before any key is made,
/// naming `--out` and the rule; nothing is written (a path to `NUL` would
/// have discarded the file, one ending in a dot would have dropped it).
#[test]
fn on_windows_names_windows_refuses_are_refused() {
    if !windows() {
        return; // Linux takes these names; the unit tests cover the rule.
    }
    let dir = scratch("cli-windows-names");
    let end = days_from_today(30);
    for (name, words) in [
        ("NUL.p12", "keeps for a device (NUL)"),
        ("con", "keeps for a device (CON)"),
        ("COM1.p12", "keeps for a device (COM1)"),
        ("LPT1.p12", "keeps for a device (LPT1)"),
        ("Payments.p12.", "ends in a dot or a space"),
        ("Payments.p12 ", "ends in a dot or a space"),
        ("a<b.p12", "“<”"),
        ("a|b.p12", "“|”"),
        ("a?.p12", "“?”"),
        ("a*.p12", "“*”"),
    ] {
        let r = authcert(
            &dir,
            &[
                "generate",
                "--nickname",
                "Names",
                "--end-date",
                &end,
                "--out",
                name,
            ],
        );
        assert_eq!(r.code, 2, "{name}: {}", r.stderr);
        assert!(
            r.stderr.contains("--out:") && r.stderr.contains(words),
            "{name}: {}",
            r.stderr
        );
        assert!(r.stdout.is_empty());
    }
    assert_eq!(fs::read_dir(&dir).unwrap().count(), 0, "nothing written");
}

/// Paths read as the admin types them: no `\\?\` in what is printed or
/// listed, and a list written by an earlier Windows build with such paths
/// is shown plainly.
#[test]
fn on_windows_paths_read_plainly() {
    if !windows() {
        return; // Linux paths have no such prefix.
    }
    let dir = scratch("cli-windows-paths");
    let end = days_from_today(30);
    let r = authcert(
        &dir,
        &[
            "generate",
            "--nickname",
            "Plain",
            "--end-date",
            &end,
            "--out",
            "plain.p12",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let saved = shown(&fs::canonicalize(dir.join("plain.p12")).unwrap());
    assert!(r.stderr.contains(&format!("Saved {saved}")), "{}", r.stderr);
    assert!(!r.stderr.contains(r"\\?\"), "{}", r.stderr);
    let list = data_dir_for(&dir).join("certificates.json");
    let mut value: serde_json::Value = serde_json::from_slice(&fs::read(&list).unwrap()).unwrap();
    assert_eq!(value["certificates"][0]["file"], saved.as_str());
    // What an earlier build wrote.
    value["certificates"][0]["file"] = format!(r"\\?\{saved}").into();
    fs::write(&list, serde_json::to_vec(&value).unwrap()).unwrap();
    let r = authcert(&dir, &["list"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains(&saved) && !r.stdout.contains(r"\\?\"),
        "{}",
        r.stdout
    );
    let r = authcert(&dir, &["list", "--json"]);
    assert!(!r.stdout.contains(r"\\\\?\\"), "{}", r.stdout);
}

/// The time zone is named as on Linux, by its IANA name: from TZ, and on
/// Windows from the system's own zone (here Wine's, set from the host's
/// TZ, with TZ itself hidden from the program).
#[test]
fn the_time_zone_is_named_by_its_iana_name() {
    let dir = scratch("cli-zone");
    let end = days_from_today(30);
    let r = authcert_cmd(
        &dir,
        &[
            "generate",
            "--nickname",
            "Zone",
            "--end-date",
            &end,
            "--out",
            "zone.p12",
        ],
    )
    .env("TZ", "Asia/Tokyo")
    .output()
    .map(run_output)
    .unwrap();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains(&format!("{end} 23:59:59 JST (Asia/Tokyo;")),
        "{}",
        r.stderr
    );
    if !windows() {
        return;
    }
    // Windows: no TZ for the program; the zone is the system's. Wine takes
    // it from the host (Tokyo Standard Time, which CLDR maps back to
    // Asia/Tokyo; Wine's choice for some other zones is another zone with
    // the same rules).
    for (host, iana) in [
        ("Asia/Tokyo", "Asia/Tokyo"),
        ("America/New_York", "America/New_York"),
    ] {
        let exe = std::env::var("AUTHCERT_WINDOWS_EXE").unwrap();
        let out = format!("zone-{}.p12", iana.replace('/', "-"));
        let line = format!(
            "set TZ=&& Z:{} generate --nickname Zone-{} --end-date {end} --out {out}",
            exe.replace('/', "\\"),
            iana.replace('/', "-")
        );
        let r = std::process::Command::new(
            std::env::var("AUTHCERT_WINE").unwrap_or_else(|_| "/usr/lib/wine/wine64".into()),
        )
        .args(["cmd", "/c", &line])
        .current_dir(&dir)
        .env("TZ", host)
        .env("WINEDEBUG", "-all")
        .env("AUTHCERT_DATA_DIR", data_dir_for(&dir))
        .stdin(std::process::Stdio::null())
        .output()
        .map(run_output)
        .unwrap();
        assert_eq!(r.code, 0, "{host}: {}", r.stderr);
        assert!(
            r.stderr.contains(&format!("({iana};")),
            "{host}: {}",
            r.stderr
        );
    }
}
