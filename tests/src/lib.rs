//! Harness for end-to-end tests on the real Casefile app.
//!
//! Each [`App`] is the real `casefile` binary in a real WebKit webview, started through
//! `tauri-driver` and `WebKitWebDriver` and driven over WebDriver. Every app gets its own
//! temporary workspace, log folder and keychain namespace, so no test touches a user's data. The
//! tests expect a display and a Secret Service (`make test` runs them in a private session).

pub mod leak;
pub mod mock;
mod process;
pub mod python;

use std::future::Future;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

pub use fantoccini::key::Key;

/// The workspace root (where `target/` and `ui/` live).
pub fn workspace_root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// Builds the app binary once per test process (a no-op when it is up to date): the debug build,
/// or the release build when `CASEFILE_APP_PROFILE=release` (benchmarks).
pub fn app_binary() -> Result<PathBuf> {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let release = std::env::var("CASEFILE_APP_PROFILE").is_ok_and(|p| p == "release");
    built(&BUILT, "casefile-app", "casefile", release)
}

/// Builds the admin CLI once per test process (debug), for tests that script it as an MSP would.
pub fn admin_binary() -> Result<PathBuf> {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    built(&BUILT, "casefile-admin", "casefile-admin", false)
}

fn built(
    once: &'static OnceLock<Result<PathBuf, String>>,
    package: &str,
    bin: &str,
    release: bool,
) -> Result<PathBuf> {
    once.get_or_init(|| {
        let mut args = vec!["build", "--quiet", "-p", package, "--bin", bin];
        if release {
            args.push("--release");
        }
        let status = Command::new(env!("CARGO"))
            .args(&args)
            .current_dir(workspace_root())
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !status.success() {
            return Err(format!("building {bin} failed"));
        }
        let profile = if release { "release" } else { "debug" };
        Ok(target_dir().join(profile).join(bin))
    })
    .clone()
    .map_err(anyhow::Error::msg)
}

/// Where a failed end-to-end test named `name` leaves its screenshot, page and app log.
pub fn artifacts_dir(name: &str) -> PathBuf {
    target_dir().join("e2e-artifacts").join(name)
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// Options for one app launch.
#[derive(Default, Clone)]
pub struct Launch {
    /// Extra environment for the app (e.g. to make the keychain unreachable).
    pub env: Vec<(String, String)>,
    /// Launch on this sandbox (workspace, logs, keychain namespace) instead of a fresh one, to
    /// see what survives a restart.
    pub sandbox: Option<Arc<Sandbox>>,
}

/// A test's private world: workspace, log folder and keychain namespace, removed at the end.
pub struct Sandbox(tempfile::TempDir);

impl Sandbox {
    pub fn new() -> Result<Arc<Self>> {
        Ok(Arc::new(Self(
            tempfile::Builder::new().prefix("casefile-e2e-").tempdir()?,
        )))
    }

    pub fn path(&self) -> &Path {
        self.0.path()
    }

    /// Where the app launched on this sandbox keeps its data, logs and keychain entries, so a
    /// test or benchmark can prepare a workspace through core before the app opens it.
    pub fn locations(&self) -> casefile_core::paths::Locations {
        casefile_core::paths::Locations {
            data_dir: self.path().join("workspace"),
            log_dir: self.path().join("logs"),
            keychain_service: format!(
                "Casefile-e2e-{}",
                self.path()
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
            ),
            log_filter: "debug".into(),
            policy_file: self.path().join("policy.json"),
        }
    }

    /// Points `command` (the app, or the admin CLI) at this sandbox's workspace, logs, keychain
    /// namespace and policy file.
    pub fn point_at<'a>(&self, command: &'a mut Command) -> &'a mut Command {
        let locations = self.locations();
        command
            .env("CASEFILE_DATA_DIR", &locations.data_dir)
            .env("CASEFILE_LOG_DIR", &locations.log_dir)
            .env("CASEFILE_LOG", &locations.log_filter)
            .env("CASEFILE_KEYCHAIN_SERVICE", &locations.keychain_service)
            .env("CASEFILE_POLICY_FILE", &locations.policy_file)
    }

    /// The sandbox's case database as someone holding its key opens it outside Casefile (no
    /// checks, no Casefile functions): for tests that prepare or tamper with stored rows.
    pub fn raw_database(&self) -> Result<rusqlite::Connection> {
        use casefile_core::secrets::{KeychainStore, SecretName, SecretStore};
        let locations = self.locations();
        let id = std::fs::read_to_string(locations.data_dir.join("workspace-id"))?;
        let key = KeychainStore::new(&locations.keychain_service)
            .get(&SecretName::new(&format!("database-key.{}", id.trim()))?)?
            .context("no database key")?;
        let conn = casefile_core::store::open_connection(
            &locations.data_dir.join(casefile_core::store::DATABASE_FILE),
            rusqlite::OpenFlags::default(),
        )?;
        conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", key.expose()))?;
        Ok(conn)
    }

    /// Runs the admin CLI on this sandbox as an MSP script would, with `stdin` as its input.
    pub fn admin<S: AsRef<std::ffi::OsStr>>(
        &self,
        args: &[S],
        stdin: Option<&str>,
    ) -> Result<Output> {
        use std::io::Write;
        let mut command = Command::new(admin_binary()?);
        let mut child = self
            .point_at(&mut command)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let mut input = child.stdin.take().context("no stdin")?;
        input.write_all(stdin.unwrap_or_default().as_bytes())?;
        drop(input);
        Ok(child.wait_with_output()?)
    }
}

