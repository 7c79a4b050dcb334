//! AWS Bedrock ConverseStream: JSON request, SigV4 or API-key auth, and a binary event-stream
//! answer (`messageStart`, `contentBlockDelta`…, `messageStop`, then `metadata` with usage).

pub(crate) mod eventstream;
pub(crate) mod sigv4;

use crate::providers::exchange::BodyStream;
use std::collections::VecDeque;

use bytes::Bytes;
use futures_util::future::BoxFuture;
use futures_util::stream::{BoxStream, StreamExt};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderValue};
use serde::{Deserialize, Serialize};

use self::eventstream::{Frame, FrameReader};
use self::sigv4::BedrockAuth;
use super::adapter::{Adapter, AdapterContext, WireRequest, base_url};
use super::http_error::{excerpt, finish, secret_command};
use super::sse::cut_off;
use super::{
    ChatRequest, ChatStream, CredentialField, Credentials, ProviderError, ProviderErrorKind,
    ProviderProfile, Role, StopReason, StreamEvent, Usage,
};

/// Bedrock publishers mostly require `maxTokens`; this is used when the request has none.
const DEFAULT_MAX_TOKENS: u32 = 4096;

/// Everything but RFC 3986 unreserved characters: a model id or ARN becomes one path segment
/// (`:` → `%3A`, `/` → `%2F`).
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Adds Bedrock authentication to a request built elsewhere (the OpenAI-compatible Chat
/// Completions endpoint on bedrock-runtime): SigV4 with the profile's access keys, or its
/// Bedrock API key as a bearer token. Call it after the URL, content type and body are final.
pub(crate) fn sign_request(
    profile: &ProviderProfile,
    credentials: &Credentials,
    request: &mut WireRequest,
) -> Result<(), ProviderError> {
    BedrockAuth::from_profile(profile, credentials)?.apply(request)
}

/// The profile's AWS region, checked to be one (it becomes part of a host name).
pub(crate) fn region(profile: &ProviderProfile) -> Result<&str, ProviderError> {
    let region = profile.region.as_deref().map(str::trim).unwrap_or_default();
    let valid = !region.is_empty()
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if valid {
        Ok(region)
    } else {
        Err(ProviderError::new(
            ProviderErrorKind::Configuration,
            format!(
                "Profile {} needs the AWS region where Bedrock runs the model, such as us-east-1 \
                 or eu-central-1. Set the profile's region.",
                profile.name
            ),
        ))
    }
}

/// `https://bedrock-runtime.{region}.amazonaws.com`, or the profile's base URL, without a
/// trailing slash.
pub(crate) fn endpoint(profile: &ProviderProfile) -> Result<String, ProviderError> {
    match profile.base_url.as_deref().map(str::trim) {
        Some(base) if !base.is_empty() => Ok(base.trim_end_matches('/').to_owned()),
        _ => Ok(format!(
            "https://bedrock-runtime.{}.amazonaws.com",
            region(profile)?
        )),
    }
}

/// The AWS region a Bedrock host names: `bedrock-runtime.eu-west-1.amazonaws.com`, the FIPS
/// (`bedrock-runtime-fips.us-east-1…`) and VPC endpoint (`vpce-….bedrock-runtime.eu-west-1.vpce…`)
/// forms, China's `.amazonaws.com.cn`. `None` for any other host (a proxy, this computer).
pub(crate) fn region_in_host(host: &str) -> Option<&str> {
    let host = host.trim_end_matches('.');
    if !(host.ends_with(".amazonaws.com") || host.ends_with(".amazonaws.com.cn")) {
        return None;
    }
    host.split('.').find(|label| is_aws_region(label))
}

/// `eu-west-1`, `us-gov-east-1`, `ap-southeast-4`: two letters, words, then a number.
fn is_aws_region(label: &str) -> bool {
    let parts: Vec<&str> = label.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[0].bytes().all(|b| b.is_ascii_lowercase())
        && parts[1..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

/// Where a cross-region inference profile may route a request, from the geography prefix of
/// its id (`eu.anthropic.claude-…`, also inside an ARN): `Some(None)` for `global.` (anywhere),
/// `Some(Some(prefix))` for the regions whose names start with `prefix`, `None` for a model id
/// that is not an inference profile (it runs in the endpoint's region).
pub(crate) fn inference_route(model: &str) -> Option<Option<&'static str>> {
    let id = model.rsplit('/').next().unwrap_or(model);
    let (geography, _) = id.split_once('.')?;
    match geography {
        "global" => Some(None),
        "us" => Some(Some("us-")),
        "us-gov" => Some(Some("us-gov-")),
        "eu" => Some(Some("eu-")),
        "apac" => Some(Some("ap-")),
        "jp" => Some(Some("ap-northeast-")),
        "au" => Some(Some("ap-southeast-")),
        "ca" => Some(Some("ca-")),
        _ => None,
    }
}

fn model(profile: &ProviderProfile) -> Result<&str, ProviderError> {
    match profile.model.as_deref().map(str::trim) {
        Some(model) if !model.is_empty() => Ok(model),
        _ => Err(ProviderError::new(
            ProviderErrorKind::Configuration,
            format!(
                "Profile {} has no model. Set it to a Bedrock model id, inference profile id \
                 (such as eu.anthropic.claude-sonnet-4-5-20250929-v1:0) or ARN.",
                profile.name
            ),
        )),
    }
}

fn invalid_url(profile: &ProviderProfile) -> ProviderError {
    ProviderError::new(
        ProviderErrorKind::Configuration,
        format!(
            "Profile {}'s base URL is not a valid URL. Correct it or remove it to use AWS's \
             endpoint.",
            profile.name
        ),
    )
}

/// The Bedrock Converse adapter (ProviderKind::Bedrock).
pub(crate) struct ConverseAdapter {
    url: reqwest::Url,
    auth: BedrockAuth,
    profile_name: String,
    model: String,
    region: String,
}

impl ConverseAdapter {
    pub(crate) fn new(
        _ctx: &AdapterContext,
        profile: &ProviderProfile,
        credentials: &Credentials,
    ) -> Result<Self, ProviderError> {
        let model = model(profile)?;
        let region = region(profile)?;
        let url = format!(
            "{}/model/{}/converse-stream",
            base_url(profile)?,
            utf8_percent_encode(model, PATH_SEGMENT)
        );
        let url = reqwest::Url::parse(&url).map_err(|_| invalid_url(profile))?;
        Ok(Self {
            url,
            auth: BedrockAuth::from_profile(profile, credentials)?,
            profile_name: profile.name.clone(),
            model: model.to_owned(),
            region: region.to_owned(),
        })
    }

    fn wire_request(&self, request: &ChatRequest) -> Result<WireRequest, ProviderError> {
        let body = serde_json::to_vec(&converse_body(request)).map_err(|_| {
            ProviderError::new(
                ProviderErrorKind::BadRequest,
                "The request could not be encoded for Bedrock.",
            )
        })?;
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(
            ACCEPT,
            HeaderValue::from_static("application/vnd.amazon.eventstream"),
        );
        Ok(WireRequest {
            url: self.url.clone(),
            headers,
            body,
        })
    }
}

impl Adapter for ConverseAdapter {
    fn prepare<'a>(
        &'a self,
        request: &'a ChatRequest,
    ) -> BoxFuture<'a, Result<WireRequest, ProviderError>> {
        Box::pin(async move {
            let mut wire = self.wire_request(request)?;
            self.auth.apply(&mut wire)?;
            Ok(wire)
        })
    }

    fn error_from_response(&self, status: u16, headers: &HeaderMap, body: &[u8]) -> ProviderError {
        http_error(
            status,
            headers,
            body,
            &self.profile_name,
            &self.model,
            &self.region,
        )
    }

    fn parse_stream(&self, body: BodyStream) -> ChatStream {
        converse_stream(body)
    }
}

