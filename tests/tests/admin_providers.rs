//! The admin CLI as an MSP script uses it: `profile add`, `secret set` into the real OS keychain,
//! then `ask` and `profile test` against every provider's mock. The CLI runs as a child process
//! that this test waits for, so the mocks need runtime threads of their own.

use std::path::Path;

use anyhow::{Result, ensure};
use casefile_tests::mock::{ALL_ROUTES, INPUT_TOKENS, MockProvider, OUTPUT_TOKENS, REPLY, Route};
use casefile_tests::{Sandbox, profile_add_args};

fn run(sandbox: &Sandbox, args: &[String], stdin: Option<&str>) -> Result<String> {
    let out = sandbox.admin(args, stdin)?;
    ensure!(
        out.status.success(),
        "casefile-admin {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(String::from_utf8(out.stdout)?)
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|a| (*a).to_owned()).collect()
}

async fn set_up(
    sandbox: &Sandbox,
    route: Route,
    mock: &MockProvider,
    name: &str,
    scenario: &str,
) -> Result<()> {
    let (profile, credentials) = route.profile(mock, scenario);
    run(sandbox, &profile_add_args(name, &profile), None)?;
    for (field, value) in credentials.iter() {
        run(
            sandbox,
            &strings(&["secret", "set", name, field.as_str()]),
            Some(value.expose()),
        )?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs an OS keychain session (make test starts one)"]
async fn ask_streams_the_answer_from_every_provider_through_keychain_credentials() -> Result<()> {
    let sandbox = Sandbox::new()?;
    for route in ALL_ROUTES {
        let mock = MockProvider::start(route.mock_kind()).await?;
        let name = format!("{route:?}").to_lowercase();
        set_up(&sandbox, route, &mock, &name, "normal").await?;

        let out = sandbox.admin(
            &strings(&[
                "ask",
                &name,
                "--prompt",
                "When are the biometrics?",
                "--max-tokens",
                "200",
            ]),
            None,
        )?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        ensure!(out.status.success(), "{route:?}: {stderr}");
        ensure!(
            String::from_utf8_lossy(&out.stdout) == format!("{REPLY}\n"),
            "{route:?}: {:?}",
            String::from_utf8_lossy(&out.stdout)
        );
        let usage = format!("usage: {INPUT_TOKENS} input tokens, {OUTPUT_TOKENS} output tokens");
        ensure!(stderr.contains(&usage), "{route:?}: {stderr}");

        let report: serde_json::Value = serde_json::from_str(&run(
            &sandbox,
            &strings(&["--json", "profile", "test", &name]),
            None,
        )?)?;
        ensure!(report["ok"] == true, "{route:?}: {report}");
        ensure!(report["reply"] == REPLY, "{route:?}: {report}");
    }
    let logs = read_dir_text(&sandbox.locations().log_dir)?;
    for secret in [
        casefile_tests::mock::creds::API_KEY,
        casefile_tests::mock::creds::AWS_SECRET_ACCESS_KEY,
    ] {
        ensure!(!logs.contains(secret), "a credential reached the log");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs an OS keychain session (make test starts one)"]
async fn a_refused_request_exits_9_with_the_providers_diagnosis() -> Result<()> {
    let sandbox = Sandbox::new()?;
    let route = Route::AzureClassic;
    let mock = MockProvider::start(route.mock_kind()).await?;
    set_up(&sandbox, route, &mock, "azure", "not-found").await?;

    let out = sandbox.admin(
        &strings(&["--json", "ask", "azure", "--prompt", "hi"]),
        None,
    )?;
    ensure!(out.status.code() == Some(9), "exit {:?}", out.status.code());
    let error: serde_json::Value = serde_json::from_slice(&out.stderr)?;
    ensure!(error["error"]["code"] == "provider", "{error}");
    let message = error["error"]["message"].as_str().unwrap_or_default();
    ensure!(message.contains("deployment name"), "{message}");

    let out = sandbox.admin(&strings(&["--json", "profile", "test", "azure"]), None)?;
    ensure!(out.status.code() == Some(9));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    ensure!(
        report["ok"] == false && report["failure"]["kind"] == "notFound",
        "{report}"
    );

    // Without its credential the profile cannot send, and says which command fixes that.
    run(
        &sandbox,
        &strings(&["secret", "remove", "azure", "api_key"]),
        None,
    )?;
    let out = sandbox.admin(&strings(&["ask", "azure", "--prompt", "hi"]), None)?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    ensure!(out.status.code() == Some(9), "{stderr}");
    ensure!(stderr.contains("secret set azure api_key"), "{stderr}");
    Ok(())
}

fn read_dir_text(dir: &Path) -> Result<String> {
    let mut text = String::new();
    for entry in std::fs::read_dir(dir)? {
        text.push_str(&std::fs::read_to_string(entry?.path())?);
    }
    Ok(text)
}
