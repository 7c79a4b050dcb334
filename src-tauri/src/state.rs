//! What the shell holds between commands.

use std::sync::Arc;

use crate::ipc_error::IpcError;
use crate::running::Running;
use casefile_core::paths::Locations;
use casefile_core::workspace::{SharedStore, Workspace};

pub struct AppState {
    /// A workspace that failed to open is kept as its error, so that the UI can show why
    /// instead of the app refusing to start.
    opened: Result<(Arc<Workspace>, SharedStore), IpcError>,
    /// The AI drafts being written, by draft id.
    pub drafts: Running<i64>,
    /// The matter exports running, by the job id the UI gave each.
    pub exports: Running<String>,
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
            drafts: Running::default(),
            exports: Running::default(),
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
}
