//! OpenAI Chat Completions, one implementation for every service that speaks it: OpenAI itself,
//! OpenAI-compatible servers, Azure OpenAI (classic and v1), Bedrock and Vertex AI. The variants
//! differ in URL, authentication, the name of the token limit and error advice; the stream is the
//! same, with Azure's content-filter chunks tolerated.

use crate::providers::exchange::BodyStream;
use eventsource_stream::Event;
use futures_util::future::BoxFuture;
use reqwest::Url;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName};
use serde::Deserialize;
use serde_json::{Value, json};

use super::adapter::{
    Adapter, AdapterContext, WireRequest, base_headers, base_url, bearer_header, configuration,
    endpoint, required_secret, required_setting, secret_header, wire_temperature,
};
use super::azure::EntraAuth;
use super::http_error::{
    VertexTarget, excerpt, finish, generic_advice, kind_for_status, secret_command, vertex_error,
};
use super::sse::{self, Flow, SseDecoder};
use super::{
    ChatRequest, ChatStream, CredentialField, Credentials, ProviderError, ProviderErrorKind,
    ProviderKind, ProviderProfile, StopReason, StreamEvent, Usage, bedrock, google,
};

/// Error codes meaning the account's money or quota is used up: retrying cannot help.
pub(crate) const QUOTA_CODES: [&str; 5] = [
    "insufficient_quota",
    "billing_hard_limit_reached",
    "billing_not_active",
    "credit_balance_exhausted",
    "project_spend_limit_exceeded",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Variant {
    OpenAi,
    Compatible,
    Azure,
    Bedrock,
    Vertex,
}

impl Variant {
    fn provider_name(self) -> &'static str {
        match self {
            Variant::OpenAi => "OpenAI",
            Variant::Compatible => "The OpenAI-compatible server",
            Variant::Azure => "Azure OpenAI",
            Variant::Bedrock => "Bedrock",
            Variant::Vertex => "Vertex AI",
        }
    }
}

enum Auth {
    /// Already in the headers (API key), or none (local servers).
    InHeaders,
    Entra(EntraAuth),
    /// A Google access token for the service account.
    Google(Credentials),
    /// SigV4 or a Bedrock API key, applied to the finished request.
    Bedrock(Box<(ProviderProfile, Credentials)>),
}

pub(crate) struct ChatCompletionsAdapter {
    wording: ErrorWording,
    context: AdapterContext,
    url: Url,
    headers: HeaderMap,
    /// `None` for Azure classic, where the deployment in the URL picks the model.
    model: Option<String>,
    /// `max_completion_tokens` for OpenAI's own services (reasoning models reject the legacy
    /// name), `max_tokens` for everyone else.
    token_limit_field: &'static str,
    /// Whether to ask for the usage chunk; old Azure api-versions reject `stream_options`.
    include_usage: bool,
    auth: Auth,
}

