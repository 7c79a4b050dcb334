//! The one error shape the UI receives: `{ code, message }`. The UI branches on `code` (a
//! TypeScript union generated from [`ErrorCode`]) and shows `message` to the user.

use casefile_core::ErrorCode;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
}

impl From<casefile_core::Error> for IpcError {
    fn from(error: casefile_core::Error) -> Self {
        tracing::warn!(code = ?error.code(), %error, "command failed");
        Self {
            code: error.code(),
            message: error.to_string(),
        }
    }
}
