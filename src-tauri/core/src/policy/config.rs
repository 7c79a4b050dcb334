//! A desktop's own configuration as a file an MSP copies to other desktops: the user's settings
//! (`settings.json`) and the user's provider profiles, with which credentials each needs (keychain
//! headers by name) but never a credential or when one was set (that would only tell when keys
//! were rotated, and would make two exports of one setup differ).
//!
//! An import is checked whole (format, every value, the managed policy's locks and rules,
//! profiles that already exist) before anything is written, and importing the same file again
//! changes nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::effective::EffectivePolicy;
use super::file::{PolicyLocation, PolicyProblem, find_secrets, json_problem};
use super::gate::{blocked, rule_violation};
use super::settings::{SettingName, Settings};
use super::workspace::custom_profiles_refusal;
use crate::providers::{Credential, CredentialField, ProviderProfile};
use crate::store::Store;
use crate::workspace::Workspace;
use crate::{Error, Result};

/// The `format` of every configuration file.
pub const CONFIG_FORMAT: &str = "casefile-config";

/// The configuration format this Casefile reads and writes.
pub const CONFIG_VERSION: u32 = 1;

/// Longest configuration file read; a real one is a few kilobytes.
pub const MAX_CONFIG_BYTES: usize = 1024 * 1024;

/// A desktop's non-secret configuration (`casefile-admin config export|import`). Its published
/// schema (generated from these types) is `src-tauri/core/policy/config.schema.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "Casefile desktop configuration",
    description = "Written by casefile-admin config export and read by config import: the user's settings and provider profiles. Never holds a secret."
)]
pub struct ConfigFile {
    /// Where editors find this schema; ignored by Casefile.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// What the file is: always "casefile-config".
    pub format: String,
    /// The format version: 1.
    pub version: u32,
    /// The user's settings. Import sets each one given and leaves the others as they are;
    /// `default_profile` makes that profile the default. Settings the policy locks are never
    /// exported, and an import that gives one is refused.
    #[serde(default)]
    pub settings: Settings,
    /// The user's provider profiles (the policy's own are not exported).
    #[serde(default)]
    pub profiles: Vec<ConfigProfile>,
}

/// One provider profile and what it needs from each desktop's keychain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfigProfile {
    /// The profile's settings, as `casefile-admin profile show --json` names them. Headers whose
    /// values are credentials are named in `keychain_headers`; each desktop sets their values.
    pub profile: ProviderProfile,
    /// The credential fields set on the exporting desktop (names only). Each desktop sets their
    /// values with `casefile-admin secret set PROFILE FIELD`; import lists those still unset.
    #[serde(default)]
    pub keychain_fields: Vec<CredentialField>,
    /// Written by earlier versions for headers whose values were left out; read as the profile's
    /// `keychain_headers`.
    #[serde(default, skip_serializing)]
    pub withheld_headers: Vec<String>,
}

/// What an import did (or, imported again, found already done).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ConfigImport {
    /// Settings whose value changed, `default_profile` included.
    pub settings_changed: Vec<SettingName>,
    pub profiles_created: Vec<String>,
    pub profiles_replaced: Vec<String>,
    pub profiles_unchanged: Vec<String>,
    /// Credentials the file's profiles need that are not set on this desktop yet (keychain
    /// headers too: `header:NAME`).
    pub credentials_to_set: Vec<MissingCredential>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingCredential {
    pub profile: String,
    pub field: Credential,
}

impl ConfigImport {
    /// Whether the import changed nothing (it had been imported already).
    pub fn is_no_op(&self) -> bool {
        self.settings_changed.is_empty()
            && self.profiles_created.is_empty()
            && self.profiles_replaced.is_empty()
    }
}

