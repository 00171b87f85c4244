//! Replacing a small file so that a crash or power loss at any moment leaves
//! either the old content or the new one, never a mix; and a lock that keeps
//! two AuthCert processes from interleaving their read-modify-write.

use std::fs::{self, File, TryLockError};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rand::rngs::SysRng;
use rand::TryRng;

use crate::platform::{self, files, files::Create};

const LOCK_NAME: &str = "certificates.lock";
/// Who holds the lock, for a process that waited too long. A file of its
/// own: Windows' lock keeps others from reading the locked file.
const HOLDER_NAME: &str = "certificates.lock.holder";
/// How long a change waits for another AuthCert process: its changes take
/// milliseconds, so a lock held this long belongs to a process that is
/// stopped (Ctrl-Z in a terminal) or stuck, and waiting on would freeze
/// the window's commands.
pub const LOCK_WAIT: Duration = Duration::from_secs(10);

/// Held while a process reads, changes and writes the list. The operating
/// system releases it when the file closes, even if the process is killed.
pub struct DirLock {
    _file: File,
}

/// Why the lock was not taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(transparent)]
    Io(#[from] io::Error),
    /// Another process held it for all of `LOCK_WAIT`: who, in words.
    #[error("held by {holder}")]
    Held { holder: String, waited: Duration },
}

/// Waits a bounded time for, then takes, the folder's lock (creating the
/// folder first, owner-only). Records who holds it.
pub fn lock(dir: &Path) -> Result<DirLock, LockError> {
    platform::files::create_private_dir(dir)?;
    let file = files::create_owner_only(&dir.join(LOCK_NAME), Create::OpenOrNew)?;
    // flock on Unix, LockFileEx on Windows: advisory, per open file, so two
    // threads of one process exclude each other too.
    let file = match file.try_lock() {
        Ok(()) => file,
        Err(TryLockError::Error(e)) => return Err(e.into()),
        Err(TryLockError::WouldBlock) => wait_for(file, dir)?,
    };
    // Best effort: it only names the holder in another process's message.
    if let Ok(mut f) = files::create_owner_only(&dir.join(HOLDER_NAME), Create::Truncate) {
        let _ = f.write_all(holder_words().as_bytes());
    }
    crate::hooks::hold_point("list-lock");
    Ok(DirLock { _file: file })
}

/// Waits for `file`'s lock at most `lock_wait()`. The wait itself is the
/// system's (a blocked `flock`, queued like any other waiter, so a process
/// changing the list again and again cannot starve this one), on a thread
/// of its own; when the time is up, that thread lets go of the lock as soon
/// as it gets it, and the holder is named.
fn wait_for(file: File, dir: &Path) -> Result<File, LockError> {
    let (taken, get) = std::sync::mpsc::sync_channel::<std::io::Result<File>>(1);
    std::thread::Builder::new()
        .name("list lock".into())
        .spawn(move || {
            let result = file.lock().map(|()| file);
            // Nobody waits any more: dropping the file releases the lock.
            let _ = taken.send(result);
        })?;
    let wait = lock_wait();
    let started = Instant::now();
    match get.recv_timeout(wait) {
        Ok(result) => Ok(result?),
        Err(_) => {
            let holder = fs::read_to_string(dir.join(HOLDER_NAME))
                .ok()
                .map(|t| crate::text::shown(t.trim()).into_owned())
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| "another AuthCert".into());
            Err(LockError::Held {
                holder,
                waited: started.elapsed().max(wait),
            })
        }
    }
}

/// "process 4242 (authcert generate)".
fn holder_words() -> String {
    let mut args = std::env::args_os();
    let program = args
        .next()
        .and_then(|p| {
            Path::new(&p)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "AuthCert".into());
    let command = args
        .next()
        .map(|a| a.to_string_lossy().into_owned())
        .filter(|a| !a.starts_with('-'))
        .map(|a| format!(" {}", a.chars().take(20).collect::<String>()))
        .unwrap_or_default();
    format!("process {} ({program}{command})", std::process::id())
}

/// `LOCK_WAIT`; the tests shorten it (AUTHCERT_TEST_LOCK_WAIT_MS, only in
/// builds with the test hooks).
fn lock_wait() -> Duration {
    #[cfg(feature = "test-hooks")]
    if let Some(ms) = std::env::var("AUTHCERT_TEST_LOCK_WAIT_MS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        return Duration::from_millis(ms);
    }
    LOCK_WAIT
}

/// The steps of a replacement, for simulating a crash after each one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    TempCreated,
    HalfWritten,
    Written,
    Synced,
    Renamed,
}

impl Step {
    pub const ALL: [Step; 5] = [
        Step::TempCreated,
        Step::HalfWritten,
        Step::Written,
        Step::Synced,
        Step::Renamed,
    ];
}

