//! The window's commands for *Where it is used*: a listed certificate's
//! integrations added and removed, and *Test all*, each outcome sent to the
//! page as it arrives (a channel), cancellable. Each parses, calls the core
//! once (`overview::usage`), and maps the error.

use serde_json::Value;
use tauri::ipc::Channel;
use tauri::State;

use authcert_core::clock::Clock;
use authcert_core::ids::Fingerprint;
use authcert_core::integrations::{NewIntegration, Outcome};
use authcert_core::overview::usage::{self, IntegrationView, TestedAll};

use super::args::{id_of, password_of, text_of, trust_of, MAX_TEXT_CHARS};
use super::creating::PendingState;
use super::error::AppError;
use super::listing::ListState;
use super::shell::blocking;
use super::testing::TestState;

/// *Test all* of `id` runs under this key, apart from a single test of it.
fn all_of(id: &Fingerprint) -> String {
    format!("all {id}")
}

/// Adds an integration to the listed certificate `id`, trusting the server
/// certificate `trust_server` at its address when given; its integrations
/// as the details show them.
#[tauri::command]
pub async fn integration_add(
    id: Value,
    name: Value,
    url: Value,
    note: Value,
    trust_server: Option<Value>,
    list: State<'_, ListState>,
) -> Result<Vec<IntegrationView>, AppError> {
    let id = id_of(id)?;
    let name = text_of(name, "name", "Integration name", MAX_TEXT_CHARS)?;
    let url = text_of(url, "url", "API address", MAX_TEXT_CHARS * 4)?;
    let note = match note {
        Value::Null => String::new(),
        other => text_of(other, "note", "Note", MAX_TEXT_CHARS)?,
    };
    let new = NewIntegration::parse(&name, &url, &note)?;
    let new = NewIntegration {
        trust_server: trust_of(trust_server.unwrap_or(Value::Null))?,
        ..new
    };
    let store = list.store()?;
    blocking("adding the integration", move || {
        Ok(usage::add(&store, &id, new, &Clock::system())?)
    })
    .await
}

/// Removes the integration `name` from the listed certificate `id`.
#[tauri::command]
pub async fn integration_remove(
    id: Value,
    name: Value,
    list: State<'_, ListState>,
) -> Result<Vec<IntegrationView>, AppError> {
    let id = id_of(id)?;
    let name = text_of(name, "name", "Integration name", MAX_TEXT_CHARS)?;
    let store = list.store()?;
    blocking("removing the integration", move || {
        Ok(usage::remove(&store, &id, &name, &Clock::system())?)
    })
    .await
}

/// Tests every integration of the listed certificate `id` at once; a
/// `password` typed once stands in for one not in the keychain.
#[tauri::command]
pub async fn integrations_test_all(
    id: Value,
    password: Value,
    on_each: Channel<Outcome>,
    list: State<'_, ListState>,
    pending: State<'_, PendingState>,
    tests: State<'_, TestState>,
) -> Result<TestedAll, AppError> {
    let id = id_of(id)?;
    let typed = password_of(password, "Password of the file")?.filter(|p| !p.is_empty());
    let store = list.store()?;
    let ticket = tests.running().start(&all_of(&id))?;
    Ok(ticket
        .run(usage::test_all(
            store,
            pending.keychains().clone(),
            id,
            typed,
            &Clock::system(),
            // A page that went away stops listening; the tests go on.
            |outcome| drop(on_each.send(outcome.clone())),
        ))
        .await?)
}

/// Cancels *Test all* of `id`; true when it was running.
#[tauri::command]
pub async fn integrations_cancel(id: Value, tests: State<'_, TestState>) -> Result<bool, AppError> {
    Ok(tests.running().cancel(&all_of(&id_of(id)?)))
}
