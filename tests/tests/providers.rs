//! Every adapter against its provider's mock, which speaks the real wire protocol and checks
//! auth the way the real service does: normal streams, every fault scenario, retries,
//! cancellation and token caching.

use std::time::Duration;

use casefile_core::providers::{
    ChatRequest, CredentialField, Credentials, Message, ProviderClient, ProviderError,
    ProviderErrorKind, ProviderProfile, StopReason, StreamEvent, TransportSettings, Usage,
};
use casefile_core::secrets::Secret;
use casefile_tests::mock::{
    ALL_ROUTES, INPUT_TOKENS, MockProvider, OUTPUT_TOKENS, REPLY, Route, creds,
};
use futures_util::StreamExt;

fn request() -> ChatRequest {
    ChatRequest {
        system: Some("You draft letters for an immigration law firm.".into()),
        messages: vec![Message::user("When are the biometrics?")],
        temperature: Some(0.2),
        max_tokens: Some(200),
        stop_sequences: vec![],
    }
}

fn fast_client() -> ProviderClient {
    ProviderClient::new(&TransportSettings {
        connect_timeout: Duration::from_secs(5),
        idle_read_timeout: Duration::from_secs(10),
        ..TransportSettings::default()
    })
    .unwrap()
}

/// What a stream delivered before it ended or failed.
#[derive(Debug, Default)]
struct Outcome {
    text: String,
    usage: Option<Usage>,
    stop: Option<StopReason>,
    annotations: usize,
    error: Option<ProviderError>,
}

async fn run(route: Route, mock: &MockProvider, scenario: &str) -> Outcome {
    let (profile, credentials) = route.profile(mock, scenario);
    outcome_of(&fast_client(), &profile, &credentials).await
}

/// Streams one request to its end (or first error) and keeps what arrived.
async fn outcome_of(
    client: &ProviderClient,
    profile: &ProviderProfile,
    credentials: &Credentials,
) -> Outcome {
    let mut outcome = Outcome::default();
    let mut stream = match client.stream(profile, credentials, &request()).await {
        Ok(stream) => stream,
        Err(e) => {
            outcome.error = Some(e);
            return outcome;
        }
    };
    while let Some(event) = stream.next().await {
        match event {
            Ok(StreamEvent::TextDelta { text }) => outcome.text.push_str(&text),
            Ok(StreamEvent::Usage { usage }) => outcome.usage = Some(usage),
            Ok(StreamEvent::Stop { reason }) => outcome.stop = Some(reason),
            Ok(StreamEvent::Annotation { .. }) => outcome.annotations += 1,
            Err(e) => {
                outcome.error = Some(e);
                break;
            }
        }
    }
    outcome
}

/// Requests the mock received for the model call itself (token exchanges excluded).
fn model_calls(mock: &MockProvider) -> usize {
    mock.requests()
        .iter()
        .filter(|r| !r.path.contains("token"))
        .count()
}

async fn start(route: Route) -> MockProvider {
    MockProvider::start(route.mock_kind()).await.unwrap()
}

#[tokio::test]
async fn every_route_streams_the_whole_reply_with_usage_and_stop() {
    for route in ALL_ROUTES {
        let mock = start(route).await;
        let outcome = run(route, &mock, "normal").await;
        assert!(outcome.error.is_none(), "{route:?}: {:?}", outcome.error);
        assert_eq!(outcome.text, REPLY, "{route:?}");
        assert_eq!(outcome.stop, Some(StopReason::Completed), "{route:?}");
        let usage = outcome
            .usage
            .unwrap_or_else(|| panic!("{route:?}: no usage"));
        assert_eq!(
            (usage.input_tokens, usage.output_tokens),
            (INPUT_TOKENS, OUTPUT_TOKENS),
            "{route:?}"
        );
        assert_eq!(model_calls(&mock), 1, "{route:?}");
    }
}

fn kind(outcome: &Outcome) -> Option<ProviderErrorKind> {
    outcome.error.as_ref().map(ProviderError::kind)
}

