//! Where a workspace keeps its files and which keychain namespace it uses.
//!
//! Defaults follow each OS's conventions; environment variables override them so that an MSP can
//! relocate a workspace and so that tests never touch a user's real data.
//!
//! The policy file is the exception: the system file an administrator places
//! ([`system_policy_file`]) always wins. `CASEFILE_POLICY_FILE` names the policy only on a computer
//! without one (tests, an MSP trying a policy out), where it can add restrictions but remove none.
//! Anything at the system path counts as present, a dangling link or an unreadable folder
//! included, so a broken system file blocks sends instead of handing control to the variable.

use std::path::{Path, PathBuf};

use directories::ProjectDirs;

use crate::{Error, Result};

/// Overrides the workspace folder (also the admin CLI's `--data-dir`).
pub const DATA_DIR_ENV: &str = "CASEFILE_DATA_DIR";
/// Overrides the folder that receives log files.
pub const LOG_DIR_ENV: &str = "CASEFILE_LOG_DIR";
/// Overrides the keychain service name under which secrets are stored.
pub const KEYCHAIN_SERVICE_ENV: &str = "CASEFILE_KEYCHAIN_SERVICE";
/// Names the policy file on a computer without a system policy file (ignored where one exists).
pub const POLICY_FILE_ENV: &str = "CASEFILE_POLICY_FILE";
/// Log filter in `tracing` syntax, e.g. `info` or `casefile_core=debug`.
pub const LOG_FILTER_ENV: &str = "CASEFILE_LOG";

pub const DEFAULT_KEYCHAIN_SERVICE: &str = "Casefile";
pub const DEFAULT_LOG_FILTER: &str = "info";

/// The resolved locations of one workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locations {
    pub data_dir: PathBuf,
    pub log_dir: PathBuf,
    pub keychain_service: String,
    pub log_filter: String,
    /// The policy file in force: the system file when one exists, else the one named by
    /// `CASEFILE_POLICY_FILE`, else the system path (it need not exist).
    pub policy_file: PathBuf,
}

impl Locations {
    /// Resolves locations from the process environment, with `data_dir` (e.g. from a command-line
    /// option) taking precedence over everything else.
    pub fn resolve(data_dir: Option<PathBuf>) -> Result<Self> {
        Self::resolve_with(data_dir, |key| std::env::var(key).ok())
    }

    /// Same as [`Locations::resolve`] with an explicit environment lookup, so that resolution
    /// can be tested without mutating the process environment.
    pub fn resolve_with(
        data_dir: Option<PathBuf>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self> {
        Self::resolve_against(data_dir, env, &system_policy_file())
    }

    /// Resolution against an explicit system policy path, so that both the "system file exists"
    /// and "no system file" cases can be tested with real files.
    fn resolve_against(
        data_dir: Option<PathBuf>,
        env: impl Fn(&str) -> Option<String>,
        system_policy: &Path,
    ) -> Result<Self> {
        let non_empty = |key: &str| env(key).filter(|v| !v.trim().is_empty());
        let dirs = ProjectDirs::from("com", "Casefile", "Casefile");
        let data_dir = match data_dir.or_else(|| non_empty(DATA_DIR_ENV).map(PathBuf::from)) {
            Some(dir) => dir,
            None => dirs
                .as_ref()
                .map(|d| d.data_dir().to_path_buf())
                .ok_or_else(no_home)?,
        };
        let log_dir = match non_empty(LOG_DIR_ENV) {
            Some(dir) => PathBuf::from(dir),
            None => dirs.as_ref().map(os_log_dir).ok_or_else(no_home)?,
        };
        Ok(Self {
            data_dir: absolute(&data_dir)?,
            log_dir: absolute(&log_dir)?,
            keychain_service: non_empty(KEYCHAIN_SERVICE_ENV)
                .unwrap_or_else(|| DEFAULT_KEYCHAIN_SERVICE.to_owned()),
            log_filter: non_empty(LOG_FILTER_ENV).unwrap_or_else(|| DEFAULT_LOG_FILTER.to_owned()),
            policy_file: choose_policy_file(system_policy, non_empty(POLICY_FILE_ENV))?.file,
        })
    }
}

/// Which policy file applies, and the file named by `CASEFILE_POLICY_FILE` when it was ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyChoice {
    pub file: PathBuf,
    pub ignored_variable: Option<PathBuf>,
}

