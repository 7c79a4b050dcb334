//! OpenAI's Responses API. Asks OpenAI not to store the conversation (`store: false`).

use eventsource_stream::Event;
use futures_util::future::BoxFuture;
use reqwest::Url;
use reqwest::header::{AUTHORIZATION, HeaderMap};
use serde::Deserialize;
use serde_json::{Value, json};
use tracing::debug;

use super::adapter::{
    Adapter, WireRequest, base_headers, endpoint, required_secret, required_setting, secret_header,
    wire_temperature,
};
use super::openai::{ApiError, ErrorWording};
use super::sse::{self, Flow, SseDecoder};
use super::{
    ChatRequest, ChatStream, CredentialField, Credentials, ProviderError, ProviderErrorKind,
    ProviderProfile, StopReason, StreamEvent, Usage,
};

pub(crate) struct ResponsesAdapter {
    url: Url,
    headers: HeaderMap,
    model: String,
    wording: ErrorWording,
}

impl ResponsesAdapter {
    pub fn new(
        profile: &ProviderProfile,
        credentials: &Credentials,
    ) -> Result<Self, ProviderError> {
        let model = required_setting(profile, &profile.model, "model", "gpt-4.1-mini")?;
        let base = profile
            .base_url
            .as_deref()
            .unwrap_or("https://api.openai.com");
        let mut headers = base_headers(profile)?;
        let key = required_secret(profile, credentials, CredentialField::ApiKey)?;
        headers.insert(
            AUTHORIZATION,
            secret_header(profile, CredentialField::ApiKey, "Bearer ", key)?,
        );
        Ok(Self {
            url: endpoint(profile, base, &["v1", "responses"])?,
            headers,
            model: model.to_owned(),
            wording: ErrorWording::openai(&profile.name, model),
        })
    }

    fn body(&self, request: &ChatRequest) -> Value {
        let input: Vec<Value> = request
            .messages
            .iter()
            .map(|m| json!({"role": m.role, "content": m.text}))
            .collect();
        let mut body = json!({
            "model": self.model,
            "input": input,
            "stream": true,
            "store": false,
        });
        if let Some(system) = request.system.as_deref().filter(|s| !s.trim().is_empty()) {
            body["instructions"] = json!(system);
        }
        if let Some(temperature) = request.temperature.and_then(|t| wire_temperature(t, 2.0)) {
            body["temperature"] = json!(temperature);
        }
        if let Some(max) = request.max_tokens {
            body["max_output_tokens"] = json!(max);
        }
        if !request.stop_sequences.is_empty() {
            // The Responses API has no stop sequences; the answer simply runs on.
            debug!("stop sequences are not supported by the Responses API; ignored");
        }
        body
    }
}

impl Adapter for ResponsesAdapter {
    fn prepare<'a>(
        &'a self,
        request: &'a ChatRequest,
    ) -> BoxFuture<'a, Result<WireRequest, ProviderError>> {
        let wire = serde_json::to_vec(&self.body(request))
            .map(|body| WireRequest {
                url: self.url.clone(),
                headers: self.headers.clone(),
                body,
            })
            .map_err(|e| ProviderError::new(ProviderErrorKind::BadRequest, e.to_string()));
        Box::pin(async move { wire })
    }

    fn error_from_response(&self, status: u16, headers: &HeaderMap, body: &[u8]) -> ProviderError {
        self.wording.response_error(status, headers, body)
    }

    fn parse_stream(&self, response: reqwest::Response) -> ChatStream {
        sse::decode(
            sse::response_events(response),
            ResponsesDecoder {
                wording: self.wording.clone(),
            },
        )
    }
}

#[derive(Clone)]
struct ResponsesDecoder {
    wording: ErrorWording,
}

/// The fields of the few event types that matter; the API has dozens more, all ignored.
#[derive(Deserialize)]
struct ResponsesEvent {
    #[serde(rename = "type", default)]
    event_type: String,
    delta: Option<String>,
    response: Option<ResponseObject>,
    /// Fields of the `error` event.
    code: Option<String>,
    message: Option<String>,
    param: Option<String>,
}

#[derive(Deserialize)]
struct ResponseObject {
    usage: Option<ResponseUsage>,
    incomplete_details: Option<IncompleteDetails>,
    error: Option<ResponseFailure>,
}

#[derive(Deserialize)]
struct ResponseUsage {
    #[serde(default)]
    input_tokens: u64,
    #[serde(default)]
    output_tokens: u64,
}

#[derive(Deserialize)]
struct IncompleteDetails {
    reason: Option<String>,
}

#[derive(Deserialize)]
struct ResponseFailure {
    code: Option<String>,
    #[serde(default)]
    message: String,
}

fn push_usage(response: Option<&ResponseObject>, out: &mut Vec<StreamEvent>) {
    if let Some(usage) = response.and_then(|r| r.usage.as_ref()) {
        out.push(StreamEvent::Usage {
            usage: Usage {
                input_tokens: usage.input_tokens,
                output_tokens: usage.output_tokens,
            },
        });
    }
}

impl SseDecoder for ResponsesDecoder {
    fn decode(&mut self, event: &Event, out: &mut Vec<StreamEvent>) -> Result<Flow, ProviderError> {
        let parsed: ResponsesEvent = sse::parse_json(&event.data, "OpenAI")?;
        let event_type = if parsed.event_type.is_empty() {
            event.event.as_str()
        } else {
            parsed.event_type.as_str()
        };
        match event_type {
            "response.output_text.delta" | "response.refusal.delta" => {
                if let Some(text) = parsed.delta.filter(|t| !t.is_empty()) {
                    out.push(StreamEvent::TextDelta { text });
                }
                Ok(Flow::Continue)
            }
            "response.completed" => {
                push_usage(parsed.response.as_ref(), out);
                out.push(StreamEvent::Stop {
                    reason: StopReason::Completed,
                });
                Ok(Flow::Finished)
            }
            "response.incomplete" => {
                push_usage(parsed.response.as_ref(), out);
                let reason = parsed
                    .response
                    .as_ref()
                    .and_then(|r| r.incomplete_details.as_ref())
                    .and_then(|d| d.reason.as_deref());
                out.push(StreamEvent::Stop {
                    reason: match reason {
                        Some("max_output_tokens") => StopReason::MaxTokens,
                        Some("content_filter") => StopReason::ContentFilter,
                        Some(other) => StopReason::Other(other.to_owned()),
                        None => StopReason::Other("incomplete".to_owned()),
                    },
                });
                Ok(Flow::Finished)
            }
            "response.failed" => {
                let failure = parsed.response.and_then(|r| r.error);
                let error = match failure {
                    Some(f) => ApiError::new(f.message, f.code, None),
                    None => ApiError::new("the response failed".to_owned(), None, None),
                };
                Err(self.wording.stream_error(&error))
            }
            "error" => Err(self.wording.stream_error(&ApiError::new(
                parsed.message.unwrap_or_default(),
                parsed.code,
                parsed.param,
            ))),
            _ => Ok(Flow::Continue),
        }
    }
}
