//! How the window's page is painted: on the CPU on Linux (src-tauri/main.rs;
//! Skia on Mesa's software GPU cost the web process 25–50 MB, see
//! BENCHMARKS.md), unless the admin chose otherwise. Read from the real web
//! process's environment, which WebKit reads the choice from.

#[path = "support/webdriver.rs"]
mod webdriver;

use webdriver::App;

const VAR: &str = "WEBKIT_SKIA_ENABLE_CPU_RENDERING";

/// The value of VAR in the environment of this app's WebKitWebProcess (the
/// one whose DISPLAY is the app's own X display).
fn web_process_setting(app: &App) -> Option<String> {
    let display = format!("DISPLAY={}", app.display);
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let path = entry.path();
        let comm = std::fs::read_to_string(path.join("comm")).unwrap_or_default();
        if comm.trim() != "WebKitWebProces" {
            continue;
        }
        let Ok(environ) = std::fs::read(path.join("environ")) else {
            continue;
        };
        let vars: Vec<String> = environ
            .split(|b| *b == 0)
            .map(|v| String::from_utf8_lossy(v).into_owned())
            .collect();
        if vars.contains(&display) {
            found.push(
                vars.iter()
                    .find_map(|v| v.strip_prefix(&format!("{VAR}=")).map(str::to_string)),
            );
        }
    }
    assert_eq!(found.len(), 1, "one web process on {display}");
    found.remove(0)
}

#[test]
fn the_page_is_painted_on_the_cpu() {
    // The app inherits this test's environment.
    assert!(
        std::env::var_os(VAR).is_none(),
        "run this test without {VAR} set"
    );
    let app = App::start("painting-default", &[]);
    assert_eq!(web_process_setting(&app).as_deref(), Some("1"));
}

#[test]
fn the_admins_own_choice_is_kept() {
    let app = App::start("painting-admin", &[(VAR, "0")]);
    assert_eq!(web_process_setting(&app).as_deref(), Some("0"));
}
