//! The window's commands: each parses, calls the engine, the session or the
//! disk, and maps the error. The page never receives the file's bytes or the
//! key, and never chooses where a file is written.

use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tauri::{AppHandle, Runtime, State, WebviewWindow};

use authcert_core::engine::{
    self, request::EndDateRange, Choice, Clock, Encryption, Field, FieldError, InvalidRequest,
    KeyType, RawRequest, Request, SignatureHash, Spares,
};
use authcert_core::keychain::{self, Keychain};
use authcert_core::{filename, save};

use super::error::AppError;
use super::listing::{self, ListState};
use super::session::Session;
use super::{clipboard, dialog};

pub type SessionState = Mutex<Session>;

/// The form as the page sends it. A form that is not an object and unknown
/// fields are refused by `TryFrom<Value>` with a short message (serde's own
/// messages quote the input, which a hostile page can make megabytes long);
/// values of the wrong type are refused by `into_raw`, which names the field.
#[derive(Debug, Deserialize)]
#[serde(try_from = "Value")]
pub struct Form {
    pub nickname: Value,
    pub end_date: Value,
    pub api_token_end_date: Value,
    pub encryption: Value,
    pub signature_hash: Value,
    pub key_type: Value,
}

/// The form's fields, as the page names them.
const FORM_FIELDS: [&str; 6] = [
    "nickname",
    "endDate",
    "apiTokenEndDate",
    "encryption",
    "signatureHash",
    "keyType",
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
        })
    }
}

/// What kind of JSON value `v` is, in words.
fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing (null)",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

impl Form {
    fn into_raw(self) -> Result<RawRequest, InvalidRequest> {
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
        };
        if errors.is_empty() {
            Ok(raw)
        } else {
            Err(InvalidRequest { errors })
        }
    }
}

#[derive(Serialize)]
pub struct Option_ {
    token: &'static str,
    label: &'static str,
    /// The engine's default: the one PRODUCT.md recommends.
    recommended: bool,
}

fn options<C: Choice + Default + PartialEq>() -> Vec<Option_> {
    C::ALL
        .iter()
        .map(|c| Option_ {
            token: c.token(),
            label: c.label(),
            recommended: *c == C::default(),
        })
        .collect()
}

/// What the form needs to start: the dates' range and every choice, from the
/// engine, so that the page repeats no rule of its own.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Defaults {
    today: String,
    end_date: String,
    earliest: String,
    latest: String,
    zone: String,
    encryptions: Vec<Option_>,
    hashes: Vec<Option_>,
    key_types: Vec<Option_>,
    /// For each key type, the hashes it can sign with (tokens).
    key_hashes: Vec<(&'static str, Vec<&'static str>)>,
    combinations: &'static str,
    /// What this system calls its keychain.
    keychain_name: &'static str,
}

// Every command is async: Tauri runs sync commands on the main thread, where
// a panic unwinds into GTK's C code and aborts the app (and a certificate
// waiting in it); on the async runtime it fails that one call.
#[tauri::command]
pub async fn defaults() -> Defaults {
    let clock = Clock::system();
    let today = clock.today();
    let range = EndDateRange::on(today, None);
    Defaults {
        today: today.to_string(),
        end_date: EndDateRange::default_end(today, None).to_string(),
        earliest: range.earliest.to_string(),
        latest: range.latest.to_string(),
        zone: clock.zone_name(),
        encryptions: options::<Encryption>(),
        hashes: options::<SignatureHash>(),
        key_types: options::<KeyType>(),
        key_hashes: KeyType::ALL
            .iter()
            .map(|k| (k.token(), k.hashes().iter().map(|h| h.token()).collect()))
            .collect(),
        combinations: engine::request::combinations_text(),
        keychain_name: keychain::system_name(),
    }
}

/// Parses the form; nicknames in the list and the one waiting for its
/// download are taken.
fn parse(
    form: Form,
    session: &Session,
    listed: &[String],
    clock: &Clock,
) -> Result<Request, AppError> {
    let raw = form.into_raw().map_err(AppError::Invalid)?;
    let taken = listed
        .iter()
        .map(String::as_str)
        .chain(session.pending_nickname());
    Request::parse(&raw, clock.today(), taken).map_err(AppError::Invalid)
}

/// The nicknames in the list, read afresh (another window or the command
/// line may have added some).
fn listed_nicknames(list: &ListState) -> Result<Vec<String>, AppError> {
    Ok(list.load()?.into_iter().map(|r| r.nickname).collect())
}

