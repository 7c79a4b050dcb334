use std::sync::OnceLock;

use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::sign::Verifier;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::*;
use crate::providers::ProviderKind;

/// One RSA key per test run, generated here (never a checked-in key).
pub(crate) fn test_key() -> &'static PKey<Private> {
    static KEY: OnceLock<PKey<Private>> = OnceLock::new();
    KEY.get_or_init(|| PKey::from_rsa(Rsa::generate(2048).expect("rsa")).expect("pkey"))
}

pub(crate) fn test_key_pem() -> String {
    String::from_utf8(test_key().private_key_to_pem_pkcs8().expect("pem")).expect("utf8")
}

pub(crate) fn key_json(client_email: &str, token_uri: &str) -> String {
    serde_json::json!({
        "type": "service_account",
        "project_id": "mock-project",
        "private_key_id": "kid-123",
        "private_key": test_key_pem(),
        "client_email": client_email,
        "client_id": "1",
        "token_uri": token_uri,
    })
    .to_string()
}

pub(crate) fn credentials(json: &str) -> Credentials {
    Credentials::default().with(CredentialField::ServiceAccountJson, Secret::new(json))
}

fn decode_part(part: &str) -> serde_json::Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).expect("base64url")).expect("json")
}

fn verify(jwt: &str) -> bool {
    let (signing_input, signature) = jwt.rsplit_once('.').expect("three parts");
    let signature = URL_SAFE_NO_PAD.decode(signature).expect("base64url");
    let public = PKey::public_key_from_pem(&test_key().public_key_to_pem().expect("public"))
        .expect("public key");
    let mut verifier = Verifier::new(MessageDigest::sha256(), &public).expect("verifier");
    verifier
        .verify_oneshot(&signature, signing_input.as_bytes())
        .expect("verify runs")
}

// ---- Key file --------------------------------------------------------------------------------

#[test]
fn a_key_file_is_parsed() {
    let account = ServiceAccount::parse(
        "vertex-eu",
        &key_json(
            "sa@p.iam.gserviceaccount.com",
            "https://oauth2.googleapis.com/token",
        ),
    )
    .expect("valid key file");
    assert_eq!(account.client_email, "sa@p.iam.gserviceaccount.com");
    assert_eq!(account.token_uri, "https://oauth2.googleapis.com/token");
    assert_eq!(account.project_id.as_deref(), Some("mock-project"));
    assert!(!format!("{account:?}").contains("PRIVATE KEY"));
}

#[test]
fn key_file_problems_name_the_field_and_the_command() {
    let e = ServiceAccount::parse("vertex-eu", "{\"private_key\": \"-----BEGIN").expect_err("json");
    assert_eq!(e.kind(), ProviderErrorKind::Configuration);
    assert!(e.message().contains("not valid JSON"));
    assert!(
        e.message()
            .contains("casefile-admin secret set vertex-eu service_account_json")
    );
    assert!(!e.message().contains("BEGIN"));

    for field in ["client_email", "private_key"] {
        let mut value: serde_json::Value =
            serde_json::from_str(&key_json("a@b", "https://t")).expect("json");
        value.as_object_mut().expect("object").remove(field);
        let e = ServiceAccount::parse("p", &value.to_string()).expect_err(field);
        assert_eq!(e.kind(), ProviderErrorKind::Configuration);
        assert!(e.message().contains(&format!("no {field} field")), "{e}");
    }

    let e = ServiceAccount::parse("p", r#"{"type":"authorized_user","client_id":"x"}"#)
        .expect_err("user credentials");
    assert!(e.message().contains("not a service account key"));

    let e = ServiceAccount::from_profile(
        &ProviderProfile::new("p", ProviderKind::VertexGemini).expect("profile"),
        &Credentials::default(),
    )
    .expect_err("no credential");
    assert!(e.message().contains("no Google service-account key"));
}

#[test]
fn a_missing_token_uri_defaults_to_google() {
    let json = serde_json::json!({"client_email": "a@b", "private_key": test_key_pem()});
    let account = ServiceAccount::parse("p", &json.to_string()).expect("valid");
    assert_eq!(account.token_uri, "https://oauth2.googleapis.com/token");
    assert_eq!(account.project_id, None);
}

// ---- JWT -------------------------------------------------------------------------------------

#[test]
fn the_assertion_is_an_rs256_jwt_with_googles_claims() {
    let account = ServiceAccount::parse(
        "p",
        &key_json("sa@p.iam", "https://oauth2.googleapis.com/token"),
    )
    .expect("valid");
    let jwt = account.assertion("p", 1_767_225_600).expect("signs");
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3);
    assert_eq!(
        decode_part(parts[0]),
        serde_json::json!({"alg": "RS256", "typ": "JWT", "kid": "kid-123"})
    );
    assert_eq!(
        decode_part(parts[1]),
        serde_json::json!({
            "iss": "sa@p.iam",
            "scope": "https://www.googleapis.com/auth/cloud-platform",
            "aud": "https://oauth2.googleapis.com/token",
            "iat": 1_767_225_600u64,
            "exp": 1_767_229_200u64,
        })
    );
    assert!(verify(&jwt), "signature must verify with the public key");

    // A changed claim no longer verifies: the signature covers header and claims.
    let forged_claims = URL_SAFE_NO_PAD
        .encode(serde_json::json!({"iss": "attacker@p.iam", "iat": 1, "exp": 2}).to_string());
    let forged = format!("{}.{}.{}", parts[0], forged_claims, parts[2]);
    assert!(!verify(&forged));
}

