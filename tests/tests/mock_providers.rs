//! The mock provider servers themselves, driven with plain HTTP: auth refusals in each provider's
//! shape, scenario selection, stream framing, SigV4 and JWT verification, abandoned streams.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, ensure};
use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_eventstream::frame::{DecodedFrame, MessageFrameDecoder};
use aws_smithy_types::event_stream::{HeaderValue, Message};
use bytes::{Buf, BytesMut};
use casefile_tests::mock::{INPUT_TOKENS, MockKind, MockProvider, OUTPUT_TOKENS, REPLY, creds};
use futures_util::StreamExt;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::{RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

/// One SSE event: its `event:` name (if any) and `data:` (joined).
#[derive(Debug)]
struct SseEvent {
    event: Option<String>,
    data: String,
}

/// Splits an SSE body into events; comment lines are dropped but counted.
fn parse_sse(body: &str) -> (Vec<SseEvent>, usize) {
    let mut events = Vec::new();
    let mut comments = 0;
    for block in body.split("\n\n").filter(|b| !b.is_empty()) {
        let (mut event, mut data) = (None, Vec::new());
        for line in block.lines() {
            if line.starts_with(':') {
                comments += 1;
            } else if let Some(name) = line.strip_prefix("event: ") {
                event = Some(name.to_owned());
            } else if let Some(value) = line.strip_prefix("data: ") {
                data.push(value);
            }
        }
        if event.is_some() || !data.is_empty() {
            events.push(SseEvent {
                event,
                data: data.join("\n"),
            });
        }
    }
    (events, comments)
}

fn json_of(event: &SseEvent) -> Value {
    serde_json::from_str(&event.data).unwrap_or(Value::Null)
}

async fn status_and_json(request: RequestBuilder) -> Result<(StatusCode, Value)> {
    let response = request.send().await?;
    let status = response.status();
    Ok((status, response.json().await?))
}

// ------------------------------------------------------------------ OpenAI

fn openai_chat(mock: &MockProvider, key: &str, body: Value) -> RequestBuilder {
    client()
        .post(format!("{}/v1/chat/completions", mock.base_url()))
        .bearer_auth(key)
        .json(&body)
}

fn chat_body(model: &str, include_usage: bool) -> Value {
    json!({
        "model": model,
        "messages": [{"role": "user", "content": "When is the appointment?"}],
        "stream": true,
        "stream_options": {"include_usage": include_usage}
    })
}

/// Concatenated delta contents of a chat completion stream.
fn chat_text(events: &[SseEvent]) -> String {
    events
        .iter()
        .map(json_of)
        .flat_map(|chunk| chunk["choices"].as_array().cloned().unwrap_or_default())
        .filter_map(|choice| choice["delta"]["content"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn openai_refuses_missing_and_wrong_keys_in_openai_shape() -> Result<()> {
    let mock = MockProvider::start(MockKind::OpenAi).await?;
    let (status, body) = status_and_json(
        client()
            .post(format!("{}/v1/chat/completions", mock.base_url()))
            .json(&chat_body("gpt-4.1-mini", false)),
    )
    .await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["type"], "invalid_request_error");
    assert_eq!(body["error"]["code"], Value::Null);

    let (status, body) = status_and_json(openai_chat(
        &mock,
        "sk-wrong-0123456789",
        chat_body("gpt-4.1-mini", false),
    ))
    .await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "invalid_api_key");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("sk-") && !message.contains("sk-wrong-0123456789"),
        "the key must be echoed masked: {message}"
    );
    Ok(())
}

#[tokio::test]
async fn openai_chat_stream_spells_reply_and_sends_usage_only_when_asked() -> Result<()> {
    let mock = MockProvider::start(MockKind::OpenAi).await?;
    for include_usage in [true, false] {
        let response = openai_chat(
            &mock,
            creds::API_KEY,
            chat_body("gpt-4.1-mini", include_usage),
        )
        .send()
        .await?;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(
            response.headers()["content-type"]
                .to_str()?
                .starts_with("text/event-stream")
        );
        let (events, comments) = parse_sse(&response.text().await?);
        assert!(comments > 0, "normal streams carry a keep-alive comment");
        assert_eq!(chat_text(&events), REPLY);
        assert_eq!(events.last().map(|e| e.data.as_str()), Some("[DONE]"));
        let usage_chunks: Vec<Value> = events
            .iter()
            .map(json_of)
            .filter(|chunk| chunk["usage"].is_object())
            .collect();
        if include_usage {
            assert_eq!(usage_chunks.len(), 1);
            assert_eq!(usage_chunks[0]["choices"], json!([]));
            assert_eq!(usage_chunks[0]["usage"]["prompt_tokens"], INPUT_TOKENS);
            assert_eq!(usage_chunks[0]["usage"]["completion_tokens"], OUTPUT_TOKENS);
        } else {
            assert!(usage_chunks.is_empty());
        }
    }
    Ok(())
}

#[tokio::test]
async fn openai_scenarios_follow_the_model_name() -> Result<()> {
    let mock = MockProvider::start(MockKind::OpenAi).await?;
    let send = |model: &str| openai_chat(&mock, creds::API_KEY, chat_body(model, true)).send();

    let limited = send("gpt-rate-limited").await?;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.headers()["retry-after-ms"], "50");
    assert_eq!(limited.headers()["retry-after"], "1");
    assert_eq!(
        limited.json::<Value>().await?["error"]["code"],
        "rate_limit_exceeded"
    );

    assert_eq!(
        send("gpt-rate-limited-once").await?.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        send("gpt-rate-limited-once").await?.status(),
        StatusCode::OK
    );

    let quota = send("gpt-quota").await?;
    assert_eq!(quota.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(quota.headers().get("retry-after").is_none());
    assert_eq!(
        quota.json::<Value>().await?["error"]["code"],
        "insufficient_quota"
    );

    let (status, body) = status_and_json(openai_chat(
        &mock,
        creds::API_KEY,
        chat_body("gpt-not-found", true),
    ))
    .await?;
    assert_eq!(
        (status, &body["error"]["code"]),
        (StatusCode::NOT_FOUND, &json!("model_not_found"))
    );

    assert_eq!(
        send("gpt-server-error").await?.status(),
        StatusCode::INTERNAL_SERVER_ERROR
    );

    let midstream = parse_sse(&send("gpt-midstream-error").await?.text().await?).0;
    assert_eq!(
        json_of(midstream.last().context("no events")?)["error"]["type"],
        "server_error"
    );
    assert!(midstream.iter().all(|e| e.data != "[DONE]"));

    let malformed = parse_sse(&send("gpt-malformed").await?.text().await?).0;
    assert!(
        malformed
            .iter()
            .any(|e| e.data != "[DONE]" && serde_json::from_str::<Value>(&e.data).is_err())
    );

    let filtered = parse_sse(&send("gpt-content-filter").await?.text().await?).0;
    assert!(
        filtered
            .iter()
            .map(json_of)
            .any(|c| c["choices"][0]["finish_reason"] == "content_filter")
    );

    // A scenario of another protocol is refused rather than silently streamed.
    assert_eq!(send("gpt-bad-crc").await?.status(), StatusCode::BAD_REQUEST);
    Ok(())
}

#[tokio::test]
async fn responses_stream_names_events_by_type_and_ends_completed() -> Result<()> {
    let mock = MockProvider::start(MockKind::OpenAi).await?;
    let response = client()
        .post(format!("{}/v1/responses", mock.base_url()))
        .bearer_auth(creds::API_KEY)
        .json(&json!({"model": "gpt-4.1-mini", "input": "When?", "stream": true, "store": false}))
        .send()
        .await?;
    let (events, _) = parse_sse(&response.text().await?);
    let payloads: Vec<Value> = events.iter().map(json_of).collect();
    for (i, (event, payload)) in events.iter().zip(&payloads).enumerate() {
        assert_eq!(event.event.as_deref(), payload["type"].as_str());
        assert_eq!(payload["sequence_number"], i);
    }
    let text: String = payloads
        .iter()
        .filter(|p| p["type"] == "response.output_text.delta")
        .filter_map(|p| p["delta"].as_str())
        .collect();
    assert_eq!(text, REPLY);
    let last = payloads.last().context("no events")?;
    assert_eq!(last["type"], "response.completed");
    assert_eq!(last["response"]["usage"]["output_tokens"], OUTPUT_TOKENS);

    let (status, body) = status_and_json(
        client()
            .post(format!("{}/v1/responses", mock.base_url()))
            .bearer_auth(creds::API_KEY)
            .json(&json!({"model": "gpt-retention", "input": "When?", "stream": true})),
    )
    .await?;
    assert_eq!(
        (status, &body["error"]["param"]),
        (StatusCode::BAD_REQUEST, &json!("store"))
    );
    Ok(())
}

// ------------------------------------------------------------------ Azure

#[tokio::test]
async fn azure_classic_route_needs_an_api_version_and_a_key() -> Result<()> {
    let mock = MockProvider::start(MockKind::Azure).await?;
    let url = format!(
        "{}/openai/deployments/chat/chat/completions",
        mock.base_url()
    );
    let body = chat_body("ignored", true);

    let (status, error) = status_and_json(
        client()
            .post(&url)
            .header("api-key", creds::API_KEY)
            .json(&body),
    )
    .await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        error,
        json!({"error": {"code": "404", "message": "Resource not found"}})
    );

    let versioned = format!("{url}?api-version=2024-10-21");
    let (status, error) = status_and_json(client().post(&versioned).json(&body)).await?;
    assert_eq!(
        (status, &error["error"]["code"]),
        (StatusCode::UNAUTHORIZED, &json!("401"))
    );
    let (status, _) = status_and_json(
        client()
            .post(&versioned)
            .header("api-key", "wrong")
            .json(&body),
    )
    .await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // The key as a Bearer token is an Entra token to the classic route, and not a valid one.
    let (status, _) = status_and_json(
        client()
            .post(&versioned)
            .bearer_auth(creds::API_KEY)
            .json(&body),
    )
    .await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let response = client()
        .post(&versioned)
        .header("api-key", creds::API_KEY)
        .json(&body)
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::OK);
    let (events, _) = parse_sse(&response.text().await?);
    let first = json_of(&events[0]);
    assert_eq!((&first["id"], &first["choices"]), (&json!(""), &json!([])));
    assert!(first["prompt_filter_results"].is_array());
    assert!(
        events.iter().map(json_of).any(|c| {
            c["choices"][0]["content_filter_offsets"].is_object()
                && c["choices"][0].get("delta").is_none()
        }),
        "an annotation-only chunk without delta"
    );
    assert_eq!(chat_text(&events), REPLY);

    // v1 needs no api-version and takes the key as a Bearer token.
    let v1 = client()
        .post(format!("{}/openai/v1/chat/completions", mock.base_url()))
        .bearer_auth(creds::API_KEY)
        .json(&chat_body("chat", false))
        .send()
        .await?;
    assert_eq!(v1.status(), StatusCode::OK);
    Ok(())
}

