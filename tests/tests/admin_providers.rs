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

/// A gateway's subscription key as an MSP sets it: refused on the command line, taken from
/// standard input into the keychain, sent as the header, listed by name only, and removed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs an OS keychain session (make test starts one)"]
async fn a_gateway_header_key_goes_through_the_keychain_and_is_shown_by_name_only() -> Result<()> {
    const HEADER_KEY: &str = "apim-header-canary-7d31c9e0";
    let sandbox = Sandbox::new()?;
    let route = Route::OpenAiCompatible;
    let mock = MockProvider::start(route.mock_kind()).await?;
    set_up(&sandbox, route, &mock, "gw", "normal").await?;
    let (profile, _) = route.profile(&mock, "normal");
    let mut add = profile_add_args("gw", &profile);
    add.extend(strings(&["--replace", "--header", "X-Team=immigration"]));
    run(&sandbox, &add, None)?;

    // On the command line the value would be visible to other users: refused, with the way.
    let mut on_the_line = add.clone();
    on_the_line.extend(strings(&[
        "--header",
        &format!("Ocp-Apim-Subscription-Key={HEADER_KEY}"),
    ]));
    let out = sandbox.admin(&on_the_line, None)?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    ensure!(out.status.code() == Some(2), "{stderr}");
    ensure!(
        stderr.contains("casefile-admin secret set gw header:Ocp-Apim-Subscription-Key"),
        "{stderr}"
    );

    run(
        &sandbox,
        &strings(&["secret", "set", "gw", "header:Ocp-Apim-Subscription-Key"]),
        Some(&format!("{HEADER_KEY}\n")),
    )?;
    let status = run(&sandbox, &strings(&["secret", "status", "gw"]), None)?;
    ensure!(
        status.contains("header:Ocp-Apim-Subscription-Key set on"),
        "{status}"
    );
    let shown: serde_json::Value = serde_json::from_str(&run(
        &sandbox,
        &strings(&["--json", "profile", "show", "gw"]),
        None,
    )?)?;
    ensure!(
        shown["keychain_headers"] == serde_json::json!(["Ocp-Apim-Subscription-Key"])
            && shown["extra_headers"] == serde_json::json!({"X-Team": "immigration"}),
        "{shown}"
    );
    let fields: Vec<_> = shown["credentials"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| c["field"].clone())
        .collect();
    ensure!(
        fields
            == [
                serde_json::json!("api_key"),
                serde_json::json!("header:Ocp-Apim-Subscription-Key")
            ],
        "{shown}"
    );

    let answer = run(&sandbox, &strings(&["ask", "gw", "--prompt", "hi"]), None)?;
    ensure!(answer.contains(REPLY), "{answer}");
    let sent = mock.requests().pop().expect("the mock saw the send");
    ensure!(sent.header("Ocp-Apim-Subscription-Key") == Some(HEADER_KEY));
    ensure!(sent.header("X-Team") == Some("immigration"));

    let export = sandbox.path().join("config.json");
    run(
        &sandbox,
        &strings(&["config", "export", &export.to_string_lossy()]),
        None,
    )?;
    let exported = std::fs::read_to_string(&export)?;
    ensure!(exported.contains("Ocp-Apim-Subscription-Key"), "{exported}");
    let listed = run(&sandbox, &strings(&["--json", "profile", "list"]), None)?;
    let logs = read_dir_text(&sandbox.locations().log_dir)?;
    for (place, text) in [
        ("profile show --json", shown.to_string()),
        ("profile list --json", listed),
        ("secret status", status),
        ("config export", exported),
        ("the log", logs),
        ("the refusal", stderr.into_owned()),
    ] {
        ensure!(!text.contains(HEADER_KEY), "the header key reached {place}");
    }

    // Deleted: no longer sent.
    run(
        &sandbox,
        &strings(&["secret", "delete", "gw", "header:ocp-apim-subscription-key"]),
        None,
    )?;
    run(&sandbox, &strings(&["ask", "gw", "--prompt", "hi"]), None)?;
    let sent = mock.requests().pop().expect("the mock saw the send");
    ensure!(sent.header("Ocp-Apim-Subscription-Key").is_none());
    Ok(())
}

/// A workspace from before header keys moved to the keychain: the key in the profile's row
/// moves to the keychain on first use, and is still sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs an OS keychain session (make test starts one)"]
async fn a_header_key_stored_in_the_database_moves_to_the_keychain() -> Result<()> {
    const OLD_KEY: &str = "helicone-row-canary-0b5e";
    let sandbox = Sandbox::new()?;
    let route = Route::OpenAiCompatible;
    let mock = MockProvider::start(route.mock_kind()).await?;
    set_up(&sandbox, route, &mock, "gw", "normal").await?;
    let (profile, _) = route.profile(&mock, "normal");
    let mut old = profile.clone();
    old.name = "gw".into();
    old.extra_headers
        .insert("Helicone-Auth".into(), format!("Bearer {OLD_KEY}"));
    sandbox.raw_database()?.execute(
        "UPDATE provider_profiles SET settings = ?1 WHERE name = 'gw'",
        [serde_json::to_string(&old)?],
    )?;

    let status = run(&sandbox, &strings(&["secret", "status", "gw"]), None)?;
    ensure!(status.contains("header:Helicone-Auth"), "{status}");
    let row: String = sandbox.raw_database()?.query_row(
        "SELECT settings FROM provider_profiles WHERE name = 'gw'",
        [],
        |r| r.get(0),
    )?;
    ensure!(!row.contains(OLD_KEY), "the key is still in the row: {row}");
    run(&sandbox, &strings(&["ask", "gw", "--prompt", "hi"]), None)?;
    let sent = mock.requests().pop().expect("the mock saw the send");
    let expected = format!("Bearer {OLD_KEY}");
    ensure!(sent.header("Helicone-Auth") == Some(expected.as_str()));
    Ok(())
}

fn read_dir_text(dir: &Path) -> Result<String> {
    let mut text = String::new();
    for entry in std::fs::read_dir(dir)? {
        text.push_str(&std::fs::read_to_string(entry?.path())?);
    }
    Ok(text)
}