#[test]
fn a_key_with_escaped_newlines_still_signs() {
    let escaped = test_key_pem().replace('\n', "\\n");
    let json = serde_json::json!({"client_email": "a@b", "private_key": escaped});
    let account = ServiceAccount::parse("p", &json.to_string()).expect("valid");
    assert!(verify(&account.assertion("p", 1).expect("signs")));
}

#[test]
fn an_unusable_private_key_is_a_configuration_error_without_the_key() {
    let json = serde_json::json!({
        "client_email": "a@b",
        "private_key": "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END PRIVATE KEY-----\n",
    });
    let account = ServiceAccount::parse("vertex-eu", &json.to_string()).expect("parses");
    let e = account.assertion("vertex-eu", 1).expect_err("bad key");
    assert_eq!(e.kind(), ProviderErrorKind::Configuration);
    assert!(e.message().contains("private_key"));
    assert!(!e.message().contains("c2VjcmV0"));
}

// ---- Project ---------------------------------------------------------------------------------

#[test]
fn the_profile_project_overrides_the_key_files() {
    let mut profile = ProviderProfile::new("p", ProviderKind::VertexGemini).expect("profile");
    let creds = credentials(&key_json("a@b", "https://t"));
    assert_eq!(
        project_id(&profile, &creds).expect("project"),
        "mock-project"
    );
    profile.project = Some("firm-prod".to_owned());
    assert_eq!(project_id(&profile, &creds).expect("project"), "firm-prod");

    profile.project = None;
    let json = serde_json::json!({"client_email": "a@b", "private_key": "k"});
    let e = project_id(&profile, &credentials(&json.to_string())).expect_err("no project");
    assert_eq!(e.kind(), ProviderErrorKind::Configuration);
    assert!(e.message().contains("Set the profile's project"));
}

// ---- Token exchange --------------------------------------------------------------------------

/// A one-route HTTP/1.1 server on loopback that answers every request with one fixed response
/// and records the request bodies.
pub(crate) struct TokenServer {
    pub(crate) url: String,
    bodies: Arc<Mutex<Vec<String>>>,
}

impl TokenServer {
    pub(crate) async fn start(status: u16, answer: &'static str, delay: Duration) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let url = format!("http://{}/token", listener.local_addr().expect("addr"));
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let seen = bodies.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let seen = seen.clone();
                tokio::spawn(async move {
                    let mut request = Vec::new();
                    let mut buf = [0u8; 4096];
                    let received = loop {
                        let Ok(n) = socket.read(&mut buf).await else {
                            return;
                        };
                        if n == 0 {
                            return;
                        }
                        request.extend_from_slice(&buf[..n]);
                        let text = String::from_utf8_lossy(&request).to_string();
                        if let Some(end) = text.find("\r\n\r\n") {
                            let length = text[..end]
                                .lines()
                                .find_map(|l| {
                                    let (name, value) = l.split_once(':')?;
                                    name.eq_ignore_ascii_case("content-length")
                                        .then(|| value.trim().parse::<usize>().ok())?
                                })
                                .unwrap_or(0);
                            if request.len() >= end + 4 + length {
                                break text[end + 4..].to_owned();
                            }
                        }
                    };
                    seen.lock().expect("lock").push(received);
                    tokio::time::sleep(delay).await;
                    let response = format!(
                        "HTTP/1.1 {status} Test\r\ncontent-type: application/json\r\n\
                         content-length: {}\r\nconnection: close\r\n\r\n{answer}",
                        answer.len()
                    );
                    let _ = socket.write_all(response.as_bytes()).await;
                });
            }
        });
        Self { url, bodies }
    }

    pub(crate) fn count(&self) -> usize {
        self.bodies.lock().expect("lock").len()
    }
}

pub(crate) const TOKEN_OK: &str =
    r#"{"access_token":"ya29.mock-token","expires_in":3599,"token_type":"Bearer"}"#;

fn ctx() -> AdapterContext {
    AdapterContext::new(reqwest::Client::new())
}

