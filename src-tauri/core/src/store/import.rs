//! Import of case records from JSON Lines, one record per line:
//!
//! ```text
//! {"type":"contact","id":"C-1","kind":"person","given_name":"Ana","family_name":"Peña", …}
//! {"type":"matter","id":"M-1","client_id":"C-1","title":"I-130 for spouse", …}
//! {"type":"note","id":"N-1","matter_id":"M-1","created_at":"2024-03-01T10:00:00Z","body":"…"}
//! ```
//!
//! `id` is the record's id in the system it comes from. Importing the same id again updates the
//! record (a note gets a new revision when its text changed) and never duplicates it, so an
//! interrupted import completes by running it again. A bad line is reported with its number and
//! reason and nothing of it is written; the other lines proceed. Fields not listed on the
//! record types below are ignored.

use std::io::BufRead;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::notes::{insert_note, update_note};
use super::records::canonical_a_number;
use super::{NewNote, Store, now};
use crate::{Error, Result};

/// Lines committed together: large enough to make import fast, small enough that an
/// interruption loses little work.
const BATCH_LINES: usize = 10_000;

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum Record {
    Contact(ContactRecord),
    Matter(MatterRecord),
    Note(NoteRecord),
}

#[derive(Debug, Deserialize)]
struct ContactRecord {
    id: String,
    #[serde(default = "person")]
    kind: String,
    #[serde(default)]
    given_name: String,
    #[serde(default)]
    middle_name: String,
    #[serde(default)]
    family_name: String,
    #[serde(default)]
    institution_name: String,
    #[serde(default)]
    other_names: Vec<String>,
    a_number: Option<String>,
    date_of_birth: Option<String>,
    country_of_birth: Option<String>,
    preferred_language: Option<String>,
    jurisdiction: Option<String>,
}

fn person() -> String {
    "person".into()
}

#[derive(Debug, Deserialize)]
struct MatterRecord {
    id: String,
    client_id: String,
    title: String,
    number: Option<String>,
    #[serde(default)]
    description: String,
}

#[derive(Debug, Deserialize)]
struct NoteRecord {
    id: String,
    matter_id: String,
    body: String,
    #[serde(default)]
    title: String,
    created_at: Option<String>,
}

/// What one import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    pub lines: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub failed: Vec<ImportFailure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportFailure {
    pub line: usize,
    pub reason: String,
}

enum Outcome {
    Created,
    Updated,
    Unchanged,
}

impl Store {
    /// Imports JSON Lines from `input`. `on_progress` hears the number of lines done after each
    /// committed batch, and every failed line as it happens.
    pub fn import_jsonl(
        &mut self,
        input: impl BufRead,
        mut on_progress: impl FnMut(usize, Option<&ImportFailure>),
    ) -> Result<ImportReport> {
        let mut report = ImportReport::default();
        let mut lines = input.lines();
        let trigger_indexing = Arc::clone(&self.trigger_indexing);
        loop {
            let mut tx = self.conn.transaction()?;
            let bulk = BulkIndexing::start(&tx, &trigger_indexing)?;
            let mut in_batch = 0;
            for line in lines.by_ref() {
                report.lines += 1;
                in_batch += 1;
                let line = line.map_err(|e| {
                    Error::InvalidInput(format!("line {}: cannot be read: {e}", report.lines))
                })?;
                if line.trim().is_empty() {
                    report.unchanged += 1;
                } else {
                    let sp = tx.savepoint()?;
                    match import_line(&sp, &line) {
                        Ok(outcome) => {
                            sp.commit()?;
                            match outcome {
                                Outcome::Created => report.created += 1,
                                Outcome::Updated => report.updated += 1,
                                Outcome::Unchanged => report.unchanged += 1,
                            }
                        }
                        Err(e) => {
                            drop(sp); // rolls back everything this line wrote
                            let failure = ImportFailure {
                                line: report.lines,
                                reason: e.to_string(),
                            };
                            on_progress(report.lines, Some(&failure));
                            report.failed.push(failure);
                        }
                    }
                }
                if in_batch == BATCH_LINES {
                    break;
                }
            }
            bulk.finish(&tx)?;
            tx.commit()?;
            on_progress(report.lines, None);
            if in_batch < BATCH_LINES {
                return Ok(report);
            }
        }
    }
}

