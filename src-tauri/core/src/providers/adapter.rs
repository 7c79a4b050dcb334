//! The contract every provider adapter implements, and what adapters share: the HTTP client and
//! the access-token caches.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use reqwest::Url;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};

use super::exchange::BodyStream;
use super::http_error::secret_command;
use super::{
    ChatRequest, ChatStream, Credential, CredentialField, Credentials, ProviderError,
    ProviderErrorKind, ProviderKind, ProviderProfile, bedrock, google,
};
use crate::secrets::Secret;

/// A request ready for the wire, built afresh for every attempt (signatures and tokens stay fresh).
/// Always sent as POST.
pub(crate) struct WireRequest {
    pub url: reqwest::Url,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// One (cloud, API surface). Built per call from a profile and its credentials.
pub(crate) trait Adapter: Send + Sync {
    /// Builds, authenticates and signs the request for `request`. Called once per attempt.
    fn prepare<'a>(
        &'a self,
        request: &'a ChatRequest,
    ) -> BoxFuture<'a, Result<WireRequest, ProviderError>>;

    /// Turns a non-2xx answer into a typed error with an actionable message.
    fn error_from_response(&self, status: u16, headers: &HeaderMap, body: &[u8]) -> ProviderError;

    /// Parses a 2xx streaming body into events.
    fn parse_stream(&self, body: BodyStream) -> ChatStream;
}

/// What every adapter gets: the shared HTTP client and the token caches. Cloning is cheap and
/// clones share the caches.
#[derive(Clone)]
pub(crate) struct AdapterContext {
    pub http: reqwest::Client,
    /// Entra ID tokens for Azure OpenAI, keyed by token endpoint and client id.
    pub entra_tokens: TokenCache,
    /// Google OAuth access tokens for Vertex AI, keyed by the service account.
    pub google_tokens: TokenCache,
}

impl AdapterContext {
    pub fn new(http: reqwest::Client) -> Self {
        Self {
            http,
            entra_tokens: TokenCache::default(),
            google_tokens: TokenCache::default(),
        }
    }
}

/// Where OpenAI's API is unless the profile names a base URL (Chat Completions and Responses).
const OPENAI_BASE: &str = "https://api.openai.com";
/// Where Anthropic's API is unless the profile names a base URL.
const ANTHROPIC_BASE: &str = "https://api.anthropic.com";

/// The URL every request of `profile` starts with, without a trailing slash: its base_url, else
/// the provider's own endpoint for its kind (and region). The one place a profile's endpoint is
/// derived: the adapters build their URLs on it, and the policy gate checks its host and region.
pub(crate) fn base_url(profile: &ProviderProfile) -> Result<String, ProviderError> {
    let or = |default: &str| {
        let base = profile.base_url.as_deref().map(str::trim);
        base.filter(|b| !b.is_empty())
            .unwrap_or(default)
            .trim_end_matches('/')
            .to_owned()
    };
    let required = |what, example| {
        required_setting(profile, &profile.base_url, what, example)
            .map(|base| base.trim_end_matches('/').to_owned())
    };
    match profile.kind {
        ProviderKind::OpenAi | ProviderKind::OpenAiResponses => Ok(or(OPENAI_BASE)),
        ProviderKind::Anthropic => Ok(or(ANTHROPIC_BASE)),
        ProviderKind::OpenAiCompatible => {
            required("base_url including /v1", "http://localhost:11434/v1")
        }
        ProviderKind::AzureOpenAi => required(
            "base_url (the resource endpoint)",
            "https://contoso.openai.azure.com",
        ),
        ProviderKind::Bedrock | ProviderKind::BedrockOpenAi => bedrock::endpoint(profile),
        ProviderKind::VertexGemini | ProviderKind::VertexOpenAi | ProviderKind::VertexAnthropic => {
            google::host(profile)
        }
    }
}

/// The URL of [`base_url`], parsed.
pub(crate) fn base(profile: &ProviderProfile) -> Result<Url, ProviderError> {
    let base = base_url(profile)?;
    Url::parse(&base).map_err(|_| {
        configuration(format!(
            "The profile {}'s endpoint {base:?} is not a valid URL: use the form https://host[/path].",
            profile.name
        ))
    })
}

/// The region `profile`'s endpoint names in its host or path (Bedrock, Vertex AI), if any: the
/// region requests really go to, whatever the profile's region says.
pub(crate) fn endpoint_region(url: &Url, kind: ProviderKind) -> Option<String> {
    match kind {
        ProviderKind::Bedrock | ProviderKind::BedrockOpenAi => {
            bedrock::region_in_host(url.host_str()?).map(str::to_owned)
        }
        ProviderKind::VertexGemini | ProviderKind::VertexOpenAi | ProviderKind::VertexAnthropic => {
            google::location_in_url(url)
        }
        _ => None,
    }
}

