//! The settings a user may choose and a policy may set or lock, by their stable names.

use std::fmt;
use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::file::PolicyProblem;

/// The name of a setting, as policy files (`locks`) and `casefile-admin policy effective` spell it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum SettingName {
    DefaultProfile,
    CustomProfiles,
    Proxy,
    ExtraCaFile,
    AiHistoryRetentionDays,
    RequireClientConsent,
    RequireRedaction,
    RequireApprovalBeforeExport,
    FirmName,
    ExportFolder,
    AuditForward,
}

impl SettingName {
    pub const ALL: [SettingName; 11] = [
        SettingName::DefaultProfile,
        SettingName::CustomProfiles,
        SettingName::Proxy,
        SettingName::ExtraCaFile,
        SettingName::AiHistoryRetentionDays,
        SettingName::RequireClientConsent,
        SettingName::RequireRedaction,
        SettingName::RequireApprovalBeforeExport,
        SettingName::FirmName,
        SettingName::ExportFolder,
        SettingName::AuditForward,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SettingName::DefaultProfile => "default_profile",
            SettingName::CustomProfiles => "custom_profiles",
            SettingName::Proxy => "proxy",
            SettingName::ExtraCaFile => "extra_ca_file",
            SettingName::AiHistoryRetentionDays => "ai_history_retention_days",
            SettingName::RequireClientConsent => "require_client_consent",
            SettingName::RequireRedaction => "require_redaction",
            SettingName::RequireApprovalBeforeExport => "require_approval_before_export",
            SettingName::FirmName => "firm_name",
            SettingName::ExportFolder => "export_folder",
            SettingName::AuditForward => "audit_forward",
        }
    }

    /// What the setting means, in one line (shown by `policy effective`).
    pub fn description(self) -> &'static str {
        match self {
            SettingName::DefaultProfile => {
                "the provider profile drafts use unless another is chosen"
            }
            SettingName::CustomProfiles => "whether users may add provider profiles of their own",
            SettingName::Proxy => "proxy for all AI provider traffic, on top of the system's",
            SettingName::ExtraCaFile => "PEM file of CA certificates trusted besides the OS's",
            SettingName::AiHistoryRetentionDays => "days AI history is kept (none: until deleted)",
            SettingName::RequireClientConsent => {
                "a client's recorded consent is required before sending"
            }
            SettingName::RequireRedaction => "redaction is required before sending",
            SettingName::RequireApprovalBeforeExport => {
                "an attorney's approval is required before export"
            }
            SettingName::FirmName => "the firm's name, the letterhead of Word and PDF exports",
            SettingName::ExportFolder => {
                "folder exports are written to (none: Documents/Casefile exports)"
            }
            SettingName::AuditForward => {
                "syslog collector every audit entry is sent to (tcp:// or tls://host:port)"
            }
        }
    }

    /// The value when neither the user nor the policy chose one.
    pub fn built_in(self) -> serde_json::Value {
        match self {
            SettingName::CustomProfiles => serde_json::Value::Bool(true),
            SettingName::RequireClientConsent
            | SettingName::RequireRedaction
            | SettingName::RequireApprovalBeforeExport => serde_json::Value::Bool(false),
            SettingName::DefaultProfile
            | SettingName::Proxy
            | SettingName::ExtraCaFile
            | SettingName::AiHistoryRetentionDays
            | SettingName::FirmName
            | SettingName::ExportFolder
            | SettingName::AuditForward => serde_json::Value::Null,
        }
    }
}

impl fmt::Display for SettingName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Values of the settings; `None` leaves the choice to the next layer (user, then policy default,
/// then the built-in value). The same shape is the policy's `settings` and the user's
/// `settings.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The provider profile drafts use unless another is chosen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_profile: Option<String>,
    /// Whether users may add provider profiles of their own (default true). With false, only the
    /// policy's profiles can send.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_profiles: Option<bool>,
    /// Proxy for all AI provider traffic (http://host:port), on top of the system's settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy: Option<String>,
    /// Absolute path of a PEM file of CA certificates to trust besides the OS's (e.g. a
    /// TLS-inspecting firewall's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra_ca_file: Option<PathBuf>,
    /// How many days AI history (prompts, answers, drafts' provenance) is kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ai_history_retention_days: Option<u32>,
    /// Require a client's recorded consent before sending their data to an AI provider. A policy
    /// that sets a requirement to true locks it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_client_consent: Option<bool>,
    /// Require redaction of identifiers before sending.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_redaction: Option<bool>,
    /// Require an attorney's approval before a draft is exported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_approval_before_export: Option<bool>,
    /// The firm's name, printed in the page header (letterhead) of Word and PDF exports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub firm_name: Option<String>,
    /// Absolute path of the folder the app writes exports to (created when first needed; default
    /// `Casefile exports` in the user's Documents folder).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export_folder: Option<PathBuf>,
    /// The firm's syslog collector (SIEM) every audit entry is sent to, `tcp://host:port` or
    /// `tls://host:port` (RFC 5425; trusts the OS's CAs and `extra_ca_file`). A policy that sets
    /// it locks it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_forward: Option<String>,
}

