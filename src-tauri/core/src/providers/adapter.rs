//! The contract every provider adapter implements, and what adapters share: the HTTP client and
//! the access-token caches.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use reqwest::header::HeaderMap;

use super::{ChatRequest, ChatStream, ProviderError};
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
    fn parse_stream(&self, response: reqwest::Response) -> ChatStream;
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
