//! A workspace: the folder that holds one desktop's Casefile data, plus the keychain namespace
//! that holds its secrets.

use std::sync::{Arc, Mutex, PoisonError};

use serde::Serialize;

use crate::audit::{self, AuditedSend, Outcome, Purpose};
use crate::drafting::templates::Templates;
use crate::paths::Locations;
use crate::policy::{PolicyState, SendSubject};
use crate::providers::{
    ConnectionReport, CredentialField, Credentials, ProviderClient, ProviderProfile,
    test_connection,
};
use crate::secrets::{KeychainStore, Secret, SecretName, SecretStore, off_thread};
use crate::store::{DATABASE_FILE, DatabaseKey, Store};
use crate::{Error, ErrorCode, Result};

/// Names this workspace's database key in the keychain, so that several workspaces can share
/// one keychain namespace. Plain text: it is an identifier, not a secret.
const WORKSPACE_ID_FILE: &str = "workspace-id";

pub struct Workspace {
    locations: Locations,
    secrets: Arc<dyn SecretStore>,
}

/// The case store as the app's commands use it: opened on first use (and retried after a
/// failure, e.g. once the keychain is unlocked), one call at a time, never on an async thread.
#[derive(Clone)]
pub struct SharedStore {
    workspace: Arc<Workspace>,
    store: Arc<Mutex<Option<Store>>>,
}

impl SharedStore {
    pub fn new(workspace: Arc<Workspace>) -> Self {
        Self {
            workspace,
            store: Arc::new(Mutex::new(None)),
        }
    }

