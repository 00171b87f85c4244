//! The window's commands for making a certificate: each one parses its
//! arguments, makes one call to the core's owner of the pending certificate
//! (`authcert_core::life::Pending`), and maps the error. The page never
//! receives the file's bytes or the key, and never chooses where a file is
//! written: the save dialog is opened from here.
//!
//! Every command is async: Tauri runs sync commands on the main thread,
//! where a panic unwinds into GTK's C code and aborts the app (and a
//! certificate waiting in it). The core's slow work runs on a blocking
//! thread (`shell::blocking`), where a panic fails that one call.

use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;
use tauri::{AppHandle, Runtime, State, WebviewWindow};

use authcert_core::engine::{
    Choice, Clock, Field, FieldError, InvalidRequest, KeyType, RawRequest,
};
use authcert_core::form::Defaults;
use authcert_core::howto::{self, Snippet};
use authcert_core::keychain;
use authcert_core::life::{LifeError, Made, Pending, Saved};

use super::args::{bool_of, json_kind, replaces_of, MAX_EXAMPLE_ID_BYTES};
use super::error::AppError;
use super::shell::{blocking, export_public};
use super::{clipboard, dialog};

pub type PendingState = Arc<Pending>;

/// The form as the page sends it. A form that is not an object and unknown
/// fields are refused by `TryFrom<Value>` with a short message (serde's own
/// messages quote the input, which a hostile page can make megabytes long);
/// values of the wrong type are refused by `into_raw`, which names the field.
#[derive(Debug, serde::Deserialize)]
#[serde(try_from = "Value")]
pub struct Form {
    nickname: Value,
    end_date: Value,
    api_token_end_date: Value,
    encryption: Value,
    signature_hash: Value,
    key_type: Value,
    signed_by: Value,
}

/// The form's fields, as the page names them.
const FORM_FIELDS: [&str; 7] = [
    "nickname",
    "endDate",
    "apiTokenEndDate",
    "encryption",
    "signatureHash",
    "keyType",
    "signedBy",
];

impl TryFrom<Value> for Form {
    type Error = String;

    fn try_from(value: Value) -> Result<Self, String> {
        let Value::Object(mut map) = value else {
            return Err(format!(
                "Form: must be an object of fields, not {}.",
                json_kind(&value)
            ));
        };
        if let Some(unknown) = map.keys().find(|k| !FORM_FIELDS.contains(&k.as_str())) {
            return Err(format!(
                "Form: “{}” is not a field of the form; the fields are {}.",
                unknown.chars().take(40).collect::<String>(),
                FORM_FIELDS.join(", ")
            ));
        }
        let mut take = |name: &str| map.remove(name).unwrap_or(Value::Null);
        Ok(Form {
            nickname: take("nickname"),
            end_date: take("endDate"),
            api_token_end_date: take("apiTokenEndDate"),
            encryption: take("encryption"),
            signature_hash: take("signatureHash"),
            key_type: take("keyType"),
            signed_by: take("signedBy"),
        })
    }
}

impl Form {
    pub(super) fn into_raw(self) -> Result<RawRequest, AppError> {
        let mut errors = Vec::new();
        let mut text = |v: Value, field: Field| match v {
            Value::Null => None,
            Value::String(s) => Some(s),
            other => {
                let kind = json_kind(&other);
                errors.push(FieldError::new(field, format!("must be text, not {kind}.")));
                None
            }
        };
        let raw = RawRequest {
            nickname: text(self.nickname, Field::Nickname).unwrap_or_default(),
            end_date: text(self.end_date, Field::EndDate).unwrap_or_default(),
            api_token_end_date: text(self.api_token_end_date, Field::ApiTokenEndDate),
            encryption: text(self.encryption, Field::Encryption),
            signature_hash: text(self.signature_hash, Field::SignatureHash),
            key_type: text(self.key_type, Field::KeyType),
            signed_by: text(self.signed_by, Field::SignedBy),
        };
        if errors.is_empty() {
            Ok(raw)
        } else {
            Err(AppError::Invalid(InvalidRequest { errors }))
        }
    }
}

/// What the form needs to start: choices, dates, limits and hints, from
/// the core's rules.
#[tauri::command]
pub async fn defaults() -> Defaults {
    Defaults::on(&Clock::system())
}

