//! Hostile input to every option of the command line: at least 200 values per
//! option, each refused with exit status 2, a message that names the option
//! (or its field) and stays short, nothing on standard output, no panic, and
//! no file written. Run in process through `authcert_cli::run`, the
//! function `main` calls (a few real processes are in tests/cli.rs).
//!
//! Against the Windows build under Wine (scripts/windows.sh), the same
//! argument lists go to authcert.exe: all of them to its `run` through its
//! test-hooks batch entry (thousands of processes would take half an hour
//! under Wine), and a sample with quotes, backslashes, spaces, control
//! characters and other scripts through real processes, whose outcome must
//! be the batch's: the Windows command line carries them unchanged.

mod common;
#[path = "support/hostile.rs"]
mod hostile;

use std::collections::HashMap;
use std::ffi::OsString;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::Mutex;

type Outcome = (i32, String, String);

/// How `run` answers: in process (Linux), collecting the argument lists
/// (the first pass against the Windows build), or from authcert.exe's
/// answers to them (the second pass).
enum Mode {
    InProcess,
    Collect(Vec<Vec<OsString>>),
    Replay(HashMap<Vec<OsString>, Outcome>),
}

static MODE: Mutex<Mode> = Mutex::new(Mode::InProcess);

fn mode() -> std::sync::MutexGuard<'static, Mode> {
    MODE.lock().unwrap_or_else(|p| p.into_inner())
}

/// Whether the outcomes are real (not the collecting pass).
fn checking() -> bool {
    !matches!(*mode(), Mode::Collect(_))
}

/// `assert!`, except while the argument lists are only being collected.
macro_rules! check {
    ($($t:tt)*) => { if checking() { assert!($($t)*); } };
}
macro_rules! check_eq {
    ($($t:tt)*) => { if checking() { assert_eq!($($t)*); } };
}

/// Runs `args` and checks the refusal: exit 2, nothing on standard output,
/// and a short message that names one of `names` (or says what is wrong
/// with the options themselves: unknown, twice, without a value, extra,
/// missing).
fn refused_naming(args: &[&str], names: &[&str]) {
    let (code, stdout, stderr) = run(&os(args));
    check_eq!(code, 2, "{args:.120?}: {stderr}");
    check!(stdout.is_empty(), "{args:.80?}: {stdout:.80}");
    check!(
        names.iter().any(|n| stderr.contains(n))
            || stderr.contains("is not an option")
            || stderr.contains("given twice")
            || stderr.contains("needs a value")
            || stderr.contains("is extra")
            || stderr.contains("is required"),
        "{args:.120?}: the message names the option: {stderr}"
    );
    check!(stderr.len() < 1_000, "{:.200}", stderr);
}

/// Runs the command line: (exit status, stdout, stderr).
fn run(args: &[OsString]) -> Outcome {
    match &mut *mode() {
        Mode::Collect(all) => {
            all.push(args.to_vec());
            return (2, String::new(), String::new());
        }
        Mode::Replay(answers) => {
            return answers
                .get(args)
                .cloned()
                .unwrap_or_else(|| panic!("no answer for {args:.200?}"))
        }
        Mode::InProcess => {}
    }
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = catch_unwind(AssertUnwindSafe(|| {
        authcert_cli::run(args, &mut out, &mut err)
    }))
    .unwrap_or_else(|_| panic!("the command line panicked on {args:.200?}"));
    (
        code,
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&err).into_owned(),
    )
}

/// authcert.exe's answers to `cases`, through its batch entry, in chunks.
fn batch(dir: &Path, data: &Path, cases: &[Vec<OsString>]) -> HashMap<Vec<OsString>, Outcome> {
    let mut answers = HashMap::new();
    for (n, chunk) in cases.chunks(1500).enumerate() {
        let texts: Vec<Vec<String>> = chunk
            .iter()
            .map(|a| a.iter().map(|s| s.to_string_lossy().into_owned()).collect())
            .collect();
        let file = dir.join(format!("batch-{n}.json"));
        std::fs::write(&file, serde_json::to_vec(&texts).unwrap()).unwrap();
        let out = common::authcert_cmd(dir, &["--test-hooks-batch", file.to_str().unwrap()])
            .env("AUTHCERT_DATA_DIR", data)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let outcomes: Vec<Outcome> = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(outcomes.len(), chunk.len());
        std::fs::remove_file(&file).unwrap();
        answers.extend(chunk.iter().cloned().zip(outcomes));
    }
    answers
}

