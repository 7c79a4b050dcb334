//! Provider profiles: the non-secret settings of one configured provider, and the credential
//! fields that live only in the OS keychain.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::secrets::{Secret, SecretName, looks_like_credential_name};
use crate::{Error, Result};

/// One adapter per (cloud, API surface). The names are stable: MSP scripts and policy files use them.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "kebab-case")]
pub enum ProviderKind {
    /// OpenAI Chat Completions.
    #[serde(rename = "openai")]
    OpenAi,
    /// OpenAI Responses API.
    #[serde(rename = "openai-responses")]
    OpenAiResponses,
    /// Azure OpenAI: a classic deployment URL with api-version, or the v1 API.
    #[serde(rename = "azure-openai")]
    AzureOpenAi,
    /// AWS Bedrock Converse / ConverseStream.
    Bedrock,
    /// Bedrock's OpenAI-compatible Chat Completions endpoint.
    #[serde(rename = "bedrock-openai")]
    BedrockOpenAi,
    /// Vertex AI Gemini (streamGenerateContent).
    VertexGemini,
    /// Vertex AI's OpenAI-compatible endpoint.
    #[serde(rename = "vertex-openai")]
    VertexOpenAi,
    /// Anthropic models on Vertex AI (streamRawPredict).
    VertexAnthropic,
    /// Anthropic Messages API.
    Anthropic,
    /// Any OpenAI-compatible gateway: LiteLLM, Azure API Management, Ollama, vLLM.
    #[serde(rename = "openai-compatible")]
    OpenAiCompatible,
}

impl ProviderKind {
    pub const ALL: [ProviderKind; 10] = [
        ProviderKind::OpenAi,
        ProviderKind::OpenAiResponses,
        ProviderKind::AzureOpenAi,
        ProviderKind::Bedrock,
        ProviderKind::BedrockOpenAi,
        ProviderKind::VertexGemini,
        ProviderKind::VertexOpenAi,
        ProviderKind::VertexAnthropic,
        ProviderKind::Anthropic,
        ProviderKind::OpenAiCompatible,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::OpenAi => "openai",
            ProviderKind::OpenAiResponses => "openai-responses",
            ProviderKind::AzureOpenAi => "azure-openai",
            ProviderKind::Bedrock => "bedrock",
            ProviderKind::BedrockOpenAi => "bedrock-openai",
            ProviderKind::VertexGemini => "vertex-gemini",
            ProviderKind::VertexOpenAi => "vertex-openai",
            ProviderKind::VertexAnthropic => "vertex-anthropic",
            ProviderKind::Anthropic => "anthropic",
            ProviderKind::OpenAiCompatible => "openai-compatible",
        }
    }

    /// The credential fields this kind can use (not all are needed at once: Bedrock takes access
    /// keys or an API key; Azure an API key or an Entra client secret).
    pub fn credential_fields(self) -> &'static [CredentialField] {
        use CredentialField::*;
        match self {
            ProviderKind::OpenAi
            | ProviderKind::OpenAiResponses
            | ProviderKind::Anthropic
            | ProviderKind::OpenAiCompatible => &[ApiKey],
            ProviderKind::AzureOpenAi => &[ApiKey, EntraClientSecret],
            ProviderKind::Bedrock | ProviderKind::BedrockOpenAi => &[
                AwsAccessKeyId,
                AwsSecretAccessKey,
                AwsSessionToken,
                BedrockApiKey,
            ],
            ProviderKind::VertexGemini
            | ProviderKind::VertexOpenAi
            | ProviderKind::VertexAnthropic => &[ServiceAccountJson],
        }
    }
}

impl fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ProviderKind {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<_> = Self::ALL.iter().map(|k| k.as_str()).collect();
                Error::InvalidInput(format!(
                    "{s:?} is not a provider kind; use one of: {}",
                    names.join(", ")
                ))
            })
    }
}

/// A credential a profile may need. Values live only in the OS keychain, under
/// `profile.<profile name>.<field>`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum CredentialField {
    ApiKey,
    AwsAccessKeyId,
    AwsSecretAccessKey,
    AwsSessionToken,
    BedrockApiKey,
    ServiceAccountJson,
    EntraClientSecret,
}

