//! The OS keychain: Secret Service on Linux, Keychain on macOS, Credential Manager on Windows.

use tracing::{debug, instrument};

use super::{Secret, SecretName, SecretStore};
use crate::{Error, Result};

/// Secrets in the OS keychain, under one service name (the namespace).
#[derive(Debug, Clone)]
pub struct KeychainStore {
    service: String,
}

/// Name used by [`SecretStore::probe`]; it is only ever looked up, never written.
const PROBE_NAME: &str = "keychain-probe";

const UNAVAILABLE_HINT: &str = if cfg!(target_os = "linux") {
    "On Linux, Casefile keeps credentials in the desktop's Secret Service (GNOME Keyring or \
     KWallet): sign in to a desktop session, or ask your IT provider to enable the keyring."
} else if cfg!(target_os = "macos") {
    "Sign in to your macOS user session so that the login keychain is available."
} else {
    "Sign in to your Windows user session so that Credential Manager is available."
};

impl KeychainStore {
    pub fn new(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
        }
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    fn entry(&self, name: &str) -> Result<keyring::Entry> {
        keyring::Entry::new(&self.service, name).map_err(map_error)
    }
}

impl SecretStore for KeychainStore {
    #[instrument(skip(self), fields(service = %self.service))]
    fn get(&self, name: &SecretName) -> Result<Option<Secret>> {
        let found = match self.entry(name.as_str())?.get_password() {
            Ok(value) => Some(Secret::new(value)),
            Err(keyring::Error::NoEntry) => None,
            Err(e) => return Err(map_error(e)),
        };
        debug!(found = found.is_some(), "keychain read");
        Ok(found)
    }

    // Records `value` like any other argument: its Debug form is `[redacted]`.
    #[instrument(skip(self), fields(service = %self.service))]
    fn set(&self, name: &SecretName, value: &Secret) -> Result<()> {
        self.entry(name.as_str())?
            .set_password(value.expose())
            .map_err(map_error)?;
        debug!("keychain write");
        Ok(())
    }

    #[instrument(skip(self), fields(service = %self.service))]
    fn delete(&self, name: &SecretName) -> Result<bool> {
        let deleted = match self.entry(name.as_str())?.delete_credential() {
            Ok(()) => true,
            Err(keyring::Error::NoEntry) => false,
            Err(e) => return Err(map_error(e)),
        };
        debug!(deleted, "keychain delete");
        Ok(deleted)
    }

    #[instrument(skip(self), fields(service = %self.service))]
    fn probe(&self) -> Result<()> {
        match self.entry(PROBE_NAME)?.get_password() {
            Ok(_) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_error(e)),
        }
    }
}

fn map_error(error: keyring::Error) -> Error {
    match error {
        keyring::Error::NoStorageAccess(e) => Error::KeychainAccessDenied {
            detail: e.to_string(),
        },
        keyring::Error::PlatformFailure(e) => Error::KeychainUnavailable {
            hint: UNAVAILABLE_HINT,
            detail: e.to_string(),
        },
        keyring::Error::NoEntry => Error::NotFound("no such secret in the keychain".into()),
        keyring::Error::TooLong(what, max) => Error::InvalidInput(format!(
            "the {what} is too long for the keychain (max {max})"
        )),
        other => Error::Internal(format!("keychain: {other}")),
    }
}

/// These tests use the real OS keychain. `make test` starts a private D-Bus session and an
/// unlocked gnome-keyring for them; run them by hand with `cargo test -- --ignored` inside such
/// a session.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    fn unique_store() -> KeychainStore {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        KeychainStore::new(format!("Casefile-test-{}-{nanos}", std::process::id()))
    }

    #[test]
    #[ignore = "needs an OS keychain session (make test starts one)"]
    fn round_trip_replace_and_delete() {
        let store = unique_store();
        let name = SecretName::new("profile.test:api-key").unwrap();
        store.probe().unwrap();
        assert!(store.get(&name).unwrap().is_none());

        store.set(&name, &Secret::new("first")).unwrap();
        assert_eq!(store.get(&name).unwrap().unwrap().expose(), "first");
        store
            .set(&name, &Secret::new("second ✓ with unicode"))
            .unwrap();
        assert_eq!(
            store.get(&name).unwrap().unwrap().expose(),
            "second ✓ with unicode"
        );

        assert!(store.delete(&name).unwrap());
        assert!(!store.delete(&name).unwrap());
        assert!(store.get(&name).unwrap().is_none());
    }

    #[test]
    #[ignore = "needs an OS keychain session (make test starts one)"]
    fn namespaces_do_not_see_each_other() {
        let (a, b) = (
            unique_store(),
            KeychainStore::new("Casefile-test-other-namespace"),
        );
        let name = SecretName::new("database-key").unwrap();
        a.set(&name, &Secret::new("only in a")).unwrap();
        assert!(b.get(&name).unwrap().is_none());
        a.delete(&name).unwrap();
    }

    #[test]
    fn keychain_failures_map_to_actionable_codes() {
        let unavailable = map_error(keyring::Error::PlatformFailure("no bus".into()));
        assert_eq!(unavailable.code(), ErrorCode::KeychainUnavailable);
        assert!(
            unavailable
                .to_string()
                .contains("No OS keychain is reachable")
        );
        assert!(unavailable.to_string().contains("no bus"));
        let denied = map_error(keyring::Error::NoStorageAccess("locked".into()));
        assert_eq!(denied.code(), ErrorCode::KeychainAccessDenied);
        assert!(denied.to_string().contains("Unlock"));
    }
}