/// The `casefile-admin profile add` arguments that recreate `profile` under `name`, every setting
/// given as an admin would type it.
pub fn profile_add_args(
    name: &str,
    profile: &casefile_core::providers::ProviderProfile,
) -> Vec<String> {
    let mut args = vec![
        "profile".to_owned(),
        "add".to_owned(),
        name.to_owned(),
        "--kind".to_owned(),
        profile.kind.to_string(),
    ];
    let options = [
        ("--base-url", &profile.base_url),
        ("--model", &profile.model),
        ("--deployment", &profile.deployment),
        ("--api-version", &profile.api_version),
        ("--region", &profile.region),
        ("--project", &profile.project),
        ("--tenant-id", &profile.tenant_id),
        ("--client-id", &profile.client_id),
        ("--token-url", &profile.token_url),
    ];
    for (flag, value) in options {
        if let Some(value) = value {
            args.extend([flag.to_owned(), value.clone()]);
        }
    }
    args
}

/// One running app under WebDriver.
pub struct App {
    client: Client,
    driver: Child,
    sandbox: Arc<Sandbox>,
    name: String,
}

impl App {
    /// Starts the app, runs `test` against it, saves a screenshot and the app log under
    /// `target/e2e-artifacts/<name>/` when the test fails, and always shuts everything down.
    pub async fn run(
        name: &str,
        launch: Launch,
        test: impl AsyncFnOnce(&App) -> Result<()>,
    ) -> Result<()> {
        let app = App::start(name, &launch).await?;
        let outcome = match app.wait_for_css("[data-ready='true']").await {
            Ok(_) => test(&app).await,
            Err(e) => Err(e.context("the app did not finish loading")),
        };
        if let Err(error) = &outcome {
            match app.save_artifacts().await {
                Ok(dir) => eprintln!("{name} failed: {error:#}\nartifacts: {}", dir.display()),
                Err(e) => eprintln!("{name} failed, and saving artifacts failed too: {e:#}"),
            }
        }
        let shutdown = app.shut_down().await;
        outcome.and(shutdown)
    }