// ---- Request body ----------------------------------------------------------------------------

#[derive(Serialize)]
struct ConverseBody<'a> {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    system: Vec<TextBlock<'a>>,
    messages: Vec<ConverseMessage<'a>>,
    #[serde(rename = "inferenceConfig")]
    inference_config: InferenceConfig<'a>,
}

#[derive(Serialize)]
struct TextBlock<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct ConverseMessage<'a> {
    role: &'static str,
    content: [TextBlock<'a>; 1],
}

#[derive(Serialize)]
struct InferenceConfig<'a> {
    #[serde(rename = "maxTokens")]
    max_tokens: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    temperature: Option<f32>,
    #[serde(rename = "stopSequences", skip_serializing_if = "Vec::is_empty")]
    stop_sequences: Vec<&'a str>,
}

fn converse_body(request: &ChatRequest) -> ConverseBody<'_> {
    let system = request
        .system
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|text| TextBlock { text })
        .into_iter()
        .collect();
    let messages = request
        .messages
        .iter()
        .map(|m| ConverseMessage {
            role: match m.role {
                Role::User => "user",
                Role::Assistant => "assistant",
            },
            content: [TextBlock { text: &m.text }],
        })
        .collect();
    ConverseBody {
        system,
        messages,
        inference_config: InferenceConfig {
            max_tokens: request.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS).max(1),
            // Bedrock's service model allows 0–1.
            temperature: request
                .temperature
                .filter(|t| t.is_finite())
                .map(|t| t.clamp(0.0, 1.0)),
            // Converse rejects empty stop strings.
            stop_sequences: request
                .stop_sequences
                .iter()
                .map(String::as_str)
                .filter(|s| !s.is_empty())
                .collect(),
        },
    }
}

