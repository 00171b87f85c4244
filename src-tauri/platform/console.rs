//! Where the command line's output goes: `attach()` is called before
//! `authcert generate` or `authcert list` print anything.

pub use imp::attach;

/// Windows: release builds are GUI-subsystem programs (main.rs), so that no
/// console window opens behind the app; such a program starts without
/// standard handles unless its parent redirected them (a pipe or a file).
/// Typed in cmd or PowerShell, `authcert list` would print nothing, so it
/// attaches to its parent's console when a handle is missing, as the Win32
/// documentation of AttachConsole describes for GUI-subsystem programs.
/// Rust's std looks the handles up on every write, so later prints use it.
/// Not compiled here; the release workflow's Windows job builds it and runs
/// the built command line (with redirected output, so not this branch).
#[cfg(windows)]
mod imp {
    use windows_sys::Win32::Foundation::INVALID_HANDLE_VALUE;
    use windows_sys::Win32::System::Console::{
        AttachConsole, GetStdHandle, ATTACH_PARENT_PROCESS, STD_ERROR_HANDLE, STD_OUTPUT_HANDLE,
    };

    pub fn attach() {
        // SAFETY: plain Win32 calls with no pointers; a failure (no parent
        // console, e.g. started from Explorer) leaves things as they were.
        unsafe {
            let missing = |id| {
                let handle = GetStdHandle(id);
                handle.is_null() || handle == INVALID_HANDLE_VALUE
            };
            if missing(STD_OUTPUT_HANDLE) || missing(STD_ERROR_HANDLE) {
                AttachConsole(ATTACH_PARENT_PROCESS);
            }
        }
    }
}

/// Linux and macOS: a program always has the standard handles its parent
/// gave it; nothing to do.
#[cfg(not(windows))]
mod imp {
    pub fn attach() {}
}
