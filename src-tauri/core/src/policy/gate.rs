//! The policy gate: every request to an AI provider passes here first, at the moment of sending.

use serde::Serialize;

use super::effective::EffectivePolicy;
use super::file::{Policy, jurisdiction_name};
use super::pattern::Pattern;
use crate::providers::{self, ProviderKind, ProviderProfile};
use crate::store::Jurisdiction;
use crate::{Error, Result};

/// What the gate allowed: the profile, and the named exception the send relies on, if any (kept
/// with the draft and its audit entry by later stages).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Clearance {
    pub profile: String,
    pub exception: Option<String>,
}

/// Decides whether `profile` may send now, for a client of `jurisdiction` (`None`: no client, or
/// none recorded; then only the firm-wide rules apply). An invalid policy blocks everything.
pub fn gate(
    effective: &EffectivePolicy,
    profile: &ProviderProfile,
    jurisdiction: Option<Jurisdiction>,
) -> Result<Clearance> {
    if let Some(error) = effective.invalid_error() {
        return Err(error);
    }
    let cleared = Clearance {
        profile: profile.name.clone(),
        exception: None,
    };
    let Some(policy) = effective.policy() else {
        return Ok(cleared);
    };
    let subject = format!("profile {:?}", profile.name);
    match policy.profile(&profile.name) {
        Some(managed) if managed != profile => {
            return Err(blocked(format!(
                "{subject} is defined by the firm's policy, and these settings differ from the \
                 policy's. Casefile sends only with the policy's settings."
            )));
        }
        Some(_) => {}
        None if !effective.custom_profiles() => {
            return Err(blocked(format!(
                "{subject} is not one of the firm's profiles, and the policy allows only its \
                 own ({}).",
                names(policy.profiles.iter().map(|p| p.name.as_str()))
            )));
        }
        None => {}
    }
    rule_violation(policy, profile).map_err(|why| blocked(format!("{subject}: {why}.")))?;
    let Some(jurisdiction) = jurisdiction else {
        return Ok(cleared);
    };
    let Some(rule) = policy.jurisdictions.get(jurisdiction) else {
        return Ok(cleared);
    };
    let label = jurisdiction_name(jurisdiction);
    let region = profile.region.as_deref();
    if let Some(region) = region
        && rule.regions.iter().any(|p| p.matches(region))
    {
        return Ok(cleared);
    }
    if let Some(exception) = rule.exceptions.iter().find(|e| {
        e.profiles.contains(&profile.name)
            || region.is_some_and(|r| e.regions.iter().any(|p| p.matches(r)))
    }) {
        return Ok(Clearance {
            exception: Some(exception.name.clone()),
            ..cleared
        });
    }
    let allowed = names(rule.regions.iter().map(Pattern::as_str));
    let exceptions = if rule.exceptions.is_empty() {
        String::new()
    } else {
        format!(
            " (exceptions: {})",
            names(rule.exceptions.iter().map(|e| e.name.as_str()))
        )
    };
    Err(blocked(format!(
        "the data of {label} clients may be processed only in {allowed}{exceptions}, and {subject} \
         {}. Choose a profile in an allowed region.",
        match region {
            Some(region) => format!("sends to {region}"),
            None => "names no region".to_owned(),
        }
    )))
}