impl ChatCompletionsAdapter {
    pub fn new(
        context: &AdapterContext,
        profile: &ProviderProfile,
        credentials: &Credentials,
    ) -> Result<Self, ProviderError> {
        let variant = match profile.kind {
            ProviderKind::OpenAi => Variant::OpenAi,
            ProviderKind::OpenAiCompatible => Variant::Compatible,
            ProviderKind::AzureOpenAi => Variant::Azure,
            ProviderKind::BedrockOpenAi => Variant::Bedrock,
            ProviderKind::VertexOpenAi => Variant::Vertex,
            other => {
                return Err(configuration(format!(
                    "{other} is not served by the Chat Completions adapter."
                )));
            }
        };
        let mut headers = base_headers(profile, credentials)?;
        let mut auth = Auth::InHeaders;
        let mut token_limit_field = "max_tokens";
        let mut include_usage = true;
        let model_example = "gpt-4.1-mini";
        let (url, model, target) = match variant {
            Variant::OpenAi => {
                let model = required_setting(profile, &profile.model, "model", model_example)?;
                let key = required_secret(profile, credentials, CredentialField::ApiKey)?;
                headers.insert(
                    AUTHORIZATION,
                    secret_header(profile, CredentialField::ApiKey, "Bearer ", key)?,
                );
                token_limit_field = "max_completion_tokens";
                let url = endpoint(profile, &base_url(profile)?, &["v1", "chat", "completions"])?;
                (url, Some(model.to_owned()), model.to_owned())
            }
            Variant::Compatible => {
                let model = required_setting(profile, &profile.model, "model", "llama3.1")?;
                let base = base_url(profile)?;
                if let Some(key) = credentials.get(CredentialField::ApiKey) {
                    headers.insert(
                        AUTHORIZATION,
                        secret_header(profile, CredentialField::ApiKey, "Bearer ", key)?,
                    );
                }
                let url = endpoint(profile, &base, &["chat", "completions"])?;
                (url, Some(model.to_owned()), model.to_owned())
            }
            Variant::Azure => {
                let base = base_url(profile)?;
                let deployment = required_setting(
                    profile,
                    &profile.deployment,
                    "deployment (the deployment name, not the model name)",
                    "gpt-4o-drafting",
                )?;
                match EntraAuth::from_profile(profile, credentials)? {
                    Some(entra) => auth = Auth::Entra(entra),
                    None => {
                        let key = credentials.get(CredentialField::ApiKey).ok_or_else(|| {
                            configuration(format!(
                                "The profile {name} has no credentials: store the resource's key with {} \
                                 or set tenant_id and client_id and store {}.",
                                secret_command(&profile.name, CredentialField::ApiKey),
                                secret_command(&profile.name, CredentialField::EntraClientSecret),
                                name = profile.name,
                            ))
                        })?;
                        headers.insert(
                            HeaderName::from_static("api-key"),
                            secret_header(profile, CredentialField::ApiKey, "", key)?,
                        );
                    }
                }
                token_limit_field = "max_completion_tokens";
                let target = format!("deployment {deployment}");
                match profile.api_version.as_deref() {
                    Some(version) => {
                        let mut url = endpoint(
                            profile,
                            &base,
                            &["openai", "deployments", deployment, "chat", "completions"],
                        )?;
                        url.query_pairs_mut().append_pair("api-version", version);
                        // stream_options arrived with 2024-09-01-preview; dated versions sort.
                        include_usage = version >= "2024-09-01";
                        (url, None, target)
                    }
                    None => {
                        let url =
                            endpoint(profile, &base, &["openai", "v1", "chat", "completions"])?;
                        (url, Some(deployment.to_owned()), target)
                    }
                }
            }
            Variant::Bedrock => {
                let model =
                    required_setting(profile, &profile.model, "model", "openai.gpt-oss-120b-1:0")?;
                auth = Auth::Bedrock(Box::new((profile.clone(), credentials.clone())));
                let url = endpoint(
                    profile,
                    &base_url(profile)?,
                    &["openai", "v1", "chat", "completions"],
                )?;
                (url, Some(model.to_owned()), model.to_owned())
            }
            Variant::Vertex => {
                let model =
                    required_setting(profile, &profile.model, "model", "google/gemini-2.5-flash")?;
                auth = Auth::Google(credentials.clone());
                let url = endpoint(
                    profile,
                    &google::location_url(profile, credentials)?,
                    &["endpoints", "openapi", "chat", "completions"],
                )?;
                // The endpoint wants the publisher: google/gemini-…, openai/gpt-oss-…-maas.
                let model = if model.contains('/') {
                    model.to_owned()
                } else {
                    format!("google/{model}")
                };
                (url, Some(model.clone()), model)
            }
        };
        Ok(Self {
            wording: ErrorWording {
                variant,
                profile_name: profile.name.clone(),
                target,
                region: profile.region.clone().unwrap_or_default(),
                path: url.path().to_owned(),
                entra: matches!(auth, Auth::Entra(_)),
            },
            context: context.clone(),
            url,
            headers,
            model,
            token_limit_field,
            include_usage,
            auth,
        })
    }

    fn body(&self, request: &ChatRequest) -> Value {
        let system = request
            .system
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|s| json!({"role": "system", "content": s}));
        let messages: Vec<Value> = system
            .into_iter()
            .chain(
                request
                    .messages
                    .iter()
                    .map(|m| json!({"role": m.role, "content": m.text})),
            )
            .collect();
        let mut body = json!({"messages": messages, "stream": true});
        if let Some(model) = &self.model {
            body["model"] = json!(model);
        }
        if self.include_usage {
            body["stream_options"] = json!({"include_usage": true});
        }
        if let Some(temperature) = request.temperature.and_then(|t| wire_temperature(t, 2.0)) {
            body["temperature"] = json!(temperature);
        }
        if let Some(max) = request.max_tokens {
            body[self.token_limit_field] = json!(max);
        }
        if !request.stop_sequences.is_empty() {
            body["stop"] = json!(request.stop_sequences);
        }
        body
    }
}

/// The `error` object of an OpenAI-style error body or stream event.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ApiError {
    #[serde(default)]
    pub message: String,
    #[serde(rename = "type")]
    pub error_type: Option<String>,
    pub param: Option<String>,
    /// A string at OpenAI, sometimes a number ("429" or 429) at Azure.
    code: Option<Value>,
    innererror: Option<Value>,
}

impl ApiError {
    pub fn new(message: String, code: Option<String>, param: Option<String>) -> Self {
        Self {
            message,
            error_type: None,
            param,
            code: code.map(Value::String),
            innererror: None,
        }
    }

    pub fn code(&self) -> &str {
        self.code
            .as_ref()
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// The error from a body: `{"error":{…}}`, or a bare `{"message":…}` as AWS sends.
    pub fn from_body(body: &[u8]) -> Option<Self> {
        #[derive(Deserialize)]
        struct Envelope {
            error: ApiError,
        }
        serde_json::from_slice::<Envelope>(body)
            .map(|e| e.error)
            .or_else(|_| serde_json::from_slice::<ApiError>(body))
            .ok()
            .filter(|e| !e.message.is_empty() || e.code.is_some())
    }
}

impl Adapter for ChatCompletionsAdapter {
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
            match &self.auth {
                Auth::InHeaders => {}
                Auth::Entra(entra) => {
                    let token = entra.token(&self.context).await?;
                    wire.headers
                        .insert(AUTHORIZATION, bearer_header(token.expose(), "Entra ID")?);
                }
                Auth::Google(credentials) => {
                    let token = google::access_token(&self.context, credentials).await?;
                    wire.headers
                        .insert(AUTHORIZATION, bearer_header(&token, "Google")?);
                }
                Auth::Bedrock(profile_and_credentials) => {
                    let (profile, credentials) = profile_and_credentials.as_ref();
                    bedrock::sign_request(profile, credentials, &mut wire)?;
                }
            }
            Ok(wire)
        })
    }

    fn error_from_response(&self, status: u16, headers: &HeaderMap, body: &[u8]) -> ProviderError {
        if let (Auth::Entra(entra), 401) = (&self.auth, status) {
            entra.forget_token(&self.context);
        }
        self.wording.response_error(status, headers, body)
    }

    fn parse_stream(&self, body: BodyStream) -> ChatStream {
        sse::decode(sse::response_events(body), self.decoder())
    }
}

