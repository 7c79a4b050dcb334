//! Ordered schema migrations, recorded in `PRAGMA user_version`. Each runs in one transaction;
//! released files are never edited.

use rusqlite::Connection;

use crate::{Error, Result};

/// Migration N (1-based) is `MIGRATIONS[N - 1]`.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_case_records.sql"),
    include_str!("migrations/0002_docket.sql"),
    include_str!("migrations/0003_provider_profiles.sql"),
];

pub fn current_version(conn: &Connection) -> Result<u32> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

pub fn apply(conn: &mut Connection) -> Result<()> {
    apply_list(conn, MIGRATIONS)
}

/// Refuses data written by a newer Casefile.
pub fn check_supported(found: u32) -> Result<()> {
    check_against(found, MIGRATIONS.len())
}

fn check_against(found: u32, known: usize) -> Result<()> {
    let supported = u32::try_from(known).expect("fewer than 2^32 migrations");
    if found > supported {
        return Err(Error::NewerVersion(format!(
            "This workspace was saved by a newer version of Casefile (data format {found}; this \
             version understands up to {supported}). Install the newer version; nothing was changed."
        )));
    }
    Ok(())
}

fn apply_list(conn: &mut Connection, migrations: &[&str]) -> Result<()> {
    let found = current_version(conn)?;
    check_against(found, migrations.len())?;
    for (index, sql) in migrations.iter().enumerate().skip(found as usize) {
        let version = index + 1;
        let tx = conn.transaction()?;
        tx.execute_batch(sql)
            .map_err(|e| Error::Database(format!("upgrading to data format {version}: {e}")))?;
        tx.pragma_update(None, "user_version", version as i64)?;
        tx.commit()?;
        tracing::info!(version, "database upgraded");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[test]
    fn a_newer_database_is_refused_and_left_untouched() {
        use crate::store::{DATABASE_FILE, DatabaseKey, Store};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DATABASE_FILE);
        let key = DatabaseKey::generate().unwrap();
        let store = Store::open(&path, &key, true).unwrap();
        store
            .conn
            .pragma_update(None, "user_version", MIGRATIONS.len() as i64 + 1)
            .unwrap();
        drop(store);
        let before = std::fs::read(&path).unwrap();

        let err = Store::open(&path, &key, false).err().unwrap();
        assert_eq!(err.code(), ErrorCode::NewerVersion);
        assert!(
            err.to_string().contains("newer version of Casefile"),
            "{err}"
        );
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn a_failing_migration_rolls_back_completely() {
        let mut conn = Connection::open_in_memory().unwrap();
        let err = apply_list(
            &mut conn,
            &["CREATE TABLE ok (x)", "CREATE TABLE b (x); SYNTAX ERROR"],
        )
        .unwrap_err();
        assert!(err.to_string().contains("data format 2"), "{err}");
        assert_eq!(current_version(&conn).unwrap(), 1);
        assert!(conn.prepare("SELECT * FROM ok").is_ok());
        assert!(
            conn.prepare("SELECT * FROM b").is_err(),
            "half of migration 2 was kept"
        );
    }

    #[test]
    fn migrations_apply_in_order_once() {
        let mut conn = Connection::open_in_memory().unwrap();
        let list = ["CREATE TABLE a (x)", "INSERT INTO a VALUES (1)"];
        apply_list(&mut conn, &list).unwrap();
        apply_list(&mut conn, &list).unwrap();
        let rows: i64 = conn
            .query_row("SELECT count(*) FROM a", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 1);
        assert_eq!(current_version(&conn).unwrap(), 2);
    }
}