#[tokio::test]
async fn azure_errors_use_azure_codes() -> Result<()> {
    let mock = MockProvider::start(MockKind::Azure).await?;
    let post = |deployment: &str| {
        client()
            .post(format!(
                "{}/openai/deployments/{deployment}/chat/completions?api-version=2024-10-21",
                mock.base_url()
            ))
            .header("api-key", creds::API_KEY)
            .json(&chat_body("ignored", false))
    };
    let (status, body) = status_and_json(post("chat-not-found")).await?;
    assert_eq!(
        (status, &body["error"]["code"]),
        (StatusCode::NOT_FOUND, &json!("DeploymentNotFound"))
    );
    let (status, body) = status_and_json(post("chat-prompt-filter")).await?;
    assert_eq!(
        (status, &body["error"]["code"]),
        (StatusCode::BAD_REQUEST, &json!("content_filter"))
    );
    assert_eq!(
        body["error"]["innererror"]["code"],
        "ResponsibleAIPolicyViolation"
    );
    let (status, body) = status_and_json(post("chat-quota")).await?;
    assert_eq!(
        (status, &body["error"]["code"]),
        (StatusCode::TOO_MANY_REQUESTS, &json!("insufficient_quota"))
    );
    Ok(())
}

#[tokio::test]
async fn entra_token_endpoint_checks_the_client_credentials() -> Result<()> {
    let mock = MockProvider::start(MockKind::Azure).await?;
    let token_url = format!(
        "{}/{}/oauth2/v2.0/token",
        mock.base_url(),
        creds::ENTRA_TENANT
    );
    let form = |secret: &str, scope: &str| {
        client().post(&token_url).form(&[
            ("grant_type", "client_credentials"),
            ("client_id", creds::ENTRA_CLIENT_ID),
            ("client_secret", secret),
            ("scope", scope),
        ])
    };
    const SCOPE: &str = "https://cognitiveservices.azure.com/.default";
    let (status, body) = status_and_json(form("wrong", SCOPE)).await?;
    assert_eq!(
        (status, &body["error"]),
        (StatusCode::UNAUTHORIZED, &json!("invalid_client"))
    );
    assert!(
        body["error_description"]
            .as_str()
            .unwrap_or_default()
            .starts_with("AADSTS7000215")
    );
    let (status, body) = status_and_json(form(
        creds::ENTRA_CLIENT_SECRET,
        "https://management.azure.com/.default",
    ))
    .await?;
    assert_eq!(
        (status, &body["error"]),
        (StatusCode::BAD_REQUEST, &json!("invalid_scope"))
    );

    let (status, body) = status_and_json(form(creds::ENTRA_CLIENT_SECRET, SCOPE)).await?;
    assert_eq!(status, StatusCode::OK);
    let token = body["access_token"].as_str().context("no access_token")?;
    let chat = client()
        .post(format!(
            "{}/openai/deployments/chat/chat/completions?api-version=2024-10-21",
            mock.base_url()
        ))
        .bearer_auth(token)
        .json(&chat_body("ignored", false))
        .send()
        .await?;
    assert_eq!(chat.status(), StatusCode::OK);
    Ok(())
}