/// `base` with `segments` appended as path segments (each percent-encoded, so a deployment or
/// project name cannot change the path), e.g. `endpoint("https://h/v1", &["chat", "completions"])`.
pub(crate) fn endpoint(
    profile: &ProviderProfile,
    base: &str,
    segments: &[&str],
) -> Result<Url, ProviderError> {
    let invalid = || {
        configuration(format!(
            "The profile {}'s endpoint {base:?} is not a valid URL: use the form https://host[/path].",
            profile.name
        ))
    };
    let mut url = Url::parse(base).map_err(|_| invalid())?;
    url.path_segments_mut()
        .map_err(|()| invalid())?
        .pop_if_empty()
        .extend(segments);
    Ok(url)
}

/// A temperature as the wire wants it: clamped to what the provider accepts and rounded, so
/// 0.2f32 is sent as 0.2 rather than 0.20000000298023224. `None` for NaN.
pub(crate) fn wire_temperature(value: f32, max: f64) -> Option<f64> {
    let value = f64::from(value);
    value
        .is_finite()
        .then(|| (value.clamp(0.0, max) * 1000.0).round() / 1000.0)
}

pub(crate) fn configuration(message: String) -> ProviderError {
    ProviderError::new(ProviderErrorKind::Configuration, message)
}

/// A profile setting the adapter cannot do without.
pub(crate) fn required_setting<'a>(
    profile: &ProviderProfile,
    value: &'a Option<String>,
    field: &str,
    example: &str,
) -> Result<&'a str, ProviderError> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            configuration(format!(
                "The profile {} ({}) needs {field}, e.g. {example}. Set it in the profile.",
                profile.name, profile.kind
            ))
        })
}

/// A credential the adapter cannot do without.
pub(crate) fn required_secret<'a>(
    profile: &ProviderProfile,
    credentials: &'a Credentials,
    field: CredentialField,
) -> Result<&'a Secret, ProviderError> {
    credentials.get(field).ok_or_else(|| {
        configuration(format!(
            "The profile {} has no {field} in the keychain: store it with {}.",
            profile.name,
            secret_command(&profile.name, field)
        ))
    })
}

/// A credential as a header value, hidden from debug output.
pub(crate) fn secret_header(
    profile: &ProviderProfile,
    field: impl std::fmt::Display,
    prefix: &str,
    secret: &Secret,
) -> Result<HeaderValue, ProviderError> {
    let mut value = HeaderValue::from_str(&format!("{prefix}{}", secret.expose().trim()))
        .map_err(|_| {
            configuration(format!(
                "The stored {field} of profile {} contains characters a request header cannot carry \
                 (a line break?): store it again with {}.",
                profile.name,
                secret_command(&profile.name, &field)
            ))
        })?;
    value.set_sensitive(true);
    Ok(value)
}

/// An access token as `Authorization` value; `issuer` names who issued it for the message.
pub(crate) fn bearer_header(token: &str, issuer: &str) -> Result<HeaderValue, ProviderError> {
    let mut value = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
        ProviderError::new(
            ProviderErrorKind::Protocol,
            format!("{issuer} issued an access token that cannot be sent in a header."),
        )
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// JSON in, SSE out, plus the profile's extra headers and its keychain headers (gateway
/// subscription keys and the like, from `credentials`).
pub(crate) fn base_headers(
    profile: &ProviderProfile,
    credentials: &Credentials,
) -> Result<HeaderMap, ProviderError> {
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(ACCEPT, HeaderValue::from_static("text/event-stream"));
    for (name, value) in &profile.extra_headers {
        let header_name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            configuration(format!(
                "The profile {}'s extra header {name:?} is not a valid header name.",
                profile.name
            ))
        })?;
        // The value may be a gateway key: never echo it.
        let mut header_value = HeaderValue::from_str(value).map_err(|_| {
            configuration(format!(
                "The profile {}'s extra header {name:?} has a value a request header cannot carry.",
                profile.name
            ))
        })?;
        header_value.set_sensitive(true);
        headers.insert(header_name, header_value);
    }
    for name in &profile.keychain_headers {
        let credential = Credential::Header(name.clone());
        let secret = credentials.header(name).ok_or_else(|| {
            configuration(format!(
                "The profile {} sends header {name}, whose value is not in the keychain: store \
                 it with {}.",
                profile.name,
                secret_command(&profile.name, &credential)
            ))
        })?;
        let header_name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            configuration(format!(
                "The profile {}'s keychain header {name:?} is not a valid header name.",
                profile.name
            ))
        })?;
        headers.insert(
            header_name,
            secret_header(profile, &credential, "", secret)?,
        );
    }
    Ok(headers)
}

