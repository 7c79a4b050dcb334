//! AWS Bedrock runtime: Converse / ConverseStream (binary event stream) and the OpenAI-compatible
//! route, authenticated by SigV4 (recomputed from the received request) or a Bedrock API key.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_eventstream::frame::write_message_to;
use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{self, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

use super::openai::{self, Flavor};
use super::scenario::Scenario;
use super::stream::Script;
use super::{AppState, INPUT_TOKENS, Shared, creds, parse_json};

const EVENT_STREAM: &str = "application/vnd.amazon.eventstream";
/// AWS refuses signatures whose X-Amz-Date is further than this from its clock.
const MAX_CLOCK_SKEW: Duration = Duration::from_secs(5 * 60);
const SIGNATURE_MISMATCH: &str = "The request signature we calculated does not match the signature \
     you provided. Check your AWS Secret Access Key and signing method. Consult the service \
     documentation for details.";

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/model/{model_id}/converse-stream", post(converse_stream))
        .route("/model/{model_id}/converse", post(converse))
        .route("/openai/v1/chat/completions", post(openai_chat))
}

/// An AWS JSON-protocol error: the code in `x-amzn-ErrorType`, the body `{"message"}`.
pub(crate) fn error(status: StatusCode, kind: &str, message: &str) -> Response {
    let mut response = (status, axum::Json(json!({"message": message}))).into_response();
    let headers = response.headers_mut();
    if let Ok(value) = http::HeaderValue::from_str(&format!(
        "{kind}:http://internal.amazon.com/coral/com.amazon.bedrock/"
    )) {
        headers.insert("x-amzn-errortype", value);
    }
    headers.insert(
        "x-amzn-requestid",
        http::HeaderValue::from_static("00000000-0000-0000-0000-000000000000"),
    );
    response
}

async fn converse_stream(
    State(shared): State<AppState>,
    Path(model_id): Path<String>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(refusal) = authorize(&uri, &headers, &body, SystemTime::now()) {
        return refusal;
    }
    answer(&shared, &model_id, &body, true)
}

async fn converse(
    State(shared): State<AppState>,
    Path(model_id): Path<String>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(refusal) = authorize(&uri, &headers, &body, SystemTime::now()) {
        return refusal;
    }
    answer(&shared, &model_id, &body, false)
}

async fn openai_chat(
    State(shared): State<AppState>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(refusal) = authorize(&uri, &headers, &body, SystemTime::now()) {
        return refusal;
    }
    openai::chat_completions(&shared, Flavor::Bedrock, None, &body)
}

/// Bearer API key, or a SigV4 signature that matches the one recomputed from this request.
fn authorize(
    uri: &http::Uri,
    headers: &HeaderMap,
    body: &[u8],
    now: SystemTime,
) -> Result<(), Response> {
    let Some(authorization) = headers.get("authorization").and_then(|v| v.to_str().ok()) else {
        return Err(error(
            StatusCode::FORBIDDEN,
            "MissingAuthenticationTokenException",
            "Missing Authentication Token",
        ));
    };
    if let Some(key) = authorization.strip_prefix("Bearer ") {
        return if key == creds::BEDROCK_API_KEY {
            Ok(())
        } else {
            Err(unrecognized_client())
        };
    }
    let path = uri.path_and_query().map_or(uri.path(), |pq| pq.as_str());
    verify_sigv4(Method::POST.as_str(), path, headers, body, now)
}

fn unrecognized_client() -> Response {
    error(
        StatusCode::FORBIDDEN,
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
    )
}

fn invalid_signature(message: &str) -> Response {
    error(StatusCode::FORBIDDEN, "InvalidSignatureException", message)
}

/// The parts of `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
struct SigV4Header<'a> {
    access_key: &'a str,
    region: &'a str,
    service: &'a str,
    signed_headers: Vec<&'a str>,
    signature: &'a str,
}