/// Replaces `dir/name` with `bytes`: a temporary file in the same folder is
/// written and flushed to disk, then renamed over the old file (atomic on
/// every system AuthCert runs on). The caller holds the lock.
pub fn replace(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<()> {
    replace_crashing_after(dir, name, bytes, None)
}

/// As `replace`, stopping dead after `crash` as a killed process would:
/// nothing is cleaned up. Only the crash tests pass `Some`.
pub fn replace_crashing_after(
    dir: &Path,
    name: &str,
    bytes: &[u8],
    crash: Option<Step>,
) -> io::Result<()> {
    let crashed = |step| {
        if crash == Some(step) {
            Err(io::Error::other("simulated crash"))
        } else {
            Ok(())
        }
    };
    remove_stale_temps(dir, name);
    let temp = dir.join(format!(".{name}.{}.tmp", random_tag()?));
    // The list names folders and files: the owner's business only.
    let mut file = files::create_owner_only(&temp, Create::New)?;
    let result = (|| {
        crashed(Step::TempCreated)?;
        let half = bytes.len() / 2;
        file.write_all(&bytes[..half])?;
        crashed(Step::HalfWritten)?;
        file.write_all(&bytes[half..])?;
        crashed(Step::Written)?;
        file.sync_all()?;
        crashed(Step::Synced)?;
        rename_replacing(&temp, &dir.join(name))?;
        crashed(Step::Renamed)?;
        platform::files::sync_folder(dir);
        Ok(())
    })();
    if result.is_err() && crash.is_none() {
        let _ = fs::remove_file(&temp);
    }
    result
}

/// Renames `from` over `to`. Windows refuses while another process holds
/// `to` open without sharing its deletion (a virus scanner or an indexer
/// reading the new list, a process still closing it): tried again for a
/// moment, as such a reader lets go within milliseconds.
fn rename_replacing(from: &Path, to: &Path) -> io::Result<()> {
    retrying(|| fs::rename(from, to), std::thread::sleep)
}

/// `attempt` again after pauses of 10, 20 … 320 ms while it fails because
/// the file is in use (on Windows; elsewhere a rename never fails so).
fn retrying(
    mut attempt: impl FnMut() -> io::Result<()>,
    mut pause: impl FnMut(Duration),
) -> io::Result<()> {
    let mut wait = Duration::from_millis(10);
    for _ in 0..6 {
        match attempt() {
            Err(e) if in_use(&e) => pause(wait),
            other => return other,
        }
        wait *= 2;
    }
    attempt()
}

/// ERROR_ACCESS_DENIED (5) or ERROR_SHARING_VIOLATION (32), as Windows
/// says a file is open elsewhere.
fn in_use(e: &io::Error) -> bool {
    cfg!(windows) && matches!(e.raw_os_error(), Some(5 | 32))
}

/// Temporary files left by a process that died mid-write. Only called under
/// the lock, so none of them belongs to a live writer.
fn remove_stale_temps(dir: &Path, name: &str) {
    let prefix = format!(".{name}.");
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        if file_name.starts_with(&prefix) && file_name.ends_with(".tmp") {
            let _ = fs::remove_file(entry.path());
        }
    }
}

fn random_tag() -> io::Result<String> {
    let mut tag = [0u8; 8];
    SysRng
        .try_fill_bytes(&mut tag)
        .map_err(|e| io::Error::other(e.to_string()))?;
    Ok(tag.iter().map(|b| format!("{b:02x}")).collect())
}

/// A free name next to `path` for keeping a damaged copy: `stem.damaged-<time>.json`.
pub fn aside_name(path: &Path, stamp: &str) -> PathBuf {
    let dir = path.parent().unwrap_or(Path::new("."));
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut candidate = dir.join(format!("{stem}.damaged-{stamp}.json"));
    let mut n = 2;
    while candidate.exists() {
        candidate = dir.join(format!("{stem}.damaged-{stamp}-{n}.json"));
        n += 1;
    }
    candidate
}

#[cfg(test)]
mod retry_tests {
    use super::*;

    #[test]
    fn a_file_in_use_is_tried_again_and_any_other_failure_is_not() {
        let in_use = || io::Error::from_raw_os_error(32);
        let mut failures = 3;
        let mut pauses = Vec::new();
        let done = retrying(
            || {
                if failures == 0 {
                    return Ok(());
                }
                failures -= 1;
                Err(in_use())
            },
            |d| pauses.push(d.as_millis()),
        );
        if cfg!(windows) {
            assert!(done.is_ok());
            assert_eq!(pauses, [10, 20, 40]);
        } else {
            // Elsewhere that code means something else: not tried again.
            assert_eq!(done.unwrap_err().raw_os_error(), Some(32));
            assert!(pauses.is_empty());
        }
        // Another failure at once, and a file in use for good after six
        // pauses (630 ms in all).
        let mut calls = 0;
        let e = retrying(
            || {
                calls += 1;
                Err(io::Error::from(io::ErrorKind::NotFound))
            },
            |_| {},
        );
        assert_eq!((e.unwrap_err().kind(), calls), (io::ErrorKind::NotFound, 1));
        let mut pauses = Vec::new();
        let e = retrying(|| Err(in_use()), |d| pauses.push(d.as_millis()));
        assert!(e.is_err());
        if cfg!(windows) {
            assert_eq!(pauses, [10, 20, 40, 80, 160, 320]);
        }
    }
}
