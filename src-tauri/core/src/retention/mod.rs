//! Retention of AI history and deletion of drafts.
//!
//! AI history is every AI draft (origin `ai`) with its versions and the redaction map of its
//! request. It is kept for the retention period in force for its matter, counted from the
//! draft's **last activity** (its `updated_at`: the end of its writing, the last edit or restore,
//! or its approval; reading or exporting it does not count), and then deleted, approved drafts
//! included: the firm's record of an approved draft is its export in the client's file. Drafts
//! filled from the record alone hold no AI output and are not purged.
//!
//! The period in force: the matter's own period when it has one and the policy does not lock
//! the setting; otherwise `ai_history_retention_days` as the effective policy gives it (policy
//! over the user's setting); otherwise history is kept until deleted by hand.
//!
//! Nothing under legal hold is deleted, and every deletion (by hand or by retention) is an audit
//! log entry appended in the transaction that deletes the draft. While the policy file is
//! invalid, retention deletes nothing and per-matter periods cannot change (fail closed).

use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

use crate::audit::{DeletedDraftRef, DeletionReason, os_user, record_deletion};
use crate::policy::{EffectivePolicy, SettingName, SettingSource};
use crate::store::{LegalHold, RetentionOverride, Store};
use crate::workspace::{SharedStore, Workspace};
use crate::{Error, Result};

/// How often the app runs retention while it is open (it also runs once at start).
pub const RUN_EVERY: std::time::Duration = std::time::Duration::from_secs(24 * 60 * 60);

/// The longest period a matter can be given: about 100 years, as for the policy's setting.
pub const MAX_RETENTION_DAYS: u32 = 36_500;

const SECONDS_PER_DAY: i64 = 86_400;

/// Who decided a retention period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum PeriodSource {
    /// The matter's own period.
    Matter,
    /// The firm's managed policy.
    Policy,
    /// This desktop's user setting.
    User,
    /// Nobody: history is kept until deleted by hand.
    BuiltIn,
}

/// How long AI drafts are kept after their last activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RetentionPeriod {
    /// `None`: kept until deleted by hand.
    pub days: Option<u32>,
    pub source: PeriodSource,
    /// The policy locks the setting: no matter can have its own period.
    pub locked: bool,
    /// The policy's reason for the lock.
    pub lock_reason: Option<String>,
}

/// A matter's retention as the matter page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct MatterRetention {
    pub matter_id: i64,
    /// The period that applies to the matter's AI drafts now.
    pub effective: RetentionPeriod,
    /// The period from the settings alone (what applies without the matter's own).
    pub setting: RetentionPeriod,
    /// The matter's own period, when set (ignored while the policy locks the setting).
    pub matter_override: Option<RetentionOverride>,
    /// The legal hold in force, which blocks every deletion of the matter's drafts.
    pub hold: Option<LegalHold>,
}

/// A draft deleted (or, in a dry run, that would be).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DeletedDraft {
    pub draft_id: i64,
    pub matter_id: i64,
    pub client_id: i64,
    pub title: String,
    /// Last activity (RFC 3339).
    pub last_activity: String,
    /// `deleted: by hand` or `deleted: retention N days`, as the audit entry says.
    pub reason: String,
    /// The audit entry recording the deletion (`None` in a dry run, or when it was kept).
    pub audit_seq: Option<i64>,
}

/// What one retention run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RetentionRun {
    pub dry_run: bool,
    /// Deleted (in a dry run: would be deleted).
    pub deleted: Vec<DeletedDraft>,
    /// Past their period but kept because their matter is under legal hold.
    pub held: Vec<DeletedDraft>,
}

/// The period the settings give (policy over user), without any matter's own.
pub fn setting_period(effective: &EffectivePolicy) -> RetentionPeriod {
    let setting = effective.setting(SettingName::AiHistoryRetentionDays);
    let days = effective.values().ai_history_retention_days;
    RetentionPeriod {
        days,
        source: match (days, setting.source) {
            (None, _) | (_, SettingSource::BuiltIn) => PeriodSource::BuiltIn,
            (Some(_), SettingSource::User) => PeriodSource::User,
            (Some(_), SettingSource::Policy) => PeriodSource::Policy,
        },
        locked: setting.locked,
        lock_reason: effective
            .lock(SettingName::AiHistoryRetentionDays)
            .map(str::to_owned),
    }
}

