//! Anthropic Messages API (`/v1/messages`); the same stream serves Claude on Vertex.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

use super::scenario::Scenario;
use super::stream::{EVENT_STREAM, Script};
use super::{AppState, INPUT_TOKENS, Shared, creds, openai, parse_json};

/// The documented version, and the one anthropic-sdk-python 2.x sends (in the header, and as
/// `anthropic_version` in Vertex bodies).
pub(crate) const API_VERSIONS: [&str; 2] = ["2023-06-01", SDK_API_VERSION];
pub(crate) const SDK_API_VERSION: &str = "2026-10-21";

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/v1/messages", post(messages_route))
}

async fn messages_route(
    State(shared): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    // The SDK (anthropic 2.x) sends the API key as a Bearer token; older clients use x-api-key.
    let key = headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .or_else(|| openai::bearer(&headers));
    match key {
        Some(creds::API_KEY) => {}
        Some(_) => {
            return error(
                StatusCode::UNAUTHORIZED,
                "authentication_error",
                "invalid x-api-key",
            );
        }
        None => {
            return error(
                StatusCode::UNAUTHORIZED,
                "authentication_error",
                "x-api-key header is required",
            );
        }
    }
    match headers
        .get("anthropic-version")
        .and_then(|v| v.to_str().ok())
    {
        Some(version) if API_VERSIONS.contains(&version) => {}
        Some(other) => {
            return invalid_request(&format!("anthropic-version: invalid version {other:?}"));
        }
        None => return invalid_request("anthropic-version: header is required"),
    }
    let Some(request) = parse_json(&body) else {
        return invalid_request("There was an error parsing the body of your request.");
    };
    let Some(model) = request["model"].as_str() else {
        return invalid_request("model: Field required");
    };
    messages(&shared, model, &request)
}

/// Validates the body and answers; `model` comes from the body or (Vertex) the URL.
pub(crate) fn messages(shared: &Shared, model: &str, request: &Value) -> Response {
    if !request["max_tokens"].is_u64() {
        return invalid_request("max_tokens: Field required");
    }
    if !request["messages"].is_array() {
        return invalid_request("messages: Field required");
    }
    let scenario = shared.scenario(model);
    if let Some(response) = scenario_error(scenario, model) {
        return response;
    }
    if request["stream"] != json!(true) {
        return axum::Json(message_object(model, scenario)).into_response();
    }
    stream(model, scenario).into_response(EVENT_STREAM, scenario.pace(), &shared.abandoned)
}

/// Anthropic's error envelope.
pub(crate) fn error(status: StatusCode, kind: &str, message: &str) -> Response {
    let body = json!({
        "type": "error",
        "error": {"type": kind, "message": message},
        "request_id": "req_mock"
    });
    let mut response = (status, axum::Json(body)).into_response();
    response
        .headers_mut()
        .insert("request-id", HeaderValue::from_static("req_mock"));
    response
}

pub(crate) fn invalid_request(message: &str) -> Response {
    error(StatusCode::BAD_REQUEST, "invalid_request_error", message)
}

fn scenario_error(scenario: Scenario, model: &str) -> Option<Response> {
    let response = match scenario {
        Scenario::RateLimited | Scenario::RateLimitedOnce => {
            let mut response = error(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limit_error",
                "This request would exceed the rate limit for your organization of 50 requests \
                 per minute. Please reduce the prompt length or the maximum tokens requested, or \
                 try again later.",
            );
            openai::add_retry_hints(response.headers_mut());
            response
        }
        Scenario::ServerError => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "api_error",
            "Internal server error",
        ),
        // 529 is Anthropic's own status for an overloaded API.
        Scenario::Overloaded => error(
            StatusCode::from_u16(529).expect("529 is a valid status code"),
            "overloaded_error",
            "Overloaded",
        ),
        Scenario::NotFound => error(
            StatusCode::NOT_FOUND,
            "not_found_error",
            &format!("model: {model}"),
        ),
        Scenario::Quota
        | Scenario::BadCrc
        | Scenario::PromptFilter
        | Scenario::OnDemand
        | Scenario::Retention => invalid_request(&format!(
            "mock: scenario '{}' does not exist for this protocol",
            scenario.word()
        )),
        _ => return None,
    };
    Some(response)
}

fn stop_reason(scenario: Scenario) -> &'static str {
    if scenario == Scenario::ContentFilter {
        "refusal"
    } else {
        "end_turn"
    }
}

fn message_object(model: &str, scenario: Scenario) -> Value {
    json!({
        "id": "msg_mock",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": scenario.text_chunks().concat()}],
        "stop_reason": stop_reason(scenario),
        "stop_sequence": null,
        "usage": {"input_tokens": INPUT_TOKENS, "output_tokens": scenario.output_tokens()}
    })
}

fn stream(model: &str, scenario: Scenario) -> Script {
    let mut script = Script::default();
    let mut start = message_object(model, scenario);
    start["content"] = json!([]);
    start["stop_reason"] = Value::Null;
    start["usage"] = json!({"input_tokens": INPUT_TOKENS, "output_tokens": 1});
    script.event(
        "message_start",
        &json!({"type": "message_start", "message": start}),
    );
    script.event(
        "content_block_start",
        &json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
    );
    script.event("ping", &json!({"type": "ping"}));
    for (i, text) in scenario.text_chunks().iter().enumerate() {
        script.event(
            "content_block_delta",
            &json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": text}}),
        );
        if i == 0 {
            script.keep_alive();
        }
    }
    match scenario {
        Scenario::MidstreamError => {
            script.event(
                "error",
                &json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}),
            );
            return script;
        }
        Scenario::Drop => {
            script.cut();
            return script;
        }
        Scenario::Malformed => {
            script.push("event: content_block_delta\ndata: {\"type\": \"content_block_delta\", \"index\": 0, \"delta\": {\n\n");
        }
        _ => {}
    }
    script.event(
        "content_block_stop",
        &json!({"type": "content_block_stop", "index": 0}),
    );
    script.event(
        "message_delta",
        &json!({
            "type": "message_delta",
            "delta": {"stop_reason": stop_reason(scenario), "stop_sequence": null},
            "usage": {"output_tokens": scenario.output_tokens()}
        }),
    );
    script.event("message_stop", &json!({"type": "message_stop"}));
    script
}
