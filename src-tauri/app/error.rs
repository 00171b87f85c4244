//! One error type for the window, serialized to `{ field?, message, errors }`.
//! Messages never carry the password or key material.

use serde::ser::SerializeStruct;

use authcert_core::engine::{FieldError, InvalidRequest, IssueError};
use authcert_core::save::SaveError;

use super::session::SessionError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    Invalid(InvalidRequest),
    #[error("{0}")]
    Session(#[from] SessionError),
    #[error("The certificate could not be generated: {0}")]
    Issue(#[from] IssueError),
    #[error(
        "The file was not saved: {0} The certificate is still here; you can download it again."
    )]
    Save(String),
    #[error("The download was cancelled. The certificate is still here; download it when you are ready.")]
    Cancelled,
    #[error("The export was cancelled.")]
    ExportCancelled,
    #[error("The public certificate was not saved: {0}")]
    Export(SaveError),
    #[error("{0} The password is still on screen.")]
    Keychain(authcert_core::keychain::KeychainError),
    #[error("{0}")]
    KeychainRead(authcert_core::keychain::KeychainError),
    #[error("{0}")]
    Store(#[from] authcert_core::store::StoreError),
    #[error("Copying to the clipboard failed: {0}")]
    Clipboard(String),
    #[error("{0}")]
    Internal(String),
}

impl serde::Serialize for AppError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let errors: &[FieldError] = match self {
            AppError::Invalid(invalid) => &invalid.errors,
            _ => &[],
        };
        let mut st = s.serialize_struct("AppError", 4)?;
        let field = match self {
            AppError::Store(authcert_core::store::StoreError::ReminderDays(_)) => {
                Some("reminder_days")
            }
            _ => None,
        };
        match field {
            Some(f) => st.serialize_field("field", f)?,
            None => st.serialize_field("field", &errors.first().map(|e| e.field))?,
        }
        st.serialize_field("message", &self.to_string())?;
        st.serialize_field("errors", errors)?;
        st.serialize_field(
            "cancelled",
            &matches!(self, AppError::Cancelled | AppError::ExportCancelled),
        )?;
        st.end()
    }
}
