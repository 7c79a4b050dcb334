//! The managed policy: what the firm's IT provider (MSP) decides for every desktop.
//!
//! An MSP places one JSON file at a system path ([`crate::paths::system_policy_file`]), owned by
//! root in a folder only root may write (see `state` for every check). `CASEFILE_POLICY_FILE`
//! names a policy only where no system file exists (tests, an MSP trying a policy out). It can define firm-wide provider profiles
//! (never secrets), restrict provider kinds, regions and models, map client jurisdictions to
//! regions with named exceptions, set requirements, retention, proxy and CA file, and lock any
//! user setting with a reason. [`EffectivePolicy`] is the policy over the user's settings, locks
//! winning; [`gate`] checks every send against it at the moment of sending.
//!
//! No file at the path means the user decides. A present but invalid or untrusted file (bad JSON,
//! an unknown key, a wrong type, a secret, contradictory rules, unreadable, a wrong owner or mode,
//! a link that leads anywhere untrusted) is [`PolicyState::Invalid`] with the
//! place and the reason, and blocks every send: nothing falls back silently.

mod config;
mod effective;
mod file;
mod gate;
mod pattern;
mod settings;
mod state;
mod workspace;

pub use config::{
    CONFIG_FORMAT, CONFIG_VERSION, ConfigFile, ConfigImport, ConfigProfile, MAX_CONFIG_BYTES,
    MissingCredential,
};
pub use effective::{EffectivePolicy, EffectiveSetting, PolicyStatus, SettingSource};
pub use file::{
    JurisdictionException, JurisdictionRule, JurisdictionRules, MAX_POLICY_BYTES, POLICY_VERSION,
    Policy, PolicyLocation, PolicyProblem, TemplatePin, jurisdiction_name,
};
pub use gate::{Clearance, gate};
pub use pattern::Pattern;
pub use settings::{SettingName, Settings};
pub use state::PolicyState;
pub use workspace::{ConsentCheck, PreparedSend, ProfileEntry, SendSubject, USER_SETTINGS_FILE};

/// The policy file's JSON Schema, generated from the types that parse it. The repository keeps a
/// copy at `src-tauri/core/policy/policy.schema.json`; a test fails when the two differ.
pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Policy)).unwrap_or_default()
}

/// The configuration file's JSON Schema (`casefile-admin config export|import`), kept at
/// `src-tauri/core/policy/config.schema.json` like the policy's.
pub fn config_json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(ConfigFile)).unwrap_or_default()
}

#[cfg(test)]
mod tests;
