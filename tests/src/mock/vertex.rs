//! Vertex AI: Gemini (`:streamGenerateContent?alt=sse`), Claude (`:streamRawPredict`), the
//! OpenAI-compatible openapi endpoint and the Google JWT-bearer token exchange.

use std::collections::HashMap;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::{Value, json};

use super::openai::{self, Flavor};
use super::scenario::Scenario;
use super::stream::{EVENT_STREAM, Script};
use super::{AppState, INPUT_TOKENS, Shared, anthropic, creds, parse_json};

const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const CLOUD_PLATFORM_SCOPE: &str = "https://www.googleapis.com/auth/cloud-platform";
/// Claude on Vertex takes the API version in the body: the documented Vertex one, or the one the
/// current anthropic SDK sends.
const CLAUDE_VERSIONS: [&str; 2] = ["vertex-2023-10-16", anthropic::SDK_API_VERSION];
/// Google's token endpoint: google-auth always puts it in `aud`, whatever the key file's token_uri.
const GOOGLE_TOKEN_URL: &str = "https://oauth2.googleapis.com/token";

pub(crate) fn routes() -> Router<AppState> {
    // Vertex serves v1 and v1beta1 alike; google-genai uses v1beta1 by default.
    let mut router = Router::new().route("/token", post(token));
    for version in ["v1", "v1beta1"] {
        router = router
            .route(
                &format!("/{version}/projects/{{project}}/locations/{{location}}/publishers/{{publisher}}/models/{{model_and_method}}"),
                post(publisher_model),
            )
            .route(
                &format!("/{version}/projects/{{project}}/locations/{{location}}/endpoints/openapi/chat/completions"),
                post(openapi_chat),
            );
    }
    router
}

/// Google's error envelope; `status` is the canonical name of the HTTP code.
pub(crate) fn google_error(status: StatusCode, message: &str) -> Response {
    let name = match status.as_u16() {
        400 => "INVALID_ARGUMENT",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        429 => "RESOURCE_EXHAUSTED",
        503 => "UNAVAILABLE",
        _ => "INTERNAL",
    };
    (
        status,
        axum::Json(json!({"error": {"code": status.as_u16(), "message": message, "status": name}})),
    )
        .into_response()
}

/// Bearer token issued by `/token`, and a project the fake service account may use.
fn check_access(headers: &HeaderMap, project: &str, location: &str) -> Result<(), Response> {
    match openai::bearer(headers) {
        Some(creds::GOOGLE_ACCESS_TOKEN) => {}
        Some(_) => {
            return Err(google_error(
                StatusCode::UNAUTHORIZED,
                "Request had invalid authentication credentials. Expected OAuth 2 access token, \
                 login cookie or other valid authentication credential. See \
                 https://developers.google.com/identity/sign-in/web/devconsole-project.",
            ));
        }
        None => {
            return Err(google_error(
                StatusCode::UNAUTHORIZED,
                "Request is missing required authentication credential. Expected OAuth 2 access \
                 token, login cookie or other valid authentication credential. See \
                 https://developers.google.com/identity/sign-in/web/devconsole-project.",
            ));
        }
    }
    if project != creds::GCP_PROJECT {
        return Err(google_error(
            StatusCode::FORBIDDEN,
            &format!(
                "Permission 'aiplatform.endpoints.predict' denied on resource \
                 '//aiplatform.googleapis.com/projects/{project}/locations/{location}' (or it may \
                 not exist)."
            ),
        ));
    }
    Ok(())
}

async fn publisher_model(
    State(shared): State<AppState>,
    Path((project, location, publisher, model_and_method)): Path<(String, String, String, String)>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(refusal) = check_access(&headers, &project, &location) {
        return refusal;
    }
    let Some((model, method)) = model_and_method.rsplit_once(':') else {
        return google_error(StatusCode::NOT_FOUND, "Requested entity was not found.");
    };
    let model_path =
        format!("projects/{project}/locations/{location}/publishers/{publisher}/models/{model}");
    let Some(request) = parse_json(&body) else {
        return google_error(
            StatusCode::BAD_REQUEST,
            "Invalid JSON payload received. Unexpected token.",
        );
    };
    match (publisher.as_str(), method) {
        ("google", "streamGenerateContent" | "generateContent") => {
            let sse = query.get("alt").map(String::as_str) == Some("sse");
            gemini(&shared, model, &model_path, method, sse, &request)
        }
        ("anthropic", "streamRawPredict" | "rawPredict") => {
            if !request["anthropic_version"]
                .as_str()
                .is_some_and(|v| CLAUDE_VERSIONS.contains(&v))
            {
                return anthropic::invalid_request(&format!(
                    "anthropic_version: Input should be '{}'",
                    CLAUDE_VERSIONS[0]
                ));
            }
            anthropic::messages(&shared, model, &request)
        }
        _ => google_error(
            StatusCode::NOT_FOUND,
            &format!(
                "Publisher Model `{model_path}` was not found or your project does not have access to it."
            ),
        ),
    }
}

