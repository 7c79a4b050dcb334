//! Legal hold and deleting a draft on the real app: a hold placed on the matter page (with its
//! reason, who and when) refuses the deletion of the matter's draft in place; once released, the
//! draft is deleted after a confirmation, and the audit log names the deletion.

use anyhow::{Context, Result, ensure};
use casefile_tests::{App, Launch, Sandbox};
use serde_json::Value;

async fn text_contains(app: &App, id: &str, words: &str) -> Result<()> {
    app.eventually(&format!("{id} to show {words:?}"), async || {
        Ok(app.text_of(id).await?.contains(words).then_some(()))
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app: needs a display, a Secret Service and tauri-driver (make test)"]
async fn a_held_matters_draft_cannot_be_deleted_until_the_hold_is_released() -> Result<()> {
    let sandbox = Sandbox::new()?;
    let launch = Launch {
        sandbox: Some(sandbox.clone()),
        env: Vec::new(),
    };
    let reviewer = casefile_core::audit::os_user();

    App::run("retention_hold_and_delete", launch, async |app| {
        app.new_client_with_matter("Ana", "Peña", "Asylum application")
            .await?;
        app.click("new-draft").await?;
        app.click("create-draft").await?;
        text_contains(app, "draft-banner", "pending attorney review").await?;
        app.click("back-to-matter").await?;

        text_contains(
            app,
            "retention-effective",
            "kept until someone deletes them",
        )
        .await?;
        app.click("legal-hold-place").await?;
        app.fill("legal-hold-reason", "Subpoena 2026-17").await?;
        app.click("legal-hold-save").await?;
        app.wait_for_attr("legal-hold", "data-held", "true").await?;
        text_contains(
            app,
            "legal-hold",
            &format!("placed by {reviewer}: Subpoena 2026-17"),
        )
        .await?;
        app.check_accessibility("matter retention and hold").await?;

        app.click("draft-item").await?;
        app.click("draft-delete").await?;
        text_contains(app, "delete-confirm", "cannot be undone").await?;
        app.click("delete-confirm-button").await?;
        text_contains(app, "delete-error", "Subpoena 2026-17").await?;
        app.click("delete-cancel").await?;
        app.click("back-to-matter").await?;

        app.click("legal-hold-release").await?;
        app.wait_for_attr("legal-hold", "data-held", "false")
            .await?;
        app.click("draft-item").await?;
        app.click("draft-delete").await?;
        app.click("delete-confirm-button").await?;
        app.by_test_id("matter-name").await?;
        app.eventually("the draft to leave the matter's list", async || {
            Ok((app.count("draft-item").await? == 0).then_some(()))
        })
        .await?;
        Ok(())
    })
    .await?;

    let out = sandbox.admin(&["audit", "export", "--format", "json"], None)?;
    ensure!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let exported: Value = serde_json::from_slice(&out.stdout)?;
    let entries = exported["entries"].as_array().context("entries")?;
    ensure!(entries.len() == 1, "{exported}");
    ensure!(entries[0]["entry"] == "deletion", "{exported}");
    ensure!(entries[0]["outcome"] == "deleted: by hand", "{exported}");
    ensure!(entries[0]["os_user"] == reviewer.as_str(), "{exported}");
    Ok(())
}
