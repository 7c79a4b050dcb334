use std::time::Duration;

use super::*;
use crate::providers::google::auth::tests::{TOKEN_OK, TokenServer, credentials, key_json};
use crate::providers::sse::tests::decode_all;
use crate::providers::{Message, ProviderKind};

fn ctx() -> AdapterContext {
    AdapterContext::new(reqwest::Client::new())
}

fn profile(location: &str) -> ProviderProfile {
    let mut p = ProviderProfile::new("vertex-eu", ProviderKind::VertexGemini).expect("profile");
    p.region = Some(location.to_owned());
    p.model = Some("gemini-2.5-flash".to_owned());
    p
}

fn key() -> Credentials {
    credentials(&key_json(
        "sa@mock-project.iam.gserviceaccount.com",
        "https://oauth2.googleapis.com/token",
    ))
}

fn adapter(profile: &ProviderProfile) -> GeminiAdapter {
    GeminiAdapter::new(&ctx(), profile, &key()).expect("adapter")
}

// ---- URL and body ----------------------------------------------------------------------------

#[test]
fn url_for_a_region_uses_the_regional_host_and_the_key_files_project() {
    assert_eq!(
        adapter(&profile("europe-west4")).url.as_str(),
        "https://europe-west4-aiplatform.googleapis.com/v1/projects/mock-project/locations/\
         europe-west4/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
    );
}

#[test]
fn url_for_global_uses_the_global_host_and_the_profile_project_wins() {
    let mut p = profile("global");
    p.project = Some("firm-prod".to_owned());
    assert_eq!(
        adapter(&p).url.as_str(),
        "https://aiplatform.googleapis.com/v1/projects/firm-prod/locations/global/publishers/\
         google/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
    );
}

#[test]
fn base_url_overrides_the_host() {
    let mut p = profile("us-central1");
    p.base_url = Some("http://127.0.0.1:38081/".to_owned());
    p.model = Some("gemini-2.5-pro:latest".to_owned());
    assert_eq!(
        adapter(&p).url.as_str(),
        "http://127.0.0.1:38081/v1/projects/mock-project/locations/us-central1/publishers/\
         google/models/gemini-2.5-pro%3Alatest:streamGenerateContent?alt=sse"
    );
}

#[test]
fn profile_problems_are_configuration_errors() {
    let mut p = profile("europe-west4");
    p.region = None;
    let e = GeminiAdapter::new(&ctx(), &p, &key())
        .err()
        .expect("no location");
    assert_eq!(e.kind(), ProviderErrorKind::Configuration);
    assert!(e.message().contains("location"));

    let mut p = profile("europe-west4");
    p.model = None;
    let e = GeminiAdapter::new(&ctx(), &p, &key())
        .err()
        .expect("no model");
    assert_eq!(e.kind(), ProviderErrorKind::Configuration);

    let e = GeminiAdapter::new(&ctx(), &profile("europe-west4"), &Credentials::default())
        .err()
        .expect("no key");
    assert!(
        e.message()
            .contains("casefile-admin secret set vertex-eu service_account_json")
    );
}

#[test]
fn body_matches_the_gemini_shape_exactly() {
    let request = ChatRequest {
        system: Some("You draft immigration case notes.".to_owned()),
        messages: vec![
            Message::user("Summarize the RFE."),
            Message::assistant("The RFE asks for"),
            Message::user("Continue."),
        ],
        temperature: Some(0.2),
        max_tokens: Some(800),
        stop_sequences: vec!["END".to_owned(), String::new()],
    };
    assert_eq!(
        serde_json::to_string(&gemini_body(&request)).expect("json"),
        r#"{"systemInstruction":{"parts":[{"text":"You draft immigration case notes."}]},"contents":[{"role":"user","parts":[{"text":"Summarize the RFE."}]},{"role":"model","parts":[{"text":"The RFE asks for"}]},{"role":"user","parts":[{"text":"Continue."}]}],"generationConfig":{"maxOutputTokens":800,"temperature":0.2,"stopSequences":["END"]}}"#
    );
}

#[test]
fn body_without_options_has_no_generation_config_and_temperature_is_clamped() {
    let request = ChatRequest {
        messages: vec![Message::user("hi")],
        ..ChatRequest::default()
    };
    assert_eq!(
        serde_json::to_string(&gemini_body(&request)).expect("json"),
        r#"{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}"#
    );
    let request = ChatRequest {
        temperature: Some(3.5),
        ..request
    };
    let value = serde_json::to_value(gemini_body(&request)).expect("json");
    assert_eq!(value["generationConfig"]["temperature"], 2.0);
}