// ------------------------------------------------------------------ Anthropic

#[tokio::test]
async fn anthropic_checks_key_version_and_max_tokens() -> Result<()> {
    let mock = MockProvider::start(MockKind::Anthropic).await?;
    let url = format!("{}/v1/messages", mock.base_url());
    let body = json!({"model": "claude-sonnet-4-5", "max_tokens": 100, "stream": true,
                      "messages": [{"role": "user", "content": "When?"}]});
    let (status, error) = status_and_json(
        client()
            .post(&url)
            .header("anthropic-version", "2023-06-01")
            .json(&body),
    )
    .await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        (&error["type"], &error["error"]["type"]),
        (&json!("error"), &json!("authentication_error"))
    );
    let (status, _) = status_and_json(
        client()
            .post(&url)
            .header("x-api-key", creds::API_KEY)
            .json(&body),
    )
    .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let mut no_max = body.clone();
    no_max
        .as_object_mut()
        .context("object")?
        .remove("max_tokens");
    let (status, error) = status_and_json(
        client()
            .post(&url)
            .header("x-api-key", creds::API_KEY)
            .header("anthropic-version", "2023-06-01")
            .json(&no_max),
    )
    .await?;
    assert_eq!(
        (status, &error["error"]["type"]),
        (StatusCode::BAD_REQUEST, &json!("invalid_request_error"))
    );

    let response = client()
        .post(&url)
        .header("x-api-key", creds::API_KEY)
        .header("anthropic-version", "2023-06-01")
        .json(&body)
        .send()
        .await?;
    let (events, comments) = parse_sse(&response.text().await?);
    assert!(comments > 0);
    let names: Vec<&str> = events.iter().filter_map(|e| e.event.as_deref()).collect();
    assert!(names.contains(&"ping"));
    assert_eq!(names.last(), Some(&"message_stop"));
    let text: String = events
        .iter()
        .map(json_of)
        .filter(|e| e["type"] == "content_block_delta")
        .filter_map(|e| e["delta"]["text"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(text, REPLY);

    let overloaded = client()
        .post(&url)
        .header("x-api-key", creds::API_KEY)
        .header("anthropic-version", "2023-06-01")
        .json(&json!({"model": "claude-overloaded", "max_tokens": 10, "messages": []}))
        .send()
        .await?;
    assert_eq!(overloaded.status().as_u16(), 529);
    assert_eq!(
        overloaded.json::<Value>().await?["error"]["type"],
        "overloaded_error"
    );
    Ok(())
}

// ------------------------------------------------------------------ Bedrock

/// Signs a Bedrock request the way a client does, with aws-sigv4 and the given secret.
fn sigv4_headers(url: &str, body: &[u8], secret: &str) -> Result<Vec<(String, String)>> {
    let identity = Credentials::new(creds::AWS_ACCESS_KEY_ID, secret, None, None, "test").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("bedrock")
        .time(SystemTime::now())
        .settings(SigningSettings::default())
        .build()?
        .into();
    let request = SignableRequest::new(
        "POST",
        url,
        [("content-type", "application/json")].into_iter(),
        SignableBody::Bytes(body),
    )?;
    let (instructions, _) = sign(request, &params)?.into_parts();
    let (headers, _) = instructions.into_parts();
    Ok(headers
        .into_iter()
        .map(|h| (h.name().to_owned(), h.value().to_owned()))
        .collect())
}

fn bedrock_post(url: &str, headers: &[(String, String)], body: &[u8]) -> RequestBuilder {
    headers.iter().fold(
        client()
            .post(url)
            .header("content-type", "application/json")
            .body(body.to_vec()),
        |request, (name, value)| request.header(name, value),
    )
}

const CONVERSE_BODY: &[u8] = br#"{"messages":[{"role":"user","content":[{"text":"When?"}]}]}"#;

fn converse_url(mock: &MockProvider, model: &str) -> String {
    format!("{}/model/{model}/converse-stream", mock.base_url())
}

/// Decodes an event-stream body into messages, stopping at the first broken frame.
async fn frames(response: Response) -> (Vec<Message>, Option<String>) {
    let mut decoder = MessageFrameDecoder::new();
    let mut buffer = BytesMut::new();
    let mut messages = Vec::new();
    let mut body = response.bytes_stream();
    while let Some(chunk) = body.next().await {
        match chunk {
            Ok(bytes) => buffer.extend_from_slice(&bytes),
            Err(e) => return (messages, Some(e.to_string())),
        }
        loop {
            match decoder.decode_frame(&mut buffer) {
                Ok(DecodedFrame::Complete(message)) => messages.push(message),
                Ok(DecodedFrame::Incomplete) => break,
                Err(e) => return (messages, Some(e.to_string())),
            }
        }
    }
    ensure_consumed(&buffer);
    (messages, None)
}

fn ensure_consumed(buffer: &BytesMut) {
    assert!(
        !buffer.has_remaining(),
        "trailing bytes after the last frame"
    );
}

fn header<'a>(message: &'a Message, name: &str) -> Option<&'a str> {
    message
        .headers()
        .iter()
        .find(|h| h.name().as_str() == name)
        .and_then(|h| match h.value() {
            HeaderValue::String(s) => Some(s.as_str()),
            _ => None,
        })
}

