//! Azure OpenAI: classic deployments route (api-version required), v1 routes, Entra token endpoint.

use std::collections::HashMap;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::json;

use super::openai::{self, Api, Flavor};
use super::scenario::Scenario;
use super::{AppState, creds};

const ENTRA_SCOPE: &str = "https://cognitiveservices.azure.com/.default";

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/openai/deployments/{deployment}/chat/completions",
            post(classic_chat),
        )
        .route("/openai/v1/chat/completions", post(v1_chat))
        .route("/openai/v1/responses", post(v1_responses))
        .route("/{tenant}/oauth2/v2.0/token", post(entra_token))
}

async fn classic_chat(
    State(shared): State<AppState>,
    Path(deployment): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    // Azure routes by api-version before it looks at credentials.
    if !query.get("api-version").is_some_and(|v| is_api_version(v)) {
        return error(StatusCode::NOT_FOUND, "404", "Resource not found");
    }
    if let Err(refusal) = check_auth(&headers, Route::Classic) {
        return refusal;
    }
    openai::chat_completions(&shared, Flavor::Azure, Some(&deployment), &body)
}

async fn v1_chat(State(shared): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(refusal) = check_auth(&headers, Route::V1) {
        return refusal;
    }
    openai::chat_completions(&shared, Flavor::Azure, None, &body)
}

async fn v1_responses(State(shared): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(refusal) = check_auth(&headers, Route::V1) {
        return refusal;
    }
    openai::responses(&shared, Flavor::Azure, &body)
}

/// Dated GA or preview versions ("2024-10-21", "2025-04-01-preview").
fn is_api_version(value: &str) -> bool {
    let date = value.strip_suffix("-preview").unwrap_or(value);
    let bytes = date.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Route {
    Classic,
    /// Also takes the key as `Authorization: Bearer`, as the docs' `OpenAI(api_key=…)` client sends it.
    V1,
}

fn check_auth(headers: &HeaderMap, route: Route) -> Result<(), Response> {
    if let Some(key) = headers.get("api-key") {
        if key.as_bytes() == creds::API_KEY.as_bytes() {
            return Ok(());
        }
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "401",
            "Access denied due to invalid subscription key or wrong API endpoint. Make sure to \
             provide a valid key for an active subscription and use a correct regional API \
             endpoint for your resource.",
        ));
    }
    match openai::bearer(headers) {
        Some(creds::ENTRA_ACCESS_TOKEN) => Ok(()),
        Some(creds::API_KEY) if route == Route::V1 => Ok(()),
        Some(_) => Err(error(
            StatusCode::UNAUTHORIZED,
            "401",
            "Unauthorized. Access token is missing, invalid, audience is incorrect \
             (https://cognitiveservices.azure.com), or have expired.",
        )),
        None => Err(error(
            StatusCode::UNAUTHORIZED,
            "401",
            "Access denied due to missing subscription key. Make sure to include subscription key \
             when making requests to an API.",
        )),
    }
}

/// Azure's own error envelope (`code` is a string, there is no `type`).
fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        axum::Json(json!({"error": {"code": code, "message": message}})),
    )
        .into_response()
}