// ---- Stream ----------------------------------------------------------------------------------

#[derive(Deserialize)]
struct DeltaEvent {
    #[serde(default)]
    delta: Option<Delta>,
}

#[derive(Deserialize)]
struct Delta {
    #[serde(default)]
    text: Option<String>,
}

#[derive(Deserialize)]
struct StopEvent {
    #[serde(rename = "stopReason", default)]
    stop_reason: Option<String>,
}

#[derive(Deserialize)]
struct MetadataEvent {
    #[serde(default)]
    usage: Option<ConverseUsage>,
}

#[derive(Deserialize)]
struct ConverseUsage {
    #[serde(rename = "inputTokens", default)]
    input_tokens: u64,
    #[serde(rename = "outputTokens", default)]
    output_tokens: u64,
}

#[derive(Deserialize, Default)]
struct ExceptionPayload {
    #[serde(default, alias = "Message")]
    message: Option<String>,
}

/// Turns decoded frames into stream events.
#[derive(Default)]
struct ConverseParser {
    stopped: bool,
}

impl ConverseParser {
    fn on_frame(
        &mut self,
        frame: Frame,
        out: &mut VecDeque<Result<StreamEvent, ProviderError>>,
    ) -> Result<(), ProviderError> {
        match frame {
            Frame::Event {
                event_type,
                payload,
            } => self.on_event(&event_type, &payload, out),
            Frame::Exception {
                exception_type,
                payload,
            } => {
                let message = serde_json::from_slice::<ExceptionPayload>(&payload)
                    .unwrap_or_default()
                    .message
                    .unwrap_or_default();
                Err(stream_exception(&exception_type, &message))
            }
            Frame::Error { code, message } => Err(stream_exception(&code, &message)),
        }
    }

    fn on_event(
        &mut self,
        event_type: &str,
        payload: &Bytes,
        out: &mut VecDeque<Result<StreamEvent, ProviderError>>,
    ) -> Result<(), ProviderError> {
        match event_type {
            "contentBlockDelta" => {
                let event: DeltaEvent = parse_payload(payload)?;
                if let Some(text) = event.delta.and_then(|d| d.text)
                    && !text.is_empty()
                {
                    out.push_back(Ok(StreamEvent::TextDelta { text }));
                }
            }
            "messageStop" => {
                let event: StopEvent = parse_payload(payload)?;
                self.stopped = true;
                out.push_back(Ok(StreamEvent::Stop {
                    reason: stop_reason(event.stop_reason.as_deref().unwrap_or_default()),
                }));
            }
            "metadata" => {
                let event: MetadataEvent = parse_payload(payload)?;
                if let Some(usage) = event.usage {
                    out.push_back(Ok(StreamEvent::Usage {
                        usage: Usage {
                            input_tokens: usage.input_tokens,
                            output_tokens: usage.output_tokens,
                        },
                    }));
                }
            }
            // messageStart, contentBlockStart/Stop and anything newer carry nothing we show.
            _ => {}
        }
        Ok(())
    }
}

fn parse_payload<'de, T: Deserialize<'de>>(payload: &'de [u8]) -> Result<T, ProviderError> {
    serde_json::from_slice(payload).map_err(|_| {
        ProviderError::new(
            ProviderErrorKind::Protocol,
            "Bedrock sent part of the answer in a form this app cannot read. Try again; if it \
             keeps happening, report it with the model name.",
        )
    })
}

fn stop_reason(reason: &str) -> StopReason {
    match reason {
        "end_turn" => StopReason::Completed,
        "max_tokens" => StopReason::MaxTokens,
        "stop_sequence" => StopReason::StopSequence,
        "content_filtered" | "guardrail_intervened" => StopReason::ContentFilter,
        other => StopReason::Other(other.to_owned()),
    }
}

