//! "Test connection": one tiny request through a profile, timed, with the provider's own
//! diagnosis when it fails. Used by `casefile-admin profile test` and the Settings screen.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde::Serialize;

use super::{
    ChatRequest, Credentials, Exchange, Message, ProviderClient, ProviderErrorKind,
    ProviderProfile, StreamEvent, Usage,
};

/// What a connection test found.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConnectionReport {
    pub ok: bool,
    /// Time until the first answer text arrived, when any did.
    pub first_text_ms: Option<u64>,
    /// Time until the answer was complete, or the failure.
    pub total_ms: u64,
    /// What the model answered (a few words).
    pub reply: String,
    pub usage: Option<Usage>,
    /// Why it failed, and what to do, when it did.
    pub failure: Option<ConnectionFailure>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConnectionFailure {
    pub kind: ProviderErrorKind,
    pub message: String,
    pub status: Option<u16>,
}

const PROBE: &str = "Reply with the single word: ready";

/// Sends a tiny request through `profile` and reports latency, the answer and any failure.
pub async fn test_connection(
    client: &ProviderClient,
    profile: &ProviderProfile,
    credentials: &Credentials,
    exchange: &Exchange,
) -> ConnectionReport {
    let request = ChatRequest {
        messages: vec![Message::user(PROBE)],
        max_tokens: Some(16),
        ..ChatRequest::default()
    };
    let started = Instant::now();
    let elapsed_ms = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
    let mut report = ConnectionReport {
        ok: false,
        first_text_ms: None,
        total_ms: 0,
        reply: String::new(),
        usage: None,
        failure: None,
    };
    let outcome = async {
        let mut stream = client
            .stream_recorded(profile, credentials, &request, exchange)
            .await?;
        while let Some(event) = stream.next().await {
            match event? {
                StreamEvent::TextDelta { text } => {
                    report
                        .first_text_ms
                        .get_or_insert(elapsed_ms(started.elapsed()));
                    report.reply.push_str(&text);
                }
                StreamEvent::Usage { usage } => report.usage = Some(usage),
                StreamEvent::Stop { .. } | StreamEvent::Annotation { .. } => {}
            }
        }
        Ok::<(), super::ProviderError>(())
    }
    .await;
    report.total_ms = elapsed_ms(started.elapsed());
    match outcome {
        Ok(()) => report.ok = true,
        Err(e) => {
            report.failure = Some(ConnectionFailure {
                kind: e.kind(),
                message: e.message().to_owned(),
                status: e.status(),
            })
        }
    }
    report
}
