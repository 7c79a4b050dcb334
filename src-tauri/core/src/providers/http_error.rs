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
pub(crate) fn secret_command(profile: &str, field: CredentialField) -> String {
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

/// Maps a Vertex AI error answer. `profile` names the profile; `model` is what it asked for.
pub(crate) fn vertex_error(
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    profile: &str,
    model: &str,
) -> ProviderError {
    let google = parse_google_error(body);
    let said = google
        .as_ref()
        .map(|g| excerpt(&g.message))
        .unwrap_or_else(|| body_excerpt(body));
    let grpc_status = google.as_ref().map_or("", |g| g.status.as_str());
    let (kind, advice) = match (status, grpc_status) {
        (401, _) | (_, "UNAUTHENTICATED") => (
            ProviderErrorKind::Authentication,
            format!(
                "Google refused the service account's token. Store a valid key with {}.",
                secret_command(profile, CredentialField::ServiceAccountJson)
            ),
        ),
        (403, _) | (_, "PERMISSION_DENIED") => (
            ProviderErrorKind::PermissionDenied,
            format!(
                "The service account may not use {model}: grant it the Vertex AI User role in the project, \
                 enable the Vertex AI API, and enable the model in Model Garden."
            ),
        ),
        (404, _) | (_, "NOT_FOUND") => (
            ProviderErrorKind::NotFound,
            format!(
                "Vertex AI has no model {model} in this project and region: check the profile's model, \
                 project and region (not every model is offered in every region)."
            ),
        ),
        (429, _) | (_, "RESOURCE_EXHAUSTED") => (
            ProviderErrorKind::RateLimited,
            "The project's Vertex AI quota is used up for now: wait a minute and send again, \
             or ask for a higher quota in the Google Cloud console."
                .to_owned(),
        ),
        (400, _) | (_, "INVALID_ARGUMENT" | "FAILED_PRECONDITION") => (
            ProviderErrorKind::BadRequest,
            generic_advice(ProviderErrorKind::BadRequest).to_owned(),
        ),
        _ => {
            let kind = kind_for_status(status);
            (kind, generic_advice(kind).to_owned())
        }
    };
    let message = format!("Vertex AI answered {status} ({said}). {advice}");
    finish(ProviderError::new(kind, message), status, headers)
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

    #[test]
    fn vertex_errors_name_the_fix() {
        let none = HeaderMap::new();
        let not_found = vertex_error(
            404,
            &none,
            br#"{"error":{"code":404,"message":"Publisher Model `x` was not found","status":"NOT_FOUND"}}"#,
            "vertex",
            "claude-x",
        );
        assert_eq!(not_found.kind(), ProviderErrorKind::NotFound);
        assert_eq!(not_found.status(), Some(404));
        assert!(not_found.message().contains("claude-x"), "{not_found}");
        assert!(not_found.message().contains("region"), "{not_found}");

        let unauthenticated = vertex_error(401, &none, b"", "vertex", "m");
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
            "vertex",
            "m",
        );
        assert_eq!(exhausted.kind(), ProviderErrorKind::RateLimited);
        assert_eq!(
            exhausted.retry_after(),
            Some(std::time::Duration::from_secs(3))
        );

        let unavailable = vertex_error(
            503,
            &none,
            br#"{"error":{"code":503,"message":"The service is currently unavailable.","status":"UNAVAILABLE"}}"#,
            "vertex",
            "m",
        );
        assert_eq!(unavailable.kind(), ProviderErrorKind::Overloaded);
    }
}
