//! The window's commands for *Test with your API*: the waiting certificate
//! (before it is downloaded) or a listed one (its file, with the password
//! from the keychain or typed for this test). Each parses, calls the core
//! (`authcert_core::connect`), and maps the error; the test runs on the
//! async runtime, one at a time per certificate, and can be cancelled.

use serde_json::Value;
use tauri::State;

use authcert_core::connect::{
    self, source, ConnectError, Fingerprint, Running, Target, Test, Verdict,
};

use super::commands::PendingState;
use super::error::AppError;
use super::listing::ListState;
use super::shell::{blocking, id_of, password_of};

/// The tests running in this window.
#[derive(Default)]
pub struct TestState(Running);

/// Text from the page, or a refusal naming the field.
fn text_of(v: Value, field: &'static str, label: &str, max: usize) -> Result<String, AppError> {
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

fn trust_of(v: Value) -> Result<Option<Fingerprint>, AppError> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) if s.is_empty() => Ok(None),
        Value::String(s) => Ok(Some(Fingerprint::parse(&s)?)),
        _ => Err(AppError::Connect(ConnectError::Fingerprint(
            "must be text.".into(),
        ))),
    }
}

/// Tests the certificate waiting on the one-time screen.
#[tauri::command]
pub async fn test_pending(
    url: Value,
    trust_server: Value,
    pending: State<'_, PendingState>,
    tests: State<'_, TestState>,
) -> Result<Verdict, AppError> {
    let (target, trust) = (target_of(url)?, trust_of(trust_server)?);
    let pending = pending.inner().clone();
    let key = pending
        .pending_fingerprint()
        .ok_or(AppError::Life(authcert_core::life::LifeError::Nothing))?;
    let ticket = tests.0.start(&key)?;
    let identity = blocking("opening the certificate", move || Ok(pending.identity()?.0)).await?;
    let verdict = ticket
        .run(connect::run(Test {
            target: &target,
            identity: &identity,
            trust,
            timeout: Default::default(),
        }))
        .await?;
    Ok(verdict)
}

/// Tests a listed certificate's file; `password` (optional) is typed for
/// this test only, otherwise the keychain's is used. The list remembers
/// the verdict.
#[tauri::command]
pub async fn test_listed(
    id: Value,
    url: Value,
    password: Value,
    trust_server: Value,
    list: State<'_, ListState>,
    pending: State<'_, PendingState>,
    tests: State<'_, TestState>,
) -> Result<Verdict, AppError> {
    let id = id_of(id)?;
    let (target, trust) = (target_of(url)?, trust_of(trust_server)?);
    // An empty field means "use the keychain's".
    let typed = password_of(password, "Password of the file")?.filter(|p| !p.is_empty());
    let ticket = tests.0.start(&id)?;
    let (store, keychains) = (list.store()?, pending.inner().clone());
    let opened = {
        let store = store.clone();
        let id = id.clone();
        blocking("opening the certificate", move || {
            let record = store.get(&id)?;
            Ok(source::open_listed(
                &store,
                keychains.keychains(),
                &record,
                typed,
            )?)
        })
        .await?
    };
    let verdict = ticket
        .run(connect::run(Test {
            target: &target,
            identity: &opened,
            trust,
            timeout: Default::default(),
        }))
        .await?;
    drop(opened);
    let last = verdict.last_test();
    // Remembered for the details; the verdict stands without it.
    let _ = blocking("remembering the test", move || {
        Ok(store.set_last_test(&id, last)?)
    })
    .await;
    Ok(verdict)
}

/// Cancels the running test of the listed certificate `id`, or of the
/// waiting one when `id` is null. True when a test was running.
#[tauri::command]
pub async fn cancel_test(
    id: Value,
    pending: State<'_, PendingState>,
    tests: State<'_, TestState>,
) -> Result<bool, AppError> {
    let key = match id {
        Value::Null => match pending.pending_fingerprint() {
            Some(k) => k,
            None => return Ok(false),
        },
        other => id_of(other)?,
    };
    Ok(tests.0.cancel(&key))
}
