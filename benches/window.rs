//! `cargo bench --bench window`: the window's speed and memory, measured in
//! the real window (WebKitGTK under Xvfb, driven through WebDriver).
//!
//! - cold start: the process's start → Home usable, and *Create* → the form
//!   usable;
//! - *Generate certificate* clicked → the password on screen, per key type,
//!   once the key made ahead is ready, and when clicked at once;
//! - the memory (PSS) of the idle app and its WebKit processes.
//!
//! AUTHCERT_APP_BINARY names the binary to drive (scripts/bench.sh passes
//! the one from the `.deb`); otherwise this build's. AUTHCERT_BENCH_RUNS sets
//! the runs (default 15 per key type, 10 cold starts). Without `--bench`
//! (`cargo test --all-targets`), one short pass proves the benchmark works.

#[path = "../tests/support/webdriver.rs"]
mod webdriver;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use authcert_core::engine::{Choice, KeyType};
use serde_json::Value;
use webdriver::App;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Every process under `pid` (children first found through /proc).
fn descendants(pid: u32) -> Vec<u32> {
    let mut all = Vec::new();
    let mut todo = vec![pid];
    while let Some(parent) = todo.pop() {
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(child) = entry.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{child}/stat")) else {
                continue;
            };
            // Fields after the command name, which is in parentheses.
            let rest = &stat[stat.rfind(')').unwrap() + 2..];
            let ppid: u32 = rest.split(' ').nth(1).unwrap().parse().unwrap();
            if ppid == parent {
                all.push(child);
                todo.push(child);
            }
        }
    }
    all
}