async fn openapi_chat(
    State(shared): State<AppState>,
    Path((project, location)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(refusal) = check_access(&headers, &project, &location) {
        return refusal;
    }
    openai::chat_completions(&shared, Flavor::Vertex, None, &body)
}

/// The openapi endpoint needs "publisher/model" ("google/gemini-2.5-flash", "openai/gpt-oss-120b-maas").
pub(crate) fn check_openapi_model(model: &str) -> Option<Response> {
    match model.split_once('/') {
        Some((publisher, name)) if !publisher.is_empty() && !name.is_empty() => None,
        _ => Some(google_error(
            StatusCode::BAD_REQUEST,
            &format!(
                "Invalid model name {model:?}: use the format <publisher>/<model>, e.g. \
                 google/gemini-2.5-flash."
            ),
        )),
    }
}

/// Vertex's answers for the scenarios that fail before streaming.
pub(crate) fn scenario_error(scenario: Scenario, model_path: &str) -> Option<Response> {
    let response = match scenario {
        Scenario::RateLimited | Scenario::RateLimitedOnce => google_error(
            StatusCode::TOO_MANY_REQUESTS,
            "Resource exhausted. Please try again later. Please refer to \
             https://cloud.google.com/vertex-ai/generative-ai/docs/error-code-429 for more details.",
        ),
        Scenario::ServerError => google_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal error encountered.",
        ),
        Scenario::Overloaded => google_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "The model is overloaded. Please try again later.",
        ),
        Scenario::NotFound => google_error(
            StatusCode::NOT_FOUND,
            &format!(
                "Publisher Model `{model_path}` was not found or your project does not have access \
                 to it. Please ensure you are using a valid model version. For more information, \
                 see: https://cloud.google.com/vertex-ai/generative-ai/docs/learn/model-versions"
            ),
        ),
        Scenario::Quota
        | Scenario::BadCrc
        | Scenario::PromptFilter
        | Scenario::OnDemand
        | Scenario::Retention => google_error(
            StatusCode::BAD_REQUEST,
            &format!(
                "mock: scenario '{}' does not exist for this protocol",
                scenario.word()
            ),
        ),
        _ => return None,
    };
    Some(response)
}

fn gemini(
    shared: &Shared,
    model: &str,
    model_path: &str,
    method: &str,
    sse: bool,
    request: &Value,
) -> Response {
    if request["contents"]
        .as_array()
        .is_none_or(|contents| contents.is_empty())
    {
        return google_error(
            StatusCode::BAD_REQUEST,
            "Unable to submit request because it has an empty contents field. Add at least one \
             content and try again.",
        );
    }
    let scenario = shared.scenario(model);
    if let Some(response) = scenario_error(scenario, model_path) {
        return response;
    }
    let chunks = gemini_chunks(model, scenario);
    if method == "generateContent" {
        return axum::Json(merge_chunks(&chunks)).into_response();
    }
    if !sse {
        // Without alt=sse, streamGenerateContent answers one JSON array.
        return axum::Json(Value::Array(chunks)).into_response();
    }
    // No SSE comment lines here: Vertex sends none, and google-genai would fail on one (it reads
    // every line that is not "data: …" as raw JSON).
    let mut script = Script::default();
    for chunk in &chunks {
        script.data(chunk);
    }
    match scenario {
        Scenario::MidstreamError => script.data(&json!({"error": {
            "code": 503, "message": "The model is overloaded. Please try again later.", "status": "UNAVAILABLE"
        }})),
        Scenario::Drop => script.cut(),
        Scenario::Malformed => {
            script.push("data: {\"candidates\": [{\"content\": {\"role\": \"model\", \"parts\": [{\"text\": \n\n");
            script.data(&final_chunk(model, scenario, None));
        }
        _ => {}
    }
    script.into_response(EVENT_STREAM, scenario.pace(), &shared.abandoned)
}

fn gemini_usage(scenario: Scenario) -> Value {
    let output = scenario.output_tokens();
    json!({
        "promptTokenCount": INPUT_TOKENS,
        "candidatesTokenCount": output,
        "totalTokenCount": INPUT_TOKENS + output,
        "trafficType": "ON_DEMAND",
        "promptTokensDetails": [{"modality": "TEXT", "tokenCount": INPUT_TOKENS}],
        "candidatesTokensDetails": [{"modality": "TEXT", "tokenCount": output}]
    })
}

fn gemini_chunk(model: &str, candidate: Value, usage: Value) -> Value {
    json!({
        "candidates": [candidate],
        "usageMetadata": usage,
        "modelVersion": model,
        "createTime": "2026-01-01T00:00:00.000000Z",
        "responseId": "mock-response"
    })
}

/// The chunk that ends a stream: finishReason and the full usage.
fn final_chunk(model: &str, scenario: Scenario, text: Option<&str>) -> Value {
    let mut candidate = match text {
        Some(text) => json!({"content": {"role": "model", "parts": [{"text": text}]}}),
        None => json!({"content": {"role": "model", "parts": []}}),
    };
    if scenario == Scenario::ContentFilter {
        candidate["finishReason"] = json!("SAFETY");
        candidate["safetyRatings"] = json!([{
            "category": "HARM_CATEGORY_DANGEROUS_CONTENT", "probability": "HIGH",
            "probabilityScore": 0.9, "severity": "HARM_SEVERITY_HIGH", "severityScore": 0.9,
            "blocked": true
        }]);
    } else {
        candidate["finishReason"] = json!("STOP");
    }
    gemini_chunk(model, candidate, gemini_usage(scenario))
}

