//! `casefile-admin export`: a matter's draft as a Word, PDF, Markdown or JSON file, or every
//! draft of the matter in one ZIP, written whole (never half a file) and never over an existing
//! file unless asked.

use std::io::IsTerminal;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::process::ExitCode;

use casefile_core::audit::sha256_hex;
use casefile_core::drafting::offline::offline_draft;
use casefile_core::drafting::record::NoteSelection;
use casefile_core::export::{ExportOptions, ExportProgress, Format, export_draft, export_matter};
use casefile_core::private_file::write_private;
use casefile_core::store::{Kind, Store};
use casefile_core::workspace::Workspace;
use casefile_core::{Error, Result};
use serde_json::json;

use super::Report;

#[derive(clap::Args)]
pub struct ExportArgs {
    /// The matter: its internal id or the id it was imported under (id:N or external:X when a
    /// number could be either).
    #[arg(long)]
    matter: String,
    /// docx, pdf, md or json. With --all, repeat it to put several formats in the ZIP.
    #[arg(long = "format", value_name = "FORMAT", required = true, value_parser = parse_format)]
    formats: Vec<Format>,
    /// The file to write (for --all, the ZIP file).
    #[arg(long, value_name = "PATH")]
    out: PathBuf,
    /// The draft to export (default: the matter's latest; when the matter has none, its
    /// structured case summary is made from the record first).
    #[arg(long, value_name = "ID", conflicts_with = "all")]
    draft: Option<String>,
    /// Every draft of the matter, in each --format, in one ZIP with a manifest.json.
    #[arg(long)]
    all: bool,
    /// Replace PATH if it exists.
    #[arg(long)]
    force: bool,
    /// The firm's name for the page header of Word and PDF files (default: the firm_name
    /// setting, else "—").
    #[arg(long, value_name = "NAME")]
    firm: Option<String>,
}

fn parse_format(name: &str) -> std::result::Result<Format, String> {
    name.parse().map_err(|e: Error| e.to_string())
}

pub fn run(workspace: &Workspace, args: ExportArgs, as_json: bool) -> Result<Report> {
    let mut store = workspace.open_store()?;
    let matter = store.resolve(Kind::Matter, &args.matter)?;
    let mut options = ExportOptions::from_policy(&workspace.effective_policy(Some(&store))?);
    if args.firm.is_some() {
        options.firm = args.firm.clone();
    }
    if !args.all && args.formats.len() > 1 {
        return Err(Error::InvalidInput(
            "One draft is exported in one format: give --format once, or use --all for a ZIP \
             with several formats."
                .into(),
        ));
    }
    let made = match args.draft {
        Some(_) => None,
        None => summary_if_none(workspace, &mut store, matter, as_json)?,
    };
    if args.all {
        let live = !as_json && std::io::stderr().is_terminal();
        let archive = export_matter(
            &store,
            matter,
            &args.formats,
            &options,
            |ExportProgress { done, total }| {
                if live {
                    eprint!("\rExported {done} of {total} drafts");
                    if done == total {
                        eprintln!();
                    }
                }
                ControlFlow::Continue(())
            },
        )?
        .ok_or_else(|| Error::Internal("the export stopped although nothing stopped it".into()))?;
        write_private(&args.out, &archive.bytes, args.force)?;
        let sha256 = sha256_hex(&archive.bytes);
        return Ok(Report {
            text: format!(
                "Wrote {} ({} bytes, SHA-256 {sha256}): {} drafts, {} files.",
                args.out.display(),
                archive.bytes.len(),
                archive.manifest.drafts,
                archive.manifest.files.len()
            ),
            json: json!({
                "path": args.out,
                "bytes": archive.bytes.len(),
                "sha256": sha256,
                "madeSummary": made,
                "manifest": archive.manifest,
            }),
            exit: ExitCode::SUCCESS,
        });
    }

    let draft = match (&args.draft, made) {
        (Some(reference), _) => {
            let id = store.resolve(Kind::Draft, reference)?;
            let owner = store.draft(id)?.matter_id;
            if owner != matter {
                return Err(Error::InvalidInput(format!(
                    "Draft {id} belongs to matter {owner}, not to matter {matter}. Give the \
                     draft's own matter, or leave out --draft for this matter's latest draft."
                )));
            }
            id
        }
        (None, Some(made)) => made,
        (None, None) => store.drafts_of(matter)?[0].id,
    };
    let format = args.formats[0];
    let exported = export_draft(&store, draft, format, &options)?;
    write_private(&args.out, &exported.bytes, args.force)?;
    let sha256 = sha256_hex(&exported.bytes);
    Ok(Report {
        text: format!(
            "Wrote draft {draft} to {} ({} bytes, SHA-256 {sha256}; content hash {}).",
            args.out.display(),
            exported.bytes.len(),
            exported.sha256
        ),
        json: json!({
            "path": args.out,
            "bytes": exported.bytes.len(),
            "sha256": sha256,
            "contentSha256": exported.sha256,
            "draftId": draft,
            "format": format.as_str(),
            "madeSummary": made,
        }),
        exit: ExitCode::SUCCESS,
    })
}

/// When the matter has no draft, makes its structured case summary from the record (no
/// provider, no network) and returns its id.
fn summary_if_none(
    workspace: &Workspace,
    store: &mut Store,
    matter: i64,
    as_json: bool,
) -> Result<Option<i64>> {
    if !store.drafts_of(matter)?.is_empty() {
        return Ok(None);
    }
    let templates = workspace.templates()?;
    let draft = offline_draft(
        store,
        templates.get("case-summary")?,
        matter,
        &NoteSelection::All,
    )?;
    if !as_json {
        eprintln!(
            "note: matter {matter} had no draft, so its case summary was made from the record \
             (draft {}, pending review) and is exported.",
            draft.id
        );
    }
    Ok(Some(draft.id))
}