/// The system policy file wins whenever anything is at its path (even a dangling link: fail
/// closed, the file's checks then report it); only without one does `named` apply.
fn choose_policy_file(system: &Path, named: Option<String>) -> Result<PolicyChoice> {
    let named = named.map(|file| absolute(Path::new(&file))).transpose()?;
    let system_exists = !matches!(
        std::fs::symlink_metadata(system),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound
    );
    Ok(match named {
        Some(named) if !system_exists => PolicyChoice {
            file: named,
            ignored_variable: None,
        },
        named => PolicyChoice {
            file: system.to_owned(),
            ignored_variable: named,
        },
    })
}

/// At the start of the app and the CLI (after logging is set up): when `CASEFILE_POLICY_FILE` is
/// set but a system policy file exists, says on stderr and in the log that it is ignored.
pub fn warn_if_policy_variable_ignored() {
    let named = std::env::var(POLICY_FILE_ENV)
        .ok()
        .filter(|v| !v.trim().is_empty());
    let system = system_policy_file();
    let Some(ignored) = choose_policy_file(&system, named)
        .ok()
        .and_then(|choice| choice.ignored_variable)
    else {
        return;
    };
    let warning = format!(
        "{POLICY_FILE_ENV} ({}) is ignored because the system policy file {} exists; only an \
         administrator can change which policy applies on this computer.",
        ignored.display(),
        system.display()
    );
    eprintln!("warning: {warning}");
    tracing::warn!("{warning}");
}

fn no_home() -> Error {
    Error::InvalidInput(format!(
        "Could not determine your home folder. Set {DATA_DIR_ENV} and {LOG_DIR_ENV} to choose \
         where Casefile keeps its files."
    ))
}

fn absolute(path: &Path) -> Result<PathBuf> {
    std::path::absolute(path).map_err(|e| Error::storage(path, e))
}

/// The system-wide policy file: Linux `/etc/casefile/policy.json`, macOS
/// `/Library/Application Support/Casefile/policy.json`, Windows
/// `<ProgramData>\Casefile\policy.json`. Only administrators can write these places.
pub fn system_policy_file() -> PathBuf {
    #[cfg(windows)]
    let folder = program_data().join("Casefile");
    #[cfg(target_os = "macos")]
    let folder = PathBuf::from("/Library/Application Support/Casefile");
    #[cfg(not(any(windows, target_os = "macos")))]
    let folder = PathBuf::from("/etc/casefile");
    folder.join("policy.json")
}

/// ProgramData from the known-folder API, never from `%ProgramData%` (any user can set that).
#[cfg(windows)]
fn program_data() -> PathBuf {
    dirs_sys::known_folder(windows_sys::Win32::UI::Shell::FOLDERID_ProgramData)
        .unwrap_or_else(|| PathBuf::from(r"C:\ProgramData"))
}

