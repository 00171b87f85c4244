//! `cargo bench`: per key type, the engine's time for key + certificate +
//! PKCS#12 (in process), the whole `authcert generate` process, and the
//! OpenSSL CLI pipeline doing the same work, all in the same run. Prints
//! medians and ratios as a Markdown table.
//!
//! AUTHCERT_BENCH_RUNS sets the runs per cell (default 15).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use authcert_core::engine::{self, Choice, Clock, KeyType, RawRequest, Request};

#[global_allocator]
static ALLOC: authcert_core::wipe_alloc::WipeOnFree = authcert_core::wipe_alloc::WipeOnFree;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

fn openssl_newkey(key: KeyType) -> Vec<&'static str> {
    match key {
        KeyType::Rsa2048 => vec!["-newkey", "rsa:2048"],
        KeyType::Rsa3072 => vec!["-newkey", "rsa:3072"],
        KeyType::Rsa4096 => vec!["-newkey", "rsa:4096"],
        KeyType::EcdsaP256 => vec!["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
        KeyType::EcdsaP384 => vec!["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"],
    }
}

/// `openssl req -x509 -newkey …` then `openssl pkcs12 -export …` with the
/// same profile: AES-256 PBES2, 10 000 iterations, HMAC-SHA256 MAC.
fn openssl_pipeline(dir: &Path, key: KeyType, hash: &str, i: usize) {
    let (k, c, p) = (
        dir.join(format!("k{i}.pem")),
        dir.join(format!("c{i}.pem")),
        dir.join(format!("o{i}.p12")),
    );
    let mut req = Command::new("openssl");
    req.args([
        "req",
        "-x509",
        "-noenc",
        "-subj",
        "/CN=bench",
        "-days",
        "365",
        &format!("-{hash}"),
    ])
    .args(openssl_newkey(key))
    .args([
        "-addext",
        "basicConstraints=critical,CA:FALSE",
        "-addext",
        "keyUsage=critical,digitalSignature",
        "-addext",
        "extendedKeyUsage=clientAuth",
    ])
    .arg("-keyout")
    .arg(&k)
    .arg("-out")
    .arg(&c)
    .stdout(Stdio::null())
    .stderr(Stdio::null());
    assert!(req.status().unwrap().success());
    let status = Command::new("openssl")
        .args([
            "pkcs12",
            "-export",
            "-name",
            "bench",
            "-keypbe",
            "AES-256-CBC",
            "-certpbe",
            "AES-256-CBC",
            "-iter",
            "10000",
            "-macalg",
            "sha256",
            "-passout",
            "pass:Bench-Password-123456",
        ])
        .arg("-inkey")
        .arg(&k)
        .arg("-in")
        .arg(&c)
        .arg("-out")
        .arg(&p)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    for f in [k, c, p] {
        let _ = std::fs::remove_file(f);
    }
}

/// In a child process of this benchmark: the first key of the process (which
/// starts aws-lc and seeds its random generator: about 40-60 ms while AWS-LC
/// ran its CPU-jitter entropy collector first, see .cargo/config.toml) and
/// the second, in nanoseconds.
fn first_call_child() {
    let t = Instant::now();
    engine::certificate::generate_key(engine::Signing::default_for(KeyType::EcdsaP256)).unwrap();
    let first = t.elapsed();
    let t = Instant::now();
    engine::certificate::generate_key(engine::Signing::default_for(KeyType::EcdsaP256)).unwrap();
    println!("{} {}", first.as_nanos(), t.elapsed().as_nanos());
}

/// The first crypto call's extra cost, from `runs` fresh processes.
fn first_call(runs: usize) -> (Duration, Duration) {
    let (mut first, mut second) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let out = Command::new(std::env::current_exe().unwrap())
            .env("AUTHCERT_BENCH_FIRST_CALL", "1")
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let mut nanos = text
            .split_whitespace()
            .map(|n| Duration::from_nanos(n.parse().unwrap()));
        first.push(nanos.next().unwrap());
        second.push(nanos.next().unwrap());
    }
    (median(first), median(second))
}

