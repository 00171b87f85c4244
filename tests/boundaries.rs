//! The crate boundaries hold: the core and the command line have no Tauri,
//! WebKit or GTK crate anywhere in their dependency trees, and the `authcert`
//! program links no WebKit or GTK library.

use std::process::Command;

/// Crate-name prefixes of the window's stack.
const WINDOW_CRATES: &[&str] = &[
    "tauri",
    "wry",
    "tao",
    "webkit2gtk",
    "javascriptcore",
    "gtk",
    "gdk",
    "atk",
    "soup",
    "glib",
    "gio",
    "cairo",
    "pango",
];

fn tree(package: &str) -> Vec<String> {
    let out = Command::new(env!("CARGO"))
        .args([
            "tree",
            "--locked",
            "--package",
            package,
            "--edges",
            "normal,build",
            "--target",
            "all",
            "--prefix",
            "none",
            "--format",
            "{p}",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    assert!(
        out.status.success(),
        "cargo tree -p {package}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let crates: Vec<String> = text
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect();
    assert!(
        crates.len() > 20,
        "{package}: suspiciously small tree: {crates:?}"
    );
    crates
}

fn window_crates_in(package: &str) -> Vec<String> {
    tree(package)
        .into_iter()
        .filter(|name| {
            WINDOW_CRATES
                .iter()
                .any(|w| name == w || name.starts_with(&format!("{w}-")))
        })
        .collect()
}

#[test]
fn the_core_has_no_window_in_its_tree() {
    assert_eq!(window_crates_in("authcert-core"), Vec::<String>::new());
}

#[test]
fn the_command_line_has_no_window_in_its_tree() {
    assert_eq!(window_crates_in("authcert-cli"), Vec::<String>::new());
}

#[test]
fn the_app_does_have_the_window_so_the_check_can_fail() {
    let found = window_crates_in("authcert-app");
    for expected in ["tauri", "wry", "webkit2gtk"] {
        assert!(
            found.iter().any(|c| c == expected),
            "{expected} not in {found:?}"
        );
    }
}

/// The shared libraries a program loads, from ldd.
fn linked(program: &str) -> String {
    let out = Command::new("ldd").arg(program).output().expect("ldd runs");
    assert!(out.status.success(), "ldd {program}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_authcert_program_links_no_webkit_or_gtk() {
    let cli = linked(env!("CARGO_BIN_EXE_authcert"));
    for lib in [
        "webkit",
        "gtk",
        "gdk",
        "javascriptcore",
        "soup",
        "glib",
        "gobject",
    ] {
        assert!(!cli.contains(lib), "authcert links {lib}:\n{cli}");
    }
    // The window's program does: the same check finds them there.
    let app = linked(env!("CARGO_BIN_EXE_authcert-app"));
    for lib in ["libwebkit2gtk-4.1", "libgtk-3"] {
        assert!(
            app.contains(lib),
            "authcert-app does not link {lib}:\n{app}"
        );
    }
}
