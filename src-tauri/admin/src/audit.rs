//! `casefile-admin audit`: check the audit log's hash chain, and export it for an auditor.

use std::path::PathBuf;
use std::process::ExitCode;

use casefile_core::audit::{self, AuditVerification, ExportFormat, FlushReport, Forwarding};
use casefile_core::private_file::write_private;
use casefile_core::store::{DATABASE_FILE, Kind};
use casefile_core::workspace::Workspace;
use casefile_core::{Error, Result};
use clap::Subcommand;

use super::Report;

/// The exit code of `audit verify` when the chain is broken.
pub const BROKEN_EXIT: u8 = 11;
/// The exit code of `audit forward` when the collector did not take the waiting entries.
pub const UNREACHABLE_EXIT: u8 = 13;

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check that no entry of the audit log was changed, removed or moved: exit 0 when the
    /// chain is whole, 11 when it is broken (naming the first broken entry and why). Requests
    /// that never recorded their end are listed as "outcome unknown (interrupted)".
    Verify,
    /// Send every audit entry that waits to the firm's syslog collector (the `audit_forward`
    /// setting) now: exit 0 when they were written, 13 when the collector cannot be reached
    /// (nothing is lost: they wait, and are sent again later).
    Forward,
    /// Write every audit entry (or one client's) with every field, its hash and the one before,
    /// so an auditor can recompute the chain; to standard output, or to a new FILE.
    Export {
        #[arg(long, value_enum)]
        format: Format,
        /// Only this client's requests and their results (internal id or the imported id).
        #[arg(long, value_name = "ID")]
        client: Option<String>,
        /// A file to create (an existing file is never overwritten).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Everything Casefile holds about how CLIENT's information went to AI providers, for the
    /// attorney's answers to the client, a bar or an insurer: consents (revoked ones too), the
    /// client's audit entries with the chain's state, and the provenance and review of every
    /// draft of the client's matters. JSON, to standard output or to a new FILE.
    Evidence {
        /// The client's internal id or imported id.
        client: String,
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Json,
}

pub fn run(workspace: &Workspace, command: AuditCommand, as_json: bool) -> Result<Report> {
    let store = workspace.open_store()?;
    match command {
        AuditCommand::Evidence { client, out } => evidence(&store, &client, out),
        AuditCommand::Forward => forward(workspace, &store),
        AuditCommand::Verify => {
            let report = audit::verify(&store)?;
            let forwarding = forwarding_state(workspace, &store)?;
            let mut json = serde_json::to_value(&report).unwrap_or_default();
            json["forwarding"] = serde_json::to_value(&forwarding).unwrap_or_default();
            let mut text = describe(&report);
            if let Some(state) = &forwarding {
                text.push_str(&format!(
                    "\n{} entries wait to be forwarded to {}.",
                    state.waiting, state.collector
                ));
            }
            Ok(Report {
                text,
                json,
                exit: if report.intact {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::from(BROKEN_EXIT)
                },
            })
        }
        AuditCommand::Export {
            format,
            client,
            out,
        } => {
            let client_id = client
                .map(|c| store.resolve(Kind::Contact, &c))
                .transpose()?;
            let format = match format {
                Format::Csv => ExportFormat::Csv,
                Format::Json => ExportFormat::Json,
            };
            if as_json && out.is_none() && format == ExportFormat::Csv {
                return Err(Error::InvalidInput(
                    "--json prints JSON: export with --format json, or write the CSV to a file \
                     with --out FILE."
                        .into(),
                ));
            }
            let mut bytes = Vec::new();
            let entries = audit::export(&store, format, client_id, &mut bytes)?;
            match out {
                Some(file) => {
                    write_private(&file, &bytes, false)?;
                    Ok(Report {
                        text: format!("Wrote {entries} audit entries to {}.", file.display()),
                        json: serde_json::json!({ "file": file, "entries": entries }),
                        exit: ExitCode::SUCCESS,
                    })
                }
                None => {
                    let text = String::from_utf8(bytes)
                        .map_err(|e| Error::Internal(format!("export is not UTF-8: {e}")))?;
                    Ok(Report {
                        json: if as_json {
                            serde_json::from_str(&text).unwrap_or_default()
                        } else {
                            serde_json::Value::Null
                        },
                        text: text.trim_end().to_owned(),
                        exit: ExitCode::SUCCESS,
                    })
                }
            }
        }
    }
}

/// Where the log is forwarded and how many entries wait, for `audit verify`.
#[derive(serde::Serialize)]
struct ForwardingState {
    collector: String,
    waiting: u64,
}

fn forwarding_state(
    workspace: &Workspace,
    store: &casefile_core::store::Store,
) -> Result<Option<ForwardingState>> {
    let Some(forwarding) = Forwarding::from_policy(&workspace.effective_policy(Some(store))?)?
    else {
        return Ok(None);
    };
    Ok(Some(ForwardingState {
        waiting: audit::forward::waiting(store, &forwarding.collector)?,
        collector: forwarding.collector.url(),
    }))
}

fn forward(workspace: &Workspace, store: &casefile_core::store::Store) -> Result<Report> {
    let Some(forwarding) = Forwarding::from_policy(&workspace.effective_policy(Some(store))?)?
    else {
        return Err(Error::InvalidInput(
            "No audit collector is set: the policy's (or your) audit_forward setting names one, \
             e.g. tls://siem.example.com:6514."
                .into(),
        ));
    };
    let report = audit::forward::flush(store, &forwarding, audit::forward::CONNECT_TIMEOUT)?;
    Ok(Report {
        text: describe_flush(&report),
        json: serde_json::to_value(&report).unwrap_or_default(),
        exit: if report.error.is_some() {
            ExitCode::from(UNREACHABLE_EXIT)
        } else {
            ExitCode::SUCCESS
        },
    })
}

/// What a flush did, in words; for `audit forward` and the warning after other commands.
pub fn describe_flush(report: &FlushReport) -> String {
    match &report.error {
        Some(why) => format!(
            "The audit collector could not be reached: {why}. {} entries wait to be forwarded \
             to {} (they are kept and sent again later; {} were sent now).",
            report.waiting, report.collector, report.forwarded
        ),
        None if report.waiting > 0 => format!(
            "Forwarded {} audit entries to {}; {} wait until a request that is still running \
             ends.",
            report.forwarded, report.collector, report.waiting
        ),
        None => format!(
            "Forwarded {} audit entries to {}; none wait.",
            report.forwarded, report.collector
        ),
    }
}

/// After a command that wrote audit entries: a short attempt to forward them, which never
/// fails the command (what is not sent waits for the next attempt, the app or `audit forward`).
pub fn forward_briefly(workspace: &Workspace) {
    // Neither the keychain nor the database is touched when nothing is forwarded, and a
    // workspace the command did not create is not created here.
    let attempt = || -> Result<Option<FlushReport>> {
        let database = workspace.locations().data_dir.join(DATABASE_FILE);
        let Some(forwarding) = Forwarding::from_policy(&workspace.effective_policy(None)?)? else {
            return Ok(None);
        };
        if !database.exists() {
            return Ok(None);
        }
        let store = workspace.open_store()?;
        Ok(Some(audit::forward::flush(
            &store,
            &forwarding,
            audit::forward::BRIEF_CONNECT_TIMEOUT,
        )?))
    };
    match attempt() {
        Ok(Some(report)) if report.error.is_some() => {
            eprintln!("warning: {}", describe_flush(&report));
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(code = ?e.code(), error = %e, "audit forwarding not attempted"),
    }
}

fn evidence(
    store: &casefile_core::store::Store,
    client: &str,
    out: Option<PathBuf>,
) -> Result<Report> {
    let pack = audit::evidence_pack(store, store.resolve(Kind::Contact, client)?)?;
    let json = serde_json::to_value(&pack).map_err(|e| Error::Internal(e.to_string()))?;
    let summary = format!(
        "Client {} ({}): {} consents, {} audit entries (chain {}), {} drafts.",
        pack.client.id,
        pack.client.name,
        pack.consents.len(),
        pack.audit_entries.len(),
        if pack.chain.intact {
            "intact"
        } else {
            "BROKEN"
        },
        pack.drafts.len()
    );
    match out {
        Some(file) => {
            let bytes =
                serde_json::to_vec_pretty(&json).map_err(|e| Error::Internal(e.to_string()))?;
            write_private(&file, &bytes, false)?;
            Ok(Report {
                text: format!("{summary}\nWritten to {}.", file.display()),
                json: serde_json::json!({ "file": file }),
                exit: ExitCode::SUCCESS,
            })
        }
        None => Ok(Report {
            text: serde_json::to_string_pretty(&json).unwrap_or_default(),
            json,
            exit: ExitCode::SUCCESS,
        }),
    }
}

fn describe(report: &AuditVerification) -> String {
    let mut lines = vec![match (&report.first_problem, &report.last_hash) {
        (Some(problem), _) => format!(
            "Audit log BROKEN at entry {} ({}): {}\nKeep the database file as it is (it is \
             evidence) and tell your IT provider.",
            problem.seq,
            serde_json::to_value(problem.kind)
                .ok()
                .and_then(|k| k.as_str().map(str::to_owned))
                .unwrap_or_default(),
            problem.message
        ),
        (None, Some(last)) => format!(
            "Audit log intact: {} entries; the newest entry's hash is {last}.",
            report.entries
        ),
        (None, None) => "Audit log intact: no entries yet.".to_owned(),
    }];
    if !report.interrupted.is_empty() {
        let seqs: Vec<_> = report.interrupted.iter().map(i64::to_string).collect();
        lines.push(format!(
            "Outcome unknown (interrupted, or still running): requests {}.",
            seqs.join(", ")
        ));
    }
    lines.join("\n")
}