/// The period for a matter with its own period `matter_days`: the matter's wins unless locked.
fn period_for(setting: &RetentionPeriod, matter_days: Option<u32>) -> RetentionPeriod {
    match matter_days {
        Some(days) if !setting.locked => RetentionPeriod {
            days: Some(days),
            source: PeriodSource::Matter,
            locked: false,
            lock_reason: None,
        },
        _ => setting.clone(),
    }
}

/// The retention of matter `matter_id`: the period in force, where it comes from, the matter's
/// own period and the legal hold.
pub fn matter_retention(
    workspace: &Workspace,
    store: &Store,
    matter_id: i64,
) -> Result<MatterRetention> {
    store.matter(matter_id)?;
    let effective = workspace.effective_policy(Some(store))?;
    let setting = setting_period(&effective);
    let matter_override = store.retention_override(matter_id)?;
    Ok(MatterRetention {
        matter_id,
        effective: period_for(&setting, matter_override.as_ref().map(|o| o.days)),
        setting,
        matter_override,
        hold: store.legal_hold(matter_id)?,
    })
}

/// Gives matter `matter_id` its own retention period (`None` removes it: the setting applies
/// again). Refused when the policy locks the retention setting (with the policy's reason) or the
/// policy file is invalid.
pub fn set_matter_retention(
    workspace: &Workspace,
    store: &mut Store,
    matter_id: i64,
    days: Option<u32>,
) -> Result<MatterRetention> {
    let effective = workspace.effective_policy(Some(store))?;
    if let Some(error) = effective.invalid_error() {
        return Err(error);
    }
    if let Some(reason) = effective.lock(SettingName::AiHistoryRetentionDays) {
        return Err(Error::PolicyBlocked(format!(
            "Managed by your IT provider: the firm's policy sets how long AI history is kept \
             ({reason}), so a matter cannot have its own period; nothing was changed. Ask your \
             IT provider if this matter needs another period, or put it under legal hold to \
             keep its drafts."
        )));
    }
    if let Some(days) = days
        && days > MAX_RETENTION_DAYS
    {
        return Err(Error::InvalidField {
            field: "days".into(),
            message: format!(
                "{days} days is more than 100 years; leave the period empty to keep AI history \
                 until it is deleted by hand."
            ),
        });
    }
    store.write_retention_override(matter_id, days, &os_user())?;
    matter_retention(workspace, store, matter_id)
}

/// One draft as deletion sees it.
struct Candidate {
    draft: DeletedDraftRef,
    title: String,
    last_activity: String,
    /// Seconds since the last activity.
    age_seconds: i64,
    matter_days: Option<u32>,
    held: bool,
}

const CANDIDATE_SELECT: &str = "SELECT d.id, d.matter_id, m.client_id, d.title, d.updated_at, \
        unixepoch('now') - unixepoch(d.updated_at), r.days, \
        EXISTS (SELECT 1 FROM legal_holds h WHERE h.matter_id = d.matter_id \
                AND h.released_at IS NULL) \
     FROM drafts d JOIN matters m ON m.id = d.matter_id \
     LEFT JOIN matter_retention r ON r.matter_id = d.matter_id \
     WHERE d.deleted_at IS NULL";

fn candidate(r: &rusqlite::Row<'_>) -> rusqlite::Result<Candidate> {
    Ok(Candidate {
        draft: DeletedDraftRef {
            draft_id: r.get(0)?,
            matter_id: r.get(1)?,
            client_id: r.get(2)?,
        },
        title: r.get(3)?,
        last_activity: r.get(4)?,
        age_seconds: r.get(5)?,
        matter_days: r.get(6)?,
        held: r.get(7)?,
    })
}

impl Candidate {
    fn report(&self, reason: DeletionReason, audit_seq: Option<i64>) -> DeletedDraft {
        DeletedDraft {
            draft_id: self.draft.draft_id,
            matter_id: self.draft.matter_id,
            client_id: self.draft.client_id,
            title: self.title.clone(),
            last_activity: self.last_activity.clone(),
            reason: reason.label(),
            audit_seq,
        }
    }
}

fn hold_error(store: &Store, candidate: &Candidate) -> Error {
    let held = store.legal_hold(candidate.draft.matter_id).ok().flatten();
    let since = held
        .map(|h| format!(" since {} (set by {}: {})", h.set_at, h.set_by, h.reason))
        .unwrap_or_default();
    Error::LegalHold(format!(
        "Draft {} was not deleted: its matter {} is under legal hold{since}, which keeps every \
         draft of the matter. Release the hold first if the matter no longer needs it \
         (casefile-admin hold release {}).",
        candidate.draft.draft_id, candidate.draft.matter_id, candidate.draft.matter_id
    ))
}

