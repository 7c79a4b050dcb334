//! AI drafting on the real app against a mock Azure OpenAI deployment on 127.0.0.1: the preview
//! shows the profile's data-processing facts and exactly what would leave (placeholders for the
//! client's name and A-number, one value redacted by hand), the draft streams in and lands
//! pending review with its provenance, is approved, and the mock received none of the withheld
//! values; a cancelled draft and one whose connection drops keep their text, marked incomplete; a
//! hostile answer (scripts, event handlers, `javascript:` links, calls to the IPC bridge) is shown
//! as text and runs nothing; under a policy requiring consent, Send is refused with the way to
//! record it and nothing reaches the mock; the audit log verifies and holds every request.

use std::sync::Arc;

use anyhow::{Context, Result, ensure};
use casefile_tests::mock::{MockProvider, REPLY, Route};
use casefile_tests::{App, Launch, Sandbox};
use serde_json::{Value, json};

/// A town named only in a note: nothing finds it by itself, so the attorney redacts it by hand.
const HAND_REDACTED: &str = "Olanchito";

const NOTE: &str = "Ana Peña arrived in 2019 from Olanchito. Her A-number is A# 012-345-678. \
     Her I-589 receipt is EAC2190012345.";

async fn text_contains(app: &App, id: &str, words: &str) -> Result<()> {
    app.eventually(&format!("{id} to show {words:?}"), async || {
        Ok(app.text_of(id).await?.contains(words).then_some(()))
    })
    .await
}

async fn prop(app: &App, id: &str, name: &str) -> Result<Value> {
    Ok(app
        .by_test_id(id)
        .await?
        .prop(name)
        .await?
        .map_or(Value::Null, |v| {
            serde_json::from_str(&v).unwrap_or(Value::String(v))
        }))
}

/// Selects `words` inside the preview's text of the record and notes, as a mouse would.
async fn select_in_preview(app: &App, words: &str) -> Result<()> {
    let found = app
        .client()
        .execute(
            "const body = document.querySelector(\"[data-testid='sent-prompt'] [role='region']\");
             const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
             for (let node = walker.nextNode(); node; node = walker.nextNode()) {
               const at = node.data.indexOf(arguments[0]);
               if (at < 0) continue;
               const range = document.createRange();
               range.setStart(node, at);
               range.setEnd(node, at + arguments[0].length);
               const selection = window.getSelection();
               selection.removeAllRanges();
               selection.addRange(range);
               body.dispatchEvent(new MouseEvent('mouseup', { bubbles: true }));
               return true;
             }
             return false;",
            vec![words.into()],
        )
        .await?;
    ensure!(
        found == Value::Bool(true),
        "{words:?} is not in the preview"
    );
    Ok(())
}

/// New draft on the matter page, once its notes are listed: until then the list above the
/// button is still growing, and a click aimed at the button can land on the note that moves in.
async fn new_draft(app: &App) -> Result<()> {
    app.by_test_id("note-item").await?;
    app.click("new-draft").await
}