fn import_line(conn: &Connection, line: &str) -> Result<Outcome> {
    let record: Record = serde_json::from_str(line)
        .map_err(|e| Error::InvalidInput(format!("not a valid record: {e}")))?;
    match record {
        Record::Contact(c) => import_contact(conn, c),
        Record::Matter(m) => import_matter(conn, m),
        Record::Note(n) => import_note(conn, n),
    }
}

/// The internal id of the record `table` imported under `external_id`, if any.
fn imported(conn: &Connection, table: &str, external_id: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached(&format!("SELECT id FROM {table} WHERE external_id = ?1"))?
        .query_row([external_id], |r| r.get(0))
        .optional()?)
}

impl Outcome {
    /// After an UPDATE that only writes when something differs.
    fn of_update(changed_rows: usize) -> Self {
        if changed_rows == 0 {
            Outcome::Unchanged
        } else {
            Outcome::Updated
        }
    }
}

fn required_id(id: &str) -> Result<()> {
    if id.trim().is_empty() {
        return Err(Error::InvalidInput("\"id\" is empty".into()));
    }
    Ok(())
}

fn import_contact(conn: &Connection, c: ContactRecord) -> Result<Outcome> {
    required_id(&c.id)?;
    match c.kind.as_str() {
        "person" if c.given_name.trim().is_empty() && c.family_name.trim().is_empty() => {
            return Err(Error::InvalidInput(
                "a person needs a given_name or family_name".into(),
            ));
        }
        "institution" if c.institution_name.trim().is_empty() => {
            return Err(Error::InvalidInput(
                "an institution needs an institution_name".into(),
            ));
        }
        "person" | "institution" => {}
        other => {
            return Err(Error::InvalidInput(format!(
                "kind {other:?} is not \"person\" or \"institution\""
            )));
        }
    }
    let a_number = c.a_number.as_deref().map(canonical_a_number).transpose()?;
    if let Some(j) = &c.jurisdiction
        && !["US", "EU", "UK", "CA", "other"].contains(&j.as_str())
    {
        return Err(Error::InvalidInput(format!(
            "jurisdiction {j:?} is not one of US, EU, UK, CA, other"
        )));
    }
    let other_names = serde_json::to_string(&c.other_names).expect("strings serialize");
    let values = params![
        c.kind,
        c.given_name,
        c.middle_name,
        c.family_name,
        c.institution_name,
        other_names,
        a_number,
        c.date_of_birth,
        c.country_of_birth,
        c.preferred_language,
        c.jurisdiction,
        now(),
        c.id,
    ];
    let existing = imported(conn, "contacts", &c.id)?;
    if existing.is_none() {
        conn.execute(
            "INSERT INTO contacts (kind, given_name, middle_name, family_name, institution_name,
                 other_names, a_number, date_of_birth, country_of_birth, preferred_language,
                 jurisdiction, created_at, updated_at, external_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, ?13)",
            values,
        )?;
        return Ok(Outcome::Created);
    }
    let changed = conn.execute(
        "UPDATE contacts SET kind = ?1, given_name = ?2, middle_name = ?3, family_name = ?4,
             institution_name = ?5, other_names = ?6, a_number = ?7, date_of_birth = ?8,
             country_of_birth = ?9, preferred_language = ?10, jurisdiction = ?11, updated_at = ?12
         WHERE external_id = ?13 AND NOT (kind IS ?1 AND given_name IS ?2 AND middle_name IS ?3
             AND family_name IS ?4 AND institution_name IS ?5 AND other_names IS ?6
             AND a_number IS ?7 AND date_of_birth IS ?8 AND country_of_birth IS ?9
             AND preferred_language IS ?10 AND jurisdiction IS ?11)",
        values,
    )?;
    Ok(Outcome::of_update(changed))
}

