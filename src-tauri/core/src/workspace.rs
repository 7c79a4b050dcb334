//! A workspace: the folder that holds one desktop's Casefile data, plus the keychain namespace
//! that holds its secrets.

use std::sync::{Arc, Mutex, PoisonError};

use serde::Serialize;

use crate::audit::{self, AuditedSend, Outcome, Purpose};
use crate::drafting::templates::Templates;
use crate::paths::Locations;
use crate::policy::{PolicyState, SendSubject};
use crate::providers::{
    ConnectionReport, Credential, Credentials, ProviderClient, ProviderProfile, test_connection,
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
                        let mut store =
                            Store::open(&db, &DatabaseKey::from_secret(secret)?, !db.exists())?;
                        self.move_header_credentials_to_keychain(&mut store)?;
                        Ok(store)
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

    /// Restores a backup into this workspace. A folder that already holds a workspace is
    /// refused unless `replace`: then its audit log is first exported beside it
    /// (`audit-replaced-STAMP.json`, as `audit export --format json` writes it) and forwarded to
    /// the collector when `audit_forward` is set (a collector that does not take it refuses the
    /// restore), and the restored log gets a `restore` entry naming the head it replaced. The
    /// backup is checked before anything is written; a failure later puts the old workspace
    /// back.
    pub fn restore_backup(
        &self,
        backup: &std::path::Path,
        passphrase: &Secret,
        replace: bool,
    ) -> Result<Store> {
        let dir = &self.locations.data_dir;
        let db = dir.join(DATABASE_FILE);
        let id_file = dir.join(WORKSPACE_ID_FILE);
        let occupied = db.exists() || id_file.exists();
        if occupied && !replace {
            return Err(Error::InvalidInput(format!(
                "{} already holds a workspace; restore into an empty folder (--data-dir), or \
                 replace it with --replace (its audit log is kept beside it).",
                dir.display()
            )));
        }
        crate::store::backup::check_backup(backup, passphrase)?;
        let replaced = if occupied {
            Some(self.set_aside_workspace()?)
        } else {
            None
        };
        let id = random_id()?;
        let name = key_name(&id)?;
        let key = DatabaseKey::generate()?;
        self.secrets.set(&name, key.secret())?;
        let restored = std::fs::write(&id_file, format!("{id}\n"))
            .map_err(|e| Error::storage(&id_file, e))
            .and_then(|()| crate::store::backup::restore(backup, passphrase, &db, &key))
            .and_then(|()| Store::open(&db, &key, false))
            .and_then(|mut store| {
                let head = replaced.as_ref().and_then(|r| r.head.as_ref());
                audit::record_restore(&mut store, head)?;
                self.move_header_credentials_to_keychain(&mut store)?;
                Ok(store)
            });
        match &restored {
            Ok(_) => {
                if let Some(replaced) = replaced {
                    let _ = std::fs::remove_dir_all(&replaced.folder);
                    if let Some(old_key) = replaced.key {
                        let _ = self.secrets.delete(&old_key);
                    }
                }
            }
            Err(_) => {
                for leftover in database_files(dir) {
                    let _ = std::fs::remove_file(leftover);
                }
                let _ = self.secrets.delete(&name);
                if let Some(replaced) = replaced {
                    replaced.put_back(dir);
                }
            }
        }
        restored
    }

    /// Before a replacing restore: exports the audit log beside the workspace, forwards what
    /// waits, and moves the database and its id file into a folder of their own.
    fn set_aside_workspace(&self) -> Result<SetAside> {
        let dir = &self.locations.data_dir;
        let store = self.open_store()?;
        let head = audit::chain_head(&store)?;
        let stamp: String = crate::store::now()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        let export = dir.join(format!("audit-replaced-{stamp}.json"));
        let mut bytes = Vec::new();
        audit::export(&store, audit::ExportFormat::Json, None, &mut bytes)?;
        crate::private_file::write_private(&export, &bytes, false)?;
        let policy = self.effective_policy(Some(&store))?;
        if let Some(forwarding) = audit::Forwarding::from_policy(&policy)? {
            let report =
                audit::forward::flush(&store, &forwarding, audit::forward::CONNECT_TIMEOUT)?;
            if report.waiting > 0 {
                return Err(Error::PolicyBlocked(format!(
                    "{} audit entries have not reached the firm's collector {} ({}), and a \
                     restore would replace them; nothing was restored. They are kept in {}. \
                     Restore again when the collector is reachable (check with: casefile-admin \
                     audit forward).",
                    report.waiting,
                    report.collector,
                    report
                        .error
                        .unwrap_or_else(|| "a request is still running".into()),
                    export.display()
                )));
            }
        }
        drop(store);
        let id = std::fs::read_to_string(dir.join(WORKSPACE_ID_FILE)).ok();
        let key = id.and_then(|id| key_name(id.trim()).ok());
        let folder = dir.join(format!("replaced-{stamp}"));
        std::fs::create_dir(&folder).map_err(|e| Error::storage(&folder, e))?;
        let set_aside = SetAside { head, folder, key };
        for file in database_files(dir) {
            if let (true, Some(name)) = (file.exists(), file.file_name())
                && let Err(e) = std::fs::rename(&file, set_aside.folder.join(name))
            {
                set_aside.put_back(dir);
                return Err(Error::storage(&file, e));
            }
        }
        tracing::info!(export = %export.display(), "audit log of the replaced workspace exported");
        Ok(set_aside)
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
    /// Stores `credential` of profile `name` in the keychain. Blocks. Refuses a field the
    /// profile's kind never uses, so a typo cannot leave a credential nobody reads, and a profile
    /// the managed policy forbids (or any, while the policy file is invalid). A header becomes
    /// one of the profile's keychain headers (a plain header of that name stops being one).
    pub fn set_credential(
        &self,
        store: &mut Store,
        name: &str,
        credential: impl Into<Credential>,
        value: &Secret,
    ) -> Result<()> {
        let credential = credential.into();
        if value.expose().trim().is_empty() {
            return Err(Error::InvalidInput(format!(
                "The {credential} of profile {name:?} is empty; nothing was stored. Enter the \
                 value your provider gave you."
            )));
        }
        self.check_credential_change(store, name, &credential)?;
        let profile = store.profile(name)?.profile;
        let (credential, declared) = match credential {
            Credential::Field(field) if !profile.kind.credential_fields().contains(&field) => {
                let accepted: Vec<_> = profile
                    .kind
                    .credential_fields()
                    .iter()
                    .map(|f| f.as_str())
                    .collect();
                return Err(Error::InvalidInput(format!(
                    "A {} profile does not use {field}; it uses: {}, or header:NAME for a \
                     request header whose value is a credential.",
                    profile.kind,
                    accepted.join(", ")
                )));
            }
            Credential::Field(field) => (Credential::Field(field), None),
            Credential::Header(header) => match profile.keychain_header(&header) {
                Some(known) => (Credential::Header(known.to_owned()), None),
                None => {
                    let mut declared = profile.clone();
                    declared
                        .extra_headers
                        .retain(|plain, _| !plain.eq_ignore_ascii_case(&header));
                    declared.keychain_headers.insert(header.clone());
                    declared.validate()?;
                    (Credential::Header(header), Some(declared))
                }
            },
        };
        // The keychain first: a failure after it leaves an unused entry, never a lost value.
        self.secrets.set(&credential.secret_name(name)?, value)?;
        if let Some(declared) = declared {
            store.save_profile(&declared, true, false)?;
        }
        store.record_credential_set(name, &credential)?;
        tracing::info!(profile = name, %credential, "credential stored in the keychain");
        Ok(())
    }

    /// Removes `credential` of profile `name` from the keychain. Blocks. A header also stops
    /// being sent (unless the firm's policy defines the profile and names it).
    pub fn remove_credential(
        &self,
        store: &mut Store,
        name: &str,
        credential: impl Into<Credential>,
    ) -> Result<()> {
        let mut profile = store.profile(name)?.profile;
        let credential = match credential.into() {
            Credential::Header(header) => Credential::Header(
                profile
                    .keychain_header(&header)
                    .map_or(header, str::to_owned),
            ),
            field => field,
        };
        let in_keychain = self.secrets.delete(&credential.secret_name(name)?)?;
        let recorded = store.record_credential_removed(name, &credential)?;
        let mut declared = false;
        if let Credential::Header(header) = &credential {
            let effective = self.effective_policy(Some(store))?;
            let managed = effective.policy().and_then(|p| p.profile(name)).is_some();
            if !managed && profile.keychain_headers.remove(header) {
                store.save_profile(&profile, true, false)?;
                declared = true;
            }
        }
        if !in_keychain && !recorded && !declared {
            return Err(Error::NotFound(format!(
                "Profile {name:?} has no {credential} set."
            )));
        }
        Ok(())
    }

    /// Reads every credential the profile's kind can use, and its keychain headers, from the
    /// keychain. Blocks.
    pub fn credentials(&self, profile: &ProviderProfile) -> Result<Credentials> {
        let mut credentials = Credentials::default();
        for credential in keychain_entries(profile) {
            if let Some(value) = self.secrets.get(&credential.secret_name(&profile.name)?)? {
                credentials.insert(credential, value);
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
        for credential in keychain_entries(&profile) {
            self.secrets.delete(&credential.secret_name(name)?)?;
        }
        store.remove_profile(name)
    }

    /// Header values that look like credentials, which earlier versions kept in profile rows,
    /// move to the keychain: each value is written to the keychain first, then its row drops
    /// it and names the header a keychain header. Interrupted anywhere, nothing is lost, and the
    /// next opening finishes the move.
    fn move_header_credentials_to_keychain(&self, store: &mut Store) -> Result<()> {
        for (profile, headers) in store.credential_headers_in_rows()? {
            let mut moved = Vec::new();
            for (header, value) in headers {
                let credential = Credential::Header(header.clone());
                self.secrets
                    .set(&credential.secret_name(&profile)?, &value)?;
                moved.push(header);
            }
            store.headers_moved_to_keychain(&profile, &moved)?;
            tracing::info!(
                profile,
                headers = moved.len(),
                "header credentials moved from the database to the keychain"
            );
        }
        Ok(())
    }
}

/// Every keychain entry a profile may have: its kind's credential fields and its keychain headers.
fn keychain_entries(profile: &ProviderProfile) -> impl Iterator<Item = Credential> + '_ {
    let fields = profile
        .kind
        .credential_fields()
        .iter()
        .copied()
        .map(Credential::Field);
    let headers = profile
        .keychain_headers
        .iter()
        .cloned()
        .map(Credential::Header);
    fields.chain(headers)
}

/// The files of a workspace's database: the database, its journal files and its id file.
fn database_files(dir: &std::path::Path) -> [std::path::PathBuf; 4] {
    let db = dir.join(DATABASE_FILE);
    [
        db.with_extension("db-wal"),
        db.with_extension("db-shm"),
        dir.join(WORKSPACE_ID_FILE),
        db,
    ]
}

/// A workspace moved aside while a backup replaces it.
struct SetAside {
    /// The head of its audit log.
    head: Option<audit::ChainHead>,
    folder: std::path::PathBuf,
    /// Its database key in the keychain, deleted once the restore holds.
    key: Option<SecretName>,
}

impl SetAside {
    /// Moves the files back after a restore that failed.
    fn put_back(&self, dir: &std::path::Path) {
        if let Ok(files) = std::fs::read_dir(&self.folder) {
            for file in files.flatten() {
                let _ = std::fs::rename(file.path(), dir.join(file.file_name()));
            }
        }
        let _ = std::fs::remove_dir(&self.folder);
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
    use crate::providers::CredentialField;
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

    fn gateway(name: &str) -> ProviderProfile {
        let mut profile =
            ProviderProfile::new(name, crate::providers::ProviderKind::OpenAiCompatible).unwrap();
        profile.base_url = Some("https://gateway.firm.example/v1".into());
        profile.model = Some("gpt-4.1".into());
        profile
            .extra_headers
            .insert("X-Team".into(), "immigration".into());
        profile
    }

    #[test]
    fn a_header_credential_lives_in_the_keychain_and_the_profile_names_it() {
        let tmp = tempfile::tempdir().unwrap();
        let secrets = Arc::new(MemoryStore::default());
        let ws = Workspace::open_with_secrets(locations(tmp.path()), secrets.clone()).unwrap();
        let mut store = ws.open_store().unwrap();
        ws.save_profile(&mut store, &gateway("gw"), false, false)
            .unwrap();
        let header = |name: &str| Credential::Header(name.into());
        let value = Secret::new("apim-canary-5e1f");
        ws.set_credential(
            &mut store,
            "gw",
            header("Ocp-Apim-Subscription-Key"),
            &value,
        )
        .unwrap();

        let stored = store.profile("gw").unwrap();
        assert_eq!(
            stored.profile.keychain_headers,
            ["Ocp-Apim-Subscription-Key".to_owned()].into()
        );
        assert_eq!(
            stored.credentials[0].field,
            header("Ocp-Apim-Subscription-Key")
        );
        let listed = serde_json::to_string(&ws.profile_entries(&store).unwrap()).unwrap();
        assert!(!listed.contains("canary"), "{listed}");
        assert!(
            listed.contains("\"field\":\"header:Ocp-Apim-Subscription-Key\""),
            "{listed}"
        );
        let read = ws.credentials(&stored.profile).unwrap();
        assert_eq!(read.header("Ocp-Apim-Subscription-Key"), Some(&value));

        // Another spelling is the same header; replacing the profile's settings keeps it.
        let replaced = Secret::new("apim-canary-2");
        ws.set_credential(
            &mut store,
            "gw",
            header("ocp-apim-subscription-key"),
            &replaced,
        )
        .unwrap();
        ws.save_profile(&mut store, &gateway("gw"), true, false)
            .unwrap();
        let stored = store.profile("gw").unwrap();
        assert_eq!(stored.profile.keychain_headers.len(), 1);
        assert_eq!(stored.credentials.len(), 1);
        let read = ws.credentials(&stored.profile).unwrap();
        assert_eq!(read.header("Ocp-Apim-Subscription-Key"), Some(&replaced));

        // A plain header made secret stops being plain.
        ws.set_credential(&mut store, "gw", header("X-Team"), &Secret::new("t"))
            .unwrap();
        let stored = store.profile("gw").unwrap().profile;
        assert!(stored.extra_headers.is_empty());
        assert_eq!(stored.keychain_headers.len(), 2);

        // Removed: no value, no record, no longer sent.
        ws.remove_credential(&mut store, "gw", header("OCP-APIM-SUBSCRIPTION-KEY"))
            .unwrap();
        let stored = store.profile("gw").unwrap();
        assert_eq!(
            stored.profile.keychain_headers,
            ["X-Team".to_owned()].into()
        );
        assert_eq!(stored.credentials.len(), 1);
        let entry = header("Ocp-Apim-Subscription-Key")
            .secret_name("gw")
            .unwrap();
        assert!(secrets.get(&entry).unwrap().is_none());
        let again = ws.remove_credential(&mut store, "gw", header("Ocp-Apim-Subscription-Key"));
        assert_eq!(again.unwrap_err().code(), ErrorCode::NotFound);

        ws.remove_profile(&mut store, "gw").unwrap();
        let entry = header("X-Team").secret_name("gw").unwrap();
        assert!(
            secrets.get(&entry).unwrap().is_none(),
            "keychain entry left behind"
        );
    }

    #[test]
    fn a_policy_profile_takes_only_the_header_keys_the_policy_names() {
        let tmp = tempfile::tempdir().unwrap();
        let places = locations(tmp.path());
        let mut firm = gateway("firm");
        firm.keychain_headers.insert("Helicone-Auth".into());
        let policy = serde_json::json!({"version": 1, "profiles": [firm]});
        std::fs::write(&places.policy_file, policy.to_string()).unwrap();
        let secrets = Arc::new(MemoryStore::default());
        let ws = Workspace::open_with_secrets(places, secrets).unwrap();
        let mut store = ws.open_store().unwrap();
        let value = Secret::new("helicone-canary");
        ws.set_credential(
            &mut store,
            "firm",
            Credential::Header("helicone-auth".into()),
            &value,
        )
        .unwrap();
        let err = ws
            .set_credential(
                &mut store,
                "firm",
                Credential::Header("X-Api-Key".into()),
                &value,
            )
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::PolicyBlocked, "{err}");
        let prepared = ws.prepare_send(&store, "firm", None).unwrap();
        assert_eq!(prepared.credentials.header("Helicone-Auth"), Some(&value));
        // Removing the value leaves the policy's header named: the send then says what to set.
        ws.remove_credential(
            &mut store,
            "firm",
            Credential::Header("Helicone-Auth".into()),
        )
        .unwrap();
        let stored = store.profile("firm").unwrap();
        assert!(stored.credentials.is_empty());
        assert_eq!(stored.profile.keychain_headers.len(), 1);
    }

    /// A keychain that refuses header entries while `refuse` is set, as a locked one would.
    #[derive(Default)]
    struct FlakyKeychain {
        inner: MemoryStore,
        refuse: std::sync::atomic::AtomicBool,
    }

    impl SecretStore for FlakyKeychain {
        fn get(&self, name: &SecretName) -> Result<Option<Secret>> {
            self.inner.get(name)
        }
        fn set(&self, name: &SecretName, value: &Secret) -> Result<()> {
            if self.refuse.load(std::sync::atomic::Ordering::SeqCst)
                && name.as_str().contains(".header.")
            {
                return Err(Error::KeychainAccessDenied {
                    detail: "locked".into(),
                });
            }
            self.inner.set(name, value)
        }
        fn delete(&self, name: &SecretName) -> Result<bool> {
            self.inner.delete(name)
        }
        fn probe(&self) -> Result<()> {
            Ok(())
        }
    }

    #[test]
    fn header_credentials_stored_by_earlier_versions_move_to_the_keychain_on_open() {
        let tmp = tempfile::tempdir().unwrap();
        let secrets = Arc::new(FlakyKeychain::default());
        let ws = Workspace::open_with_secrets(locations(tmp.path()), secrets.clone()).unwrap();
        let mut store = ws.open_store().unwrap();
        ws.save_profile(&mut store, &gateway("gw"), false, false)
            .unwrap();
        // The row as an earlier version wrote it, with the gateway's key in it.
        let mut old = gateway("gw");
        old.extra_headers
            .insert("Helicone-Auth".into(), "Bearer sk-helicone-canary".into());
        store
            .conn
            .execute(
                "UPDATE provider_profiles SET settings = ?1 WHERE name = 'gw'",
                [serde_json::to_string(&old).unwrap()],
            )
            .unwrap();
        drop(store);

        // The keychain refuses: the store does not open, and the value stays where it was.
        secrets
            .refuse
            .store(true, std::sync::atomic::Ordering::SeqCst);
        let err = ws.open_store().err().unwrap();
        assert_eq!(err.code(), ErrorCode::KeychainAccessDenied);
        secrets
            .refuse
            .store(false, std::sync::atomic::Ordering::SeqCst);
        let data_dir = tmp.path().join("nested/workspace");
        let raw = || {
            let id = std::fs::read_to_string(data_dir.join(WORKSPACE_ID_FILE)).unwrap();
            let key = secrets.get(&key_name(id.trim()).unwrap()).unwrap().unwrap();
            crate::store::test_support::raw_connection(
                &data_dir.join(DATABASE_FILE),
                &DatabaseKey::from_secret(key).unwrap(),
            )
        };
        let settings = |conn: &rusqlite::Connection| -> String {
            conn.query_row("SELECT settings FROM provider_profiles", [], |r| r.get(0))
                .unwrap()
        };
        assert!(settings(&raw()).contains("canary"), "the value was lost");

        // Opened again: the value is in the keychain, the row holds only the header's name.
        let store = ws.open_store().unwrap();
        let row = settings(&raw());
        assert!(!row.contains("canary"), "{row}");
        let stored = store.profile("gw").unwrap();
        assert_eq!(stored.profile.extra_headers.len(), 1, "X-Team stays");
        assert_eq!(
            stored.profile.keychain_headers,
            ["Helicone-Auth".to_owned()].into()
        );
        assert_eq!(
            stored.credentials[0].field,
            Credential::Header("Helicone-Auth".into())
        );
        let read = ws.credentials(&stored.profile).unwrap();
        assert_eq!(
            read.header("Helicone-Auth").map(Secret::expose),
            Some("Bearer sk-helicone-canary")
        );
        stored.profile.validate().unwrap();
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

        let err = source.restore_backup(&file, &pass, false).err().unwrap();
        assert!(
            err.to_string().contains("already holds a workspace"),
            "{err}"
        );

        let mut other = locations(tmp.path());
        other.data_dir = tmp.path().join("other");
        let target =
            Workspace::open_with_secrets(other.clone(), Arc::new(MemoryStore::default())).unwrap();
        let err = target
            .restore_backup(&file, &Secret::new("not the passphrase"), false)
            .err()
            .unwrap();
        assert_eq!(err.code(), ErrorCode::InvalidInput);
        assert_eq!(
            std::fs::read_dir(&other.data_dir).unwrap().count(),
            0,
            "nothing written"
        );

        let restored = target.restore_backup(&file, &pass, false).unwrap();
        assert_eq!(restored.clients().unwrap()[0].name, "Ana Ruiz");
        drop(restored);
        assert_eq!(target.open_store().unwrap().check().unwrap().contacts, 1);
    }

    /// A replacing restore keeps the replaced log beside the workspace, records itself in the
    /// restored log naming the replaced head, and is refused while the collector cannot take
    /// what waits (leaving the workspace as it was).
    #[test]
    fn a_replacing_restore_keeps_the_replaced_log_and_records_its_head() {
        let tmp = tempfile::tempdir().unwrap();
        let ws =
            Workspace::open_with_secrets(locations(tmp.path()), Arc::new(MemoryStore::default()))
                .unwrap();
        let file = tmp.path().join("backup");
        let pass = Secret::new("a long firm passphrase");
        let blocked = |store: &mut Store, code: &str| {
            let attempt = audit::Attempt::unresolved(Purpose::Ask, "firm-eu");
            audit::record_blocked(store, &attempt, code).unwrap()
        };
        let mut store = ws.open_store().unwrap();
        blocked(&mut store, "inBackup");
        store.backup_to(&file, &pass).unwrap();
        blocked(&mut store, "afterBackup");
        let head = audit::chain_head(&store).unwrap().unwrap();
        assert_eq!(head.seq, 2);

        // A collector nobody listens on: the restore is refused, nothing changes.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let down = format!("tcp://{}", listener.local_addr().unwrap());
        drop(listener);
        ws.set_user_setting(
            &store,
            crate::policy::SettingName::AuditForward,
            Some(down.into()),
        )
        .unwrap();
        drop(store);
        let err = ws.restore_backup(&file, &pass, true).err().unwrap();
        assert_eq!(err.code(), ErrorCode::PolicyBlocked, "{err}");
        assert!(err.to_string().contains("2 audit entries"), "{err}");
        let store = ws.open_store().unwrap();
        assert_eq!(audit::chain_head(&store).unwrap(), Some(head.clone()));
        ws.set_user_setting(&store, crate::policy::SettingName::AuditForward, None)
            .unwrap();
        drop(store);

        let mut restored = ws.restore_backup(&file, &pass, true).unwrap();
        let entries = audit::entries(&restored).unwrap();
        assert_eq!(entries.len(), 2, "the backup's entry, then the restore");
        assert_eq!(entries[1].entry, "restore");
        assert_eq!(
            entries[1].outcome.as_deref(),
            Some(format!("restored: replaced seq 2 entry_hash {}", head.entry_hash).as_str())
        );
        assert!(audit::verify(&restored).unwrap().intact);
        blocked(&mut restored, "afterRestore");
        drop(restored);

        let data_dir = &ws.locations().data_dir;
        let exports: Vec<_> = std::fs::read_dir(data_dir)
            .unwrap()
            .flatten()
            .map(|f| f.file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with("audit-replaced-"))
            .collect();
        assert_eq!(exports.len(), 2, "one per attempt: {exports:?}");
        let kept: serde_json::Value =
            serde_json::from_slice(&std::fs::read(data_dir.join(&exports[0])).unwrap()).unwrap();
        assert_eq!(kept["entries"][1]["entry_hash"], head.entry_hash.as_str());
        assert!(
            std::fs::read_dir(data_dir)
                .unwrap()
                .flatten()
                .all(|f| !f.file_name().to_string_lossy().starts_with("replaced-")),
            "the replaced database is gone once the restore holds"
        );
        assert_eq!(ws.open_store().unwrap().check().unwrap().contacts, 0);
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