/// From the matter page: New draft with `profile`, to its preview.
async fn preview_with(app: &App, profile: &str) -> Result<()> {
    new_draft(app).await?;
    app.choose("draft-how", profile).await?;
    app.click("create-draft").await?;
    app.by_test_id("send-preview").await?;
    text_contains(app, "sent-prompt", "[CLIENT_1]").await
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app: needs a display, a Secret Service and tauri-driver (make test)"]
async fn an_ai_draft_is_previewed_redacted_streamed_cancelled_and_refused_without_consent()
-> Result<()> {
    let sandbox = Sandbox::new()?;
    let mock = MockProvider::start(Route::AzureV1.mock_kind()).await?;
    let (mut firm, credentials) = Route::AzureV1.profile(&mock, "placeholders");
    firm.name = "firm".into();
    firm.display_name = Some("Firm Azure".into());
    firm.data_processing.processing_region = Some("Sweden Central (EU)".into());
    firm.data_processing.retention = casefile_core::providers::RetentionMode::ZeroDataRetention;
    firm.data_processing.no_training = Some(true);
    let variant = |name: &str, scenario: &str| {
        let (mut profile, _) = Route::AzureV1.profile(&mock, scenario);
        profile.name = name.into();
        profile
    };
    let others = [
        variant("firm-slow", "slow"),
        variant("firm-drop", "drop"),
        variant("firm-hostile", "hostile"),
    ];
    let policy_file = sandbox.locations().policy_file;
    let write_policy = |settings: Value| -> Result<()> {
        let mut profiles = vec![firm.clone()];
        profiles.extend(others.iter().cloned());
        let policy = json!({"version": 1, "profiles": profiles, "settings": settings});
        std::fs::write(&policy_file, serde_json::to_string_pretty(&policy)?)?;
        Ok(())
    };
    write_policy(json!({"default_profile": "firm"}))?;
    for name in ["firm", "firm-slow", "firm-drop", "firm-hostile"] {
        for (field, value) in credentials.iter() {
            let out = sandbox.admin(
                &["secret", "set", name, field.as_str()],
                Some(value.expose()),
            )?;
            ensure!(out.status.success(), "{out:?}");
        }
    }
    let launch = Launch {
        sandbox: Some(Arc::clone(&sandbox)),
        ..Launch::default()
    };

    App::run("ai_drafting", launch, async |app| {
        app.new_client_with_matter("Ana", "Peña", "Asylum application")
            .await?;
        app.click("new-note").await?;
        app.fill("note-title", "Intake").await?;
        app.fill("note-body", NOTE).await?;
        app.wait_for_attr("save-state", "data-state", "saved")
            .await?;
        app.click("back-to-matter").await?;

        // (a) The preview: where the text goes and on what terms, and exactly what leaves.
        new_draft(app).await?;
        ensure!(
            app.value_of("draft-how").await? == "firm",
            "the default profile first"
        );
        ensure!(
            prop(app, "draft-redact", "checked").await? == true,
            "redaction on"
        );
        app.click("create-draft").await?;
        for fact in [
            "Azure OpenAI",
            "127.0.0.1",
            "swedencentral",
            "Sweden Central (EU)",
            "Zero data retention",
            "Not used for training",
            "drafting-placeholders",
        ] {
            text_contains(app, "processing-facts", fact).await?;
        }
        text_contains(app, "preview-consent", "does not require").await?;
        text_contains(app, "sent-prompt", "[A_NUMBER_1]").await?;
        let sent = app.text_of("sent-prompt").await?;
        ensure!(
            sent.contains("[CLIENT_1]")
                && sent.contains("[RECEIPT_1]")
                && !sent.contains("Peña")
                && !sent.contains("012-345-678")
                && !sent.contains("EAC2190012345"),
            "{sent}"
        );
        ensure!(sent.contains(HAND_REDACTED), "{sent}");
        app.check_accessibility("AI draft preview").await?;

        select_in_preview(app, HAND_REDACTED).await?;
        app.click("redact-this").await?;
        text_contains(app, "by-hand", HAND_REDACTED).await?;
        app.eventually("the hand-redacted town to leave the preview", async || {
            let sent = app.text_of("sent-prompt").await?;
            Ok((sent.contains("[PERSON_1]") && !sent.contains(HAND_REDACTED)).then_some(()))
        })
        .await?;
        app.screenshot("ai-draft-preview", "send-preview").await?;
        ensure!(mock.requests().is_empty(), "a preview sent something");

        app.click("send-draft").await?;
        text_contains(app, "draft-banner", "pending attorney review").await?;
        text_contains(
            app,
            "draft-body",
            "Ana Peña entered the United States in 2019. Their A-number is A# 012-345-678.",
        )
        .await?;
        for fact in [
            "firm",
            "swedencentral",
            "drafting-placeholders",
            "127.0.0.1",
        ] {
            text_contains(app, "draft-provenance", fact).await?;
        }
        let requests = mock.requests();
        ensure!(requests.len() == 1, "{} requests", requests.len());
        let received = String::from_utf8_lossy(&requests[0].body).into_owned();
        ensure!(
            received.contains("[CLIENT_1]") && received.contains("[A_NUMBER_1]"),
            "{received}"
        );
        ensure!(received.contains("[RECEIPT_1]"), "{received}");
        for withheld in [
            "Peña",
            "Pena",
            "012-345-678",
            "012345678",
            "EAC2190012345",
            HAND_REDACTED,
        ] {
            ensure!(
                !received.contains(withheld),
                "{withheld:?} left the computer: {received}"
            );
        }

        // The provenance names the send's audit entry, the one the audit log holds for it.
        text_contains(app, "draft-provenance", "Request entry").await?;
        let provenance = app.text_of("draft-provenance").await?;
        let shown_entry: i64 = provenance
            .split("Request entry ")
            .nth(1)
            .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|n| n.parse().ok())
            .with_context(|| format!("no audit entry number in {provenance:?}"))?;
        let export = sandbox.admin(&["audit", "export", "--format", "json"], None)?;
        let exported: Value = serde_json::from_slice(&export.stdout)?;
        let first_request = exported["entries"]
            .as_array()
            .and_then(|entries| entries.iter().find(|e| e["entry"] == "request"))
            .with_context(|| format!("no request entry in {exported}"))?;
        ensure!(
            first_request["seq"] == shown_entry,
            "the draft names entry {shown_entry}, the log holds {first_request}"
        );

        let reviewer = casefile_core::audit::os_user();
        app.click("draft-approve").await?;
        text_contains(app, "approve-confirm", &reviewer).await?;
        app.click("approve-confirm-button").await?;
        text_contains(app, "draft-banner", &format!("Approved by {reviewer} on")).await?;

        // (b) Cancel mid-stream: the text so far stays, and the draft is incomplete.
        app.click("back-to-matter").await?;
        preview_with(app, "firm-slow").await?;
        let clicked = std::time::Instant::now();
        app.click("send-draft").await?;
        text_contains(app, "stream-text", "word").await?;
        // An upper bound: it includes the WebDriver round trips that look for the text.
        eprintln!("click to first words on screen: {:?}", clicked.elapsed());
        text_contains(app, "stream-text", "word word").await?;
        text_contains(app, "stream-progress", "Writing:").await?;
        app.screenshot("ai-draft-streaming", "draft-stream").await?;
        app.click("cancel-draft").await?;
        text_contains(app, "stream-incomplete", "cancelled").await?;
        let streamed = app.text_of("stream-text").await?;
        ensure!(streamed.contains("word"), "{streamed}");
        app.click("open-incomplete-draft").await?;
        text_contains(app, "draft-banner", "INCOMPLETE").await?;
        let kept = app.text_of("draft-body").await?.matches("word").count();
        ensure!(
            (2..100).contains(&kept),
            "{kept} of the answer's 100 words kept: the cancel did not stop it midway"
        );

        // (d) The connection drops midway: the provider's reason is shown and the text kept.
        app.click("back-to-matter").await?;
        preview_with(app, "firm-drop").await?;
        app.click("send-draft").await?;
        app.by_test_id("stream-incomplete").await?;
        text_contains(app, "stream-incomplete", "The text received before the provider stopped is kept").await?;
        app.click("open-incomplete-draft").await?;
        text_contains(app, "draft-banner", "INCOMPLETE").await?;
        let first_words: String = REPLY.split_inclusive(' ').take(3).collect();
        text_contains(app, "draft-body", first_words.trim()).await?;

        // (e) A hostile answer is shown as text: nothing in it runs (every payload would set
        // `window.__hostile`; the one that calls the IPC bridge would delete a draft).
        app.click("back-to-matter").await?;
        preview_with(app, "firm-hostile").await?;
        app.click("send-draft").await?;
        text_contains(app, "draft-banner", "pending attorney review").await?;
        text_contains(app, "draft-body", "The end of the hostile answer.").await?;
        // The markup is visible as the words it is, not dropped and not run.
        text_contains(app, "draft-body", "window.__hostile = 'script'").await?;
        app.by_test_id("draft-body").await?.click().await?;
        let verdict = app
            .client()
            .execute(
                "const body = document.querySelector(\"[data-testid='draft-body']\");
                 const active = [...body.querySelectorAll('*')].filter(e =>
                   ['SCRIPT', 'IFRAME', 'SVG', 'IMG', 'OBJECT', 'EMBED'].includes(e.tagName.toUpperCase())
                   || [...e.attributes].some(a => a.name.startsWith('on')
                        || /^\\s*javascript:/i.test(a.value)));
                 return { ran: window.__hostile ?? null, active: active.map(e => e.outerHTML) };",
                vec![],
            )
            .await?;
        ensure!(verdict["ran"].is_null(), "hostile output ran: {verdict}");
        ensure!(
            verdict["active"].as_array().is_some_and(Vec::is_empty),
            "active markup in the draft view: {verdict}"
        );
        app.screenshot("ai-draft-hostile", "draft-body").await?;

        // (c) The policy now requires consent: Send is refused, with the way to record it.
        write_policy(json!({"default_profile": "firm", "require_client_consent": true}))?;
        let sent_before = mock.requests().len();
        app.click("back-to-matter").await?;
        preview_with(app, "firm").await?;
        text_contains(app, "preview-consent", "requires this client's consent").await?;
        ensure!(
            prop(app, "send-draft", "disabled").await? == true,
            "Send is refused"
        );
        app.click("record-consent").await?;
        app.by_test_id("add-consent").await?;
        ensure!(
            mock.requests().len() == sent_before,
            "a draft without consent reached the provider"
        );
        Ok(())
    })
    .await
    .context("AI drafting on the real app")?;

    // Every request is in the audit log, each with its outcome, and the chain is intact.
    let verified = sandbox.admin(&["audit", "verify"], None)?;
    ensure!(verified.status.success(), "{verified:?}");
    let export = sandbox.admin(&["audit", "export", "--format", "json"], None)?;
    ensure!(export.status.success(), "{export:?}");
    let exported: Value = serde_json::from_slice(&export.stdout)?;
    let requests: Vec<&str> = exported["entries"]
        .as_array()
        .context("entries")?
        .iter()
        .filter(|e| e["entry"] == "request")
        .filter_map(|e| e["final_outcome"].as_str())
        .collect();
    ensure!(
        requests.len() == mock.requests().len() && requests.len() == 4,
        "one audited request per send: {requests:?}"
    );
    // The hostile answer's call to the IPC bridge (`delete_draft`) would have left an entry.
    ensure!(
        !exported.to_string().contains("deletion"),
        "a draft was deleted: {exported}"
    );
    Ok(())
}
