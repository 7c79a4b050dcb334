//! The managed policy as an MSP deploys it, through the admin CLI against the mock providers:
//! "Azure OpenAI in EU regions for EU clients, Bedrock us-east-1 for the rest". An allowed send
//! streams; a forbidden one is refused before any request reaches a provider; an invalid policy
//! file blocks every send.

use std::process::Output;

use anyhow::{Result, ensure};
use casefile_tests::Sandbox;
use casefile_tests::mock::{MockProvider, REPLY, Route};
use serde_json::json;

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn expect_blocked(out: &Output, words: &[&str]) -> Result<()> {
    let message = stderr(out);
    ensure!(
        out.status.code() == Some(10),
        "exit {:?}: {message}",
        out.status.code()
    );
    ensure!(message.contains("Managed by your IT provider"), "{message}");
    for word in words {
        ensure!(message.contains(word), "{word:?} missing from: {message}");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs an OS keychain session (make test starts one)"]
async fn the_policy_decides_which_sends_reach_a_provider() -> Result<()> {
    let sandbox = Sandbox::new()?;
    let azure = MockProvider::start(Route::AzureClassic.mock_kind()).await?;
    let bedrock = MockProvider::start(Route::BedrockSigV4.mock_kind()).await?;
    let openai = MockProvider::start(Route::OpenAi.mock_kind()).await?;
    let (mut firm_eu, eu_credentials) = Route::AzureClassic.profile(&azure, "normal");
    firm_eu.name = "firm-eu".into();
    let (mut firm_us, us_credentials) = Route::BedrockSigV4.profile(&bedrock, "normal");
    firm_us.name = "firm-us".into();
    // The mock's model is a `us.` inference profile: it may route to any us-* region.
    let policy = json!({
        "version": 1,
        "profiles": [firm_eu, firm_us],
        "allowed_kinds": ["azure-openai", "bedrock"],
        "allowed_regions": ["swedencentral", "eu-*", "us-*"],
        "jurisdictions": {
            "EU": {"regions": ["swedencentral", "eu-*"]},
            "US": {"regions": ["us-east-1"]},
            "UK": {"regions": ["us-east-1"]},
            "CA": {"regions": ["us-east-1"]},
            "other": {"regions": ["us-east-1"]}
        },
        "settings": {"default_profile": "firm-eu"},
        "locks": {"default_profile": "Drafts go to the firm's EU deployment."}
    });
    let policy_file = sandbox.locations().policy_file;
    std::fs::write(&policy_file, serde_json::to_string_pretty(&policy)?)?;

    // The admin sets the managed profiles' credentials, as a deployment script would.
    for (name, credentials) in [("firm-eu", &eu_credentials), ("firm-us", &us_credentials)] {
        for (field, value) in credentials.iter() {
            let out = sandbox.admin(
                &["secret", "set", name, field.as_str()],
                Some(value.expose()),
            )?;
            ensure!(out.status.success(), "{name} {field}: {}", stderr(&out));
        }
    }
    let listed: serde_json::Value =
        serde_json::from_slice(&sandbox.admin(&["--json", "profile", "list"], None)?.stdout)?;
    ensure!(
        listed[0]["name"] == "firm-eu" && listed[0]["managed"] == true,
        "{listed}"
    );
    ensure!(
        listed[0]["is_default"] == true && listed[0]["credentials"][0]["field"] == "api_key",
        "{listed}"
    );
    ensure!(
        listed[1]["name"] == "firm-us" && listed[1]["managed"] == true,
        "{listed}"
    );

    // EU client through the EU profile: streams.
    let out = sandbox.admin(
        &["ask", "firm-eu", "--jurisdiction", "EU", "--prompt", "hi"],
        None,
    )?;
    ensure!(out.status.success(), "{}", stderr(&out));
    ensure!(String::from_utf8_lossy(&out.stdout) == format!("{REPLY}\n"));
    ensure!(!azure.requests().is_empty());

    // EU client through the US profile: refused before anything reaches Bedrock.
    let out = sandbox.admin(
        &["ask", "firm-us", "--jurisdiction", "EU", "--prompt", "hi"],
        None,
    )?;
    expect_blocked(&out, &["EU clients", "us-east-1"])?;
    ensure!(
        bedrock.requests().is_empty(),
        "a blocked send reached the mock"
    );

    // Everyone else's clients through the US profile: streams.
    let out = sandbox.admin(
        &["ask", "firm-us", "--jurisdiction", "CA", "--prompt", "hi"],
        None,
    )?;
    ensure!(out.status.success(), "{}", stderr(&out));
    ensure!(String::from_utf8_lossy(&out.stdout) == format!("{REPLY}\n"));

    // A user's own profile of a kind the policy forbids cannot be added, nor used.
    let (mine, _) = Route::OpenAi.profile(&openai, "normal");
    let base = mine.base_url.clone().unwrap_or_default();
    let model = mine.model.clone().unwrap_or_default();
    let out = sandbox.admin(
        &[
            "profile",
            "add",
            "mine",
            "--kind",
            "openai",
            "--base-url",
            &base,
            "--model",
            &model,
        ],
        None,
    )?;
    expect_blocked(&out, &["azure-openai, bedrock", "not openai"])?;
    let out = sandbox.admin(&["ask", "mine", "--prompt", "hi"], None)?;
    ensure!(out.status.code() == Some(3), "{}", stderr(&out));
    ensure!(openai.requests().is_empty());

    // The managed profiles cannot be removed or replaced, and the locked default cannot move.
    expect_blocked(
        &sandbox.admin(&["profile", "remove", "firm-eu"], None)?,
        &["defined by the firm's policy"],
    )?;
    let out = sandbox.admin(
        &[
            "profile",
            "add",
            "firm-eu",
            "--kind",
            "azure-openai",
            "--base-url",
            "https://elsewhere.openai.azure.com",
            "--deployment",
            "d",
            "--region",
            "swedencentral",
            "--replace",
        ],
        None,
    )?;
    expect_blocked(&out, &["defined by the firm's policy"])?;
    expect_blocked(
        &sandbox.admin(&["profile", "default", "firm-us"], None)?,
        &["default_profile is locked", "EU deployment"],
    )?;

    // `policy effective` reports the file, the locked default and the managed profiles.
    let effective: serde_json::Value = serde_json::from_slice(
        &sandbox
            .admin(&["--json", "policy", "effective"], None)?
            .stdout,
    )?;
    ensure!(effective["status"]["state"] == "valid", "{effective}");
    ensure!(
        effective["policy_file"] == json!(policy_file),
        "{effective}"
    );
    let default = effective["settings"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["name"] == "default_profile"))
        .cloned()
        .unwrap_or_default();
    ensure!(
        default["value"] == "firm-eu" && default["locked"] == true,
        "{default}"
    );

    // An invalid policy file blocks every send, naming the file, the place and the reason.
    let sent_before = (azure.requests().len(), bedrock.requests().len());
    std::fs::write(
        &policy_file,
        r#"{"version": 1, "allowed_kinds": ["azure-openai"], "alowed_regions": []}"#,
    )?;
    let out = sandbox.admin(
        &["ask", "firm-eu", "--jurisdiction", "EU", "--prompt", "hi"],
        None,
    )?;
    expect_blocked(
        &out,
        &[
            &policy_file.display().to_string(),
            "alowed_regions",
            "line 1",
        ],
    )?;
    expect_blocked(
        &sandbox.admin(&["profile", "test", "firm-us"], None)?,
        &["invalid"],
    )?;
    let out = sandbox.admin(&["secret", "set", "firm-eu", "api_key"], Some("new-key"))?;
    expect_blocked(&out, &["invalid"])?;
    ensure!(
        (azure.requests().len(), bedrock.requests().len()) == sent_before,
        "a send under an invalid policy reached a mock"
    );
    let out = sandbox.admin(&["policy", "effective"], None)?;
    ensure!(out.status.code() == Some(10));
    ensure!(String::from_utf8_lossy(&out.stdout).contains("INVALID"));
    Ok(())
}

/// `ask --client` applies the jurisdiction recorded for that client (named by its imported id or
/// its internal id): an EU client's prompt never reaches Bedrock in us-east-1, a US client's does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs an OS keychain session (make test starts one)"]
async fn a_clients_recorded_jurisdiction_decides_where_the_prompt_may_go() -> Result<()> {
    let sandbox = Sandbox::new()?;
    let azure = MockProvider::start(Route::AzureClassic.mock_kind()).await?;
    let bedrock = MockProvider::start(Route::BedrockSigV4.mock_kind()).await?;
    let (mut firm_eu, eu_credentials) = Route::AzureClassic.profile(&azure, "normal");
    firm_eu.name = "firm-eu".into();
    let (mut firm_us, us_credentials) = Route::BedrockSigV4.profile(&bedrock, "normal");
    firm_us.name = "firm-us".into();
    let policy = json!({
        "version": 1,
        "profiles": [firm_eu, firm_us],
        "jurisdictions": {
            "EU": {"regions": ["swedencentral"]},
            "US": {"regions": ["us-east-1"]}
        }
    });
    std::fs::write(
        sandbox.locations().policy_file,
        serde_json::to_string_pretty(&policy)?,
    )?;
    for (name, credentials) in [("firm-eu", &eu_credentials), ("firm-us", &us_credentials)] {
        for (field, value) in credentials.iter() {
            let out = sandbox.admin(
                &["secret", "set", name, field.as_str()],
                Some(value.expose()),
            )?;
            ensure!(out.status.success(), "{name} {field}: {}", stderr(&out));
        }
    }
    let records = sandbox.path().join("clients.jsonl");
    std::fs::write(
        &records,
        concat!(
            r#"{"type":"contact","id":"C-EU","given_name":"Ana","family_name":"Peña","jurisdiction":"EU"}"#,
            "\n",
            r#"{"type":"contact","id":"C-US","given_name":"Luis","family_name":"Ortiz","jurisdiction":"US"}"#,
            "\n"
        ),
    )?;
    let out = sandbox.admin(&["import", &records.display().to_string()], None)?;
    ensure!(out.status.success(), "{}", stderr(&out));
    let hits: serde_json::Value =
        serde_json::from_slice(&sandbox.admin(&["--json", "search", "Peña"], None)?.stdout)?;
    let ana = hits[0]["id"].to_string();
    ensure!(hits[0]["externalId"] == "C-EU", "{hits}");

    // The EU client, by imported id and by internal id: refused before Bedrock sees anything.
    for client in ["C-EU", ana.as_str()] {
        let out = sandbox.admin(
            &["ask", "firm-us", "--client", client, "--prompt", "hi"],
            None,
        )?;
        expect_blocked(&out, &["EU clients", "swedencentral", "us-east-1"])?;
    }
    ensure!(
        bedrock.requests().is_empty(),
        "a blocked send reached the mock"
    );
    // The same client through the EU profile, and the US client through Bedrock: both stream.
    let out = sandbox.admin(
        &["ask", "firm-eu", "--client", "C-EU", "--prompt", "hi"],
        None,
    )?;
    ensure!(out.status.success(), "{}", stderr(&out));
    ensure!(String::from_utf8_lossy(&out.stdout) == format!("{REPLY}\n"));
    let out = sandbox.admin(
        &["ask", "firm-us", "--client", "C-US", "--prompt", "hi"],
        None,
    )?;
    ensure!(out.status.success(), "{}", stderr(&out));
    ensure!(String::from_utf8_lossy(&out.stdout) == format!("{REPLY}\n"));
    ensure!(bedrock.requests().len() == 1);

    // An unknown client is not found (exit 3); a client and a jurisdiction together are a
    // usage error (exit 2). Neither sends anything.
    let out = sandbox.admin(
        &["ask", "firm-us", "--client", "C-404", "--prompt", "hi"],
        None,
    )?;
    ensure!(out.status.code() == Some(3), "{}", stderr(&out));
    let out = sandbox.admin(
        &[
            "ask",
            "firm-us",
            "--client",
            "C-EU",
            "--jurisdiction",
            "US",
            "--prompt",
            "hi",
        ],
        None,
    )?;
    ensure!(out.status.code() == Some(2), "{}", stderr(&out));
    ensure!(bedrock.requests().len() == 1);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs an OS keychain session (make test starts one)"]
async fn a_profile_whose_endpoint_host_is_not_allowed_never_reaches_it() -> Result<()> {
    let sandbox = Sandbox::new()?;
    let openai = MockProvider::start(Route::OpenAi.mock_kind()).await?;
    let (mut mine, credentials) = Route::OpenAi.profile(&openai, "normal");
    mine.name = "mine".into();
    let args = casefile_tests::profile_add_args("mine", &mine);
    let out = sandbox.admin(&args, None)?;
    ensure!(out.status.success(), "{}", stderr(&out));
    for (field, value) in credentials.iter() {
        let out = sandbox.admin(
            &["secret", "set", "mine", field.as_str()],
            Some(value.expose()),
        )?;
        ensure!(out.status.success(), "{}", stderr(&out));
    }
    let policy_file = sandbox.locations().policy_file;
    let ask = ["ask", "mine", "--prompt", "hi"];

    // The mock's host is not among the allowed endpoints: refused, nothing sent.
    let policy =
        json!({"version": 1, "allowed_endpoints": ["*.openai.azure.com", "gateway.firm.example"]});
    std::fs::write(&policy_file, policy.to_string())?;
    let out = sandbox.admin(&ask, None)?;
    expect_blocked(&out, &["only these endpoints", "not 127.0.0.1"])?;
    ensure!(
        openai.requests().is_empty(),
        "a refused send reached the mock"
    );

    // Listed, the same profile sends.
    let policy = json!({"version": 1, "allowed_endpoints": ["127.0.0.1"]});
    std::fs::write(&policy_file, policy.to_string())?;
    let out = sandbox.admin(&ask, None)?;
    ensure!(out.status.success(), "{}", stderr(&out));
    ensure!(openai.requests().len() == 1);
    Ok(())
}
