//! The Settings screen on the real app, against a mock provider: an attorney adds a gateway
//! profile, stores its key (which never comes back to the page) and tests the connection; a
//! policy that defines and locks the provider shows it locked and refuses changes, even when the
//! page asks the app directly; an invalid policy file is shown with its place and reason and
//! nothing reaches the provider.

use std::sync::Arc;

use anyhow::{Context, Result, ensure};
use casefile_core::providers::CredentialField;
use casefile_core::secrets::Secret;
use casefile_core::workspace::Workspace;
use casefile_tests::mock::{MockProvider, Route, creds};
use casefile_tests::{App, Launch, Sandbox};
use serde_json::{Value, json};

/// Calls an app command from the page, as the UI's bindings do: `Ok(answer)` or `Err(error)`.
async fn invoke(app: &App, cmd: &str, args: Value) -> Result<Result<Value, Value>> {
    let outcome = app
        .client()
        .execute_async(
            "const [cmd, args, done] = arguments;
             window.__TAURI_INTERNALS__.invoke(cmd, args)
               .then(value => done({ ok: value }), error => done({ err: error }));",
            vec![cmd.into(), args],
        )
        .await?;
    Ok(match outcome.get("ok") {
        Some(value) => Ok(value.clone()),
        None => Err(outcome.get("err").cloned().unwrap_or(Value::Null)),
    })
}

/// A DOM property (`readOnly`, `disabled`, `value`…) of the element with `data-testid="id"`.
async fn prop(app: &App, id: &str, name: &str) -> Result<Value> {
    let element = app.by_test_id(id).await?;
    Ok(app
        .client()
        .execute(
            "return arguments[0][arguments[1]];",
            vec![serde_json::to_value(&element)?, name.into()],
        )
        .await?)
}

async fn text_contains(app: &App, id: &str, words: &str) -> Result<()> {
    app.eventually(&format!("{id} to show {words:?}"), async || {
        Ok(app.text_of(id).await?.contains(words).then_some(()))
    })
    .await
}

/// Everything the page could reveal: its markup, its text and the value of every field.
async fn page_contents(app: &App) -> Result<String> {
    let page = app
        .client()
        .execute(
            "return [document.documentElement.outerHTML, document.body.innerText,
                     ...[...document.querySelectorAll('input, textarea, select')]
                        .map(e => e.value)].join('\\n');",
            vec![],
        )
        .await?;
    Ok(page.as_str().unwrap_or_default().to_owned())
}

/// Every file under `dir` (the workspace, the logs) that holds `needle`.
fn files_containing(dir: &std::path::Path, needle: &[u8]) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_containing(&path, needle));
        } else if std::fs::read(&path)
            .is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle))
        {
            found.push(path);
        }
    }
    found
}

/// A gateway's subscription key, set as a header key on the Settings screen.
const HEADER_KEY: &str = "apim-e2e-header-canary-3c8f";

