//! Where each certificate is used: the APIs it calls ("integrations"), each
//! with a name, an `https://` address, a note on where it is configured and
//! its own last verdict; and a check that tests them all at once, for a
//! scheduler or the window. The list keeps them in each record.

pub mod check;
pub mod entry;

pub use check::{check, Checked, Chosen, Outcome, EXIT_NOT_TESTED};
pub use entry::{Name, NewIntegration, Note};

use crate::connect::ConnectError;
use crate::ids::Fingerprint;
use crate::store::{Integration, Record, Store, StoreError};

/// More would not be one certificate's integrations but a monitoring system's.
pub const MAX_PER_CERTIFICATE: usize = 200;

/// Why an integration could not be added, removed or checked. Never
/// carries a secret.
#[derive(Debug, thiserror::Error)]
pub enum IntegrationError {
    #[error("Integration name: {0}")]
    Name(String),
    #[error("{0}")]
    Address(ConnectError),
    #[error("Note: {0}")]
    Note(String),
    #[error("“{certificate}” already has an integration named “{name}”; choose another name, or remove that one first.")]
    Duplicate { certificate: String, name: String },
    #[error("“{certificate}” has no integration named “{name}”; `authcert integration list` shows its integrations.")]
    NotFound { certificate: String, name: String },
    #[error(
        "“{0}” already has {MAX_PER_CERTIFICATE} integrations, the most one certificate keeps."
    )]
    TooMany(String),
    #[error("“{0}” has no integrations to check; add one with `authcert integration add` or in its details.")]
    NoneFor(String),
    #[error("No certificate in the list has integrations to check; add one with `authcert integration add` or in a certificate's details.")]
    NoneAtAll,
    #[error("{0}")]
    Certificate(ConnectError),
    #[error("{0}")]
    Store(#[from] StoreError),
}

impl IntegrationError {
    /// The field a refusal is about, for the window.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            IntegrationError::Name(_) | IntegrationError::Duplicate { .. } => Some("name"),
            IntegrationError::Address(ConnectError::Fingerprint(_)) => Some("trustServer"),
            IntegrationError::Address(_) => Some("url"),
            IntegrationError::Note(_) => Some("note"),
            IntegrationError::Certificate(e) => e.field(),
            _ => None,
        }
    }
}

impl From<ConnectError> for IntegrationError {
    /// A test of the integrations that could not start or was cancelled.
    fn from(e: ConnectError) -> Self {
        IntegrationError::Certificate(e)
    }
}

/// The shown name of a certificate, for messages (the list is text from
/// a file).
fn shown(nickname: &str) -> String {
    crate::text::shown(nickname).into_owned()
}

/// Adds an integration to the listed certificate `id`; its name must be
/// free among the certificate's integrations (checked under the list's
/// lock).
pub fn add(
    store: &Store,
    id: &Fingerprint,
    new: NewIntegration,
) -> Result<Record, IntegrationError> {
    store.edit(id, |r| {
        let certificate = shown(&r.described.nickname);
        if r.integrations.iter().any(|i| new.name.same(&i.name)) {
            return Err(IntegrationError::Duplicate {
                certificate,
                name: new.name.as_str().to_string(),
            });
        }
        if r.integrations.len() >= MAX_PER_CERTIFICATE {
            return Err(IntegrationError::TooMany(certificate));
        }
        r.integrations.push(new.into_listed());
        Ok(r.clone())
    })
}

/// Removes the integration named `name` (compared as names are) from the
/// listed certificate `id`.
pub fn remove(store: &Store, id: &Fingerprint, name: &str) -> Result<Record, IntegrationError> {
    let wanted = Name::parse(name)?;
    store.edit(id, |r| {
        let at = r
            .integrations
            .iter()
            .position(|i| wanted.same(&i.name))
            .ok_or_else(|| IntegrationError::NotFound {
                certificate: shown(&r.described.nickname),
                name: wanted.as_str().to_string(),
            })?;
        r.integrations.remove(at);
        Ok(r.clone())
    })
}

/// The certificate `id`'s integrations, as listed.
pub fn of(store: &Store, id: &Fingerprint) -> Result<Vec<Integration>, IntegrationError> {
    Ok(store.get(id)?.integrations)
}

#[cfg(test)]
mod tests;
