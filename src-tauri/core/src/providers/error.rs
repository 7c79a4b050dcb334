//! The provider layer's one error type. Its `kind` is for code to branch on; its message is
//! for a person and always says what to do next.

use std::fmt;
use std::time::Duration;

use serde::Serialize;

/// What went wrong, in the few categories callers act on differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum ProviderErrorKind {
    /// Too many requests for now; `retry_after` says when to try again, if the provider did.
    RateLimited,
    /// The account's quota or billing limit is used up. Retrying does not help.
    QuotaExceeded,
    /// The provider is temporarily overloaded (Anthropic 529, Bedrock/Vertex unavailable).
    Overloaded,
    /// The credentials were refused or are missing.
    Authentication,
    /// The credentials are valid but lack permission for this model, deployment or region.
    PermissionDenied,
    /// The provider rejected the request as malformed or unsupported.
    BadRequest,
    /// The model, deployment or endpoint does not exist where the profile points.
    NotFound,
    /// The provider's content filter blocked the prompt or the answer.
    ContentFiltered,
    /// The provider refused because of the account's data-retention setting.
    RetentionBlocked,
    /// The provider failed on its side.
    Server,
    /// The provider could not be reached (DNS, connection, TLS, proxy).
    Network,
    /// The provider stopped answering within the time allowed.
    Timeout,
    /// The provider answered something this adapter cannot understand.
    Protocol,
    /// The profile cannot be used as configured (missing field, credential or an insecure URL).
    Configuration,
}

/// A failed provider call. Display shows [`ProviderError::message`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderError {
    kind: ProviderErrorKind,
    message: String,
    retry_after: Option<Duration>,
    status: Option<u16>,
}

impl ProviderError {
    pub fn new(kind: ProviderErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            retry_after: None,
            status: None,
        }
    }

    /// Records the HTTP status the provider answered with.
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// Records how long the provider asked the caller to wait.
    pub fn with_retry_after(mut self, delay: Option<Duration>) -> Self {
        self.retry_after = delay;
        self
    }

    pub fn kind(&self) -> ProviderErrorKind {
        self.kind
    }

    /// What happened and what to do, for an attorney or an MSP admin.
    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    pub fn status(&self) -> Option<u16> {
        self.status
    }
}

impl fmt::Display for ProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ProviderError {}
