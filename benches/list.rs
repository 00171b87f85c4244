//! `cargo bench --bench list`: the list of certificates with 1,000 records.
//! Measures what Home and `authcert list` do: load (read, parse, sort),
//! compute every status, and filter by a word; and one record added to the
//! full list (lock, read, write atomically). Prints medians in milliseconds.
//!
//! Without `--bench` (as `cargo test --all-targets` runs it) one round
//! proves the benchmark still works.

use std::time::{Duration, Instant};

use authcert_core::engine::{self, Clock, RawRequest, Request};
use authcert_core::ids::Fingerprint;
use authcert_core::store::{Record, Store, DEFAULT_REMINDER_DAYS};

fn median(mut v: Vec<Duration>) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64() * 1000.0
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        return;
    }
    let runs = if args.iter().any(|a| a == "--bench") {
        30
    } else {
        1
    };
    let clock = Clock::system();

    // One real certificate; its facts repeated under 1,000 names and
    // fingerprints (the size of each record is what matters).
    let raw = RawRequest {
        nickname: "Bench".into(),
        end_date: engine::EndDateRange::default_end(clock.today(), None).to_string(),
        key_type: Some("ecdsa-p256".into()),
        ..RawRequest::default()
    };
    let request = Request::parse(&raw, clock.today(), []).expect("valid request");
    let issued = engine::issue(&request, &clock).expect("issued");
    let dir = tempfile::tempdir().expect("temp dir");
    let records: Vec<Record> = (0..1000)
        .map(|i| {
            let mut facts = issued.facts.clone();
            facts.described.nickname = format!("Integration {i:04}");
            facts.described.sha256_fingerprint = Fingerprint::of(format!("{i}").as_bytes());
            facts.described.not_after += jiff::SignedDuration::from_hours(i64::from(i) * 24);
            Record::new(
                &facts,
                &dir.path().join(format!("{i}.p12")),
                (i % 3 == 0).then(|| format!("Integration {i:04} ({i:08X})")),
                clock.now,
            )
        })
        .collect();
    let file =
        serde_json::json!({ "format": authcert_core::store::FORMAT, "certificates": records });
    std::fs::write(
        dir.path().join("certificates.json"),
        serde_json::to_vec_pretty(&file).expect("json"),
    )
    .expect("list written");
    let size = std::fs::metadata(dir.path().join("certificates.json")).map_or(0, |m| m.len());
    let store = Store::at(dir.path());

    let (mut load, mut status, mut filter, mut add) = (vec![], vec![], vec![], vec![]);
    for i in 0..runs {
        let t = Instant::now();
        let loaded = store.load().expect("loads");
        load.push(t.elapsed());
        assert_eq!(loaded.records.len(), 1000 + i);

        let t = Instant::now();
        let texts: Vec<String> = loaded
            .records
            .iter()
            .map(|r| {
                r.status(clock.now, &clock.zone, DEFAULT_REMINDER_DAYS)
                    .text()
            })
            .collect();
        status.push(t.elapsed());
        assert_eq!(texts.len(), loaded.records.len());

        let t = Instant::now();
        let hits = loaded
            .records
            .iter()
            .filter(|r| r.described.nickname.to_lowercase().contains("0042"))
            .count();
        filter.push(t.elapsed());
        assert_eq!(hits, 1);

        let mut extra = loaded.records[0].clone();
        extra.described.sha256_fingerprint = Fingerprint::of(format!("extra {i}").as_bytes());
        let t = Instant::now();
        store.add(extra).expect("added");
        add.push(t.elapsed());
    }
    println!(
        "1,000 records, list file {} KB, {runs} runs, medians:",
        size / 1024
    );
    println!("| load (read, parse, sort) | statuses | filter | add one (locked atomic write) |");
    println!("|---|---|---|---|");
    println!(
        "| {:.1} ms | {:.2} ms | {:.3} ms | {:.1} ms |",
        median(load),
        median(status),
        median(filter),
        median(add)
    );
}
