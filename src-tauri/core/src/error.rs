//! The one error type of the core layer. Callers branch on [`ErrorCode`], never on message text;
//! every message says what happened and what the user can do about it.

use std::path::PathBuf;

use serde::Serialize;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Stable, machine-readable error codes. The UI and the admin CLI's exit codes depend on these
/// names: add new ones, never rename.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum ErrorCode {
    KeychainUnavailable,
    KeychainAccessDenied,
    InvalidInput,
    NotFound,
    Storage,
    Database,
    NewerVersion,
    /// An AI provider refused or failed a request; the message says why and what to do.
    Provider,
    Internal,
    /// The firm's managed policy forbids the action, or the policy file is invalid and so blocks
    /// every send; the message names the rule (or the file, place and reason) and who to ask.
    PolicyBlocked,
    /// The matter is under legal hold, which blocks deleting its drafts; the message names the
    /// hold (reason, who, when) and how to release it.
    LegalHold,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "No OS keychain is reachable, so Casefile cannot read or store credentials. \
         {hint} (details: {detail})"
    )]
    KeychainUnavailable { hint: &'static str, detail: String },

    #[error(
        "The OS keychain refused access. Unlock your keychain (or approve the access \
         prompt) and try again. (details: {detail})"
    )]
    KeychainAccessDenied { detail: String },

    #[error("{0}")]
    InvalidInput(String),

    /// Input refused because of one field of a record; `field` names it for the screen (a path
    /// such as `passports.0.expires`, in the record's camelCase field names). Code `InvalidInput`.
    #[error("{message}")]
    InvalidField { field: String, message: String },

    #[error("{0}")]
    NotFound(String),

    #[error(
        "Could not use {path}: {source}. Check that the folder exists and that you may write to it."
    )]
    Storage {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("The case database could not be used: {0}")]
    Database(String),

    #[error("{0}")]
    NewerVersion(String),

    #[error("{0}")]
    Provider(#[from] crate::providers::ProviderError),

    /// Refused by the managed policy (see [`crate::policy`]). The message starts with "Managed by
    /// your IT provider:" and says what the policy forbids.
    #[error("{0}")]
    PolicyBlocked(String),

    /// Refused because the matter is under legal hold (see [`crate::retention`]).
    #[error("{0}")]
    LegalHold(String),

    #[error("Internal error: {0}. Please report this to your IT provider with the log file.")]
    Internal(String),
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::KeychainUnavailable { .. } => ErrorCode::KeychainUnavailable,
            Error::KeychainAccessDenied { .. } => ErrorCode::KeychainAccessDenied,
            Error::InvalidInput(_) | Error::InvalidField { .. } => ErrorCode::InvalidInput,
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::Storage { .. } => ErrorCode::Storage,
            Error::Database(_) => ErrorCode::Database,
            Error::NewerVersion(_) => ErrorCode::NewerVersion,
            Error::Provider(_) => ErrorCode::Provider,
            Error::Internal(_) => ErrorCode::Internal,
            Error::PolicyBlocked(_) => ErrorCode::PolicyBlocked,
            Error::LegalHold(_) => ErrorCode::LegalHold,
        }
    }

    /// The field of a record this error is about, when it is about one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::InvalidField { field, .. } => Some(field),
            _ => None,
        }
    }

    /// Logs this error as `what` by its code and, when it is about one field, the field's name:
    /// never its message, which may quote what the user typed or imported (an SSN, a date of
    /// birth, an e-mail address). The one way errors reach the log.
    pub fn log(&self, what: &str) {
        tracing::warn!(code = ?self.code(), field = self.field(), "{what}");
    }

    pub(crate) fn storage(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Storage {
            path: path.into(),
            source,
        }
    }
}

#[cfg(test)]
mod log_tests {
    use std::sync::{Arc, Mutex};

    /// What `tracing` writes, kept in memory.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_logged_error_names_its_code_and_field_never_the_value() {
        let (_dir, mut store) = crate::store::test_support::store();
        let id = store
            .create_contact(&crate::store::NewContact::person("Xiomara", "Quetzalli"))
            .unwrap();
        let mut details = crate::store::ContactDetails::person("Xiomara", "Quetzalli");
        details.ssn_itin = Some("123-45-678".into());
        let error = store.update_contact(id, &details).unwrap_err();
        assert!(error.to_string().contains("123-45-678"), "{error}");
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::with_default(subscriber, || error.log("command failed"));
        let line = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        assert!(
            line.contains("command failed") && line.contains("code=InvalidInput"),
            "{line}"
        );
        assert!(line.contains("ssn"), "the field is named: {line}");
        assert!(
            !line.contains("123-45-678") && !line.contains("Xiomara"),
            "{line}"
        );
    }
}
