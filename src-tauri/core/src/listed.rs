//! Actions on a listed certificate that reach the keychain: its password
//! read back from its entry, and its removal from the list (with its entry,
//! when asked). Below the test against an API and the window, which both
//! use them.

use zeroize::Zeroizing;

use crate::ids::Fingerprint;
use crate::keychain::{KeychainError, Keychains};
use crate::store::{Record, Store, StoreError};

/// Why an action on a listed certificate failed.
#[derive(Debug, thiserror::Error)]
pub enum ListedError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Keychain(#[from] KeychainError),
    #[error("The password of “{0}” was not saved in the keychain.")]
    NotInKeychain(String),
}

/// The listed certificate named `nickname` (compared as the form compares
/// nicknames: case and width do not count), if there is one.
pub fn by_nickname(store: &Store, nickname: &str) -> Result<Option<Record>, StoreError> {
    let key = crate::engine::Nickname::uniqueness_key_of(nickname);
    Ok(store
        .load()?
        .records
        .into_iter()
        .find(|r| crate::engine::Nickname::uniqueness_key_of(&r.described.nickname) == key))
}

/// The listed certificate's password, read from its keychain entry.
pub fn password(
    store: &Store,
    keychains: &Keychains,
    id: &Fingerprint,
) -> Result<Zeroizing<String>, ListedError> {
    let r = store.get(id)?;
    let account = r
        .keychain_account
        .ok_or_else(|| ListedError::NotInKeychain(r.described.nickname.clone()))?;
    Ok(keychains.open()?.read(&account)?)
}

/// Takes a certificate off the list (its file is never touched). With
/// `also_keychain`, its keychain entry goes first: if that fails, nothing
/// is removed.
pub fn remove(
    store: &Store,
    keychains: &Keychains,
    id: &Fingerprint,
    also_keychain: bool,
) -> Result<Record, ListedError> {
    let r = store.get(id)?;
    if also_keychain {
        if let Some(account) = &r.keychain_account {
            match keychains.open()?.delete(account) {
                Ok(()) | Err(KeychainError::NotFound) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(store.remove(id)?)
}
