//! Public test credentials the mocks accept. They protect nothing.

use serde_json::json;

/// OpenAI and compatible Bearer key, Azure `api-key`, Anthropic `x-api-key`.
pub const API_KEY: &str = "mock-api-key";

pub const AWS_ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
pub const AWS_SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// Optional on requests; when sent, it must be this one.
pub const AWS_SESSION_TOKEN: &str = "SESSIONTOKEN";
/// Bedrock API key (`Authorization: Bearer`).
pub const BEDROCK_API_KEY: &str = "bedrock-api-key-mock";

pub const ENTRA_TENANT: &str = "mock-tenant";
pub const ENTRA_CLIENT_ID: &str = "mock-client";
pub const ENTRA_CLIENT_SECRET: &str = "mock-entra-secret";
/// What the Entra token endpoint of the Azure mock issues.
pub const ENTRA_ACCESS_TOKEN: &str = "entra-mock-token";

/// What the Google token endpoint of the Vertex mock issues.
pub const GOOGLE_ACCESS_TOKEN: &str = "ya29.mock-token";
pub const GCP_PROJECT: &str = "mock-project";
pub const SERVICE_ACCOUNT_EMAIL: &str = "casefile-mock@mock-project.iam.gserviceaccount.com";
pub const SERVICE_ACCOUNT_KEY_ID: &str = "mock-key-id";

/// The fake service account's private key (PKCS#8 PEM), a test-only fixture.
pub const SERVICE_ACCOUNT_PRIVATE_KEY: &str =
    include_str!("../../fixtures/test-only-service-account-key.pem");
/// Its public half, which the Vertex mock verifies assertions with.
pub const SERVICE_ACCOUNT_PUBLIC_KEY: &str =
    include_str!("../../fixtures/test-only-service-account-key.pub.pem");

/// A Google service-account key file whose token exchange goes to `token_uri`
/// (normally `{vertex_mock.base_url()}/token`).
pub fn service_account_json(token_uri: &str) -> String {
    let key = json!({
        "type": "service_account",
        "project_id": GCP_PROJECT,
        "private_key_id": SERVICE_ACCOUNT_KEY_ID,
        "private_key": SERVICE_ACCOUNT_PRIVATE_KEY,
        "client_email": SERVICE_ACCOUNT_EMAIL,
        "client_id": "100000000000000000000",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": token_uri,
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "universe_domain": "googleapis.com"
    });
    serde_json::to_string_pretty(&key).expect("a JSON value always serializes")
}