/// Runs `scenario` on every route in `routes` and hands each outcome to `check` with the number
/// of model calls the mock received.
async fn each(routes: &[Route], scenario: &str, check: impl Fn(Route, &Outcome, usize)) {
    for &route in routes {
        let mock = start(route).await;
        let outcome = run(route, &mock, scenario).await;
        check(route, &outcome, model_calls(&mock));
    }
}

const BEDROCK_EVENT_STREAM: [Route; 2] = [Route::BedrockSigV4, Route::BedrockApiKey];

#[tokio::test]
async fn a_rate_limit_is_retried_once_without_duplicating_text() {
    each(&ALL_ROUTES, "rate-limited-once", |route, outcome, calls| {
        assert!(outcome.error.is_none(), "{route:?}: {:?}", outcome.error);
        assert_eq!(outcome.text, REPLY, "{route:?}");
        assert_eq!(calls, 2, "{route:?}");
    })
    .await;
}

#[tokio::test]
async fn a_lasting_rate_limit_gives_up_after_the_retries_and_says_so() {
    each(&ALL_ROUTES, "rate-limited", |route, outcome, calls| {
        assert_eq!(
            kind(outcome),
            Some(ProviderErrorKind::RateLimited),
            "{route:?}"
        );
        assert_eq!(calls, 3, "{route:?}: one try and two retries");
        assert!(outcome.text.is_empty(), "{route:?}");
    })
    .await;
}

#[tokio::test]
async fn quota_and_billing_errors_are_never_retried() {
    let routes = [
        Route::OpenAi,
        Route::OpenAiResponses,
        Route::AzureClassic,
        Route::AzureV1,
    ];
    each(&routes, "quota", |route, outcome, calls| {
        assert_eq!(
            kind(outcome),
            Some(ProviderErrorKind::QuotaExceeded),
            "{route:?}"
        );
        assert_eq!(calls, 1, "{route:?}");
        let message = outcome.error.as_ref().unwrap().message();
        assert!(
            message.to_lowercase().contains("billing"),
            "{route:?}: {message}"
        );
    })
    .await;
}

#[tokio::test]
async fn server_errors_and_overload_are_retried_then_typed() {
    each(&ALL_ROUTES, "server-error", |route, outcome, calls| {
        assert_eq!(kind(outcome), Some(ProviderErrorKind::Server), "{route:?}");
        assert_eq!(calls, 3, "{route:?}");
    })
    .await;
    let overloadable = [
        Route::Anthropic,
        Route::VertexAnthropic,
        Route::VertexGemini,
        Route::BedrockSigV4,
    ];
    each(&overloadable, "overloaded", |route, outcome, calls| {
        assert_eq!(
            kind(outcome),
            Some(ProviderErrorKind::Overloaded),
            "{route:?}"
        );
        assert_eq!(calls, 3, "{route:?}");
    })
    .await;
}

/// Once text has reached the caller, a failure ends the stream: a retry would repeat the text.
#[tokio::test]
async fn failures_after_the_first_text_end_the_stream_and_are_not_retried() {
    for scenario in ["midstream-error", "drop"] {
        each(&ALL_ROUTES, scenario, |route, outcome, calls| {
            assert!(outcome.error.is_some(), "{route:?} {scenario}: no error");
            assert!(
                !outcome.text.is_empty()
                    && REPLY.starts_with(&outcome.text)
                    && outcome.text != REPLY,
                "{route:?} {scenario}: text {:?}",
                outcome.text
            );
            assert_eq!(calls, 1, "{route:?} {scenario}");
        })
        .await;
    }
}