/// An exception sent inside a 200 stream (`:exception-type`, or an `:error-code`).
fn stream_exception(exception_type: &str, message: &str) -> ProviderError {
    let said = if message.is_empty() {
        String::new()
    } else {
        format!(" (Bedrock said: {})", excerpt(message))
    };
    let (kind, text) = match exception_type {
        "throttlingException" => (
            ProviderErrorKind::RateLimited,
            "Bedrock is throttling requests for this model and stopped the answer. Wait a \
             moment and try again.",
        ),
        "serviceUnavailableException" => (
            ProviderErrorKind::Overloaded,
            "Bedrock is temporarily unavailable and stopped the answer. Try again in a moment.",
        ),
        "validationException" => (
            ProviderErrorKind::BadRequest,
            "Bedrock rejected the request partway through the answer.",
        ),
        "modelTimeoutException" => (
            ProviderErrorKind::Timeout,
            "The model took too long and Bedrock stopped the answer. Try again.",
        ),
        "modelStreamErrorException" | "internalServerException" => (
            ProviderErrorKind::Server,
            "The model failed partway through the answer on Bedrock's side. Try again.",
        ),
        _ => (
            ProviderErrorKind::Server,
            "Bedrock stopped the answer with an error. Try again.",
        ),
    };
    ProviderError::new(kind, format!("{text}{said}"))
}

/// Parses a ConverseStream body. Usage arrives after `messageStop`, so the stream is read to its
/// end; ending before `messageStop` is an error.
pub(crate) fn converse_stream(
    body: BoxStream<'static, Result<Bytes, ProviderError>>,
) -> ChatStream {
    struct State {
        body: BoxStream<'static, Result<Bytes, ProviderError>>,
        reader: FrameReader,
        parser: ConverseParser,
        queue: VecDeque<Result<StreamEvent, ProviderError>>,
        done: bool,
    }
    let state = State {
        body,
        reader: FrameReader::new(),
        parser: ConverseParser::default(),
        queue: VecDeque::new(),
        done: false,
    };
    Box::pin(futures_util::stream::unfold(state, |mut s| async move {
        loop {
            if let Some(item) = s.queue.pop_front() {
                if item.is_err() {
                    s.queue.clear();
                    s.done = true;
                }
                return Some((item, s));
            }
            if s.done {
                return None;
            }
            match s.body.next().await {
                Some(Ok(chunk)) => {
                    s.reader.push(&chunk);
                    loop {
                        let step = s.reader.next_message().and_then(|message| match message {
                            Some(m) => {
                                let frame = Frame::from_message(&m)?;
                                s.parser.on_frame(frame, &mut s.queue).map(|()| true)
                            }
                            None => Ok(false),
                        });
                        match step {
                            Ok(true) => continue,
                            Ok(false) => break,
                            Err(e) => {
                                s.queue.push_back(Err(e));
                                break;
                            }
                        }
                    }
                }
                Some(Err(e)) => {
                    s.queue.push_back(Err(e));
                    s.done = true;
                }
                None => {
                    s.done = true;
                    if !s.parser.stopped {
                        s.queue.push_back(Err(cut_off()));
                    } else if !s.reader.is_at_frame_boundary() {
                        tracing::debug!("Bedrock stream ended inside a frame after messageStop");
                    }
                }
            }
        }
    }))
}

// ---- HTTP errors -----------------------------------------------------------------------------

#[derive(Deserialize, Default)]
struct ErrorBody {
    #[serde(default, alias = "Message")]
    message: Option<String>,
    #[serde(default, rename = "__type")]
    type_: Option<String>,
    #[serde(default, alias = "Code")]
    code: Option<String>,
}

