//! Whole client and matter records, the parties to a matter, and tags on notes.

use casefile_core::store::{Contact, ContactDetails, Matter, MatterDetails, Party, PartyRole};
use tauri::State;

use crate::ipc_error::IpcError;
use crate::state::AppState;

type Reply<T> = Result<T, IpcError>;

#[tauri::command]
#[specta::specta]
pub async fn contact(state: State<'_, AppState>, id: i64) -> Reply<Contact> {
    Ok(state.store()?.call(move |s| s.contact(id)).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn update_contact(
    state: State<'_, AppState>,
    id: i64,
    details: ContactDetails,
) -> Reply<Contact> {
    Ok(state
        .store()?
        .call(move |s| s.update_contact(id, &details))
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn matter_record(state: State<'_, AppState>, id: i64) -> Reply<Matter> {
    Ok(state.store()?.call(move |s| s.matter_record(id)).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn update_matter(
    state: State<'_, AppState>,
    id: i64,
    details: MatterDetails,
) -> Reply<Matter> {
    Ok(state
        .store()?
        .call(move |s| s.update_matter(id, &details))
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn matter_parties(state: State<'_, AppState>, matter_id: i64) -> Reply<Vec<Party>> {
    Ok(state
        .store()?
        .call(move |s| s.matter_parties(matter_id))
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn add_party(
    state: State<'_, AppState>,
    matter_id: i64,
    contact_id: i64,
    role: PartyRole,
) -> Reply<Vec<Party>> {
    Ok(state
        .store()?
        .call(move |s| s.add_party(matter_id, contact_id, role))
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn remove_party(
    state: State<'_, AppState>,
    matter_id: i64,
    contact_id: i64,
    role: PartyRole,
) -> Reply<Vec<Party>> {
    Ok(state
        .store()?
        .call(move |s| s.remove_party(matter_id, contact_id, role))
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn note_tags(state: State<'_, AppState>, id: i64) -> Reply<Vec<String>> {
    Ok(state.store()?.call(move |s| s.note_tags(id)).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_note_tags(
    state: State<'_, AppState>,
    id: i64,
    tags: Vec<String>,
) -> Reply<Vec<String>> {
    Ok(state
        .store()?
        .call(move |s| s.set_note_tags(id, &tags))
        .await?)
}
