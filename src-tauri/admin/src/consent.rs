//! `casefile-admin consent`: clients' consent to AI processing, recorded, listed and revoked.

use std::collections::HashMap;
use std::process::ExitCode;

use casefile_core::store::{Consent, ConsentMethod, ConsentScope, Kind, NewConsent};
use casefile_core::workspace::Workspace;
use casefile_core::{Error, Result};
use clap::Subcommand;

use super::Report;

#[derive(Subcommand)]
pub enum ConsentCommand {
    /// Record that CLIENT consented to sending their information through profile P.
    ///
    /// CLIENT is the client's internal id or the id it was imported under (write id:N or
    /// external:X when a number could be either). A consent covers one profile: the vendor,
    /// endpoint, region and contract the client was told about.
    Add {
        client: String,
        /// What the consent allows: drafting (AI drafts from the client's matters) or ask
        /// (questions to a model that carry the client's information).
        #[arg(long, value_parser = parse_scope)]
        scope: ConsentScope,
        /// The provider profile the consent covers (see casefile-admin profile list).
        #[arg(long, value_name = "P")]
        profile: String,
        /// How the client gave it: written, email or verbal.
        #[arg(long, value_parser = parse_method)]
        method: ConsentMethod,
        /// The day the client gave it (default: today); not in the future.
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
        #[arg(long)]
        note: Option<String>,
    },
    /// List consents (of CLIENT, when given), revoked ones included.
    List { client: Option<String> },
    /// Revoke consent ID (see consent list). It stays in the list as revoked; revoking it again
    /// is refused (exit 2).
    Revoke {
        id: i64,
        #[arg(long)]
        reason: Option<String>,
    },
}

fn parse_scope(value: &str) -> std::result::Result<ConsentScope, String> {
    value.parse().map_err(|e: Error| e.to_string())
}

fn parse_method(value: &str) -> std::result::Result<ConsentMethod, String> {
    value.parse().map_err(|e: Error| e.to_string())
}

pub fn run(workspace: &Workspace, command: ConsentCommand) -> Result<Report> {
    let mut store = workspace.open_store()?;
    let (text, json) = match command {
        ConsentCommand::Add {
            client,
            scope,
            profile,
            method,
            date,
            note,
        } => {
            let consent = NewConsent {
                client_id: store.resolve(Kind::Contact, &client)?,
                scope,
                profile,
                method,
                given_on: date,
                note,
            };
            let recorded = workspace.record_consent(&mut store, &consent)?;
            (
                format!(
                    "Recorded consent {}:\n{}",
                    recorded.id,
                    describe(&recorded, None)
                ),
                serde_json::to_value(&recorded),
            )
        }
        ConsentCommand::List { client } => {
            let client_id = client
                .map(|c| store.resolve(Kind::Contact, &c))
                .transpose()?;
            let consents = workspace.consents(&store, client_id)?;
            let names: HashMap<i64, String> = store
                .clients()?
                .into_iter()
                .map(|c| (c.id, c.name))
                .collect();
            let text = if consents.is_empty() {
                "No consents recorded. Record one with: casefile-admin consent add CLIENT \
                 --scope drafting --profile P --method written|email|verbal"
                    .to_owned()
            } else {
                consents
                    .iter()
                    .map(|c| describe(c, names.get(&c.client_id)))
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            (text, serde_json::to_value(&consents))
        }
        ConsentCommand::Revoke { id, reason } => {
            let revoked = store.revoke_consent(id, reason.as_deref())?;
            (
                format!("Revoked consent {id}:\n{}", describe(&revoked, None)),
                serde_json::to_value(&revoked),
            )
        }
    };
    Ok(Report {
        text,
        json: json.unwrap_or_default(),
        exit: ExitCode::SUCCESS,
    })
}

/// One consent in two lines, then what it binds, then a line when it is revoked or no longer
/// covers sends.
fn describe(consent: &Consent, client_name: Option<&String>) -> String {
    let client = match client_name {
        Some(name) => format!("client {} ({name})", consent.client_id),
        None => format!("client {}", consent.client_id),
    };
    let mut text = format!(
        "{:>5}  {client}: {} through profile {}, {} consent given {}\n       recorded {} by {}{}",
        consent.id,
        consent.scope.as_str(),
        consent.profile,
        consent.method.as_str(),
        consent.given_on,
        consent.recorded_at,
        consent.recorded_by,
        consent
            .note
            .as_ref()
            .map(|n| format!("; note: {n}"))
            .unwrap_or_default(),
    );
    if let Some(binding) = &consent.binding {
        text.push_str(&format!("\n       bound to {binding}"));
    }
    if let Some(why) = &consent.no_longer_covers {
        text.push_str(&format!("\n       NO LONGER COVERS SENDS: {why}"));
    }
    if let Some(revocation) = &consent.revocation {
        text.push_str(&format!(
            "\n       REVOKED {} by {}{}",
            revocation.at,
            revocation.by,
            revocation
                .reason
                .as_ref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default()
        ));
    }
    text
}