pub(crate) fn lock(state: &SessionState) -> Result<std::sync::MutexGuard<'_, Session>, AppError> {
    state
        .lock()
        .map_err(|_| AppError::Internal("AuthCert hit an internal error; restart it.".into()))
}

/// Checks the form with the engine's rules; returns every refusal (none: valid).
#[tauri::command]
pub async fn validate(
    form: Form,
    state: State<'_, SessionState>,
    list: State<'_, ListState>,
) -> Result<Vec<FieldError>, AppError> {
    let listed = listed_nicknames(&list)?;
    let session = lock(&state)?;
    match parse(form, &session, &listed, &Clock::system()) {
        Ok(_) => Ok(Vec::new()),
        Err(AppError::Invalid(invalid)) => Ok(invalid.errors),
        Err(e) => Err(e),
    }
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
}

/// Makes the certificate off the main thread; refused while another one
/// runs or waits to be downloaded.
#[tauri::command]
pub async fn generate(
    form: Form,
    state: State<'_, SessionState>,
    list: State<'_, ListState>,
    spares: State<'_, Spares>,
) -> Result<ReadyView, AppError> {
    let clock = Clock::system();
    // A list that cannot be read stops us before a key is made: the new
    // certificate could not be recorded.
    let listed = listed_nicknames(&list)?;
    let request = {
        let mut session = lock(&state)?;
        let request = parse(form, &session, &listed, &clock)?;
        session.begin_generate()?;
        request
    };
    let pool = spares.inner().clone();
    let made = tauri::async_runtime::spawn_blocking(move || {
        let key = pool.take(request.key_type, request.signature_hash)?;
        engine::issue_with_key(&request, &clock, key)
    })
    .await
    .map_err(|e| AppError::Internal(format!("the generation stopped unexpectedly: {e}")));
    let mut session = lock(&state)?;
    let issued = match made {
        Ok(Ok(issued)) => issued,
        Ok(Err(e)) => {
            session.finish_generate(None);
            return Err(e.into());
        }
        Err(e) => {
            session.finish_generate(None);
            return Err(e);
        }
    };
    let f = &issued.facts;
    let view = ReadyView {
        password: zeroize::Zeroizing::new(issued.password.expose().to_string()),
        nickname: f.nickname.clone(),
        valid_until: f.not_after_local.clone(),
        zone: f.zone.clone(),
    };
    session.finish_generate(Some(issued));
    // The form is closed: the spares of other key types are not needed.
    spares.clear();
    Ok(view)
}

/// Starts making a key of this type while the admin fills in the form, and
/// answers once it is ready (true) or was not kept (false), so that
/// *Generate* finds it waiting. Called when the form opens and when the key
/// type changes.
#[tauri::command]
pub async fn prepare_key(key_type: Value, spares: State<'_, Spares>) -> Result<bool, AppError> {
    let key = match key_type.as_str() {
        Some(token) => KeyType::parse(token),
        None => Err(FieldError::new(
            Field::KeyType,
            "must be one of the choices, as text.",
        )),
    }
    .map_err(|e| AppError::Invalid(InvalidRequest { errors: vec![e] }))?;
    spares.prepare(key);
    let pool = spares.inner().clone();
    tauri::async_runtime::spawn_blocking(move || pool.wait(key))
        .await
        .map_err(|e| AppError::Internal(format!("the key preparation stopped unexpectedly: {e}")))
}

/// Puts the password on the clipboard; it is cleared after a minute if the
/// clipboard still holds it.
#[tauri::command]
pub async fn copy<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, SessionState>,
) -> Result<(), AppError> {
    let session = lock(&state)?;
    let issued = session.ready()?;
    clipboard::copy_then_clear(&app, issued.password.expose())
}

/// What the screen shows after a download.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Downloaded {
    path: String,
    in_keychain: bool,
    /// Why it is not in the list, when recording it failed.
    list_problem: Option<String>,
}

/// Opens the save dialog, writes the file safely, checks it, then wipes the
/// password and key. Cancel or failure keeps everything for another try.
#[tauri::command]
pub async fn download<R: Runtime>(
    window: WebviewWindow<R>,
    state: State<'_, SessionState>,
    list: State<'_, ListState>,
) -> Result<Downloaded, AppError> {
    let suggested = {
        let session = lock(&state)?;
        filename::suggested(&session.ready()?.facts.nickname, "p12")
    };
    let path = dialog::save_path(
        &window,
        "Save certificate",
        &suggested,
        "PKCS#12 certificate",
        &["p12", "pfx"],
    )
    .ok_or(AppError::Cancelled)?;
    let mut session = lock(&state)?;
    let issued = session.ready()?;
    save::write_new(&path, &issued.p12, |bytes| {
        engine::pkcs12::check(
            bytes,
            &issued.password,
            &issued.facts.nickname,
            &issued.facts.certificate_der,
        )
    })
    .map_err(|e| AppError::Save(e.to_string()))?;
    session.mark_downloaded(&path)?;
    let (facts, _, in_keychain) = session.downloaded()?;
    let list_problem = listing::record_download(&list, facts, &path, in_keychain);
    Ok(Downloaded {
        path: path.display().to_string(),
        in_keychain,
        list_problem,
    })
}