impl ConfigFile {
    /// Reads a configuration file's text strictly: bad JSON, a key written twice, an unknown key,
    /// a wrong type, anything that looks like a secret, an unusable value or a credential field
    /// the profile's kind does not use is refused with its place.
    pub fn parse(text: &str) -> Result<ConfigFile, PolicyProblem> {
        if text.len() > MAX_CONFIG_BYTES {
            return Err(PolicyProblem {
                location: PolicyLocation::whole_file(),
                reason: format!(
                    "the file is larger than {MAX_CONFIG_BYTES} bytes; a configuration is far \
                     smaller"
                ),
            });
        }
        crate::json_keys::check_unique_keys(text).map_err(|p| json_problem(&p.error, p.object))?;
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| json_problem(&e, None))?;
        let Some(object) = value.as_object() else {
            return Err(PolicyProblem::at(
                ".",
                "a configuration file is a JSON object ({\"format\": \"casefile-config\", …})",
            ));
        };
        if object.get("format").and_then(|f| f.as_str()) != Some(CONFIG_FORMAT) {
            return Err(PolicyProblem::at(
                "format",
                format!(
                    "this is not a Casefile configuration file (\"format\" is not \
                     {CONFIG_FORMAT:?}); write one with casefile-admin config export"
                ),
            ));
        }
        match object.get("version").and_then(|v| v.as_u64()) {
            Some(v) if v == u64::from(CONFIG_VERSION) => {}
            Some(v) if v > u64::from(CONFIG_VERSION) => {
                return Err(PolicyProblem::at(
                    "version",
                    format!(
                        "this file was written by a newer Casefile (version {v}); this Casefile \
                         reads version {CONFIG_VERSION}: update Casefile first"
                    ),
                ));
            }
            _ => {
                return Err(PolicyProblem::at(
                    "version",
                    format!("\"version\" must be {CONFIG_VERSION}"),
                ));
            }
        }
        find_secrets(&value, &mut String::new(), "a configuration file")?;
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let mut config: ConfigFile =
            serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
                let path = e.path().to_string();
                json_problem(e.inner(), (path != ".").then_some(path))
            })?;
        for entry in &mut config.profiles {
            let withheld = std::mem::take(&mut entry.withheld_headers);
            entry.profile.keychain_headers.extend(withheld);
        }
        config.check()?;
        Ok(config)
    }

    /// Reads and checks the configuration file at `path`.
    pub fn load(path: &Path) -> Result<ConfigFile> {
        let text = std::fs::read(path)
            .map_err(|e| {
                Error::InvalidInput(format!(
                    "Cannot read {}: {e}. Nothing was imported.",
                    path.display()
                ))
            })
            .and_then(|bytes| {
                String::from_utf8(bytes).map_err(|_| {
                    Error::InvalidInput(format!(
                        "{} is not UTF-8 text. Nothing was imported.",
                        path.display()
                    ))
                })
            })?;
        ConfigFile::parse(&text).map_err(|p| {
            Error::InvalidInput(format!(
                "{} cannot be imported ({}: {}). Nothing was imported; check it with the schema \
                 config.schema.json.",
                path.display(),
                p.location,
                p.reason
            ))
        })
    }

    /// Writes the file at `path` whole (temporary file, then rename), readable by its owner
    /// only; an existing file is replaced only with `overwrite`.
    pub fn write(&self, path: &Path, overwrite: bool) -> Result<()> {
        let mut text = serde_json::to_string_pretty(self)
            .map_err(|e| Error::Internal(format!("configuration not serializable: {e}")))?;
        text.push('\n');
        crate::private_file::write_private(path, text.as_bytes(), overwrite)
    }

    fn check(&self) -> Result<(), PolicyProblem> {
        self.settings.check("settings", "a configuration file")?;
        let mut names = BTreeSet::new();
        for (i, entry) in self.profiles.iter().enumerate() {
            let at = format!("profiles[{i}]");
            let profile = &entry.profile;
            profile
                .validate()
                .map_err(|e| PolicyProblem::at(format!("{at}.profile"), e.to_string()))?;
            if !names.insert(profile.name.as_str()) {
                return Err(PolicyProblem::at(
                    format!("{at}.profile.name"),
                    format!("two profiles are named {:?}", profile.name),
                ));
            }
            let mut fields = BTreeSet::new();
            for (j, field) in entry.keychain_fields.iter().enumerate() {
                let at = format!("{at}.keychain_fields[{j}]");
                if !profile.kind.credential_fields().contains(field) {
                    return Err(PolicyProblem::at(
                        at,
                        format!("a {} profile does not use {field}", profile.kind),
                    ));
                }
                if !fields.insert(field) {
                    return Err(PolicyProblem::at(at, format!("{field} is listed twice")));
                }
            }
        }
        Ok(())
    }
}

