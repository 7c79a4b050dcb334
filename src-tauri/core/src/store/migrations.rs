//! Ordered schema migrations, recorded in `PRAGMA user_version`. Each runs in one transaction;
//! released files are never edited.

use rusqlite::Connection;

use crate::{Error, Result};

/// Migration N (1-based) is `MIGRATIONS[N - 1]`.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_case_records.sql"),
    include_str!("migrations/0002_docket.sql"),
    include_str!("migrations/0003_provider_profiles.sql"),
    include_str!("migrations/0004_search_speed.sql"),
    include_str!("migrations/0005_consent_audit.sql"),
    include_str!("migrations/0006_drafts.sql"),
    include_str!("migrations/0007_retention_holds.sql"),
    include_str!("migrations/0008_contentless_index.sql"),
    include_str!("migrations/0010_audit_forwarding.sql"),
    include_str!("migrations/0011_consent_bindings.sql"),
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

    /// A store at `path` whose schema stops at `version`, to write data as an older Casefile did.
    fn store_at_schema(
        path: &std::path::Path,
        key: &crate::store::DatabaseKey,
        version: usize,
    ) -> crate::store::Store {
        let mut conn = crate::store::open_connection(path, rusqlite::OpenFlags::default()).unwrap();
        conn.execute_batch(&key.pragma()).unwrap();
        let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        crate::store::register_functions(&conn, &flag).unwrap();
        apply_list(&mut conn, &MIGRATIONS[..version]).unwrap();
        crate::store::Store {
            conn,
            trigger_indexing: flag,
        }
    }
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

    /// Schema 4 rebuilt the revisions table and the search index: a database written with
    /// schema 3 keeps every record and revision, and search still finds everything the same way.
    #[test]
    fn upgrading_from_schema_3_loses_nothing_and_search_finds_everything() {
        use crate::store::{
            DATABASE_FILE, DatabaseKey, Kind, NewContact, NewMatter, NewNote, SearchFilter, Store,
        };
        let dir = tempfile::tempdir().unwrap();
        let key = DatabaseKey::generate().unwrap();
        let path = dir.path().join(DATABASE_FILE);
        let (client, matter, note, trashed) = {
            let mut store = store_at_schema(&path, &key, 3);
            let mut pena = NewContact::person("José", "Peña");
            pena.a_number = Some("A# 012-345-678".into());
            let client = store.create_contact(&pena).unwrap();
            let mut new_matter = NewMatter::new(client, "Asylum application");
            new_matter.number = Some("2024-017".into());
            let matter = store.create_matter(&new_matter).unwrap();
            let long_body = "persecution ".repeat(200);
            let note = store
                .create_note(&NewNote::new(matter, "Interview", &long_body))
                .unwrap()
                .id;
            store
                .save_note(
                    note,
                    "Interview",
                    "Receipt EAC-23-901-23456 arrived; biometrics next.",
                )
                .unwrap();
            let trashed = store
                .create_note(&NewNote::new(matter, "Old draft", "biometrics draft"))
                .unwrap()
                .id;
            store.trash_note(trashed).unwrap();
            store.set_note_tags(note, &["urgent".into()]).unwrap();
            assert_eq!(current_version(&store.conn).unwrap(), 3);
            (client, matter, note, trashed)
        };

        let store = Store::open(&path, &key, false).unwrap();
        let health = store.check().unwrap();
        assert_eq!(health.integrity, "ok");
        assert_eq!(health.schema_version as usize, MIGRATIONS.len());
        assert_eq!(
            (
                health.contacts,
                health.matters,
                health.notes,
                health.revisions
            ),
            (1, 1, 2, 3)
        );
        assert_eq!(
            store.note_revision(note, 1).unwrap().body,
            "persecution ".repeat(200)
        );
        assert!(store.note(note).unwrap().body.starts_with("Receipt"));
        assert_eq!(store.note_tags(note).unwrap(), ["urgent"]);
        assert_eq!(store.trashed_notes().unwrap()[0].id, trashed);

        let all = SearchFilter {
            limit: 50,
            ..SearchFilter::default()
        };
        let found = |query: &str| -> Vec<(Kind, i64)> {
            store
                .search(query, &all)
                .unwrap()
                .iter()
                .map(|h| (h.kind, h.id))
                .collect()
        };
        assert_eq!(found("pena"), [(Kind::Contact, client)]);
        assert_eq!(found("JOSÉ"), [(Kind::Contact, client)]);
        assert_eq!(found("A012345678"), [(Kind::Contact, client)]);
        assert_eq!(found("asylum"), [(Kind::Matter, matter)]);
        assert_eq!(found("eac 23 901 23456"), [(Kind::Note, note)]);
        assert_eq!(
            found("biometrics"),
            [(Kind::Note, note)],
            "trashed notes stay out"
        );
        assert!(
            found("persecution").is_empty(),
            "only the current text is indexed"
        );
        let matters_only = SearchFilter {
            kind: Some(Kind::Matter),
            ..all.clone()
        };
        assert_eq!(store.search("asylum", &matters_only).unwrap().len(), 1);
        assert!(store.search("pena", &matters_only).unwrap().is_empty());
    }

    /// Schema 8 rebuilt the search index without its copy of the text: every kind of record
    /// written before is still found, with a snippet from the record, and the copy is gone.
    #[test]
    fn upgrading_to_schema_8_finds_every_kind_and_keeps_no_copy_of_the_text() {
        use crate::drafting::provenance::Provenance;
        use crate::store::{
            DATABASE_FILE, DatabaseKey, DraftOrigin, Kind, NewContact, NewDraft, NewMatter,
            NewNote, SearchFilter, Store,
        };
        let dir = tempfile::tempdir().unwrap();
        let key = DatabaseKey::generate().unwrap();
        let path = dir.path().join(DATABASE_FILE);
        {
            let mut store = store_at_schema(&path, &key, 7);
            let client = store
                .create_contact(&NewContact::person("Zofia", "Wójcik"))
                .unwrap();
            let matter = store
                .create_matter(&NewMatter::new(client, "Naturalization"))
                .unwrap();
            store
                .create_note(&NewNote::new(
                    matter,
                    "Call",
                    "Discussed the oath ceremony.",
                ))
                .unwrap();
            let provenance = Provenance {
                template: "case-summary".into(),
                template_version: 1,
                template_origin: "built-in".into(),
                matter_id: matter,
                client_id: client,
                notes: Vec::new(),
                missing: Vec::new(),
                started_at: crate::store::now(),
                finished_at: None,
                user: "attorney".into(),
                ai: None,
            };
            store
                .create_draft(&NewDraft {
                    matter_id: matter,
                    title: "Summary",
                    origin: DraftOrigin::Record,
                    body: "Eligible after the continuous residence period.",
                    provenance: &provenance,
                })
                .unwrap();
            assert_eq!(current_version(&store.conn).unwrap(), 7);
        }

        let store = Store::open(&path, &key, false).unwrap();
        let all = SearchFilter {
            limit: 50,
            ..SearchFilter::default()
        };
        let found = |query: &str| -> Vec<(Kind, String)> {
            store
                .search(query, &all)
                .unwrap()
                .into_iter()
                .map(|h| (h.kind, h.snippet.into_iter().map(|s| s.text).collect()))
                .collect()
        };
        assert_eq!(found("wojcik"), [(Kind::Contact, "Zofia Wójcik".into())]);
        assert_eq!(
            found("naturalization"),
            [(Kind::Matter, "Naturalization".into())]
        );
        assert_eq!(
            found("oath"),
            [(Kind::Note, "Discussed the oath ceremony.".into())]
        );
        assert_eq!(
            found("residence"),
            [(
                Kind::Draft,
                "Eligible after the continuous residence period.".into()
            )]
        );
        let copies: i64 = store
            .conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'search_index_content'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(copies, 0, "the index keeps no table of the text");
        assert_eq!(store.check().unwrap().integrity, "ok");
    }

    /// Schemas 7 and 10 rebuilt the audit log to allow deletion and restore entries: a log
    /// written with schema 6 is copied entry for entry, still verifies, takes the new kinds and
    /// stays append-only.
    #[test]
    fn upgrading_from_schema_6_keeps_the_audit_chain_whole_and_append_only() {
        use crate::audit::{self, Attempt, Purpose};
        use crate::providers::{ProviderKind, ProviderProfile};
        use crate::store::{DATABASE_FILE, DatabaseKey, NewContact, NewMatter, Store};
        let dir = tempfile::tempdir().unwrap();
        let key = DatabaseKey::generate().unwrap();
        let path = dir.path().join(DATABASE_FILE);
        let (matter, before) = {
            let mut store = store_at_schema(&path, &key, 6);
            let client = store
                .create_contact(&NewContact::person("Ana", "Peña"))
                .unwrap();
            let matter = store
                .create_matter(&NewMatter::new(client, "Asylum"))
                .unwrap();
            let profile = ProviderProfile::new("firm", ProviderKind::OpenAi).unwrap();
            let mut attempt = Attempt::new(Purpose::Draft, &profile, "api.example.test");
            attempt.client_id = Some(client);
            attempt.matter_id = Some(matter);
            audit::record_request(&mut store, &attempt, b"payload").unwrap();
            audit::record_blocked(&mut store, &attempt, "consentMissing").unwrap();
            (matter, audit::entries(&store).unwrap())
        };

        let mut store = Store::open(&path, &key, false).unwrap();
        assert_eq!(
            current_version(&store.conn).unwrap() as usize,
            MIGRATIONS.len()
        );
        assert_eq!(audit::entries(&store).unwrap(), before);
        assert!(audit::verify(&store).unwrap().intact);
        // The new kind joins the same chain.
        let tx = store.conn.transaction().unwrap();
        let draft = audit::DeletedDraftRef {
            client_id: before[0].client_id.unwrap(),
            matter_id: matter,
            draft_id: 9,
        };
        audit::record_deletion(&tx, draft, audit::DeletionReason::ByHand).unwrap();
        tx.commit().unwrap();
        audit::record_restore(&mut store, None).unwrap();
        let after = audit::verify(&store).unwrap();
        assert!(after.intact && after.entries == 4, "{after:?}");
        // A restore entry carries nothing about a client or a request.
        let forged = store.conn.execute(
            "INSERT INTO audit_log (seq, entry, at, os_user, client_id, outcome, prev_hash, \
             entry_hash) VALUES (5, 'restore', 'now', 'me', ?1, 'restored: x', ?2, 'h')",
            rusqlite::params![before[0].client_id, after.last_hash],
        );
        assert!(forged.is_err());
        assert!(
            store
                .conn
                .execute("UPDATE audit_log SET os_user = 'x'", [])
                .is_err()
        );
        assert!(store.conn.execute("DELETE FROM audit_log", []).is_err());
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
