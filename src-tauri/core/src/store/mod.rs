//! The case store: one SQLCipher-encrypted SQLite file per workspace.
//!
//! Opening always goes through [`Store::open`], which sets the key, proves the build really
//! encrypts (`PRAGMA cipher_version`), applies the durability and speed settings and runs the
//! migrations. There is no way to open the store unencrypted.

pub(crate) mod backup;
mod connection;
mod consents;
mod contact_details;
mod docket;
mod drafts;
pub(crate) mod fields;
mod holds;
pub(crate) mod identifiers;
mod import;
mod key;
mod lookup;
mod matter_details;
mod migrations;
mod notes;
mod profiles;
mod rank;
mod records;
mod search;
mod snippet;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rusqlite::{Connection, OpenFlags, functions::FunctionFlags};

pub use backup::MIN_PASSPHRASE_CHARS;
pub use connection::open_connection;
pub use consents::{Consent, ConsentMethod, ConsentScope, NewConsent, Revocation};
pub use contact_details::{
    Address, AddressKind, Contact, ContactDetails, Email, EmailKind, I94, Jurisdiction, Passport,
    Phone, PhoneKind, SensitivityFlag,
};
pub use docket::{DeadlineEvent, DeadlineRecord, Filing, Notice, NoticeKind, UpcomingDeadline};
pub use drafts::{
    Draft, DraftEnd, DraftFilter, DraftListing, DraftOrigin, DraftStatus, DraftSummary,
    DraftVersion, MatterAiCost, NewDraft,
};
pub use holds::{LegalHold, LegalHoldListing, RetentionOverride};
pub use import::{ImportFailure, ImportReport, csv_columns};
pub use key::DatabaseKey;
pub use matter_details::{Forum, Matter, MatterDetails, Party, PartyRole};
pub use notes::{NewNote, Note, Revision, RevisionSummary, TrashedNote};
pub use profiles::{CredentialStatus, StoredProfile};
pub use records::{ClientSummary, ContactKind, MatterSummary, NewContact, NewMatter, NoteSummary};
pub use search::{Kind, SearchFilter, SearchHit, Segment};

use crate::{Error, Result};

/// The database file inside a workspace folder.
pub const DATABASE_FILE: &str = "casefile.db";

/// Page cache per connection, in KiB. Decrypted pages stay cached, which keeps SQLCipher's cost
/// over plain SQLite small (measured by `make bench`).
const CACHE_KIB: i64 = 64 * 1024;

pub struct Store {
    /// Also used by core modules that keep their own tables here (the audit log).
    pub(crate) conn: Connection,
    /// Read by `casefile_trigger_indexing()`: false only inside a bulk import's transaction,
    /// which then indexes the notes it wrote itself (see `import::BulkIndexing`).
    trigger_indexing: Arc<AtomicBool>,
}

impl Store {
    /// Opens (creating if `create`) the encrypted database at `path` and brings its schema up to
    /// date. A database written by a newer Casefile is refused and left untouched.
    pub fn open(path: &Path, key: &DatabaseKey, create: bool) -> Result<Self> {
        if !create && !path.is_file() {
            return Err(Error::NotFound(format!(
                "There is no Casefile database at {}.",
                path.display()
            )));
        }
        // CREATE stays set even for an existing file: databases attached to this connection
        // (backups) inherit its flags and must be able to create their file.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = open_connection(path, flags).map_err(|e| db_error(path, e))?;
        conn.execute_batch(&key.pragma())
            .map_err(|e| db_error(path, e))?;
        let cipher: Option<String> = conn
            .query_row("PRAGMA cipher_version", [], |r| r.get(0))
            .ok();
        if cipher.is_none() {
            return Err(Error::Internal(
                "this build of Casefile lacks database encryption and will not write case data"
                    .into(),
            ));
        }
        // The first read proves the key; a wrong key or a foreign file fails here.
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })
        .map_err(|e| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => Error::Database(format!(
                "{} cannot be decrypted with this workspace's key from the keychain, or it \
                     is not a Casefile database.",
                path.display()
            )),
            _ => db_error(path, e),
        })?;
        conn.execute_batch(&format!(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA foreign_keys = ON;
             PRAGMA busy_timeout = 5000;
             PRAGMA cache_size = -{CACHE_KIB};"
        ))
        .map_err(|e| db_error(path, e))?;
        let trigger_indexing = Arc::new(AtomicBool::new(true));
        register_functions(&conn, &trigger_indexing).map_err(|e| db_error(path, e))?;
        let mut store = Store {
            conn,
            trigger_indexing,
        };
        migrations::apply(&mut store.conn).map_err(|e| match e {
            Error::Database(detail) => Error::Database(format!("{}: {detail}", path.display())),
            other => other,
        })?;
        Ok(store)
    }

    /// `PRAGMA integrity_check` ("ok" when the file is sound) and the row counts an admin checks.
    pub fn check(&self) -> Result<Health> {
        let integrity: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        let count = |table: &str| -> Result<i64> {
            Ok(self
                .conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
        };
        Ok(Health {
            integrity,
            schema_version: migrations::current_version(&self.conn)?,
            contacts: count("contacts")?,
            matters: count("matters")?,
            notes: count("notes")?,
            revisions: count("note_revisions")?,
        })
    }
}

