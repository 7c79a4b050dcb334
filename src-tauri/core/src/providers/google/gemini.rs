//! Vertex AI Gemini: `streamGenerateContent?alt=sse`. Each SSE `data:` line is a whole
//! `GenerateContentResponse`; the stream has no end marker, so the chunk with `finishReason`
//! is the last that matters and the final `usageMetadata` carries the totals.

use crate::providers::exchange::BodyStream;
use eventsource_stream::Event;
use futures_util::future::BoxFuture;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue};
use serde::{Deserialize, Serialize};

use super::auth::ServiceAccount;
use crate::providers::adapter::{Adapter, AdapterContext, TokenCache, WireRequest, bearer_header};
use crate::providers::http_error::{VertexTarget, excerpt, vertex_error, vertex_status_error};
use crate::providers::sse::{self, Flow, SseDecoder, cut_off};
use crate::providers::{
    ChatRequest, ChatStream, Credentials, ProviderError, ProviderErrorKind, ProviderProfile, Role,
    StopReason, StreamEvent, Usage,
};

/// The Vertex AI Gemini adapter (ProviderKind::VertexGemini).
pub(crate) struct GeminiAdapter {
    url: reqwest::Url,
    account: ServiceAccount,
    http: reqwest::Client,
    tokens: TokenCache,
    profile_name: String,
    model: String,
    location: String,
}

impl GeminiAdapter {
    pub(crate) fn new(
        ctx: &AdapterContext,
        profile: &ProviderProfile,
        credentials: &Credentials,
    ) -> Result<Self, ProviderError> {
        let account = ServiceAccount::from_profile(profile, credentials)?;
        let model = super::model(profile)?;
        let location = super::location(profile)?;
        let url = format!(
            "{}/publishers/google/models/{}:streamGenerateContent?alt=sse",
            super::location_url(profile, credentials)?,
            super::encode_segment(model)
        );
        let url = reqwest::Url::parse(&url).map_err(|_| {
            ProviderError::new(
                ProviderErrorKind::Configuration,
                format!(
                    "Profile {}'s base URL is not a valid URL. Correct it or remove it to use \
                     Google's endpoint.",
                    profile.name
                ),
            )
        })?;
        Ok(Self {
            url,
            account,
            http: ctx.http.clone(),
            tokens: ctx.google_tokens.clone(),
            profile_name: profile.name.clone(),
            model: model.to_owned(),
            location: location.to_owned(),
        })
    }
}

impl GeminiAdapter {
    fn target(&self) -> VertexTarget<'_> {
        VertexTarget {
            profile: &self.profile_name,
            model: &self.model,
            location: &self.location,
        }
    }
}

impl Adapter for GeminiAdapter {
    fn prepare<'a>(
        &'a self,
        request: &'a ChatRequest,
    ) -> BoxFuture<'a, Result<WireRequest, ProviderError>> {
        Box::pin(async move {
            let body = serde_json::to_vec(&gemini_body(request)).map_err(|_| {
                ProviderError::new(
                    ProviderErrorKind::BadRequest,
                    "The request could not be encoded for Vertex AI.",
                )
            })?;
            let token = self
                .account
                .token(&self.profile_name, &self.http, &self.tokens)
                .await?;
            let mut headers = HeaderMap::new();
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            headers.insert(AUTHORIZATION, bearer_header(token.expose(), "Google")?);
            Ok(WireRequest {
                url: self.url.clone(),
                headers,
                body,
            })
        })
    }

    fn error_from_response(&self, status: u16, headers: &HeaderMap, body: &[u8]) -> ProviderError {
        vertex_error(status, headers, body, &self.target())
    }

    fn parse_stream(&self, body: BodyStream) -> ChatStream {
        sse::decode(
            sse::response_events(body),
            GeminiDecoder::new(&self.profile_name, &self.model, &self.location),
        )
    }
}

// ---- Request body ----------------------------------------------------------------------------

#[derive(Serialize)]
struct GeminiBody<'a> {
    #[serde(rename = "systemInstruction", skip_serializing_if = "Option::is_none")]
    system_instruction: Option<SystemInstruction<'a>>,
    contents: Vec<Content<'a>>,
    #[serde(rename = "generationConfig", skip_serializing_if = "Option::is_none")]
    generation_config: Option<GenerationConfig<'a>>,
}

#[derive(Serialize)]
struct SystemInstruction<'a> {
    parts: [TextPart<'a>; 1],
}

#[derive(Serialize)]
struct Content<'a> {
    role: &'static str,
    parts: [TextPart<'a>; 1],
}

#[derive(Serialize)]
struct TextPart<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct GenerationConfig<'a> {
    #[serde(rename = "maxOutputTokens", skip_serializing_if = "Option::is_none")]
    max_output_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    temperature: Option<f32>,
    #[serde(rename = "stopSequences", skip_serializing_if = "Vec::is_empty")]
    stop_sequences: Vec<&'a str>,
}

fn gemini_body(request: &ChatRequest) -> GeminiBody<'_> {
    let system_instruction = request
        .system
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|text| SystemInstruction {
            parts: [TextPart { text }],
        });
    let contents = request
        .messages
        .iter()
        .map(|m| Content {
            role: match m.role {
                Role::User => "user",
                Role::Assistant => "model",
            },
            parts: [TextPart { text: &m.text }],
        })
        .collect();
    let config = GenerationConfig {
        max_output_tokens: request.max_tokens,
        // Gemini accepts 0–2.
        temperature: request
            .temperature
            .filter(|t| t.is_finite())
            .map(|t| t.clamp(0.0, 2.0)),
        stop_sequences: request
            .stop_sequences
            .iter()
            .map(String::as_str)
            .filter(|s| !s.is_empty())
            .collect(),
    };
    let empty = config.max_output_tokens.is_none()
        && config.temperature.is_none()
        && config.stop_sequences.is_empty();
    GeminiBody {
        system_instruction,
        contents,
        generation_config: (!empty).then_some(config),
    }
}

