//! AuthCert's core: client authentication certificates in PKCS#12 files,
//! the list of certificates, the keychain and safe saving. It knows nothing
//! of Tauri (a crate boundary, checked by tests/boundaries.rs), so the
//! command line and the window are both thin shells over it: each of their
//! commands makes one call here.
//!
//! Its modules form layers that only point down (tests/layers.rs), lowest
//! first:
//!
//! - leaves: [`ids`] (fingerprints and serials, parsed once), [`tested`]
//!   (a test's verdicts), [`text`] (text from a server, a file or the list,
//!   made safe to show), [`filename`], [`hooks`], [`wipe_alloc`];
//! - [`platform`] (what differs per system) and [`clock`] ("now" and the
//!   admin's time zone);
//! - [`engine`]: typed choices in, a checked certificate and PKCS#12 out;
//! - [`store`] (the list of certificates), [`keychain`], [`save`], [`howto`];
//! - [`listed`] (a listed certificate's password and removal), [`form`];
//! - [`authority`]: an issuing authority whose key lives in the keychain;
//! - [`connect`] (a certificate tested against an API) and [`import`]
//!   (certificates made elsewhere, added to the list);
//! - [`requested`]: a request to a company's or a commercial CA, and its
//!   answer read and joined with the waiting key;
//! - [`life`]: the one owner of a pending certificate's life;
//! - [`overview`]: what the front ends show: Home, details, the reminder.

pub mod authority;
pub mod clock;
pub mod connect;
pub mod engine;
pub mod filename;
pub mod form;
pub mod hooks;
pub mod howto;
pub mod ids;
pub mod import;
pub mod integrations;
pub mod keychain;
pub mod life;
pub mod listed;
pub mod overview;
pub mod platform;
pub mod requested;
pub mod save;
pub mod store;
pub mod tested;
pub mod text;
pub mod wipe_alloc;