impl CredentialField {
    pub const ALL: [CredentialField; 7] = [
        CredentialField::ApiKey,
        CredentialField::AwsAccessKeyId,
        CredentialField::AwsSecretAccessKey,
        CredentialField::AwsSessionToken,
        CredentialField::BedrockApiKey,
        CredentialField::ServiceAccountJson,
        CredentialField::EntraClientSecret,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CredentialField::ApiKey => "api_key",
            CredentialField::AwsAccessKeyId => "aws_access_key_id",
            CredentialField::AwsSecretAccessKey => "aws_secret_access_key",
            CredentialField::AwsSessionToken => "aws_session_token",
            CredentialField::BedrockApiKey => "bedrock_api_key",
            CredentialField::ServiceAccountJson => "service_account_json",
            CredentialField::EntraClientSecret => "entra_client_secret",
        }
    }

    /// The keychain entry that holds this field for `profile`.
    pub fn secret_name(self, profile: &str) -> Result<SecretName> {
        SecretName::new(&format!("profile.{profile}.{}", self.as_str()))
    }
}

impl fmt::Display for CredentialField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CredentialField {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<_> = Self::ALL.iter().map(|f| f.as_str()).collect();
                Error::InvalidInput(format!(
                    "{s:?} is not a credential field; use one of: {}",
                    names.join(", ")
                ))
            })
    }
}

/// A value of a profile kept only in the OS keychain: one of its kind's credential fields, or
/// the value of one of its keychain headers. Written as the CLI and the app take it: `api_key`,
/// `header:Ocp-Apim-Subscription-Key`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "specta", derive(specta::Type), specta(type = String))]
pub enum Credential {
    Field(CredentialField),
    /// A request header whose value is a credential (a gateway's subscription key and the like).
    Header(String),
}

impl Credential {
    const HEADER_PREFIX: &str = "header:";

    /// The keychain entry that holds this credential for `profile`. Header names are compared
    /// without regard to case, as HTTP does, so one header has one entry however it is written.
    pub fn secret_name(&self, profile: &str) -> Result<SecretName> {
        match self {
            Credential::Field(field) => field.secret_name(profile),
            Credential::Header(name) => SecretName::new(&format!(
                "profile.{profile}.header.{}",
                name.to_ascii_lowercase()
            )),
        }
    }
}

impl From<CredentialField> for Credential {
    fn from(field: CredentialField) -> Self {
        Credential::Field(field)
    }
}

impl PartialEq<CredentialField> for Credential {
    fn eq(&self, other: &CredentialField) -> bool {
        *self == Credential::Field(*other)
    }
}

impl fmt::Display for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::Field(field) => field.fmt(f),
            Credential::Header(name) => write!(f, "{}{name}", Self::HEADER_PREFIX),
        }
    }
}

impl FromStr for Credential {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.strip_prefix(Self::HEADER_PREFIX) {
            Some(name) => {
                check_keychain_header_name(name).map_err(Error::InvalidInput)?;
                Ok(Credential::Header(name.to_owned()))
            }
            None => s.parse().map(Credential::Field).map_err(|_| {
                let names: Vec<_> = CredentialField::ALL.iter().map(|f| f.as_str()).collect();
                Error::InvalidInput(format!(
                    "{s:?} is not a credential; use one of: {}, or header:NAME for a request \
                     header whose value is a credential",
                    names.join(", ")
                ))
            }),
        }
    }
}

impl Serialize for Credential {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Credential {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Why `name` cannot be a keychain header, if it cannot: it must be a header name that also
/// fits a keychain entry's name.
fn check_keychain_header_name(name: &str) -> std::result::Result<(), String> {
    const MAX_LEN: usize = 48;
    let valid = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_');
    if name.is_empty() || name.len() > MAX_LEN || !name.chars().all(valid) {
        return Err(format!(
            "{name:?} cannot be a header kept in the keychain: use 1 to {MAX_LEN} letters, \
             digits, '-' or '_', e.g. header:Ocp-Apim-Subscription-Key"
        ));
    }
    Ok(())
}

/// The credentials of one profile, read from the keychain just before a request.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    fields: BTreeMap<CredentialField, Secret>,
    /// Keychain header values by the name the profile gives the header.
    headers: BTreeMap<String, Secret>,
}

impl Credentials {
    pub fn with(mut self, credential: impl Into<Credential>, value: Secret) -> Self {
        self.insert(credential, value);
        self
    }

