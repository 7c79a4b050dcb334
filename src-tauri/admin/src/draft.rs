//! `casefile-admin draft` and `template list`: the drafting pipeline without the app, with the
//! same policy gate, consent check, redaction and audit log.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;

use casefile_core::drafting::document::presented;
use casefile_core::drafting::offline::offline_draft;
use casefile_core::drafting::pipeline::{DraftOrder, DraftProgress, preview, send_draft};
use casefile_core::drafting::record::NoteSelection;
use casefile_core::drafting::redaction::ManualChanges;
use casefile_core::store::{Draft, Kind, Store};
use casefile_core::workspace::{SharedStore, Workspace};
use casefile_core::{Error, Result};
use serde_json::json;

use super::{Report, exit_code};

#[derive(clap::Subcommand)]
pub enum TemplateCommand {
    /// Every drafting template (built in, and the firm's in the workspace's templates folder),
    /// and the firm's files that cannot be used, with why (exit 2 when there are any).
    List,
}

#[derive(clap::Args)]
pub struct DraftArgs {
    #[command(subcommand)]
    pub action: Option<super::retention::DraftAction>,
    /// The matter: its internal id or the id it was imported under (id:N or external:X when a
    /// number could be either).
    #[arg(required = true)]
    matter: Option<String>,
    /// case-summary, rfe-response, status-letter, cover-letter, declaration, or one of the
    /// firm's (casefile-admin template list).
    #[arg(long, default_value = "case-summary")]
    template: String,
    /// The AI provider profile (default: the default profile).
    #[arg(long, conflicts_with = "offline")]
    profile: Option<String>,
    /// Fill the record sections only, on this computer; nothing is sent. The default when no
    /// profile is chosen and none is the default.
    #[arg(long)]
    offline: bool,
    /// Use only these notes (comma-separated ids); default: every note of the matter.
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    notes: Vec<String>,
    /// Send client identifiers as written (refused by the policy when it requires redaction:
    /// then they are redacted anyway).
    #[arg(long)]
    no_redaction: bool,
    /// Print exactly what would be sent (redactions marked ⟦…⟧), the size and cost estimate
    /// and the consent on record, and send nothing.
    #[arg(long, conflicts_with = "offline")]
    preview: bool,
}

pub async fn run(workspace: Workspace, args: DraftArgs, as_json: bool) -> Result<Report> {
    let workspace = Arc::new(workspace);
    let store = SharedStore::new(workspace.clone());
    let (matter, notes) = {
        let matter = args.matter.clone().ok_or_else(|| {
            Error::InvalidInput("Name the matter to draft for: casefile-admin draft MATTER.".into())
        })?;
        let notes = args.notes.clone();
        store
            .call(move |s| {
                let matter = s.resolve(Kind::Matter, &matter)?;
                let notes = notes
                    .iter()
                    .map(|n| s.resolve(Kind::Note, n))
                    .collect::<Result<Vec<_>>>()?;
                Ok((matter, notes))
            })
            .await?
    };
    let selection = if notes.is_empty() {
        NoteSelection::All
    } else {
        NoteSelection::Only(notes)
    };
    let offline =
        args.offline || (args.profile.is_none() && !has_default(&workspace, &store).await?);
    if offline {
        if !args.offline && !as_json {
            eprintln!(
                "note: no AI provider profile is set up, so the draft is filled from the record \
                 on this computer (nothing is sent)."
            );
        }
        let (ws, template) = (workspace.clone(), args.template.clone());
        let draft = store
            .call(move |s| {
                let templates = ws.templates()?;
                offline_draft(s, templates.get(&template)?, matter, &selection)
            })
            .await?;
        return Ok(report(&draft, None));
    }

    let order = DraftOrder {
        matter_id: matter,
        template: args.template,
        profile: args.profile,
        notes: selection,
        redact: !args.no_redaction,
        changes: ManualChanges::default(),
    };
    if args.preview {
        let (ws, order) = (workspace.clone(), order.clone());
        let shown = store.call(move |s| preview(&ws, s, &order)).await?;
        let marked = |t: &casefile_core::drafting::redaction::RedactedText| {
            let mut text = t.text.clone();
            for span in t.spans.iter().rev() {
                text.replace_range(span.range.clone(), &format!("⟦{}⟧", span.placeholder));
            }
            text
        };
        let e = &shown.estimate;
        let text = format!(
            "Profile {} ({}), model {}, region {}; retention {:?}.\n\
             Consent: {}.\nEstimate: about {} tokens in, up to {} out, window {}{}{}.\n\
             Not recorded in the matter: {}.\n\n--- system ---\n{}\n\n--- prompt ---\n{}",
            shown.profile.name,
            shown.profile.kind,
            shown
                .profile
                .deployment
                .as_deref()
                .or(shown.profile.model.as_deref())
                .unwrap_or("-"),
            shown.profile.region.as_deref().unwrap_or("-"),
            shown.profile.data_processing.retention,
            match (&shown.consent.consent, shown.consent.required) {
                (Some(c), _) => format!("on record (consent {}, given {})", c.id, c.given_on),
                (None, true) => "REQUIRED by the firm's policy and not on record".into(),
                (None, false) => "none on record (not required by policy)".into(),
            },
            e.input_tokens,
            e.max_output_tokens,
            e.context_window,
            if e.fits {
                ""
            } else {
                " — TOO LARGE: choose fewer notes"
            },
            e.max_cost_usd
                .map(|c| format!(", at most ${c:.4}"))
                .unwrap_or_default(),
            if shown.missing.is_empty() {
                "nothing".to_owned()
            } else {
                shown.missing.join(", ")
            },
            marked(&shown.system),
            marked(&shown.prompt),
        );
        return Ok(Report {
            text,
            json: serde_json::to_value(&shown).unwrap_or_default(),
            exit: ExitCode::SUCCESS,
        });
    }

    let live = !as_json && std::io::stderr().is_terminal();
    let progress = move |event: DraftProgress| match event {
        DraftProgress::Started { draft_id } if live => {
            eprintln!("Writing draft {draft_id}… (Ctrl+C stops it and keeps what has arrived)")
        }
        DraftProgress::Text { text } if live => {
            eprint!("{text}");
            let _ = std::io::stderr().flush();
        }
        _ => {}
    };
    let cancelled = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let run = send_draft(workspace, store, order, progress, cancelled).await?;
    if live {
        eprintln!();
    }
    Ok(report(&run.draft, run.failure.as_ref()))
}