/// The error code as botocore reads it: `x-amzn-ErrorType` up to `:` (after any `#`), else the
/// body's `__type` / `code`.
fn error_code(headers: &HeaderMap, body: &ErrorBody) -> String {
    let from_header = headers
        .get("x-amzn-errortype")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let raw = from_header
        .or_else(|| body.type_.clone())
        .or_else(|| body.code.clone())
        .unwrap_or_default();
    let before_colon = raw.split(':').next().unwrap_or_default();
    before_colon
        .rsplit('#')
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// Maps a non-2xx Bedrock answer to an error that says what to do.
pub(crate) fn http_error(
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    profile: &str,
    model: &str,
    region: &str,
) -> ProviderError {
    let parsed: ErrorBody = serde_json::from_slice(body).unwrap_or_default();
    let code = error_code(headers, &parsed);
    let message = parsed.message.clone().unwrap_or_default();
    let said = if message.is_empty() {
        String::new()
    } else {
        format!(" (AWS said: {})", excerpt(&message))
    };
    use ProviderErrorKind::*;
    let (kind, text) = match code.as_str() {
        "ValidationException" if mentions_inference_profile(&message) => (
            BadRequest,
            format!(
                "Model {model} cannot be called directly in region {region}: use an inference \
                 profile such as {} (set the profile's model to it).",
                inference_profile_examples(model, region)
            ),
        ),
        "ValidationException" => (
            BadRequest,
            format!("Bedrock rejected the request for model {model}{said}."),
        ),
        "AccessDeniedException" => (
            PermissionDenied,
            format!(
                "AWS denied access to model {model}: enable model access for this model in the \
                 Bedrock console for region {region}, and check that the IAM user or role may \
                 call bedrock:InvokeModelWithResponseStream{said}."
            ),
        ),
        "UnrecognizedClientException"
        | "InvalidSignatureException"
        | "IncompleteSignatureException"
        | "MissingAuthenticationTokenException"
        | "ExpiredTokenException"
        | "InvalidClientTokenId"
        | "SignatureDoesNotMatch" => (
            Authentication,
            format!(
                "AWS did not accept the profile's credentials{said}. Check that the computer's \
                 clock is right, and store the current access key pair (and session token, which \
                 expires) with {} and {}, or a Bedrock API key with {}.",
                secret_command(profile, CredentialField::AwsAccessKeyId),
                secret_command(profile, CredentialField::AwsSecretAccessKey),
                secret_command(profile, CredentialField::BedrockApiKey)
            ),
        ),
        "ResourceNotFoundException" => (
            NotFound,
            format!(
                "Bedrock has no model {model} in region {region}. Check the profile's model id \
                 and region{said}."
            ),
        ),
        "ThrottlingException" => (
            RateLimited,
            format!(
                "Bedrock is throttling requests for model {model} in region {region}. Wait a \
                 moment and try again, or ask the AWS admin to raise the quota."
            ),
        ),
        "ServiceQuotaExceededException" => (
            QuotaExceeded,
            format!(
                "The AWS account's Bedrock quota for model {model} in region {region} is used \
                 up. Ask the AWS admin to raise it{said}."
            ),
        ),
        "ModelNotReadyException" => (
            Overloaded,
            format!("Model {model} is not ready yet on Bedrock. Try again in a minute."),
        ),
        "ServiceUnavailableException" | "ServiceUnavailable" => (
            Overloaded,
            "Bedrock is temporarily unavailable. Try again in a moment.".to_owned(),
        ),
        "ModelTimeoutException" => (
            Timeout,
            format!("Model {model} took too long to answer on Bedrock. Try again."),
        ),
        "InternalServerException" | "ModelErrorException" | "ModelStreamErrorException" => (
            Server,
            format!("Bedrock failed on its side{said}. Try again."),
        ),
        _ => match status {
            403 => (
                PermissionDenied,
                format!(
                    "AWS refused the request for model {model} in region {region}{said}. Check \
                     model access in the Bedrock console and the IAM permissions."
                ),
            ),
            401 => (
                Authentication,
                format!(
                    "AWS did not accept the profile's credentials{said}. Store current ones with {}.",
                    secret_command(profile, CredentialField::AwsSecretAccessKey)
                ),
            ),
            404 => (
                NotFound,
                format!(
                    "Nothing answers at the Bedrock address for model {model} in region \
                     {region}. Check the profile's model, region and base URL{said}."
                ),
            ),
            408 => (
                Timeout,
                "Bedrock timed out before answering. Try again.".to_owned(),
            ),
            429 => (
                RateLimited,
                "Bedrock is throttling requests. Wait a moment and try again.".to_owned(),
            ),
            503 => (
                Overloaded,
                "Bedrock is temporarily unavailable. Try again in a moment.".to_owned(),
            ),
            500..=599 => (
                Server,
                format!("Bedrock failed on its side (HTTP {status}){said}. Try again."),
            ),
            _ => (
                BadRequest,
                format!("Bedrock refused the request (HTTP {status}){said}."),
            ),
        },
    };
    finish(ProviderError::new(kind, text), status, headers)
}

fn mentions_inference_profile(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    lower.contains("on-demand throughput") || lower.contains("inference profile")
}

fn inference_profile_examples(model: &str, region: &str) -> String {
    // A bare foundation-model id takes a geography prefix; list the region's own first.
    let bare = ["us.", "eu.", "apac.", "global."]
        .iter()
        .find_map(|p| model.strip_prefix(p))
        .unwrap_or(model);
    if region.starts_with("eu-") {
        format!("eu.{bare} or us.{bare}")
    } else if region.starts_with("ap-") {
        format!("apac.{bare} or global.{bare}")
    } else {
        format!("us.{bare} or eu.{bare}")
    }
}

#[cfg(test)]
mod tests;
