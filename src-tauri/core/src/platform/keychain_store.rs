//! The system's keychain for keyring-core: `store()` opens it, or fails with
//! keyring-core's error when the system has none (keychain.rs turns that into
//! a plain message); `NAME` is what the admin knows it as.

pub use imp::{store, NAME};

/// Linux and the BSDs: the Secret Service over D-Bus (GNOME Keyring,
/// KWallet). Checked on Linux against a real gnome-keyring-daemon
/// (tests/keychain.rs and the end-to-end tests).
#[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]
mod imp {
    use std::sync::Arc;

    use keyring_core::CredentialStore;

    pub const NAME: &str = "desktop keyring (GNOME Keyring or KWallet)";

    pub fn store() -> keyring_core::Result<Arc<CredentialStore>> {
        let store: Arc<CredentialStore> = zbus_secret_service_keyring_store::Store::new()?;
        Ok(store)
    }
}

/// macOS: the user's login keychain (Keychain Access shows the entry under
/// the service "AuthCert"). Written from apple-native-keyring-store's API;
/// compiled and unit-tested by the release workflow's macOS job.
#[cfg(target_os = "macos")]
mod imp {
    use std::sync::Arc;

    use keyring_core::CredentialStore;

    pub const NAME: &str = "macOS Keychain";

    pub fn store() -> keyring_core::Result<Arc<CredentialStore>> {
        let store: Arc<CredentialStore> = apple_native_keyring_store::keychain::Store::new()?;
        Ok(store)
    }
}

/// Windows: Credential Manager, generic credentials (Control Panel →
/// Credential Manager → Windows Credentials shows the entry). Written from
/// windows-native-keyring-store's API; compiled and unit-tested by the
/// release workflow's Windows job.
#[cfg(target_os = "windows")]
mod imp {
    use std::sync::Arc;

    use keyring_core::CredentialStore;

    pub const NAME: &str = "Windows Credential Manager";

    pub fn store() -> keyring_core::Result<Arc<CredentialStore>> {
        let store: Arc<CredentialStore> = windows_native_keyring_store::Store::new()?;
        Ok(store)
    }
}

/// Any other system: no keychain, said plainly.
#[cfg(not(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "macos",
    target_os = "windows"
)))]
mod imp {
    use std::sync::Arc;

    use keyring_core::CredentialStore;

    pub const NAME: &str = "keychain (none on this system)";

    pub fn store() -> keyring_core::Result<Arc<CredentialStore>> {
        Err(keyring_core::Error::NoDefaultStore)
    }
}
