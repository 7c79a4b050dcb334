//! Where a workspace keeps its files and which keychain namespace it uses.
//!
//! Defaults follow each OS's conventions; environment variables override them so that an MSP can
//! relocate a workspace and so that tests never touch a user's real data.

use std::path::{Path, PathBuf};

use directories::ProjectDirs;

use crate::{Error, Result};

/// Overrides the workspace folder (also the admin CLI's `--data-dir`).
pub const DATA_DIR_ENV: &str = "CASEFILE_DATA_DIR";
/// Overrides the folder that receives log files.
pub const LOG_DIR_ENV: &str = "CASEFILE_LOG_DIR";
/// Overrides the keychain service name under which secrets are stored.
pub const KEYCHAIN_SERVICE_ENV: &str = "CASEFILE_KEYCHAIN_SERVICE";
/// Overrides where the managed policy file is read from (tests; an MSP never needs it).
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
    /// The managed policy file an MSP places for every user of this computer (it need not exist).
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
            policy_file: match non_empty(POLICY_FILE_ENV) {
                Some(file) => absolute(Path::new(&file))?,
                None => system_policy_file(&env),
            },
        })
    }
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
/// `%ProgramData%\Casefile\policy.json`. Only administrators can write these places.
pub fn system_policy_file(env: impl Fn(&str) -> Option<String>) -> PathBuf {
    if cfg!(windows) {
        let program_data = env("ProgramData")
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| r"C:\ProgramData".to_owned());
        PathBuf::from(program_data)
            .join("Casefile")
            .join("policy.json")
    } else if cfg!(target_os = "macos") {
        PathBuf::from("/Library/Application Support/Casefile/policy.json")
    } else {
        PathBuf::from("/etc/casefile/policy.json")
    }
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

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |key| {
            pairs
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn explicit_data_dir_wins_over_environment() {
        let env = env_of(&[(DATA_DIR_ENV, "/from/env")]);
        let loc = Locations::resolve_with(Some("/from/flag".into()), env).unwrap();
        assert_eq!(loc.data_dir, PathBuf::from("/from/flag"));
    }

    #[test]
    fn environment_overrides_every_default() {
        let env = env_of(&[
            (DATA_DIR_ENV, "/ws"),
            (LOG_DIR_ENV, "/logs"),
            (KEYCHAIN_SERVICE_ENV, "Casefile-test"),
            (LOG_FILTER_ENV, "debug"),
            (POLICY_FILE_ENV, "/policy/test.json"),
        ]);
        let loc = Locations::resolve_with(None, env).unwrap();
        assert_eq!(
            loc,
            Locations {
                data_dir: "/ws".into(),
                log_dir: "/logs".into(),
                keychain_service: "Casefile-test".into(),
                log_filter: "debug".into(),
                policy_file: "/policy/test.json".into(),
            }
        );
    }

    #[test]
    fn blank_variables_fall_back_to_os_defaults() {
        let env = env_of(&[(DATA_DIR_ENV, "  "), (KEYCHAIN_SERVICE_ENV, "")]);
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
        assert_eq!(loc.policy_file, system_policy_file(|_| None));
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
