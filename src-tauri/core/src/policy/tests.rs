use std::path::Path;

use serde_json::json;

use super::*;
use crate::ErrorCode;
use crate::providers::{ProviderKind, ProviderProfile};
use crate::store::Jurisdiction;

/// The target: Azure OpenAI in EU regions for EU clients, Bedrock us-east-1 for the rest.
pub(crate) fn firm_policy() -> serde_json::Value {
    json!({
        "version": 1,
        "profiles": [
            {
                "name": "firm-eu",
                "kind": "azure-openai",
                "base_url": "https://firm-eu.openai.azure.com",
                "deployment": "drafting",
                "region": "swedencentral",
                "data_processing": {"processing_region": "EU (Sweden)", "retention": "zero-data-retention", "no_training": true}
            },
            {
                "name": "firm-us",
                "kind": "bedrock",
                "region": "us-east-1",
                "model": "anthropic.claude-sonnet-4-5-20250929-v1:0"
            }
        ],
        "allowed_kinds": ["azure-openai", "bedrock"],
        "allowed_regions": ["swedencentral", "eu-*", "us-east-1"],
        "jurisdictions": {
            "EU": {"regions": ["swedencentral", "eu-*"]},
            "US": {"regions": ["us-east-1"]},
            "UK": {"regions": ["us-east-1"]},
            "CA": {"regions": ["us-east-1"]},
            "other": {"regions": ["us-east-1"]}
        },
        "settings": {
            "default_profile": "firm-eu",
            "proxy": "http://proxy.firm.example:3128",
            "require_client_consent": true,
            "ai_history_retention_days": 90
        },
        "locks": {"proxy": "All AI traffic goes through the firm's proxy."}
    })
}

fn parse(value: &serde_json::Value) -> Result<Policy, PolicyProblem> {
    Policy::parse(&serde_json::to_string_pretty(value).unwrap())
}

fn with(mut value: serde_json::Value, pointer: &str, new: serde_json::Value) -> serde_json::Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    match value
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("{pointer}"))
    {
        serde_json::Value::Object(map) => {
            map.insert(key.to_owned(), new);
        }
        serde_json::Value::Array(items) => items[key.parse::<usize>().unwrap()] = new,
        _ => panic!("{pointer}"),
    }
    value
}

fn effective(policy: &serde_json::Value, user: &Settings) -> EffectivePolicy {
    let text = serde_json::to_string_pretty(policy).unwrap();
    EffectivePolicy::compute(PolicyState::from_text(Path::new("/p.json"), &text), user)
}

fn no_policy() -> EffectivePolicy {
    EffectivePolicy::compute(
        PolicyState::Absent {
            path: "/p.json".into(),
        },
        &Settings::default(),
    )
}

fn azure(name: &str, region: &str) -> ProviderProfile {
    let mut p = ProviderProfile::new(name, ProviderKind::AzureOpenAi).unwrap();
    p.base_url = Some("https://x.openai.azure.com".into());
    p.deployment = Some("drafting".into());
    p.region = Some(region.into());
    p
}

fn bedrock(name: &str, region: &str) -> ProviderProfile {
    let mut p = ProviderProfile::new(name, ProviderKind::Bedrock).unwrap();
    p.region = Some(region.into());
    p.model = Some("anthropic.claude-sonnet-4-5-20250929-v1:0".into());
    p
}

#[test]
fn the_firm_policy_parses() {
    let policy = parse(&firm_policy()).unwrap();
    assert_eq!(policy.profiles.len(), 2);
    assert_eq!(
        policy.locks[&SettingName::Proxy],
        "All AI traffic goes through the firm's proxy."
    );
    assert!(policy.jurisdictions.get(Jurisdiction::Eu).is_some());
}

