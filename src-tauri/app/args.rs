//! The page's arguments, parsed: every shape and length limit the window
//! puts on what the page sends, in one place. The core's own rules (a
//! nickname's, an address's) come after; these only keep a hostile page's
//! megabytes and wrong types from reaching them, with a refusal that names
//! the field.

use serde_json::Value;

use authcert_core::connect::{self, ConnectError, Settings, Target};
use authcert_core::ids::Fingerprint;

use super::error::AppError;

/// Replace…: the listed certificate a new one replaces (missing or null:
/// none).
pub fn replaces_of(replaces: Option<Value>) -> Result<Option<Fingerprint>, AppError> {
    match replaces {
        None | Some(Value::Null) => Ok(None),
        Some(other) => id_of(other).map(Some),
    }
}

/// A password typed into the page, in bytes.
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// Other text typed into the page (a name, a date, a reason), in characters.
pub const MAX_TEXT_CHARS: usize = 1024;
/// A nickname as sent, before the core's own rule (64 characters) applies.
pub const MAX_NICKNAME_CHARS: usize = 1000;
/// The name of one of the examples shown.
pub const MAX_EXAMPLE_ID_BYTES: usize = 40;

/// What kind of JSON value `v` is, in words.
pub fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing (null)",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A listed certificate's id: its SHA-256 fingerprint.
pub fn id_of(id: Value) -> Result<Fingerprint, AppError> {
    match &id {
        Value::String(s) => {
            Fingerprint::parse(s).map_err(|e| AppError::input("id", format!("Certificate: {e}")))
        }
        _ => Err(AppError::input(
            "id",
            "Certificate: give the fingerprint of a listed certificate (text).",
        )),
    }
}

/// A password typed into the page (missing: None), held in a zeroizing
/// string from here on; `label` names the field in the refusal.
pub fn password_of(v: Value, label: &str) -> Result<Option<zeroize::Zeroizing<String>>, AppError> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) if s.len() <= MAX_PASSWORD_BYTES => Ok(Some(zeroize::Zeroizing::new(s))),
        _ => Err(AppError::input(
            "password",
            format!("{label}: must be text of at most {MAX_PASSWORD_BYTES} characters."),
        )),
    }
}

/// A yes/no argument (missing: no).
pub fn bool_of(v: Value, field: &'static str, label: &str) -> Result<bool, AppError> {
    match v {
        Value::Bool(b) => Ok(b),
        Value::Null => Ok(false),
        _ => Err(AppError::input(
            field,
            format!("{label}: must be true or false."),
        )),
    }
}

/// Text from the page, or a refusal naming the field.
pub fn text_of(v: Value, field: &'static str, label: &str, max: usize) -> Result<String, AppError> {
    match v {
        Value::String(s) if s.chars().count() <= max => Ok(s),
        Value::String(_) => Err(AppError::input(
            field,
            format!("{label}: at most {max} characters."),
        )),
        _ => Err(AppError::input(field, format!("{label}: must be text."))),
    }
}

fn target_of(url: Value) -> Result<Target, AppError> {
    // Target::parse has the rules (and the length limit); this only keeps
    // a hostile page's megabytes from being counted twice.
    let text = text_of(
        url,
        "url",
        "API address",
        connect::target::MAX_ADDRESS_CHARS * 4,
    )?;
    Ok(Target::parse(&text)?)
}

/// A server certificate's SHA-256 fingerprint to trust (missing or empty:
/// none), as *Test with your API* and an integration take it.
pub fn trust_of(v: Value) -> Result<Option<Fingerprint>, AppError> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) if s.is_empty() => Ok(None),
        Value::String(s) => Ok(Some(connect::target::trusted_server(&s)?)),
        _ => Err(AppError::Connect(ConnectError::Fingerprint(
            "must be text.".into(),
        ))),
    }
}

/// Optional text (missing: None) of at most [`MAX_TEXT_CHARS`].
pub fn optional_text_of(
    v: Value,
    field: &'static str,
    label: &str,
) -> Result<Option<String>, AppError> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) if s.chars().count() <= MAX_TEXT_CHARS => Ok(Some(s)),
        _ => Err(AppError::input(
            field,
            format!("{label}: must be text of at most {MAX_TEXT_CHARS} characters."),
        )),
    }
}

/// Where and how to test, from the page.
pub fn settings_of(url: Value, trust_server: Value) -> Result<Settings, AppError> {
    Ok(Settings {
        target: target_of(url)?,
        trust: trust_of(trust_server)?,
        timeout: Default::default(),
    })
}
