//! OpenAI Chat Completions and Responses (also the shape behind Azure, Bedrock's and Vertex's
//! OpenAI-compatible routes, which differ in noise and error shapes: see [`Flavor`]).

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

use super::scenario::Scenario;
use super::stream::{EVENT_STREAM, Script};
use super::{AppState, INPUT_TOKENS, Shared, azure, creds, parse_json, vertex};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/chat/completions", post(chat_route))
        .route("/v1/responses", post(responses_route))
}

async fn chat_route(State(shared): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(refusal) = check_bearer(&headers) {
        return refusal;
    }
    chat_completions(&shared, Flavor::OpenAi, None, &body)
}

async fn responses_route(
    State(shared): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(refusal) = check_bearer(&headers) {
        return refusal;
    }
    responses(&shared, Flavor::OpenAi, &body)
}

/// `Authorization: Bearer` from a request, if present.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get("authorization")?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

/// OpenAI's answers to a missing or wrong API key.
fn check_bearer(headers: &HeaderMap) -> Result<(), Response> {
    match bearer(headers) {
        Some(creds::API_KEY) => Ok(()),
        None => Err(error(
            StatusCode::UNAUTHORIZED,
            "You didn't provide an API key. You need to provide your API key in an Authorization \
             header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). You can obtain an API \
             key from https://platform.openai.com/account/api-keys.",
            "invalid_request_error",
            None,
            None,
        )),
        Some(key) => Err(error(
            StatusCode::UNAUTHORIZED,
            &format!(
                "Incorrect API key provided: {}. You can find your API key at \
                 https://platform.openai.com/account/api-keys.",
                redact(key)
            ),
            "invalid_request_error",
            None,
            Some("invalid_api_key"),
        )),
    }
}

/// Keys are echoed masked, as OpenAI does ("sk-ab*****wxyz").
fn redact(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

/// The OpenAI error envelope.
pub(crate) fn error(
    status: StatusCode,
    message: &str,
    kind: &str,
    param: Option<&str>,
    code: Option<&str>,
) -> Response {
    let body = json!({"error": {"message": message, "type": kind, "param": param, "code": code}});
    let mut response = (status, axum::Json(body)).into_response();
    response
        .headers_mut()
        .insert("x-request-id", HeaderValue::from_static("req_mock"));
    response
}

/// Which service is answering in OpenAI's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavor {
    OpenAi,
    /// Adds content-filter annotations and uses Azure's error shapes.
    Azure,
    /// Bedrock's OpenAI-compatible route: OpenAI shapes.
    Bedrock,
    /// Vertex's openapi endpoint: Google error envelopes.
    Vertex,
}

impl Flavor {
    /// The HTTP error a scenario answers with, or None when it streams.
    fn scenario_error(self, scenario: Scenario, model: &str, api: Api) -> Option<Response> {
        match self {
            Flavor::OpenAi | Flavor::Bedrock => scenario_error(scenario, model, api),
            Flavor::Azure => azure::scenario_error(scenario, api),
            Flavor::Vertex => vertex::scenario_error(scenario, model),
        }
    }

    fn invalid_request(self, message: &str, param: &str) -> Response {
        match self {
            Flavor::Vertex => vertex::google_error(StatusCode::BAD_REQUEST, message),
            _ => error(
                StatusCode::BAD_REQUEST,
                message,
                "invalid_request_error",
                Some(param),
                None,
            ),
        }
    }
}

/// Which OpenAI API a request is for (some scenarios exist in one only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Api {
    Chat,
    Responses,
}

/// OpenAI's answers for the scenarios that fail before streaming.
fn scenario_error(scenario: Scenario, model: &str, api: Api) -> Option<Response> {
    let response = match scenario {
        Scenario::RateLimited | Scenario::RateLimitedOnce => {
            let mut response = error(
                StatusCode::TOO_MANY_REQUESTS,
                &format!(
                    "Rate limit reached for {model} in organization org-mock on requests per min \
                     (RPM): Limit 3, Used 3, Requested 1. Please try again in 1s."
                ),
                "requests",
                None,
                Some("rate_limit_exceeded"),
            );
            add_retry_hints(response.headers_mut());
            response
        }
        Scenario::Quota => error(
            StatusCode::TOO_MANY_REQUESTS,
            "You exceeded your current quota, please check your plan and billing details. For more \
             information on this error, read the docs: \
             https://platform.openai.com/docs/guides/error-codes/api-errors.",
            "insufficient_quota",
            None,
            Some("insufficient_quota"),
        ),
        Scenario::ServerError => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The server had an error while processing your request. Sorry about that!",
            "server_error",
            None,
            None,
        ),
        Scenario::Overloaded => error(
            StatusCode::SERVICE_UNAVAILABLE,
            "The engine is currently overloaded, please try again later.",
            "server_error",
            None,
            None,
        ),
        Scenario::NotFound => error(
            StatusCode::NOT_FOUND,
            &format!("The model `{model}` does not exist or you do not have access to it."),
            "invalid_request_error",
            None,
            Some("model_not_found"),
        ),
        Scenario::Retention if api == Api::Responses => error(
            StatusCode::BAD_REQUEST,
            "Your organization has zero data retention enabled, so responses cannot be stored. \
             Set 'store' to false.",
            "invalid_request_error",
            Some("store"),
            Some("invalid_value"),
        ),
        Scenario::BadCrc | Scenario::OnDemand | Scenario::PromptFilter | Scenario::Retention => {
            unsupported(scenario)
        }
        _ => return None,
    };
    Some(response)
}

