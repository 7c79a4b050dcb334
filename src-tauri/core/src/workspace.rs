//! A workspace: the folder that holds one desktop's Casefile data, plus the keychain namespace
//! that holds its secrets.

use std::sync::Arc;

use serde::Serialize;

use crate::paths::Locations;
use crate::secrets::{KeychainStore, SecretStore, off_thread};
use crate::{Error, ErrorCode, Result};

pub struct Workspace {
    locations: Locations,
    secrets: Arc<dyn SecretStore>,
}

/// What the app and the CLI report about a workspace.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceStatus {
    pub app_version: String,
    pub data_dir: String,
    pub log_dir: String,
    pub keychain: KeychainStatus,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum KeychainStatus {
    /// Secrets can be stored and read.
    Reachable { service: String },
    /// The keychain cannot be used; `message` says what the user can do.
    Unreachable { code: ErrorCode, message: String },
}

impl Workspace {
    /// Opens the workspace at `locations`, creating its folder (private to the user) if needed,
    /// with secrets in the OS keychain.
    pub fn open(locations: Locations) -> Result<Self> {
        let keychain = KeychainStore::new(locations.keychain_service.clone());
        Self::open_with_secrets(locations, Arc::new(keychain))
    }

    pub fn open_with_secrets(locations: Locations, secrets: Arc<dyn SecretStore>) -> Result<Self> {
        create_private_dir(&locations.data_dir)?;
        Ok(Self { locations, secrets })
    }

    pub fn locations(&self) -> &Locations {
        &self.locations
    }

    pub fn secrets(&self) -> Arc<dyn SecretStore> {
        Arc::clone(&self.secrets)
    }

    /// Reports the workspace; probes the keychain off the calling thread.
    pub async fn status(&self) -> WorkspaceStatus {
        let keychain = match off_thread(self.secrets(), |s| s.probe()).await {
            Ok(()) => KeychainStatus::Reachable {
                service: self.locations.keychain_service.clone(),
            },
            Err(e) => {
                tracing::warn!(code = ?e.code(), error = %e, "keychain unreachable");
                KeychainStatus::Unreachable {
                    code: e.code(),
                    message: e.to_string(),
                }
            }
        };
        WorkspaceStatus {
            app_version: crate::VERSION.to_owned(),
            data_dir: self.locations.data_dir.display().to_string(),
            log_dir: self.locations.log_dir.display().to_string(),
            keychain,
        }
    }
}

fn create_private_dir(dir: &std::path::Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| Error::storage(dir, e))?;
    if !dir.is_dir() {
        return Err(Error::storage(
            dir,
            std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a folder"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::{MemoryStore, Secret, SecretName};

    struct UnreachableStore;
    impl SecretStore for UnreachableStore {
        fn get(&self, _: &SecretName) -> Result<Option<Secret>> {
            unreachable!()
        }
        fn set(&self, _: &SecretName, _: &Secret) -> Result<()> {
            unreachable!()
        }
        fn delete(&self, _: &SecretName) -> Result<bool> {
            unreachable!()
        }
        fn probe(&self) -> Result<()> {
            Err(Error::KeychainUnavailable {
                hint: "Start a keyring.",
                detail: "org.freedesktop.secrets was not provided".into(),
            })
        }
    }

    fn locations(dir: &std::path::Path) -> Locations {
        Locations {
            data_dir: dir.join("nested/workspace"),
            log_dir: dir.join("logs"),
            keychain_service: "Casefile-unit".into(),
            log_filter: "info".into(),
        }
    }

    #[tokio::test]
    async fn open_creates_a_private_folder_and_reports_it() {
        let tmp = tempfile::tempdir().unwrap();
        let ws =
            Workspace::open_with_secrets(locations(tmp.path()), Arc::new(MemoryStore::default()))
                .unwrap();
        let dir = tmp.path().join("nested/workspace");
        assert!(dir.is_dir());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "workspace must be private, mode {mode:o}");
        }
        let status = ws.status().await;
        assert_eq!(status.data_dir, dir.display().to_string());
        assert_eq!(status.app_version, crate::VERSION);
        let json = serde_json::to_value(&status).unwrap();
        assert_eq!(json["keychain"]["state"], "reachable");
        assert_eq!(json["keychain"]["service"], "Casefile-unit");
    }

    #[tokio::test]
    async fn unreachable_keychain_is_reported_with_code_and_advice() {
        let tmp = tempfile::tempdir().unwrap();
        let ws = Workspace::open_with_secrets(locations(tmp.path()), Arc::new(UnreachableStore))
            .unwrap();
        let json = serde_json::to_value(ws.status().await).unwrap();
        assert_eq!(json["keychain"]["state"], "unreachable");
        assert_eq!(json["keychain"]["code"], "keychainUnavailable");
        let message = json["keychain"]["message"].as_str().unwrap();
        assert!(message.contains("Start a keyring."), "{message}");
    }

    #[test]
    fn a_file_in_place_of_the_workspace_folder_is_a_clear_error() {
        let tmp = tempfile::tempdir().unwrap();
        let mut loc = locations(tmp.path());
        loc.data_dir = tmp.path().join("file");
        std::fs::write(&loc.data_dir, "not a folder").unwrap();
        let err = Workspace::open_with_secrets(loc, Arc::new(MemoryStore::default()))
            .err()
            .unwrap();
        assert_eq!(err.code(), ErrorCode::Storage);
        assert!(err.to_string().contains("file"), "{err}");
    }
}
