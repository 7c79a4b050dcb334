//! Anthropic's Messages API, direct and on Vertex AI (`streamRawPredict`: the model goes in the
//! URL, the API version in the body, and Google signs the request).

use crate::providers::exchange::BodyStream;
use eventsource_stream::Event;
use futures_util::future::BoxFuture;
use reqwest::Url;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};
use serde::Deserialize;
use serde_json::{Value, json};

use super::adapter::{
    Adapter, AdapterContext, WireRequest, base_headers, base_url, bearer_header, endpoint,
    required_secret, required_setting, secret_header, wire_temperature,
};
use super::http_error::{
    VertexTarget, body_excerpt, excerpt, finish, generic_advice, kind_for_status, secret_command,
    vertex_error,
};
use super::sse::{self, Flow, SseDecoder};
use super::{
    ChatRequest, ChatStream, CredentialField, Credentials, ProviderError, ProviderErrorKind,
    ProviderKind, ProviderProfile, StopReason, StreamEvent, Usage, google,
};

/// The API requires a token limit; this one fits a long letter or brief section.
pub(crate) const DEFAULT_MAX_TOKENS: u32 = 4096;
const API_VERSION: &str = "2023-06-01";
const VERTEX_API_VERSION: &str = "vertex-2023-10-16";

enum Auth {
    /// The API key is in the headers.
    ApiKey,
    /// A Google access token for the service account.
    Google(Credentials),
}

pub(crate) struct MessagesAdapter {
    context: AdapterContext,
    url: Url,
    headers: HeaderMap,
    model: String,
    auth: Auth,
    wording: ErrorWording,
}

impl MessagesAdapter {
    pub fn new(
        context: &AdapterContext,
        profile: &ProviderProfile,
        credentials: &Credentials,
    ) -> Result<Self, ProviderError> {
        let model = required_setting(profile, &profile.model, "model", "claude-sonnet-4-5")?;
        let mut headers = base_headers(profile, credentials)?;
        let (url, auth) = if profile.kind == ProviderKind::VertexAnthropic {
            let model_method = format!("{model}:streamRawPredict");
            let url = endpoint(
                profile,
                &google::location_url(profile, credentials)?,
                &["publishers", "anthropic", "models", &model_method],
            )?;
            (url, Auth::Google(credentials.clone()))
        } else {
            let key = required_secret(profile, credentials, CredentialField::ApiKey)?;
            headers.insert(
                HeaderName::from_static("x-api-key"),
                secret_header(profile, CredentialField::ApiKey, "", key)?,
            );
            headers.insert(
                HeaderName::from_static("anthropic-version"),
                HeaderValue::from_static(API_VERSION),
            );
            let url = endpoint(profile, &base_url(profile)?, &["v1", "messages"])?;
            (url, Auth::ApiKey)
        };
        Ok(Self {
            context: context.clone(),
            url,
            headers,
            model: model.to_owned(),
            wording: ErrorWording {
                profile_name: profile.name.clone(),
                model: model.to_owned(),
                region: profile.region.clone().unwrap_or_default(),
                on_vertex: matches!(auth, Auth::Google(_)),
            },
            auth,
        })
    }

    fn body(&self, request: &ChatRequest) -> Value {
        let messages: Vec<Value> = request
            .messages
            .iter()
            .map(|m| json!({"role": m.role, "content": m.text}))
            .collect();
        let mut body = json!({
            "messages": messages,
            "max_tokens": request.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS),
            "stream": true,
        });
        match self.auth {
            Auth::ApiKey => body["model"] = json!(self.model),
            Auth::Google(_) => body["anthropic_version"] = json!(VERTEX_API_VERSION),
        }
        if let Some(system) = request.system.as_deref().filter(|s| !s.trim().is_empty()) {
            body["system"] = json!(system);
        }
        if let Some(temperature) = request.temperature.and_then(|t| wire_temperature(t, 1.0)) {
            body["temperature"] = json!(temperature);
        }
        if !request.stop_sequences.is_empty() {
            body["stop_sequences"] = json!(request.stop_sequences);
        }
        body
    }
}