impl Workspace {
    /// This desktop's configuration as a file: the user's settings (those the policy locks
    /// left out, since the user did not choose them) and the user's own profiles.
    pub fn export_config(&self, store: &Store) -> Result<ConfigFile> {
        let effective = self.effective_policy(Some(store))?;
        let user = self.user_settings()?;
        let mut settings = Settings::default();
        for name in SettingName::ALL {
            if effective.lock(name).is_none() {
                settings.take(name, &user);
            }
        }
        let mut profiles = Vec::new();
        for stored in store.profiles()? {
            if is_managed(&effective, &stored.profile.name) {
                continue;
            }
            if stored.is_default && effective.lock(SettingName::DefaultProfile).is_none() {
                settings.default_profile = Some(stored.profile.name.clone());
            }
            let keychain_fields = stored
                .credentials
                .iter()
                .filter_map(|c| match c.field {
                    Credential::Field(field) => Some(field),
                    Credential::Header(_) => None,
                })
                .collect();
            profiles.push(ConfigProfile {
                profile: stored.profile,
                keychain_fields,
                withheld_headers: Vec::new(),
            });
        }
        profiles.sort_by(|a, b| a.profile.name.cmp(&b.profile.name));
        Ok(ConfigFile {
            schema: None,
            format: CONFIG_FORMAT.to_owned(),
            version: CONFIG_VERSION,
            settings,
            profiles,
        })
    }

