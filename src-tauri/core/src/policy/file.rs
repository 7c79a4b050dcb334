//! The policy file's format (version 1), read strictly: a key this Casefile does not know, a value
//! of the wrong type, a secret, or rules that contradict each other make the whole file invalid,
//! with the place (line and column, or the field's path) and the reason.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::pattern::Pattern;
use super::settings::{SettingName, Settings};
use crate::providers::{ProviderKind, ProviderProfile};
use crate::secrets::looks_like_credential_name;
use crate::store::Jurisdiction;

/// The policy format this Casefile reads.
pub const POLICY_VERSION: u32 = 1;

/// Longest policy file read; anything longer is refused as not a policy.
pub const MAX_POLICY_BYTES: usize = 1024 * 1024;

/// The managed policy an MSP places on each desktop. Its published schema (generated from these
/// types) is `src-tauri/core/policy/policy.schema.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "Casefile managed policy",
    description = "Placed by the firm's IT provider at /etc/casefile/policy.json (Linux), /Library/Application Support/Casefile/policy.json (macOS) or %ProgramData%\\Casefile\\policy.json (Windows). Never holds a secret."
)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Policy {
    /// Where editors find this schema; ignored by Casefile.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// The policy format version: 1.
    pub version: u32,
    /// Firm-wide provider profiles (settings only: credentials are set on each desktop with
    /// `casefile-admin secret set`). Users cannot change or remove them.
    #[serde(default)]
    pub profiles: Vec<ProviderProfile>,
    /// Provider kinds any profile may use; absent means every kind.
    #[serde(default)]
    pub allowed_kinds: Option<Vec<ProviderKind>>,
    /// Regions (Bedrock region, Vertex location, Azure resource region) any profile may use,
    /// exact or as patterns such as eu-*; absent means any region. With a list, a profile that
    /// names no region cannot send.
    #[serde(default)]
    pub allowed_regions: Option<Vec<Pattern>>,
    /// Models (or, for azure-openai, deployment names) any profile may use, exact or as
    /// patterns; absent means any.
    #[serde(default)]
    pub allowed_models: Option<Vec<Pattern>>,
    /// Where each client jurisdiction's data may be processed. A jurisdiction not listed is
    /// bound by the rules above only.
    #[serde(default)]
    pub jurisdictions: JurisdictionRules,
    /// Values for the user settings: defaults the user may change, unless locked.
    #[serde(default)]
    pub settings: Settings,
    /// Settings users cannot change, each with the reason shown to them.
    #[serde(default)]
    pub locks: BTreeMap<SettingName, String>,
    /// Drafting templates pinned to one version, by template name (e.g. "case-summary"): a
    /// firm file of another version cannot replace a pinned template, and drafting refuses a
    /// pinned template whose version differs.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub templates: BTreeMap<String, TemplatePin>,
    /// Endpoint hosts any profile may send to, exact or as patterns such as *.openai.azure.com
    /// (a host name only: no scheme, port or path); absent means any. With a list, the
    /// providers' own hosts (api.openai.com, bedrock-runtime.eu-*.amazonaws.com) must be listed
    /// too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_endpoints: Option<Vec<Pattern>>,
}

/// One template's pinned version and, optionally, its exact content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct TemplatePin {
    /// The only version of the template drafts may use (1 or more).
    pub version: u32,
    /// Why it is pinned, shown beside "pinned by your IT provider".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// SHA-256 of the template file's bytes (64 lowercase hex digits), as `casefile-admin
    /// template list` shows it. With it, only that exact file is used; without it, any file
    /// carrying the pinned version number is (an edit that keeps the number passes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

/// One rule per client jurisdiction (the contact's `jurisdiction`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct JurisdictionRules {
    #[serde(rename = "US", default, skip_serializing_if = "Option::is_none")]
    pub us: Option<JurisdictionRule>,
    #[serde(rename = "EU", default, skip_serializing_if = "Option::is_none")]
    pub eu: Option<JurisdictionRule>,
    #[serde(rename = "UK", default, skip_serializing_if = "Option::is_none")]
    pub uk: Option<JurisdictionRule>,
    #[serde(rename = "CA", default, skip_serializing_if = "Option::is_none")]
    pub ca: Option<JurisdictionRule>,
    #[serde(rename = "other", default, skip_serializing_if = "Option::is_none")]
    pub other: Option<JurisdictionRule>,
}

impl JurisdictionRules {
    pub fn get(&self, jurisdiction: Jurisdiction) -> Option<&JurisdictionRule> {
        match jurisdiction {
            Jurisdiction::Us => self.us.as_ref(),
            Jurisdiction::Eu => self.eu.as_ref(),
            Jurisdiction::Uk => self.uk.as_ref(),
            Jurisdiction::Ca => self.ca.as_ref(),
            Jurisdiction::Other => self.other.as_ref(),
        }
    }