fn main() {
    if std::env::var_os("AUTHCERT_BENCH_FIRST_CALL").is_some() {
        return first_call_child();
    }
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        return;
    }
    // `cargo bench` passes --bench; `cargo test --all-targets` does not, and
    // then one run of each path (P-256 only) proves the benchmark still works.
    let measuring = args.iter().any(|a| a == "--bench");
    let runs: usize = match std::env::var("AUTHCERT_BENCH_RUNS") {
        Ok(v) if measuring => v.parse().unwrap_or(15),
        _ if measuring => 15,
        _ => 1,
    };
    let keys: &[KeyType] = if measuring {
        KeyType::ALL
    } else {
        &[KeyType::EcdsaP256]
    };
    let bin = env!("CARGO_BIN_EXE_authcert");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let clock = Clock::system();
    let end = engine::EndDateRange::default_end(clock.today(), None).to_string();

    // Warm-up: the first crypto call in a process starts aws-lc.
    let warm = RawRequest {
        nickname: "warm".into(),
        end_date: end.clone(),
        key_type: Some("ecdsa-p256".into()),
        ..Default::default()
    };
    engine::issue(&Request::parse(&warm, clock.today(), []).unwrap(), &clock).unwrap();

    // The command line's start: `authcert --version`, a whole process.
    let mut version = Vec::new();
    for _ in 0..runs.max(5) * 2 {
        let t = Instant::now();
        let status = Command::new(bin)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        version.push(t.elapsed());
        assert!(status.success());
    }
    println!(
        "`authcert --version`, a whole process: {} ms (median of {}; goal ≤ 5 ms).\n",
        ms(median(version.clone())),
        version.len()
    );

    let (first, second) = first_call(runs);
    println!(
        "First P-256 key of a process (starts aws-lc and seeds its random generator from the OS): {} ms; the second: {} ms ({runs} processes, medians).\n",
        ms(first),
        ms(second)
    );
    // An RSA key takes a random search for two primes: the time of one run
    // spreads over a factor of ten, and 15 runs moved its median by up to
    // two from one run of the benchmark to the next. Three times the runs.
    let runs_for = |key: KeyType| match key {
        KeyType::Rsa2048 | KeyType::Rsa3072 | KeyType::Rsa4096 => runs * 3,
        KeyType::EcdsaP256 | KeyType::EcdsaP384 => runs,
    };
    println!("medians in ms; hash SHA-256, AES-256 profile, 10 000 iterations\n");
    println!("| key | runs | engine (in process) | engine, key made ahead | `authcert generate` (process) | OpenSSL CLI pipeline | OpenSSL ÷ engine | process ÷ OpenSSL (goal ≤ 0.5 for P-256 and RSA 3072) |");
    println!("|---|---|---|---|---|---|---|---|");
    for key in keys {
        let runs = runs_for(*key);
        let hash = key.default_hash().token();
        let raw = RawRequest {
            nickname: format!("bench {}", key.token()),
            end_date: end.clone(),
            key_type: Some(key.token().into()),
            signature_hash: Some(hash.into()),
            ..Default::default()
        };
        let request = Request::parse(&raw, clock.today(), []).unwrap();
        let (mut e, mut a, mut p, mut o) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        // Interleaved, so that load on the machine hits all three alike.
        for i in 0..runs {
            let t = Instant::now();
            let issued = engine::issue(&request, &clock).unwrap();
            e.push(t.elapsed());
            drop(issued);

            // What Generate costs in the window once the spare is ready.
            let made =
                engine::certificate::generate_key(engine::Signing::default_for(*key)).unwrap();
            let t = Instant::now();
            let issued = engine::issue_with_key(&request, &clock, made).unwrap();
            a.push(t.elapsed());
            drop(issued);

            let out = dir.join(format!("p{i}.p12"));
            let t = Instant::now();
            let status = Command::new(bin)
                .args([
                    "generate",
                    "--nickname",
                    &format!("bench {} {i}", key.token()),
                    "--end-date",
                    &end,
                    "--key",
                    key.token(),
                    "--hash",
                    hash,
                    "--out",
                ])
                .arg(&out)
                // A list of its own, not the admin's, one per key type: each
                // row's processes meet a list of the same length (0 to runs
                // records), however many runs the rows before it made.
                .env(
                    "AUTHCERT_DATA_DIR",
                    dir.join(format!("data-{}", key.token())),
                )
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .unwrap();
            p.push(t.elapsed());
            assert!(status.success());
            let _ = std::fs::remove_file(&out);

            let t = Instant::now();
            openssl_pipeline(&dir, *key, hash, i);
            o.push(t.elapsed());
        }
        let (e, a, p, o) = (median(e), median(a), median(p), median(o));
        println!(
            "| {} | {runs} | {} | {} | {} | {} | {:.1}× | {:.2}× |",
            key.label(),
            ms(e),
            ms(a),
            ms(p),
            ms(o),
            o.as_secs_f64() / e.as_secs_f64(),
            p.as_secs_f64() / o.as_secs_f64()
        );
    }
}