impl ChatCompletionsAdapter {
    fn decoder(&self) -> ChatCompletionsDecoder {
        ChatCompletionsDecoder {
            wording: self.wording.clone(),
        }
    }
}

/// What error messages need to know about the profile, shared by the adapter and its decoder.
#[derive(Clone)]
pub(crate) struct ErrorWording {
    variant: Variant,
    profile_name: String,
    /// The model, or the Azure deployment.
    target: String,
    /// The profile's region (the Vertex location), for wording "not offered here" errors.
    region: String,
    path: String,
    entra: bool,
}

impl ErrorWording {
    /// Wording for OpenAI's own API (the Responses adapter shares it).
    pub fn openai(profile_name: &str, model: &str) -> Self {
        Self {
            variant: Variant::OpenAi,
            profile_name: profile_name.to_owned(),
            target: model.to_owned(),
            region: String::new(),
            path: String::new(),
            entra: false,
        }
    }

    /// A typed error from a non-2xx answer.
    pub fn response_error(&self, status: u16, headers: &HeaderMap, body: &[u8]) -> ProviderError {
        if self.variant == Variant::Vertex {
            let target = VertexTarget {
                profile: &self.profile_name,
                model: &self.target,
                location: &self.region,
            };
            return vertex_error(status, headers, body, &target);
        }
        // AWS's front door (signature, key, throttling) answers in its own shape, named by header.
        if self.variant == Variant::Bedrock && headers.contains_key("x-amzn-errortype") {
            return bedrock::http_error(
                status,
                headers,
                body,
                &self.profile_name,
                &self.target,
                &self.region,
            );
        }
        let error = ApiError::from_body(body).unwrap_or_default();
        let said = if error.message.is_empty() {
            super::http_error::body_excerpt(body)
        } else {
            excerpt(&error.message)
        };
        let (kind, advice) = self.classify(Some(status), &error);
        let message = format!(
            "{} answered {status} ({said}). {advice}",
            self.variant.provider_name()
        );
        finish(ProviderError::new(kind, message), status, headers)
    }

    fn credential_advice(&self) -> String {
        match (self.variant, self.entra) {
            (_, true) => format!(
                "Check the profile's tenant_id and client_id, the client secret ({}), and that the \
                 service principal has the Cognitive Services OpenAI User role on the resource.",
                secret_command(&self.profile_name, CredentialField::EntraClientSecret)
            ),
            (Variant::Bedrock, false) => format!(
                "Check the Bedrock API key ({}) or the access keys ({} and {}).",
                secret_command(&self.profile_name, CredentialField::BedrockApiKey),
                secret_command(&self.profile_name, CredentialField::AwsAccessKeyId),
                secret_command(&self.profile_name, CredentialField::AwsSecretAccessKey),
            ),
            _ => format!(
                "Check the key: store the right one with {}.",
                secret_command(&self.profile_name, CredentialField::ApiKey)
            ),
        }
    }

    fn not_found_advice(&self, code: &str) -> String {
        match self.variant {
            Variant::Azure => format!(
                "The resource has no {}: use the deployment name (as listed in Azure AI Foundry), \
                 not the model name, and check the profile's base_url and api_version.",
                self.target
            ),
            _ if code == "model_not_found" => format!(
                "The model {} does not exist or this key may not use it: check the profile's model.",
                self.target
            ),
            Variant::Compatible => format!(
                "Nothing answers at {}: check base_url (it must include the /v1 part) and the model.",
                self.path
            ),
            _ => format!(
                "The model {} was not found: check the profile's model and region.",
                self.target
            ),
        }
    }

