//! Work the UI can stop while it runs (an AI draft being written, a matter's ZIP export), kept
//! by the id the UI knows it by.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Mutex, MutexGuard, PoisonError};

use tokio_util::sync::CancellationToken;

pub struct Running<K>(Mutex<HashMap<K, CancellationToken>>);

impl<K> Default for Running<K> {
    fn default() -> Self {
        Self(Mutex::default())
    }
}

impl<K: Eq + Hash> Running<K> {
    /// Remembers how to stop the work known as `key` while it runs.
    pub fn started(&self, key: K, stop: CancellationToken) {
        self.map().insert(key, stop);
    }

    pub fn ended(&self, key: &K) {
        self.map().remove(key);
    }

    /// Stops the work known as `key`; false when nothing by that key is running. The token
    /// stays cancelled, so work between two checks still sees it.
    pub fn stop(&self, key: &K) -> bool {
        self.map().get(key).map(CancellationToken::cancel).is_some()
    }

    fn map(&self) -> MutexGuard<'_, HashMap<K, CancellationToken>> {
        // The map stays consistent even if a holder panicked: every change is one call.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