    async fn start(name: &str, launch: &Launch) -> Result<App> {
        let binary = app_binary()?;
        let sandbox = match &launch.sandbox {
            Some(sandbox) => Arc::clone(sandbox),
            None => Sandbox::new()?,
        };
        let (port, native_port) = (free_port()?, free_port()?);
        let mut driver = Command::new(tauri_driver());
        let mut driver = sandbox
            .point_at(&mut driver)
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .envs(launch.env.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(
                sandbox.path().join("tauri-driver.log"),
            )?)
            .spawn()
            .context("cannot start tauri-driver (is it installed? `make test` installs it)")?;
        let client = match connect(port, &binary).await {
            Ok(client) => client,
            Err(e) => {
                process::terminate(&mut driver);
                process::stop_apps_of(sandbox.path());
                return Err(e);
            }
        };
        Ok(App {
            client,
            driver,
            sandbox,
            name: name.to_owned(),
        })
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The app's own workspace folder for this test.
    pub fn data_dir(&self) -> PathBuf {
        self.sandbox.path().join("workspace")
    }

    pub async fn wait_for_css(&self, css: &str) -> Result<fantoccini::elements::Element> {
        self.client
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css(css))
            .await
            .with_context(|| format!("waiting for {css}"))
    }

    pub async fn by_test_id(&self, id: &str) -> Result<fantoccini::elements::Element> {
        self.wait_for_css(&format!("[data-testid='{id}']")).await
    }

    /// Runs `op` on the element with `data-testid="id"`, finding it again when the UI replaced it
    /// in between (React re-renders lists as data arrives; WebDriver then reports it stale). The
    /// element is first scrolled to the middle of the window: at the bottom edge the status line
    /// covers it, and WebKit refuses to type into or click what it cannot see.
    async fn on_element<T>(
        &self,
        id: &str,
        op: impl AsyncFn(fantoccini::elements::Element) -> Result<T, fantoccini::error::CmdError>,
    ) -> Result<T> {
        let mut attempts = 0;
        loop {
            let element = self.by_test_id(id).await?;
            let scrolled = self
                .client
                .execute(
                    "arguments[0].scrollIntoView({ block: 'center' });",
                    vec![serde_json::to_value(&element)?],
                )
                .await;
            let outcome = match scrolled {
                Ok(_) => op(element).await,
                Err(e) => Err(e),
            };
            match outcome {
                Err(e) if is_stale(&e) && attempts < 20 => {
                    attempts += 1;
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                other => return other.with_context(|| format!("on {id}")),
            }
        }
    }

    /// The rendered text (`innerText`) of the element with `data-testid="id"`. WebDriver's own
    /// text command is unreliable in WebKit for elements that clip their overflow.
    pub async fn text_of(&self, id: &str) -> Result<String> {
        let element = self.by_test_id(id).await?;
        let text = self
            .client
            .execute(
                "return arguments[0].innerText;",
                vec![serde_json::to_value(&element)?],
            )
            .await?;
        Ok(text.as_str().unwrap_or_default().to_owned())
    }

    pub async fn click(&self, id: &str) -> Result<()> {
        self.on_element(id, async |element| element.click().await)
            .await
    }

    /// Replaces the text of the input with `data-testid="id"`, as typing would.
    pub async fn fill(&self, id: &str, text: &str) -> Result<()> {
        self.on_element(id, async |field| {
            field.clear().await?;
            field.send_keys(text).await
        })
        .await
    }

    /// Sets an input's value the way a user's edit does (through the native setter, then `input`
    /// and `change` events), for controls WebDriver cannot type into reliably, like date pickers.
    pub async fn set_value(&self, id: &str, value: &str) -> Result<()> {
        let element = self.by_test_id(id).await?;
        self.client
            .execute(
                "const [el, value] = arguments;
                 const proto = Object.getPrototypeOf(el);
                 Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, value);
                 el.dispatchEvent(new Event('input', { bubbles: true }));
                 el.dispatchEvent(new Event('change', { bubbles: true }));",
                vec![serde_json::to_value(&element)?, value.into()],
            )
            .await?;
        Ok(())
    }

