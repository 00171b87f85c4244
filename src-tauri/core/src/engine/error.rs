//! Errors of the engine: refused input (naming the field and the rule) and
//! failures while issuing. Neither ever carries a password or key material.

use std::fmt;

/// The form's fields, in the order the admin meets them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Nickname,
    EndDate,
    ApiTokenEndDate,
    Encryption,
    SignatureHash,
    KeyType,
    SignedBy,
    AuthorityName,
    AuthorityEndDate,
    RevocationReason,
    Serial,
}

impl Field {
    /// The label the admin sees in the window.
    pub fn label(self) -> &'static str {
        match self {
            Field::Nickname => "Nickname",
            Field::EndDate => "End date",
            Field::ApiTokenEndDate => "API token end date",
            Field::Encryption => "Encryption",
            Field::SignatureHash => "Signature hash algorithm",
            Field::KeyType => "Key type",
            Field::SignedBy => "Signed by",
            Field::AuthorityName => "Authority name",
            Field::AuthorityEndDate => "Authority valid until",
            Field::RevocationReason => "Reason",
            Field::Serial => "Serial number",
        }
    }

    /// The command-line option that sets this field.
    pub fn cli_option(self) -> &'static str {
        match self {
            Field::Nickname => "--nickname",
            Field::EndDate => "--end-date",
            Field::ApiTokenEndDate => "--api-token-end-date",
            Field::Encryption => "--encryption",
            Field::SignatureHash => "--hash",
            Field::KeyType => "--key",
            Field::SignedBy => "--signed-by-authority",
            Field::AuthorityName => "--name",
            Field::AuthorityEndDate => "--end-date",
            Field::RevocationReason => "--reason",
            Field::Serial => "--serial",
        }
    }
}

/// One refused value: which field, and the rule it broke, in plain words;
/// where one choice would fit, that choice (the window offers it as a
/// button, it never makes it silently).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: Field,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<Suggestion>,
}

/// A value that would fit: set `field` to `token`; `label` says so.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Suggestion {
    pub field: Field,
    pub token: &'static str,
    pub label: String,
}

impl FieldError {
    pub fn new(field: Field, message: impl Into<String>) -> Self {
        FieldError {
            field,
            message: message.into(),
            suggestion: None,
        }
    }

    pub fn suggest(mut self, field: Field, token: &'static str, label: String) -> Self {
        self.suggestion = Some(Suggestion {
            field,
            token,
            label,
        });
        self
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field.label(), self.message)
    }
}

impl std::error::Error for FieldError {}

/// Every refused field of a request (never empty).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InvalidRequest {
    pub errors: Vec<FieldError>,
}

impl fmt::Display for InvalidRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.errors.iter().map(ToString::to_string).collect();
        f.write_str(&lines.join("\n"))
    }
}

impl std::error::Error for InvalidRequest {}

/// A failure while making the key, the certificate or the file. The texts
/// name what failed; library details are kept only where they hold no secret.
#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    #[error("the operating system's random number generator failed: {0}")]
    Randomness(String),
    #[error("the private key could not be generated: {0}")]
    KeyGeneration(String),
    #[error("the certificate could not be made: {0}")]
    Certificate(String),
    #[error("the end date cannot be placed in time zone {zone}: {detail}")]
    Clock { zone: String, detail: String },
    #[error("the issuing authority could not sign it: {0}")]
    Authority(String),
    #[error("the PKCS#12 file could not be written: {0}")]
    Pkcs12Write(String),
    #[error("the PKCS#12 file failed its own check after writing: {0}")]
    SelfCheck(String),
}