fn import_matter(conn: &Connection, m: MatterRecord) -> Result<Outcome> {
    required_id(&m.id)?;
    if m.title.trim().is_empty() {
        return Err(Error::InvalidInput("\"title\" is empty".into()));
    }
    let client = imported(conn, "contacts", &m.client_id)?.ok_or_else(|| {
        Error::InvalidInput(format!(
            "client_id {:?} is not an imported contact (contacts must come before their matters)",
            m.client_id
        ))
    })?;
    let values = params![client, m.number, m.title, m.description, now(), m.id];
    let existing = imported(conn, "matters", &m.id)?;
    if existing.is_none() {
        conn.execute(
            "INSERT INTO matters (client_id, number, title, description, created_at, updated_at, external_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)",
            values,
        )?;
        return Ok(Outcome::Created);
    }
    let changed = conn.execute(
        "UPDATE matters SET client_id = ?1, number = ?2, title = ?3, description = ?4, updated_at = ?5
         WHERE external_id = ?6 AND NOT (client_id IS ?1 AND number IS ?2 AND title IS ?3
             AND description IS ?4)",
        values,
    )?;
    Ok(Outcome::of_update(changed))
}

fn import_note(conn: &Connection, n: NoteRecord) -> Result<Outcome> {
    required_id(&n.id)?;
    if let Some(at) = &n.created_at {
        at.parse::<jiff::Timestamp>().map_err(|e| {
            Error::InvalidInput(format!("created_at {at:?} is not an RFC 3339 time: {e}"))
        })?;
    }
    let matter = imported(conn, "matters", &n.matter_id)?.ok_or_else(|| {
        Error::InvalidInput(format!(
            "matter_id {:?} is not an imported matter (matters must come before their notes)",
            n.matter_id
        ))
    })?;
    let existing = imported(conn, "notes", &n.id)?;
    match existing {
        None => {
            insert_note(
                conn,
                &NewNote {
                    external_id: Some(n.id),
                    matter_id: matter,
                    title: n.title,
                    body: n.body,
                    created_at: n.created_at,
                },
            )?;
            Ok(Outcome::Created)
        }
        Some(id) => {
            let changed = update_note(conn, id, &n.title, &n.body)?;
            Ok(if changed {
                Outcome::Updated
            } else {
                Outcome::Unchanged
            })
        }
    }
}

/// How a batch's new notes reach the search index: not one by one through their insert trigger,
/// but with one `INSERT … SELECT` just before the batch commits, in the same transaction, so a
/// committed note is always indexed. FTS5 then tokenizes and writes the batch in one pass.
/// Updated notes still go through their trigger.
struct BulkIndexing<'a> {
    trigger_indexing: &'a AtomicBool,
    /// Every note with this id or above was inserted by this batch (ids only grow: rowid tables
    /// give a new row the largest id plus one).
    first_new_note: i64,
}

impl<'a> BulkIndexing<'a> {
    fn start(tx: &Connection, trigger_indexing: &'a AtomicBool) -> Result<Self> {
        let first_new_note = tx
            .prepare_cached("SELECT coalesce(max(id), 0) + 1 FROM notes")?
            .query_row([], |r| r.get(0))?;
        trigger_indexing.store(false, Ordering::Relaxed);
        Ok(Self {
            trigger_indexing,
            first_new_note,
        })
    }

