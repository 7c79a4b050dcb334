//! The Casefile desktop shell: wires casefile-core to the webview. Holds no business logic.

mod commands;
mod ipc_error;
mod navigation;
mod running;
mod state;

use casefile_core::logging;
use casefile_core::paths::Locations;
use tauri_specta::{Builder, collect_commands};

use crate::state::AppState;

/// The command set, shared by the running app and the TypeScript bindings generator.
fn command_builder<R: tauri::Runtime>() -> Builder<R> {
    use commands::*;
    Builder::new()
        .commands(collect_commands![
            workspace_status,
            clients,
            create_client,
            client,
            matters,
            create_matter,
            matter,
            notes,
            create_note,
            note,
            save_note,
            note_revisions,
            note_revision,
            restore_note_revision,
            trash_note,
            restore_note,
            purge_note,
            trash,
            search,
            filings,
            add_filing,
            add_notice,
            add_event_deadline,
            deadlines,
            upcoming_deadlines,
            override_deadline,
            complete_deadline,
            contact,
            update_contact,
            matter_record,
            update_matter,
            matter_parties,
            add_party,
            remove_party,
            note_tags,
            set_note_tags,
            provider_profiles,
            save_provider_profile,
            remove_provider_profile,
            set_default_provider_profile,
            set_provider_credential,
            remove_provider_credential,
            test_provider_connection,
            effective_policy,
            templates,
            create_offline_draft,
            drafts,
            all_drafts,
            draft,
            save_draft,
            draft_versions,
            restore_draft_version,
            approve_draft,
            reviewer,
            matter_ai_cost,
            client_consents,
            record_consent,
            revoke_consent,
            export_draft,
            export_matter_drafts,
            cancel_export,
            export_location,
            show_export_folder,
            set_setting,
            matter_retention,
            set_matter_retention,
            set_legal_hold,
            release_legal_hold,
            delete_draft,
            preview_ai_draft,
            send_ai_draft,
            cancel_ai_draft,
        ])
        // Record ids are SQLite rowids, far below 2^53: exact as JavaScript numbers.
        .dangerously_cast_bigints_to_number()
}

pub fn run() {
    let locations = Locations::resolve(None);
    let _log_guard = match &locations {
        Ok(loc) => logging::init(&loc.log_dir, "casefile", &loc.log_filter)
            .inspect_err(|e| eprintln!("Casefile is running without a log file: {e}"))
            .ok(),
        Err(_) => None,
    };
    casefile_core::paths::warn_if_policy_variable_ignored();
    let commands = command_builder::<tauri::Wry>();
    tauri::Builder::default()
        .manage(AppState::open(locations))
        .invoke_handler(commands.invoke_handler())
        .setup(|app| {
            use tauri::Manager;
            open_main_window(app)?;
            // Retention runs at start and once a day while the app is open.
            if let Ok(store) = app.state::<AppState>().store() {
                tauri::async_runtime::spawn(casefile_core::retention::run_while_open(
                    store.clone(),
                ));
                // Audit entries go to the firm's collector while the app is open.
                tauri::async_runtime::spawn(casefile_core::audit::forward::run_while_open(
                    store.clone(),
                ));
            }
            Ok(())
        })
        .run(tauri::generate_context!())
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, "the app failed to start");
            eprintln!("Casefile could not start: {e}");
            std::process::exit(1);
        });
}