/// What `Store::check` reports.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    pub integrity: String,
    pub schema_version: u32,
    pub contacts: i64,
    pub matters: i64,
    pub notes: i64,
    pub revisions: i64,
}

/// SQL functions the schema's triggers and search call; registered on every connection.
fn register_functions(
    conn: &Connection,
    trigger_indexing: &Arc<AtomicBool>,
) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        "casefile_identifiers",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| Ok(identifiers::index_terms(&ctx.get::<String>(0)?)),
    )?;
    rank::register(conn)?;
    let flag = Arc::clone(trigger_indexing);
    conn.create_scalar_function(
        "casefile_trigger_indexing",
        0,
        FunctionFlags::SQLITE_UTF8,
        move |_| Ok(flag.load(Ordering::Relaxed)),
    )
}

fn db_error(path: &Path, error: rusqlite::Error) -> Error {
    Error::Database(format!("{}: {error}", path.display()))
}

impl From<rusqlite::Error> for Error {
    fn from(error: rusqlite::Error) -> Self {
        match error {
            rusqlite::Error::QueryReturnedNoRows => Error::NotFound("No such record.".into()),
            other => Error::Database(other.to_string()),
        }
    }
}

/// The current time as stored in the database (RFC 3339, UTC).
pub(crate) fn now() -> String {
    jiff::Timestamp::now().to_string()
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;

    /// A fresh encrypted store in a temporary folder.
    pub fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(
            &dir.path().join(DATABASE_FILE),
            &DatabaseKey::generate().unwrap(),
            true,
        )
        .unwrap();
        (dir, store)
    }

    /// A plain connection to the encrypted file, as anyone holding the key could open it
    /// outside Casefile (no checks, no Casefile functions).
    pub fn raw_connection(path: &Path, key: &DatabaseKey) -> Connection {
        let conn = open_connection(path, OpenFlags::default()).unwrap();
        conn.execute_batch(&key.pragma()).unwrap();
        conn
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[test]
    fn the_file_on_disk_is_encrypted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DATABASE_FILE);
        let key = DatabaseKey::generate().unwrap();
        let mut store = Store::open(&path, &key, true).unwrap();
        let client = store
            .create_contact(&NewContact::person("Ana", "Peña-Marker"))
            .unwrap();
        let matter = store
            .create_matter(&NewMatter::new(client, "Asylum Peña-Marker"))
            .unwrap();
        store
            .create_note(&NewNote::new(matter, "Interview", "plaintext-canary"))
            .unwrap();
        drop(store);
        let mut bytes = std::fs::read(&path).unwrap();
        if let Ok(wal) = std::fs::read(dir.path().join(format!("{DATABASE_FILE}-wal"))) {
            bytes.extend(wal);
        }
        assert!(!bytes.starts_with(b"SQLite format 3"));
        let haystack = String::from_utf8_lossy(&bytes);
        assert!(!haystack.contains("plaintext-canary"));
        assert!(!haystack.contains("Peña-Marker"));
    }

    #[test]
    fn a_wrong_key_is_a_clear_error_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DATABASE_FILE);
        drop(Store::open(&path, &DatabaseKey::generate().unwrap(), true).unwrap());
        let before = std::fs::read(&path).unwrap();
        let err = Store::open(&path, &DatabaseKey::generate().unwrap(), false)
            .err()
            .unwrap();
        assert_eq!(err.code(), ErrorCode::Database);
        assert!(err.to_string().contains("cannot be decrypted"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn reopening_keeps_data_and_settings() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DATABASE_FILE);
        let key = DatabaseKey::generate().unwrap();
        let mut store = Store::open(&path, &key, true).unwrap();
        store
            .create_contact(&NewContact::person("Li", "Wei"))
            .unwrap();
        drop(store);
        let store = Store::open(&path, &key, false).unwrap();
        let pragma = |p: &str| -> String {
            store
                .conn
                .query_row(&format!("PRAGMA {p}"), [], |r| {
                    r.get::<_, rusqlite::types::Value>(0)
                })
                .map(|v| format!("{v:?}"))
                .unwrap()
        };
        assert!(pragma("journal_mode").contains("wal"));
        assert!(pragma("foreign_keys").contains('1'));
        assert!(pragma("busy_timeout").contains("5000"));
        let health = store.check().unwrap();
        assert_eq!(health.integrity, "ok");
        assert_eq!(health.contacts, 1);
    }

    #[test]
    fn opening_a_missing_file_without_create_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DATABASE_FILE);
        let err = Store::open(&path, &DatabaseKey::generate().unwrap(), false)
            .err()
            .unwrap();
        assert_eq!(err.code(), ErrorCode::NotFound);
        assert!(!path.exists());
    }
}
