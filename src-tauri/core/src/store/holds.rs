//! Legal holds and per-matter retention overrides.
//!
//! A legal hold on a matter blocks every deletion of its drafts, by hand or by retention (checked
//! here and, as defence in depth, by a schema trigger). Holds are history: a release is recorded
//! on the hold (who, when) and the hold stays; the schema refuses deleting or rewriting one.

use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;

use super::fields::text;
use super::records::CLIENT_NAME;
use super::{Store, now};
use crate::{Error, Result};

/// A legal hold on one matter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct LegalHold {
    pub id: i64,
    pub matter_id: i64,
    pub reason: String,
    pub set_at: String,
    pub set_by: String,
    pub released_at: Option<String>,
    pub released_by: Option<String>,
}

/// A hold with the client and matter it is about, for lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct LegalHoldListing {
    pub hold: LegalHold,
    pub client_id: i64,
    pub client_name: String,
    pub matter_title: String,
}

/// A matter's own retention period for its AI drafts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RetentionOverride {
    pub days: u32,
    pub set_at: String,
    pub set_by: String,
}

const HOLD_COLUMNS: &str = "h.id, h.matter_id, h.reason, h.set_at, h.set_by, h.released_at, \
                            h.released_by";

fn hold_row(r: &Row<'_>) -> rusqlite::Result<LegalHold> {
    Ok(LegalHold {
        id: r.get(0)?,
        matter_id: r.get(1)?,
        reason: r.get(2)?,
        set_at: r.get(3)?,
        set_by: r.get(4)?,
        released_at: r.get(5)?,
        released_by: r.get(6)?,
    })
}

impl Store {
    /// Puts matter `matter_id` under legal hold, recorded as set by `by` now. Refused (nothing
    /// changed) when a hold is already in force or the reason is blank.
    pub fn set_legal_hold(&mut self, matter_id: i64, reason: &str, by: &str) -> Result<LegalHold> {
        self.matter(matter_id)?;
        let Some(reason) = text(Some(reason)) else {
            return Err(Error::InvalidField {
                field: "reason".into(),
                message: "A legal hold needs a reason (e.g. the litigation or request it \
                          preserves the matter for); nothing was changed."
                    .into(),
            });
        };
        if let Some(hold) = self.legal_hold(matter_id)? {
            return Err(Error::InvalidInput(format!(
                "Matter {matter_id} is already under legal hold since {} (set by {}: {}); \
                 nothing was changed. Release it first to record a new reason.",
                hold.set_at, hold.set_by, hold.reason
            )));
        }
        self.conn.execute(
            "INSERT INTO legal_holds (matter_id, reason, set_at, set_by) VALUES (?1, ?2, ?3, ?4)",
            params![matter_id, reason, now(), by],
        )?;
        self.legal_hold(matter_id)?
            .ok_or_else(|| Error::Internal("the legal hold just set is missing".into()))
    }

    /// Releases the hold in force on `matter_id`, recorded as released by `by` now; the hold
    /// stays in the history. Refused when the matter is not under hold.
    pub fn release_legal_hold(&mut self, matter_id: i64, by: &str) -> Result<LegalHold> {
        self.matter(matter_id)?;
        let Some(hold) = self.legal_hold(matter_id)? else {
            return Err(Error::InvalidInput(format!(
                "Matter {matter_id} is not under legal hold; nothing was changed."
            )));
        };
        self.conn.execute(
            "UPDATE legal_holds SET released_at = ?2, released_by = ?3
             WHERE id = ?1 AND released_at IS NULL",
            params![hold.id, now(), by],
        )?;
        Ok(self.conn.query_row(
            &format!("SELECT {HOLD_COLUMNS} FROM legal_holds h WHERE h.id = ?1"),
            [hold.id],
            hold_row,
        )?)
    }

    /// The hold in force on `matter_id`, if any.
    pub fn legal_hold(&self, matter_id: i64) -> Result<Option<LegalHold>> {
        Ok(self
            .conn
            .query_row(
                &format!(
                    "SELECT {HOLD_COLUMNS} FROM legal_holds h
                     WHERE h.matter_id = ?1 AND h.released_at IS NULL"
                ),
                [matter_id],
                hold_row,
            )
            .optional()?)
    }

    /// Holds with their client and matter, newest first: those in force, or with `history`
    /// released ones too.
    pub fn legal_holds(&self, history: bool) -> Result<Vec<LegalHoldListing>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {HOLD_COLUMNS}, m.client_id, {CLIENT_NAME}, m.title
             FROM legal_holds h
             JOIN matters m ON m.id = h.matter_id
             JOIN contacts c ON c.id = m.client_id
             WHERE ?1 OR h.released_at IS NULL
             ORDER BY h.set_at DESC, h.id DESC"
        ))?;
        let rows = stmt
            .query_map([history], |r| {
                Ok(LegalHoldListing {
                    hold: hold_row(r)?,
                    client_id: r.get(7)?,
                    client_name: r.get(8)?,
                    matter_title: r.get(9)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The matter's own retention period, if one is set.
    pub fn retention_override(&self, matter_id: i64) -> Result<Option<RetentionOverride>> {
        Ok(self
            .conn
            .query_row(
                "SELECT days, set_at, set_by FROM matter_retention WHERE matter_id = ?1",
                [matter_id],
                |r| {
                    Ok(RetentionOverride {
                        days: r.get(0)?,
                        set_at: r.get(1)?,
                        set_by: r.get(2)?,
                    })
                },
            )
            .optional()?)
    }

    /// Sets (`Some`) or removes (`None`) the matter's own retention period. Whether the policy
    /// allows it is decided by the caller ([`crate::retention::set_matter_retention`]).
    pub(crate) fn write_retention_override(
        &mut self,
        matter_id: i64,
        days: Option<u32>,
        by: &str,
    ) -> Result<()> {
        self.matter(matter_id)?;
        match days {
            Some(days) => self.conn.execute(
                "INSERT INTO matter_retention (matter_id, days, set_at, set_by)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (matter_id) DO UPDATE
                 SET days = excluded.days, set_at = excluded.set_at, set_by = excluded.set_by",
                params![matter_id, days, now(), by],
            )?,
            None => self.conn.execute(
                "DELETE FROM matter_retention WHERE matter_id = ?1",
                [matter_id],
            )?,
        };
        Ok(())
    }
}
