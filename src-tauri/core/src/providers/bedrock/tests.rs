use futures_util::StreamExt;
use futures_util::stream;

use super::eventstream::tests::{GOLDEN_HEX, event, frame, hex};
use super::*;
use crate::providers::{CredentialField, Message, ProviderKind};
use crate::secrets::Secret;

fn ctx() -> AdapterContext {
    AdapterContext::new(reqwest::Client::new())
}

fn profile(model: &str) -> ProviderProfile {
    let mut p = ProviderProfile::new("aws-eu", ProviderKind::Bedrock).expect("profile");
    p.region = Some("eu-central-1".to_owned());
    p.model = Some(model.to_owned());
    p
}

fn api_key() -> Credentials {
    Credentials::default().with(
        CredentialField::BedrockApiKey,
        Secret::new("bedrock-api-key-mock"),
    )
}

fn access_keys() -> Credentials {
    Credentials::default()
        .with(CredentialField::AwsAccessKeyId, Secret::new("AKIDEXAMPLE"))
        .with(
            CredentialField::AwsSecretAccessKey,
            Secret::new("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        )
}

fn adapter(profile: &ProviderProfile) -> ConverseAdapter {
    ConverseAdapter::new(&ctx(), profile, &api_key()).expect("adapter")
}

// ---- URL and body ----------------------------------------------------------------------------

#[test]
fn url_encodes_an_inference_profile_id_as_one_segment() {
    let a = adapter(&profile("eu.anthropic.claude-3-5-haiku-20241022-v1:0"));
    assert_eq!(
        a.url.as_str(),
        "https://bedrock-runtime.eu-central-1.amazonaws.com/model/\
         eu.anthropic.claude-3-5-haiku-20241022-v1%3A0/converse-stream"
    );
}

#[test]
fn url_encodes_an_arn_as_one_segment() {
    let a = adapter(&profile(
        "arn:aws:bedrock:eu-central-1:123456789012:application-inference-profile/abc123",
    ));
    assert_eq!(
        a.url.as_str(),
        "https://bedrock-runtime.eu-central-1.amazonaws.com/model/\
         arn%3Aaws%3Abedrock%3Aeu-central-1%3A123456789012%3Aapplication-inference-profile%2Fabc123\
         /converse-stream"
    );
    assert_eq!(a.url.path_segments().expect("segments").count(), 3);
}

#[test]
fn base_url_overrides_the_host_and_keeps_its_port() {
    let mut p = profile("amazon.nova-lite-v1:0");
    p.base_url = Some("http://127.0.0.1:38080/".to_owned());
    assert_eq!(
        adapter(&p).url.as_str(),
        "http://127.0.0.1:38080/model/amazon.nova-lite-v1%3A0/converse-stream"
    );
}

#[test]
fn profile_problems_are_configuration_errors() {
    let mut p = profile("m");
    p.model = None;
    let e = ConverseAdapter::new(&ctx(), &p, &api_key())
        .err()
        .expect("no model");
    assert_eq!(e.kind(), ProviderErrorKind::Configuration);
    assert!(e.message().contains("no model"));

    let mut p = profile("m");
    p.region = Some("eu-central-1.evil.com/x".to_owned());
    let e = ConverseAdapter::new(&ctx(), &p, &api_key())
        .err()
        .expect("bad region");
    assert_eq!(e.kind(), ProviderErrorKind::Configuration);
    assert!(e.message().contains("region"));

    let mut p = profile("m");
    p.base_url = Some("not a url".to_owned());
    let e = ConverseAdapter::new(&ctx(), &p, &api_key())
        .err()
        .expect("bad url");
    assert_eq!(e.kind(), ProviderErrorKind::Configuration);
}

fn sample_request() -> ChatRequest {
    ChatRequest {
        system: Some("You draft immigration case notes.".to_owned()),
        messages: vec![
            Message::user("Summarize the RFE."),
            Message::assistant("The RFE asks for"),
            Message::user("Continue."),
        ],
        temperature: Some(0.2),
        max_tokens: Some(800),
        stop_sequences: vec!["\n\nEND".to_owned(), String::new()],
    }
}

#[test]
fn body_matches_the_converse_shape_exactly() {
    let body = serde_json::to_string(&converse_body(&sample_request())).expect("json");
    assert_eq!(
        body,
        r#"{"system":[{"text":"You draft immigration case notes."}],"messages":[{"role":"user","content":[{"text":"Summarize the RFE."}]},{"role":"assistant","content":[{"text":"The RFE asks for"}]},{"role":"user","content":[{"text":"Continue."}]}],"inferenceConfig":{"maxTokens":800,"temperature":0.2,"stopSequences":["\n\nEND"]}}"#
    );
}

#[test]
fn body_defaults_max_tokens_clamps_temperature_and_omits_empties() {
    let request = ChatRequest {
        system: Some("  ".to_owned()),
        messages: vec![Message::user("hi")],
        temperature: Some(1.7),
        max_tokens: None,
        stop_sequences: vec![String::new()],
    };
    assert_eq!(
        serde_json::to_string(&converse_body(&request)).expect("json"),
        r#"{"messages":[{"role":"user","content":[{"text":"hi"}]}],"inferenceConfig":{"maxTokens":4096,"temperature":1.0}}"#
    );
    let request = ChatRequest {
        temperature: Some(-0.5),
        ..request
    };
    let value = serde_json::to_value(converse_body(&request)).expect("json");
    assert_eq!(value["inferenceConfig"]["temperature"], 0.0);
    let request = ChatRequest {
        temperature: Some(f32::NAN),
        ..request
    };
    let value = serde_json::to_value(converse_body(&request)).expect("json");
    assert!(value["inferenceConfig"].get("temperature").is_none());
}

#[tokio::test]
async fn prepare_with_an_api_key_sends_a_bearer_token() {
    let a = adapter(&profile("m"));
    let wire = a.prepare(&sample_request()).await.expect("prepared");
    assert_eq!(
        wire.headers.get("authorization").expect("auth"),
        "Bearer bedrock-api-key-mock"
    );
    assert_eq!(
        wire.headers.get("content-type").expect("ct"),
        "application/json"
    );
    assert_eq!(
        wire.body,
        serde_json::to_vec(&converse_body(&sample_request())).expect("json")
    );
}

#[tokio::test]
async fn prepare_with_access_keys_signs_for_the_profile_region() {
    let a = ConverseAdapter::new(&ctx(), &profile("m"), &access_keys()).expect("adapter");
    let wire = a.prepare(&sample_request()).await.expect("prepared");
    let auth = wire
        .headers
        .get("authorization")
        .expect("auth")
        .to_str()
        .expect("ascii");
    assert!(auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"));
    assert!(auth.contains("/eu-central-1/bedrock/aws4_request"));
    assert!(wire.headers.get("x-amz-date").is_some());
    assert!(wire.headers.get("x-amz-security-token").is_none());
}

#[test]
fn sign_request_signs_an_openai_compatible_request() {
    let mut p = profile("openai.gpt-oss-120b-1:0");
    p.kind = ProviderKind::BedrockOpenAi;
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    let mut wire = WireRequest {
        url: reqwest::Url::parse(
            "https://bedrock-runtime.eu-central-1.amazonaws.com/openai/v1/chat/completions",
        )
        .expect("url"),
        headers,
        body: b"{}".to_vec(),
    };
    sign_request(&p, &access_keys(), &mut wire).expect("signed");
    let auth = wire.headers.get("authorization").expect("auth");
    assert!(
        auth.to_str()
            .expect("ascii")
            .contains("SignedHeaders=content-type;host;x-amz-date,")
    );
    sign_request(&p, &api_key(), &mut wire).expect("signed");
    assert_eq!(
        wire.headers.get("authorization").expect("auth"),
        "Bearer bedrock-api-key-mock"
    );
}

// ---- Stream ----------------------------------------------------------------------------------

fn normal_stream_bytes() -> Vec<u8> {
    let mut b = Vec::new();
    b.extend(event(
        "messageStart",
        r#"{"role":"assistant","p":"abcdefgh"}"#,
    ));
    b.extend(hex(GOLDEN_HEX)); // "Hello" with a "p" padding field
    b.extend(event(
        "contentBlockDelta",
        r#"{"contentBlockIndex":0,"delta":{"text":", world"},"p":"xy"}"#,
    ));
    b.extend(event(
        "contentBlockStop",
        r#"{"contentBlockIndex":0,"p":"abc"}"#,
    ));
    b.extend(event("messageStop", r#"{"stopReason":"end_turn","p":"a"}"#));
    b.extend(event(
        "metadata",
        r#"{"usage":{"inputTokens":12,"outputTokens":9,"totalTokens":21},"metrics":{"latencyMs":100},"p":"abcdef"}"#,
    ));
    b
}

async fn run(chunks: Vec<Result<Bytes, ProviderError>>) -> Vec<Result<StreamEvent, ProviderError>> {
    converse_stream(stream::iter(chunks).boxed())
        .collect()
        .await
}

fn split(bytes: &[u8], size: usize) -> Vec<Result<Bytes, ProviderError>> {
    bytes
        .chunks(size)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect()
}

fn expected_normal() -> Vec<Result<StreamEvent, ProviderError>> {
    vec![
        Ok(StreamEvent::TextDelta {
            text: "Hello".to_owned(),
        }),
        Ok(StreamEvent::TextDelta {
            text: ", world".to_owned(),
        }),
        Ok(StreamEvent::Stop {
            reason: StopReason::Completed,
        }),
        Ok(StreamEvent::Usage {
            usage: Usage {
                input_tokens: 12,
                output_tokens: 9,
            },
        }),
    ]
}

#[tokio::test]
async fn a_normal_stream_parses_at_any_chunk_boundary_and_keeps_usage_after_stop() {
    let bytes = normal_stream_bytes();
    for size in [
        1,
        2,
        3,
        5,
        7,
        11,
        12,
        13,
        16,
        64,
        161,
        162,
        163,
        500,
        bytes.len(),
    ] {
        assert_eq!(
            run(split(&bytes, size)).await,
            expected_normal(),
            "chunk size {size}"
        );
    }
}

#[tokio::test]
async fn an_exception_frame_ends_the_stream_with_a_typed_error() {
    let mut bytes = hex(GOLDEN_HEX);
    bytes.extend(frame(
        &[
            (":message-type", "exception"),
            (":exception-type", "throttlingException"),
            (":content-type", "application/json"),
        ],
        r#"{"message":"Too many tokens, please wait before trying again."}"#,
    ));
    bytes.extend(event("messageStop", r#"{"stopReason":"end_turn"}"#));
    let events = run(split(&bytes, 10)).await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(
        events[0],
        Ok(StreamEvent::TextDelta {
            text: "Hello".to_owned()
        })
    );
    let error = events[1].clone().expect_err("exception");
    assert_eq!(error.kind(), ProviderErrorKind::RateLimited);
    assert!(error.message().contains("Too many tokens"));
}

#[tokio::test]
async fn exception_types_map_to_error_kinds() {
    let cases = [
        ("throttlingException", ProviderErrorKind::RateLimited),
        ("serviceUnavailableException", ProviderErrorKind::Overloaded),
        ("validationException", ProviderErrorKind::BadRequest),
        ("modelStreamErrorException", ProviderErrorKind::Server),
        ("internalServerException", ProviderErrorKind::Server),
        ("modelTimeoutException", ProviderErrorKind::Timeout),
        ("somethingNewException", ProviderErrorKind::Server),
    ];
    for (exception, kind) in cases {
        let bytes = frame(
            &[
                (":message-type", "exception"),
                (":exception-type", exception),
            ],
            r#"{"message":"m","originalStatusCode":500}"#,
        );
        let events = run(split(&bytes, 4)).await;
        assert_eq!(events.len(), 1);
        assert_eq!(
            events[0].clone().expect_err(exception).kind(),
            kind,
            "{exception}"
        );
    }
    // `:message-type: error` frames carry the code in headers.
    let bytes = frame(
        &[
            (":message-type", "error"),
            (":error-code", "internalServerException"),
            (":error-message", "boom"),
        ],
        "",
    );
    let events = run(split(&bytes, 4)).await;
    let error = events[0].clone().expect_err("error frame");
    assert_eq!(error.kind(), ProviderErrorKind::Server);
    assert!(error.message().contains("boom"));
}

#[tokio::test]
async fn a_bad_crc_is_a_damaged_answer() {
    let mut bytes = hex(GOLDEN_HEX);
    let mut bad = event("contentBlockDelta", r#"{"delta":{"text":"x"}}"#);
    let n = bad.len();
    bad[n - 2] ^= 0xff;
    bytes.extend(bad);
    bytes.extend(event("messageStop", r#"{"stopReason":"end_turn"}"#));
    let events = run(split(&bytes, 9)).await;
    assert_eq!(events.len(), 2);
    assert!(events[0].is_ok());
    let error = events[1].clone().expect_err("damaged");
    assert_eq!(error.kind(), ProviderErrorKind::Protocol);
    assert!(error.message().contains("damaged"));
}

#[tokio::test]
async fn eof_before_message_stop_is_cut_off() {
    let bytes = hex(GOLDEN_HEX);
    let events = run(split(&bytes, 50)).await;
    assert_eq!(events.len(), 2);
    let error = events[1].clone().expect_err("cut off");
    assert!(error.message().contains("cut off"));

    // Also when the connection ends in the middle of a frame.
    let events = run(split(&bytes[..100], 50)).await;
    assert_eq!(events.len(), 1);
    assert!(
        events[0]
            .clone()
            .expect_err("cut")
            .message()
            .contains("cut off")
    );
}

#[tokio::test]
async fn eof_after_message_stop_without_metadata_is_a_complete_answer() {
    let mut bytes = hex(GOLDEN_HEX);
    bytes.extend(event("messageStop", r#"{"stopReason":"max_tokens"}"#));
    let events = run(split(&bytes, 33)).await;
    assert_eq!(
        events,
        vec![
            Ok(StreamEvent::TextDelta {
                text: "Hello".to_owned()
            }),
            Ok(StreamEvent::Stop {
                reason: StopReason::MaxTokens
            }),
        ]
    );
}

#[tokio::test]
async fn a_read_error_is_passed_on_and_ends_the_stream() {
    let mut chunks = split(&hex(GOLDEN_HEX), 200);
    chunks.push(Err(ProviderError::new(ProviderErrorKind::Network, "gone")));
    chunks.push(Ok(Bytes::from(event(
        "messageStop",
        r#"{"stopReason":"end_turn"}"#,
    ))));
    let events = run(chunks).await;
    assert_eq!(events.len(), 2);
    assert_eq!(
        events[1].clone().expect_err("network").kind(),
        ProviderErrorKind::Network
    );
}

#[tokio::test]
async fn unreadable_event_json_is_a_protocol_error() {
    let bytes = event("contentBlockDelta", "{not json");
    let events = run(split(&bytes, 100)).await;
    assert_eq!(
        events[0].clone().expect_err("protocol").kind(),
        ProviderErrorKind::Protocol
    );
}

#[tokio::test]
async fn reasoning_and_tool_deltas_are_not_shown_as_text() {
    let mut bytes = event(
        "contentBlockDelta",
        r#"{"contentBlockIndex":0,"delta":{"reasoningContent":{"text":"thinking"}}}"#,
    );
    bytes.extend(event("messageStop", r#"{"stopReason":"end_turn"}"#));
    let events = run(split(&bytes, 100)).await;
    assert_eq!(
        events,
        vec![Ok(StreamEvent::Stop {
            reason: StopReason::Completed
        })]
    );
}

#[test]
fn stop_reasons_map_as_documented() {
    assert_eq!(stop_reason("end_turn"), StopReason::Completed);
    assert_eq!(stop_reason("max_tokens"), StopReason::MaxTokens);
    assert_eq!(stop_reason("stop_sequence"), StopReason::StopSequence);
    assert_eq!(stop_reason("content_filtered"), StopReason::ContentFilter);
    assert_eq!(
        stop_reason("guardrail_intervened"),
        StopReason::ContentFilter
    );
    assert_eq!(
        stop_reason("model_context_window_exceeded"),
        StopReason::Other("model_context_window_exceeded".to_owned())
    );
}

// ---- HTTP errors -----------------------------------------------------------------------------

fn error(status: u16, error_type: Option<&str>, body: &str) -> ProviderError {
    let mut headers = HeaderMap::new();
    if let Some(t) = error_type {
        headers.insert(
            "x-amzn-ErrorType",
            HeaderValue::from_str(t).expect("header"),
        );
    }
    adapter(&profile("anthropic.claude-sonnet-4-5-20250929-v1:0")).error_from_response(
        status,
        &headers,
        body.as_bytes(),
    )
}

#[test]
fn on_demand_validation_errors_suggest_an_inference_profile() {
    let e = error(
        400,
        Some("ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/"),
        r#"{"message":"Invocation of model ID anthropic.claude-sonnet-4-5-20250929-v1:0 with on-demand throughput isn't supported. Retry your request with the ID or ARN of an inference profile that contains this model."}"#,
    );
    assert_eq!(e.kind(), ProviderErrorKind::BadRequest);
    assert_eq!(e.status(), Some(400));
    assert!(
        e.message().contains(
            "use an inference profile such as eu.anthropic.claude-sonnet-4-5-20250929-v1:0 or \
             us.anthropic.claude-sonnet-4-5-20250929-v1:0 (set the profile's model"
        ),
        "{e}"
    );
}

#[test]
fn other_validation_errors_pass_on_what_aws_said() {
    let e = error(
        400,
        None,
        r#"{"__type":"com.amazon.coral.validate#ValidationException","message":"maxTokens must be at most 8192"}"#,
    );
    assert_eq!(e.kind(), ProviderErrorKind::BadRequest);
    assert!(e.message().contains("maxTokens must be at most 8192"));
}

#[test]
fn access_denied_says_to_enable_model_access_in_the_region() {
    let e = error(
        403,
        Some("AccessDeniedException"),
        r#"{"message":"You don't have access to the model with the specified model ID."}"#,
    );
    assert_eq!(e.kind(), ProviderErrorKind::PermissionDenied);
    assert!(e.message().contains("enable model access"));
    assert!(e.message().contains("region eu-central-1"));
    assert!(e.message().contains("IAM"));
}

#[test]
fn bad_signatures_and_unknown_keys_are_authentication_errors() {
    for code in ["UnrecognizedClientException", "InvalidSignatureException"] {
        let e = error(
            403,
            Some(code),
            r#"{"message":"The security token is invalid."}"#,
        );
        assert_eq!(e.kind(), ProviderErrorKind::Authentication, "{code}");
    }
    // Code only in the body, lower-case `code`.
    let e = error(403, None, r#"{"code":"UnrecognizedClientException"}"#);
    assert_eq!(e.kind(), ProviderErrorKind::Authentication);
}

#[test]
fn not_found_names_model_and_region() {
    let e = error(
        404,
        Some("ResourceNotFoundException"),
        r#"{"message":"Model not found"}"#,
    );
    assert_eq!(e.kind(), ProviderErrorKind::NotFound);
    assert!(
        e.message()
            .contains("anthropic.claude-sonnet-4-5-20250929-v1:0")
    );
    assert!(e.message().contains("eu-central-1"));
}

#[test]
fn throttling_unavailable_and_server_errors() {
    let e = error(
        429,
        Some("ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/"),
        r#"{"message":"Too many requests"}"#,
    );
    assert_eq!(e.kind(), ProviderErrorKind::RateLimited);
    let e = error(
        503,
        Some("ServiceUnavailableException"),
        r#"{"message":"x"}"#,
    );
    assert_eq!(e.kind(), ProviderErrorKind::Overloaded);
    let e = error(500, Some("InternalServerException"), r#"{"message":"x"}"#);
    assert_eq!(e.kind(), ProviderErrorKind::Server);
    let e = error(502, None, "<html>Bad Gateway</html>");
    assert_eq!(e.kind(), ProviderErrorKind::Server);
    assert_eq!(e.status(), Some(502));
    let e = error(429, None, "");
    assert_eq!(e.kind(), ProviderErrorKind::RateLimited);
    let e = error(
        400,
        Some("ServiceQuotaExceededException"),
        r#"{"message":"q"}"#,
    );
    assert_eq!(e.kind(), ProviderErrorKind::QuotaExceeded);
}
