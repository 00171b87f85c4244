//! One error type for the window, serialized to
//! `{ field?, message, errors, cancelled }`. Messages never carry the
//! password or key material.

use serde::ser::SerializeStruct;

use authcert_core::authority::AuthorityError;
use authcert_core::connect::ConnectError;
use authcert_core::engine::{FieldError, InvalidRequest};
use authcert_core::import::ImportError;
use authcert_core::integrations::IntegrationError;
use authcert_core::keychain::KeychainError;
use authcert_core::life::LifeError;
use authcert_core::overview::ListedError;
use authcert_core::requested::RequestError;
use authcert_core::save::SaveError;
use authcert_core::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// An argument of the wrong shape, named ("Certificate: give …").
    #[error("{message}")]
    Input {
        field: Option<&'static str>,
        message: String,
    },
    #[error("{0}")]
    Invalid(InvalidRequest),
    #[error("{0}")]
    Life(LifeError),
    /// Storing the password failed: the flow goes on.
    #[error("The password was not stored in the keychain. {0} The password is still on screen.")]
    Keep(KeychainError),
    #[error("{0}")]
    Listed(#[from] ListedError),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("The download was cancelled. The certificate is still here; download it when you are ready.")]
    Cancelled,
    #[error("No file was chosen.")]
    AddCancelled,
    #[error("The export was cancelled.")]
    ExportCancelled,
    #[error("The PEM copy was not saved (cancelled). The certificate is still here.")]
    PemCancelled,
    #[error("The public certificate was not saved: {0}")]
    Export(SaveError),
    #[error("AuthCert could not copy to the clipboard ({0}). Select the text on screen and copy it yourself, or type it into your password manager.")]
    Clipboard(String),
    /// A certificate made elsewhere could not be added.
    #[error("{0}")]
    Import(ImportError),
    /// A test against an API could not start (or was cancelled).
    #[error("{0}")]
    Connect(#[from] ConnectError),
    #[error("{0}")]
    Authority(#[from] AuthorityError),
    /// A request to another CA, or its completion, refused.
    #[error("{0}")]
    Request(#[from] RequestError),
    #[error("The request was not saved (cancelled). It still waits; save or copy it when you are ready.")]
    RequestSaveCancelled,
    #[error("There is no backup waiting: make one first (Back up authority…).")]
    NoBackup,
    #[error("The backup was not saved (cancelled). It is still here: choose Save backup… when you are ready.")]
    BackupCancelled,
    /// An integration refused, or *Test all* that could not start.
    #[error("{0}")]
    Integration(#[from] IntegrationError),
    #[error("AuthCert hit an internal error while {0}. Nothing was lost; try again.")]
    Internal(&'static str),
}

impl From<LifeError> for AppError {
    fn from(e: LifeError) -> Self {
        match e {
            // A test of the waiting certificate: the test's own error.
            LifeError::Connect(c) => AppError::Connect(c),
            other => AppError::Life(other),
        }
    }
}

impl AppError {
    pub fn input(field: &'static str, message: impl Into<String>) -> AppError {
        AppError::Input {
            field: Some(field),
            message: message.into(),
        }
    }

    fn field_errors(&self) -> &[FieldError] {
        match self {
            AppError::Invalid(invalid) => &invalid.errors,
            AppError::Life(life) => life.field_errors(),
            AppError::Authority(AuthorityError::Invalid(errors)) => errors,
            AppError::Request(r) => r.field_errors().unwrap_or(&[]),
            _ => &[],
        }
    }
}

impl serde::Serialize for AppError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let errors = self.field_errors();
        let mut st = s.serialize_struct("AppError", 4)?;
        match self {
            AppError::Input { field, .. } => st.serialize_field("field", field)?,
            AppError::Store(StoreError::ReminderDays(_)) => {
                st.serialize_field("field", "reminder_days")?
            }
            AppError::Connect(e) => st.serialize_field("field", &e.field())?,
            AppError::Import(e) => st.serialize_field("field", &e.field())?,
            AppError::Integration(e) => st.serialize_field("field", &e.field())?,
            AppError::Authority(AuthorityError::WrongPassword) => {
                st.serialize_field("field", "password")?
            }
            AppError::Request(
                RequestError::Answer(_) | RequestError::Join(_) | RequestError::KeyGone(_),
            ) => st.serialize_field("field", "answer")?,
            _ => st.serialize_field("field", &errors.first().map(|e| e.field))?,
        }
        st.serialize_field("message", &self.to_string())?;
        st.serialize_field("errors", errors)?;
        st.serialize_field(
            "cancelled",
            &matches!(
                self,
                AppError::Cancelled
                    | AppError::AddCancelled
                    | AppError::ExportCancelled
                    | AppError::PemCancelled
                    | AppError::BackupCancelled
                    | AppError::RequestSaveCancelled
                    | AppError::Connect(ConnectError::Cancelled)
                    | AppError::Integration(IntegrationError::Certificate(ConnectError::Cancelled))
            ),
        )?;
        st.end()
    }
}
