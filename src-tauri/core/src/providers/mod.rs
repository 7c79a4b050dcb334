//! The provider layer: one streaming chat interface over every cloud an MSP may choose.
//!
//! A [`ProviderProfile`] names the adapter ([`ProviderKind`], one per cloud and API surface) and
//! where to send; [`Credentials`] come from the OS keychain; a [`ChatRequest`] is the same for every
//! provider. Each adapter turns it into that provider's wire request, signs it, and parses that
//! provider's stream framing back into [`StreamEvent`]s. Failures are [`ProviderError`]s whose
//! messages tell an attorney or an MSP admin what to do.

mod adapter;
mod anthropic;
mod azure;
mod bedrock;
mod check;
mod error;
mod exchange;
mod google;
mod http_error;
mod openai;
mod profile;
mod responses;
mod retry;
mod sse;
mod transport;

pub use check::{ConnectionFailure, ConnectionReport, test_connection};
pub use error::{ProviderError, ProviderErrorKind};
pub use exchange::{BeforeSend, Exchange, ExchangeRecord};
pub use profile::{
    Credential, CredentialField, Credentials, DataProcessing, ModelLimits, ProviderKind,
    ProviderProfile, RetentionMode,
};
pub use transport::{ProviderClient, TransportSettings, endpoint_host, extra_ca_certificates};

pub(crate) use adapter::{base as endpoint_url, endpoint_region};
pub(crate) use bedrock::inference_route;
pub(crate) use profile::validate_profile_name;

use std::pin::Pin;

use futures_core::Stream;
use serde::Serialize;

/// Who said a message in a conversation. The system prompt is [`ChatRequest::system`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Assistant,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    pub role: Role,
    pub text: String,
}

impl Message {
    pub fn user(text: impl Into<String>) -> Self {
        Self {
            role: Role::User,
            text: text.into(),
        }
    }

    pub fn assistant(text: impl Into<String>) -> Self {
        Self {
            role: Role::Assistant,
            text: text.into(),
        }
    }
}

/// One chat request, the same for every provider. Adapters map each field to their wire names and
/// clamp what a provider accepts (e.g. temperature 0–1 on Bedrock and Anthropic).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ChatRequest {
    pub system: Option<String>,
    pub messages: Vec<Message>,
    pub temperature: Option<f32>,
    /// Upper bound on generated tokens; adapters whose API requires one use a default.
    pub max_tokens: Option<u32>,
    pub stop_sequences: Vec<String>,
}

/// Token counts as the provider reported them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Usage {
    pub input_tokens: u64,
    pub output_tokens: u64,
}

/// Why the model stopped generating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "reason", content = "detail")]
pub enum StopReason {
    /// The model finished its answer.
    Completed,
    /// The answer hit the token limit and is cut short.
    MaxTokens,
    /// A stop sequence ended the answer.
    StopSequence,
    /// The provider's content filter withheld the rest of the answer.
    ContentFilter,
    /// Any other reason, as the provider named it.
    Other(String),
}

/// One piece of a streamed answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum StreamEvent {
    /// More answer text, to be appended.
    TextDelta { text: String },
    /// Token usage; may arrive after [`StreamEvent::Stop`] (Bedrock sends it last).
    Usage { usage: Usage },
    /// The model stopped. The stream may still carry usage after this.
    Stop { reason: StopReason },
    /// Provider metadata worth keeping with the draft, such as Azure content-filter results.
    Annotation { value: serde_json::Value },
}

/// A streamed answer. Dropping it aborts the request at once.
pub type ChatStream = Pin<Box<dyn Stream<Item = Result<StreamEvent, ProviderError>> + Send>>;
