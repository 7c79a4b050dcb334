//! The mock servers against each provider's official Python SDK: if the SDK parses a mock's
//! stream into exactly REPLY (and its usage), and raises its own errors for the fault scenarios,
//! the mock speaks the real protocol, and a client tested against the mocks will work against
//! the real service.
//!
//! The SDKs (pinned in tests/sdk/requirements.txt) are installed from PyPI into a throwaway
//! virtualenv under the target directory, rebuilt only when the requirements file changes.
//! tests/sdk/fidelity.py runs the cases of one family and prints PASS/FAIL/SKIP lines.
//!
//! One case cannot run locally: boto3 with a Bedrock API key (`AWS_BEARER_TOKEN_BEDROCK`),
//! because botocore refuses Bearer auth to a non-HTTPS endpoint and the mocks are plain HTTP on
//! loopback. The script checks that this refusal is still what happens and skips the case with
//! that reason; mock_providers.rs covers Bedrock API keys with plain requests.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use casefile_tests::mock::{INPUT_TOKENS, MockKind, MockProvider, OUTPUT_TOKENS, REPLY, creds};
use casefile_tests::python::venv_python;
use casefile_tests::workspace_root;

const PYTHON_TIMEOUT: Duration = Duration::from_secs(300);

fn sdk_dir() -> PathBuf {
    workspace_root().join("tests/sdk")
}

/// The virtualenv's python, created once per requirements file content.
fn sdk_python() -> Result<PathBuf> {
    static VENV: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    VENV.get_or_init(|| {
        venv_python("sdk-venv", "tests/sdk/requirements.txt").map_err(|e| format!("{e:#}"))
    })
    .clone()
    .map_err(anyhow::Error::msg)
}

/// Runs the cases of `family` against `mock`; returns case name → "PASS" / "SKIP: …" / "FAIL: …".
async fn run_family(
    family: &str,
    mock: &MockProvider,
    extra_env: &[(&str, &Path)],
) -> Result<BTreeMap<String, String>> {
    let python = tokio::task::spawn_blocking(sdk_python).await??;
    let mut command = tokio::process::Command::new(python);
    command
        .arg(sdk_dir().join("fidelity.py"))
        .arg(family)
        .env("MOCK_BASE_URL", mock.base_url())
        .env("MOCK_REPLY", REPLY)
        .env("MOCK_INPUT_TOKENS", INPUT_TOKENS.to_string())
        .env("MOCK_OUTPUT_TOKENS", OUTPUT_TOKENS.to_string())
        .env("MOCK_API_KEY", creds::API_KEY)
        .env("MOCK_ENTRA_TENANT", creds::ENTRA_TENANT)
        .env("MOCK_ENTRA_CLIENT_ID", creds::ENTRA_CLIENT_ID)
        .env("MOCK_ENTRA_CLIENT_SECRET", creds::ENTRA_CLIENT_SECRET)
        .env("MOCK_AWS_ACCESS_KEY_ID", creds::AWS_ACCESS_KEY_ID)
        .env("MOCK_AWS_SECRET_ACCESS_KEY", creds::AWS_SECRET_ACCESS_KEY)
        .env("MOCK_AWS_SESSION_TOKEN", creds::AWS_SESSION_TOKEN)
        .env("MOCK_BEDROCK_API_KEY", creds::BEDROCK_API_KEY)
        .env("MOCK_GCP_PROJECT", creds::GCP_PROJECT)
        // Keep the developer's own cloud settings out of the SDKs.
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_BEARER_TOKEN_BEDROCK")
        .env_remove("GOOGLE_APPLICATION_CREDENTIALS")
        .env_remove("OPENAI_BASE_URL")
        .env_remove("ANTHROPIC_BASE_URL")
        .env("NO_PROXY", "127.0.0.1,localhost")
        .kill_on_drop(true);
    for (name, path) in extra_env {
        command.env(name, path);
    }
    let started = Instant::now();
    let output = tokio::time::timeout(PYTHON_TIMEOUT, command.output())
        .await
        .context("the SDK script timed out")??;
    let stdout = String::from_utf8_lossy(&output.stdout);
    eprintln!(
        "{family} SDK cases ran in {:.1?}:\n{stdout}",
        started.elapsed()
    );
    let mut results = BTreeMap::new();
    for line in stdout.lines() {
        let (verdict, rest) = line.split_once(' ').unwrap_or((line, ""));
        let (name, detail) = rest.split_once(": ").unwrap_or((rest, ""));
        match verdict {
            "PASS" => results.insert(name.to_owned(), "PASS".to_owned()),
            "SKIP" | "FAIL" => results.insert(name.to_owned(), format!("{verdict}: {detail}")),
            _ => bail!("unexpected output line {line:?}"),
        };
    }
    if !output.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&output.stderr));
    }
    Ok(results)
}