/// Each invalid file fails closed with a place and a reason: (file, expected place, words of
/// the reason).
#[test]
fn every_invalid_policy_fails_closed_with_its_place_and_reason() {
    let p = firm_policy();
    let text_cases: Vec<(String, &str, &str)> = vec![
        ("".into(), "line 1", "not valid JSON"),
        (
            "{\"version\": 1,\n  \"profiles\": [}".into(),
            "line 2",
            "not valid JSON",
        ),
        ("[1]".into(), "field .", "JSON object"),
        (
            "{\"version\": 1, \"version\": 1}".into(),
            "line 1",
            "duplicate key \"version\"",
        ),
        // serde_json keeps the last of two equal keys: each of these would silently drop a rule.
        (
            "{\"version\": 1,\n \"jurisdictions\": {\n  \"EU\": {\"regions\": [\"eu-*\"]},\n  \
             \"EU\": {\"regions\": [\"us-east-1\"]}}}"
                .into(),
            "line 4, column 6, field jurisdictions",
            "duplicate key \"EU\"",
        ),
        (
            "{\"version\": 1, \"locks\": {\"proxy\": \"Firm proxy.\",\n \"proxy\": \"Other.\"}}"
                .into(),
            "line 2, column 8, field locks",
            "duplicate key \"proxy\"",
        ),
        (
            "{\"version\": 1, \"settings\": {\"require_redaction\": true,\n \
             \"require_redaction\": false}}"
                .into(),
            "line 2, column 20, field settings",
            "duplicate key \"require_redaction\"",
        ),
        (
            "{\"version\": 1, \"profiles\": [{\"name\": \"a\", \"kind\": \"bedrock\",\n \
             \"region\": \"eu-west-1\", \"region\": \"us-east-1\", \"model\": \"m\"}]}"
                .into(),
            "line 2, column 32, field profiles[0]",
            "duplicate key \"region\"",
        ),
        (
            "{\"version\": 1, \"jurisdictions\": {\"CA\": {\"regions\": [], \"exceptions\": [\n \
             {\"name\": \"DPA\", \"regions\": [\"us-east-1\"], \"name\": \"Consent\"}]}}}"
                .into(),
            "line 2, column 49, field jurisdictions.CA.exceptions[0]",
            "duplicate key \"name\"",
        ),
    ];
    let value_cases: Vec<(serde_json::Value, &str, &str)> = vec![
        (json!({"profiles": []}), "field version", "no version"),
        (json!({"version": 2}), "field version", "newer Casefile"),
        (json!({"version": 0}), "field version", "reads version 1"),
        (json!({"version": "1"}), "field version", "invalid type"),
        (
            json!({"version": 1, "alowed_kinds": []}),
            "line 2, column 16, field alowed_kinds",
            "unknown field `alowed_kinds`",
        ),
        (
            with(p.clone(), "/allowed_kinds/0", json!("azure")),
            "field allowed_kinds[0]",
            "unknown variant",
        ),
        (
            with(p.clone(), "/allowed_regions", json!("eu-*")),
            "field allowed_regions",
            "invalid type",
        ),
        (
            with(p.clone(), "/allowed_regions/1", json!("EU West")),
            "field allowed_regions[1]",
            "no spaces",
        ),
        (
            with(p.clone(), "/allowed_regions/1", json!("EU-*")),
            "field allowed_regions[1]",
            "lower-case",
        ),
        (
            with(p.clone(), "/profiles/0/api_key", json!("sk-123")),
            "field profiles[0].api_key",
            "never holds secrets",
        ),
        (
            with(
                p.clone(),
                "/profiles/0/extra_headers",
                json!({"Ocp-Apim-Subscription-Key": "k"}),
            ),
            "field profiles[0].extra_headers.Ocp-Apim-Subscription-Key",
            "secret set PROFILE header:Ocp-Apim-Subscription-Key",
        ),
        (
            with(
                p.clone(),
                "/profiles/1/model",
                json!("-----BEGIN PRIVATE KEY-----"),
            ),
            "field profiles[1].model",
            "private key",
        ),
        (
            with(p.clone(), "/profiles/0/deployment", json!(null)),
            "field profiles[0]",
            "needs deployment",
        ),
        (
            with(p.clone(), "/profiles/1/name", json!("firm-eu")),
            "field profiles[1].name",
            "two profiles",
        ),
        (
            with(p.clone(), "/profiles/1/region", json!("us-west-2")),
            "field profiles[1]",
            "contradicts",
        ),
        (
            with(p.clone(), "/jurisdictions/EU/regions/1", json!("europe-*")),
            "field jurisdictions.EU.regions[1]",
            "contradict",
        ),
        (
            with(p.clone(), "/jurisdictions/DE", json!({"regions": []})),
            "field jurisdictions",
            "unknown field `DE`",
        ),
        (
            with(
                p.clone(),
                "/jurisdictions/CA/exceptions",
                json!([{"name": "dpa", "profiles": ["mine"]}]),
            ),
            "field jurisdictions.CA.exceptions[0].profiles[0]",
            "policy's profiles",
        ),
        (
            with(
                p.clone(),
                "/jurisdictions/CA/exceptions",
                json!([{"name": "dpa"}]),
            ),
            "field jurisdictions.CA.exceptions[0]",
            "allows nothing",
        ),
        (
            with(p.clone(), "/locks/proxy", json!(" ")),
            "field locks.proxy",
            "needs a reason",
        ),
        (
            with(p.clone(), "/locks/colour", json!("x")),
            "field locks",
            "unknown variant `colour`",
        ),
        (
            with(p.clone(), "/settings/proxy", json!("proxy.firm:3128")),
            "field settings.proxy",
            "proxy URL",
        ),
        (
            with(
                p.clone(),
                "/settings/proxy",
                json!("http://user:pw@proxy:3128"),
            ),
            "field settings.proxy",
            "never holds secrets",
        ),
        (
            with(p.clone(), "/settings/extra_ca_file", json!("ca.pem")),
            "field settings.extra_ca_file",
            "absolute",
        ),
        (
            with(p.clone(), "/settings/ai_history_retention_days", json!(-1)),
            "field settings.ai_history_retention_days",
            "invalid value",
        ),
        (
            with(p.clone(), "/settings/require_redaction", json!("yes")),
            "field settings.require_redaction",
            "invalid type",
        ),
        (
            with(
                with(p.clone(), "/settings/custom_profiles", json!(false)),
                "/settings/default_profile",
                json!("mine"),
            ),
            "field settings.default_profile",
            "never be used",
        ),
        // Template pins.
        (
            with(
                p.clone(),
                "/templates",
                json!({"Case Summary": {"version": 3}}),
            ),
            "field templates.Case Summary",
            "not a template name",
        ),
        (
            with(
                p.clone(),
                "/templates",
                json!({"case-summary": {"version": 0}}),
            ),
            "field templates.case-summary.version",
            "start at 1",
        ),
        (
            with(
                p.clone(),
                "/templates",
                json!({"case-summary": {"version": "3"}}),
            ),
            "field templates.case-summary.version",
            "expected u32",
        ),
        (
            with(
                p.clone(),
                "/templates",
                json!({"case-summary": {"version": -2}}),
            ),
            "field templates.case-summary.version",
            "expected u32",
        ),
        (
            with(
                p.clone(),
                "/templates",
                json!({"case-summary": {"version": 3, "file": "x.toml"}}),
            ),
            "field templates.case-summary",
            "unknown field `file`",
        ),
        (
            with(
                p.clone(),
                "/templates",
                json!({"case-summary": {"reason": "Reviewed"}}),
            ),
            "field templates.case-summary",
            "missing field `version`",
        ),
        (
            with(
                p.clone(),
                "/templates",
                json!({"case-summary": {"version": 3, "reason": " "}}),
            ),
            "field templates.case-summary.reason",
            "reason is empty",
        ),
        (
            with(
                p.clone(),
                "/templates",
                json!({"case-summary": {"version": 3, "sha256": "ABCDEF"}}),
            ),
            "field templates.case-summary.sha256",
            "64 lowercase hex digits",
        ),
        (
            with(
                p.clone(),
                "/templates",
                json!({"case-summary": {"version": 3, "sha256": "A".repeat(64)}}),
            ),
            "field templates.case-summary.sha256",
            "64 lowercase hex digits",
        ),
        (
            with(p.clone(), "/templates", json!({"case-summary": 3})),
            "field templates.case-summary",
            "expected struct TemplatePin",
        ),
    ];
    let all = text_cases.into_iter().chain(
        value_cases
            .into_iter()
            .map(|(v, at, why)| (serde_json::to_string_pretty(&v).unwrap(), at, why)),
    );
    let mut count = 0;
    for (text, at, why) in all {
        count += 1;
        let state = PolicyState::from_text(Path::new("/etc/casefile/policy.json"), &text);
        let PolicyState::Invalid {
            location, reason, ..
        } = &state
        else {
            panic!("accepted: {text}");
        };
        let place = location.to_string();
        assert!(
            place.contains(at),
            "{text}\n→ {place}: {reason} (wanted {at})"
        );
        assert!(
            reason.contains(why),
            "{text}\n→ {place}: {reason} (wanted {why})"
        );
        // Fails closed: nothing is sent, and the message names the file, place and reason.
        let eff = EffectivePolicy::compute(state, &Settings::default());
        let err = gate(&eff, &azure("firm-eu", "swedencentral"), None).unwrap_err();
        assert_eq!(err.code(), ErrorCode::PolicyBlocked);
        let message = err.to_string();
        assert!(
            message.contains("/etc/casefile/policy.json") && message.contains(&place),
            "{message}"
        );
    }
    assert!(count >= 30, "{count} cases");
}

