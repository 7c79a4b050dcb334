//! The drafting pipeline headless (`casefile-admin draft`), against a mock provider that speaks
//! the OpenAI protocol: the offline summary on a fresh install; the policy's jurisdiction rule,
//! its consent and redaction requirements; what reaches the provider (placeholders, never the
//! client's identifiers); the answer's placeholders restored though they arrive in pieces; the
//! audit log's entries matching the exact bytes sent; an answer cut off kept as an incomplete
//! draft.

use std::process::Output;

use anyhow::{Context, Result, ensure};
use casefile_core::audit::sha256_hex;
use casefile_tests::Sandbox;
use casefile_tests::mock::{INPUT_TOKENS, MockProvider, Route};
use serde_json::{Value, json};

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn exit(out: &Output, code: i32) -> Result<()> {
    ensure!(
        out.status.code() == Some(code),
        "exit {:?}, expected {code}: {}{}",
        out.status.code(),
        stdout(out),
        stderr(out)
    );
    Ok(())
}

const RECORDS: &str = r#"{"type":"contact","id":"C-1","kind":"person","given_name":"Ana","family_name":"Peña","a_number":"A012345678","jurisdiction":"EU"}
{"type":"matter","id":"M-1","client_id":"C-1","title":"Asylum application","forum":"uscis"}
{"type":"note","id":"N-1","matter_id":"M-1","created_at":"2026-03-01T10:00:00Z","title":"Intake","body":"Ana Peña arrived in 2019. Her A-number is A# 012-345-678."}
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs an OS keychain session (make test starts one)"]
async fn a_draft_goes_out_redacted_audited_and_only_when_the_policy_allows() -> Result<()> {
    let sandbox = Sandbox::new()?;
    let records = sandbox.path().join("records.jsonl");
    std::fs::write(&records, RECORDS)?;
    exit(
        &sandbox.admin(&["import", records.to_str().context("path")?], None)?,
        0,
    )?;

    // A fresh install, no provider: the summary comes from the record, and says so.
    let out = sandbox.admin(&["draft", "M-1"], None)?;
    exit(&out, 0)?;
    ensure!(stderr(&out).contains("no AI provider profile is set up"));
    let text = stdout(&out);
    for expected in [
        "Filled from the record on this computer; no AI was used, pending attorney review.",
        "# Case summary: Asylum application",
        "| Client | Ana Peña |",
        "| Priority date | *not recorded* |",
        "## Provenance",
        "Intake (note",
    ] {
        ensure!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }

    let mock = MockProvider::start(Route::OpenAi.mock_kind()).await?;
    let (mut firm, credentials) = Route::OpenAi.profile(&mock, "placeholders");
    firm.name = "firm".into();
    let (mut broken, _) = Route::OpenAi.profile(&mock, "midstream-error");
    broken.name = "firm-broken".into();
    let policy_file = sandbox.locations().policy_file;
    let write_policy = |extra: Value| -> Result<()> {
        let mut policy = json!({
            "version": 1,
            "profiles": [firm, broken],
            "settings": {"default_profile": "firm"},
        });
        for (key, value) in extra.as_object().context("object")? {
            policy[key] = value.clone();
        }
        std::fs::write(&policy_file, serde_json::to_string_pretty(&policy)?)?;
        Ok(())
    };
    write_policy(json!({}))?;
    for name in ["firm", "firm-broken"] {
        for (field, value) in credentials.iter() {
            let out = sandbox.admin(
                &["secret", "set", name, field.as_str()],
                Some(value.expose()),
            )?;
            exit(&out, 0)?;
        }
    }

    // EU clients only to EU regions: this profile has none, so nothing is sent.
    write_policy(json!({"jurisdictions": {"EU": {"regions": ["eu-*"]}}}))?;
    let out = sandbox.admin(&["draft", "M-1"], None)?;
    exit(&out, 10)?;
    ensure!(stderr(&out).contains("EU"), "{}", stderr(&out));
    ensure!(
        mock.requests().is_empty(),
        "a blocked draft reached the provider"
    );

    // Consent and redaction required: refused until the client's consent is on record.
    write_policy(json!({"settings": {
        "default_profile": "firm",
        "require_client_consent": true,
        "require_redaction": true
    }}))?;
    let out = sandbox.admin(&["draft", "M-1", "--no-redaction"], None)?;
    exit(&out, 10)?;
    ensure!(
        stderr(&out).contains("consent add 1 --scope drafting --profile firm"),
        "{}",
        stderr(&out)
    );
    ensure!(mock.requests().is_empty());
    let out = sandbox.admin(
        &[
            "consent",
            "add",
            "C-1",
            "--scope",
            "drafting",
            "--profile",
            "firm",
            "--method",
            "written",
        ],
        None,
    )?;
    exit(&out, 0)?;
    let out = sandbox.admin(
        &[
            "consent",
            "add",
            "C-1",
            "--scope",
            "drafting",
            "--profile",
            "firm-broken",
            "--method",
            "email",
        ],
        None,
    )?;
    exit(&out, 0)?;

    // The preview shows what would leave, redacted even though --no-redaction was asked for
    // (the policy requires it), and sends nothing.
    let out = sandbox.admin(&["draft", "M-1", "--no-redaction", "--preview"], None)?;
    exit(&out, 0)?;
    let shown = stdout(&out);
    ensure!(
        shown.contains("⟦[CLIENT_1]⟧") && shown.contains("⟦[A_NUMBER_1]⟧"),
        "{shown}"
    );
    ensure!(
        !shown.contains("Peña") && !shown.contains("012-345-678"),
        "{shown}"
    );
    ensure!(shown.contains("Consent: on record"), "{shown}");
    ensure!(mock.requests().is_empty(), "a preview sent something");

    // The draft: the provider sees placeholders only; the answer comes back restored.
    let out = sandbox.admin(&["--json", "draft", "M-1"], None)?;
    exit(&out, 0)?;
    let result: Value = serde_json::from_slice(&out.stdout)?;
    let draft = &result["draft"];
    ensure!(
        draft["status"] == "pendingReview" && draft["origin"] == "ai",
        "{draft}"
    );
    let body = draft["body"].as_str().context("body")?;
    ensure!(
        body.contains("Ana Peña entered the United States in 2019. Their A-number is A012345678."),
        "placeholders not restored:\n{body}"
    );
    ensure!(
        body.contains("| Client | Ana Peña |"),
        "record sections kept:\n{body}"
    );
    let ai = &draft["provenance"]["ai"];
    ensure!(
        ai["profile"] == "firm" && ai["tokensIn"] == INPUT_TOKENS,
        "{ai}"
    );
    ensure!(ai["redactions"]["CLIENT"].as_u64() >= Some(1), "{ai}");
    ensure!(ai["consentId"].is_number(), "{ai}");
    let requests = mock.requests();
    ensure!(requests.len() == 1, "{} requests", requests.len());
    let sent = String::from_utf8_lossy(&requests[0].body).into_owned();
    ensure!(
        sent.contains("[CLIENT_1]") && sent.contains("[A_NUMBER_1]"),
        "{sent}"
    );
    for secret in ["Peña", "Pena", "012345678", "012-345-678"] {
        ensure!(
            !sent.contains(secret),
            "{secret:?} left the computer: {sent}"
        );
    }

    // The audit log: the blocked attempts, then the request with the hash of the exact bytes
    // the provider received, and its result.
    let out = sandbox.admin(&["--json", "audit", "verify"], None)?;
    exit(&out, 0)?;
    let out = sandbox.admin(
        &["audit", "export", "--format", "json", "--client", "C-1"],
        None,
    )?;
    exit(&out, 0)?;
    let exported: Value = serde_json::from_slice(&out.stdout)?;
    let entries = exported["entries"].as_array().context("entries")?;
    let outcomes: Vec<&str> = entries
        .iter()
        .filter_map(|e| e["outcome"].as_str())
        .collect();
    ensure!(
        outcomes.starts_with(&[
            "blocked: policyBlocked",
            "blocked: consentMissing",
            "completed"
        ]),
        "{outcomes:?}"
    );
    let request = entries
        .iter()
        .find(|e| e["entry"] == "request")
        .context("request entry")?;
    ensure!(
        request["payload_sha256"] == sha256_hex(&requests[0].body).as_str(),
        "{request}"
    );
    ensure!(request["draft_id"] == draft["id"], "{request}");
    // The draft's provenance names its request entry, both ways round.
    ensure!(ai["auditEntry"] == request["seq"], "{ai} / {request}");

    // An answer cut off midway is kept, marked incomplete; the exit code is the provider's.
    let out = sandbox.admin(
        &["--json", "draft", "M-1", "--profile", "firm-broken"],
        None,
    )?;
    exit(&out, 9)?;
    ensure!(stderr(&out).contains("kept as draft"), "{}", stderr(&out));
    let result: Value = serde_json::from_slice(&out.stdout)?;
    ensure!(result["draft"]["status"] == "interrupted", "{result}");
    ensure!(result["failure"]["code"] == "provider", "{result}");
    let out = sandbox.admin(&["--json", "audit", "verify"], None)?;
    exit(&out, 0)?;

    // Every request is in the log, whatever sends it: a connection test, and a question about
    // the client, which needs the client's consent for questions (only drafting was given).
    exit(&sandbox.admin(&["profile", "test", "firm"], None)?, 0)?;
    let out = sandbox.admin(&["ask", "firm", "--client", "C-1", "--prompt", "hi"], None)?;
    exit(&out, 10)?;
    ensure!(stderr(&out).contains("--scope ask"), "{}", stderr(&out));
    let out = sandbox.admin(&["audit", "export", "--format", "json"], None)?;
    let all: Value = serde_json::from_slice(&out.stdout)?;
    let entries = all["entries"].as_array().context("entries")?;
    ensure!(
        entries
            .iter()
            .any(|e| e["purpose"] == "connection-test" && e["entry"] == "request"),
        "the connection test is not in the log"
    );
    ensure!(
        entries
            .iter()
            .any(|e| e["purpose"] == "ask" && e["outcome"] == "blocked: consentMissing"),
        "the refused question is not in the log"
    );

    // The client's evidence pack: consents, the client's audit entries, every draft's
    // provenance and review.
    let out = sandbox.admin(&["audit", "evidence", "C-1"], None)?;
    exit(&out, 0)?;
    let pack: Value = serde_json::from_slice(&out.stdout)?;
    ensure!(pack["client"]["name"] == "Ana Peña", "{}", pack["client"]);
    ensure!(pack["consents"].as_array().map(Vec::len) == Some(2));
    ensure!(pack["chain"]["intact"] == true);
    let statuses: Vec<&str> = pack["drafts"]
        .as_array()
        .context("drafts")?
        .iter()
        .filter_map(|d| d["status"].as_str())
        .collect();
    ensure!(
        statuses == ["interrupted", "pendingReview", "pendingReview"],
        "{statuses:?}"
    );
    ensure!(pack["drafts"][0]["provenance"]["ai"]["profile"] == "firm-broken");
    ensure!(pack["audit_entries"].as_array().map(Vec::len) >= Some(6));

    // A transport that cannot be built (the user's extra CA file is missing) ends the draft as
    // incomplete with the reason, and nothing is sent.
    let sent_before = mock.requests().len();
    std::fs::write(
        sandbox.locations().data_dir.join("settings.json"),
        r#"{"extra_ca_file": "/nonexistent/casefile-ca.pem"}"#,
    )?;
    let out = sandbox.admin(&["--json", "draft", "M-1"], None)?;
    exit(&out, 9)?;
    let result: Value = serde_json::from_slice(&out.stdout)?;
    ensure!(result["draft"]["status"] == "interrupted", "{result}");
    ensure!(
        result["draft"]["interruption"]
            .as_str()
            .is_some_and(|why| why.contains("casefile-ca.pem")),
        "{result}"
    );
    ensure!(
        mock.requests().len() == sent_before,
        "a request left without its CA file"
    );
    Ok(())
}

