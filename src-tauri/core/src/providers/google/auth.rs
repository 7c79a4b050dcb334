//! Google service-account authentication: the key file's JSON → an RS256-signed JWT assertion
//! → an OAuth 2.0 access token from the key's `token_uri`, cached until shortly before it
//! expires.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::sign::Signer;
use serde::{Deserialize, Serialize};

use crate::providers::adapter::{AdapterContext, FetchedToken, TokenCache};
use crate::providers::http_error::{excerpt, secret_command};
use crate::providers::transport::{request_error, require_secure_url};
use crate::providers::{
    CredentialField, Credentials, ProviderError, ProviderErrorKind, ProviderProfile,
};
use crate::secrets::Secret;

const SCOPE: &str = "https://www.googleapis.com/auth/cloud-platform";
const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const DEFAULT_TOKEN_URI: &str = "https://oauth2.googleapis.com/token";
/// Lifetime asked for in the assertion (Google's maximum).
const ASSERTION_LIFETIME_SECS: u64 = 3600;
const TOKEN_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// How an error names the profile when the caller did not say which one.
const SOME_PROFILE: &str = "PROFILE";

/// A Google service account, parsed from the `service_account_json` credential.
pub(crate) struct ServiceAccount {
    pub(crate) client_email: String,
    private_key: Secret,
    private_key_id: Option<String>,
    pub(crate) token_uri: String,
    pub(crate) project_id: Option<String>,
}

impl std::fmt::Debug for ServiceAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceAccount")
            .field("client_email", &self.client_email)
            .field("token_uri", &self.token_uri)
            .field("project_id", &self.project_id)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct KeyFile {
    #[serde(rename = "type")]
    kind: Option<String>,
    client_email: Option<String>,
    private_key: Option<String>,
    private_key_id: Option<String>,
    token_uri: Option<String>,
    project_id: Option<String>,
}

fn store_again_hint(profile: &str) -> String {
    format!(
        "Download a new JSON key for the service account in the Google Cloud console and store it \
         with {}.",
        secret_command(profile, CredentialField::ServiceAccountJson)
    )
}

fn configuration(profile: &str, problem: &str) -> ProviderError {
    ProviderError::new(
        ProviderErrorKind::Configuration,
        format!("{problem} {}", store_again_hint(profile)),
    )
}

impl ServiceAccount {
    /// Reads the profile's service-account key.
    pub(crate) fn from_profile(
        profile: &ProviderProfile,
        credentials: &Credentials,
    ) -> Result<Self, ProviderError> {
        Self::from_credentials_named(&profile.name, credentials)
    }

    fn from_credentials_named(
        profile: &str,
        credentials: &Credentials,
    ) -> Result<Self, ProviderError> {
        let json = credentials
            .get(CredentialField::ServiceAccountJson)
            .ok_or_else(|| {
                configuration(
                    profile,
                    &format!("Profile {profile} has no Google service-account key."),
                )
            })?;
        Self::parse(profile, json.expose())
    }

    pub(crate) fn parse(profile: &str, json: &str) -> Result<Self, ProviderError> {
        // Never echo the parser's error: it can quote parts of the key.
        let file: KeyFile = serde_json::from_str(json).map_err(|_| {
            configuration(
                profile,
                "The stored service_account_json is not valid JSON (perhaps only part of the file \
                 was pasted).",
            )
        })?;
        if let Some(kind) = file.kind.as_deref()
            && kind != "service_account"
        {
            return Err(configuration(
                profile,
                &format!(
                    "The stored service_account_json is a {kind:?} credential, not a service \
                     account key."
                ),
            ));
        }
        let required = |value: Option<String>, field: &str| {
            value.filter(|v| !v.trim().is_empty()).ok_or_else(|| {
                configuration(
                    profile,
                    &format!("The stored service_account_json has no {field} field."),
                )
            })
        };
        let client_email = required(file.client_email, "client_email")?;
        let private_key = required(file.private_key, "private_key")?;
        // Keys pasted through a shell sometimes keep their newlines as the two characters `\n`.
        let private_key = if private_key.contains('\n') {
            private_key
        } else {
            private_key.replace("\\n", "\n")
        };
        Ok(Self {
            client_email,
            private_key: Secret::new(private_key),
            private_key_id: file.private_key_id.filter(|k| !k.is_empty()),
            token_uri: file
                .token_uri
                .filter(|u| !u.trim().is_empty())
                .unwrap_or_else(|| DEFAULT_TOKEN_URI.to_owned()),
            project_id: file.project_id.filter(|p| !p.trim().is_empty()),
        })
    }