/// The per-user log folder each OS expects.
fn os_log_dir(dirs: &ProjectDirs) -> PathBuf {
    if cfg!(target_os = "macos") {
        // ~/Library/Logs/Casefile, next to every other app's logs in Console.app.
        let home = dirs
            .config_dir()
            .ancestors()
            .nth(3)
            .unwrap_or(dirs.config_dir());
        home.join("Library/Logs/Casefile")
    } else {
        // Linux: $XDG_STATE_HOME/casefile/logs. Windows: %LOCALAPPDATA%\Casefile\Casefile\logs.
        dirs.state_dir()
            .unwrap_or(dirs.data_local_dir())
            .join("logs")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An absolute folder on any OS (a Unix-style "/ws" is not absolute on Windows).
    fn root() -> PathBuf {
        std::env::temp_dir().join("casefile-paths-test")
    }

    #[test]
    fn explicit_data_dir_wins_over_environment() {
        let from_env = root().join("from-env").display().to_string();
        let env = move |key: &str| (key == DATA_DIR_ENV).then(|| from_env.clone());
        let loc = Locations::resolve_with(Some(root().join("from-flag")), env).unwrap();
        assert_eq!(loc.data_dir, root().join("from-flag"));
    }

    #[test]
    fn environment_overrides_every_default() {
        let dir = tempfile::tempdir().unwrap();
        let at = |name: &str| dir.path().join(name).display().to_string();
        let pairs = [
            (DATA_DIR_ENV, at("ws")),
            (LOG_DIR_ENV, at("logs")),
            (KEYCHAIN_SERVICE_ENV, "Casefile-test".to_owned()),
            (LOG_FILTER_ENV, "debug".to_owned()),
            (POLICY_FILE_ENV, at("test.json")),
        ];
        let env = |key: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.clone())
        };
        let no_system_file = dir.path().join("system").join("policy.json");
        let loc = Locations::resolve_against(None, env, &no_system_file).unwrap();
        assert_eq!(
            loc,
            Locations {
                data_dir: dir.path().join("ws"),
                log_dir: dir.path().join("logs"),
                keychain_service: "Casefile-test".into(),
                log_filter: "debug".into(),
                policy_file: dir.path().join("test.json"),
            }
        );
    }

    #[test]
    fn an_existing_system_policy_file_wins_over_the_variable() {
        let dir = tempfile::tempdir().unwrap();
        let system = dir.path().join("system.json");
        let named = dir.path().join("mine.json");
        let named_text = Some(named.display().to_string());
        // No system file: the variable names the policy.
        assert_eq!(
            choose_policy_file(&system, named_text.clone()).unwrap(),
            PolicyChoice {
                file: named.clone(),
                ignored_variable: None
            }
        );
        std::fs::write(&system, "{}").unwrap();
        let system_wins = PolicyChoice {
            file: system.clone(),
            ignored_variable: Some(named.clone()),
        };
        assert_eq!(
            choose_policy_file(&system, named_text.clone()).unwrap(),
            system_wins
        );
        let env = |key: &str| (key == POLICY_FILE_ENV).then(|| named.display().to_string());
        let loc = Locations::resolve_against(Some(root()), env, &system).unwrap();
        assert_eq!(loc.policy_file, system);
        // Without the variable the system file applies and nothing is ignored.
        assert_eq!(
            choose_policy_file(&system, None).unwrap().ignored_variable,
            None
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_dangling_link_or_a_folder_at_the_system_path_still_counts_as_present() {
        let dir = tempfile::tempdir().unwrap();
        let system = dir.path().join("policy.json");
        let named = Some(dir.path().join("mine.json").display().to_string());
        std::os::unix::fs::symlink(dir.path().join("gone.json"), &system).unwrap();
        assert_eq!(
            choose_policy_file(&system, named.clone()).unwrap().file,
            system
        );
        std::fs::remove_file(&system).unwrap();
        std::fs::create_dir(&system).unwrap();
        assert_eq!(choose_policy_file(&system, named).unwrap().file, system);
    }

    #[test]
    fn blank_variables_fall_back_to_os_defaults() {
        let env = |key: &str| match key {
            DATA_DIR_ENV => Some("  ".to_owned()),
            KEYCHAIN_SERVICE_ENV => Some(String::new()),
            _ => None,
        };
        let loc = Locations::resolve_with(None, env).unwrap();
        assert_eq!(loc.keychain_service, DEFAULT_KEYCHAIN_SERVICE);
        assert!(loc.data_dir.is_absolute());
        assert!(
            loc.data_dir
                .to_string_lossy()
                .to_lowercase()
                .contains("casefile"),
            "{loc:?}"
        );
        assert!(loc.log_dir.ends_with("logs") || loc.log_dir.ends_with("Casefile"));
        assert_eq!(loc.policy_file, system_policy_file());
        if cfg!(target_os = "linux") {
            assert_eq!(loc.policy_file, PathBuf::from("/etc/casefile/policy.json"));
        }
    }

    #[test]
    fn relative_data_dir_is_made_absolute() {
        let loc = Locations::resolve_with(Some("ws".into()), |_| None).unwrap();
        assert!(loc.data_dir.is_absolute());
        assert!(loc.data_dir.ends_with("ws"));
    }
}
