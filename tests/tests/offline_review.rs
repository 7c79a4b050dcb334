//! The attorney's review path on the real app with every AI provider unreachable: profiles of
//! four kinds point at 127.0.0.1 listeners that only count connection attempts, and the app's
//! `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY` point at another (loopback exempt, as WebDriver's
//! own connection to the web view needs). The history is filtered, a draft
//! is found by global search, opened, compared with its earlier version, exported in every
//! format (the Word file read back by python-docx) and printed, the matter's drafts are exported
//! as one ZIP, the approval rule's refusal is shown, and at the end no listener was ever
//! connected to.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result, ensure};
use casefile_core::drafting::offline::offline_draft;
use casefile_core::drafting::provenance::AiProvenance;
use casefile_core::drafting::record::NoteSelection;
use casefile_core::providers::{CredentialField, ProviderKind, ProviderProfile};
use casefile_core::secrets::Secret;
use casefile_core::store::{DraftOrigin, NewContact, NewDraft, NewMatter, NewNote};
use casefile_core::workspace::Workspace;
use casefile_tests::python::read_docx;
use casefile_tests::{App, Launch, Sandbox};
use tokio::net::TcpListener;

/// A word only the attorney's edit of the case summary holds.
const EDIT_ONLY_WORD: &str = "Trujillo";
const FIRM: &str = "Rivera & Ochoa LLP";

/// The test's own connections to each listener, made to see that it counts.
const PROBES: usize = 1;

/// A 127.0.0.1 port that accepts connections and counts them (and answers nothing).
struct CountingListener {
    name: &'static str,
    port: u16,
    attempts: Arc<AtomicUsize>,
}

