//! The authority's key is checked against its certificate before anything
//! is signed: with a real Secret Service (GNOME Keyring on a private bus)
//! whose entry for the authority holds another RSA key — what another tool,
//! a stale entry or a mix-up leaves — `generate --signed-by-authority`,
//! `authority crl` and `authority backup` refuse with a plain message and
//! write nothing. One test in its own binary: it points this process at a
//! private D-Bus session, which no other test may see.

mod common;
#[path = "support/secret_service.rs"]
mod secret_service;

use std::path::Path;

use authcert_core::keychain::Keychain;
use common::{authcert_cmd, days_from_today, run_output, Run};
use secret_service::{Bus, Keyring};

fn run(bus: &Bus, dir: &Path, data: &Path, args: &[&str]) -> Run {
    let out = authcert_cmd(dir, args)
        .env("AUTHCERT_DATA_DIR", data)
        .envs(bus.env())
        .output()
        .unwrap();
    run_output(out)
}

#[test]
fn another_key_in_the_keychain_signs_nothing() {
    let bus = Bus::start("authority-key-mismatch", Keyring::Unlocked);
    for (k, v) in bus.env() {
        // Only this test runs in this binary, so no other thread reads the
        // environment while it changes.
        std::env::set_var(k, v);
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let data = dir.join("data");
    let r = run(&bus, dir, &data, &["authority", "create", "--name", "Acme"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let store = authcert_core::store::Store::at(&data);
    let authority = authcert_core::authority::load(&store).unwrap().unwrap();

    // Another RSA 3072 key under the authority's account.
    let keychain = Keychain::system().expect("the Secret Service answers");
    let own = keychain.read_secret(&authority.keychain_account).unwrap();
    let other = authcert_core::authority::profile::generate_key().unwrap();
    keychain.delete(&authority.keychain_account).unwrap();
    keychain
        .store_secret(&authority.keychain_account, other.serialized_der())
        .unwrap();

    let p12 = dir.join("signed.p12");
    let r = run(
        &bus,
        dir,
        &data,
        &[
            "generate",
            "--nickname",
            "Signed",
            "--end-date",
            &days_from_today(30),
            "--signed-by-authority",
            "--out",
            p12.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.is_empty(), "no password: {}", r.stdout);
    assert!(
        r.stderr.contains("is not the authority's key")
            && r.stderr.contains("restore it from its backup"),
        "{}",
        r.stderr
    );
    assert!(!p12.exists());
    for (args, file) in [
        (["authority", "crl", "--out"], dir.join("crl.pem")),
        (["authority", "backup", "--out"], dir.join("backup.p12")),
    ] {
        let mut args = args.to_vec();
        let path = file.to_str().unwrap();
        args.push(path);
        let r = run(&bus, dir, &data, &args);
        assert_ne!(r.code, 0, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains("is not the authority's key"),
            "{args:?}: {}",
            r.stderr
        );
        assert!(!file.exists(), "{args:?}");
    }
    let r = run(&bus, dir, &data, &["list", "--json"]);
    assert_eq!(r.stdout.trim(), "[]", "nothing listed as signed by it");

    // The right key back: it signs again.
    keychain.delete(&authority.keychain_account).unwrap();
    keychain
        .store_secret(&authority.keychain_account, &own)
        .unwrap();
    let r = run(
        &bus,
        dir,
        &data,
        &[
            "generate",
            "--nickname",
            "Signed",
            "--end-date",
            &days_from_today(30),
            "--signed-by-authority",
            "--out",
            p12.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}
