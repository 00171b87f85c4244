//! The operating system's keychain, through keyring-core and one store per
//! system. A store is opened for every call, so a keychain that was missing
//! or locked at the first try works on the next one without a restart.
//!
//! Entries: service `AuthCert`, account = the certificate's nickname and the
//! first eight hex digits of its SHA-256 fingerprint, e.g. `Billing API
//! (3FA2C901)`: an entry belongs to one certificate, so a new certificate
//! that reuses a nickname never overwrites an older one's password.

use std::sync::Arc;

use keyring_core::{CredentialStore, Entry, Error};
use zeroize::Zeroizing;

use crate::ids::Fingerprint;

/// The service name under which every password is stored.
pub const SERVICE: &str = "AuthCert";

/// The keychain account of a certificate: its nickname and the first eight
/// hex digits of its SHA-256 fingerprint.
pub fn account_for(nickname: &str, sha256_fingerprint: &Fingerprint) -> String {
    format!("{nickname} ({})", sha256_fingerprint.short())
}

/// Where a password is stored, in words: "Password stored in the …
/// (service “AuthCert”, account “…”)".
pub fn where_stored(account: &str) -> String {
    format!(
        "Password stored in the {} (service “{}”, account “{}”)",
        system_name(),
        SERVICE,
        account
    )
}

/// What the admin knows the keychain as, on this system.
pub fn system_name() -> &'static str {
    crate::platform::keychain_store::NAME
}

/// Why the keychain could not be used, and what to do next.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeychainError {
    #[error("No keychain service is running on this computer ({0}). Keep the password in your password manager; on Linux, a desktop keyring such as GNOME Keyring or KWallet provides one.")]
    NoService(String),
    #[error("The keychain is locked. Unlock it (log in to your desktop session, or open your keyring) and try again.")]
    Locked,
    #[error("The keychain refused access. Allow AuthCert when your system asks, or keep the password in your password manager.")]
    Denied,
    #[error("No password for this certificate is stored in the keychain. Type the password you saved when you made it.")]
    NotFound,
    #[error("The keychain is not supported by this build of AuthCert on this system yet. Keep the password in your password manager.")]
    Unsupported,
    #[error("The keychain already holds another password under “{0}”; AuthCert never replaces it. Remove that entry in your keychain tool if it is not needed, then try again.")]
    Taken(String),
    #[error("The keychain did not answer as expected ({0}). Try again; if it keeps failing, restart your session or check your keychain tool.")]
    Other(String),
}

impl KeychainError {
    /// Why the keychain could not be used, with no advice about a password
    /// (for a key, which has no other home).
    pub fn reason(&self) -> String {
        match self {
            KeychainError::NoService(why) => {
                format!("no keychain service is running on this computer ({why})")
            }
            KeychainError::Locked => {
                "it is locked (unlock it: log in to your desktop session, or open your keyring)"
                    .into()
            }
            KeychainError::Denied => {
                "it refused access (allow AuthCert when your system asks)".into()
            }
            KeychainError::NotFound => "the entry is not there".into(),
            KeychainError::Unsupported => {
                "this build of AuthCert does not support it on this system yet".into()
            }
            KeychainError::Taken(account) => {
                format!("it already holds another entry under “{account}”")
            }
            KeychainError::Other(why) => format!("it did not answer as expected ({why})"),
        }
    }

    fn from_keyring(e: Error) -> KeychainError {
        match e {
            Error::NoEntry => KeychainError::NotFound,
            Error::NoStorageAccess(inner) => {
                let text = inner.to_string().to_lowercase();
                if text.contains("denied") || text.contains("dismissed") {
                    KeychainError::Denied
                } else {
                    KeychainError::Locked
                }
            }
            Error::PlatformFailure(inner) => classify_platform(&inner.to_string()),
            Error::NoDefaultStore | Error::NotSupportedByStore(_) => KeychainError::Unsupported,
            other => KeychainError::Other(other.to_string()),
        }
    }
}

