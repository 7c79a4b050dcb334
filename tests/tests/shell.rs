//! The app shell on the real app: window, navigation, IPC to core, keyboard, accessibility, CSP.

use std::time::Duration;

use anyhow::{Result, ensure};
use casefile_tests::{App, Key, Launch};

const SCREENS: [(&str, &str); 4] = [
    ("nav-clients", "Clients"),
    ("nav-drafts", "Drafts & history"),
    ("nav-search", "Search"),
    ("nav-settings", "Settings"),
];

async fn heading(app: &App) -> Result<String> {
    app.text_of("screen-heading").await
}

async fn wait_for_heading(app: &App, expected: &str) -> Result<()> {
    app.eventually(&format!("heading {expected:?}"), async || {
        Ok((heading(app).await? == expected).then_some(()))
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app: needs a display, a Secret Service and tauri-driver (make test)"]
async fn main_window_opens_with_navigation_and_a_status_line() -> Result<()> {
    App::run("main_window_opens", Launch::default(), async |app| {
        ensure!(app.client().title().await? == "Casefile");
        ensure!(app.by_test_id("status-line").await?.is_displayed().await?);
        for (nav, screen) in SCREENS {
            let item = app.by_test_id(nav).await?;
            ensure!(item.text().await?.contains(screen), "nav item {nav}");
            item.click().await?;
            wait_for_heading(app, screen).await?;
            ensure!(item.attr("aria-current").await?.as_deref() == Some("page"));
            app.check_accessibility(screen).await?;
        }
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app: needs a display, a Secret Service and tauri-driver (make test)"]
async fn status_line_shows_what_core_reports() -> Result<()> {
    App::run("status_line_from_core", Launch::default(), async |app| {
        let version = app.text_of("status-version").await?;
        ensure!(
            version.contains(env!("CARGO_PKG_VERSION")),
            "version: {version}"
        );
        let data_dir = app.text_of("status-data-dir").await?;
        ensure!(
            data_dir == app.data_dir().display().to_string(),
            "status shows {data_dir}, the app was given {}",
            app.data_dir().display()
        );
        ensure!(app.data_dir().is_dir(), "core did not create the workspace");
        let keychain = app.by_test_id("status-keychain").await?;
        ensure!(keychain.attr("data-state").await?.as_deref() == Some("reachable"));
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app: needs a display, a Secret Service and tauri-driver (make test)"]
async fn unreachable_keychain_is_explained_not_hidden() -> Result<()> {
    let launch = Launch {
        env: vec![(
            "DBUS_SESSION_BUS_ADDRESS".into(),
            "unix:path=/nonexistent/casefile-e2e-bus".into(),
        )],
        ..Launch::default()
    };
    App::run("unreachable_keychain", launch, async |app| {
        let keychain = app.by_test_id("status-keychain").await?;
        ensure!(keychain.attr("data-state").await?.as_deref() == Some("unreachable"));
        app.by_test_id("nav-settings").await?.click().await?;
        wait_for_heading(app, "Settings").await?;
        let body = app.wait_for_css("main").await?.text().await?;
        ensure!(
            body.contains("No OS keychain is reachable"),
            "settings show: {body}"
        );
        app.check_accessibility("Settings, keychain unreachable")
            .await
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app: needs a display, a Secret Service and tauri-driver (make test)"]
async fn keyboard_alone_moves_between_screens() -> Result<()> {
    App::run("keyboard_navigation", Launch::default(), async |app| {
        let focused = app.client().active_element().await?;
        focused
            .send_keys(&format!("{}3", char::from(Key::Control)))
            .await?;
        wait_for_heading(app, "Search").await?;
        let active = app.client().active_element().await?;
        ensure!(
            active.attr("data-testid").await?.as_deref() == Some("screen-heading"),
            "focus should move to the new screen's heading"
        );

        // Arrow keys move within the navigation; Enter opens the focused section.
        app.by_test_id("nav-clients").await?.click().await?;
        wait_for_heading(app, "Clients").await?;
        let nav = app.by_test_id("nav-clients").await?;
        nav.send_keys(&char::from(Key::Down).to_string()).await?;
        let active = app.client().active_element().await?;
        ensure!(active.attr("data-testid").await?.as_deref() == Some("nav-drafts"));
        active
            .send_keys(&char::from(Key::Enter).to_string())
            .await?;
        wait_for_heading(app, "Drafts & history").await
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app: needs a display, a Secret Service and tauri-driver (make test)"]
async fn the_webview_can_reach_nothing_but_the_app() -> Result<()> {
    // A server the page would reach if the content security policy let it.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    App::run("csp_blocks_egress", Launch::default(), async |app| {
        let outcome = app
            .client()
            .execute_async(
                "const [url, done] = arguments;
                 fetch(url).then(() => done('reached'), e => done('blocked: ' + e));",
                vec![format!("http://127.0.0.1:{port}/leak").into()],
            )
            .await?;
        ensure!(
            outcome.as_str().is_some_and(|s| s.starts_with("blocked")),
            "fetch: {outcome}"
        );
        let accepted = tokio::time::timeout(Duration::from_millis(500), listener.accept()).await;
        ensure!(
            accepted.is_err(),
            "the webview opened a connection to 127.0.0.1:{port}"
        );

        let inline = app
            .client()
            .execute(
                "const s = document.createElement('script');
                 s.textContent = 'window.__inlineRan = true';
                 document.body.appendChild(s);
                 return window.__inlineRan === true;",
                vec![],
            )
            .await?;
        ensure!(inline == false, "an inline script ran despite the CSP");

        // Only the app's own commands are granted; anything else is refused by Tauri.
        let invoke = "const [cmd, args, done] = arguments;
             window.__TAURI_INTERNALS__.invoke(cmd, args)
               .then(() => done('allowed'), e => done('refused: ' + e));";
        for (cmd, args) in [
            (
                "plugin:fs|read_text_file",
                serde_json::json!({ "path": "/etc/hostname" }),
            ),
            (
                "plugin:shell|execute",
                serde_json::json!({ "program": "id" }),
            ),
        ] {
            let outcome = app
                .client()
                .execute_async(invoke, vec![cmd.into(), args])
                .await?;
            ensure!(
                outcome.as_str().is_some_and(|s| s.starts_with("refused")),
                "{cmd}: {outcome}"
            );
        }
        let own = app
            .client()
            .execute_async(
                invoke,
                vec!["workspace_status".into(), serde_json::json!({})],
            )
            .await?;
        ensure!(own == "allowed", "the app's own command was refused: {own}");
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app: needs a display, a Secret Service and tauri-driver (make test)"]
async fn the_app_neither_navigates_away_nor_opens_windows() -> Result<()> {
    // Where a link in a note or an AI answer would take the window, if the shell let it.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let elsewhere = format!("http://127.0.0.1:{}/page", listener.local_addr()?.port());
    App::run("navigation_denied", Launch::default(), async |app| {
        let start = app.client().current_url().await?;
        let windows = app.client().windows().await?.len();
        app.client()
            .execute(
                "const [url] = arguments;
                 window.open(url, '_blank');
                 window.open('https://example.com/');
                 setTimeout(() => { window.location.href = url; }, 0);
                 return true;",
                vec![elsewhere.clone().into()],
            )
            .await?;
        let accepted = tokio::time::timeout(Duration::from_secs(2), listener.accept()).await;
        ensure!(accepted.is_err(), "the webview loaded {elsewhere}");
        ensure!(
            app.client().current_url().await? == start,
            "the window left the app"
        );
        ensure!(
            app.client().windows().await?.len() == windows,
            "a new window opened"
        );
        // Still the app, still working.
        app.click("nav-settings").await?;
        wait_for_heading(app, "Settings").await
    })
    .await
}

/// The harness itself: a failing test leaves a screenshot and the app's log behind.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app: needs a display, a Secret Service and tauri-driver (make test)"]
async fn a_failing_test_leaves_a_screenshot_and_the_app_log() -> Result<()> {
    let name = "planted_failure";
    let artifacts = casefile_tests::artifacts_dir(name);
    let _ = std::fs::remove_dir_all(&artifacts);
    let outcome = App::run(name, Launch::default(), async |_| {
        anyhow::bail!("planted failure")
    })
    .await;
    ensure!(
        outcome
            .as_ref()
            .is_err_and(|e| e.to_string().contains("planted failure")),
        "the failure must reach the caller: {outcome:?}"
    );
    let png = std::fs::read(artifacts.join("screenshot.png"))?;
    ensure!(png.starts_with(b"\x89PNG"), "screenshot is not a PNG");
    let log = std::fs::read_dir(&artifacts)?
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with("casefile."))
        .map(|e| std::fs::read_to_string(e.path()))
        .transpose()?
        .unwrap_or_default();
    ensure!(
        log.contains("logging started"),
        "app log missing from {}",
        artifacts.display()
    );
    Ok(())
}
