//! Credentials and keys, kept only in the OS keychain.
//!
//! [`Secret`] cannot be printed, logged or serialized by accident: it has no `Display` and no
//! `Serialize`, its `Debug` shows `[redacted]`, and its memory is wiped on drop. Reading the value
//! takes an explicit [`Secret::expose`].
//!
//! [`SecretStore`] calls block (the OS keychain is a synchronous IPC). Async callers go through
//! [`off_thread`] so that no keychain call ever runs on an event loop or the UI thread.

mod keychain;
mod memory;

use std::fmt;
use std::sync::Arc;

use zeroize::Zeroizing;

pub use keychain::KeychainStore;
pub use memory::MemoryStore;

use crate::{Error, Result};

/// A secret value. See the module documentation for what it refuses to do.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(Zeroizing::new(value.into()))
    }

    /// The plain value. Call it only where the value leaves for its one legitimate destination
    /// (the keychain, an HTTP header); never to display or log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// The name a secret is stored under, e.g. `database-key` or `profile.azure-eu.api-key`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SecretName(String);

impl SecretName {
    pub const MAX_LEN: usize = 128;

    pub fn new(name: &str) -> Result<Self> {
        let valid_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':');
        if name.is_empty() || name.len() > Self::MAX_LEN || !name.chars().all(valid_char) {
            return Err(Error::InvalidInput(format!(
                "{name:?} is not a valid secret name: use 1 to {} letters, digits, '.', '-', \
                 '_' or ':'",
                Self::MAX_LEN
            )));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SecretName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether `name` (a JSON key, an HTTP header name) names a credential: the one test the
/// product uses to keep such values out of policy and configuration files, profile settings and
/// the database. Gateway headers such as `Ocp-Apim-Subscription-Key`, `Helicone-Auth`,
/// `X-Portkey-Virtual-Key` or `Authorization` are credentials.
pub fn looks_like_credential_name(name: &str) -> bool {
    let folded: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    // Profile settings whose names contain a credential-like word but hold none.
    if matches!(
        folded.as_str(),
        "tokenurl"
            | "tenantid"
            | "clientid"
            | "contextwindowtokens"
            | "maxoutputtokens"
            | "usdpermillioninputtokens"
            | "usdpermillionoutputtokens"
    ) {
        return false;
    }
    // "key" only at the end: X-Api-Key, Portkey's virtual key, but not "keychain_fields".
    folded.ends_with("key")
        || [
            "apikey",
            "secret",
            "password",
            "passwd",
            "token",
            "privatekey",
            "credential",
            "auth",
            "subscriptionkey",
            "accesskey",
            "serviceaccount",
            "cookie",
        ]
        .iter()
        .any(|word| folded.contains(word))
}

/// A place that keeps secrets by name. Every method blocks; see [`off_thread`].
pub trait SecretStore: Send + Sync {
    /// The secret stored under `name`, or `None` when there is none.
    fn get(&self, name: &SecretName) -> Result<Option<Secret>>;
    /// Stores `value` under `name`, replacing any previous value.
    fn set(&self, name: &SecretName, value: &Secret) -> Result<()>;
    /// Removes the secret; `false` when there was nothing to remove.
    fn delete(&self, name: &SecretName) -> Result<bool>;
    /// Checks that the store can be reached at all, without reading any secret.
    fn probe(&self) -> Result<()>;
}

/// Runs a blocking secret-store call on tokio's blocking pool.
pub async fn off_thread<T, F>(store: Arc<dyn SecretStore>, call: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce(&dyn SecretStore) -> Result<T> + Send + 'static,
{
    tokio::task::spawn_blocking(move || call(store.as_ref()))
        .await
        .map_err(|e| Error::Internal(format!("keychain task failed: {e}")))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_debug_is_redacted_even_when_nested() {
        let secret = Secret::new("sk-live-123");
        assert_eq!(format!("{secret:?}"), "[redacted]");
        let nested = Some(vec![secret]);
        assert!(!format!("{nested:?}").contains("sk-live"));
        assert!(!format!("{nested:#?}").contains("sk-live"));
    }

    #[test]
    fn secret_names_are_validated() {
        assert!(SecretName::new("profile.azure-eu:api_key").is_ok());
        for bad in ["", "has space", "slash/y", "é", &"x".repeat(129)] {
            let err = SecretName::new(bad).unwrap_err();
            assert_eq!(err.code(), crate::ErrorCode::InvalidInput, "{bad:?}");
        }
    }

    #[test]
    fn gateway_credential_headers_and_secret_keys_look_like_credentials() {
        for name in [
            "Ocp-Apim-Subscription-Key",
            "Helicone-Auth",
            "api-key",
            "Authorization",
            "Proxy-Authorization",
            "X-API-Key",
            "x-goog-api-key",
            "Portkey-Api-Key",
            "x-portkey-virtual-key",
            "X-Auth-Token",
            "Cookie",
            "client_secret",
            "aws_session_token",
            "service_account_json",
        ] {
            assert!(looks_like_credential_name(name), "{name}");
        }
        for name in [
            "X-Team",
            "X-Request-Source",
            "Portkey-Provider",
            "keychain_fields",
            "keychain_headers",
            "token_url",
            "tenant_id",
            "max_output_tokens",
            "extra_headers",
        ] {
            assert!(!looks_like_credential_name(name), "{name}");
        }
    }

    #[tokio::test]
    async fn off_thread_runs_the_call_on_a_blocking_thread() {
        let store: Arc<dyn SecretStore> = Arc::new(MemoryStore::default());
        let name = SecretName::new("n").unwrap();
        let caller = std::thread::current().id();
        let (thread, _) = off_thread(store, move |s| {
            s.set(&name, &Secret::new("v"))?;
            Ok((std::thread::current().id(), ()))
        })
        .await
        .unwrap();
        assert_ne!(thread, caller);
    }
}
