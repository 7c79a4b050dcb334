//! OpenAI's Responses API. Asks OpenAI not to store the conversation (`store: false`).

use crate::providers::exchange::BodyStream;
use eventsource_stream::Event;
use futures_util::future::BoxFuture;
use reqwest::Url;
use reqwest::header::{AUTHORIZATION, HeaderMap};
use serde::Deserialize;
use serde_json::{Value, json};
use tracing::debug;

use super::adapter::{
    Adapter, WireRequest, base_headers, base_url, endpoint, required_secret, required_setting,
    secret_header, wire_temperature,
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
        let mut headers = base_headers(profile, credentials)?;
        let key = required_secret(profile, credentials, CredentialField::ApiKey)?;
        headers.insert(
            AUTHORIZATION,
            secret_header(profile, CredentialField::ApiKey, "Bearer ", key)?,
        );
        Ok(Self {
            url: endpoint(profile, &base_url(profile)?, &["v1", "responses"])?,
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

    fn parse_stream(&self, body: BodyStream) -> ChatStream {
        sse::decode(
            sse::response_events(body),
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
    /// Fields of the `error` event; the code is a string, but nothing promises it.
    code: Option<Value>,
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
    code: Option<Value>,
    #[serde(default)]
    message: String,
}

fn code_text(code: Option<Value>) -> Option<String> {
    code.map(|c| match c {
        Value::String(text) => text,
        other => other.to_string(),
    })
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
                    Some(f) => ApiError::new(f.message, code_text(f.code), None),
                    None => ApiError::new("the response failed".to_owned(), None, None),
                };
                Err(self.wording.stream_error(&error))
            }
            "error" => Err(self.wording.stream_error(&ApiError::new(
                parsed.message.unwrap_or_default(),
                code_text(parsed.code),
                parsed.param,
            ))),
            _ => Ok(Flow::Continue),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::sse::tests::{block_on, decode_all};
    use crate::providers::{Message, ProviderKind};
    use crate::secrets::Secret;

    fn adapter() -> ResponsesAdapter {
        let mut profile = ProviderProfile::new("work", ProviderKind::OpenAiResponses).unwrap();
        profile.model = Some("gpt-4.1-mini".into());
        let credentials =
            Credentials::default().with(CredentialField::ApiKey, Secret::new("mock-api-key"));
        ResponsesAdapter::new(&profile, &credentials).unwrap()
    }

    fn decoder() -> ResponsesDecoder {
        ResponsesDecoder {
            wording: adapter().wording,
        }
    }

    #[test]
    fn request_uses_instructions_input_and_store_false() {
        let wire = block_on(adapter().prepare(&ChatRequest {
            system: Some("You draft letters.".into()),
            messages: vec![Message::user("Draft a reply.")],
            temperature: Some(0.2),
            max_tokens: Some(800),
            stop_sequences: vec!["END".into()],
        }))
        .unwrap();
        assert_eq!(wire.url.as_str(), "https://api.openai.com/v1/responses");
        assert_eq!(wire.headers[AUTHORIZATION], "Bearer mock-api-key");
        let body: Value = serde_json::from_slice(&wire.body).unwrap();
        assert_eq!(
            body,
            json!({
                "model": "gpt-4.1-mini",
                "instructions": "You draft letters.",
                "input": [{"role": "user", "content": "Draft a reply."}],
                "temperature": 0.2,
                "max_output_tokens": 800,
                "stream": true,
                "store": false
            })
        );
    }

    const NORMAL: &[u8] = br#"event: response.created
data: {"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","status":"in_progress"}}

event: response.output_item.added
data: {"type":"response.output_item.added","output_index":0,"item":{"id":"msg_1","type":"message","role":"assistant","status":"in_progress","content":[]},"sequence_number":2}

event: response.output_text.delta
data: {"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hello","logprobs":[],"sequence_number":4}

event: response.some_future_event
data: {"type":"response.some_future_event","sequence_number":5}

event: response.output_text.done
data: {"type":"response.output_text.done","text":"Hello","sequence_number":6}

event: response.completed
data: {"type":"response.completed","sequence_number":9,"response":{"status":"completed","usage":{"input_tokens":12,"input_tokens_details":{"cached_tokens":0},"output_tokens":19,"total_tokens":31}}}

"#;

    #[test]
    fn text_usage_and_completion() {
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
                StreamEvent::Usage {
                    usage: Usage {
                        input_tokens: 12,
                        output_tokens: 19
                    }
                },
                StreamEvent::Stop {
                    reason: StopReason::Completed
                },
            ]
        );
    }

    #[test]
    fn incomplete_response_stops_with_its_reason() {
        let body = br#"event: response.incomplete
data: {"type":"response.incomplete","response":{"status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},"usage":{"input_tokens":5,"output_tokens":800}}}

"#;
        let items = decode_all(body, decoder());
        assert_eq!(
            items.last(),
            Some(&Ok(StreamEvent::Stop {
                reason: StopReason::MaxTokens
            }))
        );
        let filtered = br#"data: {"type":"response.incomplete","response":{"incomplete_details":{"reason":"content_filter"}}}

"#;
        assert_eq!(
            decode_all(filtered, decoder()),
            [Ok(StreamEvent::Stop {
                reason: StopReason::ContentFilter
            })]
        );
    }

    #[test]
    fn failed_and_error_events_are_typed_errors() {
        let failed = br#"event: response.failed
data: {"type":"response.failed","response":{"status":"failed","error":{"code":"rate_limit_exceeded","message":"Too many tokens"}}}

"#;
        let error = decode_all(failed, decoder())[0].clone().unwrap_err();
        assert_eq!(error.kind(), ProviderErrorKind::RateLimited);
        assert!(error.message().contains("Too many tokens"), "{error}");

        let numeric_code = br#"data: {"type":"error","code":500,"message":"x"}

"#;
        let error = decode_all(numeric_code, decoder())[0].clone().unwrap_err();
        assert_eq!(error.kind(), ProviderErrorKind::Server);

        let error_event = br#"event: error
data: {"type":"error","code":"server_error","message":"The model crashed","param":null,"sequence_number":3}

"#;
        let error = decode_all(error_event, decoder())[0].clone().unwrap_err();
        assert_eq!(error.kind(), ProviderErrorKind::Server);
        assert!(error.message().contains("The model crashed"), "{error}");
    }

    #[test]
    fn stream_without_terminal_event_is_cut_off() {
        let cut = &NORMAL[..NORMAL.len() - 250];
        let items = decode_all(cut, decoder());
        let error = items.last().unwrap().clone().unwrap_err();
        assert!(error.message().contains("cut off"), "{error}");
    }

    #[test]
    fn retention_refusal_is_retention_blocked() {
        let error = adapter().error_from_response(
            400,
            &HeaderMap::new(),
            br#"{"error":{"message":"Stored responses are not available for organizations with zero data retention.","type":"invalid_request_error","param":"store","code":null}}"#,
        );
        assert_eq!(error.kind(), ProviderErrorKind::RetentionBlocked);
        assert_eq!(error.status(), Some(400));
    }
}
