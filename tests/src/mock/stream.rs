//! Paced streaming bodies (SSE and binary), cut connections and abandoned-stream detection.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::Value;

/// One piece of a streamed body.
pub(crate) enum Step {
    Chunk(Bytes),
    /// End the body with an error, so hyper aborts the connection mid-response.
    Cut,
}

/// The pieces of a streamed body, written one after the other with a pause between them.
#[derive(Default)]
pub(crate) struct Script {
    steps: Vec<Step>,
}

impl Script {
    pub(crate) fn push(&mut self, chunk: impl Into<Bytes>) {
        self.steps.push(Step::Chunk(chunk.into()));
    }

    /// `data: {json}` followed by the blank line that ends an SSE event.
    pub(crate) fn data(&mut self, json: &Value) {
        self.push(format!("data: {json}\n\n"));
    }

    /// `event: name` + `data: {json}`.
    pub(crate) fn event(&mut self, name: &str, json: &Value) {
        self.push(format!("event: {name}\ndata: {json}\n\n"));
    }

    /// An SSE comment line, which parsers must skip.
    pub(crate) fn keep_alive(&mut self) {
        self.push(": keep-alive\n\n");
    }

    pub(crate) fn cut(&mut self) {
        self.steps.push(Step::Cut);
    }

    /// A 200 response that writes the steps `pace` apart, counting a client that leaves early.
    pub(crate) fn into_response(
        self,
        content_type: &'static str,
        pace: Duration,
        abandoned: &Arc<AtomicUsize>,
    ) -> Response {
        let guard = AbandonGuard {
            counter: abandoned.clone(),
            finished: false,
        };
        let steps = self.steps.into_iter().peekable();
        let body = futures_util::stream::unfold(
            (steps, guard, true),
            move |(mut steps, mut guard, first)| async move {
                let step = steps.next()?;
                if !first && !pace.is_zero() {
                    tokio::time::sleep(pace).await;
                }
                // The mock is done once its last step is out: a client closing after that is no
                // abandonment.
                if steps.peek().is_none() {
                    guard.finished = true;
                }
                let item = match step {
                    Step::Chunk(bytes) => Ok(bytes),
                    Step::Cut => {
                        guard.finished = true;
                        Err(io::Error::new(
                            io::ErrorKind::ConnectionAborted,
                            "mock cut the connection",
                        ))
                    }
                };
                Some((item, (steps, guard, false)))
            },
        );
        let mut response = Response::new(Body::from_stream(body));
        *response.status_mut() = StatusCode::OK;
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        response
    }
}

/// Counts the stream as abandoned when its body is dropped before the mock wrote everything.
struct AbandonGuard {
    counter: Arc<AtomicUsize>,
    finished: bool,
}

impl Drop for AbandonGuard {
    fn drop(&mut self) {
        if !self.finished {
            self.counter.fetch_add(1, Ordering::SeqCst);
        }
    }
}

pub(crate) const EVENT_STREAM: &str = "text/event-stream; charset=utf-8";
