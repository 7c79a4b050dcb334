//! Drafts: templates, record summaries made on this computer, editing, versions and approval.

use casefile_core::audit::os_user;
use casefile_core::drafting::document::ShownDraft;
use casefile_core::drafting::offline::offline_draft;
use casefile_core::drafting::record::NoteSelection;
use casefile_core::drafting::templates::TemplateCatalog;
use casefile_core::store::{DraftFilter, DraftListing, DraftSummary, DraftVersion, MatterAiCost};
use tauri::State;

use crate::ipc_error::IpcError;
use crate::state::AppState;

type Reply<T> = Result<T, IpcError>;

/// The templates to choose from, and the firm's template files that could not be used.
#[tauri::command]
#[specta::specta]
pub async fn templates(state: State<'_, AppState>) -> Reply<TemplateCatalog> {
    Ok(state.workspace()?.templates()?.catalog())
}

/// Fills `template` from the matter's record on this computer (no provider); `note_ids` chooses
/// the notes it uses, all of the matter's when absent.
#[tauri::command]
#[specta::specta]
pub async fn create_offline_draft(
    state: State<'_, AppState>,
    matter_id: i64,
    template: String,
    note_ids: Option<Vec<i64>>,
) -> Reply<ShownDraft> {
    let templates = state.workspace()?.templates()?;
    let selection = note_ids.map_or(NoteSelection::All, NoteSelection::Only);
    Ok(state
        .store()?
        .call(move |s| offline_draft(s, templates.get(&template)?, matter_id, &selection))
        .await?
        .into())
}

/// A matter's drafts, newest first.
#[tauri::command]
#[specta::specta]
pub async fn drafts(state: State<'_, AppState>, matter_id: i64) -> Reply<Vec<DraftSummary>> {
    Ok(state.store()?.call(move |s| s.drafts_of(matter_id)).await?)
}

/// Every draft, newest first, with its client and matter.
#[tauri::command]
#[specta::specta]
pub async fn all_drafts(
    state: State<'_, AppState>,
    filter: DraftFilter,
) -> Reply<Vec<DraftListing>> {
    Ok(state.store()?.call(move |s| s.all_drafts(&filter)).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn draft(state: State<'_, AppState>, id: i64) -> Reply<ShownDraft> {
    Ok(state.store()?.call(move |s| s.draft(id)).await?.into())
}

/// Saves an edit as a new version (by the person using this computer).
#[tauri::command]
#[specta::specta]
pub async fn save_draft(state: State<'_, AppState>, id: i64, body: String) -> Reply<ShownDraft> {
    Ok(state
        .store()?
        .call(move |s| s.save_draft(id, &body, &os_user()))
        .await?
        .into())
}

#[tauri::command]
#[specta::specta]
pub async fn draft_versions(state: State<'_, AppState>, id: i64) -> Reply<Vec<DraftVersion>> {
    Ok(state.store()?.call(move |s| s.draft_versions(id)).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn restore_draft_version(
    state: State<'_, AppState>,
    id: i64,
    number: i64,
) -> Reply<ShownDraft> {
    Ok(state
        .store()?
        .call(move |s| s.restore_draft_version(id, number, &os_user()))
        .await?
        .into())
}

/// Records that the person using this computer reviewed and approved the draft as it stands.
#[tauri::command]
#[specta::specta]
pub async fn approve_draft(state: State<'_, AppState>, id: i64) -> Reply<ShownDraft> {
    Ok(state
        .store()?
        .call(move |s| s.approve_draft(id, &os_user()))
        .await?
        .into())
}

/// Who approves a draft from this computer: the operating-system user.
#[tauri::command]
#[specta::specta]
pub async fn reviewer() -> Reply<String> {
    Ok(os_user())
}

/// The matter's AI drafts and their summed tokens and cost.
#[tauri::command]
#[specta::specta]
pub async fn matter_ai_cost(state: State<'_, AppState>, matter_id: i64) -> Reply<MatterAiCost> {
    Ok(state
        .store()?
        .call(move |s| s.matter_ai_cost(matter_id))
        .await?)
}
