//! The window's commands for a certificate from another CA: make the
//! request (its key waits in the keychain), copy or save the request, see
//! where it goes, cancel it, and complete it with the CA's answer (opened
//! in the system's dialog or pasted) into the same one-time screen as every
//! certificate. Each parses, calls the core (`requested`, `life`), and maps
//! the error. The page never holds the key or chooses a path.

use serde::Serialize;
use serde_json::Value;
use tauri::{AppHandle, Runtime, State, WebviewWindow};

use authcert_core::engine::Clock;
use authcert_core::import::read::file_bytes;
use authcert_core::life::OnSave;
use authcert_core::requested::{self, waiting, Destination, Waiting, MAX_ANSWER_BYTES};
use authcert_core::{filename, keychain};

use super::args::{replaces_of, text_of, MAX_EXAMPLE_ID_BYTES, MAX_NICKNAME_CHARS};
use super::creating::{Form, PendingState, ReadyView};
use super::error::AppError;
use super::shell::blocking;
use super::{clipboard, dialog};

/// A waiting request as its screen shows it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestView {
    nickname: String,
    status_text: String,
    /// Where the key waits, in words.
    key_text: String,
    destinations: Vec<Destination>,
}

/// Where the request `w` may go, its files named as the dialogs suggest.
fn destinations_of(w: &Waiting) -> Vec<Destination> {
    requested::destinations(
        &filename::suggested(&w.nickname, "csr"),
        &filename::suggested(&w.nickname, "cer"),
    )
}

impl RequestView {
    fn of(w: &Waiting) -> RequestView {
        RequestView {
            status_text: w.status_text(&Clock::system()),
            key_text: format!(
                "Its key waits in the {} (service “{}”, account “{}”); the request alone is of no use to anyone else. The CA decides the end date.",
                keychain::system_name(),
                keychain::SERVICE,
                w.keychain_account
            ),
            destinations: destinations_of(w),
            nickname: w.nickname.clone(),
        }
    }
}

fn nickname_of(v: Value) -> Result<String, AppError> {
    text_of(v, "nickname", "Request", MAX_NICKNAME_CHARS)
}

/// The waiting request `nickname` (read from requests.json).
fn waiting_of(pending: &PendingState, nickname: &str) -> Result<Waiting, AppError> {
    Ok(waiting::get(pending.store()?, nickname)?)
}

/// Runs `f` on the waiting request named by the page, off the async
/// runtime's threads (it reads the requests' file).
async fn with_waiting<T: Send + 'static>(
    what: &'static str,
    nickname: Value,
    pending: &PendingState,
    f: impl FnOnce(Waiting) -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let (nickname, pending) = (nickname_of(nickname)?, pending.clone());
    blocking(what, move || f(waiting_of(&pending, &nickname)?)).await
}

/// Makes the key (into the keychain) and the request of the form; saved,
/// its answer replaces the listed certificate `replaces` (Replace…).
#[tauri::command]
pub async fn request_make(
    form: Form,
    replaces: Option<Value>,
    pending: State<'_, PendingState>,
) -> Result<RequestView, AppError> {
    let (raw, pending) = (form.into_raw()?, pending.inner().clone());
    let replaces = replaces_of(replaces)?;
    blocking("making the request", move || {
        let w = waiting::create_replacing(
            pending.store()?,
            pending.keychains(),
            &raw,
            replaces,
            &Clock::system(),
        )?;
        Ok(RequestView::of(&w))
    })
    .await
}

/// The waiting request `nickname`, to copy, save or send again.
#[tauri::command]
pub async fn request_view(
    nickname: Value,
    pending: State<'_, PendingState>,
) -> Result<RequestView, AppError> {
    with_waiting("reading the request", nickname, &pending, |w| {
        Ok(RequestView::of(&w))
    })
    .await
}

/// Puts the request's text (public) on the clipboard, for a CA's web form.
#[tauri::command]
pub async fn request_copy<R: Runtime>(
    nickname: Value,
    app: AppHandle<R>,
    pending: State<'_, PendingState>,
) -> Result<(), AppError> {
    with_waiting("copying the request", nickname, &pending, move |w| {
        clipboard::copy_text(&app, &w.request)
    })
    .await
}