    /// The rules that are set, with the jurisdiction's name as the policy spells it.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &JurisdictionRule)> {
        [
            ("US", &self.us),
            ("EU", &self.eu),
            ("UK", &self.uk),
            ("CA", &self.ca),
            ("other", &self.other),
        ]
        .into_iter()
        .filter_map(|(name, rule)| rule.as_ref().map(|r| (name, r)))
    }
}

/// The policy's name for a jurisdiction.
pub fn jurisdiction_name(jurisdiction: Jurisdiction) -> &'static str {
    match jurisdiction {
        Jurisdiction::Us => "US",
        Jurisdiction::Eu => "EU",
        Jurisdiction::Uk => "UK",
        Jurisdiction::Ca => "CA",
        Jurisdiction::Other => "other",
    }
}

/// Where one jurisdiction's clients' data may be processed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct JurisdictionRule {
    /// Regions allowed for these clients, exact or as patterns.
    pub regions: Vec<Pattern>,
    /// Named exceptions: further regions or profiles allowed for these clients, with the reason.
    #[serde(default)]
    pub exceptions: Vec<JurisdictionException>,
}

/// A named exception to a jurisdiction's regions (e.g. a DPA that covers a US region).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct JurisdictionException {
    /// Shown when a send uses the exception, and kept with it.
    pub name: String,
    /// Further regions allowed, exact or as patterns.
    #[serde(default)]
    pub regions: Vec<Pattern>,
    /// Policy profiles allowed whatever their region.
    #[serde(default)]
    pub profiles: Vec<String>,
    /// Why the exception exists (the contract, the client's consent…).
    #[serde(default)]
    pub reason: Option<String>,
}

/// Where in the file a problem is: a line and column, a field's path, both, or the whole file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PolicyLocation {
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The field's path, e.g. `jurisdictions.EU.regions[1]`.
    pub field: Option<String>,
}

impl PolicyLocation {
    pub fn whole_file() -> Self {
        Self::default()
    }

    pub fn field(path: impl Into<String>) -> Self {
        Self {
            field: Some(path.into()),
            ..Self::default()
        }
    }
}

impl fmt::Display for PolicyLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let (Some(line), Some(column)) = (self.line, self.column) {
            parts.push(format!("line {line}, column {column}"));
        }
        if let Some(field) = &self.field {
            parts.push(format!("field {field}"));
        }
        if parts.is_empty() {
            f.write_str("the whole file")
        } else {
            f.write_str(&parts.join(", "))
        }
    }
}

/// Why a policy file is invalid, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyProblem {
    pub location: PolicyLocation,
    pub reason: String,
}

impl PolicyProblem {
    pub(crate) fn at(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            location: PolicyLocation::field(field),
            reason: reason.into(),
        }
    }
}