async fn open_settings(app: &App) -> Result<()> {
    app.click("nav-settings").await?;
    app.by_test_id("provider-settings").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app: needs a display, a Secret Service and tauri-driver (make test)"]
async fn a_gateway_profile_is_added_its_key_stored_write_only_and_its_connection_tested()
-> Result<()> {
    let mock = MockProvider::start(Route::OpenAiCompatible.mock_kind()).await?;
    let (wanted, _) = Route::OpenAiCompatible.profile(&mock, "normal");
    let base_url = wanted.base_url.clone().context("a base URL")?;
    let model = wanted.model.clone().context("a model")?;
    let sandbox = Sandbox::new()?;
    let launch = Launch {
        sandbox: Some(Arc::clone(&sandbox)),
        ..Launch::default()
    };

    App::run("settings_gateway_profile", launch, async |app| {
        open_settings(app).await?;
        text_contains(app, "policy-absent", "you choose every setting").await?;
        app.click("profile-add").await?;
        app.fill("profile-name", "gateway").await?;
        app.choose("profile-kind", "openai-compatible").await?;
        app.fill("profile-base-url", &base_url).await?;
        app.fill("profile-model", &model).await?;
        app.fill("profile-display-name", "Firm gateway").await?;
        app.choose("profile-data-processing-retention", "zero-data-retention")
            .await?;
        app.screenshot("settings-new-gateway-profile", "provider-settings")
            .await?;
        app.click("profile-save").await?;

        app.wait_for_css("[data-testid='profile-panel'][data-name='gateway']")
            .await?;
        text_contains(app, "profile-item", "Default").await?;
        text_contains(app, "credential-api-key-state", "Not set").await?;

        // The key goes in once; the page learns only when it was set.
        app.click("credential-api-key-set").await?;
        ensure!(
            app.attr_of("credential-api-key-value", "type")
                .await?
                .as_deref()
                == Some("password")
        );
        app.fill("credential-api-key-value", creds::API_KEY).await?;
        app.click("credential-api-key-store").await?;
        text_contains(app, "credential-api-key-state", "Set on").await?;
        ensure!(app.count("credential-api-key-value").await? == 0);
        let page = page_contents(app).await?;
        ensure!(
            !page.contains(creds::API_KEY),
            "the stored key is in the page"
        );
        let listed = invoke(app, "provider_profiles", json!({})).await?;
        let listed = listed.map_err(|e| anyhow::anyhow!("provider_profiles: {e}"))?;
        ensure!(
            !listed.to_string().contains(creds::API_KEY),
            "a command returned the key: {listed}"
        );
        ensure!(
            listed[0]["credentials"][0]["field"] == "api_key",
            "{listed}"
        );

        // A gateway's header key: named, its value straight to the keychain, never shown.
        app.click("credential-new-header-add").await?;
        app.fill("credential-new-header-name", "Ocp-Apim-Subscription-Key")
            .await?;
        app.fill("credential-new-header-value", HEADER_KEY).await?;
        app.click("credential-new-header-store").await?;
        text_contains(
            app,
            "credential-header-ocp-apim-subscription-key-state",
            "Set on",
        )
        .await?;
        let listed = invoke(app, "provider_profiles", json!({})).await?;
        let listed = listed.map_err(|e| anyhow::anyhow!("provider_profiles: {e}"))?;
        ensure!(
            listed[0]["keychain_headers"] == json!(["Ocp-Apim-Subscription-Key"])
                && !listed.to_string().contains(HEADER_KEY),
            "{listed}"
        );

        // Test connection: progress, then the latency and the model's words.
        app.click("test-connection").await?;
        app.wait_for_attr("connection-result", "data-ok", "true")
            .await?;
        let latency: u64 = app.text_of("connection-latency").await?.trim().parse()?;
        app.screenshot("settings-connection-tested", "credentials")
            .await?;
        ensure!(latency < 10_000, "latency {latency} ms");
        let request = mock
            .requests()
            .pop()
            .context("the mock received no request")?;
        ensure!(
            request.header("authorization") == Some(format!("Bearer {}", creds::API_KEY).as_str()),
            "the test request did not carry the stored key"
        );
        ensure!(
            request.header("ocp-apim-subscription-key") == Some(HEADER_KEY),
            "the test request did not carry the header key"
        );
        let page = page_contents(app).await?;
        ensure!(
            !page.contains(creds::API_KEY) && !page.contains(HEADER_KEY),
            "a key appeared in the page after the test"
        );
        app.check_accessibility("Settings, a profile open after a connection test")
            .await
    })
    .await?;

    // The keys are in the keychain only: not in the workspace folder or the logs.
    for dir in ["workspace", "logs"] {
        for key in [creds::API_KEY, HEADER_KEY] {
            let leaks = files_containing(&sandbox.path().join(dir), key.as_bytes());
            ensure!(leaks.is_empty(), "a key was written to {leaks:?}");
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app: needs a display, a Secret Service and tauri-driver (make test)"]
async fn a_policy_that_defines_and_locks_the_provider_shows_it_locked_and_refuses_changes()
-> Result<()> {
    const ONLY_IT: &str = "Only the firm's IT provider adds AI providers.";
    let mock = MockProvider::start(Route::OpenAiCompatible.mock_kind()).await?;
    let (mut firm, _) = Route::OpenAiCompatible.profile(&mock, "normal");
    firm.name = "firm-gateway".into();
    firm.display_name = Some("Firm gateway".into());
    let sandbox = Sandbox::new()?;
    let policy = json!({
        "version": 1,
        "profiles": [firm],
        "allowed_kinds": ["openai-compatible"],
        "settings": { "custom_profiles": false, "default_profile": "firm-gateway" },
        "locks": {
            "custom_profiles": ONLY_IT,
            "default_profile": "Drafts go through the firm's gateway."
        }
    });
    std::fs::write(
        sandbox.locations().policy_file,
        serde_json::to_string_pretty(&policy)?,
    )?;
    let launch = Launch {
        sandbox: Some(Arc::clone(&sandbox)),
        ..Launch::default()
    };

    App::run("settings_locked_by_policy", launch, async |app| {
        open_settings(app).await?;
        text_contains(app, "policy-setting-custom_profiles", ONLY_IT).await?;
        ensure!(
            app.attr_of("policy-setting-custom_profiles", "data-locked")
                .await?
                .as_deref()
                == Some("true")
        );
        ensure!(prop(app, "profile-add", "disabled").await? == true);
        text_contains(
            app,
            "provider-settings",
            &format!("Managed by your IT provider: {ONLY_IT}"),
        )
        .await?;

        text_contains(app, "profile-item", "Managed by your IT provider").await?;
        app.click("profile-item").await?;
        app.by_test_id("profile-locked").await?;
        ensure!(
            app.count("profile-save").await? == 0,
            "a locked profile offers Save"
        );
        for id in ["profile-base-url", "profile-model", "profile-display-name"] {
            ensure!(prop(app, id, "readOnly").await? == true, "{id} is editable");
        }
        ensure!(prop(app, "profile-data-processing-retention", "disabled").await? == true);
        let base_url = firm.base_url.clone().unwrap_or_default();
        ensure!(app.value_of("profile-base-url").await? == base_url);
        // Typing changes nothing.
        app.by_test_id("profile-base-url")
            .await?
            .send_keys("/elsewhere")
            .await?;
        ensure!(app.value_of("profile-base-url").await? == base_url);
        text_contains(
            app,
            "profile-locked",
            &format!("Managed by your IT provider: {ONLY_IT}"),
        )
        .await?;
        app.check_accessibility("Settings, a profile locked by policy")
            .await?;
        app.screenshot("settings-locked-by-policy", "provider-settings")
            .await?;

        // Asked directly, the app refuses to change the firm's profile or add one.
        let mut changed = serde_json::to_value(&firm)?;
        changed["base_url"] = json!("https://elsewhere.example/v1");
        let refused = invoke(
            app,
            "save_provider_profile",
            json!({ "profile": changed, "replace": true, "makeDefault": false }),
        )
        .await?
        .err()
        .context("the app saved a change to the firm's profile")?;
        ensure!(refused["code"] == "policyBlocked", "{refused}");
        ensure!(
            refused["message"]
                .as_str()
                .is_some_and(|m| m.contains("defined by the firm's policy")),
            "{refused}"
        );
        let mut mine = changed.clone();
        mine["name"] = json!("mine");
        let refused = invoke(
            app,
            "save_provider_profile",
            json!({ "profile": mine, "replace": false, "makeDefault": false }),
        )
        .await?
        .err()
        .context("the app added a profile the policy forbids")?;
        ensure!(refused["code"] == "policyBlocked", "{refused}");
        let listed = invoke(app, "provider_profiles", json!({}))
            .await?
            .map_err(|e| anyhow::anyhow!("provider_profiles: {e}"))?;
        ensure!(
            listed.as_array().map(Vec::len) == Some(1) && listed[0]["base_url"] == json!(base_url),
            "{listed}"
        );
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app: needs a display, a Secret Service and tauri-driver (make test)"]
async fn an_invalid_policy_is_shown_with_its_place_and_reason_and_nothing_is_sent() -> Result<()> {
    let mock = MockProvider::start(Route::OpenAiCompatible.mock_kind()).await?;
    let (mut profile, _) = Route::OpenAiCompatible.profile(&mock, "normal");
    profile.name = "gateway".into();
    let sandbox = Sandbox::new()?;
    // A working profile with its key, set up before the policy file goes bad.
    let locations = sandbox.locations();
    tokio::task::spawn_blocking(move || -> Result<()> {
        let workspace = Workspace::open(locations)?;
        let mut store = workspace.open_store()?;
        workspace.save_profile(&mut store, &profile, false, false)?;
        workspace.set_credential(
            &mut store,
            "gateway",
            CredentialField::ApiKey,
            &Secret::new(creds::API_KEY),
        )?;
        Ok(())
    })
    .await??;
    let policy_file = sandbox.locations().policy_file;
    std::fs::write(
        &policy_file,
        "{\n  \"version\": 1,\n  \"alowed_kinds\": [\"openai-compatible\"]\n}\n",
    )?;
    let launch = Launch {
        sandbox: Some(Arc::clone(&sandbox)),
        ..Launch::default()
    };

    App::run("settings_invalid_policy", launch, async |app| {
        open_settings(app).await?;
        ensure!(app.attr_of("policy-invalid", "role").await?.as_deref() == Some("alert"));
        ensure!(app.text_of("policy-invalid-path").await? == policy_file.display().to_string());
        text_contains(app, "policy-invalid-where", "line 3").await?;
        text_contains(app, "policy-invalid-reason", "alowed_kinds").await?;
        ensure!(prop(app, "profile-add", "disabled").await? == true);

        app.click("profile-item").await?;
        app.by_test_id("profile-panel").await?;
        ensure!(prop(app, "test-connection", "disabled").await? == true);
        ensure!(prop(app, "credential-api-key-replace", "disabled").await? == true);
        ensure!(app.count("profile-save").await? == 0);
        app.check_accessibility("Settings, invalid policy").await?;
        app.screenshot("settings-invalid-policy", "provider-settings")
            .await?;

        // Asked directly, the app refuses the test, naming the file and the reason.
        let refused = invoke(
            app,
            "test_provider_connection",
            json!({ "name": "gateway" }),
        )
        .await?
        .err()
        .context("the app ran a connection test under an invalid policy")?;
        ensure!(refused["code"] == "policyBlocked", "{refused}");
        let message = refused["message"].as_str().unwrap_or_default();
        ensure!(
            message.contains(&policy_file.display().to_string())
                && message.contains("alowed_kinds"),
            "{message}"
        );
        ensure!(
            mock.requests().is_empty(),
            "a request reached the provider under an invalid policy"
        );
        Ok(())
    })
    .await
}
