//! `authcert generate --keychain` against a real Secret Service (GNOME
//! Keyring on a private D-Bus session), and against real absent or locked ones.

mod common;
#[path = "support/secret_service.rs"]
mod secret_service;

use common::*;
use secret_service::{Bus, Keyring};

fn generate_with_keychain(env: Vec<(&str, String)>, dir: &std::path::Path, nickname: &str) -> Run {
    let end = days_from_today(60);
    let out = authcert_cmd(
        dir,
        &[
            "generate",
            "--nickname",
            nickname,
            "--end-date",
            &end,
            "--key",
            "ecdsa-p256",
            "--out",
            "k.p12",
            "--keychain",
        ],
    )
    .envs(env)
    .output()
    .unwrap();
    run_output(out)
}

/// A refused `--keychain`: exit 1, the reason on stderr, nothing anywhere.
fn assert_nothing_saved(r: &Run, dir: &std::path::Path, reason: &str) {
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains(reason), "{}", r.stderr);
    assert!(r.stderr.contains("Nothing was saved"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert_eq!(std::fs::read_dir(dir).unwrap().count(), 0);
}

#[test]
fn the_password_is_stored_and_secret_tool_reads_it_back() {
    let bus = Bus::start("kc-store", Keyring::Unlocked);
    let dir = scratch("kc-store");
    let r = generate_with_keychain(bus.env(), &dir, "Keychain Billing");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let password = r.stdout.trim();
    assert!(
        r.stderr
            .contains("service \"AuthCert\", account \"Keychain Billing ("),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains(password));
    assert_eq!(
        bus.lookup_certificate("Keychain Billing").as_deref(),
        Some(password)
    );
    assert!(dir.join("k.p12").exists());
}

/// A nickname at the 64-character limit, in another script: its account
/// (nickname and fingerprint) and its password are stored whole and read
/// back — in Windows' Credential Manager under Wine, whose user name and
/// target name have limits of their own — and `authcert test --nickname`
/// finds the password there again.
#[test]
fn a_nickname_at_the_limit_keeps_its_password() {
    let bus = Bus::start("kc-long", Keyring::Unlocked);
    let dir = scratch("kc-long");
    let nickname: String = "Überweisung-".chars().cycle().take(64).collect();
    assert_eq!(nickname.chars().count(), 64);
    let r = generate_with_keychain(bus.env(), &dir, &nickname);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let password = r.stdout.trim();
    assert_eq!(bus.lookup_certificate(&nickname).as_deref(), Some(password));
    // Read back by AuthCert itself: the password is what opens the file
    // (the test stops at an address nothing listens on).
    let r = authcert_cmd(
        &dir,
        &[
            "test",
            "https://127.0.0.1:9/",
            "--nickname",
            &nickname,
            "--timeout",
            "2",
            "--json",
        ],
    )
    .envs(bus.env())
    .output()
    .map(run_output)
    .unwrap();
    assert_eq!(
        r.code, 7,
        "unreachable, after the file opened: {}",
        r.stderr
    );
    assert!(r.stdout.contains("\"unreachable\""), "{}", r.stdout);
}

#[test]
fn no_dbus_session_says_so_and_saves_nothing() {
    if common::skip_on_windows("Windows Credential Manager is always there for a logged-in user; Wine cannot make it missing or locked") {
        return;
    }
    let dir = scratch("kc-nobus");
    let nowhere = vec![
        (
            "DBUS_SESSION_BUS_ADDRESS",
            format!("unix:path={}", dir.join("no-such-socket").display()),
        ),
        (
            "XDG_RUNTIME_DIR",
            dir.join("no-runtime-dir").display().to_string(),
        ),
    ];
    let r = generate_with_keychain(nowhere, &dir, "No bus");
    assert_nothing_saved(&r, &dir, "No keychain service is running");
}

#[test]
fn a_session_without_a_provider_says_so_and_saves_nothing() {
    if common::skip_on_windows("Windows Credential Manager is always there for a logged-in user; Wine cannot make it missing or locked") {
        return;
    }
    let bus = Bus::start("kc-noprovider", Keyring::None);
    let dir = scratch("kc-noprovider");
    let r = generate_with_keychain(bus.env(), &dir, "No provider");
    assert_nothing_saved(&r, &dir, "no keyring is running");
}

#[test]
fn a_locked_keyring_says_so_and_saves_nothing() {
    if common::skip_on_windows("Windows Credential Manager is always there for a logged-in user; Wine cannot make it missing or locked") {
        return;
    }
    let bus = Bus::start("kc-locked", Keyring::Locked);
    let dir = scratch("kc-locked");
    let r = generate_with_keychain(bus.env(), &dir, "Locked");
    assert_nothing_saved(&r, &dir, "The keychain is locked");
    assert_eq!(bus.lookup_certificate("Locked"), None);
}
