//! Secrets go to the OS keychain and nowhere else. Known, distinctive credentials are set through
//! `casefile-admin secret set` (standard input) for several profiles, a gateway's header key
//! among them (`header:Ocp-Apim-Subscription-Key`, checked to arrive at the mock); the CLI is then used
//! widely at trace log level (profiles, connection tests that pass and fail, sends, config
//! export and import, the policy, import and search, a backup); then every file of the data
//! folders, the logs, every export, every command's output and the decrypted case database are
//! searched for each secret in raw and encoded forms. Nothing may be found.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use anyhow::{Context, Result, ensure};
use casefile_core::providers::ProviderProfile;
use casefile_core::secrets::{KeychainStore, SecretName, SecretStore};
use casefile_tests::leak::{self, Secret};
use casefile_tests::mock::{MockProvider, REPLY, Route, creds};
use casefile_tests::{Sandbox, admin_binary, profile_add_args};

/// Keys no mock accepts: their profiles' connection tests fail, down the error paths.
const CANARY_OPENAI_KEY: &str = "sk-casefile-canary-openai-3f9d2a71c5";
const CANARY_AWS_KEY_ID: &str = "AKIACASEFILECANARY42";
const CANARY_AWS_SECRET: &str = "casefile/canary+aws/secret=8c41e2d9b7";
/// A gateway's subscription key, kept in the keychain as a header value and sent to the mock.
const CANARY_HEADER_KEY: &str = "apim-subscription-canary-91d2e4b8";
const BACKUP_PASSPHRASE: &str = "casefile-backup-canary-passphrase-61c0";
const NOTE_BODY: &str = "Interview notes: the petitioner arrived in 2019 (canary note)";

/// Every command's output, kept to be searched too.
struct Session<'a> {
    sandbox: &'a Sandbox,
    outputs: Vec<(String, Vec<u8>)>,
}

impl Session<'_> {
    /// Runs the admin CLI at trace log level on the sandbox, `stdin` as its input.
    fn run(&mut self, args: &[&str], stdin: Option<&str>) -> Result<Output> {
        use std::io::Write;
        let mut command = Command::new(admin_binary()?);
        let mut child = self
            .sandbox
            .point_at(&mut command)
            .env("CASEFILE_LOG", "trace")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let mut input = child.stdin.take().context("no stdin")?;
        input.write_all(stdin.unwrap_or_default().as_bytes())?;
        drop(input);
        let out = child.wait_with_output()?;
        let mut both = out.stdout.clone();
        both.extend_from_slice(&out.stderr);
        self.outputs
            .push((format!("output of casefile-admin {}", args.join(" ")), both));
        Ok(out)
    }

    fn ok(&mut self, args: &[&str], stdin: Option<&str>) -> Result<Output> {
        let out = self.run(args, stdin)?;
        ensure!(
            out.status.success(),
            "casefile-admin {}: exit {:?}: {}",
            args.join(" "),
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        Ok(out)
    }

    /// `profile add` with every setting of `profile`, as an admin would type it.
    fn add_profile(&mut self, profile: &ProviderProfile) -> Result<()> {
        let args = profile_add_args(&profile.name, profile);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.ok(&args, None)?;
        Ok(())
    }
}

fn named(
    route: Route,
    mock: &MockProvider,
    name: &str,
) -> (ProviderProfile, Vec<(String, String)>) {
    let (mut profile, credentials) = route.profile(mock, "normal");
    profile.name = name.to_owned();
    let credentials = credentials
        .iter()
        .map(|(field, value)| (field.as_str().to_owned(), value.expose().to_owned()))
        .collect();
    (profile, credentials)
}