impl Policy {
    /// Reads a policy file's text. Any problem makes the whole policy invalid: nothing of it is
    /// used, and the caller blocks every send.
    pub fn parse(text: &str) -> Result<Policy, PolicyProblem> {
        if text.len() > MAX_POLICY_BYTES {
            return Err(PolicyProblem {
                location: PolicyLocation::whole_file(),
                reason: format!(
                    "the file is larger than {MAX_POLICY_BYTES} bytes; a policy is far smaller"
                ),
            });
        }
        crate::json_keys::check_unique_keys(text).map_err(|p| json_problem(&p.error, p.object))?;
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| json_problem(&e, None))?;
        let Some(object) = value.as_object() else {
            return Err(PolicyProblem::at(
                ".",
                "the policy must be a JSON object ({\"version\": 1, …})",
            ));
        };
        match object.get("version") {
            None => {
                return Err(PolicyProblem::at(
                    "version",
                    format!("the policy has no version; add \"version\": {POLICY_VERSION}"),
                ));
            }
            Some(v) if v.as_u64().is_some_and(|v| v > u64::from(POLICY_VERSION)) => {
                return Err(PolicyProblem::at(
                    "version",
                    format!(
                        "this policy is written for a newer Casefile (version {v}); this Casefile \
                         reads version {POLICY_VERSION}: update Casefile or use a version \
                         {POLICY_VERSION} policy"
                    ),
                ));
            }
            Some(_) => {}
        }
        find_secrets(&value, &mut String::new(), "a policy file")?;
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let policy: Policy = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
            let path = e.path().to_string();
            let field = (path != ".").then_some(path);
            json_problem(e.inner(), field)
        })?;
        policy.check()?;
        Ok(policy)
    }

    /// The policy's profile named `name`.
    pub fn profile(&self, name: &str) -> Option<&ProviderProfile> {
        self.profiles.iter().find(|p| p.name == name)
    }

    /// Rules that the types alone cannot express, and rules that contradict each other.
    fn check(&self) -> Result<(), PolicyProblem> {
        if self.version != POLICY_VERSION {
            return Err(PolicyProblem::at(
                "version",
                format!(
                    "version {} is not a policy version; this Casefile reads version {POLICY_VERSION}",
                    self.version
                ),
            ));
        }
        let mut names = BTreeSet::new();
        for (i, profile) in self.profiles.iter().enumerate() {
            let at = format!("profiles[{i}]");
            profile
                .validate()
                .map_err(|e| PolicyProblem::at(&at, e.to_string()))?;
            if !names.insert(profile.name.as_str()) {
                return Err(PolicyProblem::at(
                    format!("{at}.name"),
                    format!("two profiles are named {:?}", profile.name),
                ));
            }
            if let Err(why) = super::gate::rule_violation(self, profile) {
                return Err(PolicyProblem::at(
                    &at,
                    format!(
                        "profile {:?} contradicts the policy's own rules: {why}",
                        profile.name
                    ),
                ));
            }
        }
        if let Some(regions) = &self.allowed_regions {
            for (i, region) in regions.iter().enumerate() {
                check_region_pattern(region, &format!("allowed_regions[{i}]"))?;
            }
        }
        for (i, host) in self.allowed_endpoints.iter().flatten().enumerate() {
            check_host_pattern(host, &format!("allowed_endpoints[{i}]"))?;
        }
        for (jurisdiction, rule) in self.jurisdictions.iter() {
            let at = format!("jurisdictions.{jurisdiction}");
            for (i, region) in rule.regions.iter().enumerate() {
                self.check_mapped_region(region, &format!("{at}.regions[{i}]"), jurisdiction)?;
            }
            let mut exception_names = BTreeSet::new();
            for (i, exception) in rule.exceptions.iter().enumerate() {
                let at = format!("{at}.exceptions[{i}]");
                if exception.name.trim().is_empty() {
                    return Err(PolicyProblem::at(
                        format!("{at}.name"),
                        "an exception needs a name, shown when a send uses it",
                    ));
                }
                if !exception_names.insert(exception.name.as_str()) {
                    return Err(PolicyProblem::at(
                        format!("{at}.name"),
                        format!("two exceptions are named {:?}", exception.name),
                    ));
                }
                if exception.regions.is_empty() && exception.profiles.is_empty() {
                    return Err(PolicyProblem::at(
                        &at,
                        format!(
                            "exception {:?} allows nothing: give it regions or profiles",
                            exception.name
                        ),
                    ));
                }
                for (j, region) in exception.regions.iter().enumerate() {
                    self.check_mapped_region(region, &format!("{at}.regions[{j}]"), jurisdiction)?;
                }
                for (j, name) in exception.profiles.iter().enumerate() {
                    if self.profile(name).is_none() {
                        return Err(PolicyProblem::at(
                            format!("{at}.profiles[{j}]"),
                            format!(
                                "{name:?} is not one of the policy's profiles; an exception can \
                                 only name a profile the policy defines"
                            ),
                        ));
                    }
                }
            }
        }
        self.check_settings()?;
        for (name, reason) in &self.locks {
            if reason.trim().is_empty() {
                return Err(PolicyProblem::at(
                    format!("locks.{name}"),
                    "a lock needs a reason: users see it beside the locked setting",
                ));
            }
        }
        self.check_template_pins()
    }

    fn check_template_pins(&self) -> Result<(), PolicyProblem> {
        for (name, pin) in &self.templates {
            let at = format!("templates.{name}");
            if !crate::drafting::templates::is_template_name(name) {
                return Err(PolicyProblem::at(
                    &at,
                    format!(
                        "{name:?} is not a template name: lowercase letters and digits, words \
                         joined by '-' (see casefile-admin template list)"
                    ),
                ));
            }
            if pin.version == 0 {
                return Err(PolicyProblem::at(
                    format!("{at}.version"),
                    "template versions start at 1",
                ));
            }
            if let Some(hash) = &pin.sha256
                && !(hash.len() == 64
                    && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
            {
                return Err(PolicyProblem::at(
                    format!("{at}.sha256"),
                    "a SHA-256 is 64 lowercase hex digits: copy it from casefile-admin template list",
                ));
            }
            if pin.reason.as_deref().is_some_and(|r| r.trim().is_empty()) {
                return Err(PolicyProblem::at(
                    format!("{at}.reason"),
                    "the reason is empty: write why the template is pinned, or leave reason out",
                ));
            }
        }
        Ok(())
    }

    /// A jurisdiction's region must be a usable name that the allowed regions do not forbid.
    fn check_mapped_region(
        &self,
        region: &Pattern,
        at: &str,
        jurisdiction: &str,
    ) -> Result<(), PolicyProblem> {
        check_region_pattern(region, at)?;
        if let Some(allowed) = &self.allowed_regions
            && !allowed.iter().any(|a| a.overlaps(region))
        {
            let list: Vec<_> = allowed.iter().map(Pattern::as_str).collect();
            return Err(PolicyProblem::at(
                at,
                format!(
                    "{jurisdiction} clients are mapped to region {region}, which allowed_regions \
                     ({}) forbids: the two rules contradict each other",
                    list.join(", ")
                ),
            ));
        }
        Ok(())
    }

    fn check_settings(&self) -> Result<(), PolicyProblem> {
        let s = &self.settings;
        s.check("settings", "a policy")?;
        if let Some(name) = &s.default_profile
            && s.custom_profiles == Some(false)
            && self.profile(name).is_none()
        {
            return Err(PolicyProblem::at(
                "settings.default_profile",
                format!(
                    "{name:?} is not one of the policy's profiles, and custom_profiles is \
                     false, so it could never be used"
                ),
            ));
        }
        Ok(())
    }
}