/// Cancelling keeps what arrived: the draft is kept, marked incomplete, the connection is
/// closed, and the audit log records the request as cancelled.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs an OS keychain session (make test starts one)"]
async fn cancelling_a_draft_keeps_its_text_and_closes_the_connection() -> Result<()> {
    use std::sync::{Arc, Mutex};

    use casefile_core::drafting::pipeline::{DraftOrder, DraftProgress, send_draft};
    use casefile_core::drafting::record::NoteSelection;
    use casefile_core::store::{DraftStatus, Kind};
    use casefile_core::workspace::{SharedStore, Workspace};

    let sandbox = Sandbox::new()?;
    let records = sandbox.path().join("records.jsonl");
    std::fs::write(&records, RECORDS)?;
    exit(
        &sandbox.admin(&["import", records.to_str().context("path")?], None)?,
        0,
    )?;
    let mock = MockProvider::start(Route::OpenAi.mock_kind()).await?;
    let (mut slow, credentials) = Route::OpenAi.profile(&mock, "slow");
    slow.name = "firm".into();
    std::fs::write(
        sandbox.locations().policy_file,
        serde_json::to_string(&json!({"version": 1, "profiles": [slow]}))?,
    )?;
    for (field, value) in credentials.iter() {
        exit(
            &sandbox.admin(
                &["secret", "set", "firm", field.as_str()],
                Some(value.expose()),
            )?,
            0,
        )?;
    }

    let workspace = Arc::new(Workspace::open(sandbox.locations())?);
    let store = SharedStore::new(workspace.clone());
    let matter = store.call(|s| s.resolve(Kind::Matter, "M-1")).await?;
    let order = DraftOrder {
        matter_id: matter,
        template: "case-summary".into(),
        profile: Some("firm".into()),
        notes: NoteSelection::All,
        redact: true,
        changes: Default::default(),
    };
    // Cancel once the first words are in.
    let (cancel, cancelled) = tokio::sync::oneshot::channel::<()>();
    let cancel = Mutex::new(Some(cancel));
    let received = Arc::new(Mutex::new(String::new()));
    let heard = received.clone();
    let progress = move |event: DraftProgress| {
        if let DraftProgress::Text { text } = event {
            heard.lock().unwrap().push_str(&text);
            if let Some(cancel) = cancel.lock().unwrap().take() {
                let _ = cancel.send(());
            }
        }
    };
    let run = send_draft(workspace, store.clone(), order, progress, async {
        let _ = cancelled.await;
    })
    .await?;
    let draft = run.draft;
    ensure!(
        draft.status == DraftStatus::Interrupted,
        "{:?}",
        draft.status
    );
    ensure!(
        draft
            .interruption
            .as_deref()
            .unwrap_or("")
            .starts_with("cancelled by"),
        "{:?}",
        draft.interruption
    );
    ensure!(run.failure.is_some());
    let received = received.lock().unwrap().clone();
    ensure!(received.starts_with("word"), "{received:?}");
    ensure!(
        draft.body.contains(received.trim()),
        "the text shown is the text kept: {received:?} in {}",
        draft.body
    );
    ensure!(
        !draft.body.contains(&"word ".repeat(100)),
        "the answer was not cut"
    );

    // The mock sees the client leave.
    for _ in 0..50 {
        if mock.abandoned_streams() > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    ensure!(mock.abandoned_streams() == 1, "the connection stayed open");
    let out = sandbox.admin(&["audit", "export", "--format", "json"], None)?;
    let exported: Value = serde_json::from_slice(&out.stdout)?;
    let last = exported["entries"]
        .as_array()
        .and_then(|e| e.last())
        .context("entries")?;
    ensure!(
        last["entry"] == "result" && last["outcome"] == "cancelled",
        "{last}"
    );
    Ok(())
}
