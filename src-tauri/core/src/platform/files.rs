//! Files only their owner can read, folders likewise, renames that survive
//! a power cut, and paths as the admin reads them.
//!
//! - `create_owner_only(path, how)`: opens `path` for writing; a file it
//!   creates is readable and writable by its owner alone from its first
//!   moment;
//! - `create_private_dir(dir)`: makes `dir` (and missing parents), the last
//!   one owner-only;
//! - `sync_folder(folder)`: makes a rename or a new name in `folder` durable,
//!   best effort (the data itself is already synced);
//! - `canonical(path)` and `plain(text)`: a path as the admin reads it
//!   (on Windows without the `\\?\` that `canonicalize` puts in front);
//! - `refused_name(name)`: why this system cannot hold a file of that name.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

pub use imp::{create_owner_only, create_private_dir, sync_folder};

/// How `create_owner_only` opens its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Create {
    /// A new file; fails if the name is taken.
    New,
    /// The file as it is, or a new one.
    OpenOrNew,
    /// The file emptied, or a new one.
    Truncate,
}

impl Create {
    /// Options to write a file opened as `self` says.
    #[cfg(not(windows))]
    fn options(self) -> std::fs::OpenOptions {
        let mut options = std::fs::OpenOptions::new();
        options.write(true);
        match self {
            Create::New => options.create_new(true),
            Create::OpenOrNew => options.create(true).truncate(false),
            Create::Truncate => options.create(true).truncate(true),
        };
        options
    }
}