    /// The signed JWT assertion for a token request made at `now` (seconds since 1970).
    pub(crate) fn assertion(&self, profile: &str, now: u64) -> Result<String, ProviderError> {
        #[derive(Serialize)]
        struct Header<'a> {
            alg: &'static str,
            typ: &'static str,
            #[serde(skip_serializing_if = "Option::is_none")]
            kid: Option<&'a str>,
        }
        #[derive(Serialize)]
        struct Claims<'a> {
            iss: &'a str,
            scope: &'static str,
            aud: &'a str,
            iat: u64,
            exp: u64,
        }
        let header = Header {
            alg: "RS256",
            typ: "JWT",
            kid: self.private_key_id.as_deref(),
        };
        let claims = Claims {
            iss: &self.client_email,
            scope: SCOPE,
            aud: &self.token_uri,
            iat: now,
            exp: now + ASSERTION_LIFETIME_SECS,
        };
        let signing_input = format!("{}.{}", b64_json(&header), b64_json(&claims));

        let bad_key = || {
            configuration(
                profile,
                "The private_key in the stored service_account_json is not a usable RSA private \
                 key.",
            )
        };
        let key = PKey::private_key_from_pem(self.private_key.expose().as_bytes())
            .map_err(|_| bad_key())?;
        let mut signer = Signer::new(MessageDigest::sha256(), &key).map_err(|_| bad_key())?;
        let signature = signer
            .sign_oneshot_to_vec(signing_input.as_bytes())
            .map_err(|_| bad_key())?;
        Ok(format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature)
        ))
    }

    /// An access token for this account, from the shared cache or a new exchange. Tokens are
    /// kept per (client_email, token_uri) and replaced 5 minutes before they expire; callers
    /// that arrive during an exchange wait for it.
    pub(crate) async fn token(
        &self,
        profile: &str,
        http: &reqwest::Client,
        cache: &TokenCache,
    ) -> Result<Secret, ProviderError> {
        let key = format!("{}\n{}", self.client_email, self.token_uri);
        cache
            .get_or_fetch(&key, || async {
                let fetched = self.exchange(profile, http).await?;
                Ok(FetchedToken {
                    token: Secret::new(fetched.access_token),
                    expires_in: Duration::from_secs(fetched.expires_in),
                })
            })
            .await
    }

    async fn exchange(
        &self,
        profile: &str,
        http: &reqwest::Client,
    ) -> Result<TokenResponse, ProviderError> {
        let url = reqwest::Url::parse(&self.token_uri).map_err(|_| {
            configuration(
                profile,
                "The token_uri in the stored service_account_json is not a valid URL.",
            )
        })?;
        require_secure_url(&url)?;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        let assertion = Secret::new(self.assertion(profile, now)?);
        let response = http
            .post(url)
            .timeout(TOKEN_REQUEST_TIMEOUT)
            .form(&[
                ("grant_type", GRANT_TYPE),
                ("assertion", assertion.expose()),
            ])
            .send()
            .await
            .map_err(|e| request_error(e, "Google's token service"))?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(|_| {
            ProviderError::new(
                ProviderErrorKind::Network,
                "The connection to Google's token service broke. Try again.",
            )
        })?;
        if (200..300).contains(&status) {
            let token: TokenResponse = serde_json::from_slice(&body).map_err(|_| {
                ProviderError::new(
                    ProviderErrorKind::Protocol,
                    "Google's token service answered something this app cannot read. Try again.",
                )
            })?;
            if token.access_token.is_empty() {
                return Err(ProviderError::new(
                    ProviderErrorKind::Protocol,
                    "Google's token service answered without an access token. Try again.",
                ));
            }
            return Ok(token);
        }
        Err(token_error(profile, status, &body))
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default = "default_expires_in")]
    expires_in: u64,
}

fn default_expires_in() -> u64 {
    3600
}

#[derive(Deserialize, Default)]
struct OAuthError {
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    error_description: Option<String>,
}

fn token_error(profile: &str, status: u16, body: &[u8]) -> ProviderError {
    let parsed: OAuthError = serde_json::from_slice(body).unwrap_or_default();
    let detail = match (parsed.error.as_deref(), parsed.error_description.as_deref()) {
        (Some(code), Some(text)) => format!(" (Google said: {code}: {})", excerpt(text)),
        (Some(code), None) => format!(" (Google said: {code})"),
        _ => String::new(),
    };
    let error = match status {
        400 | 401 | 403 => ProviderError::new(
            ProviderErrorKind::Authentication,
            format!(
                "Google refused the service account's key{detail}. The key may have been deleted \
                 or disabled, or this computer's clock may be wrong. {}",
                store_again_hint(profile)
            ),
        ),
        429 => ProviderError::new(
            ProviderErrorKind::RateLimited,
            "Google's token service is limiting requests. Wait a moment and try again.",
        ),
        500..=599 => ProviderError::new(
            ProviderErrorKind::Server,
            format!("Google's token service failed (HTTP {status}). Try again."),
        ),
        _ => ProviderError::new(
            ProviderErrorKind::Authentication,
            format!(
                "Google's token service refused to sign in the service account (HTTP \
                 {status}){detail}."
            ),
        ),
    };
    error.with_status(status)
}

/// An OAuth access token for the service account in `credentials`.
pub(crate) async fn access_token(
    ctx: &AdapterContext,
    credentials: &Credentials,
) -> Result<String, ProviderError> {
    let account = ServiceAccount::from_credentials_named(SOME_PROFILE, credentials)?;
    let token = account
        .token(SOME_PROFILE, &ctx.http, &ctx.google_tokens)
        .await?;
    Ok(token.expose().to_owned())
}

/// The Google Cloud project to call: the profile's, else the service account's own.
pub(crate) fn project_id(
    profile: &ProviderProfile,
    credentials: &Credentials,
) -> Result<String, ProviderError> {
    if let Some(project) = profile.project.as_deref().map(str::trim)
        && !project.is_empty()
    {
        return Ok(project.to_owned());
    }
    ServiceAccount::from_profile(profile, credentials)?
        .project_id
        .ok_or_else(|| {
            ProviderError::new(
                ProviderErrorKind::Configuration,
                format!(
                    "Profile {} has no Google Cloud project and its service-account key names \
                     none. Set the profile's project.",
                    profile.name
                ),
            )
        })
}

/// base64url of a JWT part's JSON.
fn b64_json<T: Serialize>(value: &T) -> String {
    // Structs of strings and integers always serialize.
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap_or_default())
}

#[cfg(test)]
pub(crate) mod tests;
