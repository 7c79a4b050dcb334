//! The HTTP side shared by every provider: one client (OS TLS, proxies, extra CA certificates,
//! timeouts), the HTTPS rule, the retry loop, and plain-language network errors.

use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{Certificate, Proxy, Url};
use tracing::{debug, warn};

use futures_util::{StreamExt, TryStreamExt};

use super::adapter::{self, Adapter, AdapterContext};
use super::exchange::Exchange;
use super::retry::{self, RetryDecision};
use super::{
    ChatRequest, ChatStream, Credentials, ProviderError, ProviderErrorKind, ProviderKind,
    ProviderProfile, anthropic, bedrock, google, openai, responses,
};

/// How the app talks to providers over the network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportSettings {
    /// A proxy for all provider traffic (`http://host:port`), on top of the system's proxy settings.
    pub proxy: Option<String>,
    /// PEM file with CA certificates to trust besides the OS's, e.g. a TLS-inspecting firewall's.
    pub extra_ca_file: Option<PathBuf>,
    pub connect_timeout: Duration,
    /// Longest silence between two pieces of an answer; there is no limit on an answer's total time.
    pub idle_read_timeout: Duration,
    /// Attempts after the first, before any part of an answer arrived.
    pub max_retries: u32,
    /// Longest wait a provider may ask for and still be retried automatically.
    pub max_retry_delay: Duration,
}

impl Default for TransportSettings {
    fn default() -> Self {
        Self {
            proxy: None,
            extra_ca_file: None,
            connect_timeout: Duration::from_secs(10),
            idle_read_timeout: Duration::from_secs(60),
            max_retries: 2,
            max_retry_delay: Duration::from_secs(30),
        }
    }
}

/// Sends chat requests to any configured provider. Clones share connections and token caches.
#[derive(Clone)]
pub struct ProviderClient {
    context: AdapterContext,
    max_retries: u32,
    max_retry_delay: Duration,
}

/// Error bodies are read up to this size; the message needs only the start.
const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

impl ProviderClient {
    pub fn new(settings: &TransportSettings) -> Result<Self, ProviderError> {
        let mut builder = reqwest::Client::builder()
            .connect_timeout(settings.connect_timeout)
            .read_timeout(settings.idle_read_timeout)
            // A redirect could lead a request carrying credentials to another host or to plain HTTP.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Casefile/", env!("CARGO_PKG_VERSION")));
        if let Some(proxy) = &settings.proxy {
            let proxy = Proxy::all(proxy.as_str()).map_err(|e| {
                configuration(format!(
                    "The proxy setting {proxy:?} is not a usable proxy URL ({}): use the form http://host:port.",
                    e.without_url()
                ))
            })?;
            builder = builder.proxy(proxy);
        }
        if let Some(file) = &settings.extra_ca_file {
            builder = builder.tls_certs_merge(read_extra_certificates(file)?);
        }
        let http = builder.build().map_err(|e| {
            configuration(format!(
                "The network client could not be set up ({}). Check the proxy and CA certificate settings.",
                error_chain(&e)
            ))
        })?;
        Ok(Self {
            context: AdapterContext::new(http),
            max_retries: settings.max_retries,
            max_retry_delay: settings.max_retry_delay,
        })
    }

    /// Sends `request` with retries (only before any part of an answer was read) and returns once
    /// the provider accepted it; the stream then yields the answer. Dropping the stream aborts
    /// the request.
    pub async fn stream(
        &self,
        profile: &ProviderProfile,
        credentials: &Credentials,
        request: &ChatRequest,
    ) -> Result<ChatStream, ProviderError> {
        self.stream_recorded(profile, credentials, request, &Exchange::new())
            .await
    }

    /// As [`ProviderClient::stream`], noting in `exchange` what is sent and received (for the
    /// audit log), also when the provider refuses.
    pub async fn stream_recorded(
        &self,
        profile: &ProviderProfile,
        credentials: &Credentials,
        request: &ChatRequest,
        exchange: &Exchange,
    ) -> Result<ChatStream, ProviderError> {
        let adapter = adapter_for(&self.context, profile, credentials)?;
        self.send_with_retries(adapter.as_ref(), request, exchange)
            .await
    }

