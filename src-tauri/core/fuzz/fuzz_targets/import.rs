//! The importer's parse entry on arbitrary bytes: PEM, PKCS#12 (opened with
//! the seed corpus's password, and without one) and DER. It must answer
//! every input with a certificate list or an error, never a panic, a hang
//! or a crash. The iteration limit is lowered so each input takes
//! milliseconds; the limits themselves are tested in the unit tests.
#![no_main]

use authcert_core::engine::pkcs12::read::Limits;
use authcert_core::import::read::inspect_with;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_iterations: 4096,
        ..Limits::default()
    };
    let _ = inspect_with(data, Some("s3cret-pw"), &limits);
    let _ = inspect_with(data, None, &limits);
});
