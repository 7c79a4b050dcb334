//! The whole client and matter record on the real app: an attorney edits a client's details
//! (other names, a passport, an address), a refused A-number is explained beside its field with
//! nothing typed lost, the matter's status and parties are recorded, and all of it is still
//! there after the app restarts.

use anyhow::{Result, ensure};
use casefile_tests::{App, Key, Launch, Sandbox};

/// Waits until no section of the page still says "Loading…", so that nothing moves under a
/// click on the details and parties at the bottom of the page.
async fn loaded(app: &App) -> Result<()> {
    app.eventually("every section loaded", async || {
        let loading = app
            .client()
            .execute(
                "return [...document.querySelectorAll('[role=status]')]
                    .some(e => e.textContent.startsWith('Loading'));",
                vec![],
            )
            .await?;
        Ok((loading.as_bool() == Some(false)).then_some(()))
    })
    .await
}

async fn text_contains(app: &App, id: &str, words: &str) -> Result<()> {
    let text = app.text_of(id).await?;
    ensure!(text.contains(words), "{id} shows {text:?}, not {words:?}");
    Ok(())
}

/// What the client page shows after the edit, before and after a restart.
async fn client_details_are_shown(app: &App) -> Result<()> {
    app.by_test_id("client-details").await?;
    text_contains(app, "details-identity", "Ana Ruiz").await?;
    text_contains(app, "detail-passport", "C1234567 (Honduras)").await?;
    text_contains(app, "detail-address", "12 Main St").await?;
    text_contains(app, "detail-address", "Houston").await?;
    ensure!(app.text_of("detail-a-number").await? == "A012345678");
    // The SSN is masked until asked for.
    let masked = app.text_of("detail-ssn").await?;
    ensure!(!masked.contains("123-45"), "SSN shown unmasked: {masked:?}");
    app.click("detail-ssn-toggle").await?;
    text_contains(app, "detail-ssn", "123-45-6789").await
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app: needs a display, a Secret Service and tauri-driver (make test)"]
async fn client_and_matter_details_are_edited_checked_and_survive_a_restart() -> Result<()> {
    let sandbox = Sandbox::new()?;
    let launch = Launch {
        sandbox: Some(sandbox.clone()),
        ..Launch::default()
    };

    App::run("case_details_edit", launch.clone(), async |app| {
        app.new_client_with_matter("Ana", "Peña", "I-130 for spouse")
            .await?;

        // The matter: agency status verbatim with its date, category, and a party.
        loaded(app).await?;
        app.click("edit-matter").await?;
        app.fill("edit-matter-category", "f2a").await?;
        app.fill(
            "edit-matter-agency-status",
            "Case Was Received and A Receipt Notice Was Sent",
        )
        .await?;
        app.set_value("edit-matter-agency-status-date", "2025-02-03")
            .await?;
        app.click("matter-details-save").await?;
        text_contains(app, "detail-category", "F2A").await?;
        text_contains(app, "detail-agency-status", "A Receipt Notice Was Sent").await?;
        app.click("add-party").await?;
        app.choose("party-contact", "1").await?;
        app.choose("party-role", "beneficiary").await?;
        app.click("party-save").await?;
        app.wait_for_css("[data-testid='party-item'][data-role='beneficiary']")
            .await?;
        app.check_accessibility("matter page with details and parties")
            .await?;
        app.screenshot("matter-details", "matter-name").await?;

        // The client: other name, passport, address, SSN.
        app.click("back-to-client").await?;
        app.by_test_id("client-details").await?;
        loaded(app).await?;
        app.click("edit-client").await?;
        app.click("other-names-add").await?;
        app.fill("edit-client-other-names-0", "Ana Ruiz").await?;
        app.click("passports-add").await?;
        app.fill("edit-client-passports-0-number", "c 1234567")
            .await?;
        app.fill("edit-client-passports-0-country", "Honduras")
            .await?;
        app.set_value("edit-client-passports-0-expires", "2030-01-31")
            .await?;
        app.click("addresses-add").await?;
        app.fill("edit-client-addresses-0-lines", "12 Main St")
            .await?;
        app.fill("edit-client-addresses-0-city", "Houston").await?;
        app.fill("edit-client-addresses-0-country", "United States")
            .await?;
        app.set_value("edit-client-addresses-0-from", "2023-05-02")
            .await?;
        app.fill("edit-client-ssn-itin", "123456789").await?;
        app.check_accessibility("client details form").await?;
        app.screenshot("client-details-form", "passports").await?;

        // A wrong A-number is refused beside its field; everything typed stays.
        app.fill("edit-client-a-number", "12345").await?;
        app.click("client-details-save").await?;
        text_contains(app, "edit-client-a-number-error", "not an A-number").await?;
        app.screenshot("client-details-refused-a-number", "edit-client-a-number")
            .await?;
        let focused = app.client().active_element().await?;
        ensure!(
            focused.attr("data-testid").await?.as_deref() == Some("edit-client-a-number"),
            "the refused field has the focus"
        );
        ensure!(app.value_of("edit-client-passports-0-number").await? == "c 1234567");
        ensure!(app.value_of("edit-client-other-names-0").await? == "Ana Ruiz");
        ensure!(app.value_of("edit-client-addresses-0-city").await? == "Houston");

        // Corrected, and saved with Ctrl+S.
        app.fill("edit-client-a-number", "A# 012-345-678").await?;
        app.shortcut('s').await?;
        client_details_are_shown(app).await?;
        app.screenshot("client-details", "client-name").await?;
        app.check_accessibility("client page with details").await
    })
    .await?;

    App::run("case_details_after_restart", launch, async |app| {
        app.click("nav-clients").await?;
        app.click("client-item").await?;
        loaded(app).await?;
        client_details_are_shown(app).await?;

        // Escape with unsaved edits asks first; keeping them keeps them.
        app.click("edit-client").await?;
        app.fill("edit-client-preferred-language", "Spanish")
            .await?;
        app.client()
            .active_element()
            .await?
            .send_keys(&char::from(Key::Escape).to_string())
            .await?;
        app.by_test_id("discard-confirm").await?;
        app.click("keep-editing").await?;
        ensure!(app.value_of("edit-client-preferred-language").await? == "Spanish");
        app.click("client-details-save-cancel").await?;
        app.click("discard-changes").await?;
        text_contains(app, "details-needs", "Not recorded").await?;

        app.click("matter-item").await?;
        loaded(app).await?;
        text_contains(app, "detail-category", "F2A").await?;
        app.wait_for_css("[data-testid='party-item'][data-role='beneficiary']")
            .await?;
        Ok(())
    })
    .await
}
