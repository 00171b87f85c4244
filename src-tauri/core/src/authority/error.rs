//! Why an authority operation was refused or failed, in words that say
//! what to do next; never a secret.

use std::path::PathBuf;

use crate::engine::{FieldError, IssueError};
use crate::keychain::KeychainError;
use crate::store::StoreError;

/// Why an authority operation was refused or failed; never a secret.
#[derive(Debug, thiserror::Error)]
pub enum AuthorityError {
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<FieldError>),
    #[error("No issuing authority exists on this computer. Create one (or restore a backup of one) first.")]
    None,
    #[error("An issuing authority, “{0}”, already exists on this computer; AuthCert keeps one. To create or restore another, back it up first if you may need it (Back up authority…), then remove it.")]
    Exists(String),
    #[error("{doing}: {}", key_words(.error))]
    Keychain {
        doing: &'static str,
        error: KeychainError,
    },
    #[error("AuthCert could not complete this with the authority: {0}. Nothing was changed; try again, and if it fails again, restore the authority from its backup.")]
    Issue(#[from] IssueError),
    #[error("“{0}” was not signed by this computer's issuing authority, so it cannot be revoked here. Remove it from the list, and from the service that trusts it, instead.")]
    NotSignedHere(String),
    #[error("{0} was already revoked on {1}.")]
    AlreadyRevoked(String, String),
    #[error("The key the keychain holds for the authority “{name}” (account “{account}”) is not the authority's key: what AuthCert signed with it, no server would accept, so nothing was signed. It may have been replaced by another tool or a restore of another backup. Remove the authority (keeping its revocations), then restore it from its backup; or remove that keychain entry if it is not needed.")]
    KeyMismatch { name: String, account: String },
    #[error("The authority “{name}” expired on {day}: it can sign no revocation list any more, and servers refuse every certificate it signed anyway. Create a new authority, give its certificate to your servers, and replace the certificates the old one signed.")]
    Expired { name: String, day: String },
    #[error("The new revocation list would leave out {0} that an earlier list of this authority named; AuthCert never publishes such a list. Restore the authority's file from a backup, or export again.")]
    WouldDrop(String),
    #[error("This file is not a backup of an issuing authority AuthCert can use: {0}")]
    NotABackup(String),
    #[error("The password of the backup is wrong (or the file is damaged). Type the password that was shown when the backup was made.")]
    WrongPassword,
    #[error("The file was not saved: {0}")]
    Save(String),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("The authority's file ({}) could not be read: {}. Nothing was changed.", .path.display(), crate::store::plain_io(.source))]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("The authority's file ({}) could not be saved: {}. Nothing was changed.", .path.display(), crate::store::plain_io(.source))]
    Unwritable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("The authority's file ({}) was written by a newer AuthCert (format {found}); update AuthCert to use it. Nothing was changed.", .path.display())]
    NewerFormat { path: PathBuf, found: u32 },
    #[error("The authority's file ({}) is damaged ({reason}). AuthCert leaves it as it is: move that file out of its folder, then restore the authority from its backup (Restore from backup…).", .path.display())]
    Damaged { path: PathBuf, reason: String },
}

/// The keychain's failure, said of the authority's key.
pub(super) fn key_words(e: &KeychainError) -> String {
    match e {
        KeychainError::NoService(why) => format!("the authority's private key is kept only in the keychain, never in a file, and no keychain service is running on this computer ({why}). On Linux, log in to a desktop session with a keyring such as GNOME Keyring or KWallet, then try again."),
        KeychainError::Locked => "the keychain is locked. Unlock it (log in to your desktop session, or open your keyring) and try again.".into(),
        KeychainError::Denied => "the keychain refused access. Allow AuthCert when your system asks, then try again.".into(),
        KeychainError::NotFound => "the authority's private key is no longer in the keychain (the entry was deleted). Remove the authority (Remove authority…), then restore it from its backup (Restore from backup…).".into(),
        KeychainError::Unsupported => "this build of AuthCert has no keychain on this system, and the authority's key is kept only there, so no authority can be kept here. Use self-signed certificates, or an AuthCert on a computer with a keychain.".into(),
        KeychainError::Taken(account) => format!("the keychain already holds another key under “{account}”; AuthCert never replaces it. Remove that entry in your keychain tool if it is not needed."),
        KeychainError::Other(detail) => format!("the keychain did not answer as expected ({detail}). Try again; if it keeps failing, restart your session or check your keychain tool."),
    }
}

pub(super) fn keychain_err(doing: &'static str) -> impl Fn(KeychainError) -> AuthorityError {
    move |error| AuthorityError::Keychain { doing, error }
}