impl Adapter for MessagesAdapter {
    fn prepare<'a>(
        &'a self,
        request: &'a ChatRequest,
    ) -> BoxFuture<'a, Result<WireRequest, ProviderError>> {
        Box::pin(async move {
            let mut wire = WireRequest {
                url: self.url.clone(),
                headers: self.headers.clone(),
                body: serde_json::to_vec(&self.body(request)).map_err(|e| {
                    ProviderError::new(ProviderErrorKind::BadRequest, e.to_string())
                })?,
            };
            if let Auth::Google(credentials) = &self.auth {
                let token = google::access_token(&self.context, credentials).await?;
                wire.headers
                    .insert(AUTHORIZATION, bearer_header(&token, "Google")?);
            }
            Ok(wire)
        })
    }

    fn error_from_response(&self, status: u16, headers: &HeaderMap, body: &[u8]) -> ProviderError {
        self.wording.response_error(status, headers, body)
    }

    fn parse_stream(&self, body: BodyStream) -> ChatStream {
        sse::decode(
            sse::response_events(body),
            MessagesDecoder {
                wording: self.wording.clone(),
                usage: Usage::default(),
            },
        )
    }
}

/// Anthropic's error object, in error bodies and `error` stream events.
#[derive(Debug, Default, Deserialize)]
struct AnthropicError {
    #[serde(rename = "type", default)]
    error_type: String,
    #[serde(default)]
    message: String,
}

#[derive(Deserialize)]
struct ErrorEnvelope {
    error: AnthropicError,
}

#[derive(Clone)]
struct ErrorWording {
    profile_name: String,
    model: String,
    /// The Vertex location, for wording "not offered here" errors.
    region: String,
    on_vertex: bool,
}

impl ErrorWording {
    fn provider_name(&self) -> &'static str {
        if self.on_vertex {
            "Claude on Vertex AI"
        } else {
            "Anthropic"
        }
    }

    fn response_error(&self, status: u16, headers: &HeaderMap, body: &[u8]) -> ProviderError {
        let anthropic = serde_json::from_slice::<ErrorEnvelope>(body)
            .ok()
            .filter(|e| !e.error.error_type.is_empty());
        // Vertex answers in Google's shape for its own refusals (auth, quota, unknown model).
        if self.on_vertex && anthropic.is_none() {
            let target = VertexTarget {
                profile: &self.profile_name,
                model: &self.model,
                location: &self.region,
            };
            return vertex_error(status, headers, body, &target);
        }
        let error = anthropic.map(|e| e.error).unwrap_or_default();
        let said = if error.message.is_empty() {
            body_excerpt(body)
        } else {
            excerpt(&error.message)
        };
        let (kind, advice) = self.classify(Some(status), &error);
        let message = format!(
            "{} answered {status} ({said}). {advice}",
            self.provider_name()
        );
        finish(ProviderError::new(kind, message), status, headers)
    }

    fn stream_error(&self, error: &AnthropicError) -> ProviderError {
        let (kind, advice) = self.classify(None, error);
        ProviderError::new(
            kind,
            format!(
                "{} reported an error in the middle of the answer ({}). {advice}",
                self.provider_name(),
                excerpt(&error.message)
            ),
        )
    }

    fn classify(&self, status: Option<u16>, error: &AnthropicError) -> (ProviderErrorKind, String) {
        let kind = match error.error_type.as_str() {
            "authentication_error" => ProviderErrorKind::Authentication,
            "permission_error" => ProviderErrorKind::PermissionDenied,
            "not_found_error" => ProviderErrorKind::NotFound,
            "rate_limit_error" => ProviderErrorKind::RateLimited,
            "overloaded_error" => ProviderErrorKind::Overloaded,
            "billing_error" => ProviderErrorKind::QuotaExceeded,
            // Anthropic reports an empty prepaid balance as a bad request.
            "invalid_request_error"
                if error
                    .message
                    .to_ascii_lowercase()
                    .contains("credit balance") =>
            {
                ProviderErrorKind::QuotaExceeded
            }
            "invalid_request_error" | "request_too_large" => ProviderErrorKind::BadRequest,
            "timeout_error" => ProviderErrorKind::Timeout,
            "api_error" => ProviderErrorKind::Server,
            _ => status.map_or(ProviderErrorKind::Server, kind_for_status),
        };
        let advice = match kind {
            ProviderErrorKind::Authentication => format!(
                "Check the key: store the right one with {}.",
                secret_command(&self.profile_name, CredentialField::ApiKey)
            ),
            ProviderErrorKind::PermissionDenied => format!(
                "The key is valid but may not use {}: check the workspace's model access.",
                self.model
            ),
            ProviderErrorKind::NotFound if self.on_vertex => format!(
                "Vertex AI offers no model {} in location {}: the model is not offered in that \
                 region or its name is wrong. Try location global or another region, and check \
                 the model id (e.g. claude-sonnet-4-5@20250929).",
                self.model, self.region
            ),
            ProviderErrorKind::NotFound => format!(
                "There is no model {}: check the profile's model, e.g. claude-sonnet-4-5.",
                self.model
            ),
            ProviderErrorKind::QuotaExceeded => "The account's credit or billing limit is used \
                 up; this is not retried. Check the account's billing."
                .to_owned(),
            other => generic_advice(other).to_owned(),
        };
        (kind, advice)
    }
}

