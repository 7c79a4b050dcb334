//! Exports from the app: one draft in one format, or every draft of a matter as one ZIP with
//! progress (cancellable), written to the export folder; the letterhead and export folder
//! settings; opening the export folder in the system's file manager.

use std::ops::ControlFlow;

use casefile_core::export::{
    ExportProgress, Format, SavedExport, export_folder, ready_export_folder, save_draft_export,
    save_matter_export,
};
use casefile_core::policy::{EffectivePolicy, SettingName};
use tauri::State;
use tauri::ipc::Channel;
use tokio_util::sync::CancellationToken;

use crate::ipc_error::IpcError;
use crate::state::AppState;

type Reply<T> = Result<T, IpcError>;

/// Writes draft `id` in `format` to the export folder (a new file, never over another one).
/// Refused, with the reason, when the firm requires approval first.
#[tauri::command]
#[specta::specta]
pub async fn export_draft(
    state: State<'_, AppState>,
    id: i64,
    format: Format,
) -> Reply<SavedExport> {
    Ok(state
        .store()?
        .call_with_workspace(move |ws, s| {
            save_draft_export(s, &ws.effective_policy(Some(s))?, id, format)
        })
        .await?)
}

/// Writes every draft of the matter in `formats` as one ZIP to the export folder, sending
/// progress after each draft; `null` when stopped with [`cancel_export`] (nothing written).
#[tauri::command]
#[specta::specta]
pub async fn export_matter_drafts(
    state: State<'_, AppState>,
    matter_id: i64,
    formats: Vec<Format>,
    job: String,
    progress: Channel<ExportProgress>,
) -> Reply<Option<SavedExport>> {
    let stop = CancellationToken::new();
    state.exports.started(job.clone(), stop.clone());
    let saved = state
        .store()?
        .call_with_workspace(move |ws, s| {
            let policy = ws.effective_policy(Some(s))?;
            save_matter_export(s, &policy, matter_id, &formats, |done| {
                // A closed window no longer listens; the export still ends normally.
                let _ = progress.send(done);
                if stop.is_cancelled() {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            })
        })
        .await;
    state.exports.ended(&job);
    Ok(saved?)
}

/// Stops the matter export `job` after the draft it is writing (nothing is written).
#[tauri::command]
#[specta::specta]
pub async fn cancel_export(state: State<'_, AppState>, job: String) -> Reply<()> {
    state.exports.stop(&job);
    Ok(())
}

/// Where exports are written now (the setting, or the default).
#[tauri::command]
#[specta::specta]
pub async fn export_location(state: State<'_, AppState>) -> Reply<String> {
    Ok(state
        .store()?
        .call_with_workspace(|ws, s| export_folder(&ws.effective_policy(Some(s))?))
        .await?
        .display()
        .to_string())
}

/// Opens the export folder in the system's file manager (created first if missing).
#[tauri::command]
#[specta::specta]
pub async fn show_export_folder(state: State<'_, AppState>) -> Reply<()> {
    let folder = state
        .store()?
        .call_with_workspace(|ws, s| ready_export_folder(&ws.effective_policy(Some(s))?))
        .await?;
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let mut child = std::process::Command::new(opener)
        .arg(&folder)
        .spawn()
        .map_err(|e| {
            IpcError::from(casefile_core::Error::NotFound(format!(
                "The file manager could not be opened ({opener}: {e}). The exports are in {}.",
                folder.display()
            )))
        })?;
    // Reaped in the background so it never lingers as a finished process.
    std::thread::spawn(move || child.wait());
    Ok(())
}

/// Sets one of the user's settings (`null` clears it), unless the firm's policy locks it, and
/// answers with every setting as it now applies.
#[tauri::command]
#[specta::specta]
pub async fn set_setting(
    state: State<'_, AppState>,
    name: SettingName,
    value: Option<serde_json::Value>,
) -> Reply<EffectivePolicy> {
    Ok(state
        .store()?
        .call_with_workspace(move |ws, s| ws.set_user_setting(s, name, value))
        .await?)
}
