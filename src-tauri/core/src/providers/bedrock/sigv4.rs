//! Authentication for Bedrock requests: AWS Signature Version 4 over the exact bytes sent, or a
//! Bedrock API key as a bearer token.

use std::time::SystemTime;

use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue};

use crate::providers::adapter::WireRequest;
use crate::providers::http_error::secret_command;
use crate::providers::{
    CredentialField, Credentials, ProviderError, ProviderErrorKind, ProviderProfile,
};
use crate::secrets::Secret;

/// How a Bedrock profile proves who it is.
#[derive(Debug, Clone)]
pub(crate) enum BedrockAuth {
    /// IAM access keys, temporary ones with a session token.
    SigV4 {
        access_key_id: Secret,
        secret_access_key: Secret,
        session_token: Option<Secret>,
        region: String,
    },
    /// A Bedrock API key, sent as `Authorization: Bearer …`.
    ApiKey(Secret),
}

impl BedrockAuth {
    /// Picks the credentials of `profile`: a Bedrock API key when one is stored, else access keys.
    pub(crate) fn from_profile(
        profile: &ProviderProfile,
        credentials: &Credentials,
    ) -> Result<Self, ProviderError> {
        if let Some(key) = credentials.get(CredentialField::BedrockApiKey) {
            return Ok(BedrockAuth::ApiKey(key.clone()));
        }
        let id = credentials.get(CredentialField::AwsAccessKeyId);
        let secret = credentials.get(CredentialField::AwsSecretAccessKey);
        match (id, secret) {
            (Some(id), Some(secret)) => Ok(BedrockAuth::SigV4 {
                access_key_id: id.clone(),
                secret_access_key: secret.clone(),
                session_token: credentials.get(CredentialField::AwsSessionToken).cloned(),
                region: super::region(profile)?.to_owned(),
            }),
            (Some(_), None) => Err(missing(profile, CredentialField::AwsSecretAccessKey)),
            (None, Some(_)) => Err(missing(profile, CredentialField::AwsAccessKeyId)),
            (None, None) => Err(ProviderError::new(
                ProviderErrorKind::Configuration,
                format!(
                    "Profile {name} has no AWS credentials. Store an access key pair \
                     (aws_access_key_id and aws_secret_access_key, plus aws_session_token for \
                     temporary keys) or a Bedrock API key (bedrock_api_key) with \
                     `casefile-admin secret set {name} FIELD`.",
                    name = profile.name
                ),
            )),
        }
    }

    /// Adds the authentication headers to `request`. Call it last: SigV4 covers the URL, the
    /// content type and the body exactly as they are now.
    pub(crate) fn apply(&self, request: &mut WireRequest) -> Result<(), ProviderError> {
        self.apply_at(request, SystemTime::now())
    }

    pub(crate) fn apply_at(
        &self,
        request: &mut WireRequest,
        time: SystemTime,
    ) -> Result<(), ProviderError> {
        request.headers.remove(AUTHORIZATION);
        match self {
            BedrockAuth::ApiKey(key) => {
                let value = sensitive_header(&format!("Bearer {}", key.expose()))?;
                request.headers.insert(AUTHORIZATION, value);
                Ok(())
            }
            BedrockAuth::SigV4 {
                access_key_id,
                secret_access_key,
                session_token,
                region,
            } => sign_sigv4(
                request,
                access_key_id,
                secret_access_key,
                session_token.as_ref(),
                region,
                time,
            ),
        }
    }
}

fn missing(profile: &ProviderProfile, field: CredentialField) -> ProviderError {
    ProviderError::new(
        ProviderErrorKind::Configuration,
        format!(
            "Profile {} has only half of an AWS access key pair: {field} is missing. Store it \
             with {}.",
            profile.name,
            secret_command(&profile.name, field)
        ),
    )
}

/// The SigV4 service name for a Bedrock host: `bedrock`, except `bedrock-mantle` for the Mantle
/// endpoints (`bedrock-mantle.{region}.api.aws`).
fn signing_service(url: &reqwest::Url) -> &'static str {
    match url.host_str() {
        Some(host) if host.starts_with("bedrock-mantle.") => "bedrock-mantle",
        _ => "bedrock",
    }
}

