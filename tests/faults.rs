//! Faults, each with nothing lost: a disk that fills up during the write
//! (a real tmpfs in a private mount namespace), a list locked by another
//! process, and a process killed again and again while it writes the list.
//! (A target that appears meanwhile, a missing folder, a damaged or
//! unreadable list and an absent, locked or refusing keychain are tested
//! beside the code and in tests/cli.rs, tests/list.rs and tests/keychain.rs;
//! double clicks and closing during key generation in tests/e2e.rs.)

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use authcert_core::engine::{Encryption, KeyType, SignatureHash};
use authcert_core::ids::{Fingerprint, Serial};
use authcert_core::store::{Record, Store};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_authcert")
}

fn dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("faults")
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn end_date() -> String {
    (authcert_core::engine::Clock::system().today() + jiff::Span::new().days(90)).to_string()
}

fn record(n: usize) -> Record {
    Record {
        described: authcert_core::engine::Described {
            sha256_fingerprint: Fingerprint::of(format!("FP:{n:06}").as_bytes()),
            nickname: format!("Loop {n}"),
            subject: format!("CN=Loop {n}"),
            serial: Serial::from_bytes(&n.to_be_bytes()).unwrap(),
            sha1_thumbprint: format!("{n:040X}"),
            not_before: "2026-01-01T00:00:00Z".parse().unwrap(),
            not_after: "2027-01-01T00:00:00Z".parse().unwrap(),
            zone: "UTC".into(),
            not_after_local: "2027-01-01".into(),
            key_type: KeyType::EcdsaP256,
            signature_hash: SignatureHash::Sha256,
            encryption: Encryption::Aes256,
        },
        // Long enough that each write takes a while to get through.
        certificate_pem: "A".repeat(4_000),
        file: format!("/tmp/loop-{n}.p12"),
        keychain_account: None,
        pem_file: None,
        recorded_at: "2026-01-01T00:00:00Z".parse().unwrap(),
        last_test: None,
        added: None,
        signed_by: None,
        requested_from: None,
        integrations: Vec::new(),
        replaces: None,
    }
}