/// Checks the form with the core's rules; returns every refusal (none: valid).
#[tauri::command]
pub async fn validate(
    form: Form,
    pending: State<'_, PendingState>,
) -> Result<Vec<FieldError>, AppError> {
    let (raw, pending) = (form.into_raw()?, pending.inner().clone());
    blocking("checking the form", move || {
        Ok(pending.validate(&raw, &Clock::system())?)
    })
    .await
}

/// What the one-time screen shows.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadyView {
    /// Wiped once serialized and dropped.
    password: zeroize::Zeroizing<String>,
    nickname: String,
    valid_until: String,
    zone: String,
    list_notice: Option<String>,
}

/// Makes the certificate; refused while another one runs or waits.
#[tauri::command]
pub async fn generate(
    form: Form,
    replaces: Option<Value>,
    pending: State<'_, PendingState>,
) -> Result<ReadyView, AppError> {
    let (raw, pending) = (form.into_raw()?, pending.inner().clone());
    let replaces = replaces_of(replaces)?;
    let made = blocking("generating the certificate", move || {
        Ok(pending.make_replacing(&raw, &Clock::system(), replaces)?)
    })
    .await?;
    Ok(ReadyView::of(made))
}

impl ReadyView {
    /// The screen of a certificate made or completed.
    pub(super) fn of(made: Made) -> ReadyView {
        ReadyView {
            password: made.password,
            nickname: made.facts.described.nickname,
            valid_until: made.facts.described.not_after_local,
            zone: made.facts.described.zone,
            list_notice: made.list_notice,
        }
    }
}

/// Starts making a key of this type while the admin fills in the form, and
/// answers once it is ready (true) or was not kept (false), so that
/// *Generate* finds it waiting.
#[tauri::command]
pub async fn prepare_key(
    key_type: Value,
    pending: State<'_, PendingState>,
) -> Result<bool, AppError> {
    let key = match key_type.as_str() {
        Some(token) => KeyType::parse(token),
        None => Err(FieldError::new(
            Field::KeyType,
            "must be one of the choices, as text.",
        )),
    }
    .map_err(|e| AppError::Invalid(InvalidRequest { errors: vec![e] }))?;
    let pending = pending.inner().clone();
    pending.spares().prepare(key);
    blocking("preparing a key", move || Ok(pending.spares().wait(key))).await
}

/// Puts the password on the clipboard; it is cleared after a while if the
/// clipboard still holds it.
#[tauri::command]
pub async fn copy<R: Runtime>(
    app: AppHandle<R>,
    pending: State<'_, PendingState>,
) -> Result<(), AppError> {
    let password = pending.password()?;
    clipboard::copy_then_clear(&app, &password)
}

/// Stores the waiting certificate's password in the keychain.
#[tauri::command]
pub async fn remember(pending: State<'_, PendingState>) -> Result<String, AppError> {
    let pending = pending.inner().clone();
    blocking("storing the password", move || match pending.keep() {
        Ok(kept) => Ok(kept.message()),
        Err(LifeError::Keychain(k)) => Err(AppError::Keep(k)),
        Err(e) => Err(e.into()),
    })
    .await
}

/// Removes the waiting certificate's password from the keychain again.
#[tauri::command]
pub async fn forget(pending: State<'_, PendingState>) -> Result<(), AppError> {
    let pending = pending.inner().clone();
    blocking("removing the password", move || Ok(pending.unkeep()?)).await
}

/// The page's "I have saved the password": the download is refused until
/// it is ticked.
#[tauri::command]
pub async fn confirm_saved(saved: Value, pending: State<'_, PendingState>) -> Result<(), AppError> {
    let saved = bool_of(saved, "saved", "I have saved the password")?;
    Ok(pending.confirm_saved(saved)?)
}

/// Opens the save dialog for the PEM copy, then has the core write and
/// check it (before the .p12's download, which wipes the key).
#[tauri::command]
pub async fn save_pem<R: Runtime>(
    window: WebviewWindow<R>,
    pending: State<'_, PendingState>,
) -> Result<String, AppError> {
    let suggested = pending.check_savable("pem")?;
    let pending = pending.inner().clone();
    blocking("saving the PEM copy", move || {
        let path = dialog::save_path(
            &window,
            "Save PEM copy",
            &suggested,
            "PEM certificate and encrypted key",
            &["pem"],
        )
        .ok_or(AppError::PemCancelled)?;
        Ok(pending.save_pem(&path)?.display().to_string())
    })
    .await
}