/// Azure's answers for the scenarios that fail before streaming.
pub(crate) fn scenario_error(scenario: Scenario, api: Api) -> Option<Response> {
    let operation = match api {
        Api::Chat => "ChatCompletions_Create",
        Api::Responses => "Responses_Create",
    };
    let response = match scenario {
        Scenario::RateLimited | Scenario::RateLimitedOnce => {
            let mut response = error(
                StatusCode::TOO_MANY_REQUESTS,
                "429",
                &format!(
                    "Requests to the {operation} Operation under Azure OpenAI API version \
                     2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing \
                     tier. Please retry after 1 second. Please go here: \
                     https://aka.ms/oai/quotaincrease if you would like to further increase the \
                     default rate limit."
                ),
            );
            openai::add_retry_hints(response.headers_mut());
            response
        }
        Scenario::Quota => openai::error(
            StatusCode::TOO_MANY_REQUESTS,
            "You exceeded your current quota, please check your plan and billing details.",
            "insufficient_quota",
            None,
            Some("insufficient_quota"),
        ),
        Scenario::ServerError => openai::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The server had an error processing your request. Sorry about that! You can retry your \
             request, or contact us through an Azure support request at: https://go.microsoft.com/fwlink/?linkid=2213926",
            "server_error",
            None,
            None,
        ),
        Scenario::Overloaded => error(
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailable",
            "The service is temporarily unable to process your request. Please try again later.",
        ),
        Scenario::NotFound => error(
            StatusCode::NOT_FOUND,
            "DeploymentNotFound",
            "The API deployment for this resource does not exist. If you created the deployment \
             within the last 5 minutes, please wait a moment and try again.",
        ),
        Scenario::PromptFilter => {
            let filtered = json!({
                "hate": {"filtered": false, "severity": "safe"},
                "jailbreak": {"filtered": true, "detected": true},
                "self_harm": {"filtered": false, "severity": "safe"},
                "sexual": {"filtered": false, "severity": "safe"},
                "violence": {"filtered": false, "severity": "safe"}
            });
            (
                StatusCode::BAD_REQUEST,
                axum::Json(json!({"error": {
                    "message": "The response was filtered due to the prompt triggering Azure \
                                OpenAI's content management policy. Please modify your prompt and \
                                retry. To learn more about our content filtering policies please \
                                read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766",
                    "type": null,
                    "param": "prompt",
                    "code": "content_filter",
                    "status": 400,
                    "innererror": {
                        "code": "ResponsibleAIPolicyViolation",
                        "content_filter_result": filtered
                    }
                }})),
            )
                .into_response()
        }
        Scenario::BadCrc | Scenario::OnDemand | Scenario::Retention => {
            openai::unsupported(scenario)
        }
        _ => return None,
    };
    Some(response)
}

/// Microsoft identity platform client-credentials grant.
async fn entra_token(Path(tenant): Path<String>, body: Bytes) -> Response {
    let form: HashMap<String, String> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let field = |name: &str| form.get(name).map(String::as_str);
    if tenant != creds::ENTRA_TENANT {
        return entra_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            90002,
            &format!(
                "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID."
            ),
        );
    }
    if field("grant_type") != Some("client_credentials") {
        return entra_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            70003,
            "The app requested an unsupported grant type.",
        );
    }
    if field("client_id") != Some(creds::ENTRA_CLIENT_ID) {
        return entra_error(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            700016,
            &format!(
                "Application with identifier '{}' was not found in the directory '{tenant}'.",
                field("client_id").unwrap_or_default()
            ),
        );
    }
    if field("client_secret") != Some(creds::ENTRA_CLIENT_SECRET) {
        return entra_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            7000215,
            "Invalid client secret provided. Ensure the secret being sent in the request is the \
             client secret value, not the client secret ID.",
        );
    }
    if field("scope") != Some(ENTRA_SCOPE) {
        return entra_error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            70011,
            &format!(
                "The provided request must include a 'scope' input parameter. The provided value \
                 for the input parameter 'scope' is not valid: {:?}.",
                field("scope").unwrap_or_default()
            ),
        );
    }
    axum::Json(json!({
        "token_type": "Bearer",
        "expires_in": 3599,
        "ext_expires_in": 3599,
        "access_token": creds::ENTRA_ACCESS_TOKEN
    }))
    .into_response()
}

/// The identity platform's OAuth error body (AADSTS codes).
fn entra_error(status: StatusCode, error: &str, code: u32, description: &str) -> Response {
    (
        status,
        axum::Json(json!({
            "error": error,
            "error_description": format!("AADSTS{code}: {description} Trace ID: mock Correlation ID: mock Timestamp: 2026-01-01 00:00:00Z"),
            "error_codes": [code],
            "timestamp": "2026-01-01 00:00:00Z",
            "trace_id": "00000000-0000-0000-0000-000000000000",
            "correlation_id": "00000000-0000-0000-0000-000000000000",
            "error_uri": format!("https://login.microsoftonline.com/error?code={code}")
        })),
    )
        .into_response()
}