#[test]
fn unreadable_and_loosely_permitted_files_fail_closed() {
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(
        PolicyState::load(&dir.path().join("none.json")),
        PolicyState::Absent { .. }
    ));
    // A folder where the file should be.
    let folder = dir.path().join("policy.d");
    std::fs::create_dir(&folder).unwrap();
    let PolicyState::Invalid {
        reason, location, ..
    } = PolicyState::load(&folder)
    else {
        panic!("a folder was accepted");
    };
    assert!(reason.contains("not a regular file"), "{reason}");
    assert_eq!(location.to_string(), "the whole file");
    let file = dir.path().join("policy.json");
    std::fs::write(&file, [0xff, 0xfe, b'{']).unwrap();
    assert!(
        matches!(PolicyState::load(&file), PolicyState::Invalid { reason, .. } if reason.contains("UTF-8"))
    );
    std::fs::write(&file, serde_json::to_string(&firm_policy()).unwrap()).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(matches!(
            PolicyState::load(&file),
            PolicyState::Valid { .. }
        ));
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o666)).unwrap();
        assert!(
            matches!(PolicyState::load(&file), PolicyState::Invalid { reason, .. } if reason.contains("writable"))
        );
    }
    std::fs::write(&file, " ".repeat(MAX_POLICY_BYTES + 1)).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    assert!(
        matches!(PolicyState::load(&file), PolicyState::Invalid { reason, .. } if reason.contains("larger"))
    );
}