#[tokio::test]
async fn prepare_fetches_a_token_and_sends_it_as_bearer() {
    let server = TokenServer::start(200, TOKEN_OK, Duration::ZERO).await;
    let creds = credentials(&key_json("sa@mock-project.iam", &server.url));
    let a = GeminiAdapter::new(&ctx(), &profile("europe-west4"), &creds).expect("adapter");
    let request = ChatRequest {
        messages: vec![Message::user("hi")],
        ..ChatRequest::default()
    };
    let wire = a.prepare(&request).await.expect("prepared");
    let auth = wire.headers.get("authorization").expect("auth");
    assert_eq!(auth, "Bearer ya29.mock-token");
    assert!(auth.is_sensitive());
    assert_eq!(
        wire.headers.get("content-type").expect("ct"),
        "application/json"
    );
    a.prepare(&request).await.expect("prepared again");
    assert_eq!(server.count(), 1, "the token is cached across requests");
}

// ---- Stream ----------------------------------------------------------------------------------

fn decode(body: &str) -> Vec<Result<StreamEvent, ProviderError>> {
    decode_all(
        body.as_bytes(),
        GeminiDecoder::new("vertex", "gemini-2.5-flash", "europe-west4"),
    )
}

fn text(t: &str) -> Result<StreamEvent, ProviderError> {
    Ok(StreamEvent::TextDelta { text: t.to_owned() })
}

#[test]
fn a_normal_stream_skips_thoughts_and_ends_with_the_last_usage() {
    let body = concat!(
        ": keep-alive\r\n\r\n",
        "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"Weighing the RFE\",\"thought\":true}]}}],",
        "\"usageMetadata\":{\"promptTokenCount\":12,\"thoughtsTokenCount\":4}}\r\n\r\n",
        "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"Biometrics are \"}]}}],",
        "\"usageMetadata\":{\"promptTokenCount\":12,\"candidatesTokenCount\":3,\"thoughtsTokenCount\":4}}\r\n\r\n",
        "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"on März 3.\"},{\"text\":\"\"}]},",
        "\"finishReason\":\"STOP\"}],\"usageMetadata\":{\"promptTokenCount\":12,\"candidatesTokenCount\":9,",
        "\"thoughtsTokenCount\":4,\"totalTokenCount\":25},\"modelVersion\":\"gemini-2.5-flash\"}\r\n\r\n",
    );
    assert_eq!(
        decode(body),
        vec![
            text("Biometrics are "),
            text("on März 3."),
            Ok(StreamEvent::Stop {
                reason: StopReason::Completed
            }),
            Ok(StreamEvent::Usage {
                usage: Usage {
                    input_tokens: 12,
                    output_tokens: 13,
                },
            }),
        ]
    );
}

#[test]
fn usage_after_the_finish_chunk_still_counts() {
    let body = "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hi\"}]},\"finishReason\":\"MAX_TOKENS\"}],\"usageMetadata\":{\"promptTokenCount\":1,\"candidatesTokenCount\":1}}\n\n\
                data: {\"usageMetadata\":{\"promptTokenCount\":5,\"candidatesTokenCount\":7}}\n\n";
    assert_eq!(
        decode(body),
        vec![
            text("Hi"),
            Ok(StreamEvent::Stop {
                reason: StopReason::MaxTokens
            }),
            Ok(StreamEvent::Usage {
                usage: Usage {
                    input_tokens: 5,
                    output_tokens: 7,
                },
            }),
        ]
    );
}

#[test]
fn finish_reasons_map_as_documented() {
    for (reason, expected) in [
        ("STOP", StopReason::Completed),
        ("MAX_TOKENS", StopReason::MaxTokens),
        ("SAFETY", StopReason::ContentFilter),
        ("RECITATION", StopReason::ContentFilter),
        ("BLOCKLIST", StopReason::ContentFilter),
        ("PROHIBITED_CONTENT", StopReason::ContentFilter),
        ("SPII", StopReason::ContentFilter),
        (
            "MALFORMED_FUNCTION_CALL",
            StopReason::Other("MALFORMED_FUNCTION_CALL".to_owned()),
        ),
    ] {
        let body = format!("data: {{\"candidates\":[{{\"finishReason\":\"{reason}\"}}]}}\n\n");
        assert_eq!(
            decode(&body),
            vec![Ok(StreamEvent::Stop { reason: expected })],
            "{reason}"
        );
    }
}

