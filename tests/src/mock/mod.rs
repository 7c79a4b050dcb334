//! Mock LLM provider servers that speak each provider's real wire protocol on 127.0.0.1.
//!
//! One server per protocol family ([`MockKind`]). The scenario of a request (normal stream, rate
//! limit, cut connection, …) is chosen by a word in the model, deployment or model-id name; see
//! [`Scenario`]. Credentials are the public test constants in [`creds`]; wrong or missing
//! credentials get the provider's real auth error. Official SDKs accept these servers
//! (`tests/tests/mock_fidelity.rs` proves it), so a client that works against them speaks the real
//! protocol.

// Handlers return `Err(Response)` for refusals; a 128-byte response is moved once per request.
#![allow(clippy::result_large_err)]

mod anthropic;
mod azure;
mod bedrock;
pub mod creds;
mod openai;
mod routes;
mod scenario;
mod stream;
mod vertex;

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use anyhow::{Context, Result};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub use routes::{ALL_ROUTES, Route};
pub use scenario::{BULK_CHUNK, BULK_CHUNKS, HOSTILE_REPLY, PLACEHOLDER_REPLY, Scenario};

/// The answer every normal stream spells out, chunk by chunk.
pub const REPLY: &str =
    "Biometrics are scheduled for March 3. Bring the appointment notice and passport.";
/// Usage reported by normal streams.
pub const INPUT_TOKENS: u64 = 12;
pub const OUTPUT_TOKENS: u64 = 9;

/// Largest request body the mocks accept (real providers cap bodies too).
const MAX_BODY: usize = 32 * 1024 * 1024;

/// Which protocol family a server speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MockKind {
    /// `/v1/chat/completions`, `/v1/responses` (also serves OpenAI-compatible clients).
    OpenAi,
    /// Classic deployments route, v1 routes and the Entra token endpoint.
    Azure,
    /// Converse(-stream) with SigV4 or API key, and the OpenAI-compatible route.
    Bedrock,
    /// Gemini, Claude and OpenAI-compatible routes and the Google token endpoint.
    Vertex,
    /// `/v1/messages`.
    Anthropic,
}

impl MockKind {
    pub const ALL: [MockKind; 5] = [
        MockKind::OpenAi,
        MockKind::Azure,
        MockKind::Bedrock,
        MockKind::Vertex,
        MockKind::Anthropic,
    ];

    /// Lower-case name, as on the `mock-provider` command line.
    pub fn name(self) -> &'static str {
        match self {
            MockKind::OpenAi => "openai",
            MockKind::Azure => "azure",
            MockKind::Bedrock => "bedrock",
            MockKind::Vertex => "vertex",
            MockKind::Anthropic => "anthropic",
        }
    }
}

impl fmt::Display for MockKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

impl std::str::FromStr for MockKind {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> Result<Self> {
        MockKind::ALL
            .into_iter()
            .find(|kind| kind.name() == s)
            .with_context(|| {
                format!("unknown mock kind {s:?} (openai, azure, bedrock, vertex, anthropic)")
            })
    }
}

/// One request as the mock received it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: String,
    /// Path and query exactly as sent (still percent-encoded).
    pub path: String,
    /// Header names in lower case, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// The first value of a header (name in any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON, if it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// State shared by the handlers of one server.
pub(crate) struct Shared {
    base_url: String,
    requests: Mutex<Vec<RecordedRequest>>,
    abandoned: Arc<AtomicUsize>,
    /// Whether the one 429 of the rate-limited-once scenario was already given.
    rate_limited_once_spent: AtomicBool,
}

impl Shared {
    pub(crate) fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Scenario of a request, spending the single 429 of `rate-limited-once` on its first use.
    pub(crate) fn scenario(&self, name: &str) -> Scenario {
        match Scenario::from_name(name) {
            Scenario::RateLimitedOnce => {
                if self.rate_limited_once_spent.swap(true, Ordering::SeqCst) {
                    Scenario::Normal
                } else {
                    Scenario::RateLimited
                }
            }
            scenario => scenario,
        }
    }
}

pub(crate) type AppState = Arc<Shared>;

/// A running mock server; shuts down when dropped.
pub struct MockProvider {
    kind: MockKind,
    shared: AppState,
    shutdown: Option<oneshot::Sender<()>>,
}

impl MockProvider {
    /// Starts a server of `kind` on 127.0.0.1 with a free port.
    pub async fn start(kind: MockKind) -> Result<MockProvider> {
        Self::start_on(kind, 0).await
    }

    /// Starts a server of `kind` on 127.0.0.1:`port` (0 = any free port).
    pub async fn start_on(kind: MockKind, port: u16) -> Result<MockProvider> {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .with_context(|| format!("cannot bind 127.0.0.1:{port} for the {kind} mock"))?;
        let address = listener.local_addr()?;
        let shared = Arc::new(Shared {
            base_url: format!("http://{address}"),
            requests: Mutex::new(Vec::new()),
            abandoned: Arc::new(AtomicUsize::new(0)),
            rate_limited_once_spent: AtomicBool::new(false),
        });
        let routes = match kind {
            MockKind::OpenAi => openai::routes(),
            MockKind::Azure => azure::routes(),
            MockKind::Bedrock => bedrock::routes(),
            MockKind::Vertex => vertex::routes(),
            MockKind::Anthropic => anthropic::routes(),
        };
        let app = routes
            .fallback(not_routed)
            .layer(middleware::from_fn_with_state(shared.clone(), record))
            .with_state(shared.clone());
        let (shutdown, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(MockProvider {
            kind,
            shared,
            shutdown: Some(shutdown),
        })
    }

    pub fn kind(&self) -> MockKind {
        self.kind
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        self.shared.base_url()
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared
            .requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// How many streaming responses lost their client before the mock finished writing them.
    pub fn abandoned_streams(&self) -> usize {
        self.shared.abandoned.load(Ordering::SeqCst)
    }
}

impl Drop for MockProvider {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// Records every request (the body is buffered, then handed on unchanged).
async fn record(State(shared): State<AppState>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let body = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(body) => body,
        Err(_) => {
            return (axum::http::StatusCode::PAYLOAD_TOO_LARGE, "body too large").into_response();
        }
    };
    let path = parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.path().to_owned(), |pq| pq.as_str().to_owned());
    shared
        .requests
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(RecordedRequest {
            method: parts.method.to_string(),
            path,
            headers: header_pairs(&parts.headers),
            body: body.to_vec(),
        });
    next.run(Request::from_parts(parts, Body::from(body))).await
}

fn header_pairs(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect()
}

/// Unknown routes: a plain 404 (each real service has its own, but none of our clients should
/// ever see one).
async fn not_routed(request: Request) -> Response {
    (
        axum::http::StatusCode::NOT_FOUND,
        format!("mock: no route for {} {}", request.method(), request.uri()),
    )
        .into_response()
}

/// JSON body helper shared by the protocol modules.
pub(crate) fn parse_json(body: &Bytes) -> Option<serde_json::Value> {
    serde_json::from_slice(body).ok()
}
