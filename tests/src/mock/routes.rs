//! Ways of reaching each mock: an adapter plus the profile and credentials that point it at the
//! mock, shared by the provider-layer tests and the admin CLI tests.

use casefile_core::providers::{CredentialField, Credentials, ProviderKind, ProviderProfile};
use casefile_core::secrets::Secret;

use super::{MockKind, MockProvider, creds};

/// One way of reaching a provider: an adapter plus how its profile and credentials are set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    OpenAi,
    OpenAiResponses,
    AzureClassic,
    AzureV1,
    AzureEntra,
    BedrockSigV4,
    BedrockApiKey,
    BedrockOpenAi,
    VertexGemini,
    VertexOpenAi,
    VertexAnthropic,
    Anthropic,
    OpenAiCompatible,
}

pub const ALL_ROUTES: [Route; 13] = [
    Route::OpenAi,
    Route::OpenAiResponses,
    Route::AzureClassic,
    Route::AzureV1,
    Route::AzureEntra,
    Route::BedrockSigV4,
    Route::BedrockApiKey,
    Route::BedrockOpenAi,
    Route::VertexGemini,
    Route::VertexOpenAi,
    Route::VertexAnthropic,
    Route::Anthropic,
    Route::OpenAiCompatible,
];

impl Route {
    pub fn mock_kind(self) -> MockKind {
        match self {
            Route::OpenAi | Route::OpenAiResponses | Route::OpenAiCompatible => MockKind::OpenAi,
            Route::AzureClassic | Route::AzureV1 | Route::AzureEntra => MockKind::Azure,
            Route::BedrockSigV4 | Route::BedrockApiKey | Route::BedrockOpenAi => MockKind::Bedrock,
            Route::VertexGemini | Route::VertexOpenAi | Route::VertexAnthropic => MockKind::Vertex,
            Route::Anthropic => MockKind::Anthropic,
        }
    }

    /// A profile whose model (or deployment) name selects `scenario` on the mock.
    pub fn profile(self, mock: &MockProvider, scenario: &str) -> (ProviderProfile, Credentials) {
        let base = mock.base_url().to_owned();
        let key = |field| Credentials::default().with(field, Secret::new(creds::API_KEY));
        let aws = Credentials::default()
            .with(
                CredentialField::AwsAccessKeyId,
                Secret::new(creds::AWS_ACCESS_KEY_ID),
            )
            .with(
                CredentialField::AwsSecretAccessKey,
                Secret::new(creds::AWS_SECRET_ACCESS_KEY),
            )
            .with(
                CredentialField::AwsSessionToken,
                Secret::new(creds::AWS_SESSION_TOKEN),
            );
        let google = Credentials::default().with(
            CredentialField::ServiceAccountJson,
            Secret::new(creds::service_account_json(&format!("{base}/token"))),
        );
        let (kind, credentials) = match self {
            Route::OpenAi => (ProviderKind::OpenAi, key(CredentialField::ApiKey)),
            Route::OpenAiResponses => (ProviderKind::OpenAiResponses, key(CredentialField::ApiKey)),
            Route::AzureClassic | Route::AzureV1 => {
                (ProviderKind::AzureOpenAi, key(CredentialField::ApiKey))
            }
            Route::AzureEntra => (
                ProviderKind::AzureOpenAi,
                Credentials::default().with(
                    CredentialField::EntraClientSecret,
                    Secret::new(creds::ENTRA_CLIENT_SECRET),
                ),
            ),
            Route::BedrockSigV4 => (ProviderKind::Bedrock, aws.clone()),
            Route::BedrockApiKey => (
                ProviderKind::Bedrock,
                Credentials::default().with(
                    CredentialField::BedrockApiKey,
                    Secret::new(creds::BEDROCK_API_KEY),
                ),
            ),
            Route::BedrockOpenAi => (ProviderKind::BedrockOpenAi, aws),
            Route::VertexGemini => (ProviderKind::VertexGemini, google),
            Route::VertexOpenAi => (ProviderKind::VertexOpenAi, google),
            Route::VertexAnthropic => (ProviderKind::VertexAnthropic, google),
            Route::Anthropic => (ProviderKind::Anthropic, key(CredentialField::ApiKey)),
            Route::OpenAiCompatible => {
                (ProviderKind::OpenAiCompatible, key(CredentialField::ApiKey))
            }
        };
        let mut profile = ProviderProfile::new("mock", kind).unwrap();
        profile.base_url = Some(base.clone());
        let model = match self {
            Route::OpenAi | Route::OpenAiResponses => format!("gpt-4.1-{scenario}"),
            Route::AzureClassic | Route::AzureV1 | Route::AzureEntra => {
                profile.deployment = Some(format!("drafting-{scenario}"));
                profile.region = Some("swedencentral".into());
                if self == Route::AzureClassic {
                    profile.api_version = Some("2024-10-21".into());
                }
                if self == Route::AzureEntra {
                    profile.tenant_id = Some(creds::ENTRA_TENANT.into());
                    profile.client_id = Some(creds::ENTRA_CLIENT_ID.into());
                    profile.token_url =
                        Some(format!("{base}/{}/oauth2/v2.0/token", creds::ENTRA_TENANT));
                }
                return (profile, credentials);
            }
            Route::BedrockSigV4 | Route::BedrockApiKey => {
                profile.region = Some("us-east-1".into());
                format!("us.anthropic.claude-{scenario}-v1:0")
            }
            Route::BedrockOpenAi => {
                profile.region = Some("us-west-2".into());
                format!("openai.gpt-oss-{scenario}-1:0")
            }
            Route::VertexGemini | Route::VertexOpenAi | Route::VertexAnthropic => {
                profile.region = Some("europe-west4".into());
                profile.project = Some(creds::GCP_PROJECT.into());
                match self {
                    Route::VertexGemini => format!("gemini-{scenario}"),
                    Route::VertexOpenAi => format!("google/gemini-{scenario}"),
                    _ => format!("claude-{scenario}"),
                }
            }
            Route::Anthropic => format!("claude-{scenario}"),
            Route::OpenAiCompatible => {
                profile.base_url = Some(format!("{base}/v1"));
                format!("llama-{scenario}")
            }
        };
        profile.model = Some(model);
        (profile, credentials)
    }
}
