//! The window's commands for *Test with your API*: the waiting certificate
//! (before it is downloaded) or a listed one (its file, with the password
//! from the keychain or typed for this test). Each parses, calls the core
//! once (`Pending::test`, `connect::test_certificate`), and maps the error;
//! the test runs on the async runtime, one at a time per certificate, and
//! can be cancelled.

use serde_json::Value;
use tauri::State;

use authcert_core::clock::Clock;
use authcert_core::connect::{self, Presented, Running, Verdict};
use authcert_core::life::LifeError;

use super::args::{id_of, password_of, settings_of};
use super::creating::PendingState;
use super::error::AppError;
use super::listing::ListState;

/// The tests running in this window.
#[derive(Default)]
pub struct TestState(Running);

impl TestState {
    /// The running tests, for *Test all* (keyed apart from single tests).
    pub fn running(&self) -> &Running {
        &self.0
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
    let settings = settings_of(url, trust_server)?;
    let pending = pending.inner().clone();
    let key = pending
        .pending_fingerprint()
        .ok_or(AppError::Life(LifeError::Nothing))?;
    let ticket = tests.0.start(&key.to_string())?;
    Ok(ticket
        .run(pending.test(&settings, &Clock::system()))
        .await?)
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
    let settings = settings_of(url, trust_server)?;
    // An empty field means "use the keychain's".
    let typed = password_of(password, "Password of the file")?.filter(|p| !p.is_empty());
    let ticket = tests.0.start(&id.to_string())?;
    let keychains = pending.keychains().clone();
    // The verdict stands even when the list could not remember it.
    let tested = ticket
        .run(connect::test_certificate(
            list.store()?,
            keychains,
            Presented::Listed(id),
            typed,
            &settings,
            &Clock::system(),
        ))
        .await?;
    Ok(tested.verdict)
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
    Ok(tests.0.cancel(&key.to_string()))
}
