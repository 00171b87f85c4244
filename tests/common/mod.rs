//! Shared helpers: run the real `authcert` binary and real third-party tools.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use jiff::civil::Date;
use jiff::ToSpan;

/// The `authcert` the suites run: the one cargo built, or the program that
/// AUTHCERT_TEST_BIN names (scripts/windows.sh: authcert.exe under Wine,
/// through tests/support/wine/authcert).
pub fn bin() -> PathBuf {
    std::env::var_os("AUTHCERT_TEST_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_authcert")))
}

/// Whether the binary under test is the Windows build (under Wine).
pub fn windows() -> bool {
    std::env::var("AUTHCERT_TEST_TARGET").as_deref() == Ok("windows")
}

/// A test that cannot run against the Windows build under Wine says why
/// and stops (the README lists them): true when it should stop.
pub fn skip_on_windows(why: &str) -> bool {
    if windows() {
        eprintln!("skipped under Wine: {why}");
    }
    windows()
}

/// Why Unix modes are not checked under Wine: a file the Windows build
/// makes there gets the mode Wine maps its access list to, which says
/// nothing of what Windows does; the access list itself is checked by the
/// core's unit test under Wine (platform::files).
pub const WINE_MODES: &str =
    "Unix modes of files made under Wine are Wine's mapping of the access list (checked by the core's unit test instead)";

/// A path as the binary under test shows it: on Windows under Wine the
/// Unix path is on drive Z:, written with backslashes.
pub fn shown(path: &Path) -> String {
    if windows() && path.is_absolute() {
        format!("Z:{}", path.display()).replace('/', "\\")
    } else {
        path.display().to_string()
    }
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run_output(out: Output) -> Run {
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `authcert` with `args` in `cwd`, with a fixed time zone.
pub fn authcert(cwd: &Path, args: &[&str]) -> Run {
    authcert_cmd(cwd, args)
        .output()
        .map(run_output)
        .expect("authcert runs")
}

/// The list of certificates of runs in `cwd`: a sibling folder, so that
/// tests counting the files in `cwd` see only what they asked for.
pub fn data_dir_for(cwd: &Path) -> PathBuf {
    PathBuf::from(format!("{}.data", cwd.display()))
}

pub fn authcert_cmd(cwd: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(bin());
    c.args(args)
        .current_dir(cwd)
        .env("AUTHCERT_DATA_DIR", data_dir_for(cwd))
        .env("TZ", "Europe/Berlin")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .stdin(Stdio::null());
    c
}

/// Today in the zone the tests give the binary.
pub fn today() -> Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::get("Europe/Berlin").unwrap())
        .date()
}

pub fn days_from_today(days: i32) -> String {
    today().checked_add(days.days()).unwrap().to_string()
}

/// Runs a tool, panicking with its output if it cannot be started.
pub fn tool(program: &str, args: &[&str]) -> Run {
    Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map(run_output)
        .unwrap_or_else(|e| {
            panic!("{program} could not be started ({e}); run scripts/test.sh, which installs it")
        })
}

/// The client certificate in `p12` (opened with `password`), written to
/// `pem` for a server to trust, by OpenSSL.
pub fn certificate_pem(p12: &Path, password: &str, pem: &Path) {
    let out = Command::new("openssl")
        .args(["pkcs12", "-nokeys", "-clcerts", "-in"])
        .arg(p12)
        .arg("-out")
        .arg(pem)
        .arg("-passin")
        .arg(format!("pass:{password}"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A fresh folder under target/ for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(data_dir_for(&dir));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every file under `root`, recursively.
pub fn files_under(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// Runs `cmd` with `input` (and a line ending) on standard input.
pub fn with_stdin(cmd: &mut Command, input: &str) -> Run {
    use std::io::Write;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A process that refuses its arguments exits without reading.
    let _ = writeln!(child.stdin.take().unwrap(), "{input}");
    run_output(child.wait_with_output().unwrap())
}