fn payload(message: &Message) -> Value {
    serde_json::from_slice(message.payload()).unwrap_or(Value::Null)
}

#[tokio::test]
async fn bedrock_verifies_sigv4_and_streams_event_frames() -> Result<()> {
    let mock = MockProvider::start(MockKind::Bedrock).await?;
    let url = converse_url(&mock, "us.anthropic.claude-3-5-haiku-20241022-v1%3A0");
    let signed = sigv4_headers(&url, CONVERSE_BODY, creds::AWS_SECRET_ACCESS_KEY)?;
    let response = bedrock_post(&url, &signed, CONVERSE_BODY).send().await?;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "application/vnd.amazon.eventstream"
    );
    let (messages, failure) = frames(response).await;
    assert_eq!(failure, None);
    let types: Vec<&str> = messages
        .iter()
        .filter_map(|m| header(m, ":event-type"))
        .collect();
    assert_eq!(
        types,
        [
            "messageStart",
            "contentBlockDelta",
            "contentBlockDelta",
            "contentBlockDelta",
            "contentBlockDelta",
            "contentBlockDelta",
            "contentBlockStop",
            "messageStop",
            "metadata"
        ]
    );
    let payloads: Vec<Value> = messages.iter().map(payload).collect();
    assert!(
        payloads.iter().all(|p| p["p"].is_string()),
        "every event is padded"
    );
    let text: String = payloads
        .iter()
        .filter_map(|p| p["delta"]["text"].as_str())
        .collect();
    assert_eq!(text, REPLY);
    assert_eq!(payloads[7]["stopReason"], "end_turn");
    assert_eq!(payloads[8]["usage"]["outputTokens"], OUTPUT_TOKENS);
    Ok(())
}

