//! A matter's retention period and legal hold, and deleting a draft by hand.

use casefile_core::audit::os_user;
use casefile_core::retention::{
    DeletedDraft, MatterRetention, delete_draft as delete, matter_retention as retention,
    set_matter_retention as set_retention,
};
use tauri::State;

use crate::ipc_error::IpcError;
use crate::state::AppState;

type Reply<T> = Result<T, IpcError>;

/// The period in force for the matter's AI drafts, where it comes from, and its legal hold.
#[tauri::command]
#[specta::specta]
pub async fn matter_retention(
    state: State<'_, AppState>,
    matter_id: i64,
) -> Reply<MatterRetention> {
    Ok(state
        .store()?
        .call_with_workspace(move |w, s| retention(w, s, matter_id))
        .await?)
}

/// Gives the matter its own period in days, or (`None`) lets the setting apply again. Refused
/// when the policy locks the period.
#[tauri::command]
#[specta::specta]
pub async fn set_matter_retention(
    state: State<'_, AppState>,
    matter_id: i64,
    days: Option<u32>,
) -> Reply<MatterRetention> {
    Ok(state
        .store()?
        .call_with_workspace(move |w, s| set_retention(w, s, matter_id, days))
        .await?)
}

/// Puts the matter under legal hold (set by the person using this computer).
#[tauri::command]
#[specta::specta]
pub async fn set_legal_hold(
    state: State<'_, AppState>,
    matter_id: i64,
    reason: String,
) -> Reply<MatterRetention> {
    Ok(state
        .store()?
        .call_with_workspace(move |w, s| {
            s.set_legal_hold(matter_id, &reason, &os_user())?;
            retention(w, s, matter_id)
        })
        .await?)
}

/// Releases the matter's legal hold (recorded with who and when).
#[tauri::command]
#[specta::specta]
pub async fn release_legal_hold(
    state: State<'_, AppState>,
    matter_id: i64,
) -> Reply<MatterRetention> {
    Ok(state
        .store()?
        .call_with_workspace(move |w, s| {
            s.release_legal_hold(matter_id, &os_user())?;
            retention(w, s, matter_id)
        })
        .await?)
}

/// Deletes a draft with its versions (refused under legal hold); recorded in the audit log.
#[tauri::command]
#[specta::specta]
pub async fn delete_draft(state: State<'_, AppState>, id: i64) -> Reply<DeletedDraft> {
    Ok(state.store()?.call(move |s| delete(s, id)).await?)
}