#[tokio::test]
async fn damaged_streams_are_protocol_errors() {
    each(&ALL_ROUTES, "malformed", |route, outcome, _| {
        assert_eq!(
            kind(outcome),
            Some(ProviderErrorKind::Protocol),
            "{route:?}: {:?}",
            outcome.error
        );
    })
    .await;
    each(&BEDROCK_EVENT_STREAM, "bad-crc", |route, outcome, _| {
        assert_eq!(
            kind(outcome),
            Some(ProviderErrorKind::Protocol),
            "{route:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_filtered_answer_stops_with_the_content_filter_reason() {
    each(&ALL_ROUTES, "content-filter", |route, outcome, _| {
        assert!(outcome.error.is_none(), "{route:?}: {:?}", outcome.error);
        assert_eq!(outcome.stop, Some(StopReason::ContentFilter), "{route:?}");
    })
    .await;
    // Azure explains what its filter found; the annotations are kept for the draft.
    each(&[Route::AzureClassic], "content-filter", |_, outcome, _| {
        assert!(outcome.annotations > 0);
    })
    .await;
    each(
        &[Route::AzureClassic, Route::AzureV1],
        "prompt-filter",
        |route, outcome, calls| {
            assert_eq!(
                kind(outcome),
                Some(ProviderErrorKind::ContentFiltered),
                "{route:?}"
            );
            assert_eq!(calls, 1, "{route:?}");
        },
    )
    .await;
}

#[tokio::test]
async fn not_found_errors_say_what_to_change() {
    each(&ALL_ROUTES, "not-found", |route, outcome, calls| {
        assert_eq!(
            kind(outcome),
            Some(ProviderErrorKind::NotFound),
            "{route:?}"
        );
        assert_eq!(calls, 1, "{route:?}");
        let message = outcome.error.as_ref().unwrap().message();
        let hint = match route {
            Route::AzureClassic | Route::AzureV1 | Route::AzureEntra => "deployment name",
            Route::VertexGemini | Route::VertexOpenAi | Route::VertexAnthropic => "global",
            _ => "model",
        };
        assert!(message.contains(hint), "{route:?}: {message}");
    })
    .await;
    each(&BEDROCK_EVENT_STREAM, "on-demand", |route, outcome, _| {
        let message = outcome
            .error
            .as_ref()
            .map(ProviderError::message)
            .unwrap_or_default();
        assert!(
            message.contains("inference profile"),
            "{route:?}: {message}"
        );
    })
    .await;
    each(&[Route::OpenAiResponses], "retention", |_, outcome, _| {
        assert_eq!(kind(outcome), Some(ProviderErrorKind::RetentionBlocked));
    })
    .await;
}

#[tokio::test]
async fn wrong_credentials_are_refused_as_the_provider_does() {
    for route in ALL_ROUTES {
        let mock = start(route).await;
        let (profile, right) = route.profile(&mock, "normal");
        let wrong = match route {
            Route::VertexGemini | Route::VertexOpenAi | Route::VertexAnthropic => {
                let json = creds::service_account_json(&format!("{}/token", mock.base_url()))
                    .replace(
                        creds::SERVICE_ACCOUNT_EMAIL,
                        "someone-else@mock-project.iam.gserviceaccount.com",
                    );
                Credentials::default().with(CredentialField::ServiceAccountJson, Secret::new(json))
            }
            Route::BedrockSigV4 | Route::BedrockOpenAi => Credentials::default()
                .with(
                    CredentialField::AwsAccessKeyId,
                    Secret::new(creds::AWS_ACCESS_KEY_ID),
                )
                .with(
                    CredentialField::AwsSecretAccessKey,
                    Secret::new("not-the-secret"),
                ),
            _ => {
                let mut wrong = Credentials::default();
                for &field in profile.kind.credential_fields() {
                    if right.get(field).is_some() {
                        wrong.insert(field, Secret::new("wrong-value"));
                    }
                }
                wrong
            }
        };
        let error = match fast_client().stream(&profile, &wrong, &request()).await {
            Ok(_) => panic!("{route:?}: wrong credentials were accepted"),
            Err(e) => e,
        };
        assert_eq!(
            error.kind(),
            ProviderErrorKind::Authentication,
            "{route:?}: {error}"
        );
        assert!(error.message().contains("secret set"), "{route:?}: {error}");
        assert!(
            !error.message().contains("wrong-value"),
            "{route:?}: {error}"
        );
    }
}

/// Dropping the stream is how the editor's Cancel works: the connection must close at once.
#[tokio::test]
async fn dropping_a_stream_closes_the_connection() {
    for route in ALL_ROUTES {
        let mock = start(route).await;
        let (profile, credentials) = route.profile(&mock, "slow");
        let mut stream = fast_client()
            .stream(&profile, &credentials, &request())
            .await
            .unwrap();
        loop {
            match stream.next().await {
                Some(Ok(StreamEvent::TextDelta { .. })) => break,
                Some(Ok(_)) => continue,
                other => panic!("{route:?}: {other:?}"),
            }
        }
        drop(stream);
        let mut waited = Duration::ZERO;
        while mock.abandoned_streams() == 0 && waited < Duration::from_secs(2) {
            tokio::time::sleep(Duration::from_millis(20)).await;
            waited += Duration::from_millis(20);
        }
        assert_eq!(
            mock.abandoned_streams(),
            1,
            "{route:?}: the mock kept sending"
        );
        assert!(
            waited < Duration::from_millis(500),
            "{route:?}: took {waited:?}"
        );
    }
}

#[tokio::test]
async fn sign_in_tokens_are_fetched_once_and_reused() {
    for route in [
        Route::AzureEntra,
        Route::VertexGemini,
        Route::VertexAnthropic,
    ] {
        let mock = start(route).await;
        let (profile, credentials) = route.profile(&mock, "normal");
        let client = fast_client();
        for _ in 0..3 {
            let outcome = outcome_of(&client, &profile, &credentials).await;
            assert!(outcome.error.is_none(), "{route:?}: {:?}", outcome.error);
        }
        let token_calls = mock
            .requests()
            .iter()
            .filter(|r| r.path.contains("token"))
            .count();
        assert_eq!((token_calls, model_calls(&mock)), (1, 3), "{route:?}");
    }
}

#[tokio::test]
async fn a_stream_that_goes_quiet_times_out() {
    let client = ProviderClient::new(&TransportSettings {
        idle_read_timeout: Duration::from_millis(30),
        ..TransportSettings::default()
    })
    .unwrap();
    for route in [Route::OpenAi, Route::BedrockSigV4, Route::VertexGemini] {
        let mock = start(route).await;
        let (profile, credentials) = route.profile(&mock, "slow");
        let outcome = outcome_of(&client, &profile, &credentials).await;
        let error = outcome
            .error
            .expect("a 100 ms pause passed a 30 ms idle timeout");
        assert_eq!(
            error.kind(),
            ProviderErrorKind::Timeout,
            "{route:?}: {error}"
        );
    }
}

#[tokio::test]
async fn plain_http_to_another_computer_is_refused_before_connecting() {
    let mock = start(Route::OpenAi).await;
    let (mut profile, credentials) = Route::OpenAi.profile(&mock, "normal");
    profile.base_url = Some("http://192.0.2.10:8080".into());
    let error = match fast_client()
        .stream(&profile, &credentials, &request())
        .await
    {
        Ok(_) => panic!("sent over plain http"),
        Err(e) => e,
    };
    assert_eq!(error.kind(), ProviderErrorKind::Configuration, "{error}");
    assert!(error.message().contains("https://"), "{error}");
}

/// A forward proxy on loopback: relays each connection to the origin named in its first request
/// line and keeps everything the client sent, so a test can see which requests went through it.
async fn recording_proxy() -> (String, std::sync::Arc<std::sync::Mutex<String>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let sent = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let log = sent.clone();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let log = log.clone();
            tokio::spawn(async move {
                let (mut from_client, mut to_client) = client.into_split();
                let mut buffer = vec![0u8; 64 * 1024];
                let Ok(read) = from_client.read(&mut buffer).await else {
                    return;
                };
                // "POST http://127.0.0.1:PORT/… HTTP/1.1": the origin is in the request line.
                let head = String::from_utf8_lossy(&buffer[..read]).into_owned();
                let Some(origin) = head
                    .split_whitespace()
                    .nth(1)
                    .and_then(|uri| uri.strip_prefix("http://"))
                    .and_then(|rest| rest.split('/').next())
                    .map(str::to_owned)
                else {
                    return;
                };
                let Ok(upstream) = tokio::net::TcpStream::connect(origin).await else {
                    return;
                };
                let (mut from_upstream, mut to_upstream) = upstream.into_split();
                tokio::spawn(async move {
                    let _ = tokio::io::copy(&mut from_upstream, &mut to_client).await;
                });
                let mut pending = read;
                loop {
                    log.lock()
                        .unwrap()
                        .push_str(&String::from_utf8_lossy(&buffer[..pending]));
                    if to_upstream.write_all(&buffer[..pending]).await.is_err() {
                        return;
                    }
                    match from_client.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => pending = n,
                    }
                }
            });
        }
    });
    (address, sent)
}

