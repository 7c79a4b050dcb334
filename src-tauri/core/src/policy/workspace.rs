//! The policy applied to a workspace: its profiles (the policy's and the user's), changes the
//! policy may refuse, and the one way to prepare a send.

use serde::Serialize;

use super::effective::EffectivePolicy;
use super::gate::{Clearance, blocked, gate, rule_violation};
use super::settings::{SettingName, Settings};
use super::state::PolicyState;
use crate::audit::{self, Attempt, Purpose};
use crate::providers::{
    Credential, CredentialField, Credentials, ProviderProfile, TransportSettings,
};
use crate::store::{Consent, ConsentScope, CredentialStatus, Jurisdiction, Store};
use crate::workspace::Workspace;
use crate::{Error, ErrorCode, Result};

/// The user's own settings in the workspace folder. Casefile reads it; a locked setting in it has
/// no effect (the policy's value wins).
pub const USER_SETTINGS_FILE: &str = "settings.json";

/// A profile as listed: the policy's profiles (managed, unchangeable) and the user's.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProfileEntry {
    #[serde(flatten)]
    pub profile: ProviderProfile,
    pub is_default: bool,
    /// Defined by the firm's policy: cannot be changed, replaced or removed here.
    pub managed: bool,
    /// The credentials set for this profile and when; never their values.
    pub credentials: Vec<CredentialStatus>,
    /// Every credential the profile's kind can use, set or not (not all are needed at once).
    pub credential_fields: Vec<CredentialField>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    /// Why the policy blocks sending through this profile, when it does (firm-wide rules; a
    /// client's jurisdiction may restrict it further).
    pub blocked: Option<String>,
}

/// Everything a send needs, checked by the policy gate just now.
pub struct PreparedSend {
    pub profile: ProviderProfile,
    pub credentials: Credentials,
    /// The effective proxy and extra CA file.
    pub transport: TransportSettings,
    pub clearance: Clearance,
}

impl Workspace {
    /// The policy file as it is now.
    pub fn policy_state(&self) -> PolicyState {
        PolicyState::load(&self.locations().policy_file)
    }

