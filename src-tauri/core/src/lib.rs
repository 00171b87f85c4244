//! AuthCert's core: client authentication certificates in PKCS#12 files,
//! the list of certificates, the keychain and safe saving. It knows nothing
//! of Tauri (a crate boundary, checked by tests/boundaries.rs), so the
//! command line and the window are both thin shells over it.
//!
//! - [`engine`]: typed choices in, a checked certificate and PKCS#12 out;
//! - [`life`]: the one owner of a pending certificate's life (make, keep the
//!   password in the keychain, save, discard);
//! - [`store`]: the list of certificates; [`overview`]: how it reads;
//! - [`form`]: the form's choices, limits and hints, for the window;
//! - [`connect`]: a certificate tested against an API, and the verdict;
//! - [`import`]: certificates made elsewhere, read and added to the list;
//! - [`authority`]: an issuing authority whose key lives in the keychain:
//!   signing, revocation lists, backup and restore;
//! - [`keychain`], [`save`], [`filename`], [`platform`]: the system;
//! - [`text`]: text from a server, a file or the list, made safe to show.

pub mod authority;
pub mod connect;
pub mod engine;
pub mod filename;
pub mod form;
pub mod hooks;
pub mod howto;
pub mod import;
pub mod keychain;
pub mod life;
pub mod overview;
pub mod platform;
pub mod save;
pub mod store;
pub mod text;
pub mod wipe_alloc;
