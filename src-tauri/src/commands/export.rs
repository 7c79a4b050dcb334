//! Exports from the app: one draft in one format, or every draft of a matter as one ZIP with
//! progress (cancellable), written to the export folder; the letterhead and export folder
//! settings; opening the export folder in the system's file manager.

use std::collections::HashMap;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use casefile_core::export::{
    ExportProgress, Format, SavedExport, export_folder, ready_export_folder, save_draft_export,
    save_matter_export,
};
use casefile_core::policy::{EffectivePolicy, SettingName};
use tauri::State;
use tauri::ipc::Channel;

use crate::ipc_error::IpcError;
use crate::state::AppState;

type Reply<T> = Result<T, IpcError>;

/// The matter exports running now, by the id the UI gave each, with the flag that stops it.
#[derive(Default)]
pub struct ExportJobs(Mutex<HashMap<String, Arc<AtomicBool>>>);

impl ExportJobs {
    fn start(&self, job: &str) -> Arc<AtomicBool> {
        let flag = Arc::new(AtomicBool::new(false));
        self.jobs().insert(job.to_owned(), Arc::clone(&flag));
        flag
    }

    fn jobs(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<AtomicBool>>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

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
    jobs: State<'_, ExportJobs>,
    matter_id: i64,
    formats: Vec<Format>,
    job: String,
    progress: Channel<ExportProgress>,
) -> Reply<Option<SavedExport>> {
    let stop = jobs.start(&job);
    let saved = state
        .store()?
        .call_with_workspace(move |ws, s| {
            let policy = ws.effective_policy(Some(s))?;
            save_matter_export(s, &policy, matter_id, &formats, |done| {
                // A closed window no longer listens; the export still ends normally.
                let _ = progress.send(done);
                if stop.load(Ordering::Relaxed) {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            })
        })
        .await;
    jobs.jobs().remove(&job);
    Ok(saved?)
}

/// Stops the matter export `job` after the draft it is writing (nothing is written).
#[tauri::command]
#[specta::specta]
pub async fn cancel_export(jobs: State<'_, ExportJobs>, job: String) -> Reply<()> {
    if let Some(stop) = jobs.jobs().get(&job) {
        stop.store(true, Ordering::Relaxed);
    }
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