#[tokio::test]
async fn bedrock_rejects_a_tampered_body_a_wrong_secret_and_a_wrong_api_key() -> Result<()> {
    let mock = MockProvider::start(MockKind::Bedrock).await?;
    let url = converse_url(&mock, "anthropic.claude-3-haiku");
    let error_type = |response: &Response| {
        response
            .headers()
            .get("x-amzn-errortype")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(':').next())
            .map(str::to_owned)
    };

    let signed = sigv4_headers(&url, CONVERSE_BODY, creds::AWS_SECRET_ACCESS_KEY)?;
    let tampered = br#"{"messages":[{"role":"user","content":[{"text":"Other"}]}]}"#;
    let response = bedrock_post(&url, &signed, tampered).send().await?;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        error_type(&response).as_deref(),
        Some("InvalidSignatureException")
    );
    assert!(response.json::<Value>().await?["message"].is_string());

    let wrong_secret = sigv4_headers(&url, CONVERSE_BODY, "not-the-secret")?;
    let response = bedrock_post(&url, &wrong_secret, CONVERSE_BODY)
        .send()
        .await?;
    assert_eq!(
        error_type(&response).as_deref(),
        Some("InvalidSignatureException")
    );

    let bearer = |key: &str| vec![("authorization".to_owned(), format!("Bearer {key}"))];
    let response = bedrock_post(&url, &bearer("bedrock-api-key-wrong"), CONVERSE_BODY)
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        error_type(&response).as_deref(),
        Some("UnrecognizedClientException")
    );
    let response = bedrock_post(&url, &bearer(creds::BEDROCK_API_KEY), CONVERSE_BODY)
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::OK);

    let response = bedrock_post(&url, &[], CONVERSE_BODY).send().await?;
    assert_eq!(
        error_type(&response).as_deref(),
        Some("MissingAuthenticationTokenException")
    );
    Ok(())
}