    async fn send_with_retries(
        &self,
        adapter: &dyn Adapter,
        request: &ChatRequest,
        exchange: &Exchange,
    ) -> Result<ChatStream, ProviderError> {
        let mut attempt = 0;
        loop {
            let (error, headers) = match self.attempt(adapter, request, exchange).await {
                Ok(stream) => return Ok(stream),
                Err(failure) => failure,
            };
            match retry::decide(
                &error,
                headers.as_ref(),
                attempt,
                self.max_retries,
                self.max_retry_delay,
            ) {
                RetryDecision::RetryAfter(delay) => {
                    debug!(attempt, ?delay, kind = ?error.kind(), "retrying provider request");
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                RetryDecision::GiveUp => {
                    // Tell the caller how long the provider asked to wait, even when it was too long
                    // to wait here.
                    let asked = headers.as_ref().and_then(retry::requested_delay);
                    return Err(match (error.retry_after(), asked) {
                        (None, Some(delay)) => error.with_retry_after(Some(delay)),
                        _ => error,
                    });
                }
            }
        }
    }

    /// One attempt. On failure also returns the response headers, if the provider answered.
    async fn attempt(
        &self,
        adapter: &dyn Adapter,
        request: &ChatRequest,
        exchange: &Exchange,
    ) -> Result<ChatStream, (ProviderError, Option<HeaderMap>)> {
        let wire = adapter.prepare(request).await.map_err(|e| (e, None))?;
        require_secure_url(&wire.url).map_err(|e| (e, None))?;
        let host = wire.url.host_str().unwrap_or_default().to_owned();
        exchange
            .sending(&host, &wire.body)
            .await
            .map_err(|e| (e, None))?;
        let response = self
            .context
            .http
            .post(wire.url)
            .headers(wire.headers)
            .body(wire.body)
            .send()
            .await
            .map_err(|e| (request_error(e, &host), None))?;
        let status = response.status();
        debug!(%host, status = status.as_u16(), "provider answered");
        if status.is_success() {
            let body = response.bytes_stream().map_err(body_error).boxed();
            return Ok(adapter.parse_stream(exchange.tap(body)));
        }
        let headers = response.headers().clone();
        let body = read_error_body(response).await;
        exchange.received(&body);
        let error = adapter.error_from_response(status.as_u16(), &headers, &body);
        warn!(%host, status = status.as_u16(), kind = ?error.kind(), "provider refused the request");
        Err((error, Some(headers)))
    }
}

/// The host a profile's requests go to, from its settings alone (no credentials needed): what a
/// consent binds. Taken from [`adapter::base`], the endpoint the adapters build their URLs on;
/// `None` when the profile lacks what its kind needs (such a profile cannot send either).
pub fn endpoint_host(profile: &ProviderProfile) -> Option<String> {
    adapter::base(profile).ok()?.host_str().map(str::to_owned)
}

/// Builds the adapter for the profile's kind: the one place that knows every kind.
fn adapter_for(
    context: &AdapterContext,
    profile: &ProviderProfile,
    credentials: &Credentials,
) -> Result<Box<dyn Adapter>, ProviderError> {
    Ok(match profile.kind {
        ProviderKind::OpenAi
        | ProviderKind::OpenAiCompatible
        | ProviderKind::AzureOpenAi
        | ProviderKind::BedrockOpenAi
        | ProviderKind::VertexOpenAi => Box::new(openai::ChatCompletionsAdapter::new(
            context,
            profile,
            credentials,
        )?),
        ProviderKind::OpenAiResponses => {
            Box::new(responses::ResponsesAdapter::new(profile, credentials)?)
        }
        ProviderKind::Anthropic | ProviderKind::VertexAnthropic => Box::new(
            anthropic::MessagesAdapter::new(context, profile, credentials)?,
        ),
        ProviderKind::Bedrock => Box::new(bedrock::ConverseAdapter::new(
            context,
            profile,
            credentials,
        )?),
        ProviderKind::VertexGemini => {
            Box::new(google::GeminiAdapter::new(context, profile, credentials)?)
        }
    })
}

fn configuration(message: String) -> ProviderError {
    ProviderError::new(ProviderErrorKind::Configuration, message)
}

fn read_extra_certificates(file: &Path) -> Result<Vec<Certificate>, ProviderError> {
    extra_ca_certificates(file)?
        .iter()
        .map(|der| {
            Certificate::from_der(der).map_err(|e| {
                configuration(format!(
                    "The extra CA certificate file {} holds a certificate that cannot be used ({}).",
                    file.display(),
                    error_chain(&e)
                ))
            })
        })
        .collect()
}

/// The certificates (DER) of the `extra_ca_file` setting's PEM bundle: for provider requests
/// and the audit collector alike. An unreadable, malformed or empty file is an error.
pub fn extra_ca_certificates(file: &Path) -> Result<Vec<Vec<u8>>, ProviderError> {
    let shown = file.display();
    let pem = std::fs::read(file).map_err(|e| {
        configuration(format!(
            "The extra CA certificate file {shown} cannot be read ({e}). Fix the path or remove the setting."
        ))
    })?;
    let certificates = openssl::x509::X509::stack_from_pem(&pem)
        .and_then(|stack| {
            stack
                .iter()
                .map(|c| c.to_der())
                .collect::<Result<Vec<_>, _>>()
        })
        .map_err(|e| {
            configuration(format!(
                "The extra CA certificate file {shown} is not a PEM certificate bundle ({e})."
            ))
        })?;
    if certificates.is_empty() {
        return Err(configuration(format!(
            "The extra CA certificate file {shown} holds no certificate: it must contain \
             \"-----BEGIN CERTIFICATE-----\" blocks."
        )));
    }
    Ok(certificates)
}

/// Credentials and documents go only over HTTPS; plain HTTP is allowed to this computer alone
/// (local model servers, test servers).
pub(crate) fn require_secure_url(url: &Url) -> Result<(), ProviderError> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if super::profile::is_loopback(url) => Ok(()),
        scheme => Err(configuration(format!(
            "Refusing to send to {}://{}: provider endpoints must use https:// (plain http:// only \
             to localhost). Fix the profile's base_url or token_url.",
            scheme,
            url.host_str().unwrap_or_default()
        ))),
    }
}

