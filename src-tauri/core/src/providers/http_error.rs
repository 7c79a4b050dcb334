//! Pieces every adapter's error mapping uses: the provider's own words trimmed for display, the
//! command that fixes a credential, a fallback by HTTP status, and Google's error shape (Vertex AI
//! answers in it for Gemini, Claude and the OpenAI-compatible endpoint alike).

use reqwest::header::HeaderMap;
use serde::Deserialize;

use super::{CredentialField, ProviderError, ProviderErrorKind, retry};

/// Longest provider message shown; error bodies can carry whole HTML pages from proxies.
const MAX_EXCERPT_CHARS: usize = 300;

/// The provider's own message, on one line and cut to a readable length.
pub(crate) fn excerpt(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(MAX_EXCERPT_CHARS) {
        Some((cut, _)) => format!("{}…", &one_line[..cut]),
        None => one_line,
    }
}

/// The body as text for a message when it is not the JSON the provider documents.
pub(crate) fn body_excerpt(body: &[u8]) -> String {
    excerpt(&String::from_utf8_lossy(body))
}

/// The command an admin runs to store a credential of a profile.
pub(crate) fn secret_command(profile: &str, field: impl std::fmt::Display) -> String {
    format!("`casefile-admin secret set {profile} {field}`")
}

/// The kind an HTTP status means when the body says nothing more specific.
pub(crate) fn kind_for_status(status: u16) -> ProviderErrorKind {
    match status {
        400 | 413 | 422 => ProviderErrorKind::BadRequest,
        401 => ProviderErrorKind::Authentication,
        403 => ProviderErrorKind::PermissionDenied,
        404 => ProviderErrorKind::NotFound,
        408 | 504 => ProviderErrorKind::Timeout,
        429 => ProviderErrorKind::RateLimited,
        503 | 529 => ProviderErrorKind::Overloaded,
        500..=599 => ProviderErrorKind::Server,
        _ => ProviderErrorKind::Protocol,
    }
}

/// Attaches status and, for throttling, the wait the provider asked for.
pub(crate) fn finish(error: ProviderError, status: u16, headers: &HeaderMap) -> ProviderError {
    let retry_after = match error.kind() {
        ProviderErrorKind::RateLimited | ProviderErrorKind::Overloaded => {
            retry::requested_delay(headers)
        }
        _ => None,
    };
    error.with_status(status).with_retry_after(retry_after)
}

/// What to do about an error of `kind` that has no more specific advice.
pub(crate) fn generic_advice(kind: ProviderErrorKind) -> &'static str {
    match kind {
        ProviderErrorKind::RateLimited => {
            "Too many requests for now: wait a moment and send again."
        }
        ProviderErrorKind::Overloaded => {
            "The provider is overloaded: wait a moment and send again."
        }
        ProviderErrorKind::Server | ProviderErrorKind::Protocol => {
            "The provider failed on its side: send again later; if it persists, check the provider's status page."
        }
        ProviderErrorKind::Timeout => "The provider took too long: send again.",
        ProviderErrorKind::BadRequest => {
            "The provider rejected the request: check the profile's model and settings."
        }
        _ => "Check the profile's settings.",
    }
}

/// Google's error body: `{"error":{"code":404,"message":"…","status":"NOT_FOUND"}}`, sometimes
/// wrapped in a one-element array.
#[derive(Debug, Deserialize, PartialEq, Eq)]
pub(crate) struct GoogleError {
    #[serde(default)]
    pub message: String,
    /// The gRPC status name, e.g. `PERMISSION_DENIED`.
    #[serde(default)]
    pub status: String,
}

pub(crate) fn parse_google_error(body: &[u8]) -> Option<GoogleError> {
    #[derive(Deserialize)]
    struct Envelope {
        error: GoogleError,
    }
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrList {
        // First: serde would also read a one-element array as a struct, field by position.
        List(Vec<Envelope>),
        One(Envelope),
    }
    match serde_json::from_slice::<OneOrList>(body).ok()? {
        OneOrList::One(envelope) => Some(envelope.error),
        OneOrList::List(list) => list.into_iter().next().map(|e| e.error),
    }
}

/// What a Vertex AI request asked for, to word its errors.
pub(crate) struct VertexTarget<'a> {
    pub profile: &'a str,
    pub model: &'a str,
    pub location: &'a str,
}

/// Maps a Vertex AI error answer (Google's error envelope) to a typed error with its fix.
pub(crate) fn vertex_error(
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    target: &VertexTarget<'_>,
) -> ProviderError {
    let google = parse_google_error(body);
    let (grpc_status, message) = google
        .as_ref()
        .map_or(("", ""), |g| (g.status.as_str(), g.message.as_str()));
    finish(
        vertex_status_error(status, grpc_status, message, target),
        status,
        headers,
    )
}