fn os(args: &[&str]) -> Vec<OsString> {
    args.iter().map(OsString::from).collect()
}

/// Every file under `dir`, for "nothing was written".
fn files(dir: &Path) -> Vec<String> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            all.extend(files(&path));
        } else {
            all.push(path.display().to_string());
        }
    }
    all.sort();
    all
}

/// The valid arguments of `generate`, with `option` replaced by `value`
/// in one of three spellings.
fn generate_with(out: &Path, option: &str, value: &str, spelling: usize) -> Vec<OsString> {
    let end =
        (authcert_core::engine::Clock::system().today() + jiff::Span::new().days(60)).to_string();
    let out = out.display().to_string();
    let mut args = vec!["generate".to_string()];
    let valid = [
        ("--nickname", "Hostile check"),
        ("--end-date", end.as_str()),
        ("--out", out.as_str()),
    ];
    for (name, v) in valid {
        if name != option {
            args.extend([name.to_string(), v.to_string()]);
        }
    }
    match spelling {
        0 => args.extend([option.to_string(), value.to_string()]),
        1 => args.push(format!("{option}={value}")),
        // Given twice: a valid-looking first value, then the hostile one.
        _ => args.extend([
            option.to_string(),
            "x".to_string(),
            option.to_string(),
            value.to_string(),
        ]),
    }
    args.into_iter().map(OsString::from).collect()
}

/// Whether the engine's rules accept `value` for `option` (with the other
/// fields valid): such a value is not hostile, and is left out.
fn accepted(option: &str, value: &str) -> bool {
    let today = authcert_core::engine::Clock::system().today();
    let mut raw = authcert_core::engine::RawRequest {
        nickname: "Hostile check".into(),
        end_date: (today + jiff::Span::new().days(60)).to_string(),
        ..Default::default()
    };
    match option {
        "--nickname" => raw.nickname = value.into(),
        "--end-date" => raw.end_date = value.into(),
        "--api-token-end-date" => raw.api_token_end_date = Some(value.into()),
        "--encryption" => raw.encryption = Some(value.into()),
        "--hash" => raw.signature_hash = Some(value.into()),
        "--key" => raw.key_type = Some(value.into()),
        _ => return false,
    }
    authcert_core::engine::Request::parse(&raw, today, []).is_ok()
}

#[test]
fn every_option_refuses_hostile_values() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // The only test in this binary: no other thread reads the environment.
    std::env::set_var(authcert_core::store::DATA_DIR_VAR, &data);
    // No Secret Service: nothing can be created in a real keychain.
    std::env::set_var("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus");
    let out = dir.path().join("out.p12");
    let existing = dir.path().join("existing.p12");
    std::fs::write(&existing, b"not a certificate").unwrap();
    let before = files(dir.path());
    if !common::windows() {
        return scenario(dir.path(), &data, &out, &existing, &before);
    }
    *mode() = Mode::Collect(Vec::new());
    scenario(dir.path(), &data, &out, &existing, &before);
    let Mode::Collect(cases) = std::mem::replace(&mut *mode(), Mode::InProcess) else {
        unreachable!("set above")
    };
    let answers = batch(dir.path(), &data, &cases);
    // The Windows command line carries what is awkward on it unchanged:
    // real processes give the batch's answers.
    let awkward: Vec<&Vec<OsString>> = cases
        .iter()
        .filter(|a| {
            // No command line of any system carries a NUL.
            !a.iter().any(|s| s.to_string_lossy().contains('\0'))
                && a.iter().any(|s| {
                    let s = s.to_string_lossy();
                    s.is_empty()
                        || s.contains(['"', '\\', ' ', '\t', '^', '%', '&', '|'])
                        || !s.is_ascii()
                })
                && a.iter().map(|s| s.len()).sum::<usize>() < 30_000
        })
        .step_by(25)
        .collect();
    assert!(awkward.len() >= 40, "{} awkward cases", awkward.len());
    for args in awkward {
        let texts: Vec<&str> = args.iter().map(|s| s.to_str().unwrap()).collect();
        let real = common::authcert_cmd(dir.path(), &texts)
            .env("AUTHCERT_DATA_DIR", &data)
            .output()
            .map(common::run_output)
            .unwrap();
        // A real process's output reaches the terminal escaped (src-tauri
        // cli/terminal.rs); the batch hands back `run`'s own text.
        let batched = &answers[args];
        let escaped = |t: &str| authcert_core::text::shown_keeping_lines(t).into_owned();
        assert_eq!(
            (real.code, real.stdout.clone(), real.stderr.clone()),
            (batched.0, escaped(&batched.1), escaped(&batched.2)),
            "{texts:.200?}"
        );
    }
    *mode() = Mode::Replay(answers);
    scenario(dir.path(), &data, &out, &existing, &before);
}

