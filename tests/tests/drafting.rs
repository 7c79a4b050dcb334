//! Drafting on the real app with no AI provider: a case summary filled from a matter's record
//! and notes, read with its review banner, edited into a new version, approved by the person at
//! the computer, found by search, and still approved after the app restarts.

use anyhow::{Context, Result, ensure};
use casefile_core::drafting::document::LEFT_FOR_THE_ATTORNEY;
use casefile_tests::{App, Launch, Sandbox};

/// The person at the computer: the app names the operating-system account running it (looked up
/// from the process's user id, not from the environment, which anyone can set).
fn reviewer() -> String {
    casefile_core::audit::os_user()
}

/// A word that appears only in the attorney's edit of the draft, never in a note or the record.
const DRAFT_ONLY_WORD: &str = "Olanchito";

async fn text_contains(app: &App, id: &str, words: &str) -> Result<()> {
    app.eventually(&format!("{id} to show {words:?}"), async || {
        Ok(app.text_of(id).await?.contains(words).then_some(()))
    })
    .await
}

/// The second cell of the row, in the draft's tables, whose first cell says `label`.
async fn table_value(app: &App, label: &str) -> Result<String> {
    let value = app
        .client()
        .execute(
            "const body = document.querySelector(\"[data-testid='draft-body']\");
             const row = [...body.querySelectorAll('tr')]
                 .find(r => r.cells[0] && r.cells[0].textContent.trim() === arguments[0]);
             return row ? row.cells[1].textContent.trim() : null;",
            vec![label.into()],
        )
        .await?;
    value
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("the draft has no table row {label:?}"))
}

/// Writes a note on the open matter page and goes back to the matter; `tags`, when not empty,
/// are saved with it.
async fn write_note(app: &App, title: &str, body: &str, tags: &str) -> Result<()> {
    app.click("new-note").await?;
    app.fill("note-title", title).await?;
    app.fill("note-body", body).await?;
    app.wait_for_attr("save-state", "data-state", "saved")
        .await?;
    if !tags.is_empty() {
        app.fill("note-tags", tags).await?;
        app.click("note-tags-save").await?;
        text_contains(app, "note-tags-status", "Tags saved.").await?;
    }
    app.click("back-to-matter").await?;
    app.by_test_id("matter-name").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app: needs a display, a Secret Service and tauri-driver (make test)"]
async fn a_case_summary_from_the_record_is_edited_approved_found_and_kept() -> Result<()> {
    let sandbox = Sandbox::new()?;
    let launch = Launch {
        sandbox: Some(sandbox.clone()),
        env: Vec::new(),
    };

    App::run("drafting_offline_summary", launch.clone(), async |app| {
        // The matter's priority date is left empty.
        app.new_client_with_matter("Ana", "Peña", "Asylum application")
            .await?;
        write_note(
            app,
            "Birth certificate",
            "Certified copy from the civil registry.",
            "evidence",
        )
        .await?;
        write_note(
            app,
            "Interview",
            "The client described threats against her family.",
            "",
        )
        .await?;

        app.click("new-draft").await?;
        ensure!(
            app.value_of("draft-template").await? == "case-summary",
            "the case summary is the first choice"
        );
        text_contains(app, "offline-explanation", "IT provider").await?;
        ensure!(app.count("draft-note").await? == 2, "both notes offered");
        app.check_accessibility("new draft form").await?;
        app.click("create-draft").await?;

        text_contains(app, "draft-banner", "pending attorney review").await?;
        ensure!(table_value(app, "Client").await? == "Ana Peña");
        ensure!(table_value(app, "Priority date").await? == "not recorded");
        ensure!(table_value(app, "Birth certificate").await? == "in hand");
        text_contains(app, "draft-provenance", "Interview").await?;
        text_contains(app, "draft-provenance", &reviewer()).await?;
        app.screenshot("draft-pending-review", "draft-banner")
            .await?;
        app.check_accessibility("draft page").await?;

        // The attorney writes the facts in place of the section left for them; Ctrl+S saves.
        app.click("draft-edit").await?;
        let text = app.value_of("draft-text").await?;
        ensure!(text.contains(LEFT_FOR_THE_ATTORNEY), "{text}");
        let edited = text.replacen(
            LEFT_FOR_THE_ATTORNEY,
            &format!("The client left {DRAFT_ONLY_WORD} in 2019 after the threats."),
            1,
        );
        app.set_value("draft-text", &edited).await?;
        app.shortcut('s').await?;
        text_contains(app, "draft-status-message", "Saved as version 2").await?;
        text_contains(app, "draft-body", DRAFT_ONLY_WORD).await?;
        app.click("draft-versions-toggle").await?;
        app.by_test_id("draft-version").await?;
        ensure!(app.count("draft-version").await? == 2, "two versions");
        text_contains(
            app,
            "draft-versions",
            &format!("Version 2, edited by {}", reviewer()),
        )
        .await?;

        app.click("draft-approve").await?;
        text_contains(app, "approve-confirm", &reviewer()).await?;
        app.click("approve-confirm-button").await?;
        text_contains(
            app,
            "draft-banner",
            &format!("Approved by {} on", reviewer()),
        )
        .await?;
        app.screenshot("draft-approved", "draft-banner").await?;

        // Ctrl+K, a word only the draft has, and the hit opens the draft.
        app.click("nav-clients").await?;
        app.shortcut('k').await?;
        app.fill("search-input", DRAFT_ONLY_WORD).await?;
        app.wait_for_css("[data-testid='search-hit'][data-kind='draft']")
            .await?
            .click()
            .await?;
        text_contains(app, "draft-title", "Case summary: Asylum application").await?;
        text_contains(app, "draft-body", DRAFT_ONLY_WORD).await
    })
    .await?;

    App::run("drafting_after_restart", launch, async |app| {
        app.click("nav-drafts").await?;
        text_contains(app, "all-drafts-item", "Ana Peña · Asylum application").await?;
        text_contains(app, "draft-status", &format!("Approved by {}", reviewer())).await?;
        app.check_accessibility("drafts list").await?;
        app.click("all-drafts-item").await?;
        text_contains(
            app,
            "draft-banner",
            &format!("Approved by {} on", reviewer()),
        )
        .await?;
        text_contains(app, "draft-body", DRAFT_ONLY_WORD).await
    })
    .await
}
