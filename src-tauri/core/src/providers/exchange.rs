//! What crossed the wire for one send, for the audit log: the host, the exact bytes of the request
//! body (size and SHA-256) and of everything the provider answered (size and SHA-256, over the
//! body as received, before any parsing). Headers are not part of it: they carry credentials.

use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use futures_util::{StreamExt, stream::BoxStream};
use openssl::sha::Sha256;
use serde::Serialize;

use super::ProviderError;
use crate::audit::{hex, sha256_hex};

/// A provider's answer body as it arrives.
pub(crate) type BodyStream = BoxStream<'static, Result<Bytes, ProviderError>>;

/// Shared by the caller and the transport while a send is under way; clones share one record.
#[derive(Clone, Default)]
pub struct Exchange(Arc<Mutex<Wire>>);

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

    /// Notes a request about to be sent.
    pub(crate) fn sent(&self, host: &str, body: &[u8]) {
        let mut wire = self.lock();
        wire.host = Some(host.to_owned());
        wire.attempts += 1;
        wire.request_bytes = body.len() as u64;
        wire.request_sha256 = Some(sha256_hex(body));
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
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_record_hashes_the_exact_bytes_sent_and_received() {
        let exchange = Exchange::new();
        assert_eq!(exchange.record().endpoint_host, None);
        exchange.sent("api.example.test", b"{\"a\":1}");
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
}
