//! The Settings screen: AI provider profiles, their keychain credentials (write-only), the
//! connection test, and the managed policy as it applies. Every change is checked by the policy
//! in core; the changes answer with the profiles as they now are.

use casefile_core::policy::{EffectivePolicy, ProfileEntry};
use casefile_core::providers::{ConnectionReport, Credential, ProviderProfile};
use casefile_core::secrets::Secret;
use tauri::State;

use crate::ipc_error::IpcError;
use crate::state::AppState;

type Reply<T> = Result<T, IpcError>;

/// The policy's profiles, then the user's: default, managed, credentials set (never values) and
/// why the policy blocks each.
#[tauri::command]
#[specta::specta]
pub async fn provider_profiles(state: State<'_, AppState>) -> Reply<Vec<ProfileEntry>> {
    Ok(state
        .store()?
        .call_with_workspace(|ws, s| ws.profile_entries(s))
        .await?)
}

/// Adds a profile of the user's, or replaces its settings with `replace`.
#[tauri::command]
#[specta::specta]
pub async fn save_provider_profile(
    state: State<'_, AppState>,
    profile: ProviderProfile,
    replace: bool,
    make_default: bool,
) -> Reply<Vec<ProfileEntry>> {
    Ok(state
        .store()?
        .call_with_workspace(move |ws, s| {
            ws.save_profile(s, &profile, replace, make_default)?;
            ws.profile_entries(s)
        })
        .await?)
}

/// Removes a profile of the user's and its credentials.
#[tauri::command]
#[specta::specta]
pub async fn remove_provider_profile(
    state: State<'_, AppState>,
    name: String,
) -> Reply<Vec<ProfileEntry>> {
    Ok(state
        .store()?
        .call_with_workspace(move |ws, s| {
            ws.remove_profile(s, &name)?;
            ws.profile_entries(s)
        })
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_default_provider_profile(
    state: State<'_, AppState>,
    name: String,
) -> Reply<Vec<ProfileEntry>> {
    Ok(state
        .store()?
        .call_with_workspace(move |ws, s| {
            ws.set_default_profile(s, &name)?;
            ws.profile_entries(s)
        })
        .await?)
}

/// Stores one credential in the OS keychain: a field of the profile's kind (`api_key`…) or the
/// value of a request header (`header:NAME`), which the profile then sends. The value arrives
/// once and is held as a [`Secret`] (wiped on drop) from here on; no command ever answers with it.
#[tauri::command]
#[specta::specta]
pub async fn set_provider_credential(
    state: State<'_, AppState>,
    name: String,
    field: Credential,
    value: String,
) -> Reply<Vec<ProfileEntry>> {
    let value = Secret::new(value);
    Ok(state
        .store()?
        .call_with_workspace(move |ws, s| {
            ws.set_credential(s, &name, field, &value)?;
            ws.profile_entries(s)
        })
        .await?)
}

/// Removes one credential from the keychain; a `header:NAME` is no longer sent.
#[tauri::command]
#[specta::specta]
pub async fn remove_provider_credential(
    state: State<'_, AppState>,
    name: String,
    field: Credential,
) -> Reply<Vec<ProfileEntry>> {
    Ok(state
        .store()?
        .call_with_workspace(move |ws, s| {
            ws.remove_credential(s, &name, field)?;
            ws.profile_entries(s)
        })
        .await?)
}

/// One tiny request through the profile, if the policy allows it: latency, or the diagnosis.
#[tauri::command]
#[specta::specta]
pub async fn test_provider_connection(
    state: State<'_, AppState>,
    name: String,
) -> Reply<ConnectionReport> {
    Ok(state.store()?.test_connection(name).await?)
}

/// The policy file's state (absent, valid, or invalid with the place and reason) and every
/// setting's value, who chose it, and the policy's reason when it is locked.
#[tauri::command]
#[specta::specta]
pub async fn effective_policy(state: State<'_, AppState>) -> Reply<EffectivePolicy> {
    Ok(state
        .store()?
        .call_with_workspace(|ws, s| ws.effective_policy(Some(s)))
        .await?)
}
