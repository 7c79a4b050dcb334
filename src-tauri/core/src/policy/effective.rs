//! The effective configuration: the policy over the user's settings, locks winning.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::file::{Policy, PolicyLocation};
use super::settings::{SettingName, Settings};
use super::state::PolicyState;
use crate::Error;
use crate::providers::TransportSettings;

/// Who decided a setting's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum SettingSource {
    /// Nobody chose: Casefile's own default.
    BuiltIn,
    User,
    Policy,
}

/// One setting as it applies now.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EffectiveSetting {
    pub name: SettingName,
    pub value: serde_json::Value,
    pub source: SettingSource,
    pub locked: bool,
    /// The policy's reason, when it locked the setting.
    pub reason: Option<String>,
    /// The user's own value that a lock overrides (from `settings.json`), so an admin sees
    /// why the user's choice has no effect.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overridden_user_value: Option<serde_json::Value>,
}

/// The policy file's state as reported (without the policy's contents).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum PolicyStatus {
    /// No policy file: the user decides.
    Absent,
    Valid,
    /// Every send is blocked until the file is fixed.
    Invalid {
        location: PolicyLocation,
        reason: String,
    },
}

/// The configuration in force: computed in core from the policy file and the user's settings,
/// and the input of [`super::gate`].
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EffectivePolicy {
    pub policy_file: PathBuf,
    pub status: PolicyStatus,
    /// Every setting, its value, who chose it, and whether the policy locked it.
    pub settings: Vec<EffectiveSetting>,
    /// The valid policy's rules and profiles (none when absent or invalid).
    #[serde(rename = "rules")]
    policy: Option<Policy>,
    #[serde(skip)]
    values: Settings,
}

impl EffectivePolicy {
    /// Merges `user` under the policy: a locked setting (or a requirement the policy sets) takes
    /// the policy's value (or the built-in one if the policy gives none); otherwise the user's
    /// value, then the policy's as a default, then the built-in value. An invalid policy locks
    /// nothing here, but [`EffectivePolicy::invalid_error`] then blocks every send and change.
    pub fn compute(state: PolicyState, user: &Settings) -> Self {
        let (policy_file, status, policy) = match state {
            PolicyState::Absent { path } => (path, PolicyStatus::Absent, None),
            PolicyState::Valid { path, policy } => (path, PolicyStatus::Valid, Some(*policy)),
            PolicyState::Invalid {
                path,
                location,
                reason,
            } => (path, PolicyStatus::Invalid { location, reason }, None),
        };
        let empty = Settings::default();
        let firm = policy.as_ref().map_or(&empty, |p| &p.settings);
        let mut values = Settings::default();
        let mut settings = Vec::new();
        for name in SettingName::ALL {
            let lock = policy.as_ref().and_then(|p| p.locks.get(&name));
            let required = firm.requires(name);
            let (layer, source) = if lock.is_some() || required {
                (firm, SettingSource::Policy)
            } else if user.get(name).is_some() {
                (user, SettingSource::User)
            } else if firm.get(name).is_some() {
                (firm, SettingSource::Policy)
            } else {
                (&empty, SettingSource::BuiltIn)
            };
            values.take(name, layer);
            let locked = lock.is_some() || required;
            let value = layer.get(name).unwrap_or_else(|| name.built_in());
            let overridden_user_value = user.get(name).filter(|mine| locked && *mine != value);
            settings.push(EffectiveSetting {
                name,
                value,
                source: if layer.get(name).is_none() {
                    // A lock without a value pins the built-in value.
                    if locked {
                        SettingSource::Policy
                    } else {
                        SettingSource::BuiltIn
                    }
                } else {
                    source
                },
                locked,
                reason: lock
                    .cloned()
                    .or_else(|| required.then(|| "Required by your firm's policy.".to_owned())),
                overridden_user_value,
            });
        }
        Self {
            policy_file,
            status,
            settings,
            policy,
            values,
        }
    }

    pub fn policy_file(&self) -> &Path {
        &self.policy_file
    }

    /// The valid policy in force, if there is one.
    pub fn policy(&self) -> Option<&Policy> {
        self.policy.as_ref()
    }

    pub fn is_invalid(&self) -> bool {
        matches!(self.status, PolicyStatus::Invalid { .. })
    }

    /// The error every send (and every change the policy could govern) gets while the policy
    /// file is invalid.
    pub fn invalid_error(&self) -> Option<Error> {
        match &self.status {
            PolicyStatus::Invalid { location, reason } => Some(Error::PolicyBlocked(format!(
                "Managed by your IT provider: the policy file {} is invalid ({location}: \
                 {reason}), so Casefile sends nothing to an AI provider and changes no provider \
                 setting until it is fixed. Ask your IT provider to correct it (they can check it \
                 with: casefile-admin policy validate FILE).",
                self.policy_file.display()
            ))),
            _ => None,
        }
    }

    /// One setting as it applies now.
    pub fn setting(&self, name: SettingName) -> &EffectiveSetting {
        self.settings
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| unreachable!("every setting is computed"))
    }

    /// The lock's reason, when the policy locked `name`.
    pub fn lock(&self, name: SettingName) -> Option<&str> {
        let setting = self.setting(name);
        setting.locked.then(|| {
            setting
                .reason
                .as_deref()
                .unwrap_or("Locked by your firm's policy.")
        })
    }

    pub fn values(&self) -> &Settings {
        &self.values
    }

    /// Whether users may add and use profiles the policy does not define.
    pub fn custom_profiles(&self) -> bool {
        self.values.custom_profiles.unwrap_or(true)
    }

    /// The network settings for provider requests: the effective proxy and extra CA file.
    pub fn transport(&self) -> TransportSettings {
        TransportSettings {
            proxy: self.values.proxy.clone(),
            extra_ca_file: self.values.extra_ca_file.clone(),
            ..TransportSettings::default()
        }
    }
}