#[test]
fn locks_win_over_the_user_and_unlocked_policy_values_are_defaults() {
    let user = Settings {
        proxy: Some("http://my-own-proxy:8080".into()),
        ai_history_retention_days: Some(5),
        require_client_consent: Some(false),
        require_redaction: Some(true),
        default_profile: Some("mine".into()),
        ..Settings::default()
    };
    let eff = effective(&firm_policy(), &user);
    let proxy = eff.setting(SettingName::Proxy);
    assert_eq!(proxy.value, json!("http://proxy.firm.example:3128"));
    assert!(proxy.locked && proxy.source == SettingSource::Policy);
    assert_eq!(
        proxy.reason.as_deref(),
        Some("All AI traffic goes through the firm's proxy.")
    );
    assert_eq!(
        eff.transport().proxy.as_deref(),
        Some("http://proxy.firm.example:3128")
    );
    // The user's own proxy is shown as overridden; an unlocked setting overrides nothing.
    assert_eq!(
        proxy.overridden_user_value,
        Some(json!("http://my-own-proxy:8080"))
    );

    // Unlocked: the user's choice wins over the policy's default.
    let days = eff.setting(SettingName::AiHistoryRetentionDays);
    assert_eq!(
        (days.value.clone(), days.source, days.locked),
        (json!(5), SettingSource::User, false)
    );
    let default = eff.setting(SettingName::DefaultProfile);
    assert_eq!(
        (default.value.clone(), default.source),
        (json!("mine"), SettingSource::User)
    );

    // A requirement the policy sets is locked; one it leaves open is the user's.
    let consent = eff.setting(SettingName::RequireClientConsent);
    assert_eq!((consent.value.clone(), consent.locked), (json!(true), true));
    assert_eq!(consent.overridden_user_value, Some(json!(false)));
    assert_eq!(
        eff.setting(SettingName::AiHistoryRetentionDays)
            .overridden_user_value,
        None
    );
    assert!(consent.reason.as_deref().unwrap().contains("Required"));
    let redaction = eff.setting(SettingName::RequireRedaction);
    assert_eq!(
        (redaction.value.clone(), redaction.source, redaction.locked),
        (json!(true), SettingSource::User, false)
    );

    // Nobody chose: built in.
    let ca = eff.setting(SettingName::ExtraCaFile);
    assert_eq!(
        (ca.value.clone(), ca.source, ca.locked),
        (json!(null), SettingSource::BuiltIn, false)
    );
    assert!(eff.custom_profiles());

    // A lock without a value pins the built-in value, whatever the user chose.
    let locked_ca = with(
        firm_policy(),
        "/locks/extra_ca_file",
        json!("No extra CA on firm desktops."),
    );
    let user = Settings {
        extra_ca_file: Some("/home/me/ca.pem".into()),
        ..Settings::default()
    };
    let eff = effective(&locked_ca, &user);
    let ca = eff.setting(SettingName::ExtraCaFile);
    assert_eq!(
        (ca.value.clone(), ca.locked, ca.source),
        (json!(null), true, SettingSource::Policy)
    );
    assert_eq!(eff.transport().extra_ca_file, None);
}

