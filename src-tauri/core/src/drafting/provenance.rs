//! Where a draft came from: the template, the record and notes it was made from, who made it and
//! when, and for an AI draft everything about the request (profile, vendor, endpoint, region,
//! model, retention, redactions, tokens, cost). Kept with the draft as JSON; printed as the
//! provenance block of every presented or exported draft.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Provenance {
    pub template: String,
    pub template_version: u32,
    /// `built-in`, or the path of the firm's template file.
    pub template_origin: String,
    pub matter_id: i64,
    pub client_id: i64,
    pub notes: Vec<NoteUsed>,
    /// Values the template needed and the record lacks (shown as "not recorded").
    pub missing: Vec<String>,
    pub started_at: String,
    pub finished_at: Option<String>,
    /// The operating-system user who made the draft.
    pub user: String,
    /// Present when an AI provider drafted part of it.
    pub ai: Option<AiProvenance>,
}

/// A note exactly as it was read for the draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct NoteUsed {
    pub id: i64,
    pub revision: i64,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct AiProvenance {
    pub profile: String,
    /// The provider kind's stable name (`azure-openai`, `bedrock-converse`, …).
    pub provider_kind: String,
    pub endpoint_host: String,
    pub region: Option<String>,
    /// Model id or deployment name, as sent.
    pub model: String,
    /// The profile's retention mode as recorded by the firm.
    pub retention: String,
    pub no_training: bool,
    /// Identifiers replaced before sending, by kind.
    pub redactions: BTreeMap<String, u32>,
    pub tokens_in: Option<u64>,
    pub tokens_out: Option<u64>,
    /// From the profile's prices, when it has them.
    pub estimated_cost_usd: Option<f64>,
    /// The policy exception the send relied on, if any.
    pub policy_exception: Option<String>,
    /// The client's consent record the send relied on, if any.
    pub consent_id: Option<i64>,
    /// How the answer ended: `completed`, `length`, `contentFiltered`, `cancelled`, `failed: …`.
    pub outcome: String,
    /// The audit log's `request` entry for this send (its sequence number, as `audit verify` and
    /// `audit export` name it); none when the request never left. Absent from drafts made before
    /// it was kept.
    #[serde(default)]
    pub audit_entry: Option<i64>,
}

impl Provenance {
    /// The provenance block, in Markdown.
    pub fn markdown(&self) -> String {
        let mut lines = vec![format!(
            "- Template: {} version {} ({})",
            self.template, self.template_version, self.template_origin
        )];
        lines.push(format!(
            "- Record: matter {}, client {}",
            self.matter_id, self.client_id
        ));
        lines.push(if self.notes.is_empty() {
            "- Notes used: none".to_owned()
        } else {
            let notes: Vec<String> = self
                .notes
                .iter()
                .map(|n| format!("{} (note {}, revision {})", n.title, n.id, n.revision))
                .collect();
            format!("- Notes used ({}): {}", notes.len(), notes.join("; "))
        });
        if !self.missing.is_empty() {
            lines.push(format!(
                "- Not recorded in the matter: {}",
                self.missing.join(", ")
            ));
        }
        match &self.ai {
            None => lines.push(
                "- Drafted by: filled from the record on this computer; no AI was used".into(),
            ),
            Some(ai) => {
                lines.push(format!(
                    "- Drafted by: AI provider profile {} ({}), model {}, endpoint {}{}",
                    ai.profile,
                    ai.provider_kind,
                    ai.model,
                    ai.endpoint_host,
                    ai.region
                        .as_ref()
                        .map(|r| format!(", region {r}"))
                        .unwrap_or_default()
                ));
                lines.push(format!(
                    "- Data processing: retention {}, {}",
                    ai.retention,
                    if ai.no_training {
                        "no training on the firm's data (per the firm's terms)"
                    } else {
                        "training terms not recorded"
                    }
                ));
                let redactions: Vec<String> = ai
                    .redactions
                    .iter()
                    .filter(|(_, n)| **n > 0)
                    .map(|(kind, n)| format!("{kind} {n}"))
                    .collect();
                lines.push(format!(
                    "- Redacted before sending: {}",
                    if redactions.is_empty() {
                        "nothing".to_owned()
                    } else {
                        redactions.join(", ")
                    }
                ));
                let tokens = |t: Option<u64>| t.map_or("unknown".to_owned(), |t| t.to_string());
                lines.push(format!(
                    "- Tokens: {} in, {} out{}",
                    tokens(ai.tokens_in),
                    tokens(ai.tokens_out),
                    ai.estimated_cost_usd
                        .map(|c| format!("; estimated cost ${c:.4}"))
                        .unwrap_or_default()
                ));
                if let Some(exception) = &ai.policy_exception {
                    lines.push(format!("- Allowed by policy exception: {exception}"));
                }
                if let Some(consent) = ai.consent_id {
                    lines.push(format!("- Client consent on record: {consent}"));
                }
                lines.push(format!("- Outcome: {}", ai.outcome));
                if let Some(entry) = ai.audit_entry {
                    lines.push(format!("- Audit log: request entry {entry}"));
                }
            }
        }
        lines.push(format!(
            "- Made by {} from {} to {}",
            self.user,
            self.started_at,
            self.finished_at.as_deref().unwrap_or("(not finished)")
        ));
        format!("## Provenance\n\n{}\n", lines.join("\n"))
    }
}