    pub fn insert(&mut self, credential: impl Into<Credential>, value: Secret) {
        match credential.into() {
            Credential::Field(field) => self.fields.insert(field, value),
            Credential::Header(name) => self.headers.insert(name, value),
        };
    }

    pub fn get(&self, field: CredentialField) -> Option<&Secret> {
        self.fields.get(&field)
    }

    /// The fields that are set, with their values.
    pub fn iter(&self) -> impl Iterator<Item = (CredentialField, &Secret)> {
        self.fields.iter().map(|(field, value)| (*field, value))
    }

    /// The value of keychain header `name`, as the profile names it.
    pub fn header(&self, name: &str) -> Option<&Secret> {
        self.headers.get(name)
    }
}

/// How long the provider keeps prompts and answers, as the firm's contract says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "kebab-case")]
pub enum RetentionMode {
    /// Nobody recorded it yet; the attorney is told so.
    #[default]
    Unknown,
    /// The provider keeps nothing after answering (zero data retention).
    ZeroDataRetention,
    /// The provider keeps data for abuse monitoring for a limited time.
    AbuseMonitoring,
    /// The provider's standard retention applies.
    ProviderDefault,
}

/// The data-processing facts an attorney must see before the first send from a profile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct DataProcessing {
    /// Where prompts are processed, e.g. "EU (Frankfurt)".
    pub processing_region: Option<String>,
    #[serde(default)]
    pub retention: RetentionMode,
    /// Whether the contract excludes training on the firm's data; `None` when unknown.
    pub no_training: Option<bool>,
    /// The firm's contract or DPA reference.
    pub contract_reference: Option<String>,
}

/// What the model can take and what it costs, as the firm's contract or price list says: the
/// size limit and the estimate an attorney sees before sending, and the cost kept with a draft.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct ModelLimits {
    /// Tokens the model reads and writes in one request (its context window).
    pub context_window_tokens: Option<u32>,
    /// The longest answer asked for.
    pub max_output_tokens: Option<u32>,
    pub usd_per_million_input_tokens: Option<f64>,
    pub usd_per_million_output_tokens: Option<f64>,
}

impl ModelLimits {
    /// Assumed when the profile does not say: a window every supported model family reaches.
    pub const DEFAULT_CONTEXT_WINDOW: u32 = 128_000;
    pub const DEFAULT_MAX_OUTPUT: u32 = 4_096;

    pub fn context_window(&self) -> u32 {
        self.context_window_tokens
            .unwrap_or(Self::DEFAULT_CONTEXT_WINDOW)
    }

    pub fn max_output(&self) -> u32 {
        self.max_output_tokens.unwrap_or(Self::DEFAULT_MAX_OUTPUT)
    }

    /// The cost of a request in US dollars, when both prices are known.
    pub fn cost_usd(&self, tokens_in: u64, tokens_out: u64) -> Option<f64> {
        let per_million = |tokens: u64, price: f64| tokens as f64 * price / 1_000_000.0;
        Some(
            per_million(tokens_in, self.usd_per_million_input_tokens?)
                + per_million(tokens_out, self.usd_per_million_output_tokens?),
        )
    }
}

