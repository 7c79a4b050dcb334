//! What the shell holds between commands.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use casefile_core::paths::Locations;
use casefile_core::workspace::{SharedStore, Workspace};
use tokio::sync::Notify;

use crate::ipc_error::IpcError;

pub struct AppState {
    /// A workspace that failed to open is kept as its error, so that the UI can show why
    /// instead of the app refusing to start.
    opened: Result<(Arc<Workspace>, SharedStore), IpcError>,
    /// The AI drafts being written, by draft id: how to stop each one.
    running: Mutex<HashMap<i64, Arc<Notify>>>,
}

impl AppState {
    pub fn open(locations: casefile_core::Result<Locations>) -> Self {
        Self::with_workspace(locations.and_then(Workspace::open))
    }

    /// Holds `workspace` (the IPC tests give one whose secrets are kept in memory).
    pub(crate) fn with_workspace(workspace: casefile_core::Result<Workspace>) -> Self {
        let opened = workspace
            .map(|workspace| {
                let workspace = Arc::new(workspace);
                (Arc::clone(&workspace), SharedStore::new(workspace))
            })
            .map_err(IpcError::from);
        Self {
            opened,
            running: Mutex::default(),
        }
    }

    pub fn workspace(&self) -> Result<&Workspace, IpcError> {
        self.opened
            .as_ref()
            .map(|(w, _)| w.as_ref())
            .map_err(Clone::clone)
    }

    /// The workspace for work that outlives one call (a draft being written).
    pub fn shared_workspace(&self) -> Result<Arc<Workspace>, IpcError> {
        self.opened
            .as_ref()
            .map(|(w, _)| Arc::clone(w))
            .map_err(Clone::clone)
    }

    pub fn store(&self) -> Result<&SharedStore, IpcError> {
        self.opened.as_ref().map(|(_, s)| s).map_err(Clone::clone)
    }

    /// Remembers how to stop draft `draft_id` while it is written.
    pub fn draft_started(&self, draft_id: i64, stop: Arc<Notify>) {
        self.running_drafts().insert(draft_id, stop);
    }

    pub fn draft_ended(&self, draft_id: i64) {
        self.running_drafts().remove(&draft_id);
    }

    /// Stops draft `draft_id`; false when it is no longer being written.
    pub fn stop_draft(&self, draft_id: i64) -> bool {
        self.running_drafts()
            .get(&draft_id)
            // A stored permit: the stop is not lost if the draft is between two awaits.
            .map(|stop| stop.notify_one())
            .is_some()
    }

    fn running_drafts(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Arc<Notify>>> {
        // The map stays consistent even if a holder panicked: every change is one call.
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
