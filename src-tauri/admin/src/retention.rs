//! `casefile-admin hold`, `retention` and `draft delete`: legal holds, the retention of AI
//! history, and deleting a draft by hand. Every deletion is in the audit log; nothing under
//! legal hold is deleted.

use std::process::ExitCode;

use casefile_core::Result;
use casefile_core::audit::os_user;
use casefile_core::retention::{
    DeletedDraft, MatterRetention, PeriodSource, RetentionPeriod, delete_draft, matter_retention,
    run_retention, set_matter_retention,
};
use casefile_core::store::{Kind, LegalHold};
use casefile_core::workspace::Workspace;
use clap::Subcommand;

use super::Report;

#[derive(Subcommand)]
pub enum HoldCommand {
    /// Put MATTER under legal hold: none of its drafts can be deleted, by hand or by retention,
    /// until the hold is released.
    Set {
        /// The matter's internal id or the id it was imported under.
        matter: String,
        /// Why the matter is held (the litigation, subpoena or request it is preserved for).
        #[arg(long)]
        reason: String,
    },
    /// Release the hold on MATTER (recorded with who and when; the hold stays in the history).
    Release {
        /// The matter's internal id or the id it was imported under.
        matter: String,
    },
    /// The holds in force (with --all, released ones too).
    List {
        /// Released holds too.
        #[arg(long)]
        all: bool,
    },
}

