//! Backups: a copy of the case database encrypted with a passphrase the firm keeps (not the
//! keychain key), so that it can be restored on another desktop. A backup is itself a SQLCipher
//! database keyed from the passphrase (PBKDF2), written under a temporary name and renamed, so a
//! half-written backup never looks like a good one.

use std::path::Path;

use rusqlite::Connection;

use super::{DatabaseKey, Store, migrations};
use crate::secrets::Secret;
use crate::{Error, Result};

/// Shorter passphrases are refused when creating a backup.
pub const MIN_PASSPHRASE_CHARS: usize = 12;

impl Store {
    /// Writes an encrypted copy of the database to `dest`, which must not exist yet.
    pub fn backup_to(&self, dest: &Path, passphrase: &Secret) -> Result<()> {
        if passphrase.expose().chars().count() < MIN_PASSPHRASE_CHARS {
            return Err(Error::InvalidInput(format!(
                "Use a backup passphrase of at least {MIN_PASSPHRASE_CHARS} characters."
            )));
        }
        if dest.exists() {
            return Err(Error::InvalidInput(format!(
                "{} already exists; choose a new file name for the backup.",
                dest.display()
            )));
        }
        let partial = dest.with_extension("partial");
        let _ = std::fs::remove_file(&partial);
        let version = migrations::current_version(&self.conn)?;
        let result = copy(
            &self.conn,
            &partial,
            passphrase.expose(),
            Direction::IntoAttached,
            version,
        )
        .and_then(|()| std::fs::rename(&partial, dest).map_err(|e| Error::storage(dest, e)));
        if result.is_err() {
            let _ = std::fs::remove_file(&partial);
        }
        result
    }
}

/// Opens a backup with its passphrase and checks that this version can restore it; returns its
/// data format version.
pub(crate) fn check_backup(path: &Path, passphrase: &Secret) -> Result<u32> {
    if !path.is_file() {
        return Err(Error::NotFound(format!(
            "There is no backup file at {}.",
            path.display()
        )));
    }
    let conn = super::open_connection(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| Error::Database(format!("{}: {e}", path.display())))?;
    conn.pragma_update(None, "key", passphrase.expose())?;
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })
    .map_err(|_| {
        Error::InvalidInput(format!(
            "{} could not be opened: the passphrase is wrong, or it is not a Casefile backup. \
                 Nothing was restored.",
            path.display()
        ))
    })?;
    let version = migrations::current_version(&conn)?;
    migrations::check_supported(version)?;
    Ok(version)
}

/// Copies a checked backup into a new database at `dest`, encrypted with `key`.
pub(crate) fn restore(
    backup: &Path,
    passphrase: &Secret,
    dest: &Path,
    key: &DatabaseKey,
) -> Result<()> {
    let version = check_backup(backup, passphrase)?;
    let conn = super::open_connection(dest, rusqlite::OpenFlags::default())
        .map_err(|e| Error::Database(format!("{}: {e}", dest.display())))?;
    conn.execute_batch(&key.pragma())?;
    copy(
        &conn,
        backup,
        passphrase.expose(),
        Direction::FromAttached,
        version,
    )
}

enum Direction {
    IntoAttached,
    FromAttached,
}

/// `sqlcipher_export` between the connection's main database and `other`, attached with `key`
/// (a passphrase or a raw-key literal); the data format version is carried over.
fn copy(
    conn: &Connection,
    other: &Path,
    key: &str,
    direction: Direction,
    version: u32,
) -> Result<()> {
    conn.execute(
        "ATTACH DATABASE ?1 AS other KEY ?2",
        rusqlite::params![other.to_string_lossy(), key],
    )?;
    let (export, target) = match direction {
        Direction::IntoAttached => ("SELECT sqlcipher_export('other')", "other"),
        Direction::FromAttached => ("SELECT sqlcipher_export('main', 'other')", "main"),
    };
    let copied = conn
        .query_row(export, [], |_| Ok(()))
        .and_then(|()| conn.execute_batch(&format!("PRAGMA {target}.user_version = {version}")));
    let detached = conn.execute_batch("DETACH DATABASE other");
    copied?;
    detached?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use crate::store::{DATABASE_FILE, NewContact, test_support};

    #[test]
    fn a_backup_opens_only_with_its_passphrase() {
        let (dir, mut store) = test_support::store();
        store
            .create_contact(&NewContact::person("Ana", "Ruiz"))
            .unwrap();
        let file = dir.path().join("firm.casefile-backup");
        let pass = Secret::new("correct horse battery");
        store.backup_to(&file, &pass).unwrap();
        assert!(
            !std::fs::read(&file)
                .unwrap()
                .starts_with(b"SQLite format 3")
        );

        let err = check_backup(&file, &Secret::new("wrong passphrase!!")).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput);
        assert!(err.to_string().contains("passphrase is wrong"), "{err}");

        let dest = dir.path().join("restored").join(DATABASE_FILE);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        let key = DatabaseKey::generate().unwrap();
        restore(&file, &pass, &dest, &key).unwrap();
        let restored = Store::open(&dest, &key, false).unwrap();
        assert_eq!(restored.clients().unwrap()[0].name, "Ana Ruiz");
        assert_eq!(restored.check().unwrap().integrity, "ok");
    }

    #[test]
    fn weak_passphrases_and_existing_files_are_refused() {
        let (dir, store) = test_support::store();
        let file = dir.path().join("b");
        assert_eq!(
            store
                .backup_to(&file, &Secret::new("short"))
                .unwrap_err()
                .code(),
            ErrorCode::InvalidInput
        );
        assert!(!file.exists());
        std::fs::write(&file, "keep me").unwrap();
        let err = store
            .backup_to(&file, &Secret::new("long enough passphrase"))
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput);
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
    }
}