/// A scenario word that has no meaning for this protocol: refused loudly rather than ignored.
pub(crate) fn unsupported(scenario: Scenario) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        &format!(
            "mock: scenario '{}' does not exist for this protocol",
            scenario.word()
        ),
        "invalid_request_error",
        Some("model"),
        None,
    )
}

/// `retry-after-ms` (read by OpenAI's and Anthropic's SDKs), `retry-after` and rate-limit headers.
pub(crate) fn add_retry_hints(headers: &mut HeaderMap) {
    headers.insert("retry-after-ms", HeaderValue::from_static("50"));
    headers.insert("retry-after", HeaderValue::from_static("1"));
    headers.insert("x-ratelimit-limit-requests", HeaderValue::from_static("3"));
    headers.insert(
        "x-ratelimit-remaining-requests",
        HeaderValue::from_static("0"),
    );
    headers.insert("x-ratelimit-reset-requests", HeaderValue::from_static("1s"));
}

const CREATED: u64 = 1_730_000_000;

/// Chat Completions for every flavor. `deployment` is Azure's deployment from the URL (the body's
/// `model` is then optional).
pub(crate) fn chat_completions(
    shared: &Shared,
    flavor: Flavor,
    deployment: Option<&str>,
    body: &Bytes,
) -> Response {
    let Some(request) = parse_json(body) else {
        return flavor.invalid_request(
            "We could not parse the JSON body of your request. (HINT: This likely means you \
             aren't using your HTTP library correctly.)",
            "body",
        );
    };
    let model = match (deployment, request["model"].as_str()) {
        (Some(deployment), _) => deployment.to_owned(),
        (None, Some(model)) => model.to_owned(),
        (None, None) => {
            return flavor.invalid_request("you must provide a model parameter", "model");
        }
    };
    if !request["messages"].is_array() {
        return flavor.invalid_request("Missing required parameter: 'messages'.", "messages");
    }
    if flavor == Flavor::Vertex
        && let Some(refusal) = vertex::check_openapi_model(&model)
    {
        return refusal;
    }
    let scenario = shared.scenario(&model);
    if let Some(response) = flavor.scenario_error(scenario, &model, Api::Chat) {
        return response;
    }
    if request["stream"] != json!(true) {
        return axum::Json(chat_completion(&model, scenario)).into_response();
    }
    let include_usage = request["stream_options"]["include_usage"] == json!(true);
    chat_stream(flavor, &model, scenario, include_usage).into_response(
        EVENT_STREAM,
        scenario.pace(),
        &shared.abandoned,
    )
}

fn finish_reason(scenario: Scenario) -> &'static str {
    if scenario == Scenario::ContentFilter {
        "content_filter"
    } else {
        "stop"
    }
}

fn chat_usage(scenario: Scenario) -> Value {
    let output = scenario.output_tokens();
    json!({
        "prompt_tokens": INPUT_TOKENS,
        "completion_tokens": output,
        "total_tokens": INPUT_TOKENS + output,
        "prompt_tokens_details": {"cached_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": 0}
    })
}

/// Non-streaming `chat.completion`.
fn chat_completion(model: &str, scenario: Scenario) -> Value {
    json!({
        "id": "chatcmpl-mock",
        "object": "chat.completion",
        "created": CREATED,
        "model": model,
        "system_fingerprint": "fp_mock",
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": scenario.text_chunks().concat(), "refusal": null},
            "logprobs": null,
            "finish_reason": finish_reason(scenario)
        }],
        "usage": chat_usage(scenario)
    })
}

/// Azure's per-choice filter verdict: nothing found.
fn azure_filter_results() -> Value {
    let safe = json!({"filtered": false, "severity": "safe"});
    json!({"hate": safe, "self_harm": safe, "sexual": safe, "violence": safe})
}