    /// The user's settings (`settings.json` in the workspace folder; none when it is missing).
    pub fn user_settings(&self) -> Result<Settings> {
        let file = self.locations().data_dir.join(USER_SETTINGS_FILE);
        match std::fs::read_to_string(&file) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| {
                Error::InvalidInput(format!(
                    "Your settings file {} cannot be used ({e}). Fix or remove it.",
                    file.display()
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
            Err(e) => Err(Error::storage(&file, e)),
        }
    }

    /// Replaces the user's settings file whole (temporary file, then rename; owner only).
    pub(crate) fn save_user_settings(&self, settings: &Settings) -> Result<()> {
        let mut text = serde_json::to_string_pretty(settings)
            .map_err(|e| Error::Internal(format!("settings not serializable: {e}")))?;
        text.push('\n');
        let file = self.locations().data_dir.join(USER_SETTINGS_FILE);
        crate::private_file::write_private(&file, text.as_bytes(), true)
    }

    /// Sets one of the user's own settings (`None` clears it, so the policy's default or the
    /// built-in value applies), unless the policy locks it, and answers with the policy as it now
    /// applies. The value is checked as the settings file would be; the default profile is
    /// chosen with [`Workspace::set_default_profile`] instead. Refused while the policy file is
    /// invalid.
    pub fn set_user_setting(
        &self,
        store: &Store,
        name: SettingName,
        value: Option<serde_json::Value>,
    ) -> Result<EffectivePolicy> {
        if name == SettingName::DefaultProfile {
            return Err(Error::InvalidInput(
                "The default profile is chosen among the profiles (Settings → AI providers, or \
                 casefile-admin profile default NAME)."
                    .into(),
            ));
        }
        let effective = self.effective_policy(Some(store))?;
        // An invalid policy file may be the one locking it: nothing changes until it is fixed.
        if let Some(error) = effective.invalid_error() {
            return Err(error);
        }
        check_unlocked(&effective, name)?;
        let invalid = |why: String| Error::InvalidField {
            field: name.to_string(),
            message: format!("{why}. Nothing was changed."),
        };
        let mut fields = match serde_json::to_value(self.user_settings()?) {
            Ok(serde_json::Value::Object(fields)) => fields,
            _ => return Err(Error::Internal("settings are not a JSON object".into())),
        };
        match value.filter(|v| !v.is_null()) {
            Some(v) => fields.insert(name.to_string(), v),
            None => fields.remove(name.as_str()),
        };
        let settings: Settings = serde_json::from_value(serde_json::Value::Object(fields))
            .map_err(|e| invalid(format!("{name} cannot be set to that value ({e})")))?;
        settings
            .check("settings", "your settings file")
            .map_err(|problem| invalid(problem.reason))?;
        self.save_user_settings(&settings)?;
        tracing::info!(setting = %name, "user setting changed");
        self.effective_policy(Some(store))
    }

    /// The policy over the user's settings, read now. The user's default profile comes from the
    /// case store when one is given.
    pub fn effective_policy(&self, store: Option<&Store>) -> Result<EffectivePolicy> {
        let mut user = self.user_settings()?;
        if let Some(store) = store
            && let Some(default) = store.default_profile()?
        {
            user.default_profile = Some(default.profile.name);
        }
        Ok(EffectivePolicy::compute(self.policy_state(), &user))
    }

    /// The profile named `name` as it applies: the policy's definition wins over a stored one.
    pub fn resolve_profile(
        &self,
        store: &Store,
        effective: &EffectivePolicy,
        name: &str,
    ) -> Result<ProviderProfile> {
        match effective.policy().and_then(|p| p.profile(name)) {
            Some(managed) => Ok(managed.clone()),
            None => Ok(store.profile(name)?.profile),
        }
    }

    /// Every profile: the policy's first, then the user's, each with why the policy blocks it.
    pub fn profile_entries(&self, store: &Store) -> Result<Vec<ProfileEntry>> {
        let effective = self.effective_policy(Some(store))?;
        let stored = store.profiles()?;
        let default = effective.values().default_profile.clone();
        let managed = effective
            .policy()
            .map(|p| p.profiles.clone())
            .unwrap_or_default();
        let mut entries: Vec<ProfileEntry> = managed
            .into_iter()
            .map(|profile| {
                let row = stored.iter().find(|s| s.profile.name == profile.name);
                ProfileEntry {
                    is_default: default.as_deref() == Some(profile.name.as_str()),
                    managed: true,
                    credentials: row.map(|r| r.credentials.clone()).unwrap_or_default(),
                    credential_fields: profile.kind.credential_fields().to_vec(),
                    created_at: row.map(|r| r.created_at.clone()),
                    updated_at: row.map(|r| r.updated_at.clone()),
                    blocked: gate(&effective, &profile, None)
                        .err()
                        .map(|e| e.to_string()),
                    profile,
                }
            })
            .collect();
        for row in stored {
            if entries.iter().any(|e| e.profile.name == row.profile.name) {
                continue;
            }
            entries.push(ProfileEntry {
                is_default: default.as_deref() == Some(row.profile.name.as_str()),
                managed: false,
                blocked: gate(&effective, &row.profile, None)
                    .err()
                    .map(|e| e.to_string()),
                credential_fields: row.profile.kind.credential_fields().to_vec(),
                profile: row.profile,
                credentials: row.credentials,
                created_at: Some(row.created_at),
                updated_at: Some(row.updated_at),
            });
        }
        Ok(entries)
    }

    /// Saves a profile of the user's, unless the policy forbids it: while the policy file is
    /// invalid, for a name the policy defines, when the policy allows no profiles of the user's
    /// own, or when the firm-wide rules would block it.
    pub fn save_profile(
        &self,
        store: &mut Store,
        profile: &ProviderProfile,
        replace: bool,
        make_default: bool,
    ) -> Result<()> {
        let effective = self.effective_policy(Some(store))?;
        self.check_user_profile_change(&effective, &profile.name)?;
        if make_default {
            check_unlocked(&effective, SettingName::DefaultProfile)?;
        }
        if let Some(policy) = effective.policy() {
            rule_violation(policy, profile)
                .map_err(|why| blocked(format!("profile {:?}: {why}.", profile.name)))?;
        }
        let mut profile = profile.clone();
        if replace && let Ok(stored) = store.profile(&profile.name) {
            profile.keep_keychain_headers_of(&stored.profile);
        }
        store.save_profile(&profile, replace, make_default)
    }

    /// Makes `name` the default profile, unless the policy locks the default.
    pub fn set_default_profile(&self, store: &mut Store, name: &str) -> Result<()> {
        let effective = self.effective_policy(Some(store))?;
        if let Some(error) = effective.invalid_error() {
            return Err(error);
        }
        check_unlocked(&effective, SettingName::DefaultProfile)?;
        match effective.policy().and_then(|p| p.profile(name)) {
            Some(managed) => store.save_profile(managed, true, false)?,
            None if !effective.custom_profiles() => {
                return Err(custom_profiles_refused(&effective, name));
            }
            None => {}
        }
        store.set_default_profile(name)
    }

    /// Refuses to remove or replace a profile the policy defines, and any change while the policy
    /// is invalid or allows no profiles of the user's own.
    pub(crate) fn check_user_profile_change(
        &self,
        effective: &EffectivePolicy,
        name: &str,
    ) -> Result<()> {
        if let Some(error) = effective.invalid_error() {
            return Err(error);
        }
        if effective.policy().and_then(|p| p.profile(name)).is_some() {
            return Err(blocked(format!(
                "profile {name:?} is defined by the firm's policy; it cannot be changed, replaced \
                 or removed on this computer."
            )));
        }
        if !effective.custom_profiles() {
            return Err(custom_profiles_refused(effective, name));
        }
        Ok(())
    }

    /// Before `credential` of `name` is stored: the policy must let the profile send. A profile
    /// the policy defines gets its stored record (settings from the policy) on first use, and
    /// takes only the keychain headers the policy names.
    pub(crate) fn check_credential_change(
        &self,
        store: &mut Store,
        name: &str,
        credential: &Credential,
    ) -> Result<()> {
        let effective = self.effective_policy(Some(store))?;
        if let Some(error) = effective.invalid_error() {
            return Err(error);
        }
        if let Some(managed) = effective.policy().and_then(|p| p.profile(name)) {
            if let Credential::Header(header) = credential
                && managed.keychain_header(header).is_none()
            {
                return Err(blocked(format!(
                    "profile {name:?} is defined by the firm's policy, which sends no header \
                     {header} from the keychain. Nothing was stored."
                )));
            }
            return store.save_profile(managed, true, false);
        }
        let profile = store.profile(name)?.profile;
        gate(&effective, &profile, None)?;
        Ok(())
    }

    /// Resolves profile `name`, checks it against the policy read now (for a client of
    /// `jurisdiction`, when there is one), and reads its credentials. Blocks (keychain). Every
    /// send goes through here: nothing is read from the keychain for a blocked send.
    pub fn prepare_send(
        &self,
        store: &Store,
        name: &str,
        jurisdiction: Option<Jurisdiction>,
    ) -> Result<PreparedSend> {
        let effective = self.effective_policy(Some(store))?;
        self.prepare_send_under(store, &effective, name, jurisdiction)
    }

    /// [`Workspace::prepare_send`] under a policy already read, so that one reading decides
    /// everything about a send.
    fn prepare_send_under(
        &self,
        store: &Store,
        effective: &EffectivePolicy,
        name: &str,
        jurisdiction: Option<Jurisdiction>,
    ) -> Result<PreparedSend> {
        if let Some(error) = effective.invalid_error() {
            return Err(error);
        }
        let profile = self.resolve_profile(store, effective, name)?;
        let clearance = gate(effective, &profile, jurisdiction)?;
        if let Some(exception) = &clearance.exception {
            tracing::info!(
                profile = name,
                exception,
                "send allowed by a policy exception"
            );
        }
        let credentials = self.credentials(&profile)?;
        Ok(PreparedSend {
            profile,
            credentials,
            transport: effective.transport(),
            clearance,
        })
    }
}

/// Whose information a send carries.
#[derive(Debug, Clone, Copy, Default)]
pub struct SendSubject {
    /// The client: their recorded jurisdiction applies, and their consent when required.
    pub client_id: Option<i64>,
    pub matter_id: Option<i64>,
    /// With no client named: the jurisdiction to apply (none: the firm-wide rules only).
    pub jurisdiction: Option<Jurisdiction>,
}

/// Whether the policy requires the client's consent for a send, and the consent on record.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ConsentCheck {
    pub required: bool,
    /// The consent on record that covers this send, if any.
    pub consent: Option<Consent>,
}

impl Workspace {
    /// The consent `client_id` gave for `scope` through `profile` as it is now, and whether the
    /// policy requires one.
    pub fn consent_check(
        &self,
        store: &Store,
        effective: &EffectivePolicy,
        client_id: i64,
        scope: ConsentScope,
        profile: &ProviderProfile,
    ) -> Result<ConsentCheck> {
        Ok(ConsentCheck {
            required: effective.setting(SettingName::RequireClientConsent).value
                == serde_json::Value::Bool(true),
            consent: store.valid_consent(
                client_id,
                scope,
                profile,
                jiff::ZonedDateTime::now().date(),
            )?,
        })
    }