impl CountingListener {
    async fn start(name: &'static str) -> Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let port = listener.local_addr()?.port();
        let attempts = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&attempts);
        tokio::spawn(async move {
            while let Ok((connection, _)) = listener.accept().await {
                counted.fetch_add(1, Ordering::SeqCst);
                drop(connection);
            }
        });
        Ok(Self {
            name,
            port,
            attempts,
        })
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

/// Profiles of four kinds, each at its own counting listener, with a key in the keychain, so
/// that any attempt to reach a provider would be seen.
fn profiles(listeners: &[CountingListener]) -> Result<Vec<(ProviderProfile, CredentialField)>> {
    let at = |name: &str| -> Result<String> {
        Ok(listeners
            .iter()
            .find(|l| l.name == name)
            .context("listener")?
            .url())
    };
    let mut openai = ProviderProfile::new("firm-openai", ProviderKind::OpenAi)?;
    openai.base_url = Some(format!("{}/v1", at("openai")?));
    openai.model = Some("gpt-4.1".into());
    let mut azure = ProviderProfile::new("firm-eu", ProviderKind::AzureOpenAi)?;
    azure.base_url = Some(at("azure")?);
    azure.deployment = Some("drafting".into());
    azure.region = Some("swedencentral".into());
    let mut bedrock = ProviderProfile::new("firm-us", ProviderKind::Bedrock)?;
    bedrock.base_url = Some(at("bedrock")?);
    bedrock.region = Some("us-east-1".into());
    bedrock.model = Some("us.anthropic.claude-sonnet-4-5-20250929-v1:0".into());
    let mut anthropic = ProviderProfile::new("firm-anthropic", ProviderKind::Anthropic)?;
    anthropic.base_url = Some(at("anthropic")?);
    anthropic.model = Some("claude-sonnet-4-5".into());
    Ok(vec![
        (openai, CredentialField::ApiKey),
        (azure, CredentialField::ApiKey),
        (bedrock, CredentialField::BedrockApiKey),
        (anthropic, CredentialField::ApiKey),
    ])
}

/// What the workspace holds before the app opens: two clients; a case summary edited into a
/// second version and approved, and a status letter pending review; two AI drafts received
/// earlier through the Azure and Bedrock profiles.
struct Seeded {
    summary: i64,
    summary_title: String,
    bedrock_draft: i64,
}

fn seed(sandbox: &Sandbox, listeners: &[CountingListener]) -> Result<Seeded> {
    let workspace = Workspace::open(sandbox.locations())?;
    let mut store = workspace.open_store()?;
    for (profile, field) in profiles(listeners)? {
        workspace.save_profile(&mut store, &profile, false, false)?;
        workspace.set_credential(
            &mut store,
            &profile.name,
            field,
            &Secret::new("sk-offline-review-never-sent"),
        )?;
    }
    let ana = store.create_contact(&NewContact::person("Ana", "Peña"))?;
    let asylum = store.create_matter(&NewMatter::new(ana, "Asylum application"))?;
    store.create_note(&NewNote::new(
        asylum,
        "Intake",
        "Ana Peña arrived in 2019 and fears return.",
    ))?;
    let templates = workspace.templates()?;
    let summary = offline_draft(
        &mut store,
        templates.get("case-summary")?,
        asylum,
        &NoteSelection::All,
    )?;
    let edited = format!(
        "{}\n\nThe client left {EDIT_ONLY_WORD} in 2019.\n",
        summary.body
    );
    store.save_draft(summary.id, &edited, "M. Rivera")?;
    store.approve_draft(summary.id, "M. Rivera")?;
    offline_draft(
        &mut store,
        templates.get("status-letter")?,
        asylum,
        &NoteSelection::All,
    )?;

    let bank = store.create_contact(&NewContact::person("Luis", "Ortega"))?;
    let h1b = store.create_matter(&NewMatter::new(bank, "H-1B petition"))?;
    let mut ai_draft = |title: &str, profile: &str, kind: &str| -> Result<i64> {
        let mut provenance = summary.provenance.clone();
        provenance.matter_id = h1b;
        provenance.client_id = bank;
        provenance.ai = Some(AiProvenance {
            profile: profile.into(),
            provider_kind: kind.into(),
            endpoint_host: "127.0.0.1".into(),
            region: None,
            model: "m".into(),
            retention: "zero-data-retention".into(),
            no_training: true,
            redactions: Default::default(),
            tokens_in: Some(900),
            tokens_out: Some(300),
            estimated_cost_usd: None,
            policy_exception: None,
            consent_id: None,
            outcome: "completed".into(),
            audit_entry: None,
        });
        Ok(store
            .create_draft(&NewDraft {
                matter_id: h1b,
                title,
                origin: DraftOrigin::Ai,
                body: "# Support letter\n\nThe petitioner needs the beneficiary's skills.\n",
                provenance: &provenance,
            })?
            .id)
    };
    ai_draft("Support letter (Azure)", "firm-eu", "azure-openai")?;
    let bedrock_draft = ai_draft("Support letter (Bedrock)", "firm-us", "bedrock")?;
    Ok(Seeded {
        summary: summary.id,
        summary_title: summary.title,
        bedrock_draft,
    })
}

async fn text_contains(app: &App, id: &str, words: &str) -> Result<()> {
    app.eventually(&format!("{id} to show {words:?}"), async || {
        Ok(app.text_of(id).await?.contains(words).then_some(()))
    })
    .await
}

async fn shows_drafts(app: &App, count: usize) -> Result<()> {
    app.eventually(&format!("{count} drafts listed"), async || {
        Ok((app.count("all-drafts-item").await? == count).then_some(()))
    })
    .await
}

async fn open_listed_draft(app: &App, id: i64) -> Result<()> {
    app.wait_for_css(&format!("[data-testid='all-drafts-item'][data-id='{id}']"))
        .await?
        .click()
        .await?;
    app.by_test_id("draft-title").await?;
    Ok(())
}

/// Exports the open draft with the button for `format` and returns the file written.
async fn export_as(app: &App, format: &str, folder: &Path, before: &[PathBuf]) -> Result<PathBuf> {
    app.click(&format!("draft-export-{format}")).await?;
    let path = app
        .eventually(&format!("the {format} export to be saved"), async || {
            let shown = app.text_of("draft-export-saved-path").await?;
            Ok((shown.ends_with(&format!(".{format}"))
                && !before.iter().any(|p| p.as_os_str() == shown.as_str()))
            .then(|| PathBuf::from(shown)))
        })
        .await?;
    ensure!(
        path.parent() == Some(folder),
        "{} is in the export folder",
        path.display()
    );
    ensure!(
        std::fs::metadata(&path)?.len() > 0,
        "{} is empty",
        path.display()
    );
    Ok(path)
}

/// Today and yesterday on this computer's calendar (the app filters by local days).
fn today_and_yesterday() -> Result<(String, String)> {
    let today = jiff::ZonedDateTime::now().date();
    Ok((today.to_string(), today.yesterday()?.to_string()))
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app: needs a display, a Secret Service, tauri-driver, python3 (make test)"]
async fn every_draft_is_found_read_compared_exported_and_printed_with_no_network() -> Result<()> {
    let mut listeners = Vec::new();
    for name in ["openai", "azure", "bedrock", "anthropic", "proxy"] {
        listeners.push(CountingListener::start(name).await?);
    }
    // Each listener is seen to count: the test's own probe is its one expected connection.
    for listener in &listeners {
        tokio::net::TcpStream::connect(("127.0.0.1", listener.port)).await?;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while listener.attempts.load(Ordering::SeqCst) != PROBES {
            ensure!(
                std::time::Instant::now() < deadline,
                "{} counts",
                listener.name
            );
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }
    let proxy = listeners
        .iter()
        .find(|l| l.name == "proxy")
        .context("proxy")?
        .url();
    let sandbox = Sandbox::new()?;
    let seeded = seed(&sandbox, &listeners)?;
    let folder = sandbox.path().join("exports");
    let mut env: Vec<(String, String)> = [
        "HTTPS_PROXY",
        "HTTP_PROXY",
        "ALL_PROXY",
        "https_proxy",
        "http_proxy",
        "all_proxy",
    ]
    .iter()
    .map(|name| ((*name).to_owned(), proxy.clone()))
    .collect();
    // WebKitWebDriver reaches the app's web view over loopback and honours these variables too,
    // so loopback is exempt: every provider profile is on loopback with a listener of its own,
    // and anything leaving for another host goes to the proxy's.
    for name in ["NO_PROXY", "no_proxy"] {
        env.push((name.into(), "127.0.0.1,localhost,::1".into()));
    }
    let launch = Launch {
        sandbox: Some(sandbox.clone()),
        env,
    };

    App::run("offline_review", launch, async |app| {
        // The history, narrowed by provider kind, profile and the day drafts were made.
        app.click("nav-drafts").await?;
        shows_drafts(app, 4).await?;
        app.choose("drafts-filter-provider", "bedrock").await?;
        shows_drafts(app, 1).await?;
        text_contains(app, "all-drafts-item", "Support letter (Bedrock)").await?;
        app.choose("drafts-filter-profile", "firm-eu").await?;
        app.by_test_id("drafts-none-match").await?;
        app.choose("drafts-filter-profile", "firm-us").await?;
        shows_drafts(app, 1).await?;
        let (today, yesterday) = today_and_yesterday()?;
        app.set_value("drafts-filter-to", &yesterday).await?;
        app.by_test_id("drafts-none-match").await?;
        app.set_value("drafts-filter-to", "").await?;
        app.set_value("drafts-filter-from", &today).await?;
        shows_drafts(app, 1).await?;
        app.check_accessibility("filtered drafts").await?;

        // Opening a draft and coming back keeps the filters.
        open_listed_draft(app, seeded.bedrock_draft).await?;
        text_contains(app, "draft-title", "Support letter (Bedrock)").await?;
        app.click("nav-drafts").await?;
        ensure!(app.value_of("drafts-filter-provider").await? == "bedrock");
        ensure!(app.value_of("drafts-filter-profile").await? == "firm-us");
        shows_drafts(app, 1).await?;
        app.click("drafts-filter-clear").await?;
        shows_drafts(app, 4).await?;

        // Global search finds the edited draft by a word only its edit has.
        app.shortcut('k').await?;
        app.fill("search-input", EDIT_ONLY_WORD).await?;
        app.wait_for_css("[data-testid='search-hit'][data-kind='draft']")
            .await?
            .click()
            .await?;
        text_contains(app, "draft-title", &seeded.summary_title).await?;
        text_contains(app, "draft-banner", "Approved by M. Rivera").await?;

        // The first version compared with the current one shows the attorney's words added.
        app.click("draft-versions-toggle").await?;
        app.wait_for_css("[data-testid='draft-version'][data-number='1']")
            .await?
            .click()
            .await?;
        app.click("draft-version-compare").await?;
        let added = app
            .client()
            .execute(
                "return [...document.querySelectorAll(\"[data-testid='draft-version-diff'] ins\")]
                     .map(e => e.textContent).join(' ');",
                Vec::new(),
            )
            .await?;
        ensure!(
            added.as_str().unwrap_or_default().contains(EDIT_ONLY_WORD),
            "{added}"
        );
        app.click("draft-versions-toggle").await?;

        // The letterhead and the export folder are chosen in Settings.
        app.click("nav-settings").await?;
        app.fill("setting-firm-name", FIRM).await?;
        app.fill("setting-export-folder", folder.to_str().context("path")?)
            .await?;
        app.click("export-settings-save").await?;
        text_contains(app, "export-settings-status", "saved").await?;
        text_contains(app, "export-location", folder.to_str().context("path")?).await?;

        // Every format of the approved summary, each a new file in the export folder.
        app.click("nav-drafts").await?;
        open_listed_draft(app, seeded.summary).await?;
        let mut written = Vec::new();
        for format in ["docx", "pdf", "md", "json"] {
            let path = export_as(app, format, &folder, &written).await?;
            written.push(path);
        }
        let again = export_as(app, "md", &folder, &written).await?;
        ensure!(
            again.file_name() != written[2].file_name(),
            "a second export never replaces the first"
        );
        let docx = read_docx(&written[0])?;
        ensure!(
            docx["header"].to_string().contains(FIRM),
            "the letterhead names the firm: {}",
            docx["header"]
        );
        let banner = &docx["body"][0];
        ensure!(banner["style"] == "Review Banner", "{banner}");
        ensure!(
            banner["text"]
                .as_str()
                .unwrap_or_default()
                .contains("Approved by M. Rivera"),
            "{banner}"
        );
        ensure!(
            docx["body"].to_string().contains(EDIT_ONLY_WORD),
            "the Word file holds the approved text"
        );
        let markdown = std::fs::read_to_string(&written[2])?;
        ensure!(markdown.contains(EDIT_ONLY_WORD), "{markdown}");
        let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&written[3])?)?;
        ensure!(json["sha256"].is_string(), "{json}");

        // Print and Ctrl+P open the system's print dialog (here a stand-in that counts).
        app.client()
            .execute(
                "window.__printed = 0; window.print = () => { window.__printed += 1; };",
                Vec::new(),
            )
            .await?;
        app.click("draft-print").await?;
        app.shortcut('p').await?;
        let printed = app
            .client()
            .execute("return window.__printed;", Vec::new())
            .await?;
        ensure!(printed == 2, "print asked {printed} times");

        // The matter's drafts as one ZIP: each draft in each format and the manifest.
        app.click("back-to-matter").await?;
        app.click("matter-export-zip").await?;
        let zip = app
            .eventually("the ZIP to be saved", async || {
                Ok(app
                    .text_of("matter-export-saved-path")
                    .await
                    .ok()
                    .filter(|p| p.ends_with(".zip"))
                    .map(PathBuf::from))
            })
            .await?;
        ensure!(zip.parent() == Some(folder.as_path()));
        let listing = Command::new("python3")
            .args([
                "-c",
                "import sys, zipfile; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))",
            ])
            .arg(&zip)
            .output()?;
        ensure!(listing.status.success(), "python3 zipfile read the ZIP");
        let names = String::from_utf8(listing.stdout)?;
        ensure!(
            names.lines().count() == 2 * 4 + 1 && names.contains("manifest.json"),
            "{names}"
        );

        // With approval required, a draft pending review is refused with the reason, and nothing
        // is written.
        let settings_file = sandbox.locations().data_dir.join("settings.json");
        let mut settings: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&settings_file)?)?;
        settings["require_approval_before_export"] = true.into();
        std::fs::write(&settings_file, settings.to_string())?;
        app.click("nav-drafts").await?;
        app.choose("drafts-filter-status", "pendingReview").await?;
        app.wait_for_css("[data-testid='all-drafts-item']")
            .await?
            .click()
            .await?;
        let files_before = std::fs::read_dir(&folder)?.count();
        app.click("draft-export-pdf").await?;
        text_contains(app, "draft-export-error", "not approved").await?;
        ensure!(
            std::fs::read_dir(&folder)?.count() == files_before,
            "nothing written"
        );
        Ok(())
    })
    .await?;

    for listener in &listeners {
        let attempts = listener.attempts.load(Ordering::SeqCst) - PROBES;
        ensure!(
            attempts == 0,
            "{} was connected to {attempts} times while reviewing offline",
            listener.name
        );
    }
    Ok(())
}
