//! The list of certificates through the real binary: `generate` records,
//! `list` shows (table and JSON), `--expiring-within` exits 3, nicknames stay
//! unique, concurrent processes lose nothing, a damaged list is kept aside.

mod common;

use std::fs;
use std::path::Path;
use std::process::Stdio;

use common::*;
use jiff::ToSpan;
use std::io::Write;

/// Generates a P-256 certificate (fast) in `dir`; `fake_now` shifts the clock
/// (test-hooks builds only) to make one that has already expired.
fn generate(dir: &Path, nickname: &str, end: &str, fake_now: Option<&str>) -> Run {
    let file = format!("{}.p12", nickname.replace(' ', "-"));
    let mut cmd = authcert_cmd(
        dir,
        &[
            "generate",
            "--nickname",
            nickname,
            "--end-date",
            end,
            "--key",
            "ecdsa-p256",
            "--out",
            &file,
        ],
    );
    if let Some(now) = fake_now {
        cmd.env("AUTHCERT_TEST_NOW", now);
    }
    run_output(cmd.output().unwrap())
}

/// Makes the three certificates the list tests and the e2e tests share:
/// expiring in 5 days, valid for 200 days, expired 35 days ago.
pub fn three_certificates(dir: &Path) {
    let r = generate(dir, "Soon", &days_from_today(5), None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = generate(dir, "Later", &days_from_today(200), None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let past = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(24 * 400);
    let past_today = past
        .to_zoned(jiff::tz::TimeZone::get("Europe/Berlin").unwrap())
        .date();
    let end = past_today.checked_add(365.days()).unwrap().to_string();
    let r = generate(dir, "Gone", &end, Some(&past.to_string()));
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn list_shows_every_certificate_soonest_first_with_its_status() {
    let dir = scratch("list-table");
    three_certificates(&dir);

    let r = authcert(&dir, &["list"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(lines[0].starts_with("NICKNAME"), "{}", r.stdout);
    assert_eq!(lines.len(), 4, "{}", r.stdout);
    assert!(
        lines[1].starts_with("Gone ") && lines[1].contains("expired 35 days ago"),
        "{}",
        r.stdout
    );
    assert!(
        lines[2].starts_with("Soon ") && lines[2].contains("expires in 5 days"),
        "{}",
        r.stdout
    );
    assert!(
        lines[3].starts_with("Later ") && lines[3].contains("valid"),
        "{}",
        r.stdout
    );
    let soon_file = fs::canonicalize(dir.join("Soon.p12")).unwrap();
    assert!(lines[2].ends_with(&shown(&soon_file)), "{}", r.stdout);

    let r = authcert(&dir, &["list", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[1]["nickname"], "Soon");
    assert_eq!(rows[1]["status"]["kind"], "expiring");
    assert_eq!(rows[1]["status"]["days"], 5);
    assert_eq!(rows[1]["statusText"], "expires in 5 days");
    assert_eq!(rows[1]["keyType"], "ecdsa-p256");
    assert_eq!(rows[1]["inKeychain"], false);
    assert_eq!(rows[0]["status"]["kind"], "expired");
    assert_eq!(rows[2]["status"]["kind"], "valid");
    // The stored certificate is the one in the file.
    let pem = rows[1]["certificatePem"].as_str().unwrap();
    let mut child = std::process::Command::new("openssl")
        .args(["x509", "-noout", "-subject", "-fingerprint", "-sha256"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(pem.as_bytes())
        .unwrap();
    let out = String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap();
    assert!(
        out.contains("CN=Soon") || out.contains("CN = Soon"),
        "{out}"
    );
    assert!(
        out.contains(rows[1]["sha256Fingerprint"].as_str().unwrap()),
        "{out}"
    );
    for forbidden in ["password", "privateKey", "PRIVATE KEY"] {
        assert!(!r.stdout.contains(forbidden), "{forbidden} in the JSON");
    }
}

#[test]
fn expiring_within_exits_3_and_shows_only_those_due() {
    let dir = scratch("list-due");
    let r = authcert(&dir, &["list", "--expiring-within", "30"]);
    assert_eq!(r.code, 0, "an empty list has nothing due: {}", r.stderr);
    assert!(r.stderr.contains("No certificate expires within 30 days"));

    three_certificates(&dir);
    let r = authcert(&dir, &["list", "--expiring-within", "30"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stdout.contains("Soon") && r.stdout.contains("Gone"));
    assert!(!r.stdout.contains("Later"), "{}", r.stdout);

    let r = authcert(&dir, &["list", "--expiring-within=3", "--json"]);
    assert_eq!(r.code, 3);
    let rows: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 1, "only the expired one");

    let r = authcert(&dir, &["list", "--expiring-within", "365"]);
    assert_eq!(r.code, 3);
    assert_eq!(r.stdout.lines().count(), 4);

    for (args, rule) in [
        (
            &["list", "--expiring-within", "soon"][..],
            "whole number of days",
        ),
        (
            &["list", "--expiring-within", "-1"][..],
            "whole number of days",
        ),
        (&["list", "--expiring-within", "366"][..], "from 0 to 365"),
        (&["list", "--expiring-within"][..], "needs a number of days"),
        (
            &["list", "--expiring-within", "1", "--expiring-within", "2"][..],
            "twice",
        ),
        (&["list", "--csv"][..], "not an option of list"),
    ] {
        let r = authcert(&dir, args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(rule), "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty());
    }
}

#[test]
fn nicknames_stay_unique_across_runs_ignoring_case_and_spaces() {
    let dir = scratch("list-unique");
    let r = generate(&dir, "Billing API", &days_from_today(30), None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = generate(&dir, "  billing api ", &days_from_today(30), None);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--nickname"), "{}", r.stderr);
    assert!(r.stderr.contains("already exists"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
    let files: Vec<_> = fs::read_dir(&dir).unwrap().collect();
    assert_eq!(files.len(), 1, "only the first file");
}

#[test]
fn processes_generating_at_once_lose_no_record() {
    let dir = scratch("list-concurrent");
    let end = days_from_today(90);
    let children: Vec<_> = (0..12)
        .map(|i| {
            let nickname = format!("parallel {i}");
            let file = format!("p{i}.p12");
            authcert_cmd(
                &dir,
                &[
                    "generate",
                    "--nickname",
                    &nickname,
                    "--end-date",
                    &end,
                    "--key",
                    "ecdsa-p256",
                    "--out",
                    &file,
                ],
            )
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
        })
        .collect();
    for child in children {
        let r = run_output(child.wait_with_output().unwrap());
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let r = authcert(&dir, &["list", "--json"]);
    let rows: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let mut names: Vec<String> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["nickname"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    let mut expected: Vec<String> = (0..12).map(|i| format!("parallel {i}")).collect();
    expected.sort();
    assert_eq!(names, expected);
}

#[test]
fn a_damaged_list_is_kept_aside_and_reported_and_generate_goes_on() {
    let dir = scratch("list-damaged");
    let data = data_dir_for(&dir);
    fs::create_dir_all(&data).unwrap();
    fs::write(data.join("certificates.json"), b"{\"format\": 1, \"certif").unwrap();

    let r = authcert(&dir, &["list"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("was damaged"), "{}", r.stderr);
    let kept: Vec<_> = fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".damaged-"))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(r.stderr.contains(&kept[0]), "{}", r.stderr);
    assert_eq!(
        fs::read(data.join(&kept[0])).unwrap(),
        b"{\"format\": 1, \"certif"
    );

    let r = generate(&dir, "After damage", &days_from_today(30), None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = authcert(&dir, &["list"]);
    assert!(r.stdout.contains("After damage"));
    // Said on every run until the admin dismisses it.
    assert!(r.stderr.contains("was damaged"), "{}", r.stderr);
    assert!(r.stderr.contains("--dismiss-notice"), "{}", r.stderr);
    let r = authcert(&dir, &["list", "--dismiss-notice"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = authcert(&dir, &["list"]);
    assert!(r.stdout.contains("After damage"));
    assert!(!r.stderr.contains("damaged"), "dismissed: {}", r.stderr);
}

/// One record that cannot be read hides no other: the rest are listed,
/// the list as it was is kept aside, and the damage is said — by `list`
/// and `list --expiring-within` — until dismissed.
#[test]
fn one_damaged_record_hides_no_other_certificate() {
    let dir = scratch("list-one-damaged");
    for name in ["First", "Second", "Third"] {
        let r = generate(&dir, name, &days_from_today(20), None);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let list = data_dir_for(&dir).join("certificates.json");
    let mut value: serde_json::Value = serde_json::from_slice(&fs::read(&list).unwrap()).unwrap();
    value["certificates"][1]["notAfter"] = "the day after tomorrow".into();
    fs::write(&list, serde_json::to_vec_pretty(&value).unwrap()).unwrap();
    for _ in 0..2 {
        let r = authcert(&dir, &["list", "--expiring-within", "30"]);
        assert_eq!(r.code, 3, "the others still remind: {}", r.stderr);
        let shown = ["First", "Second", "Third"]
            .iter()
            .filter(|n| r.stdout.contains(*n))
            .count();
        assert_eq!(shown, 2, "{}", r.stdout);
        assert!(
            r.stderr
                .contains("1 certificate in the list could not be read"),
            "{}",
            r.stderr
        );
    }
    let kept: Vec<_> = fs::read_dir(data_dir_for(&dir))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".damaged-"))
        .collect();
    assert_eq!(kept.len(), 1, "kept aside once: {kept:?}");
    let aside: serde_json::Value =
        serde_json::from_slice(&fs::read(data_dir_for(&dir).join(&kept[0])).unwrap()).unwrap();
    assert_eq!(
        aside["certificates"].as_array().unwrap().len(),
        3,
        "kept whole"
    );
    assert_eq!(authcert(&dir, &["list", "--dismiss-notice"]).code, 0);
    let r = authcert(&dir, &["list"]);
    assert!(!r.stderr.contains("could not be read"), "{}", r.stderr);
}

/// A command line stopped in the middle of a change (Ctrl-Z) holds the
/// folder's lock: the next command waits a bounded time, then says which
/// process holds it, and changes nothing. The stopped process is a real
/// `authcert list` held at the point where it has the lock (a test hook).
#[test]
fn a_lock_held_by_a_stopped_process_is_named_not_waited_on_forever() {
    let dir = scratch("list-lock-held");
    let r = generate(&dir, "Before", &days_from_today(20), None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let data = data_dir_for(&dir);
    let hold = dir.join("hold");
    fs::write(&hold, "list-lock").unwrap();
    let mut stopped = authcert_cmd(&dir, &["list"])
        .env("AUTHCERT_TEST_HOLD", &hold)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let held = dir.join("hold.held");
    while !held.exists() {
        assert!(
            stopped.try_wait().unwrap().is_none(),
            "the holder ended early"
        );
        std::thread::yield_now();
    }
    let before = fs::read(data.join("certificates.json")).unwrap();
    let end = days_from_today(20);
    for args in [
        &["list"][..],
        &[
            "generate",
            "--nickname",
            "Blocked",
            "--end-date",
            &end,
            "--out",
            "blocked.p12",
        ],
    ] {
        let r = authcert_cmd(&dir, args)
            .env("AUTHCERT_TEST_LOCK_WAIT_MS", "300")
            .output()
            .map(run_output)
            .unwrap();
        assert_eq!(r.code, 1, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains("(authcert list)") && r.stderr.contains("Ctrl-Z"),
            "{args:?}: {}",
            r.stderr
        );
        assert!(r.stdout.is_empty());
    }
    assert!(!dir.join("blocked.p12").exists());
    assert_eq!(fs::read(data.join("certificates.json")).unwrap(), before);
    // Let it go on: it ends normally, and the next command goes through.
    fs::remove_file(&hold).unwrap();
    assert!(stopped.wait().unwrap().success());
    let r = authcert(&dir, &["list"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Before"));
}

/// The data folder and the files in it are the owner's alone.
#[cfg(unix)]
#[test]
fn the_data_folder_and_its_files_are_the_owners_alone() {
    use std::os::unix::fs::PermissionsExt;
    if skip_on_windows(WINE_MODES) {
        return;
    }
    let dir = scratch("list-modes");
    let r = generate(&dir, "Modes", &days_from_today(20), None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let data = data_dir_for(&dir);
    let mode = |p: &std::path::Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    for name in [
        "certificates.json",
        "certificates.lock",
        "certificates.lock.holder",
    ] {
        assert_eq!(mode(&data.join(name)), 0o600, "{name}");
    }
}

#[test]
fn a_list_that_cannot_be_read_stops_generate_before_any_key_is_made() {
    let dir = scratch("list-unreadable");
    let data = data_dir_for(&dir);
    // A folder where the list file should be: unreadable, even for root.
    fs::create_dir_all(data.join("certificates.json")).unwrap();
    let r = generate(&dir, "Blocked", &days_from_today(30), None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("could not be read"), "{}", r.stderr);
    assert!(r.stderr.contains("No certificate was made"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert_eq!(fs::read_dir(&dir).unwrap().count(), 0);

    let r = authcert(&dir, &["list"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("could not be read"), "{}", r.stderr);
}

/// Two processes saving the same new nickname at the same moment: one keeps
/// it; the other is refused with the duplicate message (when both got past
/// the first check, by the second one under the list's lock) and leaves no
/// file behind.
#[test]
fn two_processes_saving_one_new_nickname_keep_one() {
    let dir = scratch("list-same-nickname");
    let end = days_from_today(90);
    let (mut early, mut late) = (0, 0);
    for round in 0..6 {
        let spellings = [format!("Same {round}"), format!("SAME {round}")];
        let outs: Vec<String> = (0..2).map(|i| format!("same-{round}-{i}.p12")).collect();
        // RSA 2048: both processes are past their first check while the
        // keys are made, so the second check is what decides.
        let children: Vec<_> = (0..2)
            .map(|i| {
                authcert_cmd(
                    &dir,
                    &[
                        "generate",
                        "--nickname",
                        &spellings[i],
                        "--end-date",
                        &end,
                        "--key",
                        "rsa-2048",
                        "--out",
                        &outs[i],
                    ],
                )
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
            })
            .collect();
        let runs: Vec<Run> = children
            .into_iter()
            .map(|c| run_output(c.wait_with_output().unwrap()))
            .collect();
        let winners: Vec<usize> = (0..2).filter(|i| runs[*i].code == 0).collect();
        assert_eq!(
            winners.len(),
            1,
            "round {round}: exactly one keeps it: {:?}",
            runs.iter().map(|r| &r.stderr).collect::<Vec<_>>()
        );
        let (won, lost) = (winners[0], 1 - winners[0]);
        let refused = &runs[lost];
        assert_eq!(refused.code, 2, "round {round}: {}", refused.stderr);
        assert!(
            refused.stdout.is_empty(),
            "no password for a certificate not kept"
        );
        if refused.stderr.contains("was added to the list meanwhile") {
            late += 1;
        } else {
            assert!(
                refused.stderr.contains("already exists"),
                "{}",
                refused.stderr
            );
            early += 1;
        }
        assert!(dir.join(&outs[won]).is_file());
        assert!(
            !dir.join(&outs[lost]).exists(),
            "round {round}: the refused one left a file"
        );
    }
    let r = authcert(&dir, &["list", "--json"]);
    let rows: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 6, "one record per nickname");
    println!("refused by the second check under the lock: {late}; by the first: {early}");
}