    /// [`Workspace::prepare_send`] for one purpose, with the client's consent checked when the
    /// policy requires it, and every refusal written to the audit log as a `blocked` entry (so
    /// an auditor sees attempts that sent nothing). Returns the send and its audit description.
    pub fn prepare_audited_send(
        &self,
        store: &mut Store,
        purpose: Purpose,
        profile_name: &str,
        subject: &SendSubject,
    ) -> Result<(PreparedSend, ConsentCheck, Attempt)> {
        let SendSubject {
            client_id,
            matter_id,
            jurisdiction,
        } = *subject;
        let jurisdiction = match client_id {
            Some(id) => store.contact(id)?.details.jurisdiction,
            None => jurisdiction,
        };
        let refused = |store: &mut Store, attempt: &Attempt, code: &str, error: Error| {
            audit::record_blocked(store, attempt, code)?;
            Err(error)
        };
        let effective = self.effective_policy(Some(store))?;
        let prepared = match self.prepare_send_under(store, &effective, profile_name, jurisdiction)
        {
            Ok(prepared) => prepared,
            Err(e) if e.code() == ErrorCode::PolicyBlocked => {
                let attempt = Attempt {
                    client_id,
                    matter_id,
                    ..Attempt::unresolved(purpose, profile_name)
                };
                return refused(store, &attempt, "policyBlocked", e);
            }
            Err(e) => return Err(e),
        };
        let mut attempt = Attempt::new(purpose, &prepared.profile, "");
        attempt.endpoint_host = None;
        attempt.client_id = client_id;
        attempt.matter_id = matter_id;
        let scope = match purpose {
            Purpose::Draft => Some(ConsentScope::Drafting),
            Purpose::Ask => Some(ConsentScope::Ask),
            Purpose::ConnectionTest => None,
        };
        let consent = match (client_id, scope) {
            (Some(client), Some(scope)) => {
                self.consent_check(store, &effective, client, scope, &prepared.profile)?
            }
            _ => ConsentCheck {
                required: false,
                consent: None,
            },
        };
        if let (true, None, Some(client), Some(scope)) =
            (consent.required, &consent.consent, client_id, scope)
        {
            let error = blocked(format!(
                "the firm's policy requires the client's consent before their information is \
                 sent to an AI provider, and client {client} has none on record for {} through \
                 profile {profile_name}. Record it on the client's page, or with: \
                 casefile-admin consent add {client} --scope {} --profile {profile_name} \
                 --method written|email|verbal. Nothing was sent.",
                scope.as_str(),
                scope.as_str()
            ));
            return refused(store, &attempt, "consentMissing", error);
        }
        Ok((prepared, consent, attempt))
    }
}

fn check_unlocked(effective: &EffectivePolicy, name: SettingName) -> Result<()> {
    match effective.lock(name) {
        Some(reason) => Err(blocked(format!(
            "the setting {name} is locked by the firm's policy ({reason})."
        ))),
        None => Ok(()),
    }
}

fn custom_profiles_refused(effective: &EffectivePolicy, name: &str) -> Error {
    blocked(custom_profiles_refusal(effective, name))
}

/// Why profile `name` of the user's own cannot be added or used under a policy that allows
/// only its own profiles.
pub(super) fn custom_profiles_refusal(effective: &EffectivePolicy, name: &str) -> String {
    let firm: Vec<_> = effective
        .policy()
        .map(|p| p.profiles.iter().map(|p| p.name.as_str()).collect())
        .unwrap_or_default();
    let reason = effective
        .lock(SettingName::CustomProfiles)
        .map(|r| format!(" ({r})"))
        .unwrap_or_default();
    format!(
        "the firm's policy allows only its own profiles{reason}, so profile {name:?} cannot be \
         added or used. The firm's profiles: {}.",
        if firm.is_empty() {
            "none".to_owned()
        } else {
            firm.join(", ")
        }
    )
}
