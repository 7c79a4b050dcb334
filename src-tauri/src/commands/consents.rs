//! Clients' consent to sending their information to an AI provider.

use casefile_core::store::{Consent, ConsentMethod, ConsentScope, NewConsent};
use tauri::State;

use crate::ipc_error::IpcError;
use crate::state::AppState;

type Reply<T> = Result<T, IpcError>;

/// A client's consents, revoked ones included, each saying why it no longer covers sends when
/// its profile changed.
#[tauri::command]
#[specta::specta]
pub async fn client_consents(state: State<'_, AppState>, client_id: i64) -> Reply<Vec<Consent>> {
    Ok(state
        .store()?
        .call_with_workspace(move |w, s| w.consents(s, Some(client_id)))
        .await?)
}

/// Records a consent (the profile must exist; the date defaults to today).
#[tauri::command]
#[specta::specta]
pub async fn record_consent(
    state: State<'_, AppState>,
    client_id: i64,
    scope: ConsentScope,
    profile: String,
    method: ConsentMethod,
    given_on: Option<String>,
    note: Option<String>,
) -> Reply<Consent> {
    let consent = NewConsent {
        client_id,
        scope,
        profile,
        method,
        given_on,
        note,
    };
    Ok(state
        .store()?
        .call_with_workspace(move |w, s| w.record_consent(s, &consent))
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn revoke_consent(
    state: State<'_, AppState>,
    id: i64,
    reason: Option<String>,
) -> Reply<Consent> {
    Ok(state
        .store()?
        .call(move |s| s.revoke_consent(id, reason.as_deref()))
        .await?)
}