fn check_region_pattern(region: &Pattern, at: &str) -> Result<(), PolicyProblem> {
    let valid =
        |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '*' | '?');
    if region.as_str().chars().all(valid) {
        Ok(())
    } else {
        Err(PolicyProblem::at(
            at,
            format!(
                "{region:?} is not a region name or pattern: use lower-case letters, digits, '-', \
                 and * or ?, e.g. eu-* or swedencentral"
            ),
        ))
    }
}

fn check_host_pattern(host: &Pattern, at: &str) -> Result<(), PolicyProblem> {
    let valid = |c: char| {
        c.is_ascii_lowercase()
            || c.is_ascii_digit()
            || matches!(c, '-' | '.' | '*' | '?' | '[' | ']' | ':')
    };
    let text = host.as_str();
    // A colon only inside an IPv6 address's brackets: a port is never part of the host.
    let port = text.contains(':') && !text.starts_with('[');
    if text.chars().all(valid) && !port && !text.starts_with('.') {
        Ok(())
    } else {
        Err(PolicyProblem::at(
            at,
            format!(
                "{:?} is not a host name or pattern: use lower-case host names with * or ?, \
                 without https://, a port or a path, e.g. *.openai.azure.com or gateway.example.com",
                host.as_str()
            ),
        ))
    }
}

/// A serde_json error as a problem: its line and column, the field when known, and its
/// message without the position (shown separately).
pub(crate) fn json_problem(error: &serde_json::Error, field: Option<String>) -> PolicyProblem {
    let message = error.to_string();
    let reason = match message.rsplit_once(" at line ") {
        Some((reason, _)) => reason.to_owned(),
        None => message,
    };
    let reason = match error.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
            format!("not valid JSON: {reason}")
        }
        _ => reason,
    };
    PolicyProblem {
        location: PolicyLocation {
            line: (error.line() > 0).then_some(error.line()),
            column: (error.line() > 0).then_some(error.column()),
            field,
        },
        reason,
    }
}

/// Refuses anything that looks like a credential, wherever it is: policy and configuration
/// files are copied around and readable by other users, and credentials belong in each
/// desktop's keychain. `file` names the kind of file in the message ("a policy file").
pub(crate) fn find_secrets(
    value: &serde_json::Value,
    path: &mut String,
    file: &str,
) -> Result<(), PolicyProblem> {
    match value {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                let len = path.len();
                let header = path.ends_with("extra_headers");
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                if looks_like_credential_name(key) {
                    let remedy = if header {
                        format!(
                            "Name it in the profile's keychain_headers instead and set its value \
                             on each desktop with: casefile-admin secret set PROFILE header:{key}"
                        )
                    } else {
                        "Remove it and set credentials on each desktop with: casefile-admin \
                         secret set PROFILE FIELD"
                            .to_owned()
                    };
                    return Err(PolicyProblem::at(
                        path.as_str(),
                        format!(
                            "{key:?} looks like a credential, and {file} never holds secrets \
                             (other users can read it). {remedy}"
                        ),
                    ));
                }
                find_secrets(value, path, file)?;
                path.truncate(len);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                find_secrets(item, path, file)?;
                path.truncate(len);
            }
        }
        serde_json::Value::String(text) if text.contains("PRIVATE KEY-----") => {
            return Err(PolicyProblem::at(
                path.as_str(),
                format!(
                    "this value is a private key, and {file} never holds secrets. Set it on \
                     each desktop with: casefile-admin secret set PROFILE service_account_json"
                ),
            ));
        }
        _ => {}
    }
    Ok(())
}