/// Saves the public certificate (PEM or DER `.cer`) of the downloaded one.
#[tauri::command]
pub async fn export<R: Runtime>(
    format: Value,
    window: WebviewWindow<R>,
    state: State<'_, SessionState>,
) -> Result<String, AppError> {
    let (der, nickname) = {
        let session = lock(&state)?;
        let (facts, _, _) = session.downloaded()?;
        (facts.certificate_der.clone(), facts.nickname.clone())
    };
    export_public(&window, &nickname, der, format)
}

/// Asks where, then writes the public certificate as PEM or DER (`.cer`).
pub(crate) fn export_public<R: Runtime>(
    window: &WebviewWindow<R>,
    nickname: &str,
    der: Vec<u8>,
    format: Value,
) -> Result<String, AppError> {
    let (bytes, ext, kind) = match format.as_str() {
        Some("pem") => (
            engine::issued::pem_of_certificate(&der).into_bytes(),
            "pem",
            "PEM certificate",
        ),
        Some("cer") => (der, "cer", "DER certificate"),
        _ => {
            return Err(AppError::Internal(
                "Export format: choose pem or cer.".into(),
            ))
        }
    };
    let path = dialog::save_path(
        window,
        "Export public certificate",
        &filename::suggested(nickname, ext),
        kind,
        &[ext],
    )
    .ok_or(AppError::ExportCancelled)?;
    save::write_new(&path, &bytes, |_| Ok::<(), std::convert::Infallible>(())).map_err(
        |e| match e {
            save::WriteNewError::Save(s) => AppError::Export(s),
            save::WriteNewError::Verify(never) => match never {},
        },
    )?;
    Ok(path.display().to_string())
}

/// Runs a keychain call off the main thread: it may wait on an unlock prompt.
pub(crate) async fn off_main<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, keychain::KeychainError> + Send + 'static,
) -> Result<T, AppError> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Internal(format!("the keychain call stopped unexpectedly: {e}")))?
        .map_err(AppError::Keychain)
}

/// Stores the waiting certificate's password in the keychain.
#[tauri::command]
pub async fn remember(state: State<'_, SessionState>) -> Result<String, AppError> {
    let (nickname, password) = {
        let session = lock(&state)?;
        let issued = session.ready()?;
        (
            issued.facts.nickname.clone(),
            zeroize::Zeroizing::new(issued.password.expose().to_string()),
        )
    };
    let name = nickname.clone();
    off_main(move || Keychain::system()?.store(&name, &password)).await?;
    lock(&state)?.set_in_keychain(&nickname, true)?;
    Ok(format!(
        "Stored in the {}: service “{}”, account “{}”.",
        keychain::system_name(),
        keychain::SERVICE,
        nickname
    ))
}

/// Removes the waiting certificate's password from the keychain again.
#[tauri::command]
pub async fn forget(state: State<'_, SessionState>) -> Result<(), AppError> {
    let nickname = lock(&state)?.ready()?.facts.nickname.clone();
    let name = nickname.clone();
    off_main(move || Keychain::system()?.delete(&name)).await?;
    lock(&state)?.set_in_keychain(&nickname, false)?;
    Ok(())
}

/// Deletes the keychain entry of a certificate that was discarded.
async fn drop_orphan(orphan: Option<String>) {
    if let Some(nickname) = orphan {
        let _ = off_main(move || Keychain::system()?.delete(&nickname)).await;
    }
}

/// Forgets the pending certificate: its password and key are wiped, and a
/// keychain entry stored for it is deleted.
#[tauri::command]
pub async fn discard(state: State<'_, SessionState>) -> Result<(), AppError> {
    let orphan = lock(&state)?.discard();
    drop_orphan(orphan).await;
    Ok(())
}

/// Closes the window for good, after the page asked the admin.
#[tauri::command]
pub async fn leave<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, SessionState>,
) -> Result<(), AppError> {
    let orphan = lock(&state)?.discard();
    drop_orphan(orphan).await;
    app.exit(0);
    Ok(())
}
