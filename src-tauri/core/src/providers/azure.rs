//! Entra ID sign-in for Azure OpenAI: the client-credentials flow of a service principal, with
//! the token cached and renewed shortly before it expires.

use std::time::Duration;

use reqwest::Url;
use serde::Deserialize;

use super::adapter::{AdapterContext, FetchedToken, configuration, required_setting};
use super::http_error::{excerpt, secret_command};
use super::{
    CredentialField, Credentials, ProviderError, ProviderErrorKind, ProviderProfile, transport,
};
use crate::secrets::Secret;

/// The scope every Azure AI endpoint accepts for Azure OpenAI.
const SCOPE: &str = "https://cognitiveservices.azure.com/.default";

/// A service principal's client credentials.
#[derive(Clone)]
pub(crate) struct EntraAuth {
    profile: String,
    token_url: Url,
    client_id: String,
    client_secret: Secret,
}

impl EntraAuth {
    /// The profile's Entra settings, or `None` when it does not use Entra ID (then an API key is
    /// expected). A tenant or client id without the other is an error.
    pub fn from_profile(
        profile: &ProviderProfile,
        credentials: &Credentials,
    ) -> Result<Option<Self>, ProviderError> {
        let secret = credentials.get(CredentialField::EntraClientSecret);
        if profile.tenant_id.is_none() && profile.client_id.is_none() && secret.is_none() {
            return Ok(None);
        }
        let tenant = required_setting(
            profile,
            &profile.tenant_id,
            "tenant_id (the Entra ID tenant) for Entra sign-in",
            "contoso.onmicrosoft.com",
        )?;
        let client_id = required_setting(
            profile,
            &profile.client_id,
            "client_id (the application id of the service principal) for Entra sign-in",
            "00000000-0000-0000-0000-000000000000",
        )?;
        let Some(client_secret) = secret else {
            return Err(configuration(format!(
                "The profile {} names an Entra ID tenant and client but has no client secret: store it with {}.",
                profile.name,
                secret_command(&profile.name, CredentialField::EntraClientSecret)
            )));
        };
        let token_url = match &profile.token_url {
            Some(url) => Url::parse(url).map_err(|_| {
                configuration(format!(
                    "The profile {}'s token_url {url:?} is not a valid URL.",
                    profile.name
                ))
            })?,
            None => {
                let mut url = Url::parse("https://login.microsoftonline.com")
                    .map_err(|_| configuration("The Entra ID authority URL is invalid.".into()))?;
                url.path_segments_mut()
                    .map_err(|()| configuration("The Entra ID authority URL is invalid.".into()))?
                    .extend([tenant, "oauth2", "v2.0", "token"]);
                url
            }
        };
        Ok(Some(Self {
            profile: profile.name.clone(),
            token_url,
            client_id: client_id.to_owned(),
            client_secret: client_secret.clone(),
        }))
    }

    fn cache_key(&self) -> String {
        format!("{} {}", self.token_url, self.client_id)
    }

    /// A valid access token, from the cache when it has one.
    pub async fn token(&self, context: &AdapterContext) -> Result<Secret, ProviderError> {
        context
            .entra_tokens
            .get_or_fetch(&self.cache_key(), || self.fetch(context))
            .await
    }

    /// Drops the cached token after Azure refused it, so the next attempt signs in again.
    pub fn forget_token(&self, context: &AdapterContext) {
        context.entra_tokens.invalidate(&self.cache_key());
    }

    async fn fetch(&self, context: &AdapterContext) -> Result<FetchedToken, ProviderError> {
        transport::require_secure_url(&self.token_url)?;
        let host = self.token_url.host_str().unwrap_or_default().to_owned();
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.expose()),
            ("scope", SCOPE),
        ];
        let response = context
            .http
            .post(self.token_url.clone())
            .form(&form)
            .send()
            .await
            .map_err(|e| transport::request_error(e, &host))?;
        let status = response.status().as_u16();
        let body = response
            .bytes()
            .await
            .map_err(|e| transport::request_error(e, &host))?;
        if (200..300).contains(&status) {
            parse_token(&body)
        } else {
            Err(self.refusal(status, &body))
        }
    }

    fn refusal(&self, status: u16, body: &[u8]) -> ProviderError {
        #[derive(Deserialize, Default)]
        struct EntraError {
            #[serde(default)]
            error: String,
            #[serde(default)]
            error_description: String,
        }
        let said = serde_json::from_slice::<EntraError>(body).unwrap_or_default();
        // Descriptions carry trace ids and timestamps after the first line.
        let description = said.error_description.lines().next().unwrap_or_default();
        let what = excerpt(&format!("{}: {description}", said.error));
        let kind = match status {
            400 | 401 | 403 => ProviderErrorKind::Authentication,
            429 => ProviderErrorKind::RateLimited,
            _ => ProviderErrorKind::Server,
        };
        let advice = if kind == ProviderErrorKind::Authentication {
            format!(
                "Check the profile's tenant_id and client_id, and the client secret (store it with {}).",
                secret_command(&self.profile, CredentialField::EntraClientSecret)
            )
        } else {
            "Try again in a moment.".to_owned()
        };
        ProviderError::new(
            kind,
            format!("Entra ID sign-in failed with {status} ({what}). {advice}"),
        )
        .with_status(status)
    }
}

