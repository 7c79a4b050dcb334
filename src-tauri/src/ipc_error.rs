//! The one error shape the UI receives: `{ code, message, field? }`. The UI branches on `code` (a
//! TypeScript union generated from [`ErrorCode`]), shows `message` to the user, and puts it
//! beside the control for `field` when the error is about one field of a record.

use casefile_core::ErrorCode;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
    /// The refused field of a record, as a path of its camelCase names (`passports.0.expires`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[specta(optional)]
    pub field: Option<String>,
}

impl From<casefile_core::Error> for IpcError {
    fn from(error: casefile_core::Error) -> Self {
        error.log("command failed");
        Self {
            code: error.code(),
            message: error.to_string(),
            field: error.field().map(str::to_owned),
        }
    }
}
