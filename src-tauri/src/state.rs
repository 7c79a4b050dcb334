//! What the shell holds between commands.

use casefile_core::paths::Locations;
use casefile_core::workspace::Workspace;

use crate::ipc_error::IpcError;

pub struct AppState {
    /// A workspace that failed to open is kept as its error, so that the UI can show why
    /// instead of the app refusing to start.
    workspace: Result<Workspace, IpcError>,
}

impl AppState {
    pub fn open(locations: casefile_core::Result<Locations>) -> Self {
        let workspace = locations.and_then(Workspace::open).map_err(IpcError::from);
        Self { workspace }
    }

    pub fn workspace(&self) -> Result<&Workspace, IpcError> {
        self.workspace.as_ref().map_err(Clone::clone)
    }
}