/// The non-secret settings of one provider. Every endpoint is data, never a code path.
#[derive(Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct ProviderProfile {
    /// Short identifier used by the CLI, policy and keychain entries (letters, digits, `-`, `_`).
    pub name: String,
    pub kind: ProviderKind,
    pub display_name: Option<String>,
    /// Overrides the provider's default endpoint (private endpoints, gateways, local servers).
    pub base_url: Option<String>,
    /// Bedrock region, Vertex location (`global` or a region), or the Azure resource's region.
    pub region: Option<String>,
    /// Model id (OpenAI, Anthropic, Bedrock model or inference profile, Vertex model).
    pub model: Option<String>,
    /// Azure deployment name.
    pub deployment: Option<String>,
    /// Azure classic api-version; none means the v1 API.
    pub api_version: Option<String>,
    /// Google Cloud project; none means the service account's own project.
    pub project: Option<String>,
    /// Entra ID tenant and application (client) id for Azure token auth.
    pub tenant_id: Option<String>,
    pub client_id: Option<String>,
    /// Overrides the token endpoint (Entra ID authority host) for sovereign clouds and tests.
    pub token_url: Option<String>,
    /// Extra headers sent with every request whose values are not credentials (e.g.
    /// `X-Team: immigration`). A header whose name looks like a credential is refused here.
    #[serde(default)]
    pub extra_headers: BTreeMap<String, String>,
    /// Headers sent with every request whose values are credentials (a gateway's
    /// `Ocp-Apim-Subscription-Key`, `Helicone-Auth`…): only their names are here, the values
    /// live in each desktop's OS keychain (`casefile-admin secret set PROFILE header:NAME`).
    #[serde(default)]
    pub keychain_headers: BTreeSet<String>,
    #[serde(default)]
    pub data_processing: DataProcessing,
    #[serde(default)]
    pub model_limits: ModelLimits,
}

impl ProviderProfile {
    pub const NAME_MAX_LEN: usize = 64;

    /// A profile with only a name and a kind; everything else unset.
    pub fn new(name: &str, kind: ProviderKind) -> Result<Self> {
        validate_profile_name(name)?;
        Ok(Self {
            name: name.to_owned(),
            kind,
            display_name: None,
            base_url: None,
            region: None,
            model: None,
            deployment: None,
            api_version: None,
            project: None,
            tenant_id: None,
            client_id: None,
            token_url: None,
            extra_headers: BTreeMap::new(),
            keychain_headers: BTreeSet::new(),
            data_processing: DataProcessing::default(),
            model_limits: ModelLimits::default(),
        })
    }
}

/// Header names only, never their values: a value may still be a credential in a row written
/// before such values moved to the keychain.
impl fmt::Debug for ProviderProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            name,
            kind,
            display_name,
            base_url,
            region,
            model,
            deployment,
            api_version,
            project,
            tenant_id,
            client_id,
            token_url,
            extra_headers,
            keychain_headers,
            data_processing,
            model_limits,
        } = self;
        f.debug_struct("ProviderProfile")
            .field("name", name)
            .field("kind", kind)
            .field("display_name", display_name)
            .field("base_url", base_url)
            .field("region", region)
            .field("model", model)
            .field("deployment", deployment)
            .field("api_version", api_version)
            .field("project", project)
            .field("tenant_id", tenant_id)
            .field("client_id", client_id)
            .field("token_url", token_url)
            .field("extra_headers", &extra_headers.keys().collect::<Vec<_>>())
            .field("keychain_headers", keychain_headers)
            .field("data_processing", data_processing)
            .field("model_limits", model_limits)
            .finish()
    }
}

impl ProviderProfile {
    /// The profile's spelling of keychain header `name` (header names ignore case), if it has
    /// that keychain header.
    pub fn keychain_header(&self, name: &str) -> Option<&str> {
        self.keychain_headers
            .iter()
            .find(|h| h.eq_ignore_ascii_case(name))
            .map(String::as_str)
    }

    /// Adds the keychain headers `stored` (this profile as it was) has and this one lacks:
    /// replacing a profile's settings keeps its credentials, which only `secret remove` drops.
    pub fn keep_keychain_headers_of(&mut self, stored: &ProviderProfile) {
        for header in &stored.keychain_headers {
            if self.keychain_header(header).is_none() {
                self.keychain_headers.insert(header.clone());
            }
        }
    }