/// A Vertex AI error, by gRPC status name when there is one, else by HTTP status. Also used for
/// an error envelope that arrives inside a stream.
pub(crate) fn vertex_status_error(
    status: u16,
    grpc_status: &str,
    message: &str,
    target: &VertexTarget<'_>,
) -> ProviderError {
    let VertexTarget {
        profile,
        model,
        location,
    } = *target;
    let said = if message.is_empty() {
        String::new()
    } else {
        format!(" (Google said: {})", excerpt(message))
    };
    use ProviderErrorKind::*;
    let effective = match grpc_status {
        "NOT_FOUND" => 404,
        "PERMISSION_DENIED" => 403,
        "UNAUTHENTICATED" => 401,
        "RESOURCE_EXHAUSTED" => 429,
        "UNAVAILABLE" => 503,
        "INVALID_ARGUMENT" | "FAILED_PRECONDITION" | "OUT_OF_RANGE" => 400,
        "DEADLINE_EXCEEDED" => 504,
        "INTERNAL" => 500,
        _ => status,
    };
    let (kind, text) = match effective {
        404 => (
            NotFound,
            format!(
                "Vertex AI has no model {model} in location {location}: the model is not offered \
                 in region {location} or its name is wrong. Try location global or another \
                 region, and check the model id{said}."
            ),
        ),
        403 => (
            PermissionDenied,
            format!(
                "The service account may not use Vertex AI here: enable the Vertex AI API for the \
                 project and grant the service account the Vertex AI User role \
                 (roles/aiplatform.user){said}."
            ),
        ),
        401 => (
            Authentication,
            format!(
                "Google did not accept the service account's access token. Check that the key \
                 is current and this computer's clock is right, or store a new key with {}{said}.",
                secret_command(profile, CredentialField::ServiceAccountJson)
            ),
        ),
        429 => (
            RateLimited,
            format!(
                "Vertex AI's quota for model {model} in location {location} is used up for now. \
                 Wait a moment and send again, or ask the Google Cloud admin for a higher quota."
            ),
        ),
        503 => (
            Overloaded,
            format!("Vertex AI is temporarily unavailable{said}. Send again in a moment."),
        ),
        504 => (
            Timeout,
            "Vertex AI took too long to answer. Send again.".to_owned(),
        ),
        400 => (
            BadRequest,
            format!("Vertex AI rejected the request for model {model}{said}."),
        ),
        500..=599 => (
            Server,
            format!("Vertex AI failed on its side (HTTP {status}){said}. Send again."),
        ),
        _ => (
            BadRequest,
            format!("Vertex AI refused the request (HTTP {status}){said}."),
        ),
    };
    ProviderError::new(kind, text).with_status(status)
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    #[test]
    fn excerpt_joins_lines_and_cuts_long_text() {
        assert_eq!(excerpt("  bad\n\r\n  request  "), "bad request");
        let long = "é".repeat(400);
        let cut = excerpt(&long);
        assert_eq!(cut.chars().count(), MAX_EXCERPT_CHARS + 1);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn google_error_in_both_shapes() {
        let one = br#"{"error":{"code":404,"message":"Publisher model not found.","status":"NOT_FOUND"}}"#;
        let list = br#"[{"error":{"code":403,"message":"Denied","status":"PERMISSION_DENIED"}}]"#;
        assert_eq!(
            parse_google_error(one),
            Some(GoogleError {
                message: "Publisher model not found.".into(),
                status: "NOT_FOUND".into()
            })
        );
        assert_eq!(
            parse_google_error(list).unwrap().status,
            "PERMISSION_DENIED"
        );
        assert_eq!(parse_google_error(b"<html>"), None);
    }

    fn target(model: &str) -> VertexTarget<'_> {
        VertexTarget {
            profile: "vertex",
            model,
            location: "europe-west4",
        }
    }

    #[test]
    fn vertex_errors_name_the_fix() {
        let none = HeaderMap::new();
        let not_found = vertex_error(404, &none, br#"{"error":{"code":404,"message":"Publisher Model `x` was not found","status":"NOT_FOUND"}}"#, &target("claude-x"));
        assert_eq!(not_found.kind(), ProviderErrorKind::NotFound);
        assert_eq!(not_found.status(), Some(404));
        assert!(not_found.message().contains("claude-x"), "{not_found}");
        assert!(not_found.message().contains("region"), "{not_found}");

        let unauthenticated = vertex_error(401, &none, b"", &target("m"));
        assert_eq!(unauthenticated.kind(), ProviderErrorKind::Authentication);
        assert!(
            unauthenticated
                .message()
                .contains("casefile-admin secret set vertex service_account_json"),
            "{unauthenticated}"
        );

        let mut retry = HeaderMap::new();
        retry.insert("retry-after", HeaderValue::from_static("3"));
        let exhausted = vertex_error(
            429,
            &retry,
            br#"{"error":{"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED"}}"#,
            &target("m"),
        );
        assert_eq!(exhausted.kind(), ProviderErrorKind::RateLimited);
        assert_eq!(
            exhausted.retry_after(),
            Some(std::time::Duration::from_secs(3))
        );

        let unavailable = vertex_error(503, &none, br#"{"error":{"code":503,"message":"The service is currently unavailable.","status":"UNAVAILABLE"}}"#, &target("m"));
        assert_eq!(unavailable.kind(), ProviderErrorKind::Overloaded);
    }
}
