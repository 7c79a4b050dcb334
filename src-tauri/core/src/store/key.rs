//! The database key: 256 random bits, kept only in the OS keychain, handed to SQLCipher as a raw
//! key (no passphrase derivation, so opening takes milliseconds).

use crate::secrets::Secret;
use crate::{Error, Result};

const KEY_BYTES: usize = 32;

pub struct DatabaseKey(Secret);

impl DatabaseKey {
    pub fn generate() -> Result<Self> {
        let mut bytes = zeroize::Zeroizing::new([0u8; KEY_BYTES]);
        getrandom::fill(bytes.as_mut())
            .map_err(|e| Error::Internal(format!("no secure random numbers: {e}")))?;
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        Ok(Self(Secret::new(hex)))
    }

    /// A key as stored in the keychain (64 hex digits).
    pub fn from_secret(secret: Secret) -> Result<Self> {
        let value = secret.expose();
        if value.len() != KEY_BYTES * 2 || !value.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::InvalidInput(
                "The database key in the keychain is damaged (expected 64 hexadecimal digits)."
                    .into(),
            ));
        }
        Ok(Self(secret))
    }

    /// The value to keep in the keychain.
    pub fn secret(&self) -> &Secret {
        &self.0
    }

    /// The statement that unlocks the database. Never log it.
    pub(super) fn pragma(&self) -> String {
        format!("PRAGMA key = \"{}\";", self.raw_key_literal())
    }

    /// The key as SQLCipher's raw-key literal (`x'…'`), which skips passphrase derivation.
    pub(super) fn raw_key_literal(&self) -> String {
        format!("x'{}'", self.0.expose())
    }
}

impl std::fmt::Debug for DatabaseKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DatabaseKey([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_are_random_and_well_formed() {
        let a = DatabaseKey::generate().unwrap();
        let b = DatabaseKey::generate().unwrap();
        assert_ne!(a.secret().expose(), b.secret().expose());
        assert!(DatabaseKey::from_secret(a.secret().clone()).is_ok());
        assert_eq!(format!("{a:?}"), "DatabaseKey([redacted])");
    }

    #[test]
    fn damaged_keys_are_refused() {
        for bad in ["", "xyz", &"g".repeat(64), &"a".repeat(63)] {
            assert!(DatabaseKey::from_secret(Secret::new(bad)).is_err(), "{bad}");
        }
    }
}