fn chat_stream(flavor: Flavor, model: &str, scenario: Scenario, include_usage: bool) -> Script {
    let azure = flavor == Flavor::Azure;
    let chunk = |choices: Value| {
        let mut chunk = json!({
            "id": "chatcmpl-mock",
            "object": "chat.completion.chunk",
            "created": CREATED,
            "model": model,
            "system_fingerprint": "fp_mock",
            "choices": choices
        });
        if include_usage {
            chunk["usage"] = Value::Null;
        }
        chunk
    };
    let choice = |delta: Value, finish: Option<&str>| {
        let mut choice =
            json!({"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish});
        if azure {
            choice["content_filter_results"] = azure_filter_results();
        }
        choice
    };

    let mut script = Script::default();
    if azure {
        // Azure's leading annotation chunk: empty id, model and choices.
        script.data(&json!({
            "id": "", "object": "", "created": 0, "model": "",
            "prompt_filter_results": [{"prompt_index": 0, "content_filter_results": {
                "hate": {"filtered": false, "severity": "safe"},
                "jailbreak": {"filtered": false, "detected": false},
                "self_harm": {"filtered": false, "severity": "safe"},
                "sexual": {"filtered": false, "severity": "safe"},
                "violence": {"filtered": false, "severity": "safe"}
            }}],
            "choices": []
        }));
    }
    script.data(&chunk(json!([choice(
        json!({"role": "assistant", "content": "", "refusal": null}),
        None
    )])));
    let texts = scenario.text_chunks();
    let mut written = 0;
    for (i, text) in texts.iter().enumerate() {
        script.data(&chunk(json!([choice(json!({"content": text}), None)])));
        written += text.len();
        if i == 0 {
            script.keep_alive();
        }
    }
    match scenario {
        Scenario::MidstreamError => {
            script.data(&json!({"error": {
                "message": "The server had an error while processing your request. Sorry about that!",
                "type": "server_error", "param": null, "code": null
            }}));
            return script;
        }
        Scenario::Drop => {
            script.cut();
            return script;
        }
        Scenario::Malformed => {
            script.push("data: {\"id\":\"chatcmpl-mock\",\"choices\":[{\"delta\":\n\n")
        }
        _ => {}
    }
    if azure {
        // Asynchronous-filter annotation: a choice with no delta at all.
        script.data(&chunk(json!([{
            "index": 0,
            "finish_reason": null,
            "content_filter_results": azure_filter_results(),
            "content_filter_offsets": {"check_offset": 0, "start_offset": 0, "end_offset": written}
        }])));
    }
    if azure && scenario == Scenario::ContentFilter {
        script.data(&chunk(json!([{
            "index": 0,
            "finish_reason": "content_filter",
            "content_filter_results": {"protected_material_text": {"detected": true, "filtered": true}}
        }])));
    } else {
        script.data(&chunk(json!([choice(
            json!({}),
            Some(finish_reason(scenario))
        )])));
    }
    if include_usage {
        let mut usage = chunk(json!([]));
        usage["usage"] = chat_usage(scenario);
        script.data(&usage);
    }
    script.push("data: [DONE]\n\n");
    script
}

/// Responses API for OpenAI and Azure v1.
pub(crate) fn responses(shared: &Shared, flavor: Flavor, body: &Bytes) -> Response {
    let Some(request) = parse_json(body) else {
        return flavor.invalid_request("We could not parse the JSON body of your request.", "body");
    };
    let Some(model) = request["model"].as_str() else {
        return flavor.invalid_request("Missing required parameter: 'model'.", "model");
    };
    if request["input"].is_null() {
        return flavor.invalid_request("Missing required parameter: 'input'.", "input");
    }
    let scenario = shared.scenario(model);
    if let Some(response) = flavor.scenario_error(scenario, model, Api::Responses) {
        return response;
    }
    let text = scenario.text_chunks().concat();
    if request["stream"] != json!(true) {
        let (status, details) = response_status(scenario);
        return axum::Json(response_object(
            &request,
            status,
            vec![message_item("completed", &text)],
            Some(response_usage(scenario)),
            details,
        ))
        .into_response();
    }
    responses_stream(&request, scenario).into_response(
        EVENT_STREAM,
        scenario.pace(),
        &shared.abandoned,
    )
}

fn response_status(scenario: Scenario) -> (&'static str, Value) {
    if scenario == Scenario::ContentFilter {
        ("incomplete", json!({"reason": "content_filter"}))
    } else {
        ("completed", Value::Null)
    }
}

fn response_usage(scenario: Scenario) -> Value {
    let output = scenario.output_tokens();
    json!({
        "input_tokens": INPUT_TOKENS,
        "input_tokens_details": {"cached_tokens": 0},
        "output_tokens": output,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": INPUT_TOKENS + output
    })
}

fn message_item(status: &str, text: &str) -> Value {
    json!({
        "id": "msg_mock", "type": "message", "role": "assistant", "status": status,
        "content": [{"type": "output_text", "text": text, "annotations": [], "logprobs": []}]
    })
}

/// A `response` object echoing the request's settings, as the real API does.
fn response_object(
    request: &Value,
    status: &str,
    output: Vec<Value>,
    usage: Option<Value>,
    incomplete_details: Value,
) -> Value {
    json!({
        "id": "resp_mock",
        "object": "response",
        "created_at": CREATED,
        "status": status,
        "error": null,
        "incomplete_details": incomplete_details,
        "instructions": request["instructions"],
        "max_output_tokens": request["max_output_tokens"],
        "model": request["model"],
        "output": output,
        "parallel_tool_calls": true,
        "previous_response_id": null,
        "reasoning": {"effort": null, "summary": null},
        "store": request.get("store").cloned().unwrap_or(json!(true)),
        "temperature": request.get("temperature").cloned().unwrap_or(json!(1.0)),
        "text": {"format": {"type": "text"}},
        "tool_choice": "auto",
        "tools": [],
        "top_p": request.get("top_p").cloned().unwrap_or(json!(1.0)),
        "truncation": "disabled",
        "usage": usage,
        "user": null,
        "metadata": {}
    })
}

fn responses_stream(request: &Value, scenario: Scenario) -> Script {
    let mut script = Script::default();
    let mut sequence = 0u64;
    let mut emit = |script: &mut Script, mut event: Value| {
        event["sequence_number"] = json!(sequence);
        sequence += 1;
        let name = event["type"].as_str().unwrap_or_default().to_owned();
        script.event(&name, &event);
    };
    let in_progress = response_object(request, "in_progress", vec![], None, Value::Null);
    emit(
        &mut script,
        json!({"type": "response.created", "response": in_progress}),
    );
    emit(
        &mut script,
        json!({"type": "response.in_progress", "response": in_progress}),
    );
    script.keep_alive();
    let item = json!({"id": "msg_mock", "type": "message", "role": "assistant", "status": "in_progress", "content": []});
    emit(
        &mut script,
        json!({"type": "response.output_item.added", "output_index": 0, "item": item}),
    );
    let place = json!({"item_id": "msg_mock", "output_index": 0, "content_index": 0});
    let with_place = |mut event: Value| {
        for (key, value) in place.as_object().into_iter().flatten() {
            event[key] = value.clone();
        }
        event
    };
    emit(
        &mut script,
        with_place(json!({"type": "response.content_part.added",
            "part": {"type": "output_text", "text": "", "annotations": [], "logprobs": []}})),
    );
    let texts = scenario.text_chunks();
    for text in &texts {
        emit(
            &mut script,
            with_place(
                json!({"type": "response.output_text.delta", "delta": text, "logprobs": []}),
            ),
        );
    }
    match scenario {
        Scenario::MidstreamError => {
            emit(
                &mut script,
                json!({"type": "error", "code": "server_error", "param": null,
                       "message": "The server had an error while processing your request. Sorry about that!"}),
            );
            let mut failed = response_object(request, "failed", vec![], None, Value::Null);
            failed["error"] = json!({"code": "server_error",
                "message": "The server had an error while processing your request. Sorry about that!"});
            emit(
                &mut script,
                json!({"type": "response.failed", "response": failed}),
            );
            return script;
        }
        Scenario::Drop => {
            script.cut();
            return script;
        }
        Scenario::Malformed => {
            script.push("event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\n\n");
        }
        _ => {}
    }
    let text = texts.concat();
    let (status, details) = response_status(scenario);
    emit(
        &mut script,
        with_place(json!({"type": "response.output_text.done", "text": text, "logprobs": []})),
    );
    emit(
        &mut script,
        with_place(json!({"type": "response.content_part.done",
            "part": {"type": "output_text", "text": text, "annotations": [], "logprobs": []}})),
    );
    let done_item = message_item(status, &text);
    emit(
        &mut script,
        json!({"type": "response.output_item.done", "output_index": 0, "item": done_item}),
    );
    let last = response_object(
        request,
        status,
        vec![done_item],
        Some(response_usage(scenario)),
        details,
    );
    emit(
        &mut script,
        json!({"type": format!("response.{status}"), "response": last}),
    );
    script
}