fn sign_sigv4(
    request: &mut WireRequest,
    access_key_id: &Secret,
    secret_access_key: &Secret,
    session_token: Option<&Secret>,
    region: &str,
    time: SystemTime,
) -> Result<(), ProviderError> {
    let failed = |what: &dyn std::fmt::Display| {
        tracing::debug!(error = %what, "SigV4 signing failed");
        ProviderError::new(
            ProviderErrorKind::Configuration,
            "The request to Bedrock could not be signed. Check that the profile's region and \
             base URL are valid.",
        )
    };
    let identity = aws_credential_types::Credentials::new(
        access_key_id.expose(),
        secret_access_key.expose(),
        session_token.map(|t| t.expose().to_owned()),
        None,
        "casefile-keychain",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(signing_service(&request.url))
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| failed(&e))?
        .into();

    // Sign the content type (the one header besides host that must not change on the way); the
    // host, with a non-default port, comes from the URL.
    let content_type = match request.headers.get(CONTENT_TYPE) {
        Some(value) => Some(value.to_str().map_err(|e| failed(&e))?),
        None => None,
    };
    let signed_headers = content_type.map(|v| ("content-type", v)).into_iter();
    let signable = SignableRequest::new(
        "POST",
        request.url.as_str(),
        signed_headers,
        SignableBody::Bytes(&request.body),
    )
    .map_err(|e| failed(&e))?;
    let (instructions, _signature) = sign(signable, &params)
        .map_err(|e| failed(&e))?
        .into_parts();
    let (headers, _params) = instructions.into_parts();
    for header in headers {
        let name = HeaderName::from_static(header.name());
        let value = if header.sensitive() || header.name() == "authorization" {
            sensitive_header(header.value())?
        } else {
            HeaderValue::from_str(header.value()).map_err(|e| failed(&e))?
        };
        request.headers.insert(name, value);
    }
    Ok(())
}