async fn read_error_body(mut response: reqwest::Response) -> Vec<u8> {
    let mut body = Vec::new();
    // A body that breaks off still explains the status with what arrived.
    while let Ok(Some(chunk)) = response.chunk().await {
        body.extend_from_slice(&chunk);
        if body.len() >= MAX_ERROR_BODY_BYTES {
            body.truncate(MAX_ERROR_BODY_BYTES);
            break;
        }
    }
    body
}

/// The causes of an error, outermost first, without URLs (they may carry query parameters).
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    parts.join(": ")
}

/// A failure to send a request or receive the response head.
pub(crate) fn request_error(error: reqwest::Error, host: &str) -> ProviderError {
    let timed_out = error.is_timeout();
    let detail = error_chain(&error.without_url());
    let lower = detail.to_ascii_lowercase();
    if timed_out {
        return ProviderError::new(
            ProviderErrorKind::Timeout,
            format!("{host} did not answer in time ({detail}). Check the network and send again."),
        );
    }
    let advice = if lower.contains("certificate") || lower.contains("tls") || lower.contains("ssl")
    {
        "The secure connection failed: if the firm's network inspects TLS, set its CA certificate \
         file in the network settings."
    } else if lower.contains("dns") || lower.contains("resolve") || lower.contains("lookup") {
        "The name could not be found: check the profile's base_url and the network or proxy."
    } else if lower.contains("proxy") {
        "The proxy failed: check the proxy setting."
    } else {
        "Check the network connection and proxy, then send again."
    };
    ProviderError::new(
        ProviderErrorKind::Network,
        format!("Could not reach {host} ({detail}). {advice}"),
    )
}