/// A freshly issued access token and how long the issuer said it is valid.
pub(crate) struct FetchedToken {
    pub token: Secret,
    pub expires_in: Duration,
}

struct CachedToken {
    token: Secret,
    refresh_at: Instant,
}

/// One key's token; its async lock is held while fetching so callers wait for one fetch.
type TokenSlot = Arc<tokio::sync::Mutex<Option<CachedToken>>>;

/// Access tokens shared by every request of the app, fetched again shortly before they expire.
#[derive(Clone, Default)]
pub(crate) struct TokenCache {
    entries: Arc<Mutex<HashMap<String, TokenSlot>>>,
}

impl TokenCache {
    /// Tokens are replaced this long before they expire, so none runs out mid-request.
    pub const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

    /// The cached token for `key`, or a new one from `fetch`. Concurrent callers for one key wait
    /// for a single fetch instead of each asking the issuer.
    pub async fn get_or_fetch<F, Fut>(&self, key: &str, fetch: F) -> Result<Secret, ProviderError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<FetchedToken, ProviderError>>,
    {
        let slot = {
            let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
            Arc::clone(entries.entry(key.to_owned()).or_default())
        };
        let mut slot = slot.lock().await;
        if let Some(cached) = slot.as_ref()
            && Instant::now() < cached.refresh_at
        {
            return Ok(cached.token.clone());
        }
        let fetched = fetch().await?;
        // A token valid for less than twice the margin is used for half its life.
        let lifetime = fetched
            .expires_in
            .saturating_sub(Self::REFRESH_MARGIN)
            .max(fetched.expires_in / 2);
        *slot = Some(CachedToken {
            token: fetched.token.clone(),
            refresh_at: Instant::now() + lifetime,
        });
        Ok(fetched.token)
    }

    /// Forgets the token for `key`, e.g. after the provider refused it.
    pub fn invalidate(&self, key: &str) {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(key);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    async fn fetch_counting(
        fetches: &AtomicU32,
        expires_in: Duration,
    ) -> Result<FetchedToken, ProviderError> {
        let n = fetches.fetch_add(1, Ordering::SeqCst) + 1;
        Ok(FetchedToken {
            token: Secret::new(format!("token-{n}")),
            expires_in,
        })
    }

    #[tokio::test]
    async fn token_is_reused_until_shortly_before_expiry() {
        let cache = TokenCache::default();
        let fetches = AtomicU32::new(0);
        let hour = Duration::from_secs(3600);
        let first = cache
            .get_or_fetch("a", || fetch_counting(&fetches, hour))
            .await
            .unwrap();
        let second = cache
            .get_or_fetch("a", || fetch_counting(&fetches, hour))
            .await
            .unwrap();
        assert_eq!(first.expose(), "token-1");
        assert_eq!(second.expose(), "token-1");
        assert_eq!(fetches.load(Ordering::SeqCst), 1);

        let other_key = cache
            .get_or_fetch("b", || fetch_counting(&fetches, hour))
            .await
            .unwrap();
        assert_eq!(other_key.expose(), "token-2");
    }

    #[tokio::test]
    async fn expired_or_invalidated_token_is_fetched_again() {
        let cache = TokenCache::default();
        let fetches = AtomicU32::new(0);
        // Zero lifetime: stale at once.
        cache
            .get_or_fetch("a", || fetch_counting(&fetches, Duration::ZERO))
            .await
            .unwrap();
        let again = cache
            .get_or_fetch("a", || fetch_counting(&fetches, Duration::from_secs(3600)))
            .await
            .unwrap();
        assert_eq!(again.expose(), "token-2");

        cache.invalidate("a");
        let after_invalidate = cache
            .get_or_fetch("a", || fetch_counting(&fetches, Duration::from_secs(3600)))
            .await
            .unwrap();
        assert_eq!(after_invalidate.expose(), "token-3");
    }

    #[tokio::test]
    async fn failed_fetch_is_not_cached() {
        let cache = TokenCache::default();
        let failed = cache
            .get_or_fetch("a", || async {
                Err(ProviderError::new(
                    super::super::ProviderErrorKind::Authentication,
                    "refused",
                ))
            })
            .await;
        assert_eq!(failed.unwrap_err().message(), "refused");
        let fetches = AtomicU32::new(0);
        let token = cache
            .get_or_fetch("a", || fetch_counting(&fetches, Duration::from_secs(3600)))
            .await
            .unwrap();
        assert_eq!(token.expose(), "token-1");
    }
}