#[derive(Subcommand)]
pub enum RetentionCommand {
    /// Delete every AI draft past the retention period of its matter, counted from its last
    /// activity; drafts of matters under legal hold are kept. Prints what went (with
    /// --dry-run: what would go, deleting nothing). Exit 10, deleting nothing, while the policy
    /// file is invalid.
    Run {
        /// List what would be deleted, and delete nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// The retention period in force for MATTER, where it comes from, and its legal hold.
    Show {
        /// The matter's internal id or the id it was imported under.
        matter: String,
    },
    /// Give MATTER its own retention period in days (--days), or remove it (--clear) so the
    /// setting in force applies again. Exit 10 when the policy locks the retention period.
    Set {
        /// The matter's internal id or the id it was imported under.
        matter: String,
        /// Days AI drafts of the matter are kept after their last activity (0 to 36500).
        #[arg(long, conflicts_with = "clear", required_unless_present = "clear")]
        days: Option<u32>,
        /// Remove the matter's own period.
        #[arg(long)]
        clear: bool,
    },
}

#[derive(Subcommand)]
pub enum DraftAction {
    /// Delete draft ID with its versions and redaction map (exit 12 while its matter is under
    /// legal hold). Recorded in the audit log as deleted by hand; cannot be undone.
    Delete {
        /// The draft's id (shown with every draft, and by `casefile-admin export --json`).
        id: i64,
    },
}

fn report(text: String, json: serde_json::Result<serde_json::Value>) -> Report {
    Report {
        text,
        json: json.unwrap_or_default(),
        exit: ExitCode::SUCCESS,
    }
}

pub fn hold(workspace: &Workspace, command: HoldCommand) -> Result<Report> {
    let mut store = workspace.open_store()?;
    Ok(match command {
        HoldCommand::Set { matter, reason } => {
            let matter = store.resolve(Kind::Matter, &matter)?;
            let hold = store.set_legal_hold(matter, &reason, &os_user())?;
            report(
                format!("Matter {matter} is under legal hold.\n{}", describe(&hold)),
                serde_json::to_value(&hold),
            )
        }
        HoldCommand::Release { matter } => {
            let matter = store.resolve(Kind::Matter, &matter)?;
            let hold = store.release_legal_hold(matter, &os_user())?;
            report(
                format!(
                    "Released the legal hold on matter {matter}.\n{}",
                    describe(&hold)
                ),
                serde_json::to_value(&hold),
            )
        }
        HoldCommand::List { all } => {
            let holds = store.legal_holds(all)?;
            let text = if holds.is_empty() {
                "No matter is under legal hold. Set one with: casefile-admin hold set MATTER \
                 --reason TEXT"
                    .to_owned()
            } else {
                holds
                    .iter()
                    .map(|h| {
                        format!(
                            "matter {} ({}, client {} {})\n{}",
                            h.hold.matter_id,
                            h.matter_title,
                            h.client_id,
                            h.client_name,
                            describe(&h.hold)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            report(text, serde_json::to_value(&holds))
        }
    })
}

fn describe(hold: &LegalHold) -> String {
    let mut text = format!(
        "  held since {} by {}: {}",
        hold.set_at, hold.set_by, hold.reason
    );
    if let (Some(at), Some(by)) = (&hold.released_at, &hold.released_by) {
        text.push_str(&format!("\n  released {at} by {by}"));
    }
    text
}

pub fn retention(workspace: &Workspace, command: RetentionCommand) -> Result<Report> {
    let mut store = workspace.open_store()?;
    Ok(match command {
        RetentionCommand::Run { dry_run } => {
            let run = run_retention(workspace, &mut store, dry_run)?;
            let verb = if dry_run { "Would delete" } else { "Deleted" };
            let mut text = format!(
                "{verb} {} AI draft{}.",
                run.deleted.len(),
                if run.deleted.len() == 1 { "" } else { "s" }
            );
            for draft in &run.deleted {
                text.push('\n');
                text.push_str(&line(draft));
            }
            if !run.held.is_empty() {
                text.push_str(&format!("\nKept under legal hold ({}):", run.held.len()));
                for draft in &run.held {
                    text.push('\n');
                    text.push_str(&line(draft));
                }
            }
            report(text, serde_json::to_value(&run))
        }
        RetentionCommand::Show { matter } => {
            let matter = store.resolve(Kind::Matter, &matter)?;
            let shown = matter_retention(workspace, &store, matter)?;
            report(describe_retention(&shown), serde_json::to_value(&shown))
        }
        RetentionCommand::Set {
            matter,
            days,
            clear,
        } => {
            let matter = store.resolve(Kind::Matter, &matter)?;
            let days = if clear { None } else { days };
            let shown = set_matter_retention(workspace, &mut store, matter, days)?;
            report(describe_retention(&shown), serde_json::to_value(&shown))
        }
    })
}

fn line(draft: &DeletedDraft) -> String {
    format!(
        "  draft {} \"{}\" (matter {}, client {}), last activity {}: {}",
        draft.draft_id,
        draft.title,
        draft.matter_id,
        draft.client_id,
        draft.last_activity,
        draft.reason
    )
}

fn period(period: &RetentionPeriod) -> String {
    let days = match period.days {
        Some(days) => format!("kept {days} days after their last activity"),
        None => "kept until deleted by hand".to_owned(),
    };
    let from = match period.source {
        PeriodSource::Matter => "the matter's own period",
        PeriodSource::Policy => "the firm's policy",
        PeriodSource::User => "this desktop's setting",
        PeriodSource::BuiltIn => "nobody set a period",
    };
    let lock = period
        .lock_reason
        .as_ref()
        .map(|r| format!("; managed by your IT provider: {r}"))
        .unwrap_or_default();
    format!("{days} ({from}{lock})")
}

fn describe_retention(shown: &MatterRetention) -> String {
    let mut text = format!(
        "Matter {}: AI drafts {}",
        shown.matter_id,
        period(&shown.effective)
    );
    if let Some(own) = &shown.matter_override
        && shown.effective.source != PeriodSource::Matter
    {
        text.push_str(&format!(
            "\n  its own period of {} days (set {} by {}) does not apply while the policy locks \
             retention",
            own.days, own.set_at, own.set_by
        ));
    }
    if let Some(hold) = &shown.hold {
        text.push_str(&format!(
            "\nUnder legal hold: nothing is deleted.\n{}",
            describe(hold)
        ));
    }
    text
}

pub fn draft_action(workspace: &Workspace, action: DraftAction) -> Result<Report> {
    let mut store = workspace.open_store()?;
    match action {
        DraftAction::Delete { id } => {
            let deleted = delete_draft(&mut store, id)?;
            Ok(report(
                format!(
                    "Deleted draft {} \"{}\" of matter {} (audit entry {}).",
                    deleted.draft_id,
                    deleted.title,
                    deleted.matter_id,
                    deleted.audit_seq.unwrap_or_default()
                ),
                serde_json::to_value(&deleted),
            ))
        }
    }
}