#[derive(Clone)]
struct MessagesDecoder {
    wording: ErrorWording,
    usage: Usage,
}

#[derive(Deserialize)]
struct MessagesEvent {
    #[serde(rename = "type", default)]
    event_type: String,
    message: Option<MessageStart>,
    delta: Option<EventDelta>,
    usage: Option<WireUsage>,
    error: Option<AnthropicError>,
}

#[derive(Deserialize)]
struct MessageStart {
    usage: Option<WireUsage>,
}

#[derive(Deserialize)]
struct EventDelta {
    #[serde(rename = "type")]
    delta_type: Option<String>,
    text: Option<String>,
    stop_reason: Option<String>,
}

#[derive(Deserialize)]
struct WireUsage {
    input_tokens: Option<u64>,
    output_tokens: Option<u64>,
    cache_creation_input_tokens: Option<u64>,
    cache_read_input_tokens: Option<u64>,
}

impl WireUsage {
    /// Cached prompt tokens are still prompt tokens.
    fn total_input(&self) -> Option<u64> {
        self.input_tokens.map(|n| {
            n + self.cache_creation_input_tokens.unwrap_or(0)
                + self.cache_read_input_tokens.unwrap_or(0)
        })
    }
}

fn stop_reason(reason: &str) -> StopReason {
    match reason {
        "end_turn" => StopReason::Completed,
        "max_tokens" | "model_context_window_exceeded" => StopReason::MaxTokens,
        "stop_sequence" => StopReason::StopSequence,
        "refusal" => StopReason::ContentFilter,
        other => StopReason::Other(other.to_owned()),
    }
}