/// `path` made absolute with links resolved, as the admin will look for it
/// later; `path` itself when it cannot be resolved. On Windows,
/// `std::fs::canonicalize` answers `\\?\C:\Users\…`: the prefix goes
/// wherever the path means the same without it (dunce's rule: not for
/// reserved names or paths over 260 characters).
pub fn canonical(path: &Path) -> PathBuf {
    dunce::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// A stored path as the admin reads it: lists written by builds before
/// `canonical` hold `\\?\C:\…` on Windows.
pub fn plain(stored: &str) -> String {
    dunce::simplified(Path::new(stored)).display().to_string()
}

/// Why a file may not be called `name` on this system (None: it may). On
/// Windows, names the system reserves for devices (`CON`, `NUL.txt`,
/// `COM1`…), names ending in a dot or a space, and `< > : " | ? *` or
/// control characters; a path to such a name writes to a device, or to
/// another name than asked. Other systems refuse none of these.
pub fn refused_name(name: &OsStr) -> Option<String> {
    if cfg!(windows) {
        crate::filename::windows_refuses(&name.to_string_lossy())
    } else {
        None
    }
}

/// Unix (Linux, macOS, the BSDs): mode 0600 at creation, so there is no
/// moment when the file is readable by others; folders 0700; a folder is
/// flushed with fsync on the folder itself. Checked on Linux by save.rs's
/// and the store's tests (mode 0600, interrupted writes).
#[cfg(unix)]
mod imp {
    use std::fs::{DirBuilder, File};
    use std::io;
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    use std::path::Path;

    pub fn create_owner_only(path: &Path, how: super::Create) -> io::Result<File> {
        how.options().mode(0o600).open(path)
    }

    /// Missing parents are made 0700 too: they are new, and nobody else's.
    pub fn create_private_dir(dir: &Path) -> io::Result<()> {
        DirBuilder::new().recursive(true).mode(0o700).create(dir)
    }

    pub fn sync_folder(folder: &Path) {
        if let Ok(dir) = File::open(folder) {
            let _ = dir.sync_all();
        }
    }
}

/// Windows: an explicit, protected access list that allows the user who
/// runs AuthCert and nobody else (no inherited entries, so a file saved in a
/// shared or public folder is not readable by everyone who can read the
/// folder) — what OpenSSH for Windows asks of private key files — given to
/// a file or folder as it is created (CreateFileW, CreateDirectoryW), so
/// there is no moment when others may open it. NTFS makes a rename durable
/// through its journal and has no folder handle to flush from here. Run
/// under Wine by the core's unit tests (scripts/windows.sh); Wine keeps no
/// access lists of its own and maps this one to Unix mode 0600.
#[cfg(windows)]
mod imp {
    use std::fs::File;
    use std::io;
    use std::os::windows::ffi::OsStrExt;
    use std::os::windows::io::FromRawHandle;
    use std::path::Path;
    use std::sync::OnceLock;

    use windows_sys::Win32::Foundation::{
        CloseHandle, GetLastError, LocalFree, ERROR_ALREADY_EXISTS, GENERIC_WRITE, HANDLE,
        INVALID_HANDLE_VALUE,
    };
    use windows_sys::Win32::Security::Authorization::{
        ConvertSidToStringSidW, ConvertStringSecurityDescriptorToSecurityDescriptorW,
        SDDL_REVISION_1,
    };
    use windows_sys::Win32::Security::{
        GetTokenInformation, TokenUser, PSECURITY_DESCRIPTOR, SECURITY_ATTRIBUTES, TOKEN_QUERY,
        TOKEN_USER,
    };
    use windows_sys::Win32::Storage::FileSystem::{
        CreateDirectoryW, CreateFileW, CREATE_ALWAYS, CREATE_NEW, FILE_ATTRIBUTE_NORMAL,
        FILE_SHARE_DELETE, FILE_SHARE_READ, FILE_SHARE_WRITE, OPEN_ALWAYS,
    };
    use windows_sys::Win32::System::Threading::{GetCurrentProcess, OpenProcessToken};

    /// A security descriptor made once per process (the user does not
    /// change) and never freed, so pointers into it stay valid.
    struct Descriptor(PSECURITY_DESCRIPTOR);
    // SAFETY: built once and only read afterwards; never changed or freed.
    unsafe impl Send for Descriptor {}
    unsafe impl Sync for Descriptor {}

    /// For a file (`folder` false) or a folder, whose entry is also
    /// inherited by what it will hold.
    fn descriptor(folder: bool) -> Option<PSECURITY_DESCRIPTOR> {
        static FILE: OnceLock<Option<Descriptor>> = OnceLock::new();
        static FOLDER: OnceLock<Option<Descriptor>> = OnceLock::new();
        let inherit = if folder { "OICI" } else { "" };
        (if folder { &FOLDER } else { &FILE })
            .get_or_init(|| descriptor_for_this_user(inherit).map(Descriptor))
            .as_ref()
            .map(|d| d.0)
    }

    /// "D:P(A;;FA;;;<the user's SID>)": a protected access list with one
    /// entry, full access for this user.
    fn descriptor_for_this_user(inherit: &str) -> Option<PSECURITY_DESCRIPTOR> {
        let sid = user_sid_string()?;
        let sddl: Vec<u16> = format!("D:P(A;{inherit};FA;;;{sid})")
            .encode_utf16()
            .chain(Some(0))
            .collect();
        let mut descriptor: PSECURITY_DESCRIPTOR = std::ptr::null_mut();
        // SAFETY: `sddl` is NUL-terminated; the system allocates the
        // descriptor (LocalAlloc), which is kept for the process's life.
        let ok = unsafe {
            ConvertStringSecurityDescriptorToSecurityDescriptorW(
                sddl.as_ptr(),
                SDDL_REVISION_1,
                &mut descriptor,
                std::ptr::null_mut(),
            )
        };
        (ok != 0 && !descriptor.is_null()).then_some(descriptor)
    }

    /// The SID of the user this process runs as, as text ("S-1-5-21-…").
    pub(super) fn user_sid_string() -> Option<String> {
        let mut token: HANDLE = std::ptr::null_mut();
        // SAFETY: plain calls on this process's own token, closed below;
        // the buffer is sized by the first call and aligned for TOKEN_USER.
        unsafe {
            if OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) == 0 {
                return None;
            }
            let mut needed = 0u32;
            GetTokenInformation(token, TokenUser, std::ptr::null_mut(), 0, &mut needed);
            let mut buffer = vec![0u64; (needed as usize).div_ceil(8).max(1)];
            let ok = GetTokenInformation(
                token,
                TokenUser,
                buffer.as_mut_ptr().cast(),
                needed,
                &mut needed,
            );
            CloseHandle(token);
            if ok == 0 {
                return None;
            }
            let user = &*(buffer.as_ptr() as *const TOKEN_USER);
            let mut text: *mut u16 = std::ptr::null_mut();
            if ConvertSidToStringSidW(user.User.Sid, &mut text) == 0 || text.is_null() {
                return None;
            }
            let len = (0..).take_while(|&i| *text.add(i) != 0).count();
            let sid = String::from_utf16(std::slice::from_raw_parts(text, len)).ok();
            LocalFree(text.cast());
            sid
        }
    }

    /// The access list for a file or folder about to be made (None: no
    /// user to name, which Windows always has; then the folder's inherited
    /// list, as any program's files get).
    fn attributes(folder: bool) -> Option<SECURITY_ATTRIBUTES> {
        descriptor(folder).map(|d| SECURITY_ATTRIBUTES {
            nLength: std::mem::size_of::<SECURITY_ATTRIBUTES>() as u32,
            lpSecurityDescriptor: d,
            bInheritHandle: 0,
        })
    }

    fn wide(path: &Path) -> Vec<u16> {
        path.as_os_str().encode_wide().chain(Some(0)).collect()
    }

    pub fn create_owner_only(path: &Path, how: super::Create) -> io::Result<File> {
        let sa = attributes(false);
        let sa_ptr = sa
            .as_ref()
            .map_or(std::ptr::null(), |sa| sa as *const SECURITY_ATTRIBUTES);
        let disposition = match how {
            super::Create::New => CREATE_NEW,
            super::Create::OpenOrNew => OPEN_ALWAYS,
            super::Create::Truncate => CREATE_ALWAYS,
        };
        let name = wide(path);
        // SAFETY: `name` is NUL-terminated and `sa` outlives the call; the
        // handle returned is owned by the File made from it.
        unsafe {
            let handle = CreateFileW(
                name.as_ptr(),
                GENERIC_WRITE,
                // As std opens files: others may read, write and rename.
                FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                sa_ptr,
                disposition,
                FILE_ATTRIBUTE_NORMAL,
                std::ptr::null_mut(),
            );
            if handle == INVALID_HANDLE_VALUE {
                return Err(io::Error::last_os_error());
            }
            Ok(File::from_raw_handle(handle))
        }
    }

    pub fn create_private_dir(dir: &Path) -> io::Result<()> {
        if dir.is_dir() {
            return Ok(());
        }
        if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        let sa = attributes(true);
        let sa_ptr = sa
            .as_ref()
            .map_or(std::ptr::null(), |sa| sa as *const SECURITY_ATTRIBUTES);
        let name = wide(dir);
        // SAFETY: `name` is NUL-terminated; `sa` outlives the call.
        if unsafe { CreateDirectoryW(name.as_ptr(), sa_ptr) } != 0 {
            return Ok(());
        }
        // SAFETY: reads this thread's last error.
        match unsafe { GetLastError() } {
            ERROR_ALREADY_EXISTS if dir.is_dir() => Ok(()),
            code => Err(io::Error::from_raw_os_error(code as i32)),
        }
    }

    pub fn sync_folder(_folder: &Path) {}
}

