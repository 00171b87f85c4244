//! AuthCert: client authentication certificates in PKCS#12 files.

pub mod app;
pub mod cli;
pub mod engine;
pub mod filename;
pub mod keychain;
pub mod platform;
pub mod save;
pub mod store;
pub mod wipe_alloc;