/// A failure while the answer was streaming. Retrying is not possible any more.
pub(crate) fn body_error(error: reqwest::Error) -> ProviderError {
    if error.is_timeout() {
        return ProviderError::new(
            ProviderErrorKind::Timeout,
            "The provider stopped sending in the middle of the answer: the answer was cut off. Send again.",
        );
    }
    ProviderError::new(
        ProviderErrorKind::Network,
        format!(
            "The connection broke in the middle of the answer ({}): the answer was cut off. Send again.",
            error_chain(&error.without_url())
        ),
    )
}

#[cfg(test)]
mod tests {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpListener;
    use std::sync::{Arc, Mutex};
    use std::thread;

    use futures_util::StreamExt;

    use super::*;
    use crate::providers::{CredentialField, Message, StreamEvent};
    use crate::secrets::Secret;

    #[test]
    fn https_is_required_except_to_this_computer() {
        for allowed in [
            "https://api.openai.com/v1",
            "http://localhost:11434/v1",
            "http://LOCALHOST:1/",
            "http://127.0.0.1:8080/v1",
            "http://127.1.2.3/",
            "http://[::1]:9000/",
        ] {
            assert_eq!(
                require_secure_url(&Url::parse(allowed).unwrap()),
                Ok(()),
                "{allowed}"
            );
        }
        for refused in [
            "http://api.openai.com/v1",
            "http://192.168.1.10:11434/v1",
            "http://localhost.example.com/",
            "http://[::2]/",
            "ftp://127.0.0.1/",
        ] {
            let error = require_secure_url(&Url::parse(refused).unwrap()).unwrap_err();
            assert_eq!(error.kind(), ProviderErrorKind::Configuration, "{refused}");
            assert!(error.message().contains("https://"), "{error}");
        }
    }

    #[test]
    fn default_settings() {
        let settings = TransportSettings::default();
        assert_eq!(settings.connect_timeout, Duration::from_secs(10));
        assert_eq!(settings.idle_read_timeout, Duration::from_secs(60));
        assert_eq!(settings.max_retries, 2);
        assert_eq!(settings.max_retry_delay, Duration::from_secs(30));
    }