/// Tells "nothing answers" apart from other failures of the platform.
fn classify_platform(detail: &str) -> KeychainError {
    let lower = detail.to_lowercase();
    let absent = [
        "serviceunknown",
        "was not provided by any .service files",
        "no such file or directory",
        "connection refused",
        "failed to connect",
        "dbus_session_bus_address",
    ];
    if absent.iter().any(|a| lower.contains(a)) {
        let why = if lower.contains("serviceunknown") || lower.contains(".service files") {
            "no keyring is running in this session"
        } else {
            "no desktop session to reach one"
        };
        KeychainError::NoService(why.into())
    } else if lower.contains("denied") || lower.contains("not authorized") {
        KeychainError::Denied
    } else {
        KeychainError::Other(detail.chars().take(300).collect())
    }
}

/// Where keychains come from: the system's (opened afresh for every call),
/// or one fixed store (the tests' mock store, to inject faults).
#[derive(Clone, Default)]
pub enum Keychains {
    #[default]
    System,
    Fixed(Arc<CredentialStore>),
}

impl Keychains {
    pub fn open(&self) -> Result<Keychain, KeychainError> {
        match self {
            Keychains::System => Keychain::system(),
            Keychains::Fixed(store) => Ok(Keychain::with_store(store.clone())),
        }
    }
}

impl std::fmt::Debug for Keychains {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Keychains::System => "Keychains::System",
            Keychains::Fixed(_) => "Keychains::Fixed",
        })
    }
}

/// A handle on one credential store.
pub struct Keychain {
    store: Arc<CredentialStore>,
}

impl Keychain {
    /// This system's keychain.
    pub fn system() -> Result<Keychain, KeychainError> {
        crate::platform::keychain_store::store()
            .map(|store| Keychain { store })
            .map_err(KeychainError::from_keyring)
    }

    /// Any keyring-core store (tests use the mock store to inject faults).
    pub fn with_store(store: Arc<CredentialStore>) -> Keychain {
        Keychain { store }
    }

    /// This keychain, open, for many reads: one connection (on Linux one
    /// Secret Service session, whose key exchange is the costly part).
    pub fn shared(self) -> Keychains {
        Keychains::Fixed(self.store)
    }

    pub fn entry(&self, account: &str) -> Result<Entry, KeychainError> {
        self.store
            .build(SERVICE, account, None)
            .map_err(KeychainError::from_keyring)
    }

    /// Stores the password under `account`, which must be free or already
    /// hold this very password: another password there is never replaced.
    pub fn store(&self, account: &str, password: &str) -> Result<(), KeychainError> {
        let entry = self.entry(account)?;
        match read_from(&entry) {
            Err(KeychainError::NotFound) => store_in(&entry, password),
            Ok(held) if held.as_str() == password => Ok(()),
            Ok(_) => Err(KeychainError::Taken(account.to_string())),
            Err(e) => Err(e),
        }
    }

    /// Reads the password stored under `account`.
    pub fn read(&self, account: &str) -> Result<Zeroizing<String>, KeychainError> {
        read_from(&self.entry(account)?)
    }

    /// Stores a binary secret (an authority's private key) under `account`,
    /// which must be free: a secret there is never replaced.
    pub fn store_secret(&self, account: &str, secret: &[u8]) -> Result<(), KeychainError> {
        let entry = self.entry(account)?;
        match entry.get_secret().map(Zeroizing::new) {
            Err(Error::NoEntry) => entry
                .set_secret(secret)
                .map_err(KeychainError::from_keyring),
            Ok(held) if held.as_slice() == secret => Ok(()),
            Ok(_) => Err(KeychainError::Taken(account.to_string())),
            Err(e) => Err(KeychainError::from_keyring(e)),
        }
    }

    /// Reads the binary secret stored under `account`; wiped when dropped.
    pub fn read_secret(&self, account: &str) -> Result<Zeroizing<Vec<u8>>, KeychainError> {
        self.entry(account)?
            .get_secret()
            .map(Zeroizing::new)
            .map_err(KeychainError::from_keyring)
    }

    /// Deletes the entry of `account`; a missing entry is not an error.
    pub fn delete(&self, account: &str) -> Result<(), KeychainError> {
        delete_in(&self.entry(account)?)
    }
}

pub fn store_in(entry: &Entry, password: &str) -> Result<(), KeychainError> {
    entry
        .set_password(password)
        .map_err(KeychainError::from_keyring)
}

pub fn read_from(entry: &Entry) -> Result<Zeroizing<String>, KeychainError> {
    entry
        .get_password()
        .map(Zeroizing::new)
        .map_err(KeychainError::from_keyring)
}