impl SseDecoder for MessagesDecoder {
    fn decode(&mut self, event: &Event, out: &mut Vec<StreamEvent>) -> Result<Flow, ProviderError> {
        let parsed: MessagesEvent = sse::parse_json(&event.data, self.wording.provider_name())?;
        let event_type = if parsed.event_type.is_empty() {
            event.event.as_str()
        } else {
            parsed.event_type.as_str()
        };
        match event_type {
            "message_start" => {
                if let Some(usage) = parsed.message.and_then(|m| m.usage) {
                    self.usage.input_tokens = usage.total_input().unwrap_or(0);
                    self.usage.output_tokens = usage.output_tokens.unwrap_or(0);
                }
            }
            "content_block_delta" => {
                if let Some(delta) = parsed.delta
                    && delta.delta_type.as_deref() == Some("text_delta")
                    && let Some(text) = delta.text.filter(|t| !t.is_empty())
                {
                    out.push(StreamEvent::TextDelta { text });
                }
            }
            "message_delta" => {
                // Output tokens here are cumulative; newer API versions repeat the input count.
                if let Some(usage) = &parsed.usage {
                    if let Some(input) = usage.total_input() {
                        self.usage.input_tokens = input;
                    }
                    if let Some(output) = usage.output_tokens {
                        self.usage.output_tokens = output;
                    }
                    out.push(StreamEvent::Usage { usage: self.usage });
                }
                if let Some(reason) = parsed.delta.and_then(|d| d.stop_reason) {
                    out.push(StreamEvent::Stop {
                        reason: stop_reason(&reason),
                    });
                }
            }
            "message_stop" => return Ok(Flow::Finished),
            "error" => {
                return Err(self.wording.stream_error(&parsed.error.unwrap_or_default()));
            }
            // ping, content_block_start/stop, thinking and tool deltas: nothing to show.
            _ => {}
        }
        Ok(Flow::Continue)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use reqwest::header::HeaderValue;

    use super::*;
    use crate::providers::Message;
    use crate::providers::sse::tests::{block_on, decode_all};
    use crate::secrets::Secret;

    fn profile(kind: ProviderKind) -> ProviderProfile {
        let mut profile = ProviderProfile::new("claude", kind).unwrap();
        profile.model = Some("claude-sonnet-4-5".into());
        profile
    }

    fn adapter(profile: &ProviderProfile) -> MessagesAdapter {
        let credentials =
            Credentials::default().with(CredentialField::ApiKey, Secret::new("mock-api-key"));
        MessagesAdapter::new(
            &AdapterContext::new(reqwest::Client::new()),
            profile,
            &credentials,
        )
        .unwrap()
    }

    fn vertex_profile() -> ProviderProfile {
        let mut profile = profile(ProviderKind::VertexAnthropic);
        profile.model = Some("claude-sonnet-4-5@20250929".into());
        profile.project = Some("mock-project".into());
        profile.region = Some("us-east5".into());
        profile
    }

    fn request() -> ChatRequest {
        ChatRequest {
            system: Some("You draft letters.".into()),
            messages: vec![Message::user("Draft a reply.")],
            temperature: Some(1.7),
            max_tokens: None,
            stop_sequences: vec!["END".into()],
        }
    }

    #[test]
    fn direct_request() {
        let wire =
            block_on(adapter(&profile(ProviderKind::Anthropic)).prepare(&request())).unwrap();
        assert_eq!(wire.url.as_str(), "https://api.anthropic.com/v1/messages");
        assert_eq!(wire.headers["x-api-key"], "mock-api-key");
        assert_eq!(wire.headers["anthropic-version"], "2023-06-01");
        let body: Value = serde_json::from_slice(&wire.body).unwrap();
        assert_eq!(
            body,
            json!({
                "model": "claude-sonnet-4-5",
                "system": "You draft letters.",
                "messages": [{"role": "user", "content": "Draft a reply."}],
                "max_tokens": 4096,
                "temperature": 1.0,
                "stop_sequences": ["END"],
                "stream": true
            })
        );
    }

    #[test]
    fn vertex_request_has_model_in_url_and_version_in_body() {
        let adapter = adapter(&vertex_profile());
        assert_eq!(
            adapter.url.as_str(),
            "https://us-east5-aiplatform.googleapis.com/v1/projects/mock-project/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929:streamRawPredict"
        );
        assert_eq!(
            adapter.body(&ChatRequest {
                messages: vec![Message::user("Hi")],
                max_tokens: Some(800),
                ..ChatRequest::default()
            }),
            json!({
                "anthropic_version": "vertex-2023-10-16",
                "messages": [{"role": "user", "content": "Hi"}],
                "max_tokens": 800,
                "stream": true
            })
        );
        assert!(adapter.headers.get("x-api-key").is_none());

        let mut mock = vertex_profile();
        mock.base_url = Some("http://127.0.0.1:7000".into());
        mock.region = Some("global".into());
        assert_eq!(
            super::super::adapter::endpoint(&mock, "http://127.0.0.1:7000", &["v1"])
                .unwrap()
                .as_str(),
            "http://127.0.0.1:7000/v1"
        );
        assert!(
            adapter_url(&mock).starts_with(
                "http://127.0.0.1:7000/v1/projects/mock-project/locations/global/publishers/anthropic/models/"
            ),
            "{}",
            adapter_url(&mock)
        );
    }

    fn adapter_url(profile: &ProviderProfile) -> String {
        adapter(profile).url.to_string()
    }

    const NORMAL: &[u8] = b"event: message_start\r\ndata: {\"type\": \"message_start\", \"message\": {\"id\": \"msg_1\", \"type\": \"message\", \"role\": \"assistant\", \"content\": [], \"model\": \"claude-sonnet-4-5\", \"stop_reason\": null, \"usage\": {\"input_tokens\": 25, \"output_tokens\": 1}}}\r\n\r\n\
event: content_block_start\r\ndata: {\"type\": \"content_block_start\", \"index\": 0, \"content_block\": {\"type\": \"text\", \"text\": \"\"}}\r\n\r\n\
event: ping\r\ndata: {\"type\": \"ping\"}\r\n\r\n\
event: content_block_delta\r\ndata: {\"type\": \"content_block_delta\", \"index\": 0, \"delta\": {\"type\": \"text_delta\", \"text\": \"Hello\"}}\r\n\r\n\
event: content_block_delta\r\ndata: {\"type\": \"content_block_delta\", \"index\": 0, \"delta\": {\"type\": \"thinking_delta\", \"thinking\": \"hmm\"}}\r\n\r\n\
event: content_block_delta\r\ndata: {\"type\": \"content_block_delta\", \"index\": 0, \"delta\": {\"type\": \"text_delta\", \"text\": \"!\"}}\r\n\r\n\
event: content_block_stop\r\ndata: {\"type\": \"content_block_stop\", \"index\": 0}\r\n\r\n\
event: message_delta\r\ndata: {\"type\": \"message_delta\", \"delta\": {\"stop_reason\": \"end_turn\", \"stop_sequence\":null}, \"usage\": {\"output_tokens\": 15}}\r\n\r\n\
event: message_stop\r\ndata: {\"type\": \"message_stop\"}\r\n\r\n";

    fn decoder() -> MessagesDecoder {
        MessagesDecoder {
            wording: adapter(&profile(ProviderKind::Anthropic)).wording,
            usage: Usage::default(),
        }
    }

    #[test]
    fn stream_with_ping_thinking_and_usage() {
        let events: Vec<_> = decode_all(NORMAL, decoder())
            .into_iter()
            .map(Result::unwrap)
            .collect();
        assert_eq!(
            events,
            [
                StreamEvent::TextDelta {
                    text: "Hello".into()
                },
                StreamEvent::TextDelta { text: "!".into() },
                StreamEvent::Usage {
                    usage: Usage {
                        input_tokens: 25,
                        output_tokens: 15
                    }
                },
                StreamEvent::Stop {
                    reason: StopReason::Completed
                },
            ]
        );
    }

    #[test]
    fn refusal_is_a_content_filter_stop() {
        let body = br#"event: message_delta
data: {"type":"message_delta","delta":{"stop_reason":"refusal"},"usage":{"output_tokens":3}}

event: message_stop
data: {"type":"message_stop"}

"#;
        assert_eq!(
            decode_all(body, decoder()).last(),
            Some(&Ok(StreamEvent::Stop {
                reason: StopReason::ContentFilter
            }))
        );
    }

    #[test]
    fn error_event_is_typed() {
        let body = br#"event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Bio"}}

event: error
data: {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}

"#;
        let items = decode_all(body, decoder());
        assert_eq!(items.len(), 2);
        let error = items[1].clone().unwrap_err();
        assert_eq!(error.kind(), ProviderErrorKind::Overloaded);
        assert!(error.message().contains("Overloaded"), "{error}");
    }

    #[test]
    fn stream_without_message_stop_is_cut_off() {
        let cut = &NORMAL[..NORMAL.len() - 60];
        let error = decode_all(cut, decoder())
            .last()
            .unwrap()
            .clone()
            .unwrap_err();
        assert!(error.message().contains("cut off"), "{error}");
    }

    fn error_for(profile: &ProviderProfile, status: u16, body: &str) -> ProviderError {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("4"));
        adapter(profile).error_from_response(status, &headers, body.as_bytes())
    }