/// The main window, built here rather than from the configuration alone so that it denies
/// navigation away from the app and new windows ([`navigation`]).
fn open_main_window(app: &tauri::App) -> tauri::Result<()> {
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|window| window.label == "main")
        .cloned()
        .ok_or_else(|| std::io::Error::other("the configuration has no main window"))?;
    let dev_url = app.config().build.dev_url.clone();
    tauri::WebviewWindowBuilder::from_config(app.handle(), &config)?
        .on_navigation(move |url| {
            let allowed = navigation::navigation_allowed(url, dev_url.as_ref());
            if !allowed {
                navigation::log_denied("navigation", url);
            }
            allowed
        })
        .on_new_window(|url, _| {
            navigation::log_denied("new window", &url);
            tauri::webview::NewWindowResponse::Deny
        })
        .build()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    const BINDINGS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../ui/src/bindings.ts");

    fn export_bindings(path: &std::path::Path) {
        command_builder::<tauri::Wry>()
            .export(
                specta_typescript::Typescript::default()
                    .header("// Generated from the Rust command signatures by `make bindings`. Do not edit.\n"),
                path,
            )
            .expect("exporting TypeScript bindings");
    }

    /// The UI's bindings must match the Rust signatures. `make bindings` rewrites them.
    #[test]
    fn typescript_bindings_match_the_commands() {
        if std::env::var_os("CASEFILE_WRITE_BINDINGS").is_some() {
            export_bindings(&PathBuf::from(BINDINGS));
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let fresh = dir.path().join("bindings.ts");
        export_bindings(&fresh);
        let committed = std::fs::read_to_string(BINDINGS).unwrap_or_default();
        assert!(
            committed == std::fs::read_to_string(&fresh).unwrap(),
            "ui/src/bindings.ts is out of date with the Rust commands: run `make bindings`"
        );
    }

    /// A command the UI can call must be declared as a permission (build.rs) and granted to the
    /// main window (capabilities/main.json); otherwise Tauri refuses it at run time.
    #[test]
    fn every_command_is_declared_and_granted() {
        use std::collections::BTreeSet;
        let root = env!("CARGO_MANIFEST_DIR");
        let quoted_after = |text: &str, marker: &str| -> BTreeSet<String> {
            text.split(marker)
                .skip(1)
                .filter_map(|rest| rest.split('"').next())
                .map(str::to_owned)
                .collect()
        };
        let bindings = std::fs::read_to_string(BINDINGS).unwrap();
        let called = quoted_after(&bindings, "__TAURI_INVOKE(\"");
        assert!(called.contains("workspace_status"), "{called:?}");

        let build = std::fs::read_to_string(format!("{root}/build.rs")).unwrap();
        let list = build
            .split(".commands(&[")
            .nth(1)
            .unwrap()
            .split(']')
            .next()
            .unwrap();
        let declared: BTreeSet<String> = list
            .split('"')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect();

        let capability: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(format!("{root}/capabilities/main.json")).unwrap(),
        )
        .unwrap();
        let granted: BTreeSet<String> = capability["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                p.as_str()
                    .unwrap()
                    .trim_start_matches("allow-")
                    .replace('-', "_")
            })
            .collect();

        assert_eq!(called, declared, "commands vs build.rs");
        assert_eq!(called, granted, "commands vs capabilities/main.json");
    }

    /// The app on Tauri's mock runtime (no display) with the real context and capabilities, on
    /// a workspace in `tmp`.
    fn mock_app(tmp: &std::path::Path) -> tauri::App<tauri::test::MockRuntime> {
        let locations = Locations {
            data_dir: tmp.join("workspace"),
            log_dir: tmp.join("logs"),
            keychain_service: "Casefile-ipc-test".into(),
            log_filter: "info".into(),
            policy_file: tmp.join("policy.json"),
        };
        tauri::test::mock_builder()
            .manage(AppState::open(Ok(locations)))
            .invoke_handler(command_builder().invoke_handler())
            .build(tauri::generate_context!())
            .unwrap()
    }

    /// Calls `cmd` through Tauri's IPC layer, as the main window does.
    fn invoke(
        app: &tauri::App<tauri::test::MockRuntime>,
        cmd: &str,
        args: serde_json::Value,
    ) -> Result<serde_json::Value, serde_json::Value> {
        use tauri::Manager;
        use tauri::test::{INVOKE_KEY, get_ipc_response};
        use tauri::webview::InvokeRequest;

        let webview = match app.get_webview_window("main") {
            Some(webview) => webview,
            None => tauri::WebviewWindowBuilder::new(app, "main", Default::default())
                .build()
                .unwrap(),
        };
        get_ipc_response(
            &webview,
            InvokeRequest {
                cmd: cmd.into(),
                callback: tauri::ipc::CallbackFn(0),
                error: tauri::ipc::CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body: tauri::ipc::InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|response| response.deserialize().unwrap())
    }

    /// A command called through Tauri's IPC layer (mock runtime, no display) reaches core and
    /// answers in the shape the UI expects.
    #[test]
    fn workspace_status_answers_over_ipc() {
        let tmp = tempfile::tempdir().unwrap();
        let app = mock_app(tmp.path());
        let status = invoke(&app, "workspace_status", serde_json::json!({}))
            .expect("workspace_status should succeed");
        assert_eq!(status["appVersion"], casefile_core::VERSION);
        assert_eq!(
            status["dataDir"],
            tmp.path().join("workspace").display().to_string()
        );
        assert!(tmp.path().join("workspace").is_dir());
        assert!(matches!(
            status["keychain"]["state"].as_str(),
            Some("reachable" | "unreachable")
        ));
    }

    /// The Settings screen's commands over IPC: a profile is saved, its key stored write-only
    /// (no answer ever holds it), a refused value names its field, and an invalid policy file
    /// is reported with its place and refuses credentials and the connection test.
    #[test]
    fn settings_commands_answer_over_ipc_and_never_return_a_secret() {
        use std::sync::Arc;

        use casefile_core::secrets::MemoryStore;
        use casefile_core::workspace::Workspace;
        use serde_json::{Value, json};
        use tauri::test::{INVOKE_KEY, get_ipc_response, mock_builder};
        use tauri::webview::InvokeRequest;

        const CANARY: &str = "sk-ipc-canary-7f3a9";
        let tmp = tempfile::tempdir().unwrap();
        let policy_file = tmp.path().join("policy.json");
        let locations = Locations {
            data_dir: tmp.path().join("workspace"),
            log_dir: tmp.path().join("logs"),
            keychain_service: "Casefile-ipc-test".into(),
            log_filter: "info".into(),
            policy_file: policy_file.clone(),
        };
        let workspace = Workspace::open_with_secrets(locations, Arc::new(MemoryStore::default()));
        let app = mock_builder()
            .manage(AppState::with_workspace(workspace))
            .invoke_handler(command_builder().invoke_handler())
            .build(tauri::generate_context!())
            .unwrap();
        let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap();
        let invoke = |cmd: &str, args: Value| -> Result<Value, Value> {
            get_ipc_response(
                &webview,
                InvokeRequest {
                    cmd: cmd.into(),
                    callback: tauri::ipc::CallbackFn(0),
                    error: tauri::ipc::CallbackFn(1),
                    url: "tauri://localhost".parse().unwrap(),
                    body: tauri::ipc::InvokeBody::Json(args),
                    headers: Default::default(),
                    invoke_key: INVOKE_KEY.to_string(),
                },
            )
            .map(|r| r.deserialize::<Value>().unwrap())
        };
        let gateway = json!({
            "name": "gateway", "kind": "openai-compatible", "display_name": null,
            "base_url": "http://127.0.0.1:9/v1", "region": null, "model": "llama",
            "deployment": null, "api_version": null, "project": null, "tenant_id": null,
            "client_id": null, "token_url": null, "extra_headers": {},
            "data_processing": { "processing_region": "This computer", "retention": "unknown",
                                 "no_training": true, "contract_reference": null }
        });

        let saved = invoke(
            "save_provider_profile",
            json!({ "profile": gateway, "replace": false, "makeDefault": false }),
        )
        .unwrap();
        assert_eq!(saved[0]["name"], "gateway");
        assert_eq!(
            saved[0]["is_default"], true,
            "the first profile is the default"
        );
        assert_eq!(saved[0]["credential_fields"], json!(["api_key"]));

        let stored = invoke(
            "set_provider_credential",
            json!({ "name": "gateway", "field": "api_key", "value": CANARY }),
        )
        .unwrap();
        assert_eq!(stored[0]["credentials"][0]["field"], "api_key");
        assert!(stored[0]["credentials"][0]["set_at"].is_string());
        // A gateway's header key travels the same way, and comes back as a name.
        let header = invoke(
            "set_provider_credential",
            json!({ "name": "gateway", "field": "header:Ocp-Apim-Subscription-Key",
                    "value": CANARY }),
        )
        .unwrap();
        assert_eq!(
            header[0]["keychain_headers"],
            json!(["Ocp-Apim-Subscription-Key"])
        );
        assert_eq!(
            header[0]["credentials"][1]["field"],
            "header:Ocp-Apim-Subscription-Key"
        );
        let listed = invoke("provider_profiles", json!({})).unwrap();
        let policy = invoke("effective_policy", json!({})).unwrap();
        assert_eq!(policy["status"]["state"], "absent");
        for answer in [&saved, &stored, &header, &listed, &policy] {
            assert!(!answer.to_string().contains(CANARY), "{answer}");
        }

        let mut insecure = gateway.clone();
        insecure["base_url"] = json!("http://10.0.0.5/v1");
        let refused = invoke(
            "save_provider_profile",
            json!({ "profile": insecure, "replace": true, "makeDefault": false }),
        )
        .unwrap_err();
        assert_eq!(refused["code"], "invalidInput");
        assert_eq!(refused["field"], "base_url");

        std::fs::write(
            &policy_file,
            "{\n  \"version\": 1,\n  \"alowed_kinds\": []\n}",
        )
        .unwrap();
        let policy = invoke("effective_policy", json!({})).unwrap();
        assert_eq!(policy["status"]["state"], "invalid", "{policy}");
        assert_eq!(policy["status"]["location"]["line"], 3, "{policy}");
        assert!(
            policy["status"]["reason"]
                .as_str()
                .unwrap()
                .contains("alowed_kinds")
        );
        assert_eq!(policy["policy_file"], json!(policy_file));
        for (cmd, args) in [
            (
                "set_provider_credential",
                json!({ "name": "gateway", "field": "api_key", "value": "another" }),
            ),
            ("test_provider_connection", json!({ "name": "gateway" })),
            ("remove_provider_profile", json!({ "name": "gateway" })),
        ] {
            let blocked = invoke(cmd, args).unwrap_err();
            assert_eq!(blocked["code"], "policyBlocked", "{cmd}: {blocked}");
            assert!(
                blocked["message"]
                    .as_str()
                    .unwrap()
                    .contains(&policy_file.display().to_string()),
                "{cmd}: {blocked}"
            );
        }
    }

    /// Exports over IPC: the settings name the letterhead and the folder; a draft is written
    /// there as a new file each time (never over the last); the approval rule's refusal arrives
    /// with its reason and writes nothing; a locked setting cannot be changed.
    #[test]
    fn drafts_are_exported_to_the_export_folder_over_ipc() {
        use std::sync::Arc;

        use casefile_core::secrets::MemoryStore;
        use casefile_core::workspace::Workspace;
        use serde_json::json;

        let tmp = tempfile::tempdir().unwrap();
        let locations = Locations {
            data_dir: tmp.path().join("workspace"),
            log_dir: tmp.path().join("logs"),
            keychain_service: "Casefile-ipc-test".into(),
            log_filter: "info".into(),
            policy_file: tmp.path().join("policy.json"),
        };
        let workspace = Workspace::open_with_secrets(locations, Arc::new(MemoryStore::default()));
        let app = tauri::test::mock_builder()
            .manage(AppState::with_workspace(workspace))
            .invoke_handler(command_builder().invoke_handler())
            .build(tauri::generate_context!())
            .unwrap();
        let folder = tmp.path().join("exports");
        let setting = |name: &str, value: serde_json::Value| {
            invoke(&app, "set_setting", json!({ "name": name, "value": value }))
        };
        let policy = setting("export_folder", json!(folder)).unwrap();
        assert!(
            policy["settings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["name"] == "export_folder" && s["source"] == "user"),
            "{policy}"
        );
        setting("firm_name", json!("Rivera & Ochoa LLP")).unwrap();
        let refused = setting("firm_name", json!("two\nlines")).unwrap_err();
        assert_eq!(refused["code"], "invalidInput");
        assert_eq!(refused["field"], "firm_name");
        assert_eq!(
            invoke(&app, "export_location", json!({})).unwrap(),
            json!(folder)
        );

        let client = invoke(
            &app,
            "create_client",
            json!({ "givenName": "Ana", "familyName": "Peña", "aNumber": null }),
        )
        .unwrap();
        let matter = invoke(
            &app,
            "create_matter",
            json!({ "clientId": client["id"], "title": "Asylum", "number": null }),
        )
        .unwrap();
        let shown = invoke(
            &app,
            "create_offline_draft",
            json!({ "matterId": matter["id"], "template": "case-summary", "noteIds": null }),
        )
        .unwrap();
        let id = shown["draft"]["id"].clone();
        let first = invoke(&app, "export_draft", json!({ "id": id, "format": "md" })).unwrap();
        let second = invoke(&app, "export_draft", json!({ "id": id, "format": "md" })).unwrap();
        let path =
            |saved: &serde_json::Value| std::path::PathBuf::from(saved["path"].as_str().unwrap());
        assert_eq!(path(&first).parent(), Some(folder.as_path()));
        assert_ne!(path(&first), path(&second));
        let text = std::fs::read_to_string(path(&first)).unwrap();
        assert!(
            text.ends_with(&format!("{}\n", first["contentSha256"].as_str().unwrap())),
            "{text}"
        );
        let docx = invoke(&app, "export_draft", json!({ "id": id, "format": "docx" })).unwrap();
        assert!(path(&docx).to_string_lossy().ends_with(".docx"));
        let unknown =
            invoke(&app, "export_draft", json!({ "id": id, "format": "rtf" })).unwrap_err();
        assert!(unknown.to_string().contains("rtf"), "{unknown}");

        setting("require_approval_before_export", json!(true)).unwrap();
        let blocked =
            invoke(&app, "export_draft", json!({ "id": id, "format": "pdf" })).unwrap_err();
        assert_eq!(blocked["code"], "policyBlocked");
        assert!(
            blocked["message"].as_str().unwrap().contains("approv"),
            "{blocked}"
        );
        assert_eq!(
            std::fs::read_dir(&folder).unwrap().count(),
            3,
            "nothing more written"
        );

        std::fs::write(
            tmp.path().join("policy.json"),
            json!({"version": 1, "locks": {"firm_name": "Set by the firm."}}).to_string(),
        )
        .unwrap();
        let locked = setting("firm_name", json!("Mine")).unwrap_err();
        assert_eq!(locked["code"], "policyBlocked");
        assert!(
            locked["message"]
                .as_str()
                .unwrap()
                .contains("Set by the firm.")
        );
    }

    /// The template list comes from the workspace folder, with a broken firm file reported
    /// beside the templates that load.
    #[test]
    fn templates_answer_over_ipc_with_the_firm_files_that_could_not_be_used() {
        let tmp = tempfile::tempdir().unwrap();
        let app = mock_app(tmp.path());
        let folder = tmp.path().join("workspace/templates");
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("broken.toml"), "name = ").unwrap();
        let catalog = invoke(&app, "templates", serde_json::json!({})).expect("templates");
        let names: Vec<&str> = catalog["templates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        assert_eq!(names[0], "case-summary");
        assert_eq!(names.len(), 5);
        assert_eq!(catalog["templates"][0]["firmFile"], serde_json::Value::Null);
        assert!(
            catalog["templates"][0]["aiSections"]
                .as_array()
                .unwrap()
                .contains(&"Facts".into())
        );
        let problem = &catalog["problems"][0];
        assert!(problem["path"].as_str().unwrap().ends_with("broken.toml"));
        assert!(!problem["reason"].as_str().unwrap().is_empty());
        assert_eq!(
            invoke(&app, "reviewer", serde_json::json!({})).unwrap(),
            casefile_core::audit::os_user()
        );
    }

    /// Cancel reaches the draft being written, even before its pipeline waits for the signal;
    /// a draft no longer being written answers false.
    #[test]
    fn cancelling_reaches_the_draft_being_written() {
        use std::future::Future;
        use std::task::{Context, Waker};
        use tauri::Manager;

        let tmp = tempfile::tempdir().unwrap();
        let app = mock_app(tmp.path());
        let stop = tokio_util::sync::CancellationToken::new();
        app.state::<AppState>().drafts.started(7, stop.clone());
        let cancel = |id: i64| {
            invoke(
                &app,
                "cancel_ai_draft",
                serde_json::json!({ "draftId": id }),
            )
        };
        assert_eq!(cancel(8).unwrap(), false, "another draft");
        assert_eq!(cancel(7).unwrap(), true);
        let stopped = std::pin::pin!(stop.cancelled());
        assert!(
            stopped
                .poll(&mut Context::from_waker(Waker::noop()))
                .is_ready(),
            "the cancel was kept for the pipeline"
        );
        app.state::<AppState>().drafts.ended(&7);
        assert_eq!(cancel(7).unwrap(), false, "the draft has ended");
    }

    #[test]
    fn a_workspace_that_cannot_open_becomes_a_coded_error() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("not-a-folder");
        std::fs::write(&file, "x").unwrap();
        let state = AppState::open(Ok(Locations {
            data_dir: file,
            log_dir: tmp.path().join("logs"),
            keychain_service: "Casefile-ipc-test".into(),
            log_filter: "info".into(),
            policy_file: tmp.path().join("policy.json"),
        }));
        let err = state.workspace().err().unwrap();
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(json["code"], "storage");
        assert!(json["message"].as_str().unwrap().contains("not-a-folder"));
    }
}