    #[test]
    fn bad_proxy_or_ca_file_is_a_configuration_error() {
        let with = |settings: TransportSettings| ProviderClient::new(&settings).err().unwrap();
        let proxy = with(TransportSettings {
            proxy: Some("not a url".into()),
            ..TransportSettings::default()
        });
        assert_eq!(proxy.kind(), ProviderErrorKind::Configuration);
        assert!(proxy.message().contains("http://host:port"), "{proxy}");

        let missing = with(TransportSettings {
            extra_ca_file: Some("/nonexistent/ca.pem".into()),
            ..TransportSettings::default()
        });
        assert_eq!(missing.kind(), ProviderErrorKind::Configuration);
        assert!(
            missing.message().contains("/nonexistent/ca.pem"),
            "{missing}"
        );

        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "no certificates here\n").unwrap();
        let error = with(TransportSettings {
            extra_ca_file: Some(empty),
            ..TransportSettings::default()
        });
        assert!(error.message().contains("holds no certificate"), "{error}");
    }

    /// A one-thread HTTP server on 127.0.0.1 answering each request with the next canned reply
    /// and recording the request lines.
    struct CannedServer {
        base_url: String,
        requests: Arc<Mutex<Vec<String>>>,
    }

    impl CannedServer {
        fn start(replies: Vec<String>) -> Self {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let base_url = format!("http://{}", listener.local_addr().unwrap());
            let requests = Arc::new(Mutex::new(Vec::new()));
            let seen = Arc::clone(&requests);
            thread::spawn(move || {
                for reply in replies {
                    let Ok((mut socket, _)) = listener.accept() else {
                        return;
                    };
                    let mut reader = BufReader::new(socket.try_clone().unwrap());
                    let mut request_line = String::new();
                    reader.read_line(&mut request_line).unwrap();
                    let mut content_length = 0;
                    loop {
                        let mut line = String::new();
                        reader.read_line(&mut line).unwrap();
                        if line == "\r\n" {
                            break;
                        }
                        if let Some(value) =
                            line.to_ascii_lowercase().strip_prefix("content-length:")
                        {
                            content_length = value.trim().parse().unwrap();
                        }
                    }
                    let mut body = vec![0; content_length];
                    reader.read_exact(&mut body).unwrap();
                    seen.lock().unwrap().push(request_line.trim().to_owned());
                    socket.write_all(reply.as_bytes()).unwrap();
                }
            });
            Self { base_url, requests }
        }

        fn request_count(&self) -> usize {
            self.requests.lock().unwrap().len()
        }
    }

    fn reply(status: &str, headers: &[&str], body: &str) -> String {
        let mut text = format!("HTTP/1.1 {status}\r\nconnection: close\r\n");
        for header in headers {
            text.push_str(header);
            text.push_str("\r\n");
        }
        text.push_str(&format!("content-length: {}\r\n\r\n{body}", body.len()));
        text
    }

    const SSE_REPLY: &str = "data: {\"choices\":[{\"delta\":{\"content\":\"Hello\"},\"finish_reason\":null}]}\n\n\
        data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";

    #[test]
    fn the_endpoint_host_is_where_each_kind_sends() {
        let host = |kind, setup: &dyn Fn(&mut ProviderProfile)| {
            let mut profile = ProviderProfile::new("p", kind).unwrap();
            setup(&mut profile);
            endpoint_host(&profile)
        };
        let none = |_: &mut ProviderProfile| {};
        let at = |url: &'static str| move |p: &mut ProviderProfile| p.base_url = Some(url.into());
        let region = |r: &'static str| move |p: &mut ProviderProfile| p.region = Some(r.into());
        assert_eq!(
            host(ProviderKind::OpenAi, &none).as_deref(),
            Some("api.openai.com")
        );
        assert_eq!(
            host(
                ProviderKind::OpenAiResponses,
                &at("https://gw.example/openai")
            )
            .as_deref(),
            Some("gw.example")
        );
        assert_eq!(
            host(ProviderKind::Anthropic, &none).as_deref(),
            Some("api.anthropic.com")
        );
        assert_eq!(
            host(ProviderKind::AzureOpenAi, &none),
            None,
            "no resource endpoint"
        );
        assert_eq!(
            host(
                ProviderKind::AzureOpenAi,
                &at("https://contoso.openai.azure.com")
            )
            .as_deref(),
            Some("contoso.openai.azure.com")
        );
        assert_eq!(
            host(ProviderKind::Bedrock, &region("eu-central-1")).as_deref(),
            Some("bedrock-runtime.eu-central-1.amazonaws.com")
        );
        assert_eq!(
            host(ProviderKind::BedrockOpenAi, &region("us-west-2")).as_deref(),
            Some("bedrock-runtime.us-west-2.amazonaws.com")
        );
        assert_eq!(
            host(ProviderKind::VertexGemini, &region("europe-west4")).as_deref(),
            Some("europe-west4-aiplatform.googleapis.com")
        );
        assert_eq!(
            host(ProviderKind::VertexOpenAi, &region("global")).as_deref(),
            Some("aiplatform.googleapis.com")
        );
        assert_eq!(
            host(
                ProviderKind::OpenAiCompatible,
                &at("http://127.0.0.1:11434/v1")
            )
            .as_deref(),
            Some("127.0.0.1")
        );
    }

    fn compatible_profile(base_url: &str) -> ProviderProfile {
        let mut profile = ProviderProfile::new("local", ProviderKind::OpenAiCompatible).unwrap();
        profile.base_url = Some(format!("{base_url}/v1"));
        profile.model = Some("llama".into());
        profile
    }

    fn send(server: &CannedServer) -> Result<Vec<StreamEvent>, ProviderError> {
        let client = ProviderClient::new(&TransportSettings::default()).unwrap();
        let credentials =
            Credentials::default().with(CredentialField::ApiKey, Secret::new("mock-api-key"));
        let request = ChatRequest {
            messages: vec![Message::user("Hi")],
            ..ChatRequest::default()
        };
        let profile = compatible_profile(&server.base_url);
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(async {
                let stream = client.stream(&profile, &credentials, &request).await?;
                stream.collect::<Vec<_>>().await.into_iter().collect()
            })
    }

    #[test]
    fn retries_a_rate_limit_then_streams() {
        let server = CannedServer::start(vec![
            reply(
                "429 Too Many Requests",
                &["retry-after-ms: 20", "content-type: application/json"],
                r#"{"error":{"message":"slow down","type":"requests","code":"rate_limit_exceeded"}}"#,
            ),
            reply("200 OK", &["content-type: text/event-stream"], SSE_REPLY),
        ]);
        let events = send(&server).unwrap();
        assert_eq!(
            events[0],
            StreamEvent::TextDelta {
                text: "Hello".into()
            }
        );
        assert_eq!(server.request_count(), 2);
        assert_eq!(
            server.requests.lock().unwrap()[0],
            "POST /v1/chat/completions HTTP/1.1"
        );
    }

    #[test]
    fn does_not_retry_refused_credentials() {
        let server = CannedServer::start(vec![
            reply(
                "401 Unauthorized",
                &[],
                r#"{"error":{"message":"bad key","type":"invalid_request_error","code":"invalid_api_key"}}"#,
            ),
            reply("200 OK", &[], SSE_REPLY),
        ]);
        let error = send(&server).unwrap_err();
        assert_eq!(error.kind(), ProviderErrorKind::Authentication);
        assert_eq!(server.request_count(), 1);
    }

    #[test]
    fn a_wait_longer_than_the_cap_is_returned_not_waited() {
        let server = CannedServer::start(vec![
            reply("429 Too Many Requests", &["retry-after: 120"], "{}"),
            reply("200 OK", &[], SSE_REPLY),
        ]);
        let error = send(&server).unwrap_err();
        assert_eq!(error.kind(), ProviderErrorKind::RateLimited);
        assert_eq!(error.retry_after(), Some(Duration::from_secs(120)));
        assert_eq!(server.request_count(), 1);
    }

    #[test]
    fn gives_up_after_max_retries() {
        let server = CannedServer::start(vec![
            reply("500 Internal Server Error", &["retry-after-ms: 1"], "{}"),
            reply("502 Bad Gateway", &["retry-after-ms: 1"], "{}"),
            reply("503 Service Unavailable", &["retry-after-ms: 1"], "{}"),
            reply("200 OK", &[], SSE_REPLY),
        ]);
        let error = send(&server).unwrap_err();
        assert_eq!(error.kind(), ProviderErrorKind::Overloaded);
        assert_eq!(error.status(), Some(503));
        assert_eq!(server.request_count(), 3);
    }

    #[test]
    fn refused_connection_is_a_network_error_naming_the_host() {
        // Bind and drop to get a port nobody listens on.
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let server = CannedServer {
            base_url: format!("http://127.0.0.1:{port}"),
            requests: Arc::default(),
        };
        let error = send(&server).unwrap_err();
        assert_eq!(error.kind(), ProviderErrorKind::Network);
        assert!(
            error.message().contains("Could not reach 127.0.0.1"),
            "{error}"
        );
    }

    #[test]
    fn insecure_profile_url_is_refused_before_sending() {
        let server = CannedServer {
            base_url: "http://example.com".into(),
            requests: Arc::default(),
        };
        let error = send(&server).unwrap_err();
        assert_eq!(error.kind(), ProviderErrorKind::Configuration);
    }
}
