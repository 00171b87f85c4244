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
fn app_pid(app: &App, program: &str) -> u32 {
    descendants(app.driver_pid())
        .into_iter()
        .find(|p| comm(*p) == program)
        .expect("the app runs under tauri-driver")
}

/// The bare Tauri window (benches/bare-window), built beside this bench:
/// AUTHCERT_BARE_BINARY, or target/<profile>/bare-window.
fn bare_binary() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("AUTHCERT_BARE_BINARY") {
        return Some(PathBuf::from(p));
    }
    let me = std::env::current_exe().ok()?;
    let profile_dir = me.parent()?.parent()?;
    let bare = profile_dir.join("bare-window");
    bare.is_file().then_some(bare)
}

/// One cold start of `binary`: ms from the process's start to the page
/// loading and to the page's ready mark, and (when `idle`) the PSS of the
/// app and its WebKit processes a few seconds later.
struct Start {
    to_page: f64,
    to_ready: f64,
    pss: Vec<(String, u64)>,
}

fn cold_start(app: &App, program: &str, idle: Option<Duration>) -> Start {
    let pid = app_pid(app, program);
    let started = started_at_ms(pid);
    let origin = number(app.js("return performance.timeOrigin"));
    let ready = number(app.js("return window.authcert.homeReadyAt"));
    let mut pss = Vec::new();
    if let Some(wait) = idle {
        std::thread::sleep(wait);
        let mut procs = vec![pid];
        procs.extend(descendants(pid));
        pss = procs.iter().map(|p| (comm(*p), pss_kb(*p))).collect();
    }
    Start {
        to_page: origin - started,
        to_ready: ready - started,
        pss,
    }
}

fn total_mb(pss: &[(String, u64)]) -> f64 {
    pss.iter().map(|(_, kb)| *kb as f64).sum::<f64>() / 1024.0
}

fn parts(pss: &[(String, u64)]) -> String {
    pss.iter()
        .map(|(name, kb)| format!("{name} {:.1}", *kb as f64 / 1024.0))
        .collect::<Vec<_>>()
        .join(", ")
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

/// Chooses the key type, and the hash it signs with by default (the form
/// explains a hash that does not fit rather than changing it).
fn choose_key(app: &App, key: KeyType) {
    app.js(&format!(
        "const s = document.getElementById('key-type'); s.value = '{}'; s.dispatchEvent(new Event('change'));
         const h = document.getElementById('hash'); h.value = '{}'; h.dispatchEvent(new Event('change'));",
        key.token(),
        key.default_hash().token()
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

    // Cold starts and idle memory, AuthCert and a bare Tauri window of the
    // same tauri version, interleaved so that the machine's load hits both.
    let bare = bare_binary();
    const BARE_READY: &str = "return window.authcert !== undefined";
    let idle = Duration::from_secs(if measuring { 5 } else { 1 });
    let (mut to_page, mut to_home, mut to_form) = (Vec::new(), Vec::new(), Vec::new());
    let (mut bare_page, mut bare_ready) = (Vec::new(), Vec::new());
    let (mut pss, mut bare_pss) = (Vec::new(), Vec::new());
    for i in 0..runs(10) {
        let app = App::start_binary(&format!("bench-start-{i}"), &[], &binary);
        // Idle: a few seconds after start-up (the crypto warm-up and the
        // first spare key are done by then), on Home.
        let start = cold_start(&app, "authcert-app", (i < 3).then_some(idle));
        to_page.push(start.to_page);
        to_home.push(start.to_ready);
        if !start.pss.is_empty() {
            pss.push(start.pss);
        }
        to_form.push(number(app.js_async(OPEN_FORM)));
        drop(app);
        if let Some(bare) = &bare {
            let app = App::start_page(&format!("bench-bare-{i}"), &[], bare, BARE_READY);
            let start = cold_start(&app, "bare-window", (i < 3).then_some(idle));
            bare_page.push(start.to_page);
            bare_ready.push(start.to_ready);
            if !start.pss.is_empty() {
                bare_pss.push(start.pss);
            }
        }
    }
    println!(
        "Cold start, {} runs, medians in ms (process start from /proc, 10 ms resolution):\n",
        to_home.len()
    );
    println!("| window | process start → page starts loading | process start → ready (AuthCert: Home usable) | *Create* → form usable | total to a usable form |");
    println!("|---|---|---|---|---|");
    let (page, home, form) = (median(to_page), median(to_home), median(to_form));
    println!(
        "| AuthCert | {page:.0} | {home:.0} | {form:.0} | {:.0} |",
        home + form
    );
    if bare.is_some() {
        let (bpage, bready) = (median(bare_page), median(bare_ready));
        println!("| bare Tauri 2 window | {bpage:.0} | {bready:.0} | – | – |");
        println!(
            "\nAuthCert ÷ bare window, process start → ready: {:.2}× (goal ≤ 1.10×)\n",
            home / bready
        );
    }
    // Memory: the median of the measured starts, by total.
    let by_total = |mut v: Vec<Vec<(String, u64)>>| {
        v.sort_by(|a, b| total_mb(a).total_cmp(&total_mb(b)));
        v.swap_remove(v.len() / 2)
    };
    let pss = by_total(pss);
    println!(
        "Idle memory (PSS): AuthCert {:.1} MB ({}; MB)",
        total_mb(&pss),
        parts(&pss)
    );
    if bare.is_some() {
        let bare_pss = by_total(bare_pss);
        println!(
            "Idle memory (PSS): bare window {:.1} MB ({}; MB)",
            total_mb(&bare_pss),
            parts(&bare_pss)
        );
        println!(
            "\nAuthCert ÷ bare window, idle PSS: {:.2}× (goal ≤ 1.10×)\n",
            total_mb(&pss) / total_mb(&bare_pss)
        );
    } else {
        println!("\n(no bare window built: cargo build -p bare-window)\n");
    }

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
