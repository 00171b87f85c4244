//! Files only their owner can read, and renames that survive a power cut.
//!
//! - `owner_only(options)`: new files made through `options` are readable and
//!   writable by their owner alone;
//! - `sync_folder(folder)`: makes a rename or a new name in `folder` durable,
//!   best effort (the data itself is already synced).

pub use imp::{owner_only, sync_folder};

/// Unix (Linux, macOS, the BSDs): mode 0600 at creation, so there is no
/// moment when the file is readable by others; a folder is flushed with
/// fsync on the folder itself. Checked on Linux by save.rs's and the store's
/// tests (mode 0600, interrupted writes).
#[cfg(unix)]
mod imp {
    use std::fs::{File, OpenOptions};
    use std::os::unix::fs::OpenOptionsExt;
    use std::path::Path;

    pub fn owner_only(options: &mut OpenOptions) -> &mut OpenOptions {
        options.mode(0o600)
    }

    pub fn sync_folder(folder: &Path) {
        if let Ok(dir) = File::open(folder) {
            let _ = dir.sync_all();
        }
    }
}

/// Windows: a new file inherits its folder's ACL, which for the user's own
/// folders (Documents, Downloads, %APPDATA%) grants only the user, SYSTEM
/// and administrators; no mode bits to set. NTFS makes a rename durable
/// through its journal and has no folder handle to flush from here. From the
/// Win32 documentation; run by the release workflow's Windows job.
#[cfg(not(unix))]
mod imp {
    use std::fs::OpenOptions;
    use std::path::Path;

    pub fn owner_only(options: &mut OpenOptions) -> &mut OpenOptions {
        options
    }

    pub fn sync_folder(_folder: &Path) {}
}