/// Whether the firm-wide rules (kinds, regions, models, endpoints) allow `profile`; the reason if not.
pub(crate) fn rule_violation(policy: &Policy, profile: &ProviderProfile) -> Result<(), String> {
    if let Some(kinds) = &policy.allowed_kinds
        && !kinds.contains(&profile.kind)
    {
        return Err(format!(
            "the firm's policy allows only these provider kinds: {}, not {}",
            names(kinds.iter().map(|k| k.as_str())),
            profile.kind
        ));
    }
    let region = sending_region(profile)?;
    if let Some(regions) = &policy.allowed_regions {
        let listed = || names(regions.iter().map(Pattern::as_str));
        match region.as_deref() {
            Some(region) if regions.iter().any(|p| p.matches(region)) => {}
            Some(region) => {
                return Err(format!(
                    "the firm's policy allows only these regions: {}, not {region}",
                    listed()
                ));
            }
            None => {
                return Err(format!(
                    "the firm's policy allows only these regions: {}, and the profile names no \
                     region (set its region)",
                    listed()
                ));
            }
        }
        if let Some(why) = route_violation(regions, profile) {
            return Err(format!(
                "the firm's policy allows only these regions: {}, and {why}",
                listed()
            ));
        }
    }
    if let Some(models) = &policy.allowed_models {
        let (what, name) = model_of(profile);
        match name {
            Some(name) if models.iter().any(|p| p.matches(name)) => {}
            Some(name) => {
                return Err(format!(
                    "the firm's policy allows only these models and deployments: {}, not {what} \
                     {name}",
                    names(models.iter().map(Pattern::as_str))
                ));
            }
            None => {
                return Err(format!(
                    "the firm's policy allows only these models and deployments: {}, and the \
                     profile names no {what}",
                    names(models.iter().map(Pattern::as_str))
                ));
            }
        }
    }
    if let Some(hosts) = &policy.allowed_endpoints {
        let host = providers::endpoint_url(profile)
            .map_err(|e| format!("its endpoint cannot be checked: {}", e.message()))?
            .host_str()
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        if !hosts.iter().any(|p| p.matches(&host)) {
            return Err(format!(
                "the firm's policy allows only these endpoints: {}, not {host}",
                names(hosts.iter().map(Pattern::as_str))
            ));
        }
    }
    Ok(())
}

/// The region `profile` sends to: the one its endpoint names (a Bedrock host, a Vertex AI
/// location), else its region setting, which alone describes a proxy, a private endpoint or
/// this computer. Refused when the setting names another region than the endpoint.
fn sending_region(profile: &ProviderProfile) -> Result<Option<String>, String> {
    let label = profile
        .region
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    // An endpoint that cannot be derived fails when sending; here it names no region.
    let Some(endpoint) = providers::endpoint_url(profile)
        .ok()
        .and_then(|url| providers::endpoint_region(&url, profile.kind))
    else {
        return Ok(label.map(str::to_owned));
    };
    match label {
        Some(label) if label != endpoint => Err(format!(
            "its region is set to {label} but its endpoint is in {endpoint} (the region is \
             taken from the endpoint's host when it names one); correct the region or the \
             endpoint"
        )),
        _ => Ok(Some(endpoint)),
    }
}

/// Why a Bedrock cross-region inference profile (`us.…`, `eu.…`, `global.…`) may route
/// requests outside `regions`, if it may: a geography must be covered by one allowed pattern
/// (`eu-*` covers `eu.`), and `global.` needs `global` among the allowed regions.
fn route_violation(regions: &[Pattern], profile: &ProviderProfile) -> Option<String> {
    if !matches!(
        profile.kind,
        ProviderKind::Bedrock | ProviderKind::BedrockOpenAi
    ) {
        return None;
    }
    let model = profile.model.as_deref()?;
    let covered = match providers::inference_route(model)? {
        None => regions.iter().any(|p| p.matches("global")),
        Some(prefix) => regions.iter().any(|p| {
            p.as_str()
                .strip_suffix('*')
                .is_some_and(|start| !start.contains(['*', '?']) && prefix.starts_with(start))
        }),
    };
    (!covered).then(|| {
        format!(
            "model {model} is a cross-region inference profile that may send to regions \
             outside them (use a profile of an allowed geography, or the model id itself)"
        )
    })
}

/// The name `allowed_models` is matched against: the deployment for Azure OpenAI (the name the
/// request carries), the model id for every other kind.
fn model_of(profile: &ProviderProfile) -> (&'static str, Option<&str>) {
    match profile.kind {
        ProviderKind::AzureOpenAi => ("deployment", profile.deployment.as_deref()),
        _ => ("model", profile.model.as_deref()),
    }
}

pub(crate) fn blocked(what: String) -> Error {
    Error::PolicyBlocked(format!(
        "Managed by your IT provider: {what} Ask your IT provider if you need this changed."
    ))
}

fn names<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let list: Vec<_> = items.collect();
    if list.is_empty() {
        "none".to_owned()
    } else {
        list.join(", ")
    }
}
