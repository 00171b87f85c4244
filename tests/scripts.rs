//! The shell scripts (scripts/, .ci/run) and the workflow's steps run under
//! `set -o pipefail`. There, `cmd | grep -q …` is a trap: grep exits at the
//! first match, `cmd` gets SIGPIPE on its next write, and pipefail turns the
//! match into a failure (a fresh CI run failed on it about one time in two).
//! `cmd | head` does the same. This test refuses both forms everywhere; read
//! the whole output first (`out=$(cmd)`, then `grep -q … <<<"$out"`).

use std::path::{Path, PathBuf};

/// Whether `line` pipes into a reader that may stop before the writer does.
fn pipes_into_an_early_exit(line: &str) -> bool {
    let code = line.split(" #").next().unwrap_or(line);
    if code.trim_start().starts_with('#') {
        return false;
    }
    // `a || b` is no pipe.
    let code = code.replace("||", " or ");
    code.split('|').skip(1).any(|stage| {
        let words: Vec<&str> = stage.split_whitespace().collect();
        match words.as_slice() {
            ["grep" | "egrep" | "fgrep", options @ ..] => {
                options.iter().take_while(|w| w.starts_with('-')).any(|w| {
                    *w == "--quiet"
                        || *w == "--silent"
                        || (!w.starts_with("--") && w.contains('q'))
                        || *w == "-m1"
                        || w.starts_with("--max-count")
                })
            }
            ["head", ..] => true,
            _ => false,
        }
    })
}

fn scripts() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join(".ci/run")];
    for dir in ["scripts", ".github/workflows", "tests/support/wine"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let shell = matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("sh" | "yml" | "yaml")
            ) || text.starts_with("#!/usr/bin/env bash")
                || text.starts_with("#!/bin/sh");
            if shell {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn no_script_pipes_into_a_reader_that_stops_early() {
    let mut found = Vec::new();
    let files = scripts();
    assert!(
        files.iter().any(|f| f.ends_with("scripts/test.sh")),
        "{files:?}"
    );
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            if pipes_into_an_early_exit(line) {
                found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "pipes into grep -q or head (SIGPIPE under pipefail); capture the output first:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_check_knows_the_trap_from_safe_forms() {
    for bad in [
        r#"rpm -qpl "$rpm" 2>/dev/null | grep -qx /usr/bin/authcert || fail"#,
        "if ldd /usr/bin/authcert | grep -Eq 'webkit|gtk'; then",
        "dpkg-deb -c x | awk '{print $6}' | grep -qx \"$f\"",
        "cmd | grep --quiet x",
        "cmd | grep -c x | head -n 1",
        "version=$(sed -n 's/x/y/p' Cargo.toml | head -n 1)",
        "  \"$bin\" list --json | grep -q '\"Release check\"'",
    ] {
        assert!(pipes_into_an_early_exit(bad), "{bad}");
    }
    for good in [
        r#"grep -qx /usr/bin/authcert <<<"$rpm_files" || fail "missing""#,
        "files=$(rpm -qpl x) || fail x",
        "cmd | grep -c x",
        "cmd | grep -E 'a|b' > /dev/null",
        "a || grep -q x file",
        "# cmd | grep -q x  (a comment)",
        "sed -n 's/x/y/p;T;q' Cargo.toml",
    ] {
        assert!(!pipes_into_an_early_exit(good), "{good}");
    }
}

/// The release builds Windows with the MSVC target and the test run lints
/// and runs the GNU one: the same code as long as none of AuthCert's own
/// code depends on the target's C runtime.
#[test]
fn no_code_of_ours_depends_on_the_windows_c_runtime() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stack = vec![root.join("src-tauri"), root.join("tests")];
    let mut found = Vec::new();
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = e.path();
            if path.is_dir() {
                if !path.ends_with("target") {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|x| x == "rs" || x == "toml") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                if text.contains(&["target", "_env"].concat()) {
                    found.push(path.display().to_string());
                }
            }
        }
    }
    assert!(found.is_empty(), "{found:?}");
}
