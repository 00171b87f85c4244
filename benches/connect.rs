//! `cargo bench --bench connect`: *Test with your API* against a local
//! nginx with mutual TLS, side by side with curl making the same request
//! with the same `.p12` (`curl --cert-type P12 --cert FILE:PASSWORD`), in one
//! run and interleaved:
//!
//! - the whole `authcert test URL --p12 FILE --password-stdin` process;
//! - the whole curl process;
//! - in the real window (details of the listed certificate, its password
//!   typed): *Test* clicked → the verdict on screen, timed in the page.
//!
//! AUTHCERT_APP_BINARY names the window's binary (scripts/bench.sh passes the
//! `.deb`'s), AUTHCERT_CLI_BINARY the command line's; otherwise this build's.
//! AUTHCERT_BENCH_RUNS sets the runs (default 21). Without `--bench` (as
//! `cargo test --all-targets` runs it) one short pass proves it works.

#[path = "../tests/support/servers.rs"]
mod servers;
#[path = "../tests/support/webdriver.rs"]
mod webdriver;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::{json, Value};
use webdriver::App;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn binary(var: &str, built: &str) -> PathBuf {
    std::env::var_os(var)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(built))
}

/// Runs `cmd` with `stdin`, returns the milliseconds it took and its output.
fn timed(cmd: &mut Command, stdin: &str) -> (f64, std::process::Output) {
    let start = Instant::now();
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (start.elapsed().as_secs_f64() * 1000.0, out)
}

/// In the details' test dialog: *Test* clicked → the verdict shown, in ms.
const CLICK_TO_VERDICT: &str = "
    const [password, done] = [arguments[0], arguments[arguments.length - 1]];
    const box = document.getElementById('test-result');
    box.hidden = true;
    document.getElementById('test-password').value = password;
    const t0 = performance.now();
    const seen = new MutationObserver(() => {
        if (!box.hidden) {
            seen.disconnect();
            requestAnimationFrame(() => done([performance.now() - t0,
                document.getElementById('test-headline').textContent]));
        }
    });
    seen.observe(box, { attributes: true });
    document.getElementById('test-run').click();";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        return;
    }
    let measuring = args.iter().any(|a| a == "--bench");
    let runs = if measuring {
        std::env::var("AUTHCERT_BENCH_RUNS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(21)
    } else {
        1
    };
    let cli = binary("AUTHCERT_CLI_BINARY", env!("CARGO_BIN_EXE_authcert"));
    let app_binary = binary("AUTHCERT_APP_BINARY", env!("CARGO_BIN_EXE_authcert-app"));

    // The server's authority is trusted alike by all three: curl's
    // --cacert, SSL_CERT_FILE for AuthCert (the system's trust store on
    // Linux, read by rustls-platform-verifier).
    let tmp = tempfile::tempdir().unwrap();
    let pki = servers::Pki::new(&tmp.path().join("pki"));
    let ca = pki.ca.to_str().unwrap().to_string();
    let app = App::start_binary(
        "bench-connect",
        &[("NO_PROXY", "*"), ("SSL_CERT_FILE", &ca)],
        &app_binary,
    );
    let dir = app.dir.clone();
    let data = dir.join("home/.local/share/org.authcert.authcert");
    let p12 = dir.join("bench.p12");
    let out = Command::new(&cli)
        .args([
            "generate",
            "--nickname",
            "Bench",
            "--key",
            "ecdsa-p256",
            "--end-date",
        ])
        .arg((jiff::Zoned::now().date() + jiff::Span::new().days(30)).to_string())
        .arg("--out")
        .arg(&p12)
        .env("AUTHCERT_DATA_DIR", &data)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let password = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let cert = dir.join("bench-cert.pem");
    let out = Command::new("openssl")
        .args(["pkcs12", "-nokeys", "-clcerts", "-passin"])
        .arg(format!("pass:{password}"))
        .arg("-in")
        .arg(&p12)
        .output()
        .unwrap();
    std::fs::write(&cert, out.stdout).unwrap();
    let nginx = servers::nginx(&pki, &dir.join("nginx"), Some(&cert), "");
    let url = format!("https://localhost:{}/", nginx.port);

    // The window: Home (which now lists it) → details → the test dialog.
    app.js("return window.authcert.home.open().then(() => true)");
    app.wait(
        "the listed certificate",
        "return document.querySelectorAll('#rows tr').length === 1",
    );
    app.js("document.querySelector('#rows tr button').click(); return true");
    app.wait_screen("screen-details");
    app.click("#d-test");
    app.type_into("#test-url", &url);

    let mut authcert = Vec::new();
    let mut curl = Vec::new();
    let mut window = Vec::new();
    for i in 0..runs + 1 {
        let (ms, out) = timed(
            Command::new(&cli)
                .args(["test", &url, "--p12"])
                .arg(&p12)
                .arg("--password-stdin")
                .env("AUTHCERT_DATA_DIR", dir.join("cli-data"))
                .env("SSL_CERT_FILE", &ca)
                .env("NO_PROXY", "*"),
            &format!("{password}\n"),
        );
        assert!(
            out.status.success(),
            "authcert test: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        let (curl_ms, out) = timed(
            Command::new("curl")
                .args([
                    "--silent",
                    "--show-error",
                    "--fail",
                    "--output",
                    "/dev/null",
                    "--cert-type",
                    "P12",
                ])
                .arg("--cacert")
                .arg(&pki.ca)
                .arg("--cert")
                .arg(format!("{}:{password}", p12.display()))
                .arg(&url),
            "",
        );
        assert!(
            out.status.success(),
            "curl: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = app.js_async_with(CLICK_TO_VERDICT, json!([password]));
        assert!(v[1].as_str().unwrap().starts_with("Accepted"), "{v}");
        if i == 0 {
            continue; // the first of each is a warm-up
        }
        authcert.push(ms);
        curl.push(curl_ms);
        window.push(v[0].as_f64().unwrap());
    }
    drop(app);
    let (a, c, w) = (median(authcert), median(curl), median(window));
    println!("Against nginx on 127.0.0.1 with mutual TLS (ECDSA P-256 certificate, AES-256 file), {runs} runs, interleaved, medians in ms:\n");
    println!("| `authcert test` (process) | curl (process) | authcert ÷ curl (goal ≤ 1.0) | window: *Test* → verdict on screen | window − curl (goal ≤ 100 ms) |");
    println!("|---|---|---|---|---|");
    println!(
        "| {a:.1} | {c:.1} | {:.2}× | {w:.1} | {:+.1} |",
        a / c,
        w - c
    );
}