/// Deletes `candidate` with its versions and redaction map (and its search entry, by trigger),
/// appending its audit entry in the same transaction. Refused under legal hold, checked inside
/// the transaction so a hold set meanwhile by another process still wins.
fn delete(store: &mut Store, candidate: &Candidate, reason: DeletionReason) -> Result<i64> {
    let tx = store
        .conn
        .transaction_with_behavior(TransactionBehavior::Immediate)?;
    let held: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM legal_holds WHERE matter_id = ?1 AND released_at IS NULL)",
        [candidate.draft.matter_id],
        |r| r.get(0),
    )?;
    if held {
        drop(tx);
        return Err(hold_error(store, candidate));
    }
    let seq = record_deletion(&tx, candidate.draft, reason)?;
    tx.execute(
        "DELETE FROM drafts WHERE id = ?1",
        [candidate.draft.draft_id],
    )?;
    tx.commit()?;
    tracing::info!(
        draft = candidate.draft.draft_id,
        matter = candidate.draft.matter_id,
        reason = %reason.label(),
        "draft deleted"
    );
    Ok(seq)
}

/// Deletes draft `draft_id` by hand: refused under legal hold and while the draft is being
/// written; recorded in the audit log as `deleted: by hand`.
pub fn delete_draft(store: &mut Store, draft_id: i64) -> Result<DeletedDraft> {
    let candidate = store
        .conn
        .query_row(
            &format!("{CANDIDATE_SELECT} AND d.id = ?1"),
            [draft_id],
            candidate,
        )
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("Draft {draft_id} does not exist.")))?;
    if candidate.held {
        return Err(hold_error(store, &candidate));
    }
    if store.draft(draft_id)?.status == crate::store::DraftStatus::Writing {
        return Err(Error::InvalidInput(format!(
            "Draft {draft_id} is still being written; cancel it (or wait until it ends) before \
             deleting it. Nothing was deleted."
        )));
    }
    let seq = delete(store, &candidate, DeletionReason::ByHand)?;
    Ok(candidate.report(DeletionReason::ByHand, Some(seq)))
}

/// Deletes every AI draft past the retention period of its matter (in a dry run, only lists
/// them). Drafts of matters under legal hold are kept and listed as held. Refused, deleting
/// nothing, while the policy file is invalid.
pub fn run_retention(
    workspace: &Workspace,
    store: &mut Store,
    dry_run: bool,
) -> Result<RetentionRun> {
    let effective = workspace.effective_policy(Some(store))?;
    if let Some(error) = effective.invalid_error() {
        return Err(Error::PolicyBlocked(format!(
            "{error} Retention deletes nothing meanwhile."
        )));
    }
    let setting = setting_period(&effective);
    let candidates = {
        let mut stmt = store.conn.prepare(&format!(
            "{CANDIDATE_SELECT} AND d.origin = 'ai' ORDER BY d.id"
        ))?;
        stmt.query_map(params![], candidate)?
            .collect::<rusqlite::Result<Vec<_>>>()?
    };
    let mut run = RetentionRun {
        dry_run,
        ..RetentionRun::default()
    };
    for candidate in candidates {
        let Some(days) = period_for(&setting, candidate.matter_days).days else {
            continue;
        };
        // A draft being written right now is recent; one left 'writing' long ago was cut off.
        let expired = candidate.age_seconds >= i64::from(days) * SECONDS_PER_DAY;
        if !expired {
            continue;
        }
        let reason = DeletionReason::Retention(days);
        if candidate.held {
            run.held.push(candidate.report(reason, None));
        } else if dry_run {
            run.deleted.push(candidate.report(reason, None));
        } else {
            match delete(store, &candidate, reason) {
                Ok(seq) => run.deleted.push(candidate.report(reason, Some(seq))),
                Err(Error::LegalHold(_)) => run.held.push(candidate.report(reason, None)),
                Err(e) => return Err(e),
            }
        }
    }
    Ok(run)
}

/// Runs retention now and then every [`RUN_EVERY`], for as long as the app is open. A run that
/// fails (the keychain locked, the policy file invalid) is logged and tried again next time.
pub async fn run_while_open(store: SharedStore) {
    loop {
        match store
            .call_with_workspace(|workspace, store| run_retention(workspace, store, false))
            .await
        {
            Ok(run) => tracing::info!(
                deleted = run.deleted.len(),
                kept_under_hold = run.held.len(),
                "retention ran"
            ),
            Err(error) => error.log("retention did not run"),
        }
        tokio::time::sleep(RUN_EVERY).await;
    }
}

#[cfg(test)]
mod tests;