/// The streamed chunks; streams that fail or stop early carry only their text chunks.
fn gemini_chunks(model: &str, scenario: Scenario) -> Vec<Value> {
    let texts = scenario.text_chunks();
    let text_chunk = |text: &str| {
        gemini_chunk(
            model,
            json!({"content": {"role": "model", "parts": [{"text": text}]}}),
            json!({"trafficType": "ON_DEMAND"}),
        )
    };
    match scenario {
        Scenario::MidstreamError | Scenario::Drop | Scenario::Malformed => {
            texts.iter().map(|t| text_chunk(t)).collect()
        }
        Scenario::ContentFilter => {
            let mut chunks: Vec<Value> = texts.iter().map(|t| text_chunk(t)).collect();
            chunks.push(final_chunk(model, scenario, None));
            chunks
        }
        _ => {
            let (last, rest) = texts.split_last().expect("a stream has text");
            let mut chunks: Vec<Value> = rest.iter().map(|t| text_chunk(t)).collect();
            // The last text arrives together with finishReason, as Vertex sends it.
            chunks.push(final_chunk(model, scenario, Some(last)));
            chunks
        }
    }
}

/// The non-streaming answer: all text in one candidate.
fn merge_chunks(chunks: &[Value]) -> Value {
    let text: String = chunks
        .iter()
        .flat_map(|chunk| {
            chunk["candidates"][0]["content"]["parts"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|part| part["text"].as_str().map(str::to_owned))
        .collect();
    let mut merged = chunks.last().cloned().unwrap_or_default();
    merged["candidates"][0]["content"]["parts"] = json!([{"text": text}]);
    merged
}

#[derive(Deserialize)]
struct AssertionClaims {
    exp: u64,
    iat: u64,
    #[serde(default)]
    scope: String,
}

/// Google's OAuth 2.0 token endpoint for service accounts (JWT-bearer grant).
async fn token(State(shared): State<AppState>, body: Bytes) -> Response {
    let form: HashMap<String, String> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let grant_type = form
        .get("grant_type")
        .map(String::as_str)
        .unwrap_or_default();
    if grant_type != JWT_BEARER {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            &format!("Invalid grant_type: {grant_type}"),
        );
    }
    let Some(assertion) = form.get("assertion") else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Missing required parameter: assertion",
        );
    };
    let token_url = format!("{}/token", shared.base_url());
    let claims = match verify_assertion(assertion, &token_url) {
        Ok(claims) => claims,
        Err(refusal) => return refusal,
    };
    if claims.exp.saturating_sub(claims.iat) > 3600 {
        return invalid_jwt_time();
    }
    if !claims.scope.split(' ').any(|s| s == CLOUD_PLATFORM_SCOPE) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            "Invalid OAuth scope or ID token audience provided.",
        );
    }
    axum::Json(json!({
        "access_token": creds::GOOGLE_ACCESS_TOKEN,
        "expires_in": 3599,
        "token_type": "Bearer"
    }))
    .into_response()
}

/// RS256 signature by the fixture key, audience = this token URL (or Google's own, which is what
/// the real endpoint accepts), issuer = the fixture account.
fn verify_assertion(assertion: &str, token_url: &str) -> Result<AssertionClaims, Response> {
    let key = DecodingKey::from_rsa_pem(creds::SERVICE_ACCOUNT_PUBLIC_KEY.as_bytes())
        .expect("the fixture public key is a valid RSA PEM");
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[token_url, GOOGLE_TOKEN_URL]);
    validation.set_issuer(&[creds::SERVICE_ACCOUNT_EMAIL]);
    validation.set_required_spec_claims(&["exp", "iat", "iss", "aud"]);
    validation.leeway = 0;
    match jsonwebtoken::decode::<AssertionClaims>(assertion, &key, &validation) {
        Ok(data) => Ok(data.claims),
        Err(e) => Err(match e.kind() {
            ErrorKind::ExpiredSignature | ErrorKind::ImmatureSignature => invalid_jwt_time(),
            ErrorKind::InvalidAudience => oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                "Invalid JWT: Failed audience check.",
            ),
            ErrorKind::InvalidIssuer => oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                "Invalid grant: account not found",
            ),
            ErrorKind::InvalidSignature | ErrorKind::InvalidAlgorithm => oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                "Invalid JWT Signature.",
            ),
            _ => oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                &format!("Invalid JWT: {e}"),
            ),
        }),
    }
}

fn invalid_jwt_time() -> Response {
    oauth_error(
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable \
         timeframe. Check your iat and exp values in the JWT claim.",
    )
}

/// Google OAuth errors are flat: {"error", "error_description"}.
fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        axum::Json(json!({"error": error, "error_description": description})),
    )
        .into_response()
}