/// The database key this workspace's case database is encrypted with, from the keychain.
fn database_key(sandbox: &Sandbox, data_dir: &Path) -> Result<String> {
    let id = std::fs::read_to_string(data_dir.join("workspace-id"))?;
    let name = SecretName::new(&format!("database-key.{}", id.trim()))?;
    let key = KeychainStore::new(&sandbox.locations().keychain_service)
        .get(&name)?
        .context("no database key in the keychain")?;
    Ok(key.expose().to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs an OS keychain session (make test starts one)"]
async fn no_secret_reaches_a_file_a_log_an_export_or_the_database() -> Result<()> {
    let sandbox = Sandbox::new()?;
    let azure = MockProvider::start(Route::AzureClassic.mock_kind()).await?;
    let bedrock = MockProvider::start(Route::BedrockSigV4.mock_kind()).await?;
    let vertex = MockProvider::start(Route::VertexGemini.mock_kind()).await?;
    let openai = MockProvider::start(Route::OpenAi.mock_kind()).await?;
    let mut session = Session {
        sandbox: &sandbox,
        outputs: Vec::new(),
    };

    let locations = sandbox.locations();
    std::fs::write(
        &locations.policy_file,
        r#"{"version": 1,
            "jurisdictions": {"EU": {"regions": ["swedencentral", "europe-*"]}},
            "settings": {"require_redaction": true, "ai_history_retention_days": 90},
            "locks": {"require_redaction": "Client identifiers are redacted before sending."}}"#,
    )?;

    // Profiles that reach their mock, and two whose keys no mock accepts.
    let mut profiles = vec![
        named(Route::AzureClassic, &azure, "az-eu"),
        named(Route::AzureEntra, &azure, "az-entra"),
        named(Route::BedrockSigV4, &bedrock, "bedrock-us"),
        named(Route::VertexGemini, &vertex, "vertex-eu"),
    ];
    let (canary_openai, _) = named(Route::OpenAi, &openai, "canary-openai");
    profiles.push((
        canary_openai,
        vec![("api_key".into(), CANARY_OPENAI_KEY.into())],
    ));
    let (canary_aws, _) = named(Route::BedrockSigV4, &bedrock, "canary-aws");
    profiles.push((
        canary_aws,
        vec![
            ("aws_access_key_id".into(), CANARY_AWS_KEY_ID.into()),
            ("aws_secret_access_key".into(), CANARY_AWS_SECRET.into()),
        ],
    ));
    // A gateway that takes the mock's key and a subscription key header from the keychain.
    let (gateway, mut gateway_credentials) = named(Route::OpenAiCompatible, &openai, "gateway");
    gateway_credentials.push((
        "header:Ocp-Apim-Subscription-Key".into(),
        CANARY_HEADER_KEY.into(),
    ));
    profiles.push((gateway, gateway_credentials));
    for (profile, credentials) in &profiles {
        session.add_profile(profile)?;
        for (field, value) in credentials {
            session.ok(&["secret", "set", &profile.name, field], Some(value))?;
        }
        session.ok(&["secret", "status", &profile.name], None)?;
        session.ok(&["--json", "profile", "show", &profile.name], None)?;
    }
    session.ok(&["profile", "list"], None)?;
    session.ok(&["--json", "profile", "list"], None)?;

    for name in ["az-eu", "az-entra", "bedrock-us", "vertex-eu"] {
        session.ok(&["profile", "test", name], None)?;
    }
    for name in ["canary-openai", "canary-aws"] {
        let out = session.run(&["profile", "test", name], None)?;
        ensure!(
            out.status.code() == Some(9),
            "{name} was accepted by its mock"
        );
    }
    ensure!(
        !openai.requests().is_empty(),
        "the canary key was never sent"
    );

    let records = sandbox.path().join("records.jsonl");
    std::fs::write(
        &records,
        format!(
            "{}\n{}\n{}\n",
            r#"{"type":"contact","id":"C-EU","given_name":"Ana","family_name":"Peña","jurisdiction":"EU"}"#,
            r#"{"type":"matter","id":"M-1","client_id":"C-EU","title":"I-130 for spouse"}"#,
            serde_json::json!({"type": "note", "id": "N-1", "matter_id": "M-1", "body": NOTE_BODY}),
        ),
    )?;
    session.ok(&["import", records.to_str().context("path")?], None)?;
    session.ok(&["search", "petitioner"], None)?;
    session.ok(&["--json", "search", "canary"], None)?;

    let out = session.ok(
        &[
            "ask",
            "az-eu",
            "--client",
            "C-EU",
            "--prompt",
            "Summarise the I-130 process",
        ],
        None,
    )?;
    ensure!(String::from_utf8_lossy(&out.stdout).contains(REPLY));
    session.ok(&["--json", "ask", "bedrock-us", "--prompt", "hi"], None)?;
    let out = session.run(
        &["ask", "bedrock-us", "--client", "C-EU", "--prompt", "hi"],
        None,
    )?;
    ensure!(
        out.status.code() == Some(10),
        "an EU send to us-east-1 was allowed"
    );
    let out = session.run(&["ask", "canary-openai", "--prompt", "hi"], None)?;
    ensure!(out.status.code() == Some(9));
    session.ok(&["ask", "gateway", "--prompt", "hi"], None)?;
    session.ok(&["profile", "test", "gateway"], None)?;
    ensure!(
        openai
            .requests()
            .iter()
            .any(|r| r.header("Ocp-Apim-Subscription-Key") == Some(CANARY_HEADER_KEY)),
        "the gateway header was never sent"
    );

    session.ok(&["policy", "effective"], None)?;
    session.ok(&["--json", "policy", "effective"], None)?;
    session.ok(&["status"], None)?;

    let exports = sandbox.path().join("exports");
    std::fs::create_dir(&exports)?;
    let config = exports.join("config.json");
    let config_arg = config.to_str().context("path")?;
    session.ok(&["config", "export", config_arg], None)?;
    let backup = exports.join("casefile.backup");
    session.ok(
        &["backup", "create", backup.to_str().context("path")?],
        Some(BACKUP_PASSPHRASE),
    )?;
    // The export applied on a second desktop of the same user.
    let second: PathBuf = sandbox.path().join("second-desktop");
    let second_arg = second.to_str().context("path")?;
    session.ok(
        &["--data-dir", second_arg, "config", "import", config_arg],
        None,
    )?;
    session.ok(&["--data-dir", second_arg, "profile", "list"], None)?;

    // What must be found nowhere.
    let service_account = creds::service_account_json(&format!("{}/token", vertex.base_url()));
    let key_line = creds::SERVICE_ACCOUNT_PRIVATE_KEY
        .lines()
        .nth(2)
        .context("PEM body")?;
    let mut secrets = vec![
        Secret::new("mock API key", creds::API_KEY),
        Secret::new("AWS access key id", creds::AWS_ACCESS_KEY_ID),
        Secret::new("AWS secret access key", creds::AWS_SECRET_ACCESS_KEY),
        Secret::new("AWS session token", creds::AWS_SESSION_TOKEN),
        Secret::new("Entra client secret", creds::ENTRA_CLIENT_SECRET),
        Secret::new("Entra access token", creds::ENTRA_ACCESS_TOKEN),
        Secret::new("Google access token", creds::GOOGLE_ACCESS_TOKEN),
        Secret::new("service account JSON", &service_account),
        Secret::new(
            "service account private key",
            creds::SERVICE_ACCOUNT_PRIVATE_KEY,
        ),
        Secret::new("a line of the private key", key_line),
        Secret::new("canary OpenAI key", CANARY_OPENAI_KEY),
        Secret::new("canary AWS key id", CANARY_AWS_KEY_ID),
        Secret::new("canary AWS secret", CANARY_AWS_SECRET),
        Secret::new("backup passphrase", BACKUP_PASSPHRASE),
        Secret::new("gateway header key", CANARY_HEADER_KEY),
    ];
    let first_key = database_key(&sandbox, &locations.data_dir)?;
    let second_key = database_key(&sandbox, &second)?;
    secrets.push(Secret::new("database key", &first_key));
    secrets.push(Secret::new("second database key", &second_key));

    // The scan is live: debug-level keychain lines were logged (the filter is trace), and the
    // decrypted database holds the note.
    let logs = leak::scan_path(
        &locations.log_dir,
        &[Secret::new("a keychain debug line", "keychain write")],
    )?;
    ensure!(!logs.is_empty(), "the trace-level log was not written");
    let note = leak::scan_database(
        &locations.data_dir.join("casefile.db"),
        &first_key,
        &[Secret::new("the imported note", NOTE_BODY)],
    )?;
    ensure!(!note.is_empty(), "the decrypted scan did not see the note");

    let mut findings = Vec::new();
    for place in [
        &locations.data_dir,
        &locations.log_dir,
        &exports,
        &second,
        &locations.policy_file,
    ] {
        findings.extend(leak::scan_path(place, &secrets)?);
    }
    findings.extend(leak::scan_database(
        &locations.data_dir.join("casefile.db"),
        &first_key,
        &secrets,
    )?);
    findings.extend(leak::scan_database(
        &second.join("casefile.db"),
        &second_key,
        &secrets,
    )?);
    for (place, bytes) in &session.outputs {
        findings.extend(leak::scan_bytes(place, bytes, &secrets));
    }
    leak::expect_none(&findings)
}
