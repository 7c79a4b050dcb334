//! Notes and their history. Every save that changes a note appends a revision; restoring an old
//! revision appends it again, so history is never rewritten. Deleting moves a note to the trash;
//! only purging the trash removes it for good.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::{Store, now};
use crate::{Error, Result};

#[derive(Debug, Clone)]
pub struct NewNote {
    pub external_id: Option<String>,
    pub matter_id: i64,
    pub title: String,
    pub body: String,
    /// When the note was written, for imported notes; defaults to now.
    pub created_at: Option<String>,
}

impl NewNote {
    pub fn new(matter_id: i64, title: &str, body: &str) -> Self {
        Self {
            external_id: None,
            matter_id,
            title: title.into(),
            body: body.into(),
            created_at: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Note {
    pub id: i64,
    pub matter_id: i64,
    pub title: String,
    pub body: String,
    pub created_at: String,
    pub updated_at: String,
    /// Number of the revision this content is (1 for a new note).
    pub revision: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RevisionSummary {
    pub number: i64,
    pub title: String,
    pub saved_at: String,
    pub chars: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Revision {
    pub number: i64,
    pub title: String,
    pub body: String,
    pub saved_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct TrashedNote {
    pub id: i64,
    pub matter_id: i64,
    pub title: String,
    pub deleted_at: String,
}

impl Store {
    pub fn create_note(&mut self, note: &NewNote) -> Result<Note> {
        let tx = self.conn.transaction()?;
        let id = insert_note(&tx, note)?;
        tx.commit()?;
        self.note(id)
    }

    /// Saves new content. Saving what is already stored (an autosave with no edit) adds nothing.
    pub fn save_note(&mut self, id: i64, title: &str, body: &str) -> Result<Note> {
        let tx = self.conn.transaction()?;
        update_note(&tx, id, title, body)?;
        tx.commit()?;
        self.note(id)
    }

    /// A note that is not in the trash.
    pub fn note(&self, id: i64) -> Result<Note> {
        self.conn
            .query_row(
                "SELECT n.id, n.matter_id, n.title, n.body, n.created_at, n.updated_at,
                        (SELECT max(number) FROM note_revisions WHERE note_id = n.id)
                 FROM notes n WHERE n.id = ?1 AND n.deleted_at IS NULL",
                [id],
                |r| {
                    Ok(Note {
                        id: r.get(0)?,
                        matter_id: r.get(1)?,
                        title: r.get(2)?,
                        body: r.get(3)?,
                        created_at: r.get(4)?,
                        updated_at: r.get(5)?,
                        revision: r.get(6)?,
                    })
                },
            )
            .optional()?
            .ok_or_else(|| no_note(id))
    }

    /// Revisions of a note, newest first.
    pub fn note_revisions(&self, id: i64) -> Result<Vec<RevisionSummary>> {
        let mut stmt = self.conn.prepare(
            "SELECT number, title, saved_at, length(body) FROM note_revisions
             WHERE note_id = ?1 ORDER BY number DESC",
        )?;
        let revisions = stmt
            .query_map([id], |r| {
                Ok(RevisionSummary {
                    number: r.get(0)?,
                    title: r.get(1)?,
                    saved_at: r.get(2)?,
                    chars: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        if revisions.is_empty() {
            return Err(no_note(id));
        }
        Ok(revisions)
    }

    pub fn note_revision(&self, id: i64, number: i64) -> Result<Revision> {
        self.conn
            .query_row(
                "SELECT number, title, body, saved_at FROM note_revisions
                 WHERE note_id = ?1 AND number = ?2",
                [id, number],
                |r| {
                    Ok(Revision {
                        number: r.get(0)?,
                        title: r.get(1)?,
                        body: r.get(2)?,
                        saved_at: r.get(3)?,
                    })
                },
            )
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("Note {id} has no revision {number}.")))
    }

    /// Makes an old revision current again, as a new revision.
    pub fn restore_note_revision(&mut self, id: i64, number: i64) -> Result<Note> {
        let old = self.note_revision(id, number)?;
        self.save_note(id, &old.title, &old.body)
    }

    /// Moves a note to the trash.
    pub fn trash_note(&mut self, id: i64) -> Result<()> {
        let changed = self.conn.execute(
            "UPDATE notes SET deleted_at = ?2 WHERE id = ?1 AND deleted_at IS NULL",
            params![id, now()],
        )?;
        if changed == 0 {
            return Err(no_note(id));
        }
        Ok(())
    }

    /// Brings a note back from the trash.
    pub fn restore_note(&mut self, id: i64) -> Result<Note> {
        let changed = self.conn.execute(
            "UPDATE notes SET deleted_at = NULL WHERE id = ?1 AND deleted_at IS NOT NULL",
            [id],
        )?;
        if changed == 0 {
            return Err(Error::NotFound(format!("Note {id} is not in the trash.")));
        }
        self.note(id)
    }

    /// Removes a trashed note and its history for good. Notes not in the trash are refused.
    pub fn purge_note(&mut self, id: i64) -> Result<()> {
        let changed = self.conn.execute(
            "DELETE FROM notes WHERE id = ?1 AND deleted_at IS NOT NULL",
            [id],
        )?;
        if changed == 0 {
            return Err(Error::InvalidInput(format!(
                "Note {id} is not in the trash; move it to the trash before deleting it for good."
            )));
        }
        Ok(())
    }

    /// Notes in the trash, most recently deleted first.
    pub fn trashed_notes(&self) -> Result<Vec<TrashedNote>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, matter_id, title, deleted_at FROM notes
             WHERE deleted_at IS NOT NULL ORDER BY deleted_at DESC, id DESC",
        )?;
        let notes = stmt
            .query_map([], |r| {
                Ok(TrashedNote {
                    id: r.get(0)?,
                    matter_id: r.get(1)?,
                    title: r.get(2)?,
                    deleted_at: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(notes)
    }
}

/// The longest tag, in characters.
const MAX_TAG_CHARS: usize = 40;

impl Store {
    /// A note's tags, alphabetical.
    pub fn note_tags(&self, id: i64) -> Result<Vec<String>> {
        self.note(id)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT t.name FROM note_tags nt JOIN tags t ON t.id = nt.tag_id
             WHERE nt.note_id = ?1 ORDER BY t.name COLLATE NOCASE",
        )?;
        let tags = stmt
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(tags)
    }

    /// Replaces a note's tags. Tags are trimmed, blank ones dropped, and the same tag in another
    /// case is the same tag (it keeps the spelling it was first given).
    pub fn set_note_tags(&mut self, id: i64, tags: &[String]) -> Result<Vec<String>> {
        let names: Vec<&str> = tags
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
            .collect();
        if let Some(long) = names.iter().find(|t| t.chars().count() > MAX_TAG_CHARS) {
            return Err(Error::InvalidInput(format!(
                "The tag {long:?} is longer than {MAX_TAG_CHARS} characters; shorten it."
            )));
        }
        let tx = self.conn.transaction()?;
        let live: bool = tx.query_row(
            "SELECT count(*) FROM notes WHERE id = ?1 AND deleted_at IS NULL",
            [id],
            |r| r.get(0),
        )?;
        if !live {
            return Err(no_note(id));
        }
        tx.execute("DELETE FROM note_tags WHERE note_id = ?1", [id])?;
        for name in names {
            tx.execute("INSERT OR IGNORE INTO tags (name) VALUES (?1)", [name])?;
            tx.execute(
                "INSERT OR IGNORE INTO note_tags (note_id, tag_id)
                 SELECT ?1, id FROM tags WHERE name = ?2",
                params![id, name],
            )?;
        }
        tx.commit()?;
        self.note_tags(id)
    }
}

/// Inserts a note and its first revision; returns its id.
pub(super) fn insert_note(tx: &Connection, note: &NewNote) -> Result<i64> {
    let created = note.created_at.clone().unwrap_or_else(now);
    tx.prepare_cached(
        "INSERT INTO notes (external_id, matter_id, title, body, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
    )?
    .execute(params![
        note.external_id,
        note.matter_id,
        note.title,
        note.body,
        created
    ])
    .map_err(|e| missing_matter(e, note.matter_id))?;
    let id = tx.last_insert_rowid();
    append_revision(tx, id, &note.title, &note.body, &created)?;
    Ok(id)
}

/// Replaces a live note's content, appending a revision; `false` when nothing changed.
pub(super) fn update_note(tx: &Connection, id: i64, title: &str, body: &str) -> Result<bool> {
    let (old_title, old_body): (String, String) = tx
        .query_row(
            "SELECT title, body FROM notes WHERE id = ?1 AND deleted_at IS NULL",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or_else(|| no_note(id))?;
    if old_title == title && old_body == body {
        return Ok(false);
    }
    let at = now();
    tx.execute(
        "UPDATE notes SET title = ?2, body = ?3, updated_at = ?4 WHERE id = ?1",
        params![id, title, body, at],
    )?;
    append_revision(tx, id, title, body, &at)?;
    Ok(true)
}

fn append_revision(tx: &Connection, id: i64, title: &str, body: &str, at: &str) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO note_revisions (note_id, number, title, body, saved_at)
         VALUES (?1, (SELECT coalesce(max(number), 0) + 1 FROM note_revisions WHERE note_id = ?1),
                 ?2, ?3, ?4)",
    )?
    .execute(params![id, title, body, at])?;
    Ok(())
}

fn no_note(id: i64) -> Error {
    Error::NotFound(format!("Note {id} does not exist or is in the trash."))
}

fn missing_matter(error: rusqlite::Error, matter_id: i64) -> Error {
    match error.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ConstraintViolation) => {
            Error::InvalidInput(format!("Matter {matter_id} does not exist."))
        }
        _ => error.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use crate::store::test_support;
    use crate::store::{NewContact, NewMatter};

    fn matter(store: &mut Store) -> i64 {
        let client = store
            .create_contact(&NewContact::person("Ana", "Peña"))
            .unwrap();
        store
            .create_matter(&NewMatter::new(client, "I-130 for spouse"))
            .unwrap()
    }

    #[test]
    fn every_changed_save_is_a_revision_and_unchanged_saves_are_not() {
        let (_dir, mut store) = test_support::store();
        let matter = matter(&mut store);
        let note = store
            .create_note(&NewNote::new(matter, "Intake", "first"))
            .unwrap();
        assert_eq!(note.revision, 1);
        store.save_note(note.id, "Intake", "second").unwrap();
        store.save_note(note.id, "Intake", "second").unwrap(); // autosave, no edit
        let third = store.save_note(note.id, "Intake call", "third").unwrap();
        assert_eq!(third.revision, 3);
        let numbers: Vec<i64> = store
            .note_revisions(note.id)
            .unwrap()
            .iter()
            .map(|r| r.number)
            .collect();
        assert_eq!(numbers, [3, 2, 1]);
        assert_eq!(store.note_revision(note.id, 2).unwrap().body, "second");
    }

    #[test]
    fn restoring_a_revision_appends_it_and_keeps_all_history() {
        let (_dir, mut store) = test_support::store();
        let matter = matter(&mut store);
        let note = store
            .create_note(&NewNote::new(matter, "T", "original"))
            .unwrap();
        store.save_note(note.id, "T", "edited").unwrap();
        let restored = store.restore_note_revision(note.id, 1).unwrap();
        assert_eq!(restored.body, "original");
        assert_eq!(restored.revision, 3);
        assert_eq!(store.note_revision(note.id, 2).unwrap().body, "edited");
    }

    #[test]
    fn trash_restore_and_purge() {
        let (_dir, mut store) = test_support::store();
        let matter = matter(&mut store);
        let note = store
            .create_note(&NewNote::new(matter, "Gone soon", "body"))
            .unwrap();

        let err = store.purge_note(note.id).unwrap_err();
        assert_eq!(
            err.code(),
            ErrorCode::InvalidInput,
            "purging needs the trash first"
        );

        store.trash_note(note.id).unwrap();
        assert_eq!(store.note(note.id).unwrap_err().code(), ErrorCode::NotFound);
        assert_eq!(
            store.save_note(note.id, "x", "y").unwrap_err().code(),
            ErrorCode::NotFound
        );
        assert_eq!(store.trashed_notes().unwrap()[0].title, "Gone soon");

        let back = store.restore_note(note.id).unwrap();
        assert_eq!(back.body, "body");
        assert!(store.trashed_notes().unwrap().is_empty());

        store.trash_note(note.id).unwrap();
        store.purge_note(note.id).unwrap();
        assert!(store.trashed_notes().unwrap().is_empty());
        assert_eq!(
            store.note_revisions(note.id).unwrap_err().code(),
            ErrorCode::NotFound
        );
        assert_eq!(store.check().unwrap().revisions, 0);
    }

    #[test]
    fn tags_are_replaced_whole_and_match_without_case() {
        let (_dir, mut store) = test_support::store();
        let matter = matter(&mut store);
        let note = store.create_note(&NewNote::new(matter, "T", "b")).unwrap();
        let other = store.create_note(&NewNote::new(matter, "U", "c")).unwrap();
        let tags = |v: &[&str]| v.iter().map(|t| (*t).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            store
                .set_note_tags(note.id, &tags(&["RFE", " evidence ", "", "rfe"]))
                .unwrap(),
            ["evidence", "RFE"]
        );
        assert_eq!(
            store.set_note_tags(other.id, &tags(&["Rfe"])).unwrap(),
            ["RFE"]
        );
        assert_eq!(
            store.set_note_tags(note.id, &tags(&["hearing"])).unwrap(),
            ["hearing"]
        );
        assert_eq!(store.note_tags(other.id).unwrap(), ["RFE"]);
        let long = "x".repeat(MAX_TAG_CHARS + 1);
        let err = store.set_note_tags(note.id, &[long]).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput);
        assert_eq!(store.note_tags(note.id).unwrap(), ["hearing"]);
        store.trash_note(note.id).unwrap();
        assert_eq!(
            store
                .set_note_tags(note.id, &tags(&["x"]))
                .unwrap_err()
                .code(),
            ErrorCode::NotFound
        );
    }

    #[test]
    fn a_note_for_a_missing_matter_is_refused() {
        let (_dir, mut store) = test_support::store();
        let err = store.create_note(&NewNote::new(999, "T", "b")).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput);
        assert_eq!(store.check().unwrap().notes, 0);
    }
}
