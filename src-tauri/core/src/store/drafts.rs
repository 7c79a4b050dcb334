//! Drafts: documents made from a matter's record by a template, in part by an AI provider. An AI
//! draft's text is written as it streams in; every finished or saved text is a version; approval
//! is by a named person and applies to one version; AI tokens and cost are summed per matter.

use rusqlite::types::Type;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};

use super::fields::{Field, date, date_order};
use super::records::CLIENT_NAME;
use super::{Store, now};
use crate::drafting::provenance::Provenance;
use crate::{Error, Result};

/// A draft still marked as being written, but not written to for this long, was cut off (the
/// app or the CLI stopped while writing it).
const WRITING_GRACE_SECONDS: i64 = 120;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum DraftOrigin {
    /// Filled from the record only.
    Record,
    /// An AI provider drafted part of it.
    Ai,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum DraftStatus {
    /// The provider's answer is streaming in.
    Writing,
    /// The answer stopped before its end (cancelled, failed, or the program stopped); the text
    /// received is kept.
    Interrupted,
    /// "AI draft, pending attorney review" (or a record summary not yet reviewed).
    PendingReview,
    Approved,
}

impl DraftStatus {
    fn as_str(self) -> &'static str {
        match self {
            DraftStatus::Writing => "writing",
            DraftStatus::Interrupted => "interrupted",
            DraftStatus::PendingReview => "pendingReview",
            DraftStatus::Approved => "approved",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Draft {
    pub id: i64,
    pub matter_id: i64,
    pub template: String,
    pub template_version: u32,
    pub title: String,
    pub origin: DraftOrigin,
    pub status: DraftStatus,
    pub interruption: Option<String>,
    pub body: String,
    pub provenance: Provenance,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    pub approved_at: Option<String>,
    pub approved_by: Option<String>,
    /// The number of the latest version (0 while the first text is being written).
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DraftSummary {
    pub id: i64,
    pub matter_id: i64,
    pub template: String,
    pub title: String,
    pub origin: DraftOrigin,
    pub status: DraftStatus,
    pub created_at: String,
    pub updated_at: String,
    pub approved_at: Option<String>,
    pub approved_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DraftVersion {
    pub number: i64,
    /// `generated`, `edited` or `restored`.
    pub origin: String,
    pub body: String,
    pub saved_at: String,
    pub saved_by: String,
}

/// A draft in the list of every draft, with the client and matter it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DraftListing {
    pub draft: DraftSummary,
    pub client_id: i64,
    pub client_name: String,
    pub matter_title: String,
}

/// Which drafts to list; a filter left empty does not narrow the list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DraftFilter {
    pub client_id: Option<i64>,
    pub matter_id: Option<i64>,
    /// As the draft reads now: a draft left writing reads as interrupted.
    pub status: Option<DraftStatus>,
    /// A template's name.
    pub template: Option<String>,
    /// Made on or after this day (`YYYY-MM-DD`, this computer's time zone).
    pub created_from: Option<String>,
    /// Made on or before this day (`YYYY-MM-DD`, this computer's time zone).
    pub created_to: Option<String>,
    /// The AI provider profile that drafted it (record summaries have none).
    pub profile: Option<String>,
    /// The provider kind's stable name (`azure-openai`, `bedrock`, …) that drafted it.
    pub provider_kind: Option<String>,
}

/// AI use on one matter, for billing at actual cost.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct MatterAiCost {
    pub ai_drafts: i64,
    pub tokens_in: i64,
    pub tokens_out: i64,
    /// Summed over drafts whose profile has prices; `None` when none had.
    pub cost_usd: Option<f64>,
}

/// A new draft: its text so far, and where it comes from.
pub struct NewDraft<'a> {
    pub matter_id: i64,
    pub title: &'a str,
    pub origin: DraftOrigin,
    pub body: &'a str,
    pub provenance: &'a Provenance,
}

/// How the writing of an AI draft ended.
pub enum DraftEnd {
    Completed,
    /// Cancelled, failed or cut short; the reason is shown with the draft.
    Interrupted(String),
}

impl Store {
    /// Stores a draft whose text is complete (a record summary): version 1, pending review.
    pub fn create_draft(&mut self, draft: &NewDraft) -> Result<Draft> {
        let tx = self.conn.transaction()?;
        let id = insert_draft(&tx, draft, DraftStatus::PendingReview)?;
        insert_version(&tx, id, draft.body, "generated", &draft.provenance.user)?;
        tx.commit()?;
        self.draft(id)
    }

    /// Starts a draft whose text will stream in: written as it arrives by
    /// [`Store::append_draft_text`], ended by [`Store::finish_draft`].
    pub fn begin_draft(&mut self, draft: &NewDraft) -> Result<i64> {
        let tx = self.conn.transaction()?;
        let id = insert_draft(&tx, draft, DraftStatus::Writing)?;
        tx.commit()?;
        Ok(id)
    }

    /// Adds text to a draft being written. Each call is one committed write.
    pub fn append_draft_text(&mut self, id: i64, text: &str) -> Result<()> {
        let changed = self.conn.execute(
            "UPDATE drafts SET body = body || ?2, updated_at = ?3
             WHERE id = ?1 AND status = 'writing'",
            params![id, text, now()],
        )?;
        if changed == 0 {
            return Err(Error::InvalidInput(format!(
                "Draft {id} is not being written any more; its text was not changed."
            )));
        }
        Ok(())
    }

    /// Ends the writing of a draft: its final text (which replaces what was streamed, e.g. with
    /// the record sections around it), status and provenance; the text becomes version 1.
    pub fn finish_draft(
        &mut self,
        id: i64,
        body: &str,
        end: DraftEnd,
        provenance: &Provenance,
    ) -> Result<Draft> {
        let (status, interruption) = match end {
            DraftEnd::Completed => (DraftStatus::PendingReview, None),
            DraftEnd::Interrupted(reason) => (DraftStatus::Interrupted, Some(reason)),
        };
        let ai = provenance.ai.as_ref();
        let tx = self.conn.transaction()?;
        let changed = tx.execute(
            "UPDATE drafts SET body = ?2, status = ?3, interruption = ?4, provenance = ?5,
                    tokens_in = ?6, tokens_out = ?7, cost_usd = ?8, updated_at = ?9
             WHERE id = ?1 AND status = 'writing'",
            params![
                id,
                body,
                status.as_str(),
                interruption,
                provenance_json(provenance)?,
                ai.and_then(|a| a.tokens_in).map(|t| t as i64),
                ai.and_then(|a| a.tokens_out).map(|t| t as i64),
                ai.and_then(|a| a.estimated_cost_usd),
                now()
            ],
        )?;
        if changed == 0 {
            return Err(Error::InvalidInput(format!(
                "Draft {id} is not being written; it was left as it is."
            )));
        }
        insert_version(&tx, id, body, "generated", &provenance.user)?;
        tx.commit()?;
        self.draft(id)
    }

    /// Keeps the redaction map of an AI draft's request (placeholder → original, as JSON).
    pub fn save_redaction_map(&mut self, draft_id: i64, mapping_json: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO draft_redactions (draft_id, mapping) VALUES (?1, ?2)
             ON CONFLICT (draft_id) DO UPDATE SET mapping = excluded.mapping",
            params![draft_id, mapping_json],
        )?;
        Ok(())
    }

    /// The redaction map of an AI draft's request, as JSON, when it had one.
    pub fn redaction_map(&self, draft_id: i64) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT mapping FROM draft_redactions WHERE draft_id = ?1",
                [draft_id],
                |r| r.get(0),
            )
            .optional()?)
    }

    pub fn draft(&self, id: i64) -> Result<Draft> {
        self.conn
            .query_row(
                &format!(
                    "SELECT id, matter_id, template, template_version, title, origin, {STATUS},
                            interruption, body, provenance, created_at, created_by, updated_at,
                            approved_at, approved_by,
                            (SELECT coalesce(max(number), 0) FROM draft_versions WHERE draft_id = d.id)
                     FROM drafts d WHERE id = ?1 AND deleted_at IS NULL"
                ),
                params![id, WRITING_GRACE_SECONDS],
                |r| {
                    let provenance: String = r.get(9)?;
                    Ok(Draft {
                        id: r.get(0)?,
                        matter_id: r.get(1)?,
                        template: r.get(2)?,
                        template_version: r.get(3)?,
                        title: r.get(4)?,
                        origin: origin(&r.get::<_, String>(5)?),
                        status: status(&r.get::<_, String>(6)?),
                        interruption: r.get(7)?,
                        body: r.get(8)?,
                        provenance: serde_json::from_str(&provenance).map_err(|e| {
                            rusqlite::Error::FromSqlConversionFailure(9, Type::Text, Box::new(e))
                        })?,
                        created_at: r.get(10)?,
                        created_by: r.get(11)?,
                        updated_at: r.get(12)?,
                        approved_at: r.get(13)?,
                        approved_by: r.get(14)?,
                        version: r.get(15)?,
                    })
                },
            )
            .optional()?
            .ok_or_else(|| no_draft(id))
    }

    /// A matter's drafts, newest first.
    pub fn drafts_of(&self, matter_id: i64) -> Result<Vec<DraftSummary>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT id, matter_id, template, title, origin, {STATUS}, created_at, updated_at,
                    approved_at, approved_by
             FROM drafts WHERE matter_id = ?1 AND deleted_at IS NULL
             ORDER BY created_at DESC, id DESC"
        ))?;
        let rows = stmt
            .query_map(params![matter_id, WRITING_GRACE_SECONDS], draft_summary)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Drafts across every matter (not in the trash), newest first, narrowed by `filter`.
    pub fn all_drafts(&self, filter: &DraftFilter) -> Result<Vec<DraftListing>> {
        let from = date(
            Field::new("createdFrom", "From"),
            filter.created_from.as_deref(),
        )?;
        let to_field = Field::new("createdTo", "To");
        let to = date(to_field, filter.created_to.as_deref())?;
        date_order(
            to_field,
            from.as_deref(),
            to.as_deref(),
            "choose a range that ends on or after its first day",
        )?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT d.id, d.matter_id, d.template, d.title, d.origin, d.status, d.created_at,
                    d.updated_at, d.approved_at, d.approved_by, m.client_id, {CLIENT_NAME}, m.title
             FROM (SELECT id, matter_id, template, title, origin, {STATUS} AS status, created_at,
                          updated_at, approved_at, approved_by,
                          json_extract(provenance, '$.ai.profile') AS profile,
                          json_extract(provenance, '$.ai.providerKind') AS provider_kind
                   FROM drafts WHERE deleted_at IS NULL) d
             JOIN matters m ON m.id = d.matter_id AND m.deleted_at IS NULL
             JOIN contacts c ON c.id = m.client_id
             WHERE (?1 IS NULL OR m.client_id = ?1) AND (?3 IS NULL OR d.matter_id = ?3)
               AND (?4 IS NULL OR d.status = ?4) AND (?5 IS NULL OR d.template = ?5)
               AND (?6 IS NULL OR date(d.created_at, 'localtime') >= ?6)
               AND (?7 IS NULL OR date(d.created_at, 'localtime') <= ?7)
               AND (?8 IS NULL OR d.profile = ?8) AND (?9 IS NULL OR d.provider_kind = ?9)
             ORDER BY d.created_at DESC, d.id DESC"
        ))?;
        let rows = stmt
            .query_map(
                params![
                    filter.client_id,
                    WRITING_GRACE_SECONDS,
                    filter.matter_id,
                    filter.status.map(DraftStatus::as_str),
                    filter.template,
                    from,
                    to,
                    filter.profile,
                    filter.provider_kind
                ],
                |r| {
                    Ok(DraftListing {
                        draft: draft_summary(r)?,
                        client_id: r.get(10)?,
                        client_name: r.get(11)?,
                        matter_title: r.get(12)?,
                    })
                },
            )?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Saves a person's edit: a new version when the text changed (approval then lapses, since it
    /// was given to another text). Refused while the draft is being written.
    pub fn save_draft(&mut self, id: i64, body: &str, by: &str) -> Result<Draft> {
        self.new_version(id, body, "edited", by)
    }

    pub fn draft_versions(&self, id: i64) -> Result<Vec<DraftVersion>> {
        self.draft(id)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT number, origin, body, saved_at, saved_by FROM draft_versions
             WHERE draft_id = ?1 ORDER BY number",
        )?;
        let rows = stmt
            .query_map([id], |r| {
                Ok(DraftVersion {
                    number: r.get(0)?,
                    origin: r.get(1)?,
                    body: r.get(2)?,
                    saved_at: r.get(3)?,
                    saved_by: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Makes version `number`'s text current again, as a new version.
    pub fn restore_draft_version(&mut self, id: i64, number: i64, by: &str) -> Result<Draft> {
        let body: String = self
            .conn
            .query_row(
                "SELECT body FROM draft_versions WHERE draft_id = ?1 AND number = ?2",
                params![id, number],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("Draft {id} has no version {number}.")))?;
        self.new_version(id, &body, "restored", by)
    }

    /// Records an attorney's approval of the draft's current version.
    pub fn approve_draft(&mut self, id: i64, by: &str) -> Result<Draft> {
        let draft = self.draft(id)?;
        match draft.status {
            DraftStatus::Writing => {
                return Err(Error::InvalidInput(format!(
                    "Draft {id} is still being written; approve it once it is complete."
                )));
            }
            DraftStatus::Approved => return Ok(draft),
            DraftStatus::Interrupted | DraftStatus::PendingReview => {}
        }
        self.conn.execute(
            "UPDATE drafts SET status = 'approved', approved_at = ?2, approved_by = ?3,
                    approved_version = ?4, updated_at = ?2
             WHERE id = ?1",
            params![id, now(), by, draft.version],
        )?;
        self.draft(id)
    }

    /// AI drafts of a matter and their summed tokens and cost.
    pub fn matter_ai_cost(&self, matter_id: i64) -> Result<MatterAiCost> {
        Ok(self.conn.query_row(
            "SELECT count(*), coalesce(sum(tokens_in), 0), coalesce(sum(tokens_out), 0),
                    sum(cost_usd)
             FROM drafts WHERE matter_id = ?1 AND origin = 'ai' AND deleted_at IS NULL",
            [matter_id],
            |r| {
                Ok(MatterAiCost {
                    ai_drafts: r.get(0)?,
                    tokens_in: r.get(1)?,
                    tokens_out: r.get(2)?,
                    cost_usd: r.get(3)?,
                })
            },
        )?)
    }

    fn new_version(&mut self, id: i64, body: &str, kind: &str, by: &str) -> Result<Draft> {
        let draft = self.draft(id)?;
        if draft.status == DraftStatus::Writing {
            return Err(Error::InvalidInput(format!(
                "Draft {id} is still being written; edit it once it is complete."
            )));
        }
        if draft.body == body {
            return Ok(draft);
        }
        let tx = self.conn.transaction()?;
        insert_version(&tx, id, body, kind, by)?;
        tx.execute(
            "UPDATE drafts SET body = ?2, updated_at = ?3,
                    status = CASE status WHEN 'approved' THEN 'pendingReview' ELSE status END,
                    approved_at = NULL, approved_by = NULL, approved_version = NULL
             WHERE id = ?1",
            params![id, body, now()],
        )?;
        tx.commit()?;
        self.draft(id)
    }
}

/// The stored status, with a long-silent 'writing' read as interrupted (`?2`: grace seconds).
const STATUS: &str = "CASE WHEN status = 'writing'
                           AND unixepoch(updated_at) < unixepoch('now') - ?2
                      THEN 'interrupted' ELSE status END";

fn insert_draft(tx: &Transaction, draft: &NewDraft, status: DraftStatus) -> Result<i64> {
    let p = draft.provenance;
    let at = now();
    tx.execute(
        "INSERT INTO drafts (matter_id, template, template_version, title, origin, status, body,
                             provenance, created_at, created_by, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?9)",
        params![
            draft.matter_id,
            p.template,
            p.template_version,
            draft.title,
            match draft.origin {
                DraftOrigin::Record => "record",
                DraftOrigin::Ai => "ai",
            },
            status.as_str(),
            draft.body,
            provenance_json(p)?,
            at,
            p.user
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

fn insert_version(conn: &Connection, id: i64, body: &str, origin: &str, by: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO draft_versions (draft_id, number, body, origin, saved_at, saved_by)
         SELECT ?1, coalesce(max(number), 0) + 1, ?2, ?3, ?4, ?5
         FROM draft_versions WHERE draft_id = ?1",
        params![id, body, origin, now(), by],
    )?;
    Ok(())
}

fn provenance_json(p: &Provenance) -> Result<String> {
    serde_json::to_string(p).map_err(|e| Error::Internal(format!("provenance: {e}")))
}

/// A [`DraftSummary`] from the first ten columns of a row.
fn draft_summary(r: &rusqlite::Row<'_>) -> rusqlite::Result<DraftSummary> {
    Ok(DraftSummary {
        id: r.get(0)?,
        matter_id: r.get(1)?,
        template: r.get(2)?,
        title: r.get(3)?,
        origin: origin(&r.get::<_, String>(4)?),
        status: status(&r.get::<_, String>(5)?),
        created_at: r.get(6)?,
        updated_at: r.get(7)?,
        approved_at: r.get(8)?,
        approved_by: r.get(9)?,
    })
}

fn origin(stored: &str) -> DraftOrigin {
    if stored == "ai" {
        DraftOrigin::Ai
    } else {
        DraftOrigin::Record
    }
}

fn status(stored: &str) -> DraftStatus {
    match stored {
        "writing" => DraftStatus::Writing,
        "pendingReview" => DraftStatus::PendingReview,
        "approved" => DraftStatus::Approved,
        _ => DraftStatus::Interrupted,
    }
}

fn no_draft(id: i64) -> Error {
    Error::NotFound(format!("Draft {id} does not exist or is in the trash."))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drafting::provenance::AiProvenance;
    use crate::store::test_support;
    use crate::store::{Kind, NewContact, NewMatter, SearchFilter};

    fn provenance(matter_id: i64, ai: bool) -> Provenance {
        Provenance {
            template: "case-summary".into(),
            template_version: 1,
            template_origin: "built-in".into(),
            matter_id,
            client_id: 1,
            notes: Vec::new(),
            missing: Vec::new(),
            started_at: now(),
            finished_at: None,
            user: "attorney".into(),
            ai: ai.then(|| AiProvenance {
                profile: "firm".into(),
                provider_kind: "openai".into(),
                endpoint_host: "api.example.test".into(),
                region: None,
                model: "m".into(),
                retention: "zero".into(),
                no_training: true,
                redactions: Default::default(),
                tokens_in: Some(1200),
                tokens_out: Some(300),
                estimated_cost_usd: Some(0.0125),
                policy_exception: None,
                consent_id: None,
                outcome: "completed".into(),
                audit_entry: None,
            }),
        }
    }

    fn matter(store: &mut Store) -> i64 {
        let client = store
            .create_contact(&NewContact::person("Ana", "Peña"))
            .unwrap();
        store
            .create_matter(&NewMatter::new(client, "Asylum"))
            .unwrap()
    }

    fn search(store: &Store, words: &str) -> Vec<i64> {
        let filter = SearchFilter {
            kind: Some(Kind::Draft),
            limit: 10,
            ..SearchFilter::default()
        };
        store
            .search(words, &filter)
            .unwrap()
            .into_iter()
            .map(|h| h.id)
            .collect()
    }

    #[test]
    fn streamed_text_is_kept_as_it_arrives_and_searchable_once_finished() {
        let (_dir, mut store) = test_support::store();
        let m = matter(&mut store);
        let p = provenance(m, true);
        let id = store
            .begin_draft(&NewDraft {
                matter_id: m,
                title: "Case summary: Asylum",
                origin: DraftOrigin::Ai,
                body: "",
                provenance: &p,
            })
            .unwrap();
        store.append_draft_text(id, "Persecution on ").unwrap();
        store.append_draft_text(id, "account of religion").unwrap();
        let writing = store.draft(id).unwrap();
        assert_eq!(writing.status, DraftStatus::Writing);
        assert_eq!(writing.body, "Persecution on account of religion");
        assert_eq!(writing.version, 0);
        assert!(
            search(&store, "religion").is_empty(),
            "not indexed while writing"
        );

        let done = store
            .finish_draft(
                id,
                "# Summary\n\nPersecution on account of religion",
                DraftEnd::Completed,
                &p,
            )
            .unwrap();
        assert_eq!(done.status, DraftStatus::PendingReview);
        assert_eq!(done.version, 1);
        assert_eq!(search(&store, "religion"), [id]);
        let err = store.append_draft_text(id, "more").unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::InvalidInput);
        assert_eq!(
            store.draft(id).unwrap().body,
            done.body,
            "nothing appended after the end"
        );
    }

    #[test]
    fn a_draft_left_writing_by_a_stopped_program_reads_as_interrupted_with_its_text() {
        let (_dir, mut store) = test_support::store();
        let m = matter(&mut store);
        let p = provenance(m, true);
        let id = store
            .begin_draft(&NewDraft {
                matter_id: m,
                title: "t",
                origin: DraftOrigin::Ai,
                body: "",
                provenance: &p,
            })
            .unwrap();
        store.append_draft_text(id, "half a sentence").unwrap();
        store
            .conn
            .execute(
                "UPDATE drafts SET updated_at = '2026-01-01T00:00:00Z' WHERE id = ?1",
                [id],
            )
            .unwrap();
        let draft = store.draft(id).unwrap();
        assert_eq!(draft.status, DraftStatus::Interrupted);
        assert_eq!(draft.body, "half a sentence");
        assert_eq!(
            store.drafts_of(m).unwrap()[0].status,
            DraftStatus::Interrupted
        );
    }

    #[test]
    fn edits_are_versions_restore_appends_and_an_edit_voids_the_approval() {
        let (_dir, mut store) = test_support::store();
        let m = matter(&mut store);
        let p = provenance(m, false);
        let draft = store
            .create_draft(&NewDraft {
                matter_id: m,
                title: "t",
                origin: DraftOrigin::Record,
                body: "first",
                provenance: &p,
            })
            .unwrap();
        let id = draft.id;
        assert_eq!(
            store.save_draft(id, "first", "a").unwrap().version,
            1,
            "no change, no version"
        );
        store.save_draft(id, "second", "attorney").unwrap();
        let approved = store.approve_draft(id, "Jane Roe").unwrap();
        assert_eq!(approved.status, DraftStatus::Approved);
        assert_eq!(approved.approved_by.as_deref(), Some("Jane Roe"));
        let restored = store.restore_draft_version(id, 1, "attorney").unwrap();
        assert_eq!(restored.body, "first");
        assert_eq!(restored.status, DraftStatus::PendingReview);
        assert_eq!(restored.approved_by, None);
        let versions = store.draft_versions(id).unwrap();
        let origins: Vec<_> = versions.iter().map(|v| v.origin.as_str()).collect();
        assert_eq!(origins, ["generated", "edited", "restored"]);
        assert_eq!(versions[1].saved_by, "attorney");
        let missing = store.restore_draft_version(id, 9, "a").unwrap_err();
        assert_eq!(missing.code(), crate::ErrorCode::NotFound);
    }

    #[test]
    fn every_draft_is_listed_newest_first_with_its_client_and_matter_and_filtered() {
        let (_dir, mut store) = test_support::store();
        let ana = store
            .create_contact(&NewContact::person("Ana", "Peña"))
            .unwrap();
        let bank = store
            .create_contact(&NewContact {
                kind: crate::store::ContactKind::Institution,
                institution_name: "Acme Bank".into(),
                ..NewContact::person("", "")
            })
            .unwrap();
        let asylum = store.create_matter(&NewMatter::new(ana, "Asylum")).unwrap();
        let h1b = store.create_matter(&NewMatter::new(bank, "H-1B")).unwrap();
        let record = |store: &mut Store, matter_id: i64, template: &str| {
            let mut p = provenance(matter_id, false);
            p.template = template.into();
            store
                .create_draft(&NewDraft {
                    matter_id,
                    title: template,
                    origin: DraftOrigin::Record,
                    body: "text",
                    provenance: &p,
                })
                .unwrap()
                .id
        };
        let first = record(&mut store, asylum, "case-summary");
        let second = record(&mut store, h1b, "cover-letter");
        let third = record(&mut store, asylum, "status-letter");
        store.approve_draft(first, "Jane Roe").unwrap();
        // Left writing by a program that stopped long ago: listed, and filtered, as interrupted.
        let p = provenance(h1b, true);
        let cut = store
            .begin_draft(&NewDraft {
                matter_id: h1b,
                title: "cut",
                origin: DraftOrigin::Ai,
                body: "",
                provenance: &p,
            })
            .unwrap();
        // Creation times are to the second: order them explicitly (at noon UTC, so each is on
        // that day in any time zone within twelve hours).
        for (id, at) in [
            (first, "2026-01-01T12:00:00Z"),
            (second, "2026-01-02T12:00:00Z"),
            (third, "2026-01-03T12:00:00Z"),
            (cut, "2026-01-04T12:00:00Z"),
        ] {
            store
                .conn
                .execute(
                    "UPDATE drafts SET created_at = ?2, updated_at = ?2 WHERE id = ?1",
                    params![id, at],
                )
                .unwrap();
        }

        let ids = |filter: DraftFilter| -> Vec<i64> {
            store
                .all_drafts(&filter)
                .unwrap()
                .iter()
                .map(|l| l.draft.id)
                .collect()
        };
        assert_eq!(ids(DraftFilter::default()), [cut, third, second, first]);
        let all = store.all_drafts(&DraftFilter::default()).unwrap();
        assert_eq!(
            (all[1].client_name.as_str(), all[1].matter_title.as_str()),
            ("Ana Peña", "Asylum")
        );
        assert_eq!(
            (all[2].client_name.as_str(), all[2].client_id),
            ("Acme Bank", bank)
        );
        assert_eq!(all[3].draft.approved_by.as_deref(), Some("Jane Roe"));
        assert!(all[3].draft.approved_at.is_some());
        assert_eq!(all[2].draft.approved_at, None);
        assert_eq!(
            ids(DraftFilter {
                client_id: Some(ana),
                ..DraftFilter::default()
            }),
            [third, first]
        );
        assert_eq!(
            ids(DraftFilter {
                matter_id: Some(h1b),
                ..DraftFilter::default()
            }),
            [cut, second]
        );
        assert_eq!(
            ids(DraftFilter {
                status: Some(DraftStatus::Interrupted),
                ..DraftFilter::default()
            }),
            [cut]
        );
        assert_eq!(
            ids(DraftFilter {
                status: Some(DraftStatus::PendingReview),
                client_id: Some(ana),
                ..DraftFilter::default()
            }),
            [third]
        );
        assert_eq!(
            ids(DraftFilter {
                template: Some("cover-letter".into()),
                ..DraftFilter::default()
            }),
            [second]
        );
        assert!(
            ids(DraftFilter {
                template: Some("cover-letter".into()),
                client_id: Some(ana),
                ..DraftFilter::default()
            })
            .is_empty()
        );
        let between = |from: Option<&str>, to: Option<&str>| DraftFilter {
            created_from: from.map(str::to_owned),
            created_to: to.map(str::to_owned),
            ..DraftFilter::default()
        };
        assert_eq!(
            ids(between(Some("2026-01-02"), Some("2026-01-03"))),
            [third, second],
            "both days included"
        );
        assert_eq!(ids(between(Some("2026-01-03"), None)), [cut, third]);
        assert_eq!(ids(between(None, Some("2026-01-01"))), [first]);
        assert!(ids(between(Some("2026-02-01"), None)).is_empty());
        assert_eq!(
            ids(DraftFilter {
                profile: Some("firm".into()),
                ..DraftFilter::default()
            }),
            [cut],
            "record summaries have no profile"
        );
        assert_eq!(
            ids(DraftFilter {
                provider_kind: Some("openai".into()),
                ..DraftFilter::default()
            }),
            [cut]
        );
        assert!(
            ids(DraftFilter {
                provider_kind: Some("bedrock".into()),
                ..DraftFilter::default()
            })
            .is_empty()
        );
        // A date that is not one, or a range that ends before it starts, is refused by field.
        for (filter, field) in [
            (between(Some("2026-13-01"), None), "createdFrom"),
            (between(None, Some("yesterday")), "createdTo"),
            (between(Some("2026-01-03"), Some("2026-01-02")), "createdTo"),
        ] {
            let err = store.all_drafts(&filter).unwrap_err();
            assert_eq!(err.field(), Some(field), "{err}");
            assert!(err.to_string().contains("YYYY-MM-DD") || err.to_string().contains("before"));
        }
    }

    #[test]
    fn ai_tokens_and_cost_are_summed_per_matter() {
        let (_dir, mut store) = test_support::store();
        let m = matter(&mut store);
        assert_eq!(store.matter_ai_cost(m).unwrap(), MatterAiCost::default());
        let p = provenance(m, true);
        for _ in 0..2 {
            let id = store
                .begin_draft(&NewDraft {
                    matter_id: m,
                    title: "t",
                    origin: DraftOrigin::Ai,
                    body: "",
                    provenance: &p,
                })
                .unwrap();
            store
                .finish_draft(id, "x", DraftEnd::Completed, &p)
                .unwrap();
        }
        let cost = store.matter_ai_cost(m).unwrap();
        assert_eq!(
            (cost.ai_drafts, cost.tokens_in, cost.tokens_out),
            (2, 2400, 600)
        );
        assert!((cost.cost_usd.unwrap() - 0.025).abs() < 1e-9);
    }
}