fn scenario(dir: &Path, data: &Path, out: &Path, existing: &Path, before: &[String]) {
    let out = out.to_path_buf();
    let existing = existing.to_path_buf();

    let strings = hostile::strings();
    // Each option, and the words its refusal must name.
    let options: &[(&str, &[&str])] = &[
        ("--nickname", &["--nickname"]),
        ("--end-date", &["--end-date"]),
        ("--api-token-end-date", &["--api-token-end-date"]),
        ("--encryption", &["--encryption"]),
        ("--hash", &["--hash", "--key"]),
        ("--key", &["--key", "--hash"]),
        ("--out", &["--out"]),
        ("--pem-out", &["--pem-out"]),
        ("--keychain", &["--keychain"]),
        // No certificate is listed: every nickname is refused.
        ("--replaces", &["--replaces"]),
    ];
    for (option, names) in options {
        let mut refused = 0;
        for value in &strings {
            for spelling in 0..3 {
                // Given twice (spelling 2) is refused whatever the value.
                if spelling < 2 && accepted(option, value) {
                    continue;
                }
                if *option == "--keychain" && spelling == 1 && value.is_empty() {
                    continue; // that is `--keychain` itself
                }
                let args = if *option == "--out" || *option == "--pem-out" {
                    // Paths that cannot be written: under a missing folder,
                    // under a file, or over an existing file.
                    let path = match spelling {
                        0 => dir.join("missing").join(value),
                        1 => existing.join(value),
                        _ => existing.clone(),
                    };
                    let mut args = if *option == "--out" {
                        generate_with(&out, "--out", "", 0)
                    } else {
                        let mut args = generate_with(&out, "--nickname", "Hostile check", 0);
                        args.push("--pem-out".into());
                        args.push(String::new().into());
                        args
                    };
                    args.truncate(args.len() - 1);
                    args.push(path.into_os_string());
                    args
                } else if *option == "--keychain" {
                    // A flag: a value is refused.
                    let mut args = generate_with(&out, "--nickname", "Hostile check", 0);
                    args.push(match spelling {
                        0 => format!("--keychain={value}").into(),
                        1 => format!("--keychain{value}").into(),
                        _ => format!("--keychain=--{value}").into(),
                    });
                    args
                } else {
                    generate_with(&out, option, value, spelling)
                };
                let (code, stdout, stderr) = run(&args);
                check_eq!(
                    code,
                    2,
                    "{option} {value:.80?} (spelling {spelling}): {stderr}"
                );
                check!(
                    stdout.is_empty(),
                    "{option}: nothing on stdout, got {stdout:.80}"
                );
                check!(
                    names.iter().any(|n| stderr.contains(n))
                        || stderr.contains("is not an option")
                        || stderr.contains("given twice"),
                    "{option} {value:.80?}: the message names the option: {stderr}"
                );
                check!(
                    stderr.len() < 1_000,
                    "{option}: the message stays short (no echo of the input): {:.200}",
                    stderr
                );
                refused += 1;
            }
        }
        check!(refused >= 200, "{option}: {refused} hostile values");
        println!("generate {option}: {refused} hostile values refused");
    }

    // `list`: its options, and junk words.
    let mut refused = 0;
    for value in &strings {
        for args in [
            vec!["list", "--expiring-within", value],
            vec!["list", &format!("--expiring-within={value}")],
            vec!["list", "--json", "--expiring-within", value],
            vec!["list", &format!("--json={value}")],
        ] {
            let args: Vec<&str> = args.iter().map(|s| s.as_ref()).collect();
            // A whole number of days from 0 to 365 ("00" too) is valid.
            let days_ok = value.parse::<u32>().is_ok_and(|d| d <= 365);
            if days_ok && args.iter().any(|a| a.starts_with("--expiring-within")) {
                continue;
            }
            let (code, stdout, stderr) = run(&os(&args));
            check_eq!(code, 2, "{args:.80?}: {stderr}");
            check!(stdout.is_empty());
            check!(
                stderr.contains("--expiring-within") || stderr.contains("--json"),
                "{args:.80?}: {stderr}"
            );
            check!(stderr.len() < 1_000, "{:.200}", stderr);
            refused += 1;
        }
    }
    check!(refused >= 200, "list: {refused} hostile values");
    println!("list --expiring-within / --json: {refused} hostile values refused");

    // Words that are not commands or options.
    for value in &strings {
        for args in [
            vec!["generate", value.as_str()],
            vec!["list", value.as_str()],
        ] {
            let (code, stdout, stderr) = run(&os(&args));
            check_eq!(code, 2, "{args:.80?}: {stderr}");
            check!(stdout.is_empty() && stderr.len() < 1_000);
        }
    }

    // The authority's commands and `revoke`: every hostile value refused
    // with exit 2 and the option or word named. No Secret Service answers
    // here (a valid name would fail with exit 1, so those are left out).
    let mut refused = 0;
    let authority_cases = |value: &str| -> Vec<(Vec<String>, &'static [&'static str])> {
        let v = value.to_string();
        vec![
            (
                vec![
                    "authority".into(),
                    "create".into(),
                    "--name".into(),
                    v.clone(),
                ],
                &["--name", "Authority name"],
            ),
            (
                vec![
                    "authority".into(),
                    "create".into(),
                    format!("--name={v}"),
                    "--end-date".into(),
                    "2020-01-01".into(),
                ],
                &["--name", "--end-date"],
            ),
            (
                vec![
                    "authority".into(),
                    "create".into(),
                    "--name".into(),
                    "Acme".into(),
                    "--end-date".into(),
                    v.clone(),
                ],
                &["--end-date"],
            ),
            (
                vec!["authority".into(), v.clone()],
                &["is not an authority command"],
            ),
            (
                vec![
                    "authority".into(),
                    "export".into(),
                    "--out".into(),
                    v.clone(),
                ],
                &["No issuing authority", "--out"],
            ),
            (
                vec!["authority".into(), "crl".into(), "--out".into(), v.clone()],
                &["No issuing authority", "--out"],
            ),
            (
                vec![
                    "authority".into(),
                    "backup".into(),
                    "--out".into(),
                    v.clone(),
                ],
                &["No issuing authority", "--out"],
            ),
            (
                vec![
                    "authority".into(),
                    "restore".into(),
                    format!("/nonexistent/{v}"),
                ],
                // Windows resolves `..` before it looks, so a value of
                // `../../etc/passwd` reaches a real file there: FILE names it.
                &["File", "FILE"],
            ),
            (
                vec!["revoke".into(), v.clone()],
                &[
                    "NICKNAME",
                    "no certificate named",
                    "is extra",
                    "not an option",
                ],
            ),
            (
                vec![
                    "revoke".into(),
                    "Someone".into(),
                    "--reason".into(),
                    v.clone(),
                ],
                &["--reason", "NICKNAME"],
            ),
        ]
    };
    for value in &strings {
        for (args, names) in authority_cases(value) {
            let valid_name = authcert_core::engine::Nickname::parse(value, []).is_ok();
            let option = args.get(2).map(String::as_str).unwrap_or("");
            if valid_name && option.starts_with("--name") && args.len() == 4 {
                continue;
            }
            let date_ok = authcert_core::engine::parse_date(
                value,
                authcert_core::engine::Field::AuthorityEndDate,
            )
            .is_ok_and(|d| d > authcert_core::engine::Clock::system().today())
                // An empty date is the default.
                || value.trim().is_empty();
            if date_ok && args.get(5).is_some_and(|a| a == value) {
                continue;
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            refused_naming(&args, names);
            refused += 1;
        }
    }
    check!(
        refused >= 800,
        "authority and revoke: {refused} hostile values"
    );
    println!("authority and revoke: {refused} hostile values refused");

    // `request` and `complete`: refused with exit 2 and the option or
    // argument named, before any keychain is asked (none answers here).
    use authcert_core::engine::Choice;
    let mut refused = 0;
    for value in &strings {
        let valid_name = authcert_core::engine::Nickname::parse(value, []).is_ok();
        // An empty key type is the default one.
        let valid_key = value.trim().is_empty()
            || authcert_core::engine::KeyType::ALL
                .iter()
                .any(|k| k.token() == value.trim().to_ascii_lowercase());
        let mut cases: Vec<(Vec<&str>, &[&str])> = vec![
            (vec!["request", "--cancel", value], &["--cancel"]),
            (
                vec![
                    "request",
                    "--nickname",
                    "Hostile request",
                    "--out",
                    "never.csr",
                    "--replaces",
                    value,
                ],
                &["--replaces"],
            ),
            (
                vec!["complete", "Someone", value, "--out", "never.p12"],
                &["ANSWER_FILE", "NICKNAME"],
            ),
            (
                vec![
                    "complete",
                    value,
                    "no-such-answer.pem",
                    "--out",
                    "never.p12",
                ],
                &["ANSWER_FILE", "NICKNAME"],
            ),
        ];
        if !valid_name {
            cases.push((
                vec!["request", "--nickname", value, "--out", "never.csr"],
                &["--nickname"],
            ));
        }
        if !valid_key {
            cases.push((
                vec![
                    "request",
                    "--nickname",
                    "Fine",
                    "--key",
                    value,
                    "--out",
                    "never.csr",
                ],
                &["--key"],
            ));
        }
        for (args, names) in cases {
            refused_naming(&args, names);
            refused += 1;
        }
    }
    check!(
        refused >= 400,
        "request and complete: {refused} hostile values"
    );
    println!("request and complete: {refused} hostile values refused");

    // `integration` and `check`: what is typed is refused with its option
    // named before the list is read; a valid value reaches the list, which
    // holds no certificate of that name.
    let mut refused = 0;
    for value in &strings {
        let valid_name = authcert_core::integrations::Name::parse(value).is_ok();
        let valid_url = authcert_core::connect::Target::parse(value).is_ok();
        let valid_note = authcert_core::integrations::Note::parse(value).is_ok();
        let nobody: &[&str] = &["No certificate named", "NICKNAME"];
        let api = "https://api.example.com/";
        let cases: Vec<(Vec<&str>, &[&str])> = vec![
            (
                vec![
                    "integration",
                    "add",
                    "Someone",
                    "--name",
                    value,
                    "--url",
                    api,
                ],
                if valid_name { nobody } else { &["--name"] },
            ),
            (
                vec![
                    "integration",
                    "add",
                    "Someone",
                    "--name",
                    "Export",
                    "--url",
                    value,
                ],
                if valid_url { nobody } else { &["--url"] },
            ),
            (
                vec![
                    "integration",
                    "add",
                    "Someone",
                    "--name",
                    "Export",
                    "--url",
                    api,
                    "--note",
                    value,
                ],
                if valid_note { nobody } else { &["--note"] },
            ),
            (
                vec![
                    "integration",
                    "add",
                    value,
                    "--name",
                    "Export",
                    "--url",
                    api,
                ],
                nobody,
            ),
            (vec!["integration", "remove", "Someone", value], nobody),
            (vec!["integration", "list", value], nobody),
            (vec!["integration", value], &["integration command"]),
            (vec!["check", value], nobody),
            (vec!["check", "--timeout", value], &["--timeout"]),
        ];
        for (args, names) in cases {
            // `check --timeout 10` is a valid time limit; the list has
            // nothing to check: refused all the same, naming it.
            let names: &[&str] = if args[..2] == ["check", "--timeout"] {
                &["--timeout", "No certificate in the list has integrations"]
            } else if args[..2] == ["integration", "list"] && value.trim().is_empty() {
                // `list ""` names no certificate.
                &["No certificate named", "NICKNAME"]
            } else {
                names
            };
            refused_naming(&args, names);
            refused += 1;
        }
    }
    check!(
        refused >= 800,
        "integration and check: {refused} hostile values"
    );
    println!("integration and check: {refused} hostile values refused");

    // Arguments that are not valid text (Unix's; the batch carries text).
    #[cfg(unix)]
    if !common::windows() {
        use std::os::unix::ffi::OsStringExt;
        let bad = OsString::from_vec(vec![0xff, 0xfe, b'x']);
        for args in [
            vec![
                OsString::from("generate"),
                OsString::from("--nickname"),
                bad.clone(),
            ],
            vec![OsString::from("list"), bad.clone()],
            vec![OsString::from("generate"), bad],
        ] {
            let (code, stdout, stderr) = run(&args);
            check_eq!(code, 2, "{stderr}");
            check!(stdout.is_empty() && stderr.contains("UTF-8"), "{stderr}");
        }
    }

    // Reading the list creates its (empty) lock file and the note of who
    // held it last; nothing else appears.
    let lock = data.join("certificates.lock");
    let holder = data.join("certificates.lock.holder");
    check_eq!(std::fs::metadata(&lock).map(|m| m.len()).unwrap_or(0), 0);
    let after: Vec<String> = files(dir)
        .into_iter()
        .filter(|f| Path::new(f) != lock && Path::new(f) != holder)
        .collect();
    check_eq!(after, before.to_vec(), "no file was written");
}
