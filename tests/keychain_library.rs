//! The keychain module's store, read and delete against a real Secret
//! Service. One test in its own binary: it points this process at a private
//! D-Bus session, which no other test may see.

#[path = "support/secret_service.rs"]
mod secret_service;

use authcert_core::keychain::{Keychain, KeychainError};
use secret_service::{Bus, Keyring};

#[test]
fn store_read_back_and_delete() {
    let bus = Bus::start("kc-library", Keyring::Unlocked);
    for (k, v) in bus.env() {
        // Only this test runs in this binary, so no other thread reads the
        // environment while it changes.
        std::env::set_var(k, v);
    }
    let keychain = Keychain::system().expect("the Secret Service answers");
    keychain.store("Library test", "first-password").unwrap();
    // The same password again is fine; another one is never put over it.
    keychain.store("Library test", "first-password").unwrap();
    assert_eq!(
        keychain
            .store("Library test", "second-password")
            .unwrap_err(),
        KeychainError::Taken("Library test".into())
    );
    assert_eq!(
        bus.lookup("Library test").as_deref(),
        Some("first-password"),
        "stored once, never replaced"
    );
    assert_eq!(
        keychain.read("Library test").unwrap().as_str(),
        "first-password"
    );
    keychain.delete("Library test").unwrap();
    assert_eq!(
        bus.lookup("Library test"),
        None,
        "secret-tool no longer finds it"
    );
    assert_eq!(
        keychain.read("Library test").unwrap_err(),
        KeychainError::NotFound
    );
    keychain
        .delete("Library test")
        .expect("deleting twice is fine");
}