#[test]
fn without_a_policy_the_user_decides() {
    let user = Settings {
        proxy: Some("http://mine:1".into()),
        ..Settings::default()
    };
    let eff = EffectivePolicy::compute(PolicyState::Absent { path: "/p".into() }, &user);
    assert_eq!(eff.status, PolicyStatus::Absent);
    assert_eq!(eff.transport().proxy.as_deref(), Some("http://mine:1"));
    assert!(eff.settings.iter().all(|s| !s.locked));
    let mut anything = ProviderProfile::new("x", ProviderKind::OpenAi).unwrap();
    anything.model = Some("gpt-4.1".into());
    gate(&no_policy(), &anything, Some(Jurisdiction::Eu)).unwrap();
}

#[test]
fn kinds_regions_and_models_each_allow_and_block() {
    let eff = effective(&firm_policy(), &Settings::default());
    // Kind.
    gate(&eff, &bedrock("mine", "us-east-1"), None).unwrap();
    let mut openai = ProviderProfile::new("mine", ProviderKind::OpenAi).unwrap();
    openai.model = Some("gpt-4.1".into());
    let err = gate(&eff, &openai, None).unwrap_err();
    assert_eq!(err.code(), ErrorCode::PolicyBlocked);
    let message = err.to_string();
    assert!(
        message.starts_with("Managed by your IT provider:"),
        "{message}"
    );
    assert!(
        message.contains("azure-openai, bedrock") && message.contains("not openai"),
        "{message}"
    );
    // Region, exact and by pattern, and a profile without one.
    gate(&eff, &bedrock("mine", "eu-central-1"), None).unwrap();
    let err = gate(&eff, &bedrock("mine", "us-west-2"), None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("not us-west-2"), "{err}");
    let mut no_region = bedrock("mine", "x");
    no_region.region = None;
    no_region.base_url = Some("https://bedrock.example".into());
    assert!(
        gate(&eff, &no_region, None)
            .unwrap_err()
            .to_string()
            .contains("names no region")
    );
    // Models and deployments.
    let models = with(
        firm_policy(),
        "/allowed_models",
        json!(["drafting", "anthropic.*"]),
    );
    let eff = effective(&models, &Settings::default());
    gate(&eff, &azure("mine", "swedencentral"), None).unwrap();
    gate(&eff, &bedrock("mine", "us-east-1"), None).unwrap();
    let mut other = azure("mine", "swedencentral");
    other.deployment = Some("gpt-4o-experiments".into());
    let err = gate(&eff, &other, None).unwrap_err().to_string();
    assert!(err.contains("not deployment gpt-4o-experiments"), "{err}");
    let mut meta = bedrock("mine", "us-east-1");
    meta.model = Some("meta.llama3-70b".into());
    assert!(
        gate(&eff, &meta, None)
            .unwrap_err()
            .to_string()
            .contains("not model meta.llama3-70b")
    );
}

#[test]
fn jurisdictions_map_clients_to_regions_with_named_exceptions() {
    let eff = effective(&firm_policy(), &Settings::default());
    let eu = azure("firm-eu", "swedencentral");
    let us = bedrock("firm-us", "us-east-1");
    // Each managed profile as the policy defines it.
    let policy = eff.policy().unwrap();
    let (eu, us) = (
        policy.profile("firm-eu").cloned().unwrap_or(eu),
        policy.profile("firm-us").cloned().unwrap_or(us),
    );
    assert_eq!(
        gate(&eff, &eu, Some(Jurisdiction::Eu)).unwrap().exception,
        None
    );
    gate(&eff, &us, Some(Jurisdiction::Us)).unwrap();
    gate(&eff, &us, Some(Jurisdiction::Other)).unwrap();
    gate(&eff, &us, None).unwrap();
    let err = gate(&eff, &us, Some(Jurisdiction::Eu)).unwrap_err();
    assert_eq!(err.code(), ErrorCode::PolicyBlocked);
    let message = err.to_string();
    assert!(
        message.contains("EU clients")
            && message.contains("swedencentral, eu-*")
            && message.contains("sends to us-east-1"),
        "{message}"
    );
    assert!(gate(&eff, &eu, Some(Jurisdiction::Ca)).is_err());

    // A named exception lets Canadian clients use the US profile, and says so.
    let excepted = with(
        firm_policy(),
        "/jurisdictions/CA",
        json!({"regions": ["ca-central-1"], "exceptions": [{"name": "DPA 2024-07", "profiles": ["firm-us"], "reason": "signed DPA"}]}),
    );
    let excepted = with(
        excepted,
        "/allowed_regions",
        json!(["swedencentral", "eu-*", "us-east-1", "ca-*"]),
    );
    let eff = effective(&excepted, &Settings::default());
    let clearance = gate(&eff, &us, Some(Jurisdiction::Ca)).unwrap();
    assert_eq!(clearance.exception.as_deref(), Some("DPA 2024-07"));
    let err = gate(&eff, &eu, Some(Jurisdiction::Ca))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("ca-central-1 (exceptions: DPA 2024-07)"),
        "{err}"
    );
    // Region exceptions work by pattern too.
    let by_region = with(
        firm_policy(),
        "/jurisdictions/UK",
        json!({"regions": [], "exceptions": [{"name": "EU adequacy", "regions": ["eu-*"]}]}),
    );
    let eff = effective(&by_region, &Settings::default());
    let clearance = gate(&eff, &bedrock("mine", "eu-west-2"), Some(Jurisdiction::Uk)).unwrap();
    assert_eq!(clearance.exception.as_deref(), Some("EU adequacy"));
    assert!(gate(&eff, &us, Some(Jurisdiction::Uk)).is_err());
}