    /// Kind and advice for an error the provider reported, before the stream (`status`) or in it.
    fn classify(&self, status: Option<u16>, error: &ApiError) -> (ProviderErrorKind, String) {
        let code = error.code();
        let error_type = error.error_type.as_deref().unwrap_or_default();
        let inner_code = error
            .innererror
            .as_ref()
            .and_then(|i| i.get("code"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        let message = error.message.to_ascii_lowercase();
        if QUOTA_CODES.contains(&code) || QUOTA_CODES.contains(&error_type) {
            return (
                ProviderErrorKind::QuotaExceeded,
                "The account's quota or billing limit is used up; this is not retried. Check the \
                 account's billing and usage limits."
                    .to_owned(),
            );
        }
        if code == "content_filter" || inner_code == "ResponsibleAIPolicyViolation" {
            return (
                ProviderErrorKind::ContentFiltered,
                "The provider's content filter blocked the prompt. Rephrase or leave out the \
                 flagged passage; an admin can review the deployment's content-filter settings."
                    .to_owned(),
            );
        }
        if error.param.as_deref() == Some("store") || message.contains("data retention") {
            return (
                ProviderErrorKind::RetentionBlocked,
                "The organization's data-retention settings do not allow this request. Ask the \
                 provider account's admin, or use a profile whose account allows it."
                    .to_owned(),
            );
        }
        let kind = match status {
            Some(status) => kind_for_status(status),
            None => match (code, error_type) {
                ("rate_limit_exceeded", _) | (_, "rate_limit_exceeded") => {
                    ProviderErrorKind::RateLimited
                }
                (_, "invalid_request_error") => ProviderErrorKind::BadRequest,
                _ => ProviderErrorKind::Server,
            },
        };
        let advice = match kind {
            ProviderErrorKind::Authentication => self.credential_advice(),
            ProviderErrorKind::PermissionDenied => format!(
                "The credentials are valid but may not use {}. {}",
                self.target,
                self.credential_advice()
            ),
            ProviderErrorKind::NotFound => self.not_found_advice(code),
            other => generic_advice(other).to_owned(),
        };
        (kind, advice)
    }

    /// A typed error from an error reported inside a 2xx stream.
    pub fn stream_error(&self, error: &ApiError) -> ProviderError {
        let (kind, advice) = self.classify(None, error);
        ProviderError::new(
            kind,
            format!(
                "{} reported an error in the middle of the answer ({}). {advice}",
                self.variant.provider_name(),
                excerpt(&error.message)
            ),
        )
    }
}

#[derive(Clone)]
struct ChatCompletionsDecoder {
    wording: ErrorWording,
}

#[derive(Deserialize)]
struct Chunk {
    #[serde(default)]
    choices: Vec<Choice>,
    usage: Option<WireUsage>,
    error: Option<ApiError>,
    prompt_filter_results: Option<Value>,
    /// An older name for `prompt_filter_results` in some Azure samples.
    prompt_annotations: Option<Value>,
}

#[derive(Deserialize)]
struct Choice {
    delta: Option<Delta>,
    finish_reason: Option<String>,
    content_filter_results: Option<Value>,
}

#[derive(Deserialize)]
struct Delta {
    content: Option<String>,
    refusal: Option<String>,
}

#[derive(Deserialize)]
struct WireUsage {
    #[serde(default)]
    prompt_tokens: u64,
    #[serde(default)]
    completion_tokens: u64,
}

fn stop_reason(finish_reason: &str) -> StopReason {
    match finish_reason {
        "stop" => StopReason::Completed,
        "length" => StopReason::MaxTokens,
        "content_filter" => StopReason::ContentFilter,
        other => StopReason::Other(other.to_owned()),
    }
}

fn non_empty(value: &Option<Value>) -> Option<&Value> {
    value.as_ref().filter(|v| match v {
        Value::Null => false,
        Value::Object(map) => !map.is_empty(),
        Value::Array(list) => !list.is_empty(),
        _ => true,
    })
}

impl SseDecoder for ChatCompletionsDecoder {
    fn decode(&mut self, event: &Event, out: &mut Vec<StreamEvent>) -> Result<Flow, ProviderError> {
        let data = event.data.trim();
        if data == "[DONE]" {
            return Ok(Flow::Finished);
        }
        let chunk: Chunk = sse::parse_json(data, self.wording.variant.provider_name())?;
        if let Some(error) = chunk.error {
            return Err(self.wording.stream_error(&error));
        }
        for (key, value) in [
            ("prompt_filter_results", &chunk.prompt_filter_results),
            ("prompt_annotations", &chunk.prompt_annotations),
        ] {
            if let Some(value) = non_empty(value) {
                out.push(StreamEvent::Annotation {
                    value: json!({ key: value }),
                });
            }
        }
        for choice in chunk.choices {
            if let Some(delta) = choice.delta {
                for text in [delta.content, delta.refusal].into_iter().flatten() {
                    if !text.is_empty() {
                        out.push(StreamEvent::TextDelta { text });
                    }
                }
            }
            if let Some(results) = non_empty(&choice.content_filter_results) {
                out.push(StreamEvent::Annotation {
                    value: json!({ "content_filter_results": results }),
                });
            }
            if let Some(reason) = choice.finish_reason.as_deref().filter(|r| !r.is_empty()) {
                out.push(StreamEvent::Stop {
                    reason: stop_reason(reason),
                });
            }
        }
        if let Some(usage) = chunk.usage {
            out.push(StreamEvent::Usage {
                usage: Usage {
                    input_tokens: usage.prompt_tokens,
                    output_tokens: usage.completion_tokens,
                },
            });
        }
        Ok(Flow::Continue)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use reqwest::header::{CONTENT_TYPE, HeaderValue};

    use super::*;
    use crate::providers::sse::tests::{block_on, decode_all};
    use crate::providers::{Credential, Message};
    use crate::secrets::Secret;

    fn profile(kind: ProviderKind) -> ProviderProfile {
        let mut profile = ProviderProfile::new("work", kind).unwrap();
        profile.model = Some("gpt-4.1-mini".into());
        profile
    }

    fn api_key() -> Credentials {
        Credentials::default().with(CredentialField::ApiKey, Secret::new("mock-api-key"))
    }

    fn adapter(profile: &ProviderProfile, credentials: &Credentials) -> ChatCompletionsAdapter {
        let context = AdapterContext::new(reqwest::Client::new());
        ChatCompletionsAdapter::new(&context, profile, credentials).unwrap()
    }

    fn config_error(profile: &ProviderProfile, credentials: &Credentials) -> ProviderError {
        let context = AdapterContext::new(reqwest::Client::new());
        let Err(error) = ChatCompletionsAdapter::new(&context, profile, credentials) else {
            panic!("expected a configuration error");
        };
        assert_eq!(error.kind(), ProviderErrorKind::Configuration);
        error
    }

    fn request() -> ChatRequest {
        ChatRequest {
            system: Some("You draft letters.".into()),
            messages: vec![
                Message::user("Draft a reply."),
                Message::assistant("Dear client,"),
                Message::user("Shorter."),
            ],
            temperature: Some(0.2),
            max_tokens: Some(800),
            stop_sequences: vec!["END".into()],
        }
    }

    fn expected_messages() -> Value {
        json!([
            {"role": "system", "content": "You draft letters."},
            {"role": "user", "content": "Draft a reply."},
            {"role": "assistant", "content": "Dear client,"},
            {"role": "user", "content": "Shorter."}
        ])
    }

    fn prepared(adapter: &ChatCompletionsAdapter) -> WireRequest {
        block_on(adapter.prepare(&request())).unwrap()
    }

    fn body_of(wire: &WireRequest) -> Value {
        serde_json::from_slice(&wire.body).unwrap()
    }

    #[test]
    fn openai_request() {
        let wire = prepared(&adapter(&profile(ProviderKind::OpenAi), &api_key()));
        assert_eq!(
            wire.url.as_str(),
            "https://api.openai.com/v1/chat/completions"
        );
        assert_eq!(wire.headers[AUTHORIZATION], "Bearer mock-api-key");
        assert!(wire.headers[AUTHORIZATION].is_sensitive());
        assert_eq!(wire.headers[CONTENT_TYPE], "application/json");
        assert_eq!(
            body_of(&wire),
            json!({
                "model": "gpt-4.1-mini",
                "messages": expected_messages(),
                "temperature": 0.2,
                "max_completion_tokens": 800,
                "stop": ["END"],
                "stream": true,
                "stream_options": {"include_usage": true}
            })
        );
    }

    #[test]
    fn openai_base_url_override_and_minimal_request() {
        let mut profile = profile(ProviderKind::OpenAi);
        profile.base_url = Some("http://127.0.0.1:8080".into());
        let adapter = adapter(&profile, &api_key());
        let wire = block_on(adapter.prepare(&ChatRequest {
            messages: vec![Message::user("Hi")],
            ..ChatRequest::default()
        }))
        .unwrap();
        assert_eq!(
            wire.url.as_str(),
            "http://127.0.0.1:8080/v1/chat/completions"
        );
        assert_eq!(
            body_of(&wire),
            json!({
                "model": "gpt-4.1-mini",
                "messages": [{"role": "user", "content": "Hi"}],
                "stream": true,
                "stream_options": {"include_usage": true}
            })
        );
    }

    #[test]
    fn openai_without_key_says_how_to_store_it() {
        let error = config_error(&profile(ProviderKind::OpenAi), &Credentials::default());
        assert!(
            error
                .message()
                .contains("`casefile-admin secret set work api_key`"),
            "{error}"
        );
    }

    #[test]
    fn compatible_server_request() {
        let mut profile = profile(ProviderKind::OpenAiCompatible);
        profile.model = Some("llama3.1".into());
        profile.base_url = Some("http://localhost:11434/v1/".into());
        profile
            .extra_headers
            .insert("X-Team".into(), "immigration".into());
        profile
            .keychain_headers
            .insert("Ocp-Apim-Subscription-Key".into());
        let gateway_key = Credential::Header("Ocp-Apim-Subscription-Key".into());
        let missing = config_error(&profile, &Credentials::default());
        assert!(
            missing
                .message()
                .contains("`casefile-admin secret set work header:Ocp-Apim-Subscription-Key`"),
            "{missing}"
        );
        let keyed = Credentials::default().with(gateway_key.clone(), Secret::new("gateway-key"));
        let wire = prepared(&adapter(&profile, &keyed));
        assert_eq!(
            wire.url.as_str(),
            "http://localhost:11434/v1/chat/completions"
        );
        assert!(wire.headers.get(AUTHORIZATION).is_none());
        assert_eq!(wire.headers["x-team"], "immigration");
        assert_eq!(wire.headers["ocp-apim-subscription-key"], "gateway-key");
        assert!(wire.headers["ocp-apim-subscription-key"].is_sensitive());
        assert_eq!(
            body_of(&wire),
            json!({
                "model": "llama3.1",
                "messages": expected_messages(),
                "temperature": 0.2,
                "max_tokens": 800,
                "stop": ["END"],
                "stream": true,
                "stream_options": {"include_usage": true}
            })
        );
        let with_key = prepared(&adapter(
            &profile,
            &api_key().with(gateway_key, Secret::new("gateway-key")),
        ));
        assert_eq!(with_key.headers[AUTHORIZATION], "Bearer mock-api-key");

        profile.base_url = None;
        let error = config_error(&profile, &keyed);
        assert!(
            error.message().contains("base_url including /v1"),
            "{error}"
        );
    }

    fn azure(api_version: Option<&str>) -> ProviderProfile {
        let mut profile = profile(ProviderKind::AzureOpenAi);
        profile.model = None;
        profile.base_url = Some("https://contoso.openai.azure.com/".into());
        profile.deployment = Some("drafting".into());
        profile.api_version = api_version.map(str::to_owned);
        profile
    }

    #[test]
    fn azure_classic_request() {
        let wire = prepared(&adapter(&azure(Some("2024-10-21")), &api_key()));
        assert_eq!(
            wire.url.as_str(),
            "https://contoso.openai.azure.com/openai/deployments/drafting/chat/completions?api-version=2024-10-21"
        );
        assert_eq!(wire.headers["api-key"], "mock-api-key");
        assert!(wire.headers.get(AUTHORIZATION).is_none());
        assert_eq!(
            body_of(&wire),
            json!({
                "messages": expected_messages(),
                "temperature": 0.2,
                "max_completion_tokens": 800,
                "stop": ["END"],
                "stream": true,
                "stream_options": {"include_usage": true}
            })
        );
        // Versions before 2024-09-01-preview reject stream_options.
        let old = prepared(&adapter(&azure(Some("2024-06-01")), &api_key()));
        assert!(body_of(&old).get("stream_options").is_none());
    }

    #[test]
    fn azure_v1_request_sends_the_deployment_as_model() {
        let wire = prepared(&adapter(&azure(None), &api_key()));
        assert_eq!(
            wire.url.as_str(),
            "https://contoso.openai.azure.com/openai/v1/chat/completions"
        );
        let body = body_of(&wire);
        assert_eq!(body["model"], "drafting");
        assert_eq!(body["stream_options"], json!({"include_usage": true}));
    }

    #[test]
    fn azure_deployment_names_cannot_change_the_path() {
        let mut profile = azure(Some("2024-10-21"));
        profile.deployment = Some("a/../b?x".into());
        let wire = prepared(&adapter(&profile, &api_key()));
        assert_eq!(
            wire.url.path(),
            "/openai/deployments/a%2F..%2Fb%3Fx/chat/completions"
        );
    }

    #[test]
    fn azure_configuration_errors_name_the_fix() {
        let error = config_error(&azure(None), &Credentials::default());
        assert!(
            error.message().contains("secret set work api_key"),
            "{error}"
        );
        assert!(error.message().contains("entra_client_secret"), "{error}");
        let mut no_deployment = azure(None);
        no_deployment.deployment = None;
        let error = config_error(&no_deployment, &api_key());
        assert!(
            error
                .message()
                .contains("deployment name, not the model name"),
            "{error}"
        );
    }

    #[test]
    fn bedrock_and_vertex_urls() {
        let mut bedrock = profile(ProviderKind::BedrockOpenAi);
        bedrock.model = Some("openai.gpt-oss-120b-1:0".into());
        bedrock.region = Some("us-west-2".into());
        let bedrock_adapter = adapter(&bedrock, &Credentials::default());
        assert_eq!(
            bedrock_adapter.url.as_str(),
            "https://bedrock-runtime.us-west-2.amazonaws.com/openai/v1/chat/completions"
        );
        let body = bedrock_adapter.body(&request());
        assert_eq!(body["model"], "openai.gpt-oss-120b-1:0");
        assert_eq!(body["max_tokens"], 800);
        bedrock.base_url = Some("http://127.0.0.1:9000".into());
        assert_eq!(
            adapter(&bedrock, &Credentials::default()).url.as_str(),
            "http://127.0.0.1:9000/openai/v1/chat/completions"
        );

        let mut vertex = profile(ProviderKind::VertexOpenAi);
        vertex.model = Some("gemini-2.5-flash".into());
        vertex.project = Some("mock-project".into());
        vertex.region = Some("global".into());
        let vertex_adapter = adapter(&vertex, &Credentials::default());
        assert_eq!(
            vertex_adapter.url.as_str(),
            "https://aiplatform.googleapis.com/v1/projects/mock-project/locations/global/endpoints/openapi/chat/completions"
        );
        assert_eq!(
            vertex_adapter.body(&request())["model"],
            "google/gemini-2.5-flash"
        );
        vertex.region = Some("europe-west4".into());
        vertex.model = Some("openai/gpt-oss-120b-maas".into());
        let regional = adapter(&vertex, &Credentials::default());
        assert_eq!(
            regional.url.as_str(),
            "https://europe-west4-aiplatform.googleapis.com/v1/projects/mock-project/locations/europe-west4/endpoints/openapi/chat/completions"
        );
        assert_eq!(
            regional.body(&request())["model"],
            "openai/gpt-oss-120b-maas"
        );

        // Without a project the service account's own is used, so its key is needed to know it.
        vertex.project = None;
        let error = config_error(&vertex, &Credentials::default());
        assert!(error.message().contains("service_account_json"), "{error}");
    }

    #[test]
    fn temperature_is_clamped_and_sent_as_written() {
        let adapter = adapter(&profile(ProviderKind::OpenAi), &api_key());
        let with = |temperature| {
            adapter.body(&ChatRequest {
                temperature: Some(temperature),
                ..ChatRequest::default()
            })["temperature"]
                .clone()
        };
        assert_eq!(with(0.7), json!(0.7));
        assert_eq!(with(3.5), json!(2.0));
        assert_eq!(with(-1.0), json!(0.0));
        assert_eq!(with(f32::NAN), Value::Null);
    }

    fn openai_decoder() -> ChatCompletionsDecoder {
        adapter(&profile(ProviderKind::OpenAi), &api_key()).decoder()
    }

    fn text(text: &str) -> StreamEvent {
        StreamEvent::TextDelta { text: text.into() }
    }

    #[test]
    fn openai_stream_with_usage_chunk() {
        let body = br#"data: {"id":"chatcmpl-A1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-A1","choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-A1","choices":[{"index":0,"delta":{"content":" there"},"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-A1","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}

data: {"id":"chatcmpl-A1","choices":[],"usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29}}

data: [DONE]

"#;
        let events: Vec<_> = decode_all(body, openai_decoder())
            .into_iter()
            .map(Result::unwrap)
            .collect();
        assert_eq!(
            events,
            [
                text("Hello"),
                text(" there"),
                StreamEvent::Stop {
                    reason: StopReason::Completed
                },
                StreamEvent::Usage {
                    usage: Usage {
                        input_tokens: 19,
                        output_tokens: 10
                    }
                },
            ]
        );
    }

    #[test]
    fn azure_content_filter_chunks_become_annotations() {
        let body = b"data: {\"id\":\"\",\"object\":\"\",\"created\":0,\"model\":\"\",\"prompt_filter_results\":[{\"prompt_index\":0,\"content_filter_results\":{\"hate\":{\"filtered\":false,\"severity\":\"safe\"}}}],\"choices\":[],\"usage\":null}\r\n\r\n\
: keep-alive\r\n\r\n\
data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Biometrics\"},\"finish_reason\":null,\"content_filter_results\":{}}]}\r\n\r\n\
data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"finish_reason\":null,\"content_filter_results\":{\"violence\":{\"filtered\":false,\"severity\":\"safe\"}},\"content_filter_offsets\":{\"check_offset\":44,\"start_offset\":44,\"end_offset\":198}}]}\r\n\r\n\
data: {\"id\":\"\",\"prompt_annotations\":[{\"prompt_index\":0}],\"choices\":[]}\r\n\r\n\
data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"finish_reason\":\"content_filter\",\"content_filter_results\":{\"protected_material_text\":{\"detected\":true,\"filtered\":true}}}]}\r\n\r\n\
data: [DONE]\r\n\r\n";
        let events: Vec<_> = decode_all(body, openai_decoder())
            .into_iter()
            .map(Result::unwrap)
            .collect();
        assert_eq!(
            events,
            [
                StreamEvent::Annotation {
                    value: json!({"prompt_filter_results": [{"prompt_index": 0, "content_filter_results": {"hate": {"filtered": false, "severity": "safe"}}}]})
                },
                text("Biometrics"),
                StreamEvent::Annotation {
                    value: json!({"content_filter_results": {"violence": {"filtered": false, "severity": "safe"}}})
                },
                StreamEvent::Annotation {
                    value: json!({"prompt_annotations": [{"prompt_index": 0}]})
                },
                StreamEvent::Annotation {
                    value: json!({"content_filter_results": {"protected_material_text": {"detected": true, "filtered": true}}})
                },
                StreamEvent::Stop {
                    reason: StopReason::ContentFilter
                },
            ]
        );
    }

    #[test]
    fn error_in_the_stream_is_typed_and_ends_it() {
        let body = br#"data: {"choices":[{"index":0,"delta":{"content":"Bio"}}]}

data: {"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}}

data: {"choices":[{"index":0,"delta":{"content":"never"}}]}

"#;
        let items = decode_all(body, openai_decoder());
        assert_eq!(items.len(), 2);
        assert_eq!(items[0], Ok(text("Bio")));
        let error = items[1].clone().unwrap_err();
        assert_eq!(error.kind(), ProviderErrorKind::Server);
        assert!(
            error.message().contains("The server had an error"),
            "{error}"
        );

        let rate = decode_all(
            br#"data: {"error":{"message":"slow down","type":"requests","code":"rate_limit_exceeded"}}

"#,
            openai_decoder(),
        );
        assert_eq!(
            rate[0].clone().unwrap_err().kind(),
            ProviderErrorKind::RateLimited
        );
    }

    #[test]
    fn malformed_json_is_a_protocol_error() {
        let items = decode_all(
            b"data: {\"choices\":[{\"delta\":{\"content\":\"ok\"}}]}\n\ndata: {\"choices\": [\n\n",
            openai_decoder(),
        );
        assert_eq!(items[0], Ok(text("ok")));
        assert_eq!(
            items[1].clone().unwrap_err().kind(),
            ProviderErrorKind::Protocol
        );
    }

    #[test]
    fn stream_without_done_is_cut_off() {
        let items = decode_all(
            b"data: {\"choices\":[{\"delta\":{\"content\":\"Bio\"}}]}\n\n",
            openai_decoder(),
        );
        let error = items[1].clone().unwrap_err();
        assert!(error.message().contains("cut off"), "{error}");
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    fn error_for(adapter: &ChatCompletionsAdapter, status: u16, body: &str) -> ProviderError {
        let error = adapter.error_from_response(status, &HeaderMap::new(), body.as_bytes());
        assert_eq!(error.status(), Some(status));
        error
    }

    #[test]
    fn openai_error_mapping() {
        let openai = adapter(&profile(ProviderKind::OpenAi), &api_key());
        let unauthorized = error_for(
            &openai,
            401,
            r#"{"error":{"message":"Incorrect API key provided: sk-abc***xyz.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#,
        );
        assert_eq!(unauthorized.kind(), ProviderErrorKind::Authentication);
        assert!(
            unauthorized
                .message()
                .contains("`casefile-admin secret set work api_key`"),
            "{unauthorized}"
        );
        assert!(
            unauthorized.message().contains("Incorrect API key"),
            "{unauthorized}"
        );

        let quota = error_for(
            &openai,
            429,
            r#"{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}"#,
        );
        assert_eq!(quota.kind(), ProviderErrorKind::QuotaExceeded);
        assert!(quota.message().contains("not retried"), "{quota}");
        assert!(quota.message().contains("billing"), "{quota}");

        let limited = openai.error_from_response(
            429,
            &headers(&[("retry-after-ms", "50"), ("retry-after", "1")]),
            br#"{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}"#,
        );
        assert_eq!(limited.kind(), ProviderErrorKind::RateLimited);
        assert_eq!(limited.retry_after(), Some(Duration::from_millis(50)));

        let retention = error_for(
            &openai,
            400,
            r#"{"error":{"message":"Previous response cannot be used for this organization due to Zero Data Retention.","type":"invalid_request_error","param":"store","code":null}}"#,
        );
        assert_eq!(retention.kind(), ProviderErrorKind::RetentionBlocked);

        let missing_model = error_for(
            &openai,
            404,
            r#"{"error":{"message":"The model `gpt-9` does not exist or you do not have access to it.","type":"invalid_request_error","param":null,"code":"model_not_found"}}"#,
        );
        assert_eq!(missing_model.kind(), ProviderErrorKind::NotFound);
        assert!(
            missing_model
                .message()
                .contains("check the profile's model"),
            "{missing_model}"
        );

        assert_eq!(
            error_for(&openai, 500, "upstream connect error").kind(),
            ProviderErrorKind::Server
        );
        let overloaded = error_for(&openai, 503, "<html><body>busy</body></html>");
        assert_eq!(overloaded.kind(), ProviderErrorKind::Overloaded);
        assert!(
            overloaded.message().contains("<html><body>busy"),
            "{overloaded}"
        );
    }

    #[test]
    fn azure_error_mapping() {
        let azure = adapter(&azure(Some("2024-10-21")), &api_key());
        let missing = error_for(
            &azure,
            404,
            r#"{"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist."}}"#,
        );
        assert_eq!(missing.kind(), ProviderErrorKind::NotFound);
        assert!(
            missing.message().contains(
                "use the deployment name (as listed in Azure AI Foundry), not the model name"
            ),
            "{missing}"
        );
        assert!(
            missing.message().contains("deployment drafting"),
            "{missing}"
        );

        let filtered = error_for(
            &azure,
            400,
            r#"{"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's content management policy.","type":null,"param":"prompt","code":"content_filter","status":400,"innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_results":{}}}}"#,
        );
        assert_eq!(filtered.kind(), ProviderErrorKind::ContentFiltered);

        let throttled = azure.error_from_response(
            429,
            &headers(&[("retry-after", "6")]),
            br#"{"error":{"code":"429","message":"Requests to the ChatCompletions_Create Operation have exceeded token rate limit. Please retry after 6 seconds."}}"#,
        );
        assert_eq!(throttled.kind(), ProviderErrorKind::RateLimited);
        assert_eq!(throttled.retry_after(), Some(Duration::from_secs(6)));

        let numeric_code = error_for(&azure, 500, r#"{"error":{"code":500,"message":"boom"}}"#);
        assert_eq!(numeric_code.kind(), ProviderErrorKind::Server);
        assert!(numeric_code.message().contains("boom"), "{numeric_code}");

        let quota = error_for(
            &azure,
            429,
            r#"{"error":{"code":"insufficient_quota","message":"quota"}}"#,
        );
        assert_eq!(quota.kind(), ProviderErrorKind::QuotaExceeded);
    }

    #[test]
    fn entra_refusal_points_at_the_service_principal() {
        let mut profile = azure(None);
        profile.tenant_id = Some("mock-tenant".into());
        profile.client_id = Some("mock-client".into());
        let credentials = Credentials::default().with(
            CredentialField::EntraClientSecret,
            Secret::new("mock-entra-secret"),
        );
        let entra = adapter(&profile, &credentials);
        let error = error_for(
            &entra,
            401,
            r#"{"error":{"code":"401","message":"Access denied due to invalid subscription key or wrong API endpoint."}}"#,
        );
        assert_eq!(error.kind(), ProviderErrorKind::Authentication);
        assert!(
            error.message().contains("Cognitive Services OpenAI User"),
            "{error}"
        );
        assert!(!error.message().contains("mock-entra-secret"), "{error}");
    }

    #[test]
    fn compatible_404_points_at_base_url_and_vertex_uses_googles_shape() {
        let mut compatible = profile(ProviderKind::OpenAiCompatible);
        compatible.base_url = Some("http://localhost:11434".into());
        let error = error_for(&adapter(&compatible, &api_key()), 404, "404 page not found");
        assert_eq!(error.kind(), ProviderErrorKind::NotFound);
        assert!(
            error.message().contains("must include the /v1 part"),
            "{error}"
        );

        let mut vertex = profile(ProviderKind::VertexOpenAi);
        vertex.project = Some("p".into());
        vertex.region = Some("global".into());
        let error = error_for(
            &adapter(&vertex, &Credentials::default()),
            403,
            r#"[{"error":{"code":403,"message":"Permission denied on resource project p.","status":"PERMISSION_DENIED"}}]"#,
        );
        assert_eq!(error.kind(), ProviderErrorKind::PermissionDenied);
        assert!(error.message().contains("Vertex AI User"), "{error}");
    }
}