impl Settings {
    /// The value of `name` as JSON, `None` when this layer leaves it open.
    pub fn get(&self, name: SettingName) -> Option<serde_json::Value> {
        use serde_json::Value;
        let text = |v: &Option<String>| v.clone().map(Value::String);
        let flag = |v: &Option<bool>| v.map(Value::Bool);
        match name {
            SettingName::DefaultProfile => text(&self.default_profile),
            SettingName::CustomProfiles => flag(&self.custom_profiles),
            SettingName::Proxy => text(&self.proxy),
            SettingName::ExtraCaFile => self
                .extra_ca_file
                .as_ref()
                .map(|p| Value::String(p.display().to_string())),
            SettingName::AiHistoryRetentionDays => self.ai_history_retention_days.map(Value::from),
            SettingName::RequireClientConsent => flag(&self.require_client_consent),
            SettingName::RequireRedaction => flag(&self.require_redaction),
            SettingName::RequireApprovalBeforeExport => flag(&self.require_approval_before_export),
            SettingName::FirmName => text(&self.firm_name),
            SettingName::ExportFolder => self
                .export_folder
                .as_ref()
                .map(|p| Value::String(p.display().to_string())),
            SettingName::AuditForward => text(&self.audit_forward),
        }
    }

    /// Copies the value of `name` from `other`.
    pub(crate) fn take(&mut self, name: SettingName, other: &Settings) {
        match name {
            SettingName::DefaultProfile => self.default_profile = other.default_profile.clone(),
            SettingName::CustomProfiles => self.custom_profiles = other.custom_profiles,
            SettingName::Proxy => self.proxy = other.proxy.clone(),
            SettingName::ExtraCaFile => self.extra_ca_file = other.extra_ca_file.clone(),
            SettingName::AiHistoryRetentionDays => {
                self.ai_history_retention_days = other.ai_history_retention_days
            }
            SettingName::RequireClientConsent => {
                self.require_client_consent = other.require_client_consent
            }
            SettingName::RequireRedaction => self.require_redaction = other.require_redaction,
            SettingName::RequireApprovalBeforeExport => {
                self.require_approval_before_export = other.require_approval_before_export
            }
            SettingName::FirmName => self.firm_name = other.firm_name.clone(),
            SettingName::ExportFolder => self.export_folder = other.export_folder.clone(),
            SettingName::AuditForward => self.audit_forward = other.audit_forward.clone(),
        }
    }

    /// Whether the policy made `name` a requirement (a `require_*` set to true, or a collector
    /// for the audit log, which a user must not redirect), which locks it.
    pub(crate) fn requires(&self, name: SettingName) -> bool {
        match name {
            SettingName::RequireClientConsent
            | SettingName::RequireRedaction
            | SettingName::RequireApprovalBeforeExport => {
                self.get(name) == Some(serde_json::Value::Bool(true))
            }
            SettingName::AuditForward => self.audit_forward.is_some(),
            _ => false,
        }
    }
}

impl Settings {
    /// Checks each value that is set: a usable profile name, a proxy URL without credentials, an
    /// absolute CA file path, a plausible retention. `at` is where the settings are in the file
    /// (`settings`), `holder` what holds them in messages ("a policy").
    pub(crate) fn check(&self, at: &str, holder: &str) -> Result<(), PolicyProblem> {
        let field = |name: SettingName| format!("{at}.{name}");
        if let Some(name) = &self.default_profile {
            crate::providers::validate_profile_name(name).map_err(|e| {
                PolicyProblem::at(field(SettingName::DefaultProfile), e.to_string())
            })?;
        }
        if let Some(proxy) = &self.proxy {
            let at = field(SettingName::Proxy);
            let parsed = url::Url::parse(proxy).map_err(|e| {
                PolicyProblem::at(
                    &at,
                    format!("{proxy:?} is not a URL ({e}); use the form http://host:port"),
                )
            })?;
            if !matches!(parsed.scheme(), "http" | "https" | "socks5" | "socks5h")
                || parsed.host_str().is_none()
            {
                return Err(PolicyProblem::at(
                    &at,
                    format!("{proxy:?} is not a proxy URL; use the form http://host:port"),
                ));
            }
            if !parsed.username().is_empty() || parsed.password().is_some() {
                return Err(PolicyProblem::at(
                    &at,
                    format!(
                        "the proxy URL holds a user name or password; {holder} never holds secrets"
                    ),
                ));
            }
        }
        if let Some(file) = &self.extra_ca_file
            && !file.is_absolute()
        {
            return Err(PolicyProblem::at(
                field(SettingName::ExtraCaFile),
                format!("{} is not an absolute path", file.display()),
            ));
        }
        if let Some(name) = &self.firm_name
            && let Some(why) = firm_name_problem(name)
        {
            return Err(PolicyProblem::at(field(SettingName::FirmName), why));
        }
        if let Some(folder) = &self.export_folder
            && !folder.is_absolute()
        {
            return Err(PolicyProblem::at(
                field(SettingName::ExportFolder),
                format!("{} is not an absolute path", folder.display()),
            ));
        }
        if let Some(url) = &self.audit_forward {
            crate::audit::Collector::parse(url)
                .map_err(|why| PolicyProblem::at(field(SettingName::AuditForward), why))?;
        }
        if let Some(days) = self.ai_history_retention_days
            && days > 36_500
        {
            return Err(PolicyProblem::at(
                field(SettingName::AiHistoryRetentionDays),
                format!("{days} days is more than 100 years; leave it out to keep history"),
            ));
        }
        Ok(())
    }
}

/// The longest firm name a letterhead holds.
const FIRM_NAME_MAX_CHARS: usize = 200;

/// Why `name` cannot be a letterhead, if it cannot: blank, too long, or holding line breaks or
/// other control characters (a header is one line).
fn firm_name_problem(name: &str) -> Option<String> {
    if name.trim().is_empty() {
        Some("the firm name is empty; leave the setting out to print no firm".to_owned())
    } else if name.chars().count() > FIRM_NAME_MAX_CHARS {
        Some(format!(
            "the firm name is longer than {FIRM_NAME_MAX_CHARS} characters; shorten it"
        ))
    } else if name.chars().any(char::is_control) {
        Some("the firm name holds a line break or control character; write it on one line".into())
    } else {
        None
    }
}
