//! Where a test's certificate comes from when it is not the one waiting to
//! be downloaded: a `.p12` file on disk (read with a size limit), opened
//! with a typed password or the one in the keychain.

use std::io::Read;
use std::path::Path;

use zeroize::Zeroizing;

use super::{ConnectError, Identity};
use crate::engine::pkcs12::read::{Limits, ReadError};
use crate::keychain::Keychains;
use crate::listed::{self, ListedError};
use crate::store::{Record, Store, StoreError};

/// Reads a `.p12` file (refusing one larger than a certificate file can
/// be) and opens it with `password`.
pub fn open_file(path: &Path, password: &str) -> Result<Identity, ConnectError> {
    let unreadable = |e: std::io::Error| ConnectError::Unreadable {
        path: path.display().to_string(),
        reason: crate::store::plain_io(&e),
    };
    let max = Limits::default().max_bytes;
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let mut bytes = Zeroizing::new(Vec::new());
    file.take(max as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() > max {
        return Err(ConnectError::File(ReadError::TooLarge {
            bytes: bytes.len(),
            max,
        }));
    }
    Identity::from_pkcs12(&bytes, password)
}

/// The listed certificate named `nickname`.
pub fn find_by_nickname(store: &Store, nickname: &str) -> Result<Record, ConnectError> {
    listed::by_nickname(store, nickname)?
        .ok_or_else(|| ConnectError::NotListed(nickname.chars().take(80).collect()))
}

/// The listed certificate whose file is `path` (when the list can be read).
pub fn listed_at(store: &Store, path: &Path) -> Option<Record> {
    let wanted = crate::platform::files::canonical(path);
    store
        .load()
        .ok()?
        .records
        .into_iter()
        .find(|r| Path::new(&r.file) == wanted)
}

/// A listed certificate's file, opened with `typed` or, without it, the
/// password in the keychain.
pub fn open_listed(
    store: &Store,
    keychains: &Keychains,
    record: &Record,
    typed: Option<Zeroizing<String>>,
) -> Result<Identity, ConnectError> {
    if record.added.as_ref().is_some_and(|a| !a.has_key) {
        return Err(ConnectError::PublicOnly(record.described.nickname.clone()));
    }
    let password = match typed {
        Some(p) => p,
        None if record.keychain_account.is_some() => {
            listed::password(store, keychains, &record.described.sha256_fingerprint)?
        }
        None => {
            return Err(ConnectError::NeedPassword(
                record.described.nickname.clone(),
            ))
        }
    };
    let identity = open_file(Path::new(&record.file), &password)?;
    // The file at that path may have been replaced by another certificate.
    if identity.fingerprint() != record.described.sha256_fingerprint {
        return Err(ConnectError::OtherFile(record.file.clone()));
    }
    Ok(identity)
}

impl From<ListedError> for ConnectError {
    fn from(e: ListedError) -> Self {
        ConnectError::Listed(e)
    }
}

impl From<StoreError> for ConnectError {
    fn from(e: StoreError) -> Self {
        ConnectError::Listed(ListedError::Store(e))
    }
}