fn sensitive_header(value: &str) -> Result<HeaderValue, ProviderError> {
    let mut value = HeaderValue::from_str(value).map_err(|_| {
        ProviderError::new(
            ProviderErrorKind::Configuration,
            "A stored Bedrock credential contains characters that cannot be sent in an HTTP \
             header (perhaps a line break was pasted with it). Store it again.",
        )
    })?;
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use reqwest::header::HeaderMap;

    use super::*;
    use crate::providers::ProviderKind;

    /// 2026-01-01T00:00:00Z.
    fn fixed_time() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_767_225_600)
    }

    fn request(url: &str) -> WireRequest {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        WireRequest {
            url: reqwest::Url::parse(url).expect("test url"),
            headers,
            body: br#"{"messages":[{"role":"user","content":[{"text":"hi"}]}]}"#.to_vec(),
        }
    }

    fn keys() -> BedrockAuth {
        BedrockAuth::SigV4 {
            access_key_id: Secret::new("AKIDEXAMPLE"),
            secret_access_key: Secret::new("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            session_token: Some(Secret::new("SESSIONTOKEN")),
            region: "us-east-1".to_owned(),
        }
    }

    fn header<'a>(request: &'a WireRequest, name: &str) -> &'a str {
        request
            .headers
            .get(name)
            .unwrap_or_else(|| panic!("{name} header"))
            .to_str()
            .expect("ascii header")
    }

    /// Golden vector of PROVIDERS.md §8 (aws-sigv4 and an independent implementation agree).
    #[test]
    fn signs_the_aws_host_like_the_golden_vector() {
        let mut r = request(
            "https://bedrock-runtime.us-east-1.amazonaws.com/model/\
             us.anthropic.claude-3-5-haiku-20241022-v1%3A0/converse-stream",
        );
        keys().apply_at(&mut r, fixed_time()).expect("signs");
        assert_eq!(
            header(&r, "authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/bedrock/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, \
             Signature=9c6b36f1a0ea2db50aa44ebf79806bf17e8a3f153605127780ff3f53c350e177"
        );
        assert_eq!(header(&r, "x-amz-date"), "20260101T000000Z");
        assert_eq!(header(&r, "x-amz-security-token"), "SESSIONTOKEN");
        assert!(r.headers.get("authorization").expect("set").is_sensitive());
        assert!(
            r.headers
                .get("x-amz-security-token")
                .expect("set")
                .is_sensitive()
        );
    }

    /// Same request against a mock on a random port: the host header includes the port.
    #[test]
    fn signs_a_loopback_host_with_its_port_like_the_golden_vector() {
        let mut r = request(
            "http://127.0.0.1:38080/model/\
             us.anthropic.claude-3-5-haiku-20241022-v1%3A0/converse-stream",
        );
        keys().apply_at(&mut r, fixed_time()).expect("signs");
        assert!(
            header(&r, "authorization").ends_with(
                "Signature=7d19d5de825e150d677b6f6ceadb49cddb4134e5e53a1a2435ad63fbc2dcaa37"
            ),
            "{}",
            header(&r, "authorization")
        );
    }

    #[test]
    fn the_signature_covers_the_body() {
        let url = "https://bedrock-runtime.us-east-1.amazonaws.com/model/m/converse-stream";
        let mut a = request(url);
        let mut b = request(url);
        b.body.push(b' ');
        keys().apply_at(&mut a, fixed_time()).expect("signs");
        keys().apply_at(&mut b, fixed_time()).expect("signs");
        assert_ne!(header(&a, "authorization"), header(&b, "authorization"));
    }

    #[test]
    fn without_a_session_token_none_is_sent_or_signed() {
        let auth = BedrockAuth::SigV4 {
            access_key_id: Secret::new("AKIDEXAMPLE"),
            secret_access_key: Secret::new("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            session_token: None,
            region: "eu-central-1".to_owned(),
        };
        let mut r = request("https://bedrock-runtime.eu-central-1.amazonaws.com/model/m/converse");
        auth.apply_at(&mut r, fixed_time()).expect("signs");
        let authorization = header(&r, "authorization");
        assert!(authorization.contains("/20260101/eu-central-1/bedrock/aws4_request"));
        assert!(authorization.contains("SignedHeaders=content-type;host;x-amz-date,"));
        assert!(r.headers.get("x-amz-security-token").is_none());
    }

    #[test]
    fn mantle_hosts_sign_as_bedrock_mantle() {
        let mut r = request("https://bedrock-mantle.us-east-1.api.aws/v1/chat/completions");
        keys().apply_at(&mut r, fixed_time()).expect("signs");
        assert!(header(&r, "authorization").contains("/us-east-1/bedrock-mantle/aws4_request"));
    }

    #[test]
    fn an_api_key_is_a_bearer_token_and_replaces_any_authorization() {
        let mut r = request("https://bedrock-runtime.us-east-1.amazonaws.com/model/m/converse");
        r.headers
            .insert(AUTHORIZATION, HeaderValue::from_static("stale"));
        BedrockAuth::ApiKey(Secret::new("bedrock-api-key-mock"))
            .apply_at(&mut r, fixed_time())
            .expect("applies");
        assert_eq!(header(&r, "authorization"), "Bearer bedrock-api-key-mock");
        assert!(r.headers.get("x-amz-date").is_none());
    }

    fn profile() -> ProviderProfile {
        let mut p = ProviderProfile::new("aws-eu", ProviderKind::Bedrock).expect("profile");
        p.region = Some("eu-central-1".to_owned());
        p
    }

    #[test]
    fn credentials_are_chosen_api_key_first_then_access_keys() {
        let both = Credentials::default()
            .with(CredentialField::AwsAccessKeyId, Secret::new("AKID"))
            .with(CredentialField::AwsSecretAccessKey, Secret::new("SECRET"))
            .with(CredentialField::BedrockApiKey, Secret::new("KEY"));
        assert!(matches!(
            BedrockAuth::from_profile(&profile(), &both).expect("auth"),
            BedrockAuth::ApiKey(_)
        ));

        let keys = Credentials::default()
            .with(CredentialField::AwsAccessKeyId, Secret::new("AKID"))
            .with(CredentialField::AwsSecretAccessKey, Secret::new("SECRET"))
            .with(CredentialField::AwsSessionToken, Secret::new("TOKEN"));
        match BedrockAuth::from_profile(&profile(), &keys).expect("auth") {
            BedrockAuth::SigV4 {
                session_token,
                region,
                ..
            } => {
                assert_eq!(session_token.expect("token").expose(), "TOKEN");
                assert_eq!(region, "eu-central-1");
            }
            other => panic!("expected SigV4, got {other:?}"),
        }
    }

    #[test]
    fn missing_credentials_say_which_field_to_store() {
        let none = BedrockAuth::from_profile(&profile(), &Credentials::default())
            .expect_err("no credentials");
        assert_eq!(none.kind(), ProviderErrorKind::Configuration);
        assert!(none.message().contains("casefile-admin secret set aws-eu"));

        let half = Credentials::default().with(CredentialField::AwsAccessKeyId, Secret::new("A"));
        let error = BedrockAuth::from_profile(&profile(), &half).expect_err("half a pair");
        assert!(error.message().contains("aws_secret_access_key"), "{error}");

        let mut no_region = profile();
        no_region.region = None;
        let keys = Credentials::default()
            .with(CredentialField::AwsAccessKeyId, Secret::new("AKID"))
            .with(CredentialField::AwsSecretAccessKey, Secret::new("SECRET"));
        let error = BedrockAuth::from_profile(&no_region, &keys).expect_err("no region");
        assert_eq!(error.kind(), ProviderErrorKind::Configuration);
        assert!(error.message().contains("region"));
    }

    #[test]
    fn a_key_with_a_line_break_is_a_configuration_error_without_the_key() {
        let mut r = request("https://bedrock-runtime.us-east-1.amazonaws.com/model/m/converse");
        let error = BedrockAuth::ApiKey(Secret::new("abc\ndef"))
            .apply_at(&mut r, fixed_time())
            .expect_err("invalid header");
        assert_eq!(error.kind(), ProviderErrorKind::Configuration);
        assert!(!error.message().contains("abc"));
    }
}