#[test]
fn managed_profiles_cannot_be_altered_and_custom_profiles_can_be_turned_off() {
    let eff = effective(&firm_policy(), &Settings::default());
    let mut altered = eff.policy().unwrap().profile("firm-eu").cloned().unwrap();
    altered.base_url = Some("https://elsewhere.openai.azure.com".into());
    let err = gate(&eff, &altered, None).unwrap_err().to_string();
    assert!(err.contains("differ from the policy's"), "{err}");

    let closed = with(firm_policy(), "/settings/custom_profiles", json!(false));
    let closed = with(
        closed,
        "/locks/custom_profiles",
        json!("Only IT adds AI providers."),
    );
    let eff = effective(&closed, &Settings::default());
    assert!(!eff.custom_profiles());
    let err = gate(&eff, &bedrock("mine", "us-east-1"), None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("firm-eu, firm-us"), "{err}");
    gate(
        &eff,
        eff.policy().unwrap().profile("firm-us").unwrap(),
        None,
    )
    .unwrap();
}

/// The committed schema is the one the types generate (`CASEFILE_WRITE_SCHEMA=1 cargo test -p
/// casefile-core policy_schema` rewrites it), and the example policies in docs satisfy the types.
#[test]
fn policy_schema_matches_the_types() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("policy/policy.schema.json");
    let generated = format!(
        "{}\n",
        serde_json::to_string_pretty(&json_schema()).unwrap()
    );
    if std::env::var_os("CASEFILE_WRITE_SCHEMA").is_some() {
        std::fs::write(&file, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&file).unwrap_or_default();
    assert!(
        committed == generated,
        "policy.schema.json is out of date: run CASEFILE_WRITE_SCHEMA=1 cargo test -p casefile-core policy_schema"
    );
    // The schema forbids unknown keys at the top, as the parser does, and knows every key the
    // firm policy uses.
    let schema = json_schema();
    assert_eq!(schema["additionalProperties"], json!(false));
    let properties = schema["properties"].as_object().unwrap();
    for key in firm_policy().as_object().unwrap().keys() {
        assert!(
            properties.contains_key(key),
            "{key} missing from the schema"
        );
    }
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("policy/policy.example.json");
    let text = std::fs::read_to_string(&example).unwrap();
    Policy::parse(&text)
        .unwrap_or_else(|p| panic!("{}: {}: {}", example.display(), p.location, p.reason));
}

/// The deployment example in docs/deploying.md ("Azure OpenAI in an EU data zone for EU clients, Bedrock
/// us-east-1 for the rest") parses and decides as it promises.
#[test]
fn the_deployment_example_sends_eu_clients_to_the_eu_data_zone_and_the_rest_to_us_east_1() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("policy/firm-eu-us.json");
    let text = std::fs::read_to_string(&file).unwrap();
    let state = PolicyState::from_text(&file, &text);
    let PolicyState::Valid { policy, .. } = &state else {
        panic!("{state:?}");
    };
    let firm_eu = policy.profile("firm-eu").unwrap().clone();
    let firm_us = policy.profile("firm-us").unwrap().clone();
    let eff = EffectivePolicy::compute(state, &Settings::default());

    let refused = gate(&eff, &firm_us, Some(Jurisdiction::Eu)).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::PolicyBlocked);
    assert!(refused.to_string().contains("EU clients"), "{refused}");
    assert!(gate(&eff, &firm_eu, Some(Jurisdiction::Eu)).is_ok());
    for rest in [
        Jurisdiction::Us,
        Jurisdiction::Uk,
        Jurisdiction::Ca,
        Jurisdiction::Other,
    ] {
        assert!(gate(&eff, &firm_us, Some(rest)).is_ok(), "{rest:?}");
        assert!(gate(&eff, &firm_eu, Some(rest)).is_err(), "{rest:?}");
    }
    // Nothing else can send: a user's own profile is refused, even in an allowed region.
    let err = gate(&eff, &bedrock("mine", "us-east-1"), Some(Jurisdiction::Us)).unwrap_err();
    assert!(err.to_string().contains("only its own"), "{err}");
    assert!(eff.lock(SettingName::CustomProfiles).is_some());
    assert_eq!(
        eff.setting(SettingName::DefaultProfile).value,
        json!("firm-us")
    );
}

