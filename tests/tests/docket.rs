//! Filings, notices and deadlines on the real app: a notice computes its deadline, an attorney's
//! date sits beside it, and open deadlines appear on the landing page.

use anyhow::{Result, ensure};
use casefile_tests::{App, Launch};

async fn deadline_due(app: &App, due: &str) -> Result<()> {
    app.wait_for_css(&format!("[data-testid='deadline-item'][data-due='{due}']"))
        .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app: needs a display, a Secret Service and tauri-driver (make test)"]
async fn a_notice_computes_its_deadline_and_the_landing_page_shows_it() -> Result<()> {
    App::run("docket", Launch::default(), async |app| {
        app.new_client_with_matter("Ana", "Ruiz", "I-130 for spouse")
            .await?;

        app.click("add-filing").await?;
        app.fill("filing-form-type", "I-130").await?;
        app.set_value("filing-filed-on", "2026-01-05").await?;
        app.fill("filing-receipt", "EAC-26-901").await?;
        app.click("filing-save").await?;
        let error = app.text_of("form-error").await?;
        ensure!(
            error.contains("not a receipt number"),
            "inline validation: {error}"
        );
        app.fill("filing-receipt", "EAC-26-901-23456").await?;
        app.click("filing-save").await?;
        let filing = app.text_of("filing-item").await?;
        ensure!(filing.contains("EAC2690123456"), "filing shows {filing}");

        // An RFE served by mail: 84 days plus 3.
        app.click("add-notice").await?;
        app.choose("notice-kind", "rfe").await?;
        app.set_value("notice-date", "2026-03-02").await?;
        app.choose("notice-service", "mail").await?;
        app.click("notice-save").await?;
        deadline_due(app, "2026-05-28").await?;
        app.check_accessibility("matter page with deadlines")
            .await?;

        // The attorney's date sits beside the computed one, and needs a reason.
        app.click("deadline-override").await?;
        app.set_value("override-date", "2026-05-20").await?;
        app.click("override-save").await?;
        ensure!(
            !app.text_of("form-error").await?.is_empty(),
            "a reason is required"
        );
        app.fill(
            "override-reason",
            "Filing early to allow for courier delays",
        )
        .await?;
        app.click("override-save").await?;
        deadline_due(app, "2026-05-20").await?;
        let item = app.text_of("deadline-item").await?;
        ensure!(item.contains("courier"), "the reason is shown: {item}");

        app.click("nav-clients").await?;
        let upcoming = app.text_of("upcoming-deadline").await?;
        ensure!(
            upcoming.contains("Ruiz") && upcoming.contains("I-130"),
            "landing page: {upcoming}"
        );
        app.check_accessibility("landing page with deadlines").await
    })
    .await
}
