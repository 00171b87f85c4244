//! Replacing a small file so that a crash or power loss at any moment leaves
//! either the old content or the new one, never a mix; and a lock that keeps
//! two AuthCert processes from interleaving their read-modify-write.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use rand::rngs::SysRng;
use rand::TryRng;

use crate::platform;

const LOCK_NAME: &str = "certificates.lock";

/// Held while a process reads, changes and writes the list. The operating
/// system releases it when the file closes, even if the process is killed.
pub struct DirLock {
    _file: File,
}

/// Waits for, then takes, the folder's lock (creating the folder first).
pub fn lock(dir: &Path) -> io::Result<DirLock> {
    fs::create_dir_all(dir)?;
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(LOCK_NAME))?;
    // flock on Unix, LockFileEx on Windows: advisory, per open file, so two
    // threads of one process exclude each other too.
    file.lock()?;
    Ok(DirLock { _file: file })
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
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    // The list names folders and files: the owner's business only.
    let mut file = platform::files::owner_only(&mut options).open(&temp)?;
    let result = (|| {
        crashed(Step::TempCreated)?;
        let half = bytes.len() / 2;
        file.write_all(&bytes[..half])?;
        crashed(Step::HalfWritten)?;
        file.write_all(&bytes[half..])?;
        crashed(Step::Written)?;
        file.sync_all()?;
        crashed(Step::Synced)?;
        fs::rename(&temp, dir.join(name))?;
        crashed(Step::Renamed)?;
        platform::files::sync_folder(dir);
        Ok(())
    })();
    if result.is_err() && crash.is_none() {
        let _ = fs::remove_file(&temp);
    }
    result
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