/// A collector the policy sets is locked (the user's own is overridden); one the policy leaves
/// open is the user's choice; a URL that is not a collector makes the policy invalid, by place.
#[test]
fn a_policy_audit_collector_is_locked_and_checked() {
    let firm = with(
        firm_policy(),
        "/settings/audit_forward",
        json!("tls://siem.firm.example:6514"),
    );
    let user = Settings {
        audit_forward: Some("tcp://127.0.0.1:5514".into()),
        ..Settings::default()
    };
    let eff = effective(&firm, &user);
    let setting = eff.setting(SettingName::AuditForward);
    assert!(setting.locked);
    assert_eq!(setting.source, SettingSource::Policy);
    assert_eq!(setting.value, json!("tls://siem.firm.example:6514"));
    assert_eq!(
        setting.overridden_user_value,
        Some(json!("tcp://127.0.0.1:5514"))
    );
    let forwarding = crate::audit::Forwarding::from_policy(&eff)
        .unwrap()
        .unwrap();
    assert_eq!(forwarding.collector.url(), "tls://siem.firm.example:6514");

    let open = effective(&firm_policy(), &user);
    assert!(!open.setting(SettingName::AuditForward).locked);
    assert_eq!(
        open.values().audit_forward.as_deref(),
        Some("tcp://127.0.0.1:5514")
    );

    for bad in [
        "udp://siem:514",
        "tls://siem.firm.example",
        "tls://u:p@siem:6514",
    ] {
        let problem =
            parse(&with(firm_policy(), "/settings/audit_forward", json!(bad))).unwrap_err();
        assert_eq!(
            problem.location.field.as_deref(),
            Some("settings.audit_forward"),
            "{bad}"
        );
    }
}

/// `profile` with its base URL set.
fn at(mut profile: ProviderProfile, base_url: &str) -> ProviderProfile {
    profile.base_url = Some(base_url.into());
    profile
}

fn vertex(region: &str) -> ProviderProfile {
    let mut p = ProviderProfile::new("mine", ProviderKind::VertexGemini).unwrap();
    p.region = Some(region.into());
    p.model = Some("gemini-2.5-flash".into());
    p
}

fn refusal(eff: &EffectivePolicy, profile: &ProviderProfile) -> String {
    let err = gate(eff, profile, None).unwrap_err();
    assert_eq!(err.code(), ErrorCode::PolicyBlocked);
    err.to_string()
}

#[test]
fn the_region_is_the_one_the_endpoint_names_and_a_label_that_disagrees_is_refused() {
    let eu_only = json!({"version": 1, "allowed_regions": ["eu-*", "global"]});
    let eff = effective(&eu_only, &Settings::default());
    // The label agrees with the host in every Bedrock endpoint form.
    for host in [
        "https://bedrock-runtime.eu-west-1.amazonaws.com",
        "https://bedrock-runtime-fips.eu-west-1.amazonaws.com/",
        "https://vpce-0a1b.bedrock-runtime.eu-west-1.vpce.amazonaws.com",
    ] {
        gate(&eff, &at(bedrock("mine", "eu-west-1"), host), None).unwrap();
        let message = refusal(&eff, &at(bedrock("mine", "eu-central-1"), host));
        assert!(
            message.contains("set to eu-central-1 but its endpoint is in eu-west-1"),
            "{message}"
        );
    }
    // A label naming an allowed region cannot take a US endpoint past the rule.
    let message = refusal(
        &eff,
        &at(
            bedrock("mine", "eu-west-1"),
            "https://bedrock-runtime.us-east-1.amazonaws.com",
        ),
    );
    assert!(
        message.contains("its endpoint is in us-east-1"),
        "{message}"
    );
    // Vertex: the location in the host, `global` for the global host, a /locations/ path.
    gate(&eff, &vertex("europe-west4"), None).unwrap_err(); // not eu-*: Google's names
    let europe = with(eu_only.clone(), "/allowed_regions", json!(["europe-*"]));
    let eff_europe = effective(&europe, &Settings::default());
    gate(&eff_europe, &vertex("europe-west4"), None).unwrap();
    for (base, named) in [
        (
            "https://us-central1-aiplatform.googleapis.com",
            "us-central1",
        ),
        ("https://aiplatform.googleapis.com", "global"),
        (
            "https://proxy.example/v1/projects/p/locations/us-east4/",
            "us-east4",
        ),
    ] {
        let message = refusal(&eff_europe, &at(vertex("europe-west4"), base));
        assert!(
            message.contains(&format!("its endpoint is in {named}")),
            "{message}"
        );
    }
    // A host that names no region (this computer, a private proxy): the label applies.
    gate(
        &eff,
        &at(bedrock("mine", "eu-west-1"), "http://127.0.0.1:9000"),
        None,
    )
    .unwrap();
    let message = refusal(
        &eff,
        &at(
            bedrock("mine", "us-east-1"),
            "https://bedrock.proxy.example",
        ),
    );
    assert!(message.contains("not us-east-1"), "{message}");
}