    pub async fn call<T, F>(&self, call: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T> + Send + 'static,
    {
        self.call_with_workspace(|_, store| call(store)).await
    }

    /// Like [`SharedStore::call`], for what needs the workspace too (its policy, its keychain).
    pub async fn call_with_workspace<T, F>(&self, call: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Workspace, &mut Store) -> Result<T> + Send + 'static,
    {
        let (workspace, store) = (Arc::clone(&self.workspace), Arc::clone(&self.store));
        tokio::task::spawn_blocking(move || {
            // A panic in an earlier call leaves the store usable: SQLite rolled its work back.
            let mut guard = store.lock().unwrap_or_else(PoisonError::into_inner);
            let store = match guard.as_mut() {
                Some(store) => store,
                None => guard.insert(workspace.open_store()?),
            };
            call(&workspace, store)
        })
        .await
        .map_err(|e| Error::Internal(format!("case store task failed: {e}")))?
    }

    /// "Test connection" through profile `name`: cleared by the policy read now, like any send
    /// (so nothing leaves while the policy forbids it), then one tiny request, timed and written
    /// to the audit log like every request.
    pub async fn test_connection(&self, name: String) -> Result<ConnectionReport> {
        let (prepared, _, attempt) = self
            .call_with_workspace(move |workspace, store| {
                workspace.prepare_audited_send(
                    store,
                    Purpose::ConnectionTest,
                    &name,
                    &SendSubject::default(),
                )
            })
            .await?;
        let audited = AuditedSend::new(self, attempt);
        let client = ProviderClient::new(&prepared.transport)?;
        let report = test_connection(
            &client,
            &prepared.profile,
            &prepared.credentials,
            audited.exchange(),
        )
        .await;
        let outcome = match &report.failure {
            None => Outcome::Completed,
            Some(failure) => audit::failed(failure.kind),
        };
        audited.finish(outcome, report.usage).await?;
        Ok(report)
    }
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

    /// Opens the case database, creating it and its key on first use. Blocks (keychain and
    /// disk). With no keychain nothing is written: the key must be safely stored before any
    /// case data can exist.
    pub fn open_store(&self) -> Result<Store> {
        let dir = &self.locations.data_dir;
        let db = dir.join(DATABASE_FILE);
        let id_file = dir.join(WORKSPACE_ID_FILE);
        let id = match std::fs::read_to_string(&id_file) {
            Ok(id) => Some(id.trim().to_owned()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(Error::storage(&id_file, e)),
        };
        match id {
            Some(id) => {
                let name = key_name(&id)?;
                match self.secrets.get(&name)? {
                    Some(secret) => {
                        Store::open(&db, &DatabaseKey::from_secret(secret)?, !db.exists())
                    }
                    None if !db.exists() => self.create_store(&db, &name, None),
                    None => Err(Error::NotFound(format!(
                        "The key to this workspace's case database ({name}) is not in the OS \
                         keychain (service {}). Restore the keychain entry, or restore the \
                         workspace from a Casefile backup. The database was not changed.",
                        self.locations.keychain_service
                    ))),
                }
            }
            None if db.exists() => Err(Error::NotFound(format!(
                "{} is missing, so the key to {} cannot be found in the keychain. Restore the \
                 file from a backup; the database was not changed.",
                id_file.display(),
                db.display()
            ))),
            None => {
                let id = random_id()?;
                let name = key_name(&id)?;
                self.create_store(&db, &name, Some((&id_file, &id)))
            }
        }
    }

    /// Stores a new key in the keychain first, then records the workspace id, then creates the
    /// database: a failure at any step leaves no database that nobody can open.
    fn create_store(
        &self,
        db: &std::path::Path,
        name: &SecretName,
        new_id: Option<(&std::path::Path, &str)>,
    ) -> Result<Store> {
        let key = DatabaseKey::generate()?;
        self.secrets.set(name, key.secret())?;
        if let Some((file, id)) = new_id {
            std::fs::write(file, format!("{id}\n")).map_err(|e| Error::storage(file, e))?;
        }
        tracing::info!(key = %name, "created the case database and its key");
        Store::open(db, &key, true)
    }

    /// Restores a backup into this workspace, which must not hold a case database yet. The
    /// backup is checked before anything is written; a failure later removes what was written.
    pub fn restore_backup(&self, backup: &std::path::Path, passphrase: &Secret) -> Result<Store> {
        let dir = &self.locations.data_dir;
        let db = dir.join(DATABASE_FILE);
        let id_file = dir.join(WORKSPACE_ID_FILE);
        if db.exists() || id_file.exists() {
            return Err(Error::InvalidInput(format!(
                "{} already holds a workspace; restore into an empty folder (--data-dir).",
                dir.display()
            )));
        }
        crate::store::backup::check_backup(backup, passphrase)?;
        let id = random_id()?;
        let name = key_name(&id)?;
        let key = DatabaseKey::generate()?;
        self.secrets.set(&name, key.secret())?;
        let restored = std::fs::write(&id_file, format!("{id}\n"))
            .map_err(|e| Error::storage(&id_file, e))
            .and_then(|()| crate::store::backup::restore(backup, passphrase, &db, &key))
            .and_then(|()| Store::open(&db, &key, false));
        if restored.is_err() {
            for leftover in [
                db.clone(),
                db.with_extension("db-wal"),
                db.with_extension("db-shm"),
                id_file,
            ] {
                let _ = std::fs::remove_file(leftover);
            }
            let _ = self.secrets.delete(&name);
        }
        restored
    }

    /// Reports the workspace; probes the keychain off the calling thread.
    pub async fn status(&self) -> WorkspaceStatus {
        let keychain = match off_thread(self.secrets(), |s| s.probe()).await {
            Ok(()) => KeychainStatus::Reachable {
                service: self.locations.keychain_service.clone(),
            },
            Err(e) => {
                e.log("keychain unreachable");
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

    /// The drafting templates: the built-in ones and the firm's own in this workspace's
    /// `templates` folder (with the firm files that could not be used, and why). Reads files.
    /// Versions pinned by the firm's policy apply; while the policy file is invalid no template
    /// can be used (it may pin them), and drafting says why.
    pub fn templates(&self) -> Result<Templates> {
        let dir = &self.locations.data_dir;
        match self.policy_state() {
            PolicyState::Absent { .. } => Templates::load(dir),
            PolicyState::Valid { policy, .. } => Templates::load_pinned(dir, policy.templates),
            PolicyState::Invalid {
                path,
                location,
                reason,
            } => {
                let mut templates = Templates::load(dir)?;
                templates.blocked = Some(format!(
                    "Managed by your IT provider: the policy file {} is invalid ({location}: \
                     {reason}). It may pin drafting templates, so no template is used until it \
                     is fixed. Ask your IT provider to correct it (they can check it with: \
                     casefile-admin policy validate FILE).",
                    path.display()
                ));
                Ok(templates)
            }
        }
    }
}

/// Provider credentials: values go to the keychain, the time they were set to the case store.
impl Workspace {
    /// Stores `field` of profile `name` in the keychain. Blocks. Refuses a field the profile's
    /// kind never uses, so a typo cannot leave a credential nobody reads, and a profile the
    /// managed policy forbids (or any, while the policy file is invalid).
    pub fn set_credential(
        &self,
        store: &mut Store,
        name: &str,
        field: CredentialField,
        value: &Secret,
    ) -> Result<()> {
        if value.expose().trim().is_empty() {
            return Err(Error::InvalidInput(format!(
                "The {field} of profile {name:?} is empty; nothing was stored. Enter the value \
                 your provider gave you."
            )));
        }
        self.check_credential_change(store, name)?;
        let profile = store.profile(name)?.profile;
        if !profile.kind.credential_fields().contains(&field) {
            let accepted: Vec<_> = profile
                .kind
                .credential_fields()
                .iter()
                .map(|f| f.as_str())
                .collect();
            return Err(Error::InvalidInput(format!(
                "A {} profile does not use {field}; it uses: {}.",
                profile.kind,
                accepted.join(", ")
            )));
        }
        self.secrets.set(&field.secret_name(name)?, value)?;
        store.record_credential_set(name, field)?;
        tracing::info!(profile = name, %field, "credential stored in the keychain");
        Ok(())
    }

    /// Removes `field` of profile `name` from the keychain. Blocks.
    pub fn remove_credential(
        &self,
        store: &mut Store,
        name: &str,
        field: CredentialField,
    ) -> Result<()> {
        store.profile(name)?;
        let in_keychain = self.secrets.delete(&field.secret_name(name)?)?;
        let recorded = store.record_credential_removed(name, field)?;
        if !in_keychain && !recorded {
            return Err(Error::NotFound(format!(
                "Profile {name:?} has no {field} set."
            )));
        }
        Ok(())
    }

    /// Reads every credential the profile's kind can use from the keychain. Blocks.
    pub fn credentials(&self, profile: &ProviderProfile) -> Result<Credentials> {
        let mut credentials = Credentials::default();
        for &field in profile.kind.credential_fields() {
            if let Some(value) = self.secrets.get(&field.secret_name(&profile.name)?)? {
                credentials.insert(field, value);
            }
        }
        Ok(credentials)
    }

    /// Removes a profile and all of its keychain entries. Blocks. Refused for a profile the
    /// managed policy defines, and while the policy file is invalid.
    pub fn remove_profile(&self, store: &mut Store, name: &str) -> Result<()> {
        let effective = self.effective_policy(Some(store))?;
        self.check_user_profile_change(&effective, name)?;
        let profile = store.profile(name)?.profile;
        for &field in profile.kind.credential_fields() {
            self.secrets.delete(&field.secret_name(name)?)?;
        }
        store.remove_profile(name)
    }
}

fn key_name(workspace_id: &str) -> Result<SecretName> {
    if workspace_id.len() != 32 || !workspace_id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::InvalidInput(format!(
            "The workspace id file holds {workspace_id:?}, not a workspace id."
        )));
    }
    SecretName::new(&format!("database-key.{workspace_id}"))
}

/// 32 hex digits from the OS's secure random source.
pub(crate) fn random_id() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::Internal(format!("no secure random numbers: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
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
    use crate::secrets::MemoryStore;

    /// A keychain that cannot be reached: every call fails as the real one does.
    struct UnreachableStore;
    impl UnreachableStore {
        fn error() -> Error {
            Error::KeychainUnavailable {
                hint: "Start a keyring.",
                detail: "org.freedesktop.secrets was not provided".into(),
            }
        }
    }
    impl SecretStore for UnreachableStore {
        fn get(&self, _: &SecretName) -> Result<Option<Secret>> {
            Err(Self::error())
        }
        fn set(&self, _: &SecretName, _: &Secret) -> Result<()> {
            Err(Self::error())
        }
        fn delete(&self, _: &SecretName) -> Result<bool> {
            Err(Self::error())
        }
        fn probe(&self) -> Result<()> {
            Err(Self::error())
        }
    }

    fn locations(dir: &std::path::Path) -> Locations {
        Locations {
            data_dir: dir.join("nested/workspace"),
            log_dir: dir.join("logs"),
            keychain_service: "Casefile-unit".into(),
            log_filter: "info".into(),
            policy_file: dir.join("no-policy.json"),
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
    fn templates_are_read_from_the_workspace_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let ws =
            Workspace::open_with_secrets(locations(tmp.path()), Arc::new(MemoryStore::default()))
                .unwrap();
        assert_eq!(ws.templates().unwrap().templates.len(), 5);
        let folder = tmp.path().join("nested/workspace/templates");
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(
            folder.join("memo.toml"),
            "name = \"intake-memo\"\nversion = 2\ntitle = \"Intake memo\"\ndescription = \"d\"\n\
             [[sections]]\nheading = \"Client\"\nfrom = \"record\"\nbody = \"{{ client.name }}\"\n",
        )
        .unwrap();
        std::fs::write(folder.join("broken.toml"), "name = ").unwrap();
        let loaded = ws.templates().unwrap();
        assert_eq!(loaded.get("intake-memo").unwrap().version, 2);
        assert_eq!(loaded.problems.len(), 1);
        assert!(loaded.problems[0].path.ends_with("broken.toml"));

        // The policy's pins apply; an invalid policy file blocks every template.
        let policy = tmp.path().join("no-policy.json");
        std::fs::write(
            &policy,
            r#"{"version": 1, "templates": {"intake-memo": {"version": 3}}}"#,
        )
        .unwrap();
        let loaded = ws.templates().unwrap();
        assert_eq!(loaded.problems.len(), 2, "{:?}", loaded.problems);
        let refused = loaded.get("intake-memo").unwrap_err();
        assert_eq!(refused.code(), ErrorCode::PolicyBlocked);
        assert!(
            refused
                .to_string()
                .contains("no template of that name and version")
        );
        std::fs::write(&policy, r#"{"version": 1, "templatez": {}}"#).unwrap();
        let refused = ws.templates().unwrap().get("case-summary").unwrap_err();
        assert_eq!(refused.code(), ErrorCode::PolicyBlocked);
        assert!(refused.to_string().contains("no-policy.json"), "{refused}");
    }

    #[test]
    fn the_store_is_created_once_and_reopened_with_the_same_key() {
        let tmp = tempfile::tempdir().unwrap();
        let secrets = Arc::new(MemoryStore::default());
        let ws = Workspace::open_with_secrets(locations(tmp.path()), secrets.clone()).unwrap();
        let mut store = ws.open_store().unwrap();
        store
            .create_contact(&crate::store::NewContact::person("Ana", "Ruiz"))
            .unwrap();
        drop(store);
        let store = ws.open_store().unwrap();
        assert_eq!(store.check().unwrap().contacts, 1);
        let id = std::fs::read_to_string(tmp.path().join("nested/workspace/workspace-id")).unwrap();
        let name = SecretName::new(&format!("database-key.{}", id.trim())).unwrap();
        assert!(secrets.get(&name).unwrap().is_some());
    }

    #[test]
    fn credentials_go_to_the_keychain_and_only_their_time_to_the_database() {
        use crate::providers::ProviderKind;
        let tmp = tempfile::tempdir().unwrap();
        let secrets = Arc::new(MemoryStore::default());
        let ws = Workspace::open_with_secrets(locations(tmp.path()), secrets.clone()).unwrap();
        let mut store = ws.open_store().unwrap();
        let mut profile = ProviderProfile::new("aws-eu", ProviderKind::Bedrock).unwrap();
        profile.region = Some("eu-central-1".into());
        profile.model = Some("eu.anthropic.claude-sonnet-4-5-20250929-v1:0".into());
        store.save_profile(&profile, false, false).unwrap();

        let key = Secret::new("AKIA-canary");
        ws.set_credential(&mut store, "aws-eu", CredentialField::AwsAccessKeyId, &key)
            .unwrap();
        let wrong_kind = ws.set_credential(&mut store, "aws-eu", CredentialField::ApiKey, &key);
        assert!(
            wrong_kind
                .unwrap_err()
                .to_string()
                .contains("bedrock_api_key")
        );

        let read = ws.credentials(&profile).unwrap();
        assert_eq!(read.get(CredentialField::AwsAccessKeyId), Some(&key));
        assert!(read.get(CredentialField::AwsSecretAccessKey).is_none());
        let stored = serde_json::to_string(&store.profile("aws-eu").unwrap()).unwrap();
        assert!(
            stored.contains("aws_access_key_id") && !stored.contains("canary"),
            "{stored}"
        );

        ws.remove_credential(&mut store, "aws-eu", CredentialField::AwsAccessKeyId)
            .unwrap();
        let again = ws.remove_credential(&mut store, "aws-eu", CredentialField::AwsAccessKeyId);
        assert_eq!(again.unwrap_err().code(), ErrorCode::NotFound);

        ws.set_credential(&mut store, "aws-eu", CredentialField::BedrockApiKey, &key)
            .unwrap();
        ws.remove_profile(&mut store, "aws-eu").unwrap();
        let entry = CredentialField::BedrockApiKey
            .secret_name("aws-eu")
            .unwrap();
        assert!(
            secrets.get(&entry).unwrap().is_none(),
            "keychain entry left behind"
        );
    }

    #[test]
    fn an_empty_credential_is_refused_and_nothing_stored() {
        use crate::providers::ProviderKind;
        let tmp = tempfile::tempdir().unwrap();
        let secrets = Arc::new(MemoryStore::default());
        let ws = Workspace::open_with_secrets(locations(tmp.path()), secrets.clone()).unwrap();
        let mut store = ws.open_store().unwrap();
        let mut profile = ProviderProfile::new("gw", ProviderKind::OpenAiCompatible).unwrap();
        profile.base_url = Some("http://127.0.0.1:9/v1".into());
        profile.model = Some("llama".into());
        store.save_profile(&profile, false, false).unwrap();
        for blank in ["", "  \n"] {
            let err = ws
                .set_credential(
                    &mut store,
                    "gw",
                    CredentialField::ApiKey,
                    &Secret::new(blank),
                )
                .unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidInput);
            assert!(err.to_string().contains("nothing was stored"), "{err}");
        }
        let name = CredentialField::ApiKey.secret_name("gw").unwrap();
        assert!(secrets.get(&name).unwrap().is_none());
        assert!(store.profile("gw").unwrap().credentials.is_empty());
    }

    /// The connection test is a send: an invalid policy file stops it before any connection.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_connection_test_is_cleared_by_the_policy_before_connecting() {
        use crate::providers::{ProviderErrorKind, ProviderKind};
        let tmp = tempfile::tempdir().unwrap();
        let places = locations(tmp.path());
        let policy_file = places.policy_file.clone();
        let ws = Workspace::open_with_secrets(places, Arc::new(MemoryStore::default())).unwrap();
        let shared = SharedStore::new(Arc::new(ws));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let mut profile = ProviderProfile::new("gw", ProviderKind::OpenAiCompatible).unwrap();
        profile.base_url = Some(format!("http://{}/v1", listener.local_addr().unwrap()));
        profile.model = Some("llama".into());
        shared
            .call_with_workspace(move |ws, store| {
                ws.save_profile(store, &profile, false, false)?;
                ws.set_credential(store, "gw", CredentialField::ApiKey, &Secret::new("k"))
            })
            .await
            .unwrap();

        std::fs::write(&policy_file, r#"{"version": 1, "alowed_kinds": []}"#).unwrap();
        let err = shared.test_connection("gw".into()).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::PolicyBlocked);
        assert!(err.to_string().contains("alowed_kinds"), "{err}");
        assert!(
            listener.accept().is_err(),
            "a blocked test connected to the provider"
        );

        // Without the policy file the test runs, and reports the closed port as a failure.
        std::fs::remove_file(&policy_file).unwrap();
        drop(listener);
        let report = shared.test_connection("gw".into()).await.unwrap();
        assert!(!report.ok);
        let failure = report.failure.unwrap();
        assert_eq!(
            failure.kind,
            ProviderErrorKind::Network,
            "{}",
            failure.message
        );
    }

    #[test]
    fn no_keychain_means_nothing_is_written() {
        let tmp = tempfile::tempdir().unwrap();
        let ws = Workspace::open_with_secrets(locations(tmp.path()), Arc::new(UnreachableStore))
            .unwrap();
        let err = ws.open_store().err().unwrap();
        assert_eq!(err.code(), ErrorCode::KeychainUnavailable);
        let files: Vec<_> = std::fs::read_dir(tmp.path().join("nested/workspace"))
            .unwrap()
            .collect();
        assert!(files.is_empty(), "{files:?}");
    }

    #[test]
    fn a_lost_key_is_explained_and_the_database_left_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let ws =
            Workspace::open_with_secrets(locations(tmp.path()), Arc::new(MemoryStore::default()))
                .unwrap();
        drop(ws.open_store().unwrap());
        let db = tmp.path().join("nested/workspace").join(DATABASE_FILE);
        let before = std::fs::read(&db).unwrap();
        // Same folder, a keychain that never held the key.
        let ws =
            Workspace::open_with_secrets(locations(tmp.path()), Arc::new(MemoryStore::default()))
                .unwrap();
        let err = ws.open_store().err().unwrap();
        assert_eq!(err.code(), ErrorCode::NotFound);
        assert!(err.to_string().contains("not in the OS keychain"), "{err}");
        assert_eq!(std::fs::read(&db).unwrap(), before);
    }

    #[tokio::test]
    async fn the_shared_store_opens_on_first_use_and_retries_after_a_failure() {
        let tmp = tempfile::tempdir().unwrap();
        let ws = Workspace::open_with_secrets(locations(tmp.path()), Arc::new(UnreachableStore))
            .unwrap();
        let shared = SharedStore::new(Arc::new(ws));
        let err = shared.call(|s| s.clients()).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::KeychainUnavailable);

        let ws =
            Workspace::open_with_secrets(locations(tmp.path()), Arc::new(MemoryStore::default()))
                .unwrap();
        let shared = SharedStore::new(Arc::new(ws));
        let id = shared
            .call(|s| s.create_contact(&crate::store::NewContact::person("Ana", "Ruiz")))
            .await
            .unwrap();
        let name = shared.call(move |s| Ok(s.client(id)?.name)).await.unwrap();
        assert_eq!(name, "Ana Ruiz");
    }

    #[test]
    fn a_backup_restores_into_an_empty_workspace_only() {
        let tmp = tempfile::tempdir().unwrap();
        let source =
            Workspace::open_with_secrets(locations(tmp.path()), Arc::new(MemoryStore::default()))
                .unwrap();
        let mut store = source.open_store().unwrap();
        store
            .create_contact(&crate::store::NewContact::person("Ana", "Ruiz"))
            .unwrap();
        let file = tmp.path().join("backup");
        let pass = Secret::new("a long firm passphrase");
        store.backup_to(&file, &pass).unwrap();

        let err = source.restore_backup(&file, &pass).err().unwrap();
        assert!(
            err.to_string().contains("already holds a workspace"),
            "{err}"
        );

        let mut other = locations(tmp.path());
        other.data_dir = tmp.path().join("other");
        let target =
            Workspace::open_with_secrets(other.clone(), Arc::new(MemoryStore::default())).unwrap();
        let err = target
            .restore_backup(&file, &Secret::new("not the passphrase"))
            .err()
            .unwrap();
        assert_eq!(err.code(), ErrorCode::InvalidInput);
        assert_eq!(
            std::fs::read_dir(&other.data_dir).unwrap().count(),
            0,
            "nothing written"
        );

        let restored = target.restore_backup(&file, &pass).unwrap();
        assert_eq!(restored.clients().unwrap()[0].name, "Ana Ruiz");
        drop(restored);
        assert_eq!(target.open_store().unwrap().check().unwrap().contacts, 1);
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