#[tokio::test]
async fn bedrock_scenarios_use_aws_error_types_and_stream_faults() -> Result<()> {
    let mock = MockProvider::start(MockKind::Bedrock).await?;
    let send = |model: &str| {
        let url = converse_url(&mock, model);
        let bearer = [(
            "authorization".to_owned(),
            format!("Bearer {}", creds::BEDROCK_API_KEY),
        )];
        bedrock_post(&url, &bearer, CONVERSE_BODY).send()
    };
    for (model, status, error_type) in [
        ("claude-rate-limited", 429, "ThrottlingException"),
        ("claude-overloaded", 503, "ServiceUnavailableException"),
        ("claude-not-found", 404, "ResourceNotFoundException"),
        ("claude-on-demand", 400, "ValidationException"),
    ] {
        let response = send(model).await?;
        assert_eq!(response.status().as_u16(), status, "{model}");
        let header = response.headers()["x-amzn-errortype"].to_str()?.to_owned();
        assert!(header.starts_with(error_type), "{model}: {header}");
        let message = response.json::<Value>().await?["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if model.contains("on-demand") {
            assert!(
                message.contains("on-demand throughput") && message.contains("inference profile")
            );
        }
    }

    let (messages, failure) = frames(send("claude-midstream-error").await?).await;
    assert_eq!(failure, None);
    let last = messages.last().context("no frames")?;
    assert_eq!(header(last, ":message-type"), Some("exception"));
    assert_eq!(
        header(last, ":exception-type"),
        Some("modelStreamErrorException")
    );

    let (messages, failure) = frames(send("claude-bad-crc").await?).await;
    assert_eq!(messages.len(), 3, "messageStart and two deltas decode");
    let failure = failure.context("the corrupted frame must not decode")?;
    assert!(failure.contains("checksum"), "{failure}");

    let (messages, _) = frames(send("claude-content-filter").await?).await;
    let stops: Vec<Value> = messages
        .iter()
        .filter(|m| header(m, ":event-type") == Some("messageStop"))
        .map(payload)
        .collect();
    assert_eq!(
        stops,
        [json!({"stopReason": "content_filtered", "p": stops[0]["p"]})]
    );
    Ok(())
}

// ------------------------------------------------------------------ Vertex

#[derive(serde::Serialize)]
struct Assertion<'a> {
    iss: &'a str,
    scope: &'a str,
    aud: &'a str,
    iat: u64,
    exp: u64,
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn assertion(key_pem: &str, aud: &str, iat: u64) -> Result<String> {
    let claims = Assertion {
        iss: creds::SERVICE_ACCOUNT_EMAIL,
        scope: "https://www.googleapis.com/auth/cloud-platform",
        aud,
        iat,
        exp: iat + 3600,
    };
    Ok(jsonwebtoken::encode(
        &Header::new(Algorithm::RS256),
        &claims,
        &EncodingKey::from_rsa_pem(key_pem.as_bytes())?,
    )?)
}

