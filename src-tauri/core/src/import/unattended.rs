//! A file added to the list in one call, as the command line does it: read
//! (with its password), the certificate chosen, a nickname suggested when
//! none is given, the password kept in the keychain when asked, listed.

use std::path::Path;

use super::{add, chosen, read, suggested_nickname, Adding, ImportError};
use crate::clock::Clock;
use crate::keychain::Keychains;
use crate::store::{Record, Store};

/// What to add, as the admin asked.
pub struct AddFile<'a> {
    pub path: &'a Path,
    /// The PKCS#12 file's password (an empty one is a password too).
    pub password: Option<&'a str>,
    /// Which certificate (0-based), when the file holds several without a key.
    pub choice: Option<usize>,
    /// The name in the list; None: the certificate's name, made valid and unique.
    pub nickname: Option<&'a str>,
    /// Add it even if it is not meant for client authentication.
    pub any_purpose: bool,
    /// Keep the password in the keychain.
    pub keychain: bool,
}

/// A certificate added, and what the admin should know about its file.
pub struct AddedFile {
    pub record: Record,
    pub warnings: Vec<String>,
}

pub fn add_file(
    store: &Store,
    keychains: &Keychains,
    file: &AddFile<'_>,
    clock: &Clock,
) -> Result<AddedFile, ImportError> {
    let bytes = read::file_bytes(file.path)?;
    let inspected = read::inspect(&bytes, file.password)?;
    drop(bytes);
    if file.keychain && inspected.with_key.is_none() {
        return Err(ImportError::NoPasswordToKeep);
    }
    let nickname = match file.nickname {
        Some(n) => n.to_string(),
        None => {
            let taken: Vec<String> = store
                .load()?
                .records
                .into_iter()
                .map(|r| r.described.nickname)
                .collect();
            let (_, c) = chosen(&inspected, file.choice)?;
            suggested_nickname(c, taken.iter().map(String::as_str))
        }
    };
    let record = add(
        store,
        keychains,
        &Adding {
            path: file.path,
            inspected: &inspected,
            choice: file.choice,
            nickname: &nickname,
            confirm_any_purpose: file.any_purpose,
            keep_password: file.password.filter(|_| file.keychain),
        },
        clock,
    )?;
    Ok(AddedFile {
        record,
        warnings: inspected.warnings,
    })
}
