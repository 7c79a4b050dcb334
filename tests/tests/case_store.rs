//! The attorney's daily path on the real app: client → matter → note, search, revisions, trash,
//! and everything still there after the app restarts.

use anyhow::{Result, ensure};
use casefile_tests::{App, Key, Launch, Sandbox};

const ORIGINAL: &str = "The client fears persecution in Honduras.";
const EDITED: &str = "The client fears persecution in Honduras. Hearing set for March.";

async fn open_first(app: &App, list_item: &str) -> Result<()> {
    app.click(list_item).await
}

async fn saved(app: &App) -> Result<()> {
    app.wait_for_attr("save-state", "data-state", "saved").await
}

/// Opens the note's history (the button toggles it) and counts its revisions.
async fn revisions(app: &App) -> Result<usize> {
    if app
        .attr_of("note-history", "aria-expanded")
        .await?
        .as_deref()
        != Some("true")
    {
        app.click("note-history").await?;
    }
    app.by_test_id("revision-item").await?;
    app.count("revision-item").await
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app: needs a display, a Secret Service and tauri-driver (make test)"]
async fn notes_are_searchable_versioned_recoverable_and_survive_a_restart() -> Result<()> {
    let sandbox = Sandbox::new()?;
    let launch = Launch {
        sandbox: Some(sandbox.clone()),
        ..Launch::default()
    };
    let mut revisions_before_restart = 0;

    App::run("case_store_daily_path", launch.clone(), async |app| {
        app.click("nav-clients").await?;
        app.click("new-client").await?;
        app.fill("client-given-name", "José").await?;
        app.fill("client-family-name", "Peña").await?;
        app.fill("client-a-number", "12345").await?;
        app.click("client-save").await?;
        let error = app.text_of("form-error").await?;
        ensure!(
            error.contains("not an A-number"),
            "inline validation: {error}"
        );
        app.fill("client-a-number", "A# 012-345-678").await?;
        app.click("client-save").await?;
        open_first(app, "client-item").await?;
        ensure!(app.text_of("client-name").await? == "José Peña");
        app.check_accessibility("client page").await?;

        app.click("new-matter").await?;
        app.fill("matter-title", "Asylum application").await?;
        app.click("matter-save").await?;
        open_first(app, "matter-item").await?;
        ensure!(app.text_of("matter-name").await? == "Asylum application");

        app.click("new-note").await?;
        app.fill("note-title", "Interview").await?;
        app.fill("note-body", ORIGINAL).await?;
        saved(app).await?;
        app.check_accessibility("note editor").await?;

        // Ctrl+K from anywhere; accent-free spelling finds the client.
        let active = app.client().active_element().await?;
        active
            .send_keys(&format!("{}k", char::from(Key::Control)))
            .await?;
        let search = app.client().active_element().await?;
        ensure!(search.attr("data-testid").await?.as_deref() == Some("search-input"));
        search.send_keys("Pena").await?;
        app.wait_for_css("[data-testid='search-hit'][data-kind='contact']")
            .await?;
        app.fill("search-input", "persecution").await?;
        app.wait_for_css("[data-testid='search-hit'][data-kind='note']")
            .await?
            .click()
            .await?;
        ensure!(app.value_of("note-body").await? == ORIGINAL);

        // An edit is a new revision; restoring the first brings its text back as another.
        app.fill("note-body", EDITED).await?;
        saved(app).await?;
        let after_edit = revisions(app).await?;
        ensure!(after_edit >= 2, "{after_edit} revisions after an edit");
        app.wait_for_css("[data-testid='revision-item'][data-number='1']")
            .await?
            .click()
            .await?;
        ensure!(
            app.text_of("revision-body")
                .await?
                .contains("persecution in Honduras.")
        );
        app.click("revision-restore").await?;
        app.eventually("the restored text", async || {
            Ok((app.value_of("note-body").await? == ORIGINAL).then_some(()))
        })
        .await?;
        revisions_before_restart = revisions(app).await?;
        ensure!(
            revisions_before_restart == after_edit + 1,
            "restore adds one revision"
        );

        // Trash and back.
        app.click("note-trash").await?;
        app.click("nav-trash").await?;
        app.click("trash-item").await?;
        app.click("trash-restore").await?;
        app.eventually("an empty trash", async || {
            Ok((app.count("trash-item").await? == 0).then_some(()))
        })
        .await?;
        app.check_accessibility("trash").await
    })
    .await?;

    App::run("case_store_after_restart", launch, async |app| {
        app.click("nav-clients").await?;
        open_first(app, "client-item").await?;
        open_first(app, "matter-item").await?;
        open_first(app, "note-item").await?;
        ensure!(
            app.value_of("note-body").await? == ORIGINAL,
            "restored text after restart"
        );
        let after_restart = revisions(app).await?;
        ensure!(
            after_restart == revisions_before_restart,
            "{after_restart} revisions after restart, {revisions_before_restart} before"
        );
        Ok(())
    })
    .await
}