/// Runs `script` as root of a private user and mount namespace, where it
/// can mount a small tmpfs at $1 (nothing outside the test sees it).
fn in_namespace(script: &str, args: &[&str]) -> String {
    let out = Command::new("unshare")
        .args([
            "--user",
            "--map-root-user",
            "--mount",
            "sh",
            "-c",
            script,
            "sh",
        ])
        .args(args)
        .output()
        .expect("unshare (util-linux) runs");
    assert!(
        out.status.success(),
        "namespace script failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_disk_that_fills_up_during_the_write_keeps_nothing_half_written() {
    let d = dir("disk-full");
    let full = d.join("full");
    let data = d.join("data");
    std::fs::create_dir_all(&full).unwrap();
    // A 64 KB tmpfs, filled to the last byte, then generate onto it.
    let report = in_namespace(
        r#"set -u
        mount -t tmpfs -o size=64k tmpfs "$1"
        head -c 1000000 /dev/zero > "$1/filler" 2>/dev/null
        AUTHCERT_DATA_DIR="$4" "$2" generate --nickname "Disk full" --end-date "$3" \
          --out "$1/new.p12" > "$1/../stdout" 2> "$1/../stderr"
        echo "exit $?"
        ls -A "$1"
        "#,
        &[
            full.to_str().unwrap(),
            bin(),
            &end_date(),
            data.to_str().unwrap(),
        ],
    );
    let stderr = std::fs::read_to_string(d.join("stderr")).unwrap();
    assert!(report.starts_with("exit 1\n"), "{report}{stderr}");
    assert_eq!(
        report.lines().skip(1).collect::<Vec<_>>(),
        ["filler"],
        "no file, no temporary file: {report}"
    );
    assert!(stderr.contains("is full"), "a plain message: {stderr}");
    assert!(
        std::fs::read(d.join("stdout")).unwrap().is_empty(),
        "no password for a file that is not there"
    );
    assert!(
        Store::at(&data).load().unwrap().records.is_empty(),
        "nothing recorded"
    );
}

#[test]
fn a_list_on_a_full_disk_loses_no_record_and_keeps_no_unlisted_file() {
    let d = dir("list-full");
    let full = d.join("full");
    std::fs::create_dir_all(&full).unwrap();
    let (first, second) = (d.join("first.p12"), d.join("second.p12"));
    // The list on a 64 KB tmpfs: one certificate recorded, the disk
    // filled, then a second certificate whose record cannot be written.
    let report = in_namespace(
        r#"set -u
        mount -t tmpfs -o size=64k tmpfs "$1"
        export AUTHCERT_DATA_DIR="$1/data"
        "$2" generate --nickname "First" --end-date "$3" --out "$4" > /dev/null 2>&1
        echo "first $?"
        head -c 1000000 /dev/zero > "$1/filler" 2>/dev/null
        "$2" generate --nickname "Second" --end-date "$3" --out "$5" 2>&1 >/dev/null
        echo "second $?"
        rm "$1/filler"
        "$2" list --json
        "#,
        &[
            full.to_str().unwrap(),
            bin(),
            &end_date(),
            first.to_str().unwrap(),
            second.to_str().unwrap(),
        ],
    );
    assert!(report.contains("first 0\n"), "{report}");
    assert!(report.contains("second 1\n"), "{report}");
    assert!(report.contains("nothing was kept"), "{report}");
    assert!(
        report.contains("\"First\""),
        "the first record is still listed: {report}"
    );
    assert!(!report.contains("\"Second\""), "{report}");
    assert!(first.exists(), "the first file is untouched");
    assert!(
        !second.exists(),
        "a file the list does not know is not kept"
    );
}

#[test]
fn a_list_locked_by_another_process_is_waited_for() {
    let d = dir("locked");
    let data = d.join("data");
    std::fs::create_dir_all(&data).unwrap();
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(data.join("certificates.lock"))
        .unwrap();
    lock.lock().unwrap();
    let mut child = Command::new(bin())
        .args([
            "generate",
            "--nickname",
            "Waited",
            "--end-date",
            &end_date(),
            "--out",
        ])
        .arg(d.join("waited.p12"))
        .env("AUTHCERT_DATA_DIR", &data)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The kernel lists the child as waiting for the lock ("->" in
    // /proc/locks): it neither failed nor went ahead.
    let pid = child.id().to_string();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("generate did not wait for the lock: {status}");
        }
        let locks = std::fs::read_to_string("/proc/locks").unwrap();
        if locks
            .lines()
            .any(|l| l.contains("->") && l.split_whitespace().any(|w| w == pid))
        {
            break;
        }
        std::thread::yield_now();
    }
    assert!(!d.join("waited.p12").exists());
    lock.unlock().unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let names: Vec<String> = Store::at(&data)
        .load()
        .unwrap()
        .records
        .into_iter()
        .map(|r| r.described.nickname)
        .collect();
    assert_eq!(names, ["Waited"]);
}

/// Not a test of its own: run by `killed_while_writing_the_list…` as a
/// child process that adds records to the list until it is killed.
#[test]
fn write_loop_child() {
    let Some(data) = std::env::var_os("AUTHCERT_FAULT_WRITE_LOOP") else {
        return;
    };
    let store = Store::at(PathBuf::from(data));
    for n in 0.. {
        store.add(record(n)).unwrap();
    }
}

#[test]
fn killed_while_writing_the_list_again_and_again_the_list_stays_loadable() {
    let d = dir("kill-loop");
    let store = Store::at(d.join("data"));
    for round in 0..20 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["write_loop_child", "--exact", "--test-threads=1"])
            .env("AUTHCERT_FAULT_WRITE_LOOP", d.join("data"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Let it write a few times (more each round, so the kill lands at
        // different points of a write), then kill it without warning.
        let want = 1 + round % 4;
        loop {
            let loaded = store.load().unwrap();
            assert!(loaded.damaged.is_empty(), "round {round}: damaged");
            if loaded.records.len() >= want {
                break;
            }
            assert!(
                child.try_wait().unwrap().is_none(),
                "the writer stopped by itself"
            );
        }
        child.kill().unwrap();
        child.wait().unwrap();
        let loaded = store.load().unwrap();
        assert!(
            loaded.damaged.is_empty(),
            "round {round}: the list was damaged by the kill"
        );
        // Every record it ever confirmed is still there.
        assert!(
            loaded.records.len() >= want,
            "round {round}: {} < {want}",
            loaded.records.len()
        );
        // Emptied for the next round, whose writer starts again at record 0.
        for r in loaded.records {
            store.remove(&r.described.sha256_fingerprint).unwrap();
        }
    }
    // No temporary file outlives the next write.
    store.add(record(999_999)).unwrap();
    let leftovers: Vec<_> = std::fs::read_dir(d.join("data"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
