//! A send with its audit entries: the `request` entry is appended by the transport's hook just
//! before the first byte leaves (an append that fails stops the send), the `result` entry when
//! the caller finishes it. Every request to a provider goes through one of these.

use std::sync::{Arc, Mutex, PoisonError};

use super::{Attempt, Completion, Outcome, record_request, record_result};
use crate::Result;
use crate::providers::{Exchange, ProviderError, ProviderErrorKind, Usage};
use crate::workspace::SharedStore;

pub struct AuditedSend {
    store: SharedStore,
    exchange: Exchange,
    request_seq: Arc<Mutex<Option<i64>>>,
}

impl AuditedSend {
    /// A send described by `attempt` (its endpoint host is filled in when the request leaves).
    pub fn new(store: &SharedStore, attempt: Attempt) -> Self {
        let request_seq: Arc<Mutex<Option<i64>>> = Arc::default();
        let (hook_store, hook_seq) = (store.clone(), request_seq.clone());
        let exchange = Exchange::with_before_send(Arc::new(move |host, body| {
            let (store, mut attempt, request_seq) =
                (hook_store.clone(), attempt.clone(), hook_seq.clone());
            Box::pin(async move {
                attempt.endpoint_host = Some(host);
                let seq = store
                    .call(move |s| record_request(s, &attempt, &body))
                    .await
                    .map_err(|e| {
                        ProviderError::new(
                            ProviderErrorKind::Configuration,
                            format!(
                                "The audit log could not be written ({e}), so nothing was sent. \
                                 Check the workspace with: casefile-admin check"
                            ),
                        )
                    })?;
                *request_seq.lock().unwrap_or_else(PoisonError::into_inner) = Some(seq);
                Ok(())
            })
        }));
        Self {
            store: store.clone(),
            exchange,
            request_seq,
        }
    }

    /// What to hand to `ProviderClient::stream_recorded`.
    pub fn exchange(&self) -> &Exchange {
        &self.exchange
    }

    /// The result entry, when a request left (nothing to record otherwise).
    pub fn completion(&self, outcome: Outcome, usage: Option<Usage>) -> Option<(i64, Completion)> {
        let seq = (*self
            .request_seq
            .lock()
            .unwrap_or_else(PoisonError::into_inner))?;
        Some((
            seq,
            Completion {
                outcome,
                exchange: self.exchange.record(),
                usage,
            },
        ))
    }

    /// Appends the result entry, when a request left, and asks the forwarding task to send the
    /// request and its result to the firm's collector.
    pub async fn finish(self, outcome: Outcome, usage: Option<Usage>) -> Result<()> {
        let finished = match self.completion(outcome, usage) {
            Some((seq, completion)) => {
                self.store
                    .call(move |s| record_result(s, seq, completion).map(|_| ()))
                    .await
            }
            None => Ok(()),
        };
        super::forward::nudge();
        finished
    }
}

/// The audit outcome of a provider failure of `kind`, as a short code.
pub fn failed(kind: ProviderErrorKind) -> Outcome {
    Outcome::Failed(
        serde_json::to_value(kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_else(|| "provider".into()),
    )
}
