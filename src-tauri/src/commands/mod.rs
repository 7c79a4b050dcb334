//! The commands the UI may call. Each one only forwards to casefile-core; no logic lives here.
//! Every command must also be listed in `build.rs` (which makes it a permission) and granted in
//! `capabilities/main.json`.

mod ai_drafting;
mod case_store;
mod consents;
mod docket;
mod drafts;
mod export;
mod records;
mod retention;
mod settings;

pub use ai_drafting::*;
pub use case_store::*;
pub use consents::*;
pub use docket::*;
pub use drafts::*;
pub use export::*;
pub use records::*;
pub use retention::*;
pub use settings::*;

use casefile_core::workspace::WorkspaceStatus;
use tauri::State;

use crate::ipc_error::IpcError;
use crate::state::AppState;

/// Version, workspace folder, log folder and keychain reachability.
#[tauri::command]
#[specta::specta]
pub async fn workspace_status(state: State<'_, AppState>) -> Result<WorkspaceStatus, IpcError> {
    Ok(state.workspace()?.status().await)
}
