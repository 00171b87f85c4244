//! Writing a file safely: never over an existing file, never half-written,
//! owner-only where the system has permissions, and read back before "done".

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use rand::rngs::SysRng;
use rand::TryRng;

use crate::platform;

/// Why a file could not be saved, in words that say what to do next.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("{} already exists; AuthCert never replaces a file. Choose another name or move the old file first.", .0.display())]
    AlreadyExists(PathBuf),
    #[error("the folder {} does not exist (or was removed); choose another folder.", .0.display())]
    NoFolder(PathBuf),
    #[error("{} is not a file name; give the file a name.", .0.display())]
    NotAFileName(PathBuf),
    /// A name this system cannot hold (platform::files::refused_name).
    #[error("{0}")]
    RefusedName(String),
    #[error("AuthCert may not write in {}; choose a folder you can write to.", .0.display())]
    Denied(PathBuf),
    #[error("the disk holding {} is full; free some space or choose another disk.", .0.display())]
    DiskFull(PathBuf),
    #[error("{} could not be written ({source}); choose another folder or disk and try again.", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("{} was written but reads back differently; it has been removed. Try again, or choose another disk.", .0.display())]
    ReadBackMismatch(PathBuf),
}

impl SaveError {
    fn from_io(path: &Path, e: io::Error) -> SaveError {
        let folder = || path.parent().unwrap_or(Path::new(".")).to_path_buf();
        match e.kind() {
            io::ErrorKind::AlreadyExists => SaveError::AlreadyExists(path.to_path_buf()),
            io::ErrorKind::NotFound => SaveError::NoFolder(folder()),
            io::ErrorKind::PermissionDenied => SaveError::Denied(folder()),
            io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => {
                SaveError::DiskFull(path.to_path_buf())
            }
            _ => SaveError::Io {
                path: path.to_path_buf(),
                source: e,
            },
        }
    }
}

/// A temporary file that is removed unless it was committed.
struct Temp {
    path: PathBuf,
    keep: bool,
}

impl Drop for Temp {
    fn drop(&mut self) {
        if !self.keep {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Writes `bytes` to a new file at `path`, atomically: a temporary file in the
/// same folder is written, flushed to disk, then linked to its final name,
/// which fails rather than replace a file that appeared meanwhile. The file
/// is owner-only (0600) on Unix. Afterwards it is read back and compared,
/// then `verify` checks its content (for a PKCS#12 file: that it opens with
/// its password); on any failure nothing is left at `path`.
pub fn write_new<E>(
    path: &Path,
    bytes: &[u8],
    verify: impl FnOnce(&[u8]) -> Result<(), E>,
) -> Result<(), WriteNewError<E>> {
    let (name, folder) = check_target(path)?;

    let mut tag = [0u8; 8];
    SysRng.try_fill_bytes(&mut tag).map_err(|e| SaveError::Io {
        path: path.to_path_buf(),
        source: io::Error::other(e.to_string()),
    })?;
    let tag: String = tag.iter().map(|b| format!("{b:02x}")).collect();
    let temp = Temp {
        path: folder.join(format!(".{}.{tag}.tmp", name.to_string_lossy())),
        keep: false,
    };

    let io_err = |e| SaveError::from_io(path, e);
    let mut file = create_owner_only(&temp.path).map_err(io_err)?;
    file.write_all(bytes).map_err(io_err)?;
    file.sync_all().map_err(io_err)?;
    drop(file);

    commit(&temp.path, path).map_err(io_err)?;
    // From here the final file exists; remove it again if a check fails.
    let mut written = Temp {
        path: path.to_path_buf(),
        keep: false,
    };
    platform::files::sync_folder(&folder);

    let back = fs::read(path).map_err(io_err)?;
    if back != bytes {
        return Err(SaveError::ReadBackMismatch(path.to_path_buf()).into());
    }
    verify(&back).map_err(WriteNewError::Verify)?;
    written.keep = true;
    Ok(())
}

/// Checks, before any work, that `path` names a new file in a folder that
/// exists; returns the file name and the folder.
pub fn check_target(path: &Path) -> Result<(&std::ffi::OsStr, PathBuf), SaveError> {
    // `Path::file_name` ignores a trailing separator: "certs/" would name a
    // file "certs" in the current folder. Such a path names a folder.
    let names_folder = path
        .as_os_str()
        .to_string_lossy()
        .chars()
        .last()
        .is_some_and(std::path::is_separator);
    let name = path
        .file_name()
        .filter(|_| !names_folder)
        .ok_or_else(|| SaveError::NotAFileName(path.to_path_buf()))?;
    if let Some(why) = platform::files::refused_name(name) {
        return Err(SaveError::RefusedName(why));
    }
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !folder.is_dir() {
        return Err(SaveError::NoFolder(folder));
    }
    if fs::symlink_metadata(path).is_ok() {
        return Err(SaveError::AlreadyExists(path.to_path_buf()));
    }
    Ok((name, folder))
}

/// A failed save: the write itself, or the content check after it.
#[derive(Debug, thiserror::Error)]
pub enum WriteNewError<E> {
    #[error(transparent)]
    Save(#[from] SaveError),
    #[error("the saved file failed its check and has been removed: {0}")]
    Verify(E),
}

/// A new file only its owner can read (see platform::files).
fn create_owner_only(path: &Path) -> io::Result<File> {
    platform::files::create_owner_only(path, platform::files::Create::New)
}

/// Gives the temporary file its final name without ever replacing a file:
/// a hard link fails if the name is taken. Where links are not supported
/// (FAT, some network shares), falls back to a rename after checking.
fn commit(temp: &Path, target: &Path) -> io::Result<()> {
    match fs::hard_link(temp, target) {
        Ok(()) => fs::remove_file(temp),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(e),
        Err(_) => {
            if fs::symlink_metadata(target).is_ok() {
                return Err(io::Error::from(io::ErrorKind::AlreadyExists));
            }
            fs::rename(temp, target)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(_: &[u8]) -> Result<(), String> {
        Ok(())
    }

    #[test]
    fn writes_new_file_owner_only_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.p12");
        write_new(&path, b"hello", ok).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"hello");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.p12");
        fs::write(&path, b"old").unwrap();
        let err = write_new(&path, b"new", ok).unwrap_err();
        assert!(
            matches!(err, WriteNewError::Save(SaveError::AlreadyExists(_))),
            "{err}"
        );
        assert_eq!(fs::read(&path).unwrap(), b"old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn target_appearing_after_the_check_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.p12");
        let temp = dir.path().join("temp");
        fs::write(&temp, b"new").unwrap();
        fs::write(&target, b"old").unwrap();
        let err = commit(&temp, &target).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&target).unwrap(), b"old");
    }

    #[test]
    fn missing_folder_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gone").join("a.p12");
        let err = write_new(&path, b"x", ok).unwrap_err();
        assert!(
            matches!(err, WriteNewError::Save(SaveError::NoFolder(_))),
            "{err}"
        );
        assert!(err.to_string().contains("gone"));
    }

    #[test]
    fn a_path_ending_in_a_separator_names_a_folder() {
        let dir = tempfile::tempdir().unwrap();
        for path in [
            dir.path().join("a.p12/"),
            dir.path().join("new/"),
            dir.path().join(".."),
        ] {
            let err = check_target(&path).unwrap_err();
            assert!(
                matches!(err, SaveError::NotAFileName(_)),
                "{}: {err}",
                path.display()
            );
        }
    }

    #[test]
    fn failed_verification_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.p12");
        let err = write_new(&path, b"x", |_| Err("does not open")).unwrap_err();
        assert!(matches!(err, WriteNewError::Verify("does not open")));
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