#[tokio::test]
async fn an_explicit_proxy_carries_every_request() {
    let (proxy, seen) = recording_proxy().await;
    let client = ProviderClient::new(&TransportSettings {
        proxy: Some(proxy),
        ..TransportSettings::default()
    })
    .unwrap();
    for route in [Route::AzureEntra, Route::VertexGemini] {
        let mock = start(route).await;
        let (profile, credentials) = route.profile(&mock, "normal");
        let outcome = outcome_of(&client, &profile, &credentials).await;
        assert_eq!(outcome.text, REPLY, "{route:?}: {:?}", outcome.error);
    }
    // The model calls and the sign-in token exchanges all went through the proxy.
    let sent = seen.lock().unwrap().clone();
    // Request lines in absolute form, the way a client talks to a proxy.
    let lines: Vec<&str> = sent
        .split("POST http://")
        .skip(1)
        .filter_map(|request| request.lines().next())
        .collect();
    for expected in [
        "/oauth2/v2.0/token HTTP/1.1",
        "/openai/v1/chat/completions HTTP/1.1",
        "/token HTTP/1.1",
        ":streamGenerateContent?alt=sse HTTP/1.1",
    ] {
        assert!(
            lines.iter().any(|l| l.contains(expected)),
            "{expected} not in {lines:#?}"
        );
    }
}

