//! `authority.json` beside the list: the authority's public facts, its
//! keychain account and its revocations; never its key. Written like the
//! list (read afresh and replaced atomically under the folder's lock), so a
//! crash leaves the old or the new file and two processes never lose each
//! other's revocations.

use std::io;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{Authority, AuthorityError, Kept};
use crate::store::{atomic, Store};

pub const NAME: &str = "authority.json";
/// The file's format; a file with a higher number is never touched.
/// 2: revocations by serial alone (no fingerprint, no nickname), the
/// serials of the last list, and the number a restore counts on from,
/// which format 1 would drop.
pub const FORMAT: u32 = 2;
/// The revocations of authorities that were removed (`Kept`).
pub const KEPT_NAME: &str = "revocations.json";
pub const KEPT_FORMAT: u32 = 1;

#[derive(Serialize, Deserialize)]
struct KeptFile {
    format: u32,
    kept: Vec<Kept>,
}

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
            .map(|f| Some(f.authority.plain_paths()))
            .map_err(|e| AuthorityError::Damaged {
                path,
                reason: e.to_string(),
            }),
    }
}

fn lock(store: &Store) -> Result<atomic::DirLock, AuthorityError> {
    atomic::lock(store.dir()).map_err(|e| match e {
        atomic::LockError::Io(e) => unwritable(store, e),
        atomic::LockError::Held { holder, waited } => {
            AuthorityError::Store(crate::store::StoreError::Held {
                holder,
                seconds: waited.as_secs(),
            })
        }
    })
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
    write_locked(store, next, crash)?;
    Ok(out)
}

/// As `change`, with the revocations kept from removed authorities, which
/// `f` may change too. What is added is written before what is taken away:
/// a removal writes the kept revocations first, a restore the authority
/// first, so a crash between the two writes leaves them twice (merged on
/// the next restore), never nowhere.
pub fn change_with_kept<T>(
    store: &Store,
    f: impl FnOnce(Option<Authority>, &mut Vec<Kept>) -> Result<(Option<Authority>, T), AuthorityError>,
) -> Result<T, AuthorityError> {
    let _lock = lock(store)?;
    let now = read_locked(store)?;
    let mut kept = read_kept_locked(store)?;
    let before = kept.clone();
    let (next, out) = f(now, &mut kept)?;
    let changed = kept != before;
    if next.is_none() && changed {
        write_kept_locked(store, &kept)?;
        write_locked(store, next, None)?;
    } else {
        write_locked(store, next, None)?;
        if changed {
            write_kept_locked(store, &kept)?;
        }
    }
    Ok(out)
}

/// The revocations kept from removed authorities (none when the file is
/// missing). A damaged file is reported and never replaced.
pub fn kept(store: &Store) -> Result<Vec<Kept>, AuthorityError> {
    let _lock = lock(store)?;
    read_kept_locked(store)
}

fn read_kept_locked(store: &Store) -> Result<Vec<Kept>, AuthorityError> {
    let path = store.dir().join(KEPT_NAME);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(AuthorityError::Unreadable { path, source }),
    };
    match serde_json::from_slice::<Version>(&bytes) {
        Ok(v) if v.format > KEPT_FORMAT => Err(AuthorityError::NewerFormat {
            path,
            found: v.format,
        }),
        _ => serde_json::from_slice::<KeptFile>(&bytes)
            .map(|f| f.kept)
            .map_err(|e| AuthorityError::Damaged {
                path,
                reason: e.to_string(),
            }),
    }
}

fn write_kept_locked(store: &Store, kept: &[Kept]) -> Result<(), AuthorityError> {
    let path = store.dir().join(KEPT_NAME);
    let unwritable = |source| AuthorityError::Unwritable {
        path: path.clone(),
        source,
    };
    if kept.is_empty() {
        return match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(unwritable(e)),
        };
    }
    let file = KeptFile {
        format: KEPT_FORMAT,
        kept: kept.to_vec(),
    };
    let bytes = serde_json::to_vec_pretty(&file).map_err(|e| unwritable(e.into()))?;
    atomic::replace(store.dir(), KEPT_NAME, &bytes).map_err(unwritable)
}

fn write_locked(
    store: &Store,
    next: Option<Authority>,
    crash: Option<atomic::Step>,
) -> Result<(), AuthorityError> {
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
    Ok(())
}