    /// Applies `config` to this desktop, all or nothing: the policy (read now) must allow every
    /// setting and profile in it, and a profile that exists here with other settings is replaced
    /// only with `replace` (its credentials stay). Profiles not in the file are left alone.
    pub fn import_config(
        &self,
        store: &mut Store,
        config: &ConfigFile,
        replace: bool,
    ) -> Result<ConfigImport> {
        let effective = self.effective_policy(Some(store))?;
        if let Some(error) = effective.invalid_error() {
            return Err(error);
        }
        let stored: BTreeMap<String, _> = store
            .profiles()?
            .into_iter()
            .map(|p| (p.profile.name.clone(), p))
            .collect();
        let mut refusals = Vec::new();
        let mut conflicts = Vec::new();
        for name in SettingName::ALL {
            if config.settings.get(name).is_some()
                && let Some(reason) = effective.lock(name)
            {
                refusals.push(format!(
                    "the setting {name} is locked by the firm's policy ({reason})"
                ));
            }
        }
        let mut outcome = ConfigImport::default();
        let mut to_save = Vec::new();
        for entry in &config.profiles {
            let name = &entry.profile.name;
            if is_managed(&effective, name) {
                refusals.push(format!(
                    "profile {name:?} is defined by the firm's policy; it cannot be imported"
                ));
                continue;
            }
            if !effective.custom_profiles() {
                refusals.push(custom_profiles_refusal(&effective, name));
                continue;
            }
            if let Some(policy) = effective.policy()
                && let Err(why) = rule_violation(policy, &entry.profile)
            {
                refusals.push(format!("profile {name:?}: {why}"));
                continue;
            }
            let existing = stored.get(name);
            let mut profile = entry.profile.clone();
            if let Some(existing) = existing {
                // As a replace by hand: the desktop's own keychain headers stay.
                profile.keep_keychain_headers_of(&existing.profile);
            }
            let fields = entry.keychain_fields.iter().copied().map(Credential::Field);
            let headers = entry.profile.keychain_headers.iter().map(|header| {
                let spelling = existing.and_then(|e| e.profile.keychain_header(header));
                Credential::Header(spelling.unwrap_or(header).to_owned())
            });
            for credential in fields.chain(headers) {
                let set =
                    existing.is_some_and(|e| e.credentials.iter().any(|c| c.field == credential));
                if !set {
                    outcome.credentials_to_set.push(MissingCredential {
                        profile: name.clone(),
                        field: credential,
                    });
                }
            }
            match existing {
                None => outcome.profiles_created.push(name.clone()),
                Some(e) if e.profile == profile => {
                    outcome.profiles_unchanged.push(name.clone());
                    continue;
                }
                Some(_) if replace => outcome.profiles_replaced.push(name.clone()),
                Some(_) => {
                    conflicts.push(name.clone());
                    continue;
                }
            }
            to_save.push(profile);
        }
        let current_default = stored
            .values()
            .find(|p| p.is_default)
            .map(|p| p.profile.name.clone());
        let mut new_default = None;
        if let Some(name) = &config.settings.default_profile
            && current_default.as_ref() != Some(name)
            && effective.lock(SettingName::DefaultProfile).is_none()
        {
            let in_file = config.profiles.iter().any(|p| &p.profile.name == name);
            match effective.policy().and_then(|p| p.profile(name)) {
                // A policy profile gets its stored record (the policy's settings) to be the default.
                Some(managed) if !stored.contains_key(name) => to_save.push(managed.clone()),
                Some(_) => {}
                None if !effective.custom_profiles() => {
                    refusals.push(custom_profiles_refusal(&effective, name));
                }
                None if in_file || stored.contains_key(name) => {}
                None => {
                    return Err(Error::InvalidInput(format!(
                        "The file makes {name:?} the default profile, but no profile of that \
                         name is in the file, on this desktop or in the firm's policy. Nothing \
                         was imported."
                    )));
                }
            }
            new_default = Some(name.as_str());
            outcome.settings_changed.push(SettingName::DefaultProfile);
        }
        if !refusals.is_empty() {
            return Err(blocked(format!(
                "{}. Nothing was imported; remove these from the file.",
                refusals.join("; ")
            )));
        }
        if !conflicts.is_empty() {
            return Err(Error::InvalidInput(format!(
                "Profiles {} already exist on this desktop with other settings. Nothing was \
                 imported. To give them the file's settings (their credentials stay), import \
                 with --replace.",
                conflicts
                    .iter()
                    .map(|n| format!("{n:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }

        // The user's settings file: each setting the file gives, the others as they were. The
        // default profile lives in the case store.
        let user = self.user_settings()?;
        let mut merged = user.clone();
        for name in SettingName::ALL {
            if name != SettingName::DefaultProfile && config.settings.get(name).is_some() {
                merged.take(name, &config.settings);
                if merged.get(name) != user.get(name) {
                    outcome.settings_changed.push(name);
                }
            }
        }
        if !to_save.is_empty() || new_default.is_some() {
            store.save_profiles(&to_save, true, new_default)?;
        }
        if merged != user {
            self.save_user_settings(&merged)?;
        }
        outcome.settings_changed.sort();
        tracing::info!(
            created = outcome.profiles_created.len(),
            replaced = outcome.profiles_replaced.len(),
            settings = outcome.settings_changed.len(),
            "configuration imported"
        );
        Ok(outcome)
    }
}

fn is_managed(effective: &EffectivePolicy, name: &str) -> bool {
    effective.policy().and_then(|p| p.profile(name)).is_some()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde_json::json;

    use super::*;
    use crate::ErrorCode;
    use crate::paths::Locations;
    use crate::policy::workspace::USER_SETTINGS_FILE;
    use crate::providers::ProviderKind;
    use crate::secrets::{MemoryStore, Secret};

    const KEY: &str = "sk-config-test-7f3a9c";
    const HEADER_VALUE: &str = "gateway-sub-91d2e4";

    /// A desktop: its own workspace and in-memory keychain, and a policy path in `dir`.
    fn desktop(dir: &Path, name: &str) -> (Workspace, Store) {
        let locations = Locations {
            data_dir: dir.join(name),
            log_dir: dir.join(format!("{name}-logs")),
            keychain_service: "Casefile-unit".into(),
            log_filter: "info".into(),
            policy_file: dir.join(format!("{name}-policy.json")),
        };
        let workspace =
            Workspace::open_with_secrets(locations, Arc::new(MemoryStore::default())).unwrap();
        let store = workspace.open_store().unwrap();
        (workspace, store)
    }

    fn azure(name: &str) -> ProviderProfile {
        let mut p = ProviderProfile::new(name, ProviderKind::AzureOpenAi).unwrap();
        p.base_url = Some("https://firm-eu.openai.azure.com".into());
        p.deployment = Some("drafting".into());
        p.region = Some("swedencentral".into());
        p
    }

    fn openai(name: &str) -> ProviderProfile {
        let mut p = ProviderProfile::new(name, ProviderKind::OpenAi).unwrap();
        p.model = Some("gpt-4.1".into());
        p.extra_headers
            .insert("X-Team".into(), "immigration".into());
        p
    }

    fn write_settings(ws: &Workspace, json: serde_json::Value) {
        std::fs::write(
            ws.locations().data_dir.join(USER_SETTINGS_FILE),
            json.to_string(),
        )
        .unwrap();
    }

    fn write_policy(ws: &Workspace, policy: serde_json::Value) {
        std::fs::write(&ws.locations().policy_file, policy.to_string()).unwrap();
    }

    /// Desktop A as an MSP set it up: settings, two profiles (one default), a key, a gateway
    /// header kept in the keychain.
    fn reference_desktop(dir: &Path) -> (Workspace, Store) {
        let (ws, mut store) = desktop(dir, "a");
        write_settings(
            &ws,
            json!({"proxy": "http://proxy.firm.example:3128", "require_redaction": true}),
        );
        ws.save_profile(&mut store, &azure("eu"), false, false)
            .unwrap();
        ws.save_profile(&mut store, &openai("gw"), false, true)
            .unwrap();
        ws.set_credential(&mut store, "eu", CredentialField::ApiKey, &Secret::new(KEY))
            .unwrap();
        ws.set_credential(&mut store, "gw", gateway_key(), &Secret::new(HEADER_VALUE))
            .unwrap();
        (ws, store)
    }

    fn gateway_key() -> Credential {
        Credential::Header("Ocp-Apim-Subscription-Key".into())
    }

    fn export_text(ws: &Workspace, store: &Store, dir: &Path) -> String {
        let file = dir.join("export.json");
        let _ = std::fs::remove_file(&file);
        ws.export_config(store)
            .unwrap()
            .write(&file, false)
            .unwrap();
        std::fs::read_to_string(&file).unwrap()
    }

    #[test]
    fn an_export_imports_on_another_desktop_and_a_second_import_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (a, a_store) = reference_desktop(dir.path());
        let text = export_text(&a, &a_store, dir.path());
        // Names of what each desktop must set, never a value or when it was set.
        assert!(
            !text.contains(KEY) && !text.contains(HEADER_VALUE),
            "{text}"
        );
        assert!(
            !text.contains("set_at") && !text.contains("created_at"),
            "{text}"
        );
        let exported: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(exported["format"], "casefile-config");
        assert_eq!(exported["settings"]["default_profile"], "gw");
        assert_eq!(exported["profiles"][0]["profile"]["name"], "eu");
        assert_eq!(
            exported["profiles"][0]["keychain_fields"],
            json!(["api_key"])
        );
        assert_eq!(
            exported["profiles"][1]["profile"]["keychain_headers"],
            json!(["Ocp-Apim-Subscription-Key"])
        );
        assert_eq!(exported["profiles"][1]["keychain_fields"], json!([]));
        assert_eq!(
            exported["profiles"][1]["profile"]["extra_headers"],
            json!({"X-Team": "immigration"})
        );

        let (b, mut b_store) = desktop(dir.path(), "b");
        let config = ConfigFile::parse(&text).unwrap();
        let done = b.import_config(&mut b_store, &config, false).unwrap();
        assert_eq!(done.profiles_created, ["eu", "gw"]);
        assert_eq!(
            done.settings_changed,
            [
                SettingName::DefaultProfile,
                SettingName::Proxy,
                SettingName::RequireRedaction
            ]
        );
        assert_eq!(
            done.credentials_to_set,
            [
                MissingCredential {
                    profile: "eu".into(),
                    field: CredentialField::ApiKey.into()
                },
                MissingCredential {
                    profile: "gw".into(),
                    field: gateway_key()
                }
            ]
        );
        assert_eq!(
            b_store.default_profile().unwrap().unwrap().profile.name,
            "gw"
        );
        let settings = b.user_settings().unwrap();
        assert_eq!(
            settings.proxy.as_deref(),
            Some("http://proxy.firm.example:3128")
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let file = b.locations().data_dir.join(USER_SETTINGS_FILE);
            let mode = std::fs::metadata(file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }

        let updated_at = |store: &Store| {
            store
                .profiles()
                .unwrap()
                .into_iter()
                .map(|p| p.updated_at)
                .collect::<Vec<_>>()
        };
        let before = updated_at(&b_store);
        let again = b.import_config(&mut b_store, &config, false).unwrap();
        assert!(again.is_no_op(), "{again:?}");
        assert_eq!(again.profiles_unchanged, ["eu", "gw"]);
        assert_eq!(updated_at(&b_store), before);
        let again = b.import_config(&mut b_store, &config, true).unwrap();
        assert!(again.is_no_op(), "--replace with the same file: {again:?}");

        // B now exports what A did, but for what B has no value for yet: the key, the header.
        let b_text = export_text(&b, &b_store, dir.path());
        let mut b_exported: serde_json::Value = serde_json::from_str(&b_text).unwrap();
        assert_eq!(b_exported["profiles"][0]["keychain_fields"], json!([]));
        b_exported["profiles"][0]["keychain_fields"] = json!(["api_key"]);
        assert_eq!(b_exported, exported);
    }

    #[test]
    fn an_existing_profile_is_replaced_only_with_replace_and_keeps_its_credentials() {
        let dir = tempfile::tempdir().unwrap();
        let (a, a_store) = reference_desktop(dir.path());
        let config = a.export_config(&a_store).unwrap();
        let (b, mut b_store) = desktop(dir.path(), "b");
        let mut other = openai("gw");
        other.model = Some("gpt-4o".into());
        b.save_profile(&mut b_store, &other, false, false).unwrap();
        b.set_credential(
            &mut b_store,
            "gw",
            CredentialField::ApiKey,
            &Secret::new(KEY),
        )
        .unwrap();

        let err = b.import_config(&mut b_store, &config, false).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput);
        assert!(err.to_string().contains("\"gw\"") && err.to_string().contains("--replace"));
        // Validated whole: the profile that could be created was not, nor the settings written.
        assert!(b_store.profile("eu").is_err());
        assert!(!b.locations().data_dir.join(USER_SETTINGS_FILE).exists());

        let done = b.import_config(&mut b_store, &config, true).unwrap();
        assert_eq!(done.profiles_replaced, ["gw"]);
        assert_eq!(done.profiles_created, ["eu"]);
        let gw = b_store.profile("gw").unwrap();
        assert_eq!(gw.profile.model.as_deref(), Some("gpt-4.1"));
        // The key stayed in the keychain; the header is named, and still to set here.
        assert_eq!(
            gw.profile.keychain_headers,
            ["Ocp-Apim-Subscription-Key".to_owned()].into()
        );
        assert_eq!(gw.credentials[0].field, CredentialField::ApiKey);
        assert!(done.credentials_to_set.contains(&MissingCredential {
            profile: "gw".into(),
            field: gateway_key()
        }));
    }

    #[test]
    fn the_policy_refuses_locked_settings_and_forbidden_profiles_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let (a, a_store) = reference_desktop(dir.path());
        let config = a.export_config(&a_store).unwrap();
        let (b, mut b_store) = desktop(dir.path(), "b");
        write_policy(
            &b,
            json!({
                "version": 1,
                "allowed_kinds": ["azure-openai"],
                "settings": {"proxy": "http://other.example:8080"},
                "locks": {"proxy": "All AI traffic goes through the firm's proxy."}
            }),
        );
        let err = b.import_config(&mut b_store, &config, true).unwrap_err();
        assert_eq!(err.code(), ErrorCode::PolicyBlocked);
        let message = err.to_string();
        for words in [
            "Managed by your IT provider",
            "the setting proxy is locked",
            "All AI traffic goes through the firm's proxy.",
            "profile \"gw\"",
            "not openai",
            "Nothing was imported",
        ] {
            assert!(message.contains(words), "{words:?} missing: {message}");
        }
        assert!(b_store.profiles().unwrap().is_empty());
        assert!(!b.locations().data_dir.join(USER_SETTINGS_FILE).exists());

        // With only the policy's profiles allowed, a default naming the user's own is refused.
        b_store.save_profile(&azure("first"), false, true).unwrap();
        b_store.save_profile(&azure("mine"), false, false).unwrap();
        write_policy(
            &b,
            json!({"version": 1, "settings": {"custom_profiles": false}}),
        );
        let only_default = ConfigFile {
            settings: Settings {
                default_profile: Some("mine".into()),
                ..Settings::default()
            },
            profiles: Vec::new(),
            ..config.clone()
        };
        let err = b
            .import_config(&mut b_store, &only_default, false)
            .unwrap_err();
        assert!(err.to_string().contains("only its own profiles"), "{err}");
        assert!(
            b_store.profile("first").unwrap().is_default,
            "nothing was written"
        );
        b_store.remove_profile("mine").unwrap();
        b_store.remove_profile("first").unwrap();

        // A policy profile of the same name cannot be overridden by a file.
        write_policy(
            &b,
            json!({"version": 1, "profiles": [azure("eu")], "custom_profiles_note": 1}),
        );
        let err = b.import_config(&mut b_store, &config, true).unwrap_err();
        assert_eq!(err.code(), ErrorCode::PolicyBlocked, "invalid policy");
        assert!(err.to_string().contains("custom_profiles_note"), "{err}");
        write_policy(&b, json!({"version": 1, "profiles": [azure("eu")]}));
        let err = b.import_config(&mut b_store, &config, true).unwrap_err();
        assert!(
            err.to_string()
                .contains("\"eu\" is defined by the firm's policy"),
            "{err}"
        );
        assert!(b_store.profiles().unwrap().is_empty());
    }

    #[test]
    fn an_export_under_a_policy_leaves_out_its_profiles_and_locked_settings() {
        let dir = tempfile::tempdir().unwrap();
        let (a, mut a_store) = reference_desktop(dir.path());
        write_policy(
            &a,
            json!({
                "version": 1,
                "profiles": [azure("firm")],
                "settings": {"proxy": "http://other.example:8080", "default_profile": "firm"},
                "locks": {"proxy": "Firm proxy.", "default_profile": "Firm default."}
            }),
        );
        a.set_credential(
            &mut a_store,
            "firm",
            CredentialField::ApiKey,
            &Secret::new(KEY),
        )
        .unwrap();
        let exported = a.export_config(&a_store).unwrap();
        let names: Vec<_> = exported
            .profiles
            .iter()
            .map(|p| p.profile.name.as_str())
            .collect();
        assert_eq!(names, ["eu", "gw"]);
        assert_eq!(exported.settings.proxy, None);
        assert_eq!(exported.settings.default_profile, None);
        assert_eq!(exported.settings.require_redaction, Some(true));

        // The same policy on the next desktop: the export imports cleanly.
        let (b, mut b_store) = desktop(dir.path(), "b");
        std::fs::copy(&a.locations().policy_file, &b.locations().policy_file).unwrap();
        let done = b.import_config(&mut b_store, &exported, false).unwrap();
        assert_eq!(done.profiles_created, ["eu", "gw"]);
    }

    #[test]
    fn a_bad_file_is_refused_with_its_place_and_reason() {
        let good = json!({
            "format": "casefile-config",
            "version": 1,
            "settings": {"proxy": "http://proxy.example:3128"},
            "profiles": [{"profile": serde_json::to_value(azure("eu")).unwrap(), "keychain_fields": ["api_key"]}]
        });
        ConfigFile::parse(&good.to_string()).unwrap();
        let mut unknown_setting = good.clone();
        unknown_setting["settings"]["colour"] = json!("blue");
        let mut secret_key = good.clone();
        secret_key["profiles"][0]["api_key"] = json!("sk-1");
        let mut private_key = good.clone();
        private_key["profiles"][0]["profile"]["display_name"] =
            json!("-----BEGIN PRIVATE KEY-----\nMII");
        let mut wrong_field = good.clone();
        wrong_field["profiles"][0]["keychain_fields"] = json!(["bedrock_api_key"]);
        let mut twice = good.clone();
        let first = twice["profiles"][0].clone();
        twice["profiles"].as_array_mut().unwrap().push(first);
        let mut proxy_password = good.clone();
        proxy_password["settings"]["proxy"] = json!("http://me:pw@proxy.example:3128");
        let mut incomplete = good.clone();
        incomplete["profiles"][0]["profile"]["deployment"] = json!(null);
        let mut keychain_and_plain = good.clone();
        keychain_and_plain["profiles"][0]["profile"]["extra_headers"] = json!({"X-Team": "v"});
        keychain_and_plain["profiles"][0]["withheld_headers"] = json!(["x-team"]);
        let mut header_value = good.clone();
        header_value["profiles"][0]["profile"]["extra_headers"] = json!({"Helicone-Auth": "v"});
        let cases: Vec<(String, &str, &str)> = vec![
            ("{\"format\": ".into(), "line 1", "not valid JSON"),
            (
                "{\"format\": \"casefile-config\", \"version\": 1,\n \"settings\": {\"proxy\": \"http://a:1\", \"proxy\": \"http://b:1\"}}".into(),
                "line 2, column 44, field settings",
                "duplicate key \"proxy\"",
            ),
            ("[]".into(), "field .", "JSON object"),
            (json!({"version": 1}).to_string(), "field format", "not a Casefile configuration"),
            (
                json!({"format": "casefile-config", "version": 2}).to_string(),
                "field version",
                "newer Casefile",
            ),
            (unknown_setting.to_string(), "field settings.colour", "unknown field"),
            (secret_key.to_string(), "field profiles[0].api_key", "looks like a credential"),
            (private_key.to_string(), "profiles[0].profile.display_name", "private key"),
            (wrong_field.to_string(), "field profiles[0].keychain_fields[0]", "does not use bedrock_api_key"),
            (twice.to_string(), "field profiles[1].profile.name", "two profiles"),
            (proxy_password.to_string(), "field settings.proxy", "never holds secrets"),
            (incomplete.to_string(), "field profiles[0].profile", "needs deployment"),
            (keychain_and_plain.to_string(), "field profiles[0].profile", "both a plain header and a keychain header"),
            (
                header_value.to_string(),
                "field profiles[0].profile.extra_headers.Helicone-Auth",
                "secret set PROFILE header:Helicone-Auth",
            ),
        ];
        for (text, at, why) in cases {
            let problem = ConfigFile::parse(&text).expect_err(&text);
            let place = problem.location.to_string();
            assert!(
                place.contains(at),
                "{text}\n→ {place}: {} (wanted {at})",
                problem.reason
            );
            assert!(
                problem.reason.contains(why),
                "{text}\n→ {place}: {} (wanted {why})",
                problem.reason
            );
        }
    }

    #[test]
    fn a_header_withheld_by_an_earlier_export_is_read_as_a_keychain_header() {
        let mut gw = serde_json::to_value(openai("gw")).unwrap();
        gw.as_object_mut().unwrap().remove("keychain_headers");
        let earlier = json!({
            "format": "casefile-config",
            "version": 1,
            "profiles": [{"profile": gw, "keychain_fields": ["api_key"],
                          "withheld_headers": ["Ocp-Apim-Subscription-Key"]}]
        });
        let config = ConfigFile::parse(&earlier.to_string()).unwrap();
        assert_eq!(
            config.profiles[0].profile.keychain_headers,
            ["Ocp-Apim-Subscription-Key".to_owned()].into()
        );
        let written = serde_json::to_value(&config).unwrap();
        assert_eq!(written["profiles"][0].get("withheld_headers"), None);
    }

    #[test]
    fn a_user_setting_is_checked_saved_cleared_and_refused_when_locked() {
        let dir = tempfile::tempdir().unwrap();
        let (ws, store) = desktop(dir.path(), "a");
        write_settings(&ws, json!({"require_redaction": true}));
        let value = |e: &EffectivePolicy, name| e.setting(name).value.clone();

        let after = ws
            .set_user_setting(
                &store,
                SettingName::FirmName,
                Some(json!("Rivera & Ochoa LLP")),
            )
            .unwrap();
        assert_eq!(
            value(&after, SettingName::FirmName),
            json!("Rivera & Ochoa LLP")
        );
        assert_eq!(after.values().require_redaction, Some(true), "others kept");
        let folder = dir.path().join("exports");
        ws.set_user_setting(&store, SettingName::ExportFolder, Some(json!(folder)))
            .unwrap();
        assert_eq!(ws.user_settings().unwrap().export_folder, Some(folder));

        // Bad values are refused by field, and the file keeps what it had.
        for (name, bad, why) in [
            (SettingName::FirmName, json!("  "), "empty"),
            (
                SettingName::FirmName,
                json!("Line one\nline two"),
                "one line",
            ),
            (SettingName::FirmName, json!("x".repeat(201)), "200"),
            (SettingName::FirmName, json!(7), "cannot be set"),
            (
                SettingName::ExportFolder,
                json!("relative/folder"),
                "absolute",
            ),
        ] {
            let err = ws.set_user_setting(&store, name, Some(bad)).unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidInput);
            assert_eq!(err.field(), Some(name.as_str()));
            assert!(err.to_string().contains(why), "{err}");
        }
        let before = ws.user_settings().unwrap();
        assert_eq!(before.firm_name.as_deref(), Some("Rivera & Ochoa LLP"));
        let err = ws
            .set_user_setting(&store, SettingName::DefaultProfile, Some(json!("eu")))
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput);

        // Cleared: the built-in value applies again.
        let cleared = ws
            .set_user_setting(&store, SettingName::FirmName, None)
            .unwrap();
        assert_eq!(value(&cleared, SettingName::FirmName), json!(null));
        assert_eq!(
            cleared.setting(SettingName::FirmName).source,
            crate::policy::SettingSource::BuiltIn
        );

        // The firm's policy sets and locks the letterhead: the user's change is refused.
        write_policy(
            &ws,
            json!({"version": 1, "settings": {"firm_name": "Firm LLP"},
                   "locks": {"firm_name": "One letterhead for the firm."}}),
        );
        let err = ws
            .set_user_setting(&store, SettingName::FirmName, Some(json!("Mine")))
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::PolicyBlocked);
        assert!(err.to_string().contains("One letterhead"), "{err}");
        let effective = ws.effective_policy(Some(&store)).unwrap();
        assert_eq!(value(&effective, SettingName::FirmName), json!("Firm LLP"));
        assert_eq!(ws.user_settings().unwrap().firm_name, None);

        // An invalid policy file may be the one locking a setting: every change is refused.
        std::fs::write(&ws.locations().policy_file, "{ not json").unwrap();
        let err = ws
            .set_user_setting(&store, SettingName::ExportFolder, None)
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::PolicyBlocked);
        assert!(ws.user_settings().unwrap().export_folder.is_some());
    }

    /// The published schema is generated from the types; `CASEFILE_WRITE_SCHEMA=1` rewrites it.
    #[test]
    fn config_schema_matches_the_types() {
        let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("policy/config.schema.json");
        let generated = format!(
            "{}\n",
            serde_json::to_string_pretty(&super::super::config_json_schema()).unwrap()
        );
        if std::env::var_os("CASEFILE_WRITE_SCHEMA").is_some() {
            std::fs::write(&file, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(&file).unwrap_or_default();
        assert!(
            committed == generated,
            "config.schema.json is out of date: run CASEFILE_WRITE_SCHEMA=1 cargo test -p casefile-core config_schema"
        );
    }
}