    /// Chooses the option with `value` in the `<select>` with `data-testid="id"`. WebKit draws
    /// a select's options in a native popup that WebDriver clicks unreliably, so this sets the
    /// value as the popup would, then checks that such an option exists.
    pub async fn choose(&self, id: &str, value: &str) -> Result<()> {
        self.set_value(id, value).await?;
        let chosen = self.value_of(id).await?;
        ensure!(chosen == value, "{id} has no option {value:?}");
        Ok(())
    }

    /// Sends Ctrl+`key` to whatever has the focus.
    pub async fn shortcut(&self, key: char) -> Result<()> {
        self.client
            .active_element()
            .await?
            .send_keys(&format!("{}{key}", char::from(Key::Control)))
            .await?;
        Ok(())
    }

    /// Scrolls `id` to the top and saves what the window shows as `<name>.png` in
    /// `$CASEFILE_SCREENSHOTS`, when that is set (to look at the screens by eye); else does
    /// nothing.
    pub async fn screenshot(&self, name: &str, id: &str) -> Result<()> {
        if let Some(dir) = std::env::var_os("CASEFILE_SCREENSHOTS") {
            let element = self.by_test_id(id).await?;
            self.client
                .execute(
                    "arguments[0].scrollIntoView({ block: 'start' });",
                    vec![serde_json::to_value(&element)?],
                )
                .await?;
            let dir = PathBuf::from(dir);
            std::fs::create_dir_all(&dir)?;
            std::fs::write(
                dir.join(format!("{name}.png")),
                self.client.screenshot().await?,
            )?;
        }
        Ok(())
    }

    /// Creates a client with one matter through the screens and leaves the matter page open.
    pub async fn new_client_with_matter(
        &self,
        given: &str,
        family: &str,
        matter: &str,
    ) -> Result<()> {
        self.click("nav-clients").await?;
        self.click("new-client").await?;
        self.fill("client-given-name", given).await?;
        self.fill("client-family-name", family).await?;
        self.click("client-save").await?;
        self.click("client-item").await?;
        self.click("new-matter").await?;
        self.fill("matter-title", matter).await?;
        self.click("matter-save").await?;
        self.click("matter-item").await?;
        ensure!(
            self.text_of("matter-name").await? == matter,
            "the matter page did not open"
        );
        Ok(())
    }

    /// The attribute `name` of the element with `data-testid="id"`.
    pub async fn attr_of(&self, id: &str, name: &str) -> Result<Option<String>> {
        self.on_element(id, async |element| element.attr(name).await)
            .await
    }

    /// The current value of the input or text area with `data-testid="id"`.
    pub async fn value_of(&self, id: &str) -> Result<String> {
        Ok(self
            .by_test_id(id)
            .await?
            .prop("value")
            .await?
            .unwrap_or_default())
    }

    /// Waits for the element with `data-testid="id"` to have `attribute` = `value`.
    pub async fn wait_for_attr(&self, id: &str, attribute: &str, value: &str) -> Result<()> {
        self.eventually(&format!("{id} {attribute}={value}"), async || {
            let found = self
                .on_element(id, async |e| e.attr(attribute).await)
                .await?;
            Ok((found.as_deref() == Some(value)).then_some(()))
        })
        .await
    }

    /// Number of elements with `data-testid="id"` on screen now. Counted inside the page in one
    /// step: WebDriver's find-all makes a handle per element and fails if the UI replaces one
    /// meanwhile.
    pub async fn count(&self, id: &str) -> Result<usize> {
        let found = self
            .client
            .execute(
                "return document.querySelectorAll(`[data-testid='${arguments[0]}']`).length;",
                vec![id.into()],
            )
            .await?;
        Ok(usize::try_from(found.as_u64().context("a count")?)?)
    }