/// Copies the example of one destination (by its id).
#[tauri::command]
pub async fn request_copy_example<R: Runtime>(
    nickname: Value,
    id: Value,
    app: AppHandle<R>,
    pending: State<'_, PendingState>,
) -> Result<(), AppError> {
    let id = text_of(id, "id", "Example", MAX_EXAMPLE_ID_BYTES)?;
    with_waiting("copying the example", nickname, &pending, move |w| {
        let example = destinations_of(&w)
            .into_iter()
            .find(|d| d.id == id)
            .ok_or_else(|| AppError::input("id", "Example: there is no example of that name."))?;
        let text = if example.pastes_request {
            &w.request
        } else {
            &example.example
        };
        clipboard::copy_text(&app, text)
    })
    .await
}

/// Asks where, then saves the request's file (`.csr`); answers where.
#[tauri::command]
pub async fn request_save<R: Runtime>(
    nickname: Value,
    window: WebviewWindow<R>,
    pending: State<'_, PendingState>,
) -> Result<String, AppError> {
    with_waiting("saving the request", nickname, &pending, move |w| {
        let path = dialog::save_path(
            &window,
            "Save request",
            &filename::suggested(&w.nickname, "csr"),
            "Certificate request (PEM)",
            &["csr", "pem", "req"],
        )
        .ok_or(AppError::RequestSaveCancelled)?;
        let shown = waiting::save_request(&w, &path)
            .map_err(|why| AppError::input("file", format!("The request was not saved: {why}")))?;
        Ok(shown.display().to_string())
    })
    .await
}

/// Takes the request back: its waiting key is deleted from the keychain.
#[tauri::command]
pub async fn request_cancel(
    nickname: Value,
    pending: State<'_, PendingState>,
) -> Result<(), AppError> {
    let (nickname, pending) = (nickname_of(nickname)?, pending.inner().clone());
    blocking("cancelling the request", move || {
        waiting::remove(pending.store()?, pending.keychains(), &nickname)?;
        Ok(())
    })
    .await
}

/// What completing shows: the one-time screen, and what the admin should
/// know of the answer (its chain, a missing intermediate).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompletedView {
    ready: ReadyView,
    notices: Vec<String>,
}

/// Joins `answer` with the waiting key of `nickname` and hands the result
/// to the pending certificate's owner: saving it ends the request.
fn complete(
    pending: &PendingState,
    nickname: &str,
    answer: &[u8],
) -> Result<CompletedView, AppError> {
    let completed = waiting::complete(
        pending.store()?,
        pending.keychains(),
        nickname,
        answer,
        &Clock::system(),
    )?;
    let made = pending.adopt(
        completed.issued,
        OnSave::FinishRequest,
        completed.waiting.replaces,
    )?;
    Ok(CompletedView {
        ready: ReadyView::of(made),
        notices: completed.joined.notices,
    })
}

/// Opens the CA's answer in the system's dialog and completes with it.
#[tauri::command]
pub async fn complete_open<R: Runtime>(
    nickname: Value,
    window: WebviewWindow<R>,
    pending: State<'_, PendingState>,
) -> Result<CompletedView, AppError> {
    let (nickname, pending) = (nickname_of(nickname)?, pending.inner().clone());
    blocking("completing the request", move || {
        // No dialog for a request that does not wait.
        waiting_of(&pending, &nickname)?;
        let path = dialog::open_path(
            &window,
            "Open the CA's answer",
            "The CA's answer (.cer, .crt, .pem, .p7b, .p7c, .der, .json)",
            &["cer", "crt", "pem", "p7b", "p7c", "der", "json", "txt"],
        )
        .ok_or(AppError::AddCancelled)?;
        let answer = file_bytes(&path).map_err(AppError::Import)?;
        complete(&pending, &nickname, &answer)
    })
    .await
}

/// Completes with the answer's text pasted into the page.
#[tauri::command]
pub async fn complete_paste(
    nickname: Value,
    answer: Value,
    pending: State<'_, PendingState>,
) -> Result<CompletedView, AppError> {
    let nickname = nickname_of(nickname)?;
    let answer = match answer {
        Value::String(s) if s.len() <= MAX_ANSWER_BYTES => s,
        Value::String(_) => {
            return Err(AppError::input(
                "answer",
                format!(
                    "Answer: the pasted text is larger than {} KB; a CA's answer is a few kilobytes. Paste only the certificates.",
                    MAX_ANSWER_BYTES / 1024
                ),
            ))
        }
        _ => {
            return Err(AppError::input(
                "answer",
                "Answer: paste the CA's answer as text.",
            ))
        }
    };
    let pending = pending.inner().clone();
    blocking("completing the request", move || {
        complete(&pending, &nickname, answer.as_bytes())
    })
    .await
}
