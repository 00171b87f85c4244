//! Faults the tests inject. Compiled in only with the `test-hooks` feature,
//! which no build given to users enables; without it every hook is a no-op.

/// Panics here, once, when the file named by `AUTHCERT_TEST_PANIC` holds
/// `point` (the file is removed first, so the next call goes through): a
/// test's way to prove that a panic in the middle of an operation loses
/// nothing.
#[cfg(feature = "test-hooks")]
pub fn panic_point(point: &str) {
    let Some(file) = std::env::var_os("AUTHCERT_TEST_PANIC") else {
        return;
    };
    let armed = std::fs::read_to_string(&file).is_ok_and(|t| t.trim() == point);
    if armed && std::fs::remove_file(&file).is_ok() {
        panic!("injected panic at {point}");
    }
}

#[cfg(not(feature = "test-hooks"))]
#[inline(always)]
pub fn panic_point(_point: &str) {}

/// Stops here while the file named by `AUTHCERT_TEST_HOLD` holds `point`:
/// it writes `<file>.held` (with this process's id), then waits until the
/// test removes the file — a process stopped in the middle of a change, as
/// Ctrl-Z in a terminal leaves one, on every system.
#[cfg(feature = "test-hooks")]
pub fn hold_point(point: &str) {
    let Some(file) = std::env::var_os("AUTHCERT_TEST_HOLD") else {
        return;
    };
    let file = std::path::PathBuf::from(file);
    if std::fs::read_to_string(&file).is_ok_and(|t| t.trim() == point) {
        let mut held = file.clone().into_os_string();
        held.push(".held");
        let _ = std::fs::write(&held, std::process::id().to_string());
        while file.exists() {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

#[cfg(not(feature = "test-hooks"))]
#[inline(always)]
pub fn hold_point(_point: &str) {}
