//! `cargo bench --bench check`: `authcert check` with 50 integrations on five
//! local nginx servers with mutual TLS, side by side with what an admin
//! would script without it: 50 sequential `curl --cert-type P12` calls with
//! the same `.p12`, in one run and interleaved. Also the slowest single
//! curl request of each loop (the check's goal: ≤ 2× it).
//!
//! AUTHCERT_CLI_BINARY names the command line's binary (scripts/bench.sh
//! passes the `.deb`'s); otherwise this build's. AUTHCERT_BENCH_RUNS sets
//! the runs (default 11). Without `--bench` (as `cargo test --all-targets`
//! runs it) one short pass proves it works.

#[path = "../tests/support/secret_service.rs"]
mod secret_service;
#[path = "../tests/support/servers.rs"]
mod servers;

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

const INTEGRATIONS: usize = 50;
const SERVERS: usize = 5;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

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
            .unwrap_or(11)
    } else {
        1
    };
    let cli = std::env::var_os("AUTHCERT_CLI_BINARY")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_authcert")));
    let bus = secret_service::Bus::start("bench-check", secret_service::Keyring::Unlocked);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let pki = servers::Pki::new(&dir.join("pki"));
    let authcert = |args: &[&str]| {
        let out = Command::new(&cli)
            .args(args)
            .env("AUTHCERT_DATA_DIR", dir.join("data"))
            .env("SSL_CERT_FILE", &pki.ca)
            .env("NO_PROXY", "*")
            .envs(bus.env())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "authcert {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    };
    let p12 = dir.join("bench.p12");
    let end = (jiff::Zoned::now().date() + jiff::Span::new().days(30)).to_string();
    let out = authcert(&[
        "generate",
        "--nickname",
        "Bench",
        "--key",
        "ecdsa-p256",
        "--end-date",
        &end,
        "--out",
        p12.to_str().unwrap(),
        "--keychain",
    ]);
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
    let nginx: Vec<servers::Running> = (0..SERVERS)
        .map(|n| servers::nginx(&pki, &dir.join(format!("nginx-{n}")), Some(&cert), ""))
        .collect();
    let urls: Vec<String> = (0..INTEGRATIONS)
        .map(|n| format!("https://localhost:{}/api/{n}", nginx[n % SERVERS].port))
        .collect();
    for (n, url) in urls.iter().enumerate() {
        authcert(&[
            "integration",
            "add",
            "Bench",
            "--name",
            &format!("API {n:02}"),
            "--url",
            url,
        ]);
    }

    let (mut check, mut loops, mut slowest) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..runs + 1 {
        let start = Instant::now();
        authcert(&["check", "Bench"]);
        let check_ms = start.elapsed().as_secs_f64() * 1000.0;
        let start = Instant::now();
        let mut slow: f64 = 0.0;
        for url in &urls {
            let one = Instant::now();
            let out = Command::new("curl")
                .args([
                    "--silent",
                    "--show-error",
                    "--fail",
                    "--output",
                    "/dev/null",
                ])
                .args(["--cert-type", "P12", "--cacert"])
                .arg(&pki.ca)
                .arg("--cert")
                .arg(format!("{}:{password}", p12.display()))
                .arg(url)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "curl: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            slow = slow.max(one.elapsed().as_secs_f64() * 1000.0);
        }
        let loop_ms = start.elapsed().as_secs_f64() * 1000.0;
        if i == 0 {
            continue; // a warm-up of each
        }
        check.push(check_ms);
        loops.push(loop_ms);
        slowest.push(slow);
    }
    let (c, l, s) = (median(check), median(loops), median(slowest));
    println!("{INTEGRATIONS} integrations on {SERVERS} nginx servers on 127.0.0.1 with mutual TLS (ECDSA P-256 certificate, AES-256 file, its password in the keychain), {runs} runs, interleaved, medians in ms:\n");
    println!("| `authcert check` (process) | 50 × `curl --cert-type P12` in sequence | check ÷ curl loop (goal ≤ 0.2) | slowest single curl request | check ÷ slowest (goal ≤ 2) |");
    println!("|---|---|---|---|---|");
    println!(
        "| {c:.1} | {l:.1} | {:.2}× | {s:.1} | {:.2}× |",
        c / l,
        c / s
    );
}