/// What the screen shows after a download.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Downloaded {
    path: String,
    pem: Option<String>,
    in_keychain: bool,
    /// Where the password is stored, in words.
    keychain_text: Option<String>,
    /// A damaged list found (and kept aside) while recording it.
    list_problem: Option<String>,
    /// Why the request this certificate completed still waits.
    request_problem: Option<String>,
    /// How to use it, client by client.
    snippets: Vec<Snippet>,
}

/// The "How to use it" texts of the saved certificate.
fn snippets_of(pending: &Pending) -> Result<Vec<Snippet>, AppError> {
    let (_, saved) = pending.saved()?;
    Ok(snippets_for(&saved))
}

fn snippets_for(saved: &Saved) -> Vec<Snippet> {
    howto::snippets(howto::Files {
        p12: &saved.path,
        pem: saved.pem.as_deref(),
        encryption: saved.encryption,
    })
}

/// Copies one "How to use it" text (by its id) to the clipboard.
#[tauri::command]
pub async fn copy_snippet<R: Runtime>(
    id: Value,
    app: AppHandle<R>,
    pending: State<'_, PendingState>,
) -> Result<(), AppError> {
    let id = match id.as_str() {
        Some(id) if id.len() <= MAX_EXAMPLE_ID_BYTES => id.to_string(),
        _ => {
            return Err(AppError::input(
                "id",
                "Example: give the name of one of the examples shown.",
            ))
        }
    };
    let snippets = snippets_of(&pending)?;
    let snippet = snippets
        .iter()
        .find(|s| s.id == id)
        .ok_or_else(|| AppError::input("id", "Example: there is no example of that name."))?;
    clipboard::copy_text(&app, &snippet.code)
}

/// Opens the save dialog, then has the core write, check and record the
/// file and wipe the password and key. Cancel or failure keeps everything
/// for another try.
#[tauri::command]
pub async fn download<R: Runtime>(
    window: WebviewWindow<R>,
    pending: State<'_, PendingState>,
) -> Result<Downloaded, AppError> {
    let suggested = pending.check_savable("p12")?;
    let pending = pending.inner().clone();
    blocking("saving the certificate", move || {
        let path = dialog::save_path(
            &window,
            "Save certificate",
            &suggested,
            "PKCS#12 certificate",
            &["p12", "pfx"],
        )
        .ok_or(AppError::Cancelled)?;
        // Everything the screen shows comes from what `save` returned: a
        // discard fired beside the download may already have closed the
        // certificate, and the file is saved and listed all the same.
        let saved = pending.save(&path)?;
        Ok(Downloaded {
            path: saved.path.display().to_string(),
            pem: saved.pem.as_ref().map(|p| p.display().to_string()),
            snippets: snippets_for(&saved),
            in_keychain: saved.keychain_account.is_some(),
            keychain_text: saved
                .keychain_account
                .as_deref()
                .map(keychain::where_stored),
            list_problem: saved.list_notice,
            request_problem: saved.request_notice,
        })
    })
    .await
}

/// Saves the public certificate (PEM or DER `.cer`) of the downloaded one.
#[tauri::command]
pub async fn export<R: Runtime>(
    format: Value,
    window: WebviewWindow<R>,
    pending: State<'_, PendingState>,
) -> Result<String, AppError> {
    let (facts, _) = pending.saved()?;
    blocking("exporting the certificate", move || {
        export_public(
            &window,
            &facts.described.nickname,
            facts.certificate_der,
            format,
        )
    })
    .await
}

/// Forgets the pending certificate: its password and key are wiped, and a
/// keychain entry stored for it is deleted.
#[tauri::command]
pub async fn discard(pending: State<'_, PendingState>) -> Result<(), AppError> {
    let pending = pending.inner().clone();
    blocking("discarding the certificate", move || {
        pending.discard();
        Ok(())
    })
    .await
}

/// Closes the window for good, after the page asked the admin.
#[tauri::command]
pub async fn leave<R: Runtime>(
    app: AppHandle<R>,
    pending: State<'_, PendingState>,
) -> Result<(), AppError> {
    let pending = pending.inner().clone();
    let discarded = blocking("discarding the certificate", move || {
        pending.discard();
        Ok(())
    })
    .await;
    app.exit(0);
    discarded
}