/// Every listed case passed (or, for `skippable`, was skipped with a reason) and none is missing.
fn assert_cases(results: &BTreeMap<String, String>, expected: &[&str], skippable: &[&str]) {
    for name in expected {
        let verdict = results.get(*name).map_or("missing", String::as_str);
        let allowed =
            verdict == "PASS" || (skippable.contains(name) && verdict.starts_with("SKIP"));
        assert!(allowed, "{name}: {verdict}");
    }
    assert_eq!(
        results.len(),
        expected.len(),
        "cases ran that this test does not list: {results:?}"
    );
}

#[tokio::test]
async fn openai_sdk_reads_the_openai_mock() -> Result<()> {
    let mock = MockProvider::start(MockKind::OpenAi).await?;
    let results = run_family("openai", &mock, &[]).await?;
    assert_cases(
        &results,
        &[
            "openai_chat_stream",
            "openai_responses_stream",
            "openai_chat_midstream_error_raises",
            "openai_responses_midstream_error_fails",
            "openai_retries_after_rate_limit",
            "openai_wrong_key_is_authentication_error",
            "openai_quota_is_not_retried",
        ],
        &[],
    );
    // The retry case really retried: the 429 and the successful second attempt both arrived.
    let retried = mock
        .requests()
        .iter()
        .filter(|r| {
            r.json()
                .is_some_and(|b| b["model"] == "gpt-rate-limited-once")
        })
        .count();
    assert_eq!(retried, 2);
    Ok(())
}

#[tokio::test]
async fn openai_sdk_reads_the_azure_mock_with_key_entra_and_v1() -> Result<()> {
    let mock = MockProvider::start(MockKind::Azure).await?;
    let results = run_family("azure", &mock, &[]).await?;
    assert_cases(
        &results,
        &[
            "azure_classic_api_key_stream",
            "azure_v1_stream",
            "azure_v1_responses_stream",
            "azure_classic_entra_token_stream",
            "azure_content_filter_finish_reason",
            "azure_missing_deployment_is_not_found",
            "azure_wrong_key_is_authentication_error",
        ],
        &[],
    );
    let requests = mock.requests();
    assert!(requests.iter().any(|r| {
        r.path.contains("api-version=2024-10-21")
            && r.header("authorization") == Some(&format!("Bearer {}", creds::ENTRA_ACCESS_TOKEN))
    }));
    assert!(
        requests
            .iter()
            .any(|r| r.path.ends_with("/oauth2/v2.0/token"))
    );
    Ok(())
}

#[tokio::test]
async fn anthropic_sdk_reads_the_anthropic_mock() -> Result<()> {
    let mock = MockProvider::start(MockKind::Anthropic).await?;
    let results = run_family("anthropic", &mock, &[]).await?;
    assert_cases(
        &results,
        &[
            "anthropic_stream",
            "anthropic_midstream_error_raises",
            "anthropic_overloaded_is_529",
            "anthropic_wrong_key_is_authentication_error",
        ],
        &[],
    );
    Ok(())
}

#[tokio::test]
async fn boto3_reads_the_bedrock_mock_with_real_sigv4() -> Result<()> {
    let mock = MockProvider::start(MockKind::Bedrock).await?;
    let results = run_family("bedrock", &mock, &[]).await?;
    assert_cases(
        &results,
        &[
            "bedrock_converse_stream_sigv4",
            "bedrock_converse_stream_sigv4_session_token",
            "bedrock_converse_sigv4",
            "bedrock_converse_stream_api_key",
            "bedrock_wrong_secret_is_invalid_signature",
            "bedrock_throttling_is_client_error",
            "bedrock_midstream_exception_raises",
            "bedrock_openai_route_api_key",
        ],
        &["bedrock_converse_stream_api_key"],
    );
    // boto3 signed the percent-encoded model id, and the mock accepted that signature.
    assert!(mock.requests().iter().any(|r| {
        r.path.contains("v1%3A0/converse-stream")
            && r.header("authorization")
                .is_some_and(|a| a.starts_with("AWS4-HMAC-SHA256 "))
            && r.header("x-amz-security-token") == Some(creds::AWS_SESSION_TOKEN)
    }));
    Ok(())
}

#[tokio::test]
async fn google_and_anthropic_sdks_read_the_vertex_mock() -> Result<()> {
    let mock = MockProvider::start(MockKind::Vertex).await?;
    let dir = tempfile::tempdir()?;
    let key_file = dir.path().join("service-account.json");
    std::fs::write(
        &key_file,
        creds::service_account_json(&format!("{}/token", mock.base_url())),
    )?;
    let results = run_family(
        "vertex",
        &mock,
        &[("MOCK_SERVICE_ACCOUNT_JSON", key_file.as_path())],
    )
    .await?;
    assert_cases(
        &results,
        &[
            "vertex_gemini_stream",
            "vertex_gemini_safety_finish",
            "vertex_gemini_midstream_error_raises",
            "vertex_gemini_not_found",
            "vertex_claude_stream",
            "vertex_openapi_stream",
        ],
        &[],
    );
    assert!(mock.requests().iter().any(|r| r.path == "/token"));
    Ok(())
}
