//! An in-memory [`SecretStore`] for unit tests. Never used by the app or the CLI.

use std::collections::HashMap;
use std::sync::Mutex;

use super::{Secret, SecretName, SecretStore};
use crate::Result;

#[derive(Default)]
pub struct MemoryStore {
    entries: Mutex<HashMap<SecretName, Secret>>,
}

impl MemoryStore {
    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<SecretName, Secret>> {
        // A panic while holding the lock cannot leave the map half-updated.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, name: &SecretName) -> Result<Option<Secret>> {
        Ok(self.entries().get(name).cloned())
    }

    fn set(&self, name: &SecretName, value: &Secret) -> Result<()> {
        self.entries().insert(name.clone(), value.clone());
        Ok(())
    }

    fn delete(&self, name: &SecretName) -> Result<bool> {
        Ok(self.entries().remove(name).is_some())
    }

    fn probe(&self) -> Result<()> {
        Ok(())
    }
}