/// A TLS front for `mock` with a certificate from a private CA (as a TLS-inspecting proxy would
/// present); returns its https base URL and the CA certificate's PEM file.
async fn behind_private_tls(
    mock: &MockProvider,
    dir: &std::path::Path,
) -> (String, std::path::PathBuf) {
    let run = |args: &[&str]| {
        let status = std::process::Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "openssl {args:?}");
    };
    run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=Firm Inspection CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
    ]);
    run(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
    ]);
    std::fs::write(dir.join("san.ext"), "subjectAltName=IP:127.0.0.1\n").unwrap();
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "san.ext",
        "-out",
        "server.pem",
    ]);
    let identity = native_tls::Identity::from_pkcs8(
        &std::fs::read(dir.join("server.pem")).unwrap(),
        &std::fs::read(dir.join("server.key")).unwrap(),
    )
    .unwrap();
    let acceptor =
        tokio_native_tls::TlsAcceptor::from(native_tls::TlsAcceptor::new(identity).unwrap());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let origin = mock.base_url().trim_start_matches("http://").to_owned();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, origin) = (acceptor.clone(), origin.clone());
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                if let Ok(mut upstream) = tokio::net::TcpStream::connect(origin).await {
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut upstream).await;
                }
            });
        }
    });
    (url, dir.join("ca.pem"))
}

#[tokio::test]
async fn a_firms_extra_ca_certificate_is_trusted_on_top_of_the_system_store() {
    let dir = tempfile::tempdir().unwrap();
    let mock = start(Route::OpenAi).await;
    let (url, ca) = behind_private_tls(&mock, dir.path()).await;
    let (mut profile, credentials) = Route::OpenAi.profile(&mock, "normal");
    profile.base_url = Some(url);

    let error = match fast_client()
        .stream(&profile, &credentials, &request())
        .await
    {
        Ok(_) => panic!("a certificate from an unknown CA was accepted"),
        Err(e) => e,
    };
    assert_eq!(error.kind(), ProviderErrorKind::Network, "{error}");
    assert!(
        error.message().to_lowercase().contains("certificate"),
        "{error}"
    );

    let trusting = ProviderClient::new(&TransportSettings {
        extra_ca_file: Some(ca),
        ..TransportSettings::default()
    })
    .unwrap();
    let outcome = outcome_of(&trusting, &profile, &credentials).await;
    assert_eq!(outcome.text, REPLY, "{:?}", outcome.error);
}
