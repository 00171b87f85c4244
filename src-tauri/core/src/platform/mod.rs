//! Everything that differs between operating systems, one small module per
//! concern with the same functions on every system, so the rest of the code
//! has no `cfg`:
//!
//! - [`keychain_store`]: which keychain keyring-core talks to;
//! - [`files`]: new files only their owner can read, and durable renames;
//! - [`zone`]: the admin's time zone, read without listing every zone;
//!
//! File names are deliberately not here: a `.p12` is mailed and copied to
//! other systems, so filename.rs avoids what any of them reserves, everywhere.
//!
//! Only the Linux side is compiled and tested on the machines this project
//! is built on; the release workflow (.github/workflows/release.yml) builds
//! and tests the macOS and Windows sides on their own runners.

pub mod files;
pub mod keychain_store;
pub mod zone;
