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