fn comm(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// The app's process (started by WebKitWebDriver under tauri-driver).
fn app_pid(app: &App) -> u32 {
    descendants(app.driver_pid())
        .into_iter()
        .find(|p| comm(*p) == "authcert-app")
        .expect("the app runs under tauri-driver")
}

/// When `pid` started, in milliseconds since the epoch (10 ms resolution:
/// the kernel counts in clock ticks since boot).
fn started_at_ms(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    // starttime is field 22; `rest` starts at field 3.
    let ticks: f64 = rest.split(' ').nth(19).unwrap().parse().unwrap();
    let hz: f64 = String::from_utf8(
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap()
    .trim()
    .parse()
    .unwrap();
    let uptime: f64 = std::fs::read_to_string("/proc/uptime")
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    (now - uptime + ticks / hz) * 1000.0
}

/// Proportional set size of `pid` in kB.
fn pss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("Pss:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn number(v: Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// Clicks *Create* and answers, in ms, when the form is shown with the
/// nickname focused (both happen in the same task as the screen change).
const OPEN_FORM: &str = "const done = arguments[arguments.length - 1];
    const screen = document.getElementById('screen-form');
    const t0 = performance.now();
    const seen = new MutationObserver(() => {
      if (!screen.hidden && document.activeElement.id === 'nickname') {
        seen.disconnect();
        done(performance.now() - t0);
      }
    });
    seen.observe(screen, { attributes: true });
    document.getElementById('create').click();";

/// Clicks *Generate certificate* and answers [ms until the password is in
/// the page, ms until the next frame after that].
const GENERATE: &str = "const done = arguments[arguments.length - 1];
    const screen = document.getElementById('screen-ready');
    const password = document.getElementById('password');
    const t0 = performance.now();
    const seen = new MutationObserver(() => {
      if (!screen.hidden && password.textContent.length > 0) {
        seen.disconnect();
        const dom = performance.now() - t0;
        requestAnimationFrame(() => done([dom, performance.now() - t0]));
      }
    });
    seen.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    document.getElementById('generate').click();";

fn choose_key(app: &App, key: KeyType) {
    app.js(&format!(
        "const s = document.getElementById('key-type'); s.value = '{}'; s.dispatchEvent(new Event('change'));",
        key.token()
    ));
}

fn set_nickname(app: &App, nickname: &str) {
    app.js(&format!(
        "const n = document.getElementById('nickname'); n.value = '{nickname}'; n.dispatchEvent(new Event('input'));"
    ));
}

/// Leaves the one-time screen without a download and opens a fresh form;
/// `settled`: and waits as an admin filling it in would (see `settle`).
fn back_to_form(app: &App, settled: bool) {
    app.invoke("discard", serde_json::json!({})).unwrap();
    app.js("window.authcert.form.reset()");
    app.wait_screen("screen-form");
    if settled {
        settle(app);
    }
}

/// Waits for the key the form starts making when it opens (the default
/// type), as it is while an admin types a nickname: otherwise that key is
/// still being made during the next click and takes a core from it.
fn settle(app: &App) {
    app.wait(
        "the form's first key made ahead",
        "return document.getElementById('form').dataset.keyReady !== undefined",
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        return;
    }
    let measuring = args.iter().any(|a| a == "--bench");
    let runs = |default: usize| -> usize {
        match std::env::var("AUTHCERT_BENCH_RUNS") {
            Ok(v) if measuring => v.parse().unwrap_or(default),
            _ if measuring => default,
            _ => 1,
        }
    };
    let binary: PathBuf = std::env::var_os("AUTHCERT_APP_BINARY")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_BIN_EXE_authcert-app")).to_path_buf());
    println!("binary: {}\n", binary.display());

    // Cold starts.
    let (mut to_page, mut to_home, mut to_form, mut pss) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for i in 0..runs(10) {
        let app = App::start_binary(&format!("bench-start-{i}"), &[], &binary);
        let pid = app_pid(&app);
        let started = started_at_ms(pid);
        let origin = number(app.js("return performance.timeOrigin"));
        let home = number(app.js("return window.authcert.homeReadyAt"));
        to_page.push(origin - started);
        to_home.push(home - started);
        to_form.push(number(app.js_async(OPEN_FORM)));
        if i == 0 {
            // Idle: a few seconds after start-up (the crypto warm-up and the
            // first spare key are done by then), back on Home.
            app.js("window.authcert.home.open()");
            std::thread::sleep(Duration::from_secs(if measuring { 5 } else { 1 }));
            let mut procs = vec![pid];
            procs.extend(descendants(pid));
            pss = procs.iter().map(|p| (comm(*p), pss_kb(*p))).collect();
        }
    }
    println!(
        "Cold start, {} runs, medians in ms (process start from /proc, 10 ms resolution):\n",
        to_home.len()
    );
    println!("| process start → page starts loading | process start → Home usable | *Create* → form usable | total to a usable form |");
    println!("|---|---|---|---|");
    let (page, home, form) = (median(to_page), median(to_home), median(to_form));
    println!(
        "| {page:.0} | {home:.0} | {form:.0} | {:.0} |\n",
        home + form
    );

    let total: u64 = pss.iter().map(|(_, kb)| kb).sum();
    let parts: Vec<String> = pss
        .iter()
        .map(|(name, kb)| format!("{name} {:.1}", *kb as f64 / 1024.0))
        .collect();
    println!(
        "Idle memory (PSS): {:.1} MB in all ({}; MB)\n",
        total as f64 / 1024.0,
        parts.join(", ")
    );

    // Generate → password, per key type.
    let app = App::start_binary("bench-generate", &[], &binary);
    app.click("#create");
    app.wait_screen("screen-form");
    settle(&app);
    let runs = runs(15);
    let keys: &[KeyType] = if measuring {
        KeyType::ALL
    } else {
        &[KeyType::EcdsaP256]
    };
    println!("*Generate certificate* clicked → password on screen, {runs} runs per key type, medians in ms:\n");
    println!("| key | key made ahead: password in the page | … next frame | clicked at once: password in the page |");
    println!("|---|---|---|---|");
    for key in keys {
        let (mut dom, mut frame, mut at_once) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..runs {
            // As an admin who fills in the form: the key is ready by the click.
            choose_key(&app, *key);
            set_nickname(&app, &format!("Bench {} {i}", key.token()));
            app.wait(
                "the key made ahead",
                &format!(
                    "return document.getElementById('form').dataset.keyReady === '{}'",
                    key.token()
                ),
            );
            let t = app.js_async(GENERATE);
            dom.push(number(t[0].clone()));
            frame.push(number(t[1].clone()));
            back_to_form(&app, false);

            // Clicked the moment the form opens and the key type is chosen:
            // the wait the spare saves (the key being made is taken when it
            // is done).
            choose_key(&app, *key);
            set_nickname(&app, &format!("Bench at once {} {i}", key.token()));
            let t = app.js_async(GENERATE);
            at_once.push(number(t[0].clone()));
            back_to_form(&app, true);
        }
        println!(
            "| {} | {:.1} | {:.1} | {:.0} |",
            key.label(),
            median(dom),
            median(frame),
            median(at_once)
        );
    }
}