    /// Indexes the notes this batch inserted (a note updated after its insert in the same batch
    /// was already indexed by its update trigger).
    fn finish(self, tx: &Connection) -> Result<()> {
        tx.prepare_cached(
            "INSERT INTO search_index (rowid, title, body, identifiers)
             SELECT (1 << 48) | n.id, n.title, n.body, casefile_identifiers(n.title || ' ' || n.body)
             FROM notes n
             WHERE n.id >= ?1 AND n.deleted_at IS NULL
               AND NOT EXISTS (SELECT 1 FROM search_index s WHERE s.rowid = (1 << 48) | n.id)",
        )?
        .execute([self.first_new_note])?;
        Ok(())
    }
}

impl Drop for BulkIndexing<'_> {
    /// Back to indexing by trigger, also when the batch failed (its transaction rolls back).
    fn drop(&mut self) {
        self.trigger_indexing.store(true, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support;

    const GOOD: &str = r#"{"type":"contact","id":"C-1","given_name":"Ana","family_name":"Peña","a_number":"A# 012-345-678","extra":"ignored"}
{"type":"matter","id":"M-1","client_id":"C-1","title":"I-130 for spouse","number":"2024-017"}
{"type":"note","id":"N-1","matter_id":"M-1","created_at":"2024-03-01T10:00:00Z","body":"Receipt EAC-23-901-23456 arrived."}
"#;

    fn run(store: &mut Store, text: &str) -> ImportReport {
        store.import_jsonl(text.as_bytes(), |_, _| {}).unwrap()
    }

    #[test]
    fn importing_twice_updates_and_never_duplicates() {
        let (_dir, mut store) = test_support::store();
        let first = run(&mut store, GOOD);
        assert_eq!((first.lines, first.created, first.failed.len()), (3, 3, 0));
        let again = run(&mut store, GOOD);
        assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 3));
        let edited = GOOD.replace("arrived.", "arrived on time.");
        let third = run(&mut store, &edited);
        assert_eq!((third.updated, third.unchanged), (1, 2));
        let health = store.check().unwrap();
        assert_eq!(
            (
                health.contacts,
                health.matters,
                health.notes,
                health.revisions
            ),
            (1, 1, 1, 2)
        );
        let hits = store
            .search(
                "EAC2390123456",
                &crate::store::SearchFilter {
                    limit: 5,
                    ..Default::default()
                },
            )
            .unwrap();
        assert_eq!(hits[0].external_id.as_deref(), Some("N-1"));
        assert_eq!(
            store.note(hits[0].id).unwrap().created_at,
            "2024-03-01T10:00:00Z"
        );
    }

    #[test]
    fn bad_lines_are_reported_with_their_number_and_write_nothing() {
        let (_dir, mut store) = test_support::store();
        let text = format!(
            "{GOOD}{}\n{}\n{}\n{}\n{}\n{}\n",
            r#"{"type":"note","id":"N-2","matter_id":"NOPE","body":"x"}"#,
            "not json at all",
            r#"{"type":"contact","id":"C-2","kind":"person"}"#,
            r#"{"type":"contact","id":"C-3","family_name":"X","a_number":"12345"}"#,
            r#"{"type":"note","id":"N-3","matter_id":"M-1","body":"ok","created_at":"yesterday"}"#,
            r#"{"type":"note","id":"N-4","matter_id":"M-1","body":"fine"}"#,
        );
        let mut heard = Vec::new();
        let report = store
            .import_jsonl(text.as_bytes(), |_, f| heard.extend(f.map(|f| f.line)))
            .unwrap();
        let lines: Vec<usize> = report.failed.iter().map(|f| f.line).collect();
        assert_eq!(lines, [4, 5, 6, 7, 8]);
        assert_eq!(heard, lines);
        assert!(
            report.failed[0].reason.contains("NOPE"),
            "{:?}",
            report.failed[0]
        );
        assert!(report.failed[3].reason.contains("not an A-number"));
        assert_eq!(report.created, 4);
        let health = store.check().unwrap();
        assert_eq!((health.contacts, health.notes, health.revisions), (1, 2, 2));
    }

    #[test]
    fn batches_commit_and_report_progress() {
        let (_dir, mut store) = test_support::store();
        let mut text = String::from(GOOD);
        for i in 0..(BATCH_LINES + 10) {
            text.push_str(&format!(
                "{{\"type\":\"note\",\"id\":\"B-{i}\",\"matter_id\":\"M-1\",\"body\":\"note {i}\"}}\n"
            ));
        }
        let mut progress = Vec::new();
        let report = store
            .import_jsonl(text.as_bytes(), |done, _| progress.push(done))
            .unwrap();
        assert_eq!(report.created, BATCH_LINES + 13);
        assert_eq!(progress, [BATCH_LINES, BATCH_LINES + 13]);
    }

    fn note_hits(store: &Store, query: &str) -> Vec<Option<String>> {
        let filter = crate::store::SearchFilter {
            limit: 50,
            ..Default::default()
        };
        let mut ids: Vec<Option<String>> = store
            .search(query, &filter)
            .unwrap()
            .into_iter()
            .filter(|h| h.kind == crate::store::Kind::Note)
            .map(|h| h.external_id)
            .collect();
        ids.sort();
        ids
    }

    #[test]
    fn bulk_indexing_finds_every_imported_note_once_with_its_latest_text() {
        let (_dir, mut store) = test_support::store();
        let text = format!(
            "{GOOD}{}\n{}\n{}\n{}\n",
            r#"{"type":"note","id":"N-2","matter_id":"M-1","body":"first draft zebra"}"#,
            r#"{"type":"note","id":"N-3","matter_id":"M-1","body":"Niño zebra"}"#,
            r#"{"type":"note","id":"N-2","matter_id":"M-1","body":"second draft okapi"}"#,
            r#"{"type":"note","id":"N-4","matter_id":"NOPE","body":"zebra never written"}"#,
        );
        let report = run(&mut store, &text);
        assert_eq!(
            (report.created, report.updated, report.failed.len()),
            (5, 1, 1)
        );
        assert_eq!(note_hits(&store, "zebra"), [Some("N-3".into())]);
        assert_eq!(note_hits(&store, "okapi"), [Some("N-2".into())]);
        assert_eq!(note_hits(&store, "nino"), [Some("N-3".into())]);
        assert_eq!(note_hits(&store, "EAC2390123456"), [Some("N-1".into())]);
        let rows: i64 = store
            .conn
            .query_row("SELECT count(*) FROM search_index", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 5, "one index row per contact, matter and live note");
        assert_eq!(
            store
                .conn
                .query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0))
                .unwrap(),
            "ok"
        );
        let integrity: rusqlite::Result<usize> = store.conn.execute(
            "INSERT INTO search_index (search_index, rank) VALUES ('integrity-check', 1)",
            [],
        );
        assert!(integrity.is_ok(), "{integrity:?}");
    }

    #[test]
    fn after_an_import_and_after_a_failed_one_new_notes_are_indexed_by_their_trigger() {
        let (_dir, mut store) = test_support::store();
        run(&mut store, GOOD);
        let matter = imported(&store.conn, "matters", "M-1").unwrap().unwrap();
        store
            .create_note(&NewNote::new(matter, "After", "walrus"))
            .unwrap();
        assert_eq!(note_hits(&store, "walrus").len(), 1);

        let mut broken = format!(
            "{}\n",
            r#"{"type":"note","id":"N-9","matter_id":"M-1","body":"narwhal"}"#
        )
        .into_bytes();
        broken.extend([0xff, 0xfe, b'\n']);
        let err = store.import_jsonl(&broken[..], |_, _| {}).unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
        assert!(
            note_hits(&store, "narwhal").is_empty(),
            "the batch rolled back"
        );
        store
            .create_note(&NewNote::new(matter, "Later", "narwhal by hand"))
            .unwrap();
        assert_eq!(note_hits(&store, "narwhal"), [None]);
    }
}