async fn exchange(mock: &MockProvider, assertion: &str) -> Result<(StatusCode, Value)> {
    status_and_json(client().post(format!("{}/token", mock.base_url())).form(&[
        ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
        ("assertion", assertion),
    ]))
    .await
}

const UNRELATED_KEY: &str = include_str!("../fixtures/test-only-unrelated-key.pem");

#[tokio::test]
async fn vertex_token_exchange_verifies_the_jwt() -> Result<()> {
    let mock = MockProvider::start(MockKind::Vertex).await?;
    let token_url = format!("{}/token", mock.base_url());
    let now = unix_now();

    let (status, body) = exchange(
        &mock,
        &assertion(creds::SERVICE_ACCOUNT_PRIVATE_KEY, &token_url, now)?,
    )
    .await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["access_token"], creds::GOOGLE_ACCESS_TOKEN);

    let (status, body) = exchange(&mock, &assertion(UNRELATED_KEY, &token_url, now)?).await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"error": "invalid_grant", "error_description": "Invalid JWT Signature."})
    );

    let (status, body) = exchange(
        &mock,
        &assertion(
            creds::SERVICE_ACCOUNT_PRIVATE_KEY,
            "http://elsewhere/token",
            now,
        )?,
    )
    .await?;
    assert_eq!(
        (status, &body["error"]),
        (StatusCode::BAD_REQUEST, &json!("invalid_grant"))
    );

    let expired = assertion(creds::SERVICE_ACCOUNT_PRIVATE_KEY, &token_url, now - 7200)?;
    let (status, body) = exchange(&mock, &expired).await?;
    assert_eq!(
        (status, &body["error"]),
        (StatusCode::BAD_REQUEST, &json!("invalid_grant"))
    );
    Ok(())
}

#[tokio::test]
async fn vertex_gemini_stream_needs_the_issued_token() -> Result<()> {
    let mock = MockProvider::start(MockKind::Vertex).await?;
    let url = |project: &str, model: &str| {
        format!(
            "{}/v1/projects/{project}/locations/us-central1/publishers/google/models/{model}:streamGenerateContent?alt=sse",
            mock.base_url()
        )
    };
    let body = json!({"contents": [{"role": "user", "parts": [{"text": "When?"}]}]});

    let (status, error) = status_and_json(
        client()
            .post(url(creds::GCP_PROJECT, "gemini-2.5-flash"))
            .json(&body),
    )
    .await?;
    assert_eq!(
        (status, &error["error"]["status"]),
        (StatusCode::UNAUTHORIZED, &json!("UNAUTHENTICATED"))
    );
    let (status, error) = status_and_json(
        client()
            .post(url("other-project", "gemini-2.5-flash"))
            .bearer_auth(creds::GOOGLE_ACCESS_TOKEN)
            .json(&body),
    )
    .await?;
    assert_eq!(
        (status, &error["error"]["status"]),
        (StatusCode::FORBIDDEN, &json!("PERMISSION_DENIED"))
    );
    let (status, error) = status_and_json(
        client()
            .post(url(creds::GCP_PROJECT, "gemini-not-found"))
            .bearer_auth(creds::GOOGLE_ACCESS_TOKEN)
            .json(&body),
    )
    .await?;
    assert_eq!(
        (status, &error["error"]["status"]),
        (StatusCode::NOT_FOUND, &json!("NOT_FOUND"))
    );

    let response = client()
        .post(url(creds::GCP_PROJECT, "gemini-2.5-flash"))
        .bearer_auth(creds::GOOGLE_ACCESS_TOKEN)
        .json(&body)
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::OK);
    let (events, _) = parse_sse(&response.text().await?);
    let chunks: Vec<Value> = events.iter().map(json_of).collect();
    let text: String = chunks
        .iter()
        .filter_map(|c| c["candidates"][0]["content"]["parts"][0]["text"].as_str())
        .collect();
    assert_eq!(text, REPLY);
    let last = chunks.last().context("no chunks")?;
    assert_eq!(last["candidates"][0]["finishReason"], "STOP");
    assert_eq!(last["usageMetadata"]["candidatesTokenCount"], OUTPUT_TOKENS);
    Ok(())
}

