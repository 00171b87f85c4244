//! `authority.json` beside the list: the authority's public facts, its
//! keychain account and its revocations; never its key. Written like the
//! list (read afresh and replaced atomically under the folder's lock), so a
//! crash leaves the old or the new file and two processes never lose each
//! other's revocations.

use std::io;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{Authority, AuthorityError};
use crate::store::{atomic, Store};

pub const NAME: &str = "authority.json";
/// The file's format; a file with a higher number is never touched.
pub const FORMAT: u32 = 1;

#[derive(Serialize, Deserialize)]
struct AuthorityFile {
    format: u32,
    authority: Authority,
}

#[derive(Deserialize)]
struct Version {
    format: u32,
}

pub fn path(store: &Store) -> PathBuf {
    store.dir().join(NAME)
}

fn unwritable(store: &Store, source: io::Error) -> AuthorityError {
    AuthorityError::Unwritable {
        path: path(store),
        source,
    }
}

/// Reads the authority under a lock the caller holds. A damaged file is
/// reported and left alone: its revocations matter, so it is never replaced.
fn read_locked(store: &Store) -> Result<Option<Authority>, AuthorityError> {
    let path = path(store);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(AuthorityError::Unreadable { path, source }),
    };
    match serde_json::from_slice::<Version>(&bytes) {
        Ok(v) if v.format > FORMAT => Err(AuthorityError::NewerFormat {
            path,
            found: v.format,
        }),
        _ => serde_json::from_slice::<AuthorityFile>(&bytes)
            .map(|f| Some(f.authority))
            .map_err(|e| AuthorityError::Damaged {
                path,
                reason: e.to_string(),
            }),
    }
}

fn lock(store: &Store) -> Result<atomic::DirLock, AuthorityError> {
    atomic::lock(store.dir()).map_err(|e| unwritable(store, e))
}

/// The authority on this computer, if there is one.
pub fn load(store: &Store) -> Result<Option<Authority>, AuthorityError> {
    let _lock = lock(store)?;
    read_locked(store)
}

/// Reads, changes and writes the authority under the lock: `f` gets the
/// authority as it is now and returns what to write (None: remove the file).
pub fn change<T>(
    store: &Store,
    crash: Option<atomic::Step>,
    f: impl FnOnce(Option<Authority>) -> Result<(Option<Authority>, T), AuthorityError>,
) -> Result<T, AuthorityError> {
    let _lock = lock(store)?;
    let now = read_locked(store)?;
    let (next, out) = f(now)?;
    match next {
        Some(authority) => {
            let file = AuthorityFile {
                format: FORMAT,
                authority,
            };
            let bytes =
                serde_json::to_vec_pretty(&file).map_err(|e| unwritable(store, e.into()))?;
            atomic::replace_crashing_after(store.dir(), NAME, &bytes, crash)
                .map_err(|e| unwritable(store, e))?;
        }
        None => match std::fs::remove_file(path(store)) {
            Ok(()) => crate::platform::files::sync_folder(store.dir()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(unwritable(store, e)),
        },
    }
    Ok(out)
}