    /// Waits until `probe` returns `Some`, polling every 100 ms for up to 10 s.
    pub async fn eventually<T, Fut>(&self, what: &str, mut probe: impl FnMut() -> Fut) -> Result<T>
    where
        Fut: Future<Output = Result<Option<T>>>,
    {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(value) = probe().await? {
                return Ok(value);
            }
            ensure!(Instant::now() < deadline, "timed out waiting for {what}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Runs axe-core on the current screen; fails on serious or critical violations.
    pub async fn check_accessibility(&self, screen: &str) -> Result<()> {
        static AXE: OnceLock<Result<String, String>> = OnceLock::new();
        let axe = AXE
            .get_or_init(|| {
                let path = workspace_root().join("ui/node_modules/axe-core/axe.min.js");
                std::fs::read_to_string(&path)
                    .map_err(|e| format!("{}: {e} (run `npm ci` in ui/)", path.display()))
            })
            .clone()
            .map_err(anyhow::Error::msg)?;
        self.client
            .execute(&axe, vec![])
            .await
            .context("injecting axe-core")?;
        let violations = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { resultTypes: ['violations'] })
                    .then(r => done(r.violations.map(v => ({
                        id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.map(n => n.target.join(' ')) }))))
                    .catch(e => done([{ id: 'axe-error', impact: 'critical', help: String(e) }]));",
                vec![],
            )
            .await
            .context("running axe-core")?;
        let blocking: Vec<&Value> = violations
            .as_array()
            .context("axe returned no list")?
            .iter()
            .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
            .collect();
        ensure!(
            blocking.is_empty(),
            "accessibility violations on {screen}: {}",
            serde_json::to_string_pretty(&blocking)?
        );
        Ok(())
    }

    /// Saves a screenshot, the page source and every log of this app.
    async fn save_artifacts(&self) -> Result<PathBuf> {
        let dir = artifacts_dir(&self.name);
        std::fs::create_dir_all(&dir)?;
        let screenshot = self.client.screenshot().await;
        if let Ok(png) = &screenshot {
            std::fs::write(dir.join("screenshot.png"), png)?;
        }
        if let Ok(html) = self.client.source().await {
            std::fs::write(dir.join("page.html"), html)?;
        }
        for entry in std::fs::read_dir(self.sandbox.path().join("logs"))
            .into_iter()
            .flatten()
            .flatten()
        {
            std::fs::copy(entry.path(), dir.join(entry.file_name()))?;
        }
        std::fs::copy(
            self.sandbox.path().join("tauri-driver.log"),
            dir.join("tauri-driver.log"),
        )?;
        screenshot.context("taking a screenshot")?;
        Ok(dir)
    }

    /// Ends the WebDriver session and makes sure no process of this app is left running.
    async fn shut_down(mut self) -> Result<()> {
        let closed = self.client.clone().close().await;
        // The app may exit a moment after the session closes; give it that moment before
        // stopping tauri-driver, then stop whatever is left.
        let exited = process::wait_for_apps_to_exit(self.sandbox.path(), Duration::from_secs(5));
        process::terminate(&mut self.driver);
        let leftovers = process::stop_apps_of(self.sandbox.path());
        closed.context("closing the WebDriver session")?;
        if !exited {
            eprintln!(
                "{}: the app did not exit on its own; stopped {leftovers} process(es)",
                self.name
            );
        }
        ensure!(
            process::apps_of(self.sandbox.path()).is_empty(),
            "an app process outlived its test"
        );
        Ok(())
    }
}

async fn connect(port: u16, binary: &Path) -> Result<Client> {
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "tauri:options".into(),
        json!({ "application": binary, "args": [] }),
    );
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let attempt = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities.clone())
            .connect(&url)
            .await;
        match attempt {
            Ok(client) => return Ok(client),
            // tauri-driver takes a moment to listen.
            Err(_) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => bail!("no WebDriver session on {url}: {e}"),
        }
    }
}

fn is_stale(error: &fantoccini::error::CmdError) -> bool {
    error.is_stale_element_reference() || error.to_string().contains("tale element")
}

fn tauri_driver() -> PathBuf {
    let installed = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .map(|home| home.join("bin/tauri-driver"));
    match installed {
        Some(path) if path.exists() => path,
        _ => PathBuf::from("tauri-driver"),
    }
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}