#[tokio::test]
async fn vertex_claude_and_openapi_routes_check_their_bodies() -> Result<()> {
    let mock = MockProvider::start(MockKind::Vertex).await?;
    let base = format!(
        "{}/v1/projects/{}/locations/us-east5",
        mock.base_url(),
        creds::GCP_PROJECT
    );
    let claude = format!("{base}/publishers/anthropic/models/claude-sonnet-4-5:streamRawPredict");
    let messages = json!([{"role": "user", "content": "When?"}]);
    let (status, error) = status_and_json(
        client()
            .post(&claude)
            .bearer_auth(creds::GOOGLE_ACCESS_TOKEN)
            .json(&json!({"max_tokens": 10, "stream": true, "messages": messages})),
    )
    .await?;
    assert_eq!(
        (status, &error["error"]["type"]),
        (StatusCode::BAD_REQUEST, &json!("invalid_request_error"))
    );
    let response = client()
        .post(&claude)
        .bearer_auth(creds::GOOGLE_ACCESS_TOKEN)
        .json(&json!({"anthropic_version": "vertex-2023-10-16", "max_tokens": 10, "stream": true, "messages": messages}))
        .send()
        .await?;
    let (events, _) = parse_sse(&response.text().await?);
    assert_eq!(
        events.last().and_then(|e| e.event.as_deref()),
        Some("message_stop")
    );

    let openapi = format!("{base}/endpoints/openapi/chat/completions");
    let (status, _) = status_and_json(
        client()
            .post(&openapi)
            .bearer_auth(creds::GOOGLE_ACCESS_TOKEN)
            .json(&chat_body("gemini-2.5-flash", true)),
    )
    .await?;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "the model needs a publisher prefix"
    );
    let response = client()
        .post(&openapi)
        .bearer_auth(creds::GOOGLE_ACCESS_TOKEN)
        .json(&chat_body("google/gemini-2.5-flash", true))
        .send()
        .await?;
    assert_eq!(chat_text(&parse_sse(&response.text().await?).0), REPLY);
    Ok(())
}

// ------------------------------------------------------------------ Recording and abandonment

#[tokio::test]
async fn requests_are_recorded_as_sent() -> Result<()> {
    let mock = MockProvider::start(MockKind::Azure).await?;
    let path = "/openai/deployments/chat/chat/completions?api-version=2024-10-21";
    client()
        .post(format!("{}{path}", mock.base_url()))
        .header("api-key", creds::API_KEY)
        .json(&chat_body("ignored", false))
        .send()
        .await?
        .bytes()
        .await?;
    let requests = mock.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        (requests[0].method.as_str(), requests[0].path.as_str()),
        ("POST", path)
    );
    assert_eq!(requests[0].header("API-KEY"), Some(creds::API_KEY));
    assert_eq!(requests[0].json(), Some(chat_body("ignored", false)));
    Ok(())
}

/// Polls until `condition` holds (the server sees a closed connection a little after the client).
async fn eventually(condition: impl Fn() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if condition() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    condition()
}

#[tokio::test]
async fn abandoned_streams_counts_clients_that_leave_mid_stream() -> Result<()> {
    let mock = MockProvider::start(MockKind::OpenAi).await?;
    // Read to the end: not abandoned.
    openai_chat(&mock, creds::API_KEY, chat_body("gpt-4.1-mini", true))
        .send()
        .await?
        .text()
        .await?;
    // The mock cuts "drop" streams itself: the client sees an error, nothing is abandoned.
    let cut = openai_chat(&mock, creds::API_KEY, chat_body("gpt-drop", true))
        .send()
        .await?
        .text()
        .await;
    assert!(cut.is_err(), "a dropped stream must end in a body error");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(mock.abandoned_streams(), 0);

    let response = openai_chat(&mock, creds::API_KEY, chat_body("gpt-slow", true))
        .send()
        .await?;
    let mut body = response.bytes_stream();
    let mut received = 0;
    while received < 3 {
        body.next().await.context("stream ended early")??;
        received += 1;
    }
    drop(body);
    ensure!(
        eventually(|| mock.abandoned_streams() == 1).await,
        "abandoned_streams() = {}, expected 1",
        mock.abandoned_streams()
    );
    Ok(())
}