    #[test]
    fn error_mapping() {
        let direct = profile(ProviderKind::Anthropic);
        let overloaded = error_for(
            &direct,
            529,
            r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_1"}"#,
        );
        assert_eq!(overloaded.kind(), ProviderErrorKind::Overloaded);
        assert_eq!(overloaded.status(), Some(529));
        assert_eq!(overloaded.retry_after(), Some(Duration::from_secs(4)));

        let unauthorized = error_for(
            &direct,
            401,
            r#"{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}"#,
        );
        assert_eq!(unauthorized.kind(), ProviderErrorKind::Authentication);
        assert!(
            unauthorized
                .message()
                .contains("`casefile-admin secret set claude api_key`"),
            "{unauthorized}"
        );

        let broke = error_for(
            &direct,
            400,
            r#"{"type":"error","error":{"type":"invalid_request_error","message":"Your credit balance is too low to access the Anthropic API."}}"#,
        );
        assert_eq!(broke.kind(), ProviderErrorKind::QuotaExceeded);

        let missing = error_for(
            &direct,
            404,
            r#"{"type":"error","error":{"type":"not_found_error","message":"model: claude-9"}}"#,
        );
        assert_eq!(missing.kind(), ProviderErrorKind::NotFound);
        assert!(missing.message().contains("claude-sonnet-4-5"), "{missing}");

        let limited = error_for(
            &direct,
            429,
            r#"{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}"#,
        );
        assert_eq!(limited.kind(), ProviderErrorKind::RateLimited);
        assert_eq!(limited.retry_after(), Some(Duration::from_secs(4)));

        let vertex_missing = error_for(
            &vertex_profile(),
            404,
            r#"{"error":{"code":404,"message":"Publisher Model was not found","status":"NOT_FOUND"}}"#,
        );
        assert_eq!(vertex_missing.kind(), ProviderErrorKind::NotFound);
        assert!(
            vertex_missing.message().contains("Try location global"),
            "{vertex_missing}"
        );

        let vertex_overloaded = error_for(
            &vertex_profile(),
            529,
            r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#,
        );
        assert_eq!(vertex_overloaded.kind(), ProviderErrorKind::Overloaded);
        assert!(
            vertex_overloaded
                .message()
                .starts_with("Claude on Vertex AI answered 529"),
            "{vertex_overloaded}"
        );
    }
}