    /// Checks that the profile names everything its kind needs, with usable values. Every
    /// message names the setting (as the CLI spells it) and what to put there.
    pub fn validate(&self) -> Result<()> {
        validate_profile_name(&self.name)?;
        // `setting` as the CLI spells it; `field` is where the screen shows the message.
        let needs = |setting: &str, field: &str, what: &str| Error::InvalidField {
            field: field.to_owned(),
            message: format!(
                "Profile {:?} ({}) needs {setting}: {what}.",
                self.name, self.kind
            ),
        };
        let missing = |field: &str, what: &str| needs(field, field, what);
        // A blank value counts as none.
        let given = |value: &Option<String>| value.as_deref().is_some_and(|v| !v.trim().is_empty());
        let needs_model = || {
            given(&self.model)
                .then_some(())
                .ok_or_else(|| missing("model", "the model id to use"))
        };
        match self.kind {
            ProviderKind::OpenAi | ProviderKind::OpenAiResponses | ProviderKind::Anthropic => {
                needs_model()?
            }
            ProviderKind::AzureOpenAi => {
                if self.base_url.is_none() {
                    return Err(missing(
                        "base_url",
                        "the resource endpoint, e.g. https://NAME.openai.azure.com",
                    ));
                }
                if !given(&self.deployment) {
                    return Err(missing(
                        "deployment",
                        "the deployment name chosen in Azure (not the model name)",
                    ));
                }
                if self.tenant_id.is_some() || self.client_id.is_some() {
                    for (field, value) in [
                        ("tenant_id", &self.tenant_id),
                        ("client_id", &self.client_id),
                    ] {
                        if !given(value) {
                            return Err(needs(
                                "tenant_id and client_id",
                                field,
                                "both, for Entra ID sign-in, or neither, for an API key",
                            ));
                        }
                    }
                }
                if self.api_version.is_some() && !given(&self.api_version) {
                    return Err(missing(
                        "api_version",
                        "the api-version of a classic deployment URL, e.g. 2024-10-21, or none \
                         for the v1 API",
                    ));
                }
            }
            ProviderKind::Bedrock | ProviderKind::BedrockOpenAi => {
                if self.region.is_none() && self.base_url.is_none() {
                    return Err(missing(
                        "region",
                        "the AWS region, e.g. us-east-1 or eu-central-1",
                    ));
                }
                needs_model()?
            }
            ProviderKind::VertexGemini
            | ProviderKind::VertexOpenAi
            | ProviderKind::VertexAnthropic => {
                if self.region.is_none() {
                    return Err(missing(
                        "region",
                        "the Vertex AI location: global, or a region such as europe-west4",
                    ));
                }
                needs_model()?
            }
            ProviderKind::OpenAiCompatible => {
                if self.base_url.is_none() {
                    return Err(missing(
                        "base_url",
                        "the gateway's URL including /v1, e.g. http://localhost:11434/v1",
                    ));
                }
                needs_model()?
            }
        }
        if let Some(region) = &self.region {
            let valid = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
            if region.is_empty() || !region.chars().all(valid) {
                return Err(Error::InvalidField {
                    field: "region".to_owned(),
                    message: format!(
                        "{region:?} is not a region name: use lower-case letters, digits and \
                         '-', e.g. us-east-1, westeurope or global."
                    ),
                });
            }
        }
        for (field, url) in [("base_url", &self.base_url), ("token_url", &self.token_url)] {
            if let Some(url) = url {
                check_endpoint(url).map_err(|e| Error::InvalidField {
                    field: field.to_owned(),
                    message: e.to_string(),
                })?;
            }
        }
        let limits = &self.model_limits;
        let limit_error = |message: String| Error::InvalidField {
            field: "model_limits".to_owned(),
            message,
        };
        if limits.context_window_tokens == Some(0) || limits.max_output_tokens == Some(0) {
            return Err(limit_error(
                "context_window_tokens and max_output_tokens must be more than 0.".into(),
            ));
        }
        if limits.max_output() >= limits.context_window() {
            return Err(limit_error(format!(
                "max_output_tokens ({}) must be smaller than context_window_tokens ({}).",
                limits.max_output(),
                limits.context_window()
            )));
        }
        for price in [
            limits.usd_per_million_input_tokens,
            limits.usd_per_million_output_tokens,
        ]
        .into_iter()
        .flatten()
        {
            if !price.is_finite() || price < 0.0 {
                return Err(limit_error(format!(
                    "A price of {price} US dollars per million tokens is not usable; write a \
                     number of 0 or more."
                )));
            }
        }
        for (name, value) in &self.extra_headers {
            let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
            if name.is_empty() || !name.chars().all(token) {
                return Err(Error::InvalidField {
                    field: "extra_headers".to_owned(),
                    message: format!("{name:?} is not a valid HTTP header name."),
                });
            }
            if looks_like_credential_name(name) {
                return Err(Error::InvalidField {
                    field: "extra_headers".to_owned(),
                    message: format!(
                        "Header {name} looks like a credential, so its value is kept in the \
                         keychain, never in the profile: add it under Credentials, or run \
                         casefile-admin secret set {} header:{name}.",
                        self.name
                    ),
                });
            }
            if value.chars().any(|c| c.is_control()) {
                return Err(Error::InvalidField {
                    field: "extra_headers".to_owned(),
                    message: format!("The value of header {name} contains a control character."),
                });
            }
        }
        let mut keychain_headers = BTreeSet::new();
        for name in &self.keychain_headers {
            let invalid = |message: String| Error::InvalidField {
                field: "keychain_headers".to_owned(),
                message,
            };
            check_keychain_header_name(name).map_err(|why| invalid(format!("{why}.")))?;
            if !keychain_headers.insert(name.to_ascii_lowercase()) {
                return Err(invalid(format!("Header {name} is named twice.")));
            }
            if self
                .extra_headers
                .keys()
                .any(|h| h.eq_ignore_ascii_case(name))
            {
                return Err(invalid(format!(
                    "Header {name} is both a plain header and a keychain header; keep one."
                )));
            }
        }
        Ok(())
    }
}