#[tokio::test]
async fn the_exchange_posts_a_verifiable_assertion_and_caches_the_token() {
    let server = TokenServer::start(200, TOKEN_OK, Duration::ZERO).await;
    let ctx = ctx();
    let creds = credentials(&key_json("sa@p.iam", &server.url));
    assert_eq!(
        access_token(&ctx, &creds).await.expect("token"),
        "ya29.mock-token"
    );
    assert_eq!(
        access_token(&ctx, &creds).await.expect("token"),
        "ya29.mock-token"
    );
    assert_eq!(server.count(), 1, "the second call must use the cache");

    let body = server.bodies.lock().expect("lock")[0].clone();
    let form: HashMap<String, String> = body
        .split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').expect("k=v");
            let decoded = percent_encoding::percent_decode_str(v)
                .decode_utf8()
                .expect("utf8")
                .to_string();
            (k.to_owned(), decoded)
        })
        .collect();
    assert_eq!(
        form["grant_type"],
        "urn:ietf:params:oauth:grant-type:jwt-bearer"
    );
    let assertion = &form["assertion"];
    assert!(verify(assertion));
    let claims = decode_part(assertion.split('.').nth(1).expect("claims"));
    assert_eq!(claims["aud"], server.url.as_str());
    assert_eq!(claims["iss"], "sa@p.iam");
    let iat = claims["iat"].as_u64().expect("iat");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    assert!(now.abs_diff(iat) < 60);
    assert_eq!(claims["exp"].as_u64(), Some(iat + 3600));
}

#[tokio::test]
async fn concurrent_callers_share_one_exchange() {
    let server = TokenServer::start(200, TOKEN_OK, Duration::from_millis(200)).await;
    let ctx = ctx();
    let creds = credentials(&key_json("sa@p.iam", &server.url));
    let calls = (0..8).map(|_| access_token(&ctx, &creds));
    for token in futures_util::future::join_all(calls).await {
        assert_eq!(token.expect("token"), "ya29.mock-token");
    }
    assert_eq!(server.count(), 1);

    // Another account on the same endpoint gets its own token.
    let other = credentials(&key_json("other@p.iam", &server.url));
    access_token(&ctx, &other).await.expect("token");
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn a_token_is_replaced_before_it_expires() {
    let server = TokenServer::start(
        200,
        r#"{"access_token":"ya29.short","expires_in":1}"#,
        Duration::ZERO,
    )
    .await;
    let ctx = ctx();
    let creds = credentials(&key_json("sa@p.iam", &server.url));
    access_token(&ctx, &creds).await.expect("token");
    access_token(&ctx, &creds).await.expect("token");
    assert_eq!(server.count(), 1);
    // A 1 s token is refreshed after half its life.
    tokio::time::sleep(Duration::from_millis(600)).await;
    access_token(&ctx, &creds).await.expect("token");
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn invalid_grant_is_an_authentication_error_that_says_what_to_do() {
    let server = TokenServer::start(
        400,
        r#"{"error":"invalid_grant","error_description":"Invalid JWT Signature."}"#,
        Duration::ZERO,
    )
    .await;
    let ctx = ctx();
    let creds = credentials(&key_json("sa@p.iam", &server.url));
    let e = access_token(&ctx, &creds).await.expect_err("refused");
    assert_eq!(e.kind(), ProviderErrorKind::Authentication);
    assert_eq!(e.status(), Some(400));
    assert!(e.message().contains("invalid_grant"));
    assert!(e.message().contains("service_account_json"));
    assert!(!e.message().contains("eyJ"), "no assertion in messages");

    // A failure is not cached: the next call tries again.
    let _ = access_token(&ctx, &creds).await;
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn token_service_failures_map_to_kinds() {
    let server = TokenServer::start(503, "{}", Duration::ZERO).await;
    let creds = credentials(&key_json("sa@p.iam", &server.url));
    let e = access_token(&ctx(), &creds).await.expect_err("down");
    assert_eq!(e.kind(), ProviderErrorKind::Server);

    let server = TokenServer::start(200, r#"{"token_type":"Bearer"}"#, Duration::ZERO).await;
    let creds = credentials(&key_json("sa@p.iam", &server.url));
    let e = access_token(&ctx(), &creds).await.expect_err("no token");
    assert_eq!(e.kind(), ProviderErrorKind::Protocol);
}

#[tokio::test]
async fn a_plain_http_token_uri_off_loopback_is_refused_before_sending() {
    let creds = credentials(&key_json("sa@p.iam", "http://192.0.2.1/token"));
    let e = access_token(&ctx(), &creds).await.expect_err("insecure");
    assert_eq!(e.kind(), ProviderErrorKind::Configuration);
    assert!(e.message().contains("https://"));
    assert!(!e.message().contains("BEGIN"));
}