pub fn delete_in(entry: &Entry) -> Result<(), KeychainError> {
    match entry.delete_credential() {
        Ok(()) | Err(Error::NoEntry) => Ok(()),
        Err(e) => Err(KeychainError::from_keyring(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyring_core::mock;

    fn mock_keychain() -> Keychain {
        let store: Arc<CredentialStore> = mock::Store::new().unwrap();
        Keychain::with_store(store)
    }

    fn inject(entry: &Entry, err: Error) {
        entry
            .as_any()
            .downcast_ref::<mock::Cred>()
            .unwrap()
            .set_error(err);
    }

    #[test]
    fn store_read_delete() {
        let k = mock_keychain();
        k.store("Billing", "pw-1").unwrap();
        assert_eq!(k.read("Billing").unwrap().as_str(), "pw-1");
        k.delete("Billing").unwrap();
        assert_eq!(k.read("Billing").unwrap_err(), KeychainError::NotFound);
        k.delete("Billing").unwrap();
    }

    #[test]
    fn another_password_under_the_account_is_never_replaced() {
        let k = mock_keychain();
        k.store("Billing (AB12CD34)", "pw-1").unwrap();
        k.store("Billing (AB12CD34)", "pw-1").unwrap();
        let err = k.store("Billing (AB12CD34)", "pw-2").unwrap_err();
        assert_eq!(err, KeychainError::Taken("Billing (AB12CD34)".into()));
        assert_eq!(k.read("Billing (AB12CD34)").unwrap().as_str(), "pw-1");
    }

    #[test]
    fn binary_secrets_are_stored_never_replaced_and_read_back() {
        let k = mock_keychain();
        let key: Vec<u8> = (0..=255u8).cycle().take(1800).collect();
        k.store_secret("Authority: Acme (01020304)", &key).unwrap();
        k.store_secret("Authority: Acme (01020304)", &key).unwrap();
        let err = k
            .store_secret("Authority: Acme (01020304)", b"other")
            .unwrap_err();
        assert!(matches!(err, KeychainError::Taken(_)), "{err}");
        assert_eq!(
            k.read_secret("Authority: Acme (01020304)")
                .unwrap()
                .as_slice(),
            key.as_slice()
        );
        k.delete("Authority: Acme (01020304)").unwrap();
        assert_eq!(
            k.read_secret("Authority: Acme (01020304)").unwrap_err(),
            KeychainError::NotFound
        );
    }

    #[test]
    fn accounts_carry_the_fingerprint() {
        assert_eq!(
            account_for(
                "Billing API",
                &Fingerprint::parse(&format!("3f:a2:c9:01{}", ":77".repeat(28))).unwrap()
            ),
            "Billing API (3FA2C901)"
        );
    }

    #[test]
    fn locked_and_denied_have_plain_messages() {
        let k = mock_keychain();
        let entry = k.entry("Locked").unwrap();
        inject(
            &entry,
            Error::NoStorageAccess("the collection is locked".into()),
        );
        let err = store_in(&entry, "pw").unwrap_err();
        assert_eq!(err, KeychainError::Locked);
        assert!(err.to_string().contains("Unlock it"));

        inject(
            &entry,
            Error::NoStorageAccess("prompt dismissed: access denied".into()),
        );
        assert_eq!(store_in(&entry, "pw").unwrap_err(), KeychainError::Denied);

        inject(&entry, Error::PlatformFailure("org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided by any .service files".into()));
        let err = store_in(&entry, "pw").unwrap_err();
        assert!(
            matches!(err, KeychainError::NoService(ref why) if why.contains("no keyring is running")),
            "{err}"
        );

        inject(&entry, Error::PlatformFailure("something odd".into()));
        assert_eq!(
            store_in(&entry, "pw").unwrap_err(),
            KeychainError::Other("something odd".into())
        );
        // The fault was one-off: the next call works.
        store_in(&entry, "pw").unwrap();
    }

    #[test]
    fn messages_never_carry_the_password() {
        let k = mock_keychain();
        let entry = k.entry("Leak").unwrap();
        inject(&entry, Error::PlatformFailure("failure".into()));
        let err = store_in(&entry, "Secret-Password-123").unwrap_err();
        assert!(!format!("{err} {err:?}").contains("Secret-Password-123"));
    }
}