/// Any other system: nothing to set.
#[cfg(not(any(unix, windows)))]
mod imp {
    use std::fs::File;
    use std::io;
    use std::path::Path;

    pub fn create_owner_only(path: &Path, how: super::Create) -> io::Result<File> {
        how.options().open(path)
    }

    pub fn create_private_dir(dir: &Path) -> io::Result<()> {
        std::fs::create_dir_all(dir)
    }

    pub fn sync_folder(_folder: &Path) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_paths_read_plainly() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.p12");
        std::fs::write(&file, b"x").unwrap();
        let shown = canonical(&file).display().to_string();
        assert!(!shown.starts_with(r"\\?\"), "{shown}");
        assert!(shown.ends_with("a.p12"), "{shown}");
        assert!(canonical(&file).is_absolute());
        // What cannot be resolved stays as given.
        let missing = dir.path().join("gone").join("b.p12");
        assert_eq!(canonical(&missing), missing);
    }

    /// The access list of `path`: whether it is protected from inheritance,
    /// and the SID of each entry (all must allow).
    #[cfg(windows)]
    fn dacl_of(path: &Path) -> (bool, Vec<String>) {
        use std::os::windows::ffi::OsStrExt;
        use windows_sys::Win32::Foundation::LocalFree;
        use windows_sys::Win32::Security::Authorization::{
            ConvertSidToStringSidW, GetNamedSecurityInfoW, SE_FILE_OBJECT,
        };
        use windows_sys::Win32::Security::{
            GetAce, GetSecurityDescriptorControl, ACCESS_ALLOWED_ACE, ACL,
            DACL_SECURITY_INFORMATION, PSECURITY_DESCRIPTOR, SE_DACL_PROTECTED,
        };
        let wide: Vec<u16> = path.as_os_str().encode_wide().chain(Some(0)).collect();
        let mut dacl: *mut ACL = std::ptr::null_mut();
        let mut sd: PSECURITY_DESCRIPTOR = std::ptr::null_mut();
        // SAFETY: a test reading one file's access list with the documented
        // calls; every pointer comes from them and is freed after.
        unsafe {
            let rc = GetNamedSecurityInfoW(
                wide.as_ptr(),
                SE_FILE_OBJECT,
                DACL_SECURITY_INFORMATION,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                &mut dacl,
                std::ptr::null_mut(),
                &mut sd,
            );
            assert_eq!(rc, 0, "GetNamedSecurityInfoW {}", path.display());
            let mut control = 0u16;
            let mut revision = 0u32;
            GetSecurityDescriptorControl(sd, &mut control, &mut revision);
            let mut sids = Vec::new();
            for i in 0..(*dacl).AceCount {
                let mut ace: *mut std::ffi::c_void = std::ptr::null_mut();
                assert_ne!(GetAce(dacl, u32::from(i), &mut ace), 0);
                let allowed = &*(ace as *const ACCESS_ALLOWED_ACE);
                assert_eq!(allowed.Header.AceType, 0, "an access-allowed entry");
                let sid = (&allowed.SidStart as *const u32).cast_mut().cast();
                let mut text: *mut u16 = std::ptr::null_mut();
                assert_ne!(ConvertSidToStringSidW(sid, &mut text), 0);
                let len = (0..).take_while(|&i| *text.add(i) != 0).count();
                sids.push(String::from_utf16(std::slice::from_raw_parts(text, len)).unwrap());
                LocalFree(text.cast());
            }
            LocalFree(sd);
            (control & SE_DACL_PROTECTED != 0, sids)
        }
    }

    /// Everyone, Users, Authenticated Users, Interactive, Guests: what an
    /// inherited access list of a shared folder names.
    #[cfg(windows)]
    const OTHERS: [&str; 5] = [
        "S-1-1-0",
        "S-1-5-32-545",
        "S-1-5-11",
        "S-1-5-4",
        "S-1-5-32-546",
    ];

    /// On Windows the list is exactly this user's, protected. Wine keeps no
    /// access lists: it maps the one given at creation to Unix mode 0600
    /// and answers with one for the user and SYSTEM, unprotected. Either
    /// way nobody else may read (a file made plainly gets Everyone too).
    #[cfg(windows)]
    #[test]
    fn new_files_and_folders_allow_this_user_alone_on_windows() {
        let me = imp::user_sid_string().unwrap();
        assert!(me.starts_with("S-1-5-"), "{me}");
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain.txt");
        std::fs::write(&plain, b"x").unwrap();
        let file = dir.path().join("a.p12");
        create_owner_only(&file, Create::New).unwrap();
        let private = dir.path().join("data").join("deeper");
        create_private_dir(&private).unwrap();
        create_private_dir(&private).unwrap();
        for path in [&file, &private] {
            let (protected, sids) = dacl_of(path);
            assert!(sids.contains(&me), "{}: {sids:?}", path.display());
            assert!(
                !sids.iter().any(|s| OTHERS.contains(&s.as_str())),
                "{}: {sids:?}",
                path.display()
            );
            let under_wine = sids.iter().any(|s| s == "S-1-5-18");
            if !under_wine {
                assert!(
                    protected && sids == [me.clone()],
                    "{}: {sids:?}",
                    path.display()
                );
            }
        }
        assert_eq!(
            create_owner_only(&file, Create::New).unwrap_err().kind(),
            std::io::ErrorKind::AlreadyExists
        );
        // The contrast: a file made without it is readable by others here.
        let (_, sids) = dacl_of(&plain);
        assert!(
            sids.iter().any(|s| OTHERS.contains(&s.as_str())),
            "{sids:?}"
        );
    }

    #[cfg(windows)]
    #[test]
    fn stored_verbatim_paths_read_plainly_on_windows() {
        assert_eq!(
            plain(r"\\?\C:\Users\a\Payments.p12"),
            r"C:\Users\a\Payments.p12"
        );
        assert_eq!(
            plain(r"C:\Users\a\Payments.p12"),
            r"C:\Users\a\Payments.p12"
        );
        // Without the prefix it would name the console device: kept.
        assert_eq!(plain(r"\\?\C:\Users\a\CON"), r"\\?\C:\Users\a\CON");
        assert!(refused_name(OsStr::new("NUL.p12")).is_some());
        assert!(refused_name(OsStr::new("Payments.p12")).is_none());
    }

    #[cfg(unix)]
    #[test]
    fn new_folders_and_files_are_the_owners_alone() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let private = dir.path().join("data").join("deeper");
        create_private_dir(&private).unwrap();
        create_private_dir(&private).unwrap();
        for d in [dir.path().join("data"), private.clone()] {
            let mode = std::fs::metadata(&d).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o700, "{}", d.display());
        }
        let file = private.join("lock");
        create_owner_only(&file, Create::New).unwrap();
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        // Stored paths are shown as they are on Unix.
        assert_eq!(plain("/home/a/x.p12"), "/home/a/x.p12");
        assert!(refused_name(OsStr::new("NUL.p12")).is_none());
    }
}
