//! Clients, matters, notes, trash and search.

use casefile_core::store::{
    ClientSummary, MatterSummary, NewContact, NewMatter, NewNote, Note, NoteSummary, Revision,
    RevisionSummary, SearchFilter, SearchHit, TrashedNote,
};
use tauri::State;

use crate::ipc_error::IpcError;
use crate::state::AppState;

type Reply<T> = Result<T, IpcError>;

#[tauri::command]
#[specta::specta]
pub async fn clients(state: State<'_, AppState>) -> Reply<Vec<ClientSummary>> {
    Ok(state.store()?.call(|s| s.clients()).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn create_client(
    state: State<'_, AppState>,
    given_name: String,
    family_name: String,
    a_number: Option<String>,
) -> Reply<ClientSummary> {
    let mut client = NewContact::person(&given_name, &family_name);
    client.a_number = a_number.filter(|a| !a.trim().is_empty());
    Ok(state
        .store()?
        .call(move |s| {
            let id = s.create_contact(&client)?;
            s.client(id)
        })
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn client(state: State<'_, AppState>, id: i64) -> Reply<ClientSummary> {
    Ok(state.store()?.call(move |s| s.client(id)).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn matters(state: State<'_, AppState>, client_id: i64) -> Reply<Vec<MatterSummary>> {
    Ok(state
        .store()?
        .call(move |s| s.matters_of(client_id))
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn create_matter(
    state: State<'_, AppState>,
    client_id: i64,
    title: String,
    number: Option<String>,
) -> Reply<MatterSummary> {
    let mut matter = NewMatter::new(client_id, &title);
    matter.number = number.filter(|n| !n.trim().is_empty());
    Ok(state
        .store()?
        .call(move |s| {
            let id = s.create_matter(&matter)?;
            s.matter(id)
        })
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn matter(state: State<'_, AppState>, id: i64) -> Reply<MatterSummary> {
    Ok(state.store()?.call(move |s| s.matter(id)).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn notes(state: State<'_, AppState>, matter_id: i64) -> Reply<Vec<NoteSummary>> {
    Ok(state.store()?.call(move |s| s.notes_of(matter_id)).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn create_note(
    state: State<'_, AppState>,
    matter_id: i64,
    title: String,
    body: String,
) -> Reply<Note> {
    let note = NewNote::new(matter_id, &title, &body);
    Ok(state.store()?.call(move |s| s.create_note(&note)).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn note(state: State<'_, AppState>, id: i64) -> Reply<Note> {
    Ok(state.store()?.call(move |s| s.note(id)).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn save_note(
    state: State<'_, AppState>,
    id: i64,
    title: String,
    body: String,
) -> Reply<Note> {
    Ok(state
        .store()?
        .call(move |s| s.save_note(id, &title, &body))
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn note_revisions(state: State<'_, AppState>, id: i64) -> Reply<Vec<RevisionSummary>> {
    Ok(state.store()?.call(move |s| s.note_revisions(id)).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn note_revision(state: State<'_, AppState>, id: i64, number: i64) -> Reply<Revision> {
    Ok(state
        .store()?
        .call(move |s| s.note_revision(id, number))
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn restore_note_revision(
    state: State<'_, AppState>,
    id: i64,
    number: i64,
) -> Reply<Note> {
    Ok(state
        .store()?
        .call(move |s| s.restore_note_revision(id, number))
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn trash_note(state: State<'_, AppState>, id: i64) -> Reply<()> {
    Ok(state.store()?.call(move |s| s.trash_note(id)).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn restore_note(state: State<'_, AppState>, id: i64) -> Reply<Note> {
    Ok(state.store()?.call(move |s| s.restore_note(id)).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn purge_note(state: State<'_, AppState>, id: i64) -> Reply<()> {
    Ok(state.store()?.call(move |s| s.purge_note(id)).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn trash(state: State<'_, AppState>) -> Reply<Vec<TrashedNote>> {
    Ok(state.store()?.call(|s| s.trashed_notes()).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn search(
    state: State<'_, AppState>,
    query: String,
    limit: u32,
) -> Reply<Vec<SearchHit>> {
    let filter = SearchFilter {
        limit: limit as usize,
        ..SearchFilter::default()
    };
    Ok(state
        .store()?
        .call(move |s| s.search(&query, &filter))
        .await?)
}