#[test]
fn end_without_a_finish_reason_is_cut_off() {
    let body = "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Bio\"}]}}]}\n\n";
    let events = decode(body);
    assert_eq!(events.len(), 2);
    assert_eq!(events[0], text("Bio"));
    let error = events[1].clone().expect_err("cut off");
    assert!(error.message().contains("cut off"), "{error}");
}

#[test]
fn a_blocked_prompt_is_a_content_filter_error() {
    let body = "data: {\"promptFeedback\":{\"blockReason\":\"SAFETY\",\"blockReasonMessage\":\"unsafe\"},\"usageMetadata\":{\"promptTokenCount\":9}}\n\n";
    let events = decode(body);
    assert_eq!(events.len(), 1);
    let error = events[0].clone().expect_err("blocked");
    assert_eq!(error.kind(), ProviderErrorKind::ContentFiltered);
    assert!(error.message().contains("SAFETY"));
}

#[test]
fn an_error_envelope_in_the_stream_is_a_typed_error() {
    for (status, code, kind) in [
        ("RESOURCE_EXHAUSTED", 429, ProviderErrorKind::RateLimited),
        ("UNAVAILABLE", 503, ProviderErrorKind::Overloaded),
        ("INTERNAL", 500, ProviderErrorKind::Server),
    ] {
        let body = format!(
            "data: {{\"candidates\":[{{\"content\":{{\"parts\":[{{\"text\":\"Bio\"}}]}}}}]}}\n\n\
             data: {{\"error\":{{\"code\":{code},\"message\":\"m\",\"status\":\"{status}\"}}}}\n\n"
        );
        let events = decode(&body);
        assert_eq!(events.len(), 2, "{status}");
        assert_eq!(events[0], text("Bio"));
        let error = events[1].clone().expect_err(status);
        assert_eq!(error.kind(), kind, "{status}");
        assert_eq!(error.status(), Some(code));
    }
}

#[test]
fn a_malformed_chunk_is_a_protocol_error() {
    let events = decode("data: {\"candidates\":[\n\n");
    assert_eq!(
        events[0].clone().expect_err("malformed").kind(),
        ProviderErrorKind::Protocol
    );
}

// ---- HTTP errors -----------------------------------------------------------------------------

fn http(status: u16, body: &str) -> ProviderError {
    adapter(&profile("europe-west4")).error_from_response(
        status,
        &HeaderMap::new(),
        body.as_bytes(),
    )
}

#[test]
fn not_found_suggests_global_or_another_region() {
    let e = http(
        404,
        r#"{"error":{"code":404,"message":"Publisher Model `gemini-2.5-flash` not found.","status":"NOT_FOUND"}}"#,
    );
    assert_eq!(e.kind(), ProviderErrorKind::NotFound);
    assert_eq!(e.status(), Some(404));
    assert!(e.message().contains("not offered in region europe-west4"));
    assert!(
        e.message()
            .contains("Try location global or another region")
    );
}

#[test]
fn permission_denied_says_enable_the_api_and_grant_the_role() {
    let e = http(
        403,
        r#"[{"error":{"code":403,"message":"Vertex AI API has not been used in project 1","status":"PERMISSION_DENIED"}}]"#,
    );
    assert_eq!(e.kind(), ProviderErrorKind::PermissionDenied);
    assert!(e.message().contains("enable the Vertex AI API"));
    assert!(e.message().contains("roles/aiplatform.user"));
}

#[test]
fn other_statuses_map_to_kinds() {
    let cases = [
        (
            401,
            r#"{"error":{"code":401,"status":"UNAUTHENTICATED"}}"#,
            ProviderErrorKind::Authentication,
        ),
        (
            429,
            r#"{"error":{"code":429,"message":"Resource exhausted","status":"RESOURCE_EXHAUSTED"}}"#,
            ProviderErrorKind::RateLimited,
        ),
        (
            503,
            r#"{"error":{"code":503,"status":"UNAVAILABLE"}}"#,
            ProviderErrorKind::Overloaded,
        ),
        (
            400,
            r#"{"error":{"code":400,"message":"bad temperature","status":"INVALID_ARGUMENT"}}"#,
            ProviderErrorKind::BadRequest,
        ),
        (502, "<html>Bad Gateway</html>", ProviderErrorKind::Server),
        (404, "", ProviderErrorKind::NotFound),
    ];
    for (status, body, kind) in cases {
        let e = http(status, body);
        assert_eq!(e.kind(), kind, "{status} {body}");
        assert_eq!(e.status(), Some(status));
    }
    assert!(
        http(
            400,
            r#"{"error":{"code":400,"message":"bad temperature","status":"INVALID_ARGUMENT"}}"#
        )
        .message()
        .contains("bad temperature")
    );
}
