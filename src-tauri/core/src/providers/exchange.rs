//! What crossed the wire for one send, for the audit log: the host, the exact bytes of the request
//! body (size and SHA-256) and of everything the provider answered (size and SHA-256, over the
//! body as received, before any parsing). Headers are not part of it: they carry credentials.

use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use futures_util::future::BoxFuture;
use futures_util::{StreamExt, stream::BoxStream};
use openssl::sha::Sha256;
use serde::Serialize;

use super::ProviderError;
use crate::audit::{hex, sha256_hex};

/// A provider's answer body as it arrives.
pub(crate) type BodyStream = BoxStream<'static, Result<Bytes, ProviderError>>;

/// Called with the endpoint host and the exact request body just before the first request of
/// a send leaves (not again for retries of the same body). An error stops the send: nothing is
/// sent. The audit log's entry is written here, so no request can leave unrecorded.
pub type BeforeSend =
    Arc<dyn Fn(String, Bytes) -> BoxFuture<'static, Result<(), ProviderError>> + Send + Sync>;

/// Shared by the caller and the transport while a send is under way; clones share one record.
#[derive(Clone, Default)]
pub struct Exchange {
    wire: Arc<Mutex<Wire>>,
    before_send: Option<BeforeSend>,
}

#[derive(Default)]
struct Wire {
    host: Option<String>,
    attempts: u32,
    request_bytes: u64,
    request_sha256: Option<String>,
    response_bytes: u64,
    response: Sha256,
}

/// The exchange as it stands: final once the stream has ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExchangeRecord {
    /// None when nothing was sent (refused before the first request).
    pub endpoint_host: Option<String>,
    /// Requests made (more than one when the provider asked to retry).
    pub attempts: u32,
    /// Size and SHA-256 (hex) of the last request body sent.
    pub request_bytes: u64,
    pub request_sha256: Option<String>,
    /// Size and SHA-256 (hex) of every answer byte received, over all attempts.
    pub response_bytes: u64,
    pub response_sha256: String,
}

impl Exchange {
    pub fn new() -> Self {
        Self::default()
    }

    /// An exchange that calls `hook` before its first request leaves.
    pub fn with_before_send(hook: BeforeSend) -> Self {
        Self {
            wire: Arc::default(),
            before_send: Some(hook),
        }
    }

    pub fn record(&self) -> ExchangeRecord {
        let wire = self.lock();
        ExchangeRecord {
            endpoint_host: wire.host.clone(),
            attempts: wire.attempts,
            request_bytes: wire.request_bytes,
            request_sha256: wire.request_sha256.clone(),
            response_bytes: wire.response_bytes,
            response_sha256: hex(&wire.response.clone().finish()),
        }
    }

    /// Notes a request about to be sent, after the caller's hook (first attempt only) agreed.
    pub(crate) async fn sending(&self, host: &str, body: &[u8]) -> Result<(), ProviderError> {
        let first = self.lock().attempts == 0;
        if let (true, Some(hook)) = (first, &self.before_send) {
            hook(host.to_owned(), Bytes::copy_from_slice(body)).await?;
        }
        let mut wire = self.lock();
        wire.host = Some(host.to_owned());
        wire.attempts += 1;
        wire.request_bytes = body.len() as u64;
        wire.request_sha256 = Some(sha256_hex(body));
        Ok(())
    }

    /// Notes answer bytes (an error body, read whole).
    pub(crate) fn received(&self, bytes: &[u8]) {
        let mut wire = self.lock();
        wire.response_bytes += bytes.len() as u64;
        wire.response.update(bytes);
    }

    /// The answer body, noted piece by piece as it is read.
    pub(crate) fn tap(&self, body: BodyStream) -> BodyStream {
        let exchange = self.clone();
        body.map(move |chunk| {
            if let Ok(bytes) = &chunk {
                exchange.received(bytes);
            }
            chunk
        })
        .boxed()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Wire> {
        self.wire.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_record_hashes_the_exact_bytes_sent_and_received() {
        let exchange = Exchange::new();
        assert_eq!(exchange.record().endpoint_host, None);
        exchange
            .sending("api.example.test", b"{\"a\":1}")
            .await
            .unwrap();
        let body: BodyStream = futures_util::stream::iter(vec![
            Ok(Bytes::from_static(b"data: he")),
            Ok(Bytes::from_static(b"llo\n\n")),
        ])
        .boxed();
        let read: Vec<_> = exchange.tap(body).collect().await;
        assert_eq!(read.len(), 2);
        let record = exchange.record();
        assert_eq!(record.endpoint_host.as_deref(), Some("api.example.test"));
        assert_eq!(record.attempts, 1);
        assert_eq!(record.request_bytes, 7);
        // sha256 of {"a":1} and of "data: hello\n\n", as `sha256sum` prints them.
        assert_eq!(
            record.request_sha256.as_deref(),
            Some("015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862")
        );
        assert_eq!(record.response_bytes, 13);
        assert_eq!(
            record.response_sha256,
            "2caab218b37f6dcd699177d2e18c7f78347dc52ecd7f60ee1b19dee66aa6803b"
        );
    }

    #[tokio::test]
    async fn the_hook_sees_the_first_request_only_and_can_stop_it() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let exchange = Exchange::with_before_send(Arc::new(move |host, body| {
            log.lock().unwrap().push((host, body));
            Box::pin(async { Ok(()) })
        }));
        exchange.sending("h", b"one").await.unwrap();
        exchange.sending("h", b"one").await.unwrap();
        assert_eq!(seen.lock().unwrap().len(), 1, "a retry is the same request");
        assert_eq!(exchange.record().attempts, 2);

        let refusing = Exchange::with_before_send(Arc::new(|_, _| {
            Box::pin(async {
                Err(ProviderError::new(
                    super::super::ProviderErrorKind::Configuration,
                    "no audit, no send",
                ))
            })
        }));
        assert!(refusing.sending("h", b"x").await.is_err());
        assert_eq!(refusing.record().attempts, 0, "nothing counted as sent");
        assert_eq!(refusing.record().request_sha256, None);
    }
}