fn parse_token(body: &[u8]) -> Result<FetchedToken, ProviderError> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Seconds {
        Number(u64),
        // Older Entra endpoints send it as a string.
        Text(String),
    }
    #[derive(Deserialize)]
    struct TokenResponse {
        access_token: String,
        expires_in: Seconds,
    }
    let invalid = || {
        ProviderError::new(
            ProviderErrorKind::Protocol,
            "Entra ID answered the sign-in without a usable access token. Check the profile's token_url.",
        )
    };
    let parsed: TokenResponse = serde_json::from_slice(body).map_err(|_| invalid())?;
    let seconds = match parsed.expires_in {
        Seconds::Number(n) => n,
        Seconds::Text(text) => text.trim().parse().map_err(|_| invalid())?,
    };
    Ok(FetchedToken {
        token: Secret::new(parsed.access_token),
        expires_in: Duration::from_secs(seconds),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::ProviderKind;

    fn profile() -> ProviderProfile {
        let mut profile = ProviderProfile::new("azure", ProviderKind::AzureOpenAi).unwrap();
        profile.tenant_id = Some("mock-tenant".into());
        profile.client_id = Some("mock-client".into());
        profile
    }

    fn credentials() -> Credentials {
        Credentials::default().with(
            CredentialField::EntraClientSecret,
            Secret::new("mock-entra-secret"),
        )
    }

    #[test]
    fn default_token_url_is_the_tenants_v2_endpoint() {
        let auth = EntraAuth::from_profile(&profile(), &credentials())
            .unwrap()
            .unwrap();
        assert_eq!(
            auth.token_url.as_str(),
            "https://login.microsoftonline.com/mock-tenant/oauth2/v2.0/token"
        );
    }

    #[test]
    fn token_url_override_is_used_as_is() {
        let mut profile = profile();
        profile.token_url = Some("http://127.0.0.1:9/mock-tenant/oauth2/v2.0/token".into());
        let auth = EntraAuth::from_profile(&profile, &credentials())
            .unwrap()
            .unwrap();
        assert_eq!(
            auth.token_url.as_str(),
            "http://127.0.0.1:9/mock-tenant/oauth2/v2.0/token"
        );
    }

    #[test]
    fn no_entra_settings_means_api_key_auth() {
        let plain = ProviderProfile::new("azure", ProviderKind::AzureOpenAi).unwrap();
        assert!(
            EntraAuth::from_profile(&plain, &Credentials::default())
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn half_configured_entra_names_what_is_missing() {
        let error = EntraAuth::from_profile(&profile(), &Credentials::default())
            .err()
            .unwrap();
        assert_eq!(error.kind(), ProviderErrorKind::Configuration);
        assert!(
            error
                .message()
                .contains("casefile-admin secret set azure entra_client_secret"),
            "{error}"
        );
        let mut no_tenant = profile();
        no_tenant.tenant_id = None;
        let error = EntraAuth::from_profile(&no_tenant, &credentials())
            .err()
            .unwrap();
        assert!(error.message().contains("tenant_id"), "{error}");
    }

    #[test]
    fn token_response_with_numeric_or_text_lifetime() {
        let token = parse_token(
            br#"{"token_type":"Bearer","expires_in":3599,"access_token":"entra-mock-token"}"#,
        )
        .unwrap();
        assert_eq!(token.token.expose(), "entra-mock-token");
        assert_eq!(token.expires_in, Duration::from_secs(3599));
        let text = parse_token(br#"{"expires_in":"3600","access_token":"t"}"#).unwrap();
        assert_eq!(text.expires_in, Duration::from_secs(3600));
        assert_eq!(
            parse_token(br#"{"error":"x"}"#).err().unwrap().kind(),
            ProviderErrorKind::Protocol
        );
    }

    #[test]
    fn refused_sign_in_shows_entras_reason_and_the_fix_but_not_the_secret() {
        let auth = EntraAuth::from_profile(&profile(), &credentials())
            .unwrap()
            .unwrap();
        let error = auth.refusal(
            401,
            br#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 1\r\nTimestamp: x"}"#,
        );
        assert_eq!(error.kind(), ProviderErrorKind::Authentication);
        assert_eq!(error.status(), Some(401));
        assert!(
            error
                .message()
                .contains("invalid_client: AADSTS7000215: Invalid client secret provided."),
            "{error}"
        );
        assert!(!error.message().contains("Trace ID"), "{error}");
        assert!(!error.message().contains("mock-entra-secret"), "{error}");
        assert!(error.message().contains("entra_client_secret"), "{error}");
    }
}