async fn has_default(workspace: &Arc<Workspace>, store: &SharedStore) -> Result<bool> {
    let ws = workspace.clone();
    store
        .call(move |s: &mut Store| {
            Ok(ws
                .effective_policy(Some(s))?
                .values()
                .default_profile
                .is_some())
        })
        .await
}

/// The draft as presented; an incomplete one exits with its failure's code, its text kept.
fn report(draft: &Draft, failure: Option<&Error>) -> Report {
    if let Some(failure) = failure {
        eprintln!(
            "error: {failure}\nThe text received so far is kept as draft {} (incomplete).",
            draft.id
        );
    }
    Report {
        text: presented(draft),
        json: json!({
            "draft": draft,
            "failure": failure.map(|f| json!({ "code": f.code(), "message": f.to_string() })),
        }),
        exit: failure.map_or(ExitCode::SUCCESS, |f| exit_code(f.code())),
    }
}

/// `template list`: every usable template, and the firm's files that could not be used.
pub fn templates(workspace: &Workspace, TemplateCommand::List: TemplateCommand) -> Result<Report> {
    let loaded = workspace.templates()?;
    if let Some(why) = loaded.blocked {
        return Err(Error::PolicyBlocked(why));
    }
    let mut lines: Vec<String> = loaded
        .templates
        .iter()
        .map(|t| {
            let origin = match &t.origin {
                casefile_core::drafting::templates::TemplateOrigin::BuiltIn => {
                    "built in".to_owned()
                }
                casefile_core::drafting::templates::TemplateOrigin::Firm(path) => {
                    path.display().to_string()
                }
            };
            let pin = loaded.pins.get(&t.name).map(|pin| {
                let reason = pin
                    .reason
                    .as_ref()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default();
                let refused = if pin.version != t.version {
                    "; NOT USABLE: another version is in place"
                } else if pin.sha256.as_ref().is_some_and(|hash| *hash != t.sha256) {
                    "; NOT USABLE: other content is in place"
                } else {
                    ""
                };
                format!(
                    " [pinned by your IT provider to v{}{reason}{refused}]",
                    pin.version
                )
            });
            format!(
                "{:<16} v{:<3} {} ({origin}){}\n{:<21}sha256 {}",
                t.name,
                t.version,
                t.title,
                pin.unwrap_or_default(),
                "",
                t.sha256
            )
        })
        .collect();
    for problem in &loaded.problems {
        lines.push(format!(
            "not usable: {}: {}",
            problem.path.display(),
            problem.reason
        ));
    }
    Ok(Report {
        text: lines.join("\n"),
        json: json!({
            "templates": loaded.templates,
            "problems": loaded.problems,
            "pins": loaded.pins,
        }),
        exit: if loaded.problems.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(2)
        },
    })
}
