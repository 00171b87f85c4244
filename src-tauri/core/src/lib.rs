//! AuthCert's core: client authentication certificates in PKCS#12 files,
//! the list of certificates, the keychain and safe saving. It knows nothing
//! of Tauri (a crate boundary, checked by a test), so the command line and
//! the window are both thin shells over it.

pub mod engine;
pub mod filename;
pub mod keychain;
pub mod platform;
pub mod save;
pub mod store;
pub mod wipe_alloc;