fn parse_authorization(value: &str) -> Option<SigV4Header<'_>> {
    let fields = value.strip_prefix("AWS4-HMAC-SHA256 ")?;
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for field in fields.split(',') {
        match field.trim().split_once('=')? {
            ("Credential", v) => credential = Some(v),
            ("SignedHeaders", v) => signed_headers = Some(v),
            ("Signature", v) => signature = Some(v),
            _ => {}
        }
    }
    // Credential = AKID/yyyymmdd/region/service/aws4_request
    let mut scope = credential?.split('/');
    let access_key = scope.next()?;
    let _date = scope.next()?;
    let region = scope.next()?;
    let service = scope.next()?;
    Some(SigV4Header {
        access_key,
        region,
        service,
        signed_headers: signed_headers?.split(';').collect(),
        signature: signature?,
    })
}

/// Recomputes the signature with aws-sigv4 from the received request: the raw path, the signed
/// headers as received (host with its port), the body bytes and X-Amz-Date as the signing time.
pub(crate) fn verify_sigv4(
    method: &str,
    path_and_query: &str,
    headers: &HeaderMap,
    body: &[u8],
    now: SystemTime,
) -> Result<(), Response> {
    let authorization = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let Some(auth) = parse_authorization(authorization) else {
        return Err(error(
            StatusCode::FORBIDDEN,
            "IncompleteSignatureException",
            &format!(
                "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters. Authorization={authorization}"
            ),
        ));
    };
    if auth.access_key != creds::AWS_ACCESS_KEY_ID {
        return Err(unrecognized_client());
    }
    if auth.service != "bedrock" {
        return Err(invalid_signature(
            "Credential should be scoped to correct service: 'bedrock'. ",
        ));
    }
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let session_token = if auth.signed_headers.contains(&"x-amz-security-token") {
        match header("x-amz-security-token") {
            Some(creds::AWS_SESSION_TOKEN) => Some(creds::AWS_SESSION_TOKEN.to_owned()),
            _ => return Err(unrecognized_client()),
        }
    } else {
        None
    };
    let Some(amz_date) = header("x-amz-date") else {
        return Err(invalid_signature("Missing X-Amz-Date"));
    };
    let Some(signed_at) = parse_amz_date(amz_date) else {
        return Err(invalid_signature(&format!(
            "Invalid X-Amz-Date {amz_date:?}"
        )));
    };
    let skew = now
        .duration_since(signed_at)
        .unwrap_or_else(|e| e.duration());
    if skew > MAX_CLOCK_SKEW {
        return Err(invalid_signature(&format!(
            "Signature expired: {amz_date} is now earlier or later than the server time allows \
             (5 min.)"
        )));
    }
    let Some(host) = header("host") else {
        return Err(invalid_signature(SIGNATURE_MISMATCH));
    };

    let mut signed = Vec::new();
    for name in &auth.signed_headers {
        let values: Vec<&str> = headers
            .get_all(*name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        if values.is_empty() {
            return Err(invalid_signature(SIGNATURE_MISMATCH));
        }
        signed.push((*name, values.join(",")));
    }
    let identity = Credentials::new(
        creds::AWS_ACCESS_KEY_ID,
        creds::AWS_SECRET_ACCESS_KEY,
        session_token,
        None,
        "mock",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(auth.region)
        .name(auth.service)
        .time(signed_at)
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| invalid_signature(&e.to_string()))?
        .into();
    let url = format!("http://{host}{path_and_query}");
    let request = SignableRequest::new(
        method,
        url,
        signed.iter().map(|(n, v)| (*n, v.as_str())),
        SignableBody::Bytes(body),
    )
    .map_err(|e| invalid_signature(&e.to_string()))?;
    let expected = sign(request, &params).map_err(|e| invalid_signature(&e.to_string()))?;
    if expected.signature() == auth.signature {
        Ok(())
    } else {
        Err(invalid_signature(SIGNATURE_MISMATCH))
    }
}

/// `20260101T000000Z` → time.
fn parse_amz_date(value: &str) -> Option<SystemTime> {
    let digits = |range: std::ops::Range<usize>| value.get(range)?.parse::<u64>().ok();
    if value.len() != 16 || value.as_bytes()[8] != b'T' || !value.ends_with('Z') {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(4..6)?, digits(6..8)?);
    let (hour, minute, second) = (digits(9..11)?, digits(11..13)?, digits(13..15)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    // Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
    let (y, m) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = y / 400;
    let year_of_era = y - era * 400;
    let day_of_year = (153 * m + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = (era * 146_097 + day_of_era).checked_sub(719_468)?;
    Some(UNIX_EPOCH + Duration::from_secs(days * 86_400 + hour * 3600 + minute * 60 + second))
}

/// Bedrock's answers for the scenarios that fail before streaming.
fn scenario_error(scenario: Scenario, model_id: &str) -> Option<Response> {
    let response = match scenario {
        Scenario::RateLimited | Scenario::RateLimitedOnce => error(
            StatusCode::TOO_MANY_REQUESTS,
            "ThrottlingException",
            "Too many requests, please wait before trying again.",
        ),
        Scenario::ServerError => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerException",
            "The system encountered an unexpected error during processing. Try your request again.",
        ),
        Scenario::Overloaded => error(
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailableException",
            "Bedrock is unable to process your request.",
        ),
        Scenario::NotFound => error(
            StatusCode::NOT_FOUND,
            "ResourceNotFoundException",
            "Could not resolve the foundation model from the provided model identifier.",
        ),
        // AWS writes this message with a typographic apostrophe.
        Scenario::OnDemand => error(
            StatusCode::BAD_REQUEST,
            "ValidationException",
            &format!(
                "Invocation of model ID {model_id} with on-demand throughput isn\u{2019}t supported. \
                 Retry your request with the ID or ARN of an inference profile that contains this model."
            ),
        ),
        Scenario::Quota | Scenario::PromptFilter | Scenario::Retention => error(
            StatusCode::BAD_REQUEST,
            "ValidationException",
            &format!(
                "mock: scenario '{}' does not exist for this protocol",
                scenario.word()
            ),
        ),
        _ => return None,
    };
    Some(response)
}

fn answer(shared: &Shared, model_id: &str, body: &Bytes, stream: bool) -> Response {
    let Some(request) = parse_json(body) else {
        return error(
            StatusCode::BAD_REQUEST,
            "SerializationException",
            "Unable to parse the request body as JSON.",
        );
    };
    if !request["messages"].is_array() {
        return error(
            StatusCode::BAD_REQUEST,
            "ValidationException",
            "1 validation error detected: Value null at 'messages' failed to satisfy constraint: \
             Member must not be null",
        );
    }
    let scenario = shared.scenario(model_id);
    if let Some(response) = scenario_error(scenario, model_id) {
        return response;
    }
    if !stream {
        return axum::Json(json!({
            "output": {"message": {"role": "assistant", "content": [{"text": scenario.text_chunks().concat()}]}},
            "stopReason": stop_reason(scenario),
            "usage": usage(scenario),
            "metrics": {"latencyMs": 120}
        }))
        .into_response();
    }
    let mut response =
        converse_script(scenario).into_response(EVENT_STREAM, scenario.pace(), &shared.abandoned);
    response.headers_mut().insert(
        "x-amzn-requestid",
        http::HeaderValue::from_static("00000000-0000-0000-0000-000000000000"),
    );
    response
}

fn stop_reason(scenario: Scenario) -> &'static str {
    if scenario == Scenario::ContentFilter {
        "content_filtered"
    } else {
        "end_turn"
    }
}

fn usage(scenario: Scenario) -> Value {
    let output = scenario.output_tokens();
    json!({"inputTokens": INPUT_TOKENS, "outputTokens": output, "totalTokens": INPUT_TOKENS + output})
}

/// One event-stream message, encoded with the AWS SDK's own frame writer.
fn frame(
    message_type: &str,
    type_header: (&'static str, &str),
    payload: impl Into<Bytes>,
) -> Vec<u8> {
    let message = Message::new(payload)
        .add_header(Header::new(
            ":message-type",
            HeaderValue::String(message_type.to_owned().into()),
        ))
        .add_header(Header::new(
            type_header.0,
            HeaderValue::String(type_header.1.to_owned().into()),
        ))
        .add_header(Header::new(
            ":content-type",
            HeaderValue::String("application/json".into()),
        ));
    let mut bytes = Vec::new();
    write_message_to(&message, &mut bytes).expect("a small message always encodes");
    bytes
}

fn event(event_type: &str, mut payload: Value, padding: usize) -> Vec<u8> {
    // Bedrock pads events with a "p" string of varying length (against length side channels).
    const ALPHABET: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    payload["p"] = json!(&ALPHABET[..(padding * 7) % ALPHABET.len() + 1]);
    frame("event", (":event-type", event_type), payload.to_string())
}

fn converse_script(scenario: Scenario) -> Script {
    let mut script = Script::default();
    script.push(event("messageStart", json!({"role": "assistant"}), 0));
    let texts = scenario.text_chunks();
    for (i, text) in texts.iter().enumerate() {
        script.push(event(
            "contentBlockDelta",
            json!({"contentBlockIndex": 0, "delta": {"text": text}}),
            i + 1,
        ));
    }
    match scenario {
        Scenario::MidstreamError => {
            script.push(frame(
                "exception",
                (":exception-type", "modelStreamErrorException"),
                json!({
                    "message": "The model stream failed: the model is overloaded.",
                    "originalStatusCode": 529,
                    "originalMessage": "Overloaded"
                })
                .to_string(),
            ));
            return script;
        }
        Scenario::Drop => {
            script.cut();
            return script;
        }
        Scenario::BadCrc => {
            let mut broken = event(
                "contentBlockDelta",
                json!({"contentBlockIndex": 0, "delta": {"text": "corrupted"}}),
                9,
            );
            if let Some(last) = broken.last_mut() {
                *last ^= 0xff;
            }
            script.push(broken);
            return script;
        }
        Scenario::Malformed => {
            script.push(frame(
                "event",
                (":event-type", "contentBlockDelta"),
                r#"{"contentBlockIndex":0,"delta":"#,
            ));
        }
        _ => {}
    }
    script.push(event(
        "contentBlockStop",
        json!({"contentBlockIndex": 0}),
        6,
    ));
    script.push(event(
        "messageStop",
        json!({"stopReason": stop_reason(scenario)}),
        7,
    ));
    // Usage comes after messageStop, in its own metadata event.
    script.push(event(
        "metadata",
        json!({"usage": usage(scenario), "metrics": {"latencyMs": 120}}),
        8,
    ));
    script
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The vector in PROVIDERS.md §8, computed by aws-sigv4 and an independent implementation.
    fn reference_request() -> (HeaderMap, &'static [u8]) {
        let mut headers = HeaderMap::new();
        headers.insert("host", "127.0.0.1:38080".parse().unwrap());
        headers.insert("content-type", "application/json".parse().unwrap());
        headers.insert("x-amz-date", "20260101T000000Z".parse().unwrap());
        headers.insert("x-amz-security-token", "SESSIONTOKEN".parse().unwrap());
        headers.insert(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/bedrock/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, \
             Signature=7d19d5de825e150d677b6f6ceadb49cddb4134e5e53a1a2435ad63fbc2dcaa37"
                .parse()
                .unwrap(),
        );
        (
            headers,
            br#"{"messages":[{"role":"user","content":[{"text":"hi"}]}]}"#,
        )
    }

    const PATH: &str = "/model/us.anthropic.claude-3-5-haiku-20241022-v1%3A0/converse-stream";

    #[test]
    fn accepts_the_reference_signature_and_rejects_a_changed_body() {
        let (headers, body) = reference_request();
        let signed_at = parse_amz_date("20260101T000000Z").unwrap();
        assert!(verify_sigv4("POST", PATH, &headers, body, signed_at).is_ok());
        let refusal = verify_sigv4("POST", PATH, &headers, b"{}", signed_at).unwrap_err();
        assert_eq!(refusal.status(), StatusCode::FORBIDDEN);
        let late = signed_at + Duration::from_secs(3600);
        assert!(verify_sigv4("POST", PATH, &headers, body, late).is_err());
    }

    #[test]
    fn amz_dates_parse_to_unix_time() {
        let at = |s| {
            parse_amz_date(s)
                .unwrap()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_secs()
        };
        assert_eq!(at("19700101T000000Z"), 0);
        assert_eq!(at("20260101T000000Z"), 1_767_225_600);
        assert_eq!(at("20240229T235959Z"), 1_709_251_199);
        assert!(parse_amz_date("2026-01-01T00:00:00Z").is_none());
    }
}