/// An endpoint must be HTTPS, except on this computer (a local model server or a test double),
/// so that prompts never cross a network in clear text.
fn check_endpoint(url: &str) -> Result<url::Url> {
    let parsed = url::Url::parse(url)
        .map_err(|e| Error::InvalidInput(format!("{url:?} is not a URL: {e}.")))?;
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" if is_loopback(&parsed) => Ok(parsed),
        "http" => Err(Error::InvalidInput(format!(
            "{url} is not encrypted: use https:// (plain http:// is allowed only to this computer)."
        ))),
        other => Err(Error::InvalidInput(format!(
            "{url} uses {other}://; use https://."
        ))),
    }
}

/// Whether `url` points at this computer (where plain HTTP cannot be overheard).
pub(crate) fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

pub(crate) fn validate_profile_name(name: &str) -> Result<()> {
    let valid = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_');
    if name.is_empty() || name.len() > ProviderProfile::NAME_MAX_LEN || !name.chars().all(valid) {
        return Err(Error::InvalidField {
            field: "name".to_owned(),
            message: format!(
                "{name:?} is not a valid profile name: use 1 to {} letters, digits, '-' or '_'.",
                ProviderProfile::NAME_MAX_LEN
            ),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[test]
    fn kinds_and_fields_parse_from_their_stable_names() {
        for kind in ProviderKind::ALL {
            assert_eq!(kind.as_str().parse::<ProviderKind>().unwrap(), kind);
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        for field in CredentialField::ALL {
            assert_eq!(field.as_str().parse::<CredentialField>().unwrap(), field);
        }
        let err = "azure".parse::<ProviderKind>().unwrap_err();
        assert!(err.to_string().contains("azure-openai"), "{err}");
        assert_eq!(
            CredentialField::ApiKey
                .secret_name("firm-eu")
                .unwrap()
                .as_str(),
            "profile.firm-eu.api_key"
        );
    }

    #[test]
    fn each_kind_names_the_setting_it_misses() {
        let cases = [
            (ProviderKind::OpenAi, "model"),
            (ProviderKind::AzureOpenAi, "base_url"),
            (ProviderKind::Bedrock, "region"),
            (ProviderKind::VertexGemini, "region"),
            (ProviderKind::OpenAiCompatible, "base_url"),
        ];
        for (kind, field) in cases {
            let err = ProviderProfile::new("p", kind)
                .unwrap()
                .validate()
                .unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidInput);
            assert!(
                err.to_string().contains(&format!("needs {field}")),
                "{kind}: {err}"
            );
            assert_eq!(err.field(), Some(field), "{kind}: the screen's field");
        }
        let mut azure = ProviderProfile::new("p", ProviderKind::AzureOpenAi).unwrap();
        azure.base_url = Some("https://firm.openai.azure.com".into());
        let err = azure.validate().unwrap_err();
        assert!(err.to_string().contains("not the model name"), "{err}");
        azure.deployment = Some("gpt-drafts".into());
        azure.validate().unwrap();
        azure.tenant_id = Some("t".into());
        let err = azure.validate().unwrap_err();
        assert!(err.to_string().contains("client_id"), "{err}");
        assert_eq!(err.field(), Some("client_id"));
        // Blank values (an emptied field on the screen) count as missing.
        azure.client_id = Some("c".into());
        azure.tenant_id = Some(" ".into());
        assert_eq!(azure.validate().unwrap_err().field(), Some("tenant_id"));
        azure.tenant_id = Some("t".into());
        azure.validate().unwrap();
        azure.api_version = Some(String::new());
        assert_eq!(azure.validate().unwrap_err().field(), Some("api_version"));
        azure.api_version = None;
        azure.deployment = Some("".into());
        assert_eq!(azure.validate().unwrap_err().field(), Some("deployment"));
    }

    /// The settings screen places each refusal beside the field it is about.
    #[test]
    fn each_refused_value_names_its_field() {
        let mut profile = ProviderProfile::new("ok", ProviderKind::OpenAiCompatible).unwrap();
        profile.base_url = Some("http://127.0.0.1:9/v1".into());
        profile.model = Some("llama".into());
        profile.validate().unwrap();
        type Change = dyn Fn(&mut ProviderProfile);
        let field_of = |change: &Change| {
            let mut changed = profile.clone();
            change(&mut changed);
            let err = changed.validate().unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidInput, "{err}");
            err.field().map(str::to_owned)
        };
        let cases: [(&str, &Change); 6] = [
            ("name", &|p| p.name = "has space".into()),
            ("base_url", &|p| {
                p.base_url = Some("http://10.0.0.5/v1".into())
            }),
            ("token_url", &|p| p.token_url = Some("ftp://x".into())),
            ("region", &|p| p.region = Some("US East".into())),
            ("model", &|p| p.model = Some("  ".into())),
            ("extra_headers", &|p| {
                p.extra_headers.insert("Bad Header".into(), "v".into());
            }),
        ];
        for (field, change) in cases {
            assert_eq!(field_of(change).as_deref(), Some(field));
        }
    }

    #[test]
    fn endpoints_must_be_https_unless_on_this_computer() {
        for ok in [
            "https://api.openai.com",
            "http://127.0.0.1:8080",
            "http://localhost:11434/v1",
            "http://[::1]:9/",
        ] {
            check_endpoint(ok).unwrap();
        }
        for bad in [
            "http://10.0.0.5/v1",
            "http://gateway.firm.local",
            "ftp://x",
            "not a url",
        ] {
            assert_eq!(
                check_endpoint(bad).unwrap_err().code(),
                ErrorCode::InvalidInput,
                "{bad}"
            );
        }
    }

    #[test]
    fn names_regions_and_headers_are_checked() {
        assert!(ProviderProfile::new("has space", ProviderKind::OpenAi).is_err());
        let mut profile = ProviderProfile::new("ok_1", ProviderKind::OpenAi).unwrap();
        profile.model = Some("gpt-4.1-mini".into());
        profile.validate().unwrap();
        profile.region = Some("US East".into());
        assert!(profile.validate().is_err());
        profile.region = None;
        profile
            .extra_headers
            .insert("X-Bad Header".into(), "v".into());
        assert!(profile.validate().is_err());
        profile.extra_headers.clear();
        profile
            .extra_headers
            .insert("X-Team".into(), "a\r\nb".into());
        assert!(profile.validate().is_err());
    }

    #[test]
    fn credentials_are_written_as_a_field_or_a_header() {
        let header: Credential = "header:Ocp-Apim-Subscription-Key".parse().unwrap();
        assert_eq!(
            header,
            Credential::Header("Ocp-Apim-Subscription-Key".into())
        );
        assert_eq!(header.to_string(), "header:Ocp-Apim-Subscription-Key");
        assert_eq!(
            serde_json::to_value(&header).unwrap(),
            "header:Ocp-Apim-Subscription-Key"
        );
        assert_eq!(
            serde_json::from_value::<Credential>("api_key".into()).unwrap(),
            CredentialField::ApiKey
        );
        // One keychain entry per header, however its name is written.
        let lower: Credential = "header:ocp-apim-subscription-key".parse().unwrap();
        assert_eq!(
            header.secret_name("gw").unwrap(),
            lower.secret_name("gw").unwrap()
        );
        assert_eq!(
            header.secret_name("gw").unwrap().as_str(),
            "profile.gw.header.ocp-apim-subscription-key"
        );
        for bad in ["header:", "header:X Key", "header:a/b", "apikey"] {
            let err = bad.parse::<Credential>().unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidInput, "{bad}");
            assert!(err.to_string().contains("header:"), "{bad}: {err}");
        }
    }

    #[test]
    fn a_credential_header_is_kept_by_name_only_and_debug_shows_no_header_value() {
        let mut profile = ProviderProfile::new("gw", ProviderKind::OpenAiCompatible).unwrap();
        profile.base_url = Some("https://gateway.firm.example/v1".into());
        profile.model = Some("gpt-4.1".into());
        profile
            .extra_headers
            .insert("X-Team".into(), "immigration-team-canary".into());
        profile.validate().unwrap();
        for name in [
            "Ocp-Apim-Subscription-Key",
            "Helicone-Auth",
            "Authorization",
        ] {
            let mut with_value = profile.clone();
            with_value.extra_headers.insert(name.into(), "v".into());
            let err = with_value.validate().unwrap_err();
            assert_eq!(err.field(), Some("extra_headers"));
            assert!(
                err.to_string()
                    .contains(&format!("casefile-admin secret set gw header:{name}")),
                "{err}"
            );
        }
        profile
            .keychain_headers
            .insert("Ocp-Apim-Subscription-Key".into());
        profile.validate().unwrap();
        for (bad, why) in [
            ("x-team", "both"),
            ("OCP-APIM-SUBSCRIPTION-KEY", "twice"),
            ("a b", "letters"),
        ] {
            let mut changed = profile.clone();
            changed.keychain_headers.insert(bad.into());
            let err = changed.validate().unwrap_err();
            assert_eq!(err.field(), Some("keychain_headers"), "{bad}");
            assert!(err.to_string().contains(why), "{bad}: {err}");
        }

        let mut old_row = profile.clone();
        old_row
            .extra_headers
            .insert("Helicone-Auth".into(), "sk-helicone-canary".into());
        for shown in [format!("{old_row:?}"), format!("{old_row:#?}")] {
            assert!(!shown.contains("canary"), "{shown}");
            assert!(
                shown.contains("Helicone-Auth") && shown.contains("X-Team"),
                "{shown}"
            );
            assert!(shown.contains("Ocp-Apim-Subscription-Key"), "{shown}");
        }
    }

    #[test]
    fn model_limits_are_checked_and_price_requests() {
        let mut profile = ProviderProfile::new("p", ProviderKind::OpenAi).unwrap();
        profile.model = Some("m".into());
        assert_eq!(
            profile.model_limits.cost_usd(1_000, 1_000),
            None,
            "no prices, no cost"
        );
        profile.model_limits = ModelLimits {
            context_window_tokens: Some(8_000),
            max_output_tokens: Some(1_000),
            usd_per_million_input_tokens: Some(2.5),
            usd_per_million_output_tokens: Some(10.0),
        };
        profile.validate().unwrap();
        let cost = profile.model_limits.cost_usd(200_000, 50_000).unwrap();
        assert!((cost - 1.0).abs() < 1e-9, "{cost}");
        for (limits, words) in [
            (
                ModelLimits {
                    max_output_tokens: Some(8_000),
                    ..profile.model_limits.clone()
                },
                "smaller than",
            ),
            (
                ModelLimits {
                    context_window_tokens: Some(0),
                    ..profile.model_limits.clone()
                },
                "more than 0",
            ),
            (
                ModelLimits {
                    usd_per_million_input_tokens: Some(-1.0),
                    ..profile.model_limits.clone()
                },
                "not usable",
            ),
        ] {
            let bad = ProviderProfile {
                model_limits: limits,
                ..profile.clone()
            };
            let err = bad.validate().unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidInput);
            assert!(err.to_string().contains(words), "{err}");
        }
    }
}