#[test]
fn inference_profile_prefixes_must_stay_within_the_allowed_regions() {
    let policy = |regions: serde_json::Value| {
        effective(
            &json!({"version": 1, "allowed_regions": regions}),
            &Settings::default(),
        )
    };
    let with_model = |region: &str, model: &str| {
        let mut p = bedrock("mine", region);
        p.model = Some(model.into());
        p
    };
    let eu = policy(json!(["eu-*"]));
    gate(
        &eu,
        &with_model("eu-west-1", "eu.anthropic.claude-sonnet-4-5-20250929-v1:0"),
        None,
    )
    .unwrap();
    gate(
        &eu,
        &with_model("eu-west-1", "anthropic.claude-sonnet-4-5-20250929-v1:0"),
        None,
    )
    .unwrap();
    for model in [
        "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        "apac.anthropic.claude-sonnet-4-5-20250929-v1:0",
        "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
        "arn:aws:bedrock:eu-west-1:123456789012:inference-profile/global.anthropic.claude-x",
    ] {
        let message = refusal(&eu, &with_model("eu-west-1", model));
        assert!(
            message.contains("cross-region inference profile"),
            "{model}: {message}"
        );
    }
    // One region of a geography does not cover the whole geography.
    let one = policy(json!(["eu-west-1"]));
    refusal(&one, &with_model("eu-west-1", "eu.anthropic.claude-x"));
    // `global.` only where the policy names global; regions unrestricted: anything goes.
    let global = policy(json!(["eu-*", "global"]));
    gate(
        &global,
        &with_model("eu-west-1", "global.anthropic.claude-x"),
        None,
    )
    .unwrap();
    refusal(&global, &with_model("eu-west-1", "us.anthropic.claude-x"));
    let open = effective(&json!({"version": 1}), &Settings::default());
    gate(
        &open,
        &with_model("us-east-1", "global.anthropic.claude-x"),
        None,
    )
    .unwrap();
}

#[test]
fn allowed_endpoints_refuse_every_other_host() {
    let policy = with(
        firm_policy(),
        "/allowed_endpoints",
        json!([
            "*.openai.azure.com",
            "bedrock-runtime.us-east-1.amazonaws.com"
        ]),
    );
    let eff = effective(&policy, &Settings::default());
    gate(&eff, &azure("firm-eu", "swedencentral"), None).unwrap_err(); // differs from the policy's
    gate(&eff, &azure("mine", "swedencentral"), None).unwrap();
    gate(&eff, &bedrock("mine", "us-east-1"), None).unwrap();
    let message = refusal(
        &eff,
        &at(
            azure("mine", "swedencentral"),
            "https://gateway.example.com/openai",
        ),
    );
    assert!(
        message.contains("only these endpoints: *.openai.azure.com")
            && message.contains("not gateway.example.com"),
        "{message}"
    );
    let upper = at(
        azure("mine", "swedencentral"),
        "https://Firm.OpenAI.Azure.com",
    );
    gate(&eff, &upper, None).unwrap();
    // Bad patterns are refused with the place.
    for bad in [
        "https://x.openai.azure.com",
        "gateway.example.com:443",
        "Gateway.example",
        "a/b",
    ] {
        let state = PolicyState::from_text(
            Path::new("/p.json"),
            &json!({"version": 1, "allowed_endpoints": [bad]}).to_string(),
        );
        let PolicyState::Invalid {
            location, reason, ..
        } = &state
        else {
            panic!("accepted {bad}");
        };
        assert!(
            location.to_string().contains("allowed_endpoints[0]"),
            "{location}"
        );
        assert!(reason.contains("not a host name"), "{reason}");
    }
}