// ---- Stream ----------------------------------------------------------------------------------

#[derive(Deserialize)]
struct Chunk {
    #[serde(default)]
    candidates: Vec<Candidate>,
    #[serde(rename = "usageMetadata", default)]
    usage_metadata: Option<UsageMetadata>,
    #[serde(rename = "promptFeedback", default)]
    prompt_feedback: Option<PromptFeedback>,
    #[serde(default)]
    error: Option<GoogleError>,
}

#[derive(Deserialize)]
struct Candidate {
    #[serde(default)]
    content: Option<CandidateContent>,
    #[serde(rename = "finishReason", default)]
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct CandidateContent {
    #[serde(default)]
    parts: Vec<Part>,
}

#[derive(Deserialize)]
struct Part {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    thought: bool,
}

#[derive(Deserialize, Clone, Copy)]
struct UsageMetadata {
    #[serde(rename = "promptTokenCount", default)]
    prompt: u64,
    #[serde(rename = "candidatesTokenCount", default)]
    candidates: u64,
    #[serde(rename = "thoughtsTokenCount", default)]
    thoughts: u64,
}

#[derive(Deserialize)]
struct PromptFeedback {
    #[serde(rename = "blockReason", default)]
    block_reason: Option<String>,
    #[serde(rename = "blockReasonMessage", default)]
    block_reason_message: Option<String>,
}

/// `{"error":{…}}` sent as a data line in place of a chunk.
#[derive(Deserialize, Default, Clone)]
struct GoogleError {
    #[serde(default)]
    code: Option<u16>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    status: Option<String>,
}

/// Gemini's chunks → stream events. Stop is sent when `finishReason` arrives; usage (the last
/// `usageMetadata` seen) once, at the end of the body.
#[derive(Clone)]
pub(crate) struct GeminiDecoder {
    profile: String,
    model: String,
    location: String,
    finished: bool,
    usage: Option<UsageMetadata>,
}

impl GeminiDecoder {
    pub(crate) fn new(profile: &str, model: &str, location: &str) -> Self {
        Self {
            profile: profile.to_owned(),
            model: model.to_owned(),
            location: location.to_owned(),
            finished: false,
            usage: None,
        }
    }
}

impl SseDecoder for GeminiDecoder {
    fn decode(&mut self, event: &Event, out: &mut Vec<StreamEvent>) -> Result<Flow, ProviderError> {
        if event.data.trim().is_empty() {
            return Ok(Flow::Continue);
        }
        let chunk: Chunk = sse::parse_json(&event.data, "Vertex AI")?;
        if let Some(error) = chunk.error {
            return Err(vertex_status_error(
                error.code.unwrap_or(500),
                error.status.as_deref().unwrap_or_default(),
                error.message.as_deref().unwrap_or_default(),
                &VertexTarget {
                    profile: &self.profile,
                    model: &self.model,
                    location: &self.location,
                },
            ));
        }
        if let Some(feedback) = chunk.prompt_feedback
            && let Some(reason) = feedback.block_reason
        {
            let said = feedback
                .block_reason_message
                .filter(|m| !m.is_empty())
                .map(|m| format!(": {}", excerpt(&m)))
                .unwrap_or_default();
            return Err(ProviderError::new(
                ProviderErrorKind::ContentFiltered,
                format!(
                    "Google's safety filter blocked the prompt ({reason}{said}). Rephrase the \
                     request or remove the flagged material."
                ),
            ));
        }
        if let Some(usage) = chunk.usage_metadata {
            self.usage = Some(usage);
        }
        if let Some(candidate) = chunk.candidates.into_iter().next() {
            for part in candidate.content.map(|c| c.parts).unwrap_or_default() {
                if part.thought {
                    continue;
                }
                if let Some(text) = part.text.filter(|t| !t.is_empty()) {
                    out.push(StreamEvent::TextDelta { text });
                }
            }
            if let Some(reason) = candidate.finish_reason.filter(|r| !r.is_empty())
                && !self.finished
            {
                self.finished = true;
                out.push(StreamEvent::Stop {
                    reason: finish_reason(&reason),
                });
            }
        }
        // No end marker: read to the end of the body, where the final usage may still come.
        Ok(Flow::Continue)
    }

    fn end_of_body(&mut self, out: &mut Vec<StreamEvent>) -> Result<(), ProviderError> {
        if !self.finished {
            return Err(cut_off());
        }
        if let Some(usage) = self.usage.take() {
            out.push(StreamEvent::Usage {
                usage: Usage {
                    input_tokens: usage.prompt,
                    output_tokens: usage.candidates + usage.thoughts,
                },
            });
        }
        Ok(())
    }
}

fn finish_reason(reason: &str) -> StopReason {
    match reason {
        "STOP" => StopReason::Completed,
        "MAX_TOKENS" => StopReason::MaxTokens,
        "SAFETY" | "RECITATION" | "BLOCKLIST" | "PROHIBITED_CONTENT" | "SPII" => {
            StopReason::ContentFilter
        }
        other => StopReason::Other(other.to_owned()),
    }
}

// ---- HTTP errors -----------------------------------------------------------------------------

#[cfg(test)]
mod tests;
