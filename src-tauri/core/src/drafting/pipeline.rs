//! The AI drafting pipeline: matter + notes + template → context (size-checked) → policy gate
//! (profile, region for the client's jurisdiction, consent) → redaction → the provider's
//! stream → placeholders restored → the draft, written as the text arrives → provenance and the
//! audit log's result entry.
//!
//! [`preview`] shows exactly what would leave the computer and sends nothing. [`send_draft`]
//! runs the whole path; the audit log's request entry is written by the transport's hook just
//! before the first byte leaves, so no request can go out unrecorded.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use serde::Serialize;

use super::document::{FilledSection, FilledTemplate, body, fill};
use super::offline::provenance_of;
use super::provenance::{AiProvenance, Provenance};
use super::record::{MatterRecord, NoteSelection};
use super::redaction::{
    KindCount, ManualChanges, RedactedText, Redaction, RedactionMap, Redactor, Rehydrator,
    UnrecordedPeople, known_values,
};
use super::templates::{SectionSource, Template};
use crate::audit::{self, Attempt, AuditedSend, Outcome, Purpose};
use crate::policy::SettingName;
use crate::policy::{ConsentCheck, SendSubject};
use crate::providers::{
    ChatRequest, Message, ProviderClient, ProviderError, ProviderProfile, StopReason, StreamEvent,
    Usage,
};
use crate::store::{ConsentScope, Draft, DraftEnd, DraftOrigin, Jurisdiction, NewDraft, Store};
use crate::workspace::{SharedStore, Workspace};
use crate::{Error, Result};

/// Streamed text is written to the draft at least this often (and at the end), so a crash loses
/// at most this much of the answer.
const FLUSH_EVERY: Duration = Duration::from_millis(250);

/// What an attorney asks for.
#[derive(Debug, Clone)]
pub struct DraftOrder {
    pub matter_id: i64,
    pub template: String,
    /// `None`: the default profile.
    pub profile: Option<String>,
    pub notes: NoteSelection,
    /// Replace client identifiers with placeholders before sending (always, when the policy
    /// requires it).
    pub redact: bool,
    /// The preview's changes by hand.
    pub changes: ManualChanges,
}

/// Everything the attorney sees before sending. Nothing has left the computer.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DraftPreview {
    pub template: String,
    pub template_version: u32,
    /// The profile with its data-processing facts (region, retention, training terms).
    pub profile: ProviderProfile,
    pub jurisdiction: Option<Jurisdiction>,
    /// The policy exception the send would rely on.
    pub policy_exception: Option<String>,
    pub consent: ConsentCheck,
    pub redaction_required: bool,
    pub redacted: bool,
    /// The exact texts that would be sent, placeholders marked.
    pub system: RedactedText,
    pub prompt: RedactedText,
    /// Redactions by kind label (`A_NUMBER`, `CLIENT`, …).
    pub redactions: BTreeMap<String, KindCount>,
    /// What the template needed and the record lacks.
    pub missing: Vec<String>,
    pub estimate: Estimate,
    /// Each chosen note's share, to choose fewer when the matter is too large.
    pub notes: Vec<NoteEstimate>,
}

/// Sizes are estimated at about four bytes of UTF-8 per token, the usual ratio for English and
/// other Latin-script text; the provider's own count (kept with the draft) may differ by a
/// quarter either way.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Estimate {
    pub input_tokens: u64,
    pub max_output_tokens: u32,
    pub context_window: u32,
    /// The request fits the profile's context window with room for the answer.
    pub fits: bool,
    /// Input at its estimate plus the longest answer, when the profile has prices.
    pub max_cost_usd: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct NoteEstimate {
    pub id: i64,
    pub title: String,
    pub tokens: u64,
}

/// What happens while a draft is written.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", tag = "event")]
pub enum DraftProgress {
    /// The draft exists (writing); the request is about to be sent.
    Started {
        #[serde(rename = "draftId")]
        draft_id: i64,
    },
    /// More answer text, placeholders restored.
    Text { text: String },
}

/// A finished run: the draft as stored, and why it is incomplete when it is.
#[derive(Debug)]
pub struct DraftRun {
    pub draft: Draft,
    /// The provider's error or a cancellation, when the answer did not complete.
    pub failure: Option<Error>,
}

pub fn estimate_tokens(text: &str) -> u64 {
    (text.len() as u64).div_ceil(4)
}

/// The request for `order`, as it would be sent. Sends nothing and reads no credential.
pub fn preview(workspace: &Workspace, store: &Store, order: &DraftOrder) -> Result<DraftPreview> {
    Ok(plan(workspace, store, order)?.preview)
}

/// Runs the pipeline for `order`: every step before sending happens on the store's thread;
/// `progress` hears of the draft and of each piece of text; `cancelled` ending stops the answer
/// (the text so far is kept, the draft marked incomplete).
pub async fn send_draft<P, C>(
    workspace: Arc<Workspace>,
    store: SharedStore,
    order: DraftOrder,
    mut progress: P,
    cancelled: C,
) -> Result<DraftRun>
where
    P: FnMut(DraftProgress) + Send,
    C: Future<Output = ()> + Send,
{
    let ready = store
        .call(move |s| get_ready(&workspace, s, &order))
        .await?;
    let Ready {
        plan,
        prepared,
        attempt,
        draft_id,
        provenance,
    } = ready;
    progress(DraftProgress::Started { draft_id });

    let audited = AuditedSend::new(&store, attempt);
    let exchange = audited.exchange();
    let request = ChatRequest {
        system: Some(plan.preview.system.text.clone()),
        messages: vec![Message::user(plan.preview.prompt.text.clone())],
        max_tokens: Some(plan.preview.estimate.max_output_tokens),
        ..ChatRequest::default()
    };

    let mut rehydrator = Rehydrator::new(&plan.map);
    let mut answer = String::new();
    let mut pending = String::new();
    let (mut usage, mut stop) = (None::<Usage>, None::<StopReason>);
    let mut ended: Option<End> = None;
    tokio::pin!(cancelled);

    // A transport that cannot be built (a bad proxy or CA file) ends the draft like any other
    // failure: it is marked incomplete with the reason, never left "being written".
    let opened = match ProviderClient::new(&prepared.transport) {
        Err(e) => Some(Err(e)),
        Ok(client) => tokio::select! {
            opened = client.stream_recorded(&prepared.profile, &prepared.credentials, &request, exchange) => Some(opened),
            () = &mut cancelled => None,
        },
    };
    match opened {
        None => ended = Some(End::Cancelled),
        Some(Err(e)) => ended = Some(End::Failed(e)),
        Some(Ok(mut stream)) => {
            let mut flush = tokio::time::interval(FLUSH_EVERY);
            while ended.is_none() {
                tokio::select! {
                    event = stream.next() => match event {
                        None => ended = Some(End::Finished),
                        Some(Err(e)) => ended = Some(End::Failed(e)),
                        Some(Ok(StreamEvent::TextDelta { text })) => {
                            let shown = rehydrator.push(&text);
                            if !shown.is_empty() {
                                pending.push_str(&shown);
                                answer.push_str(&shown);
                                progress(DraftProgress::Text { text: shown });
                            }
                        }
                        Some(Ok(StreamEvent::Usage { usage: u })) => usage = Some(u),
                        Some(Ok(StreamEvent::Stop { reason })) => stop = Some(reason),
                        Some(Ok(StreamEvent::Annotation { .. })) => {}
                    },
                    _ = flush.tick() => write_pending(&store, draft_id, &mut pending).await?,
                    () = &mut cancelled => ended = Some(End::Cancelled),
                }
            }
        }
    }
    let rest = rehydrator.finish();
    if !rest.is_empty() {
        answer.push_str(&rest);
        progress(DraftProgress::Text { text: rest });
    }

    let end = ended.unwrap_or(End::Finished);
    let (draft_end, outcome, failure) = conclude(end, stop.as_ref());
    let limits = &plan.preview.profile.model_limits;
    let mut provenance = provenance;
    provenance.finished_at = Some(jiff::Timestamp::now().to_string());
    if let Some(ai) = provenance.ai.as_mut() {
        ai.tokens_in = usage.map(|u| u.input_tokens);
        ai.tokens_out = usage.map(|u| u.output_tokens);
        ai.estimated_cost_usd =
            usage.and_then(|u| limits.cost_usd(u.input_tokens, u.output_tokens));
        ai.endpoint_host = exchange.record().endpoint_host.unwrap_or_default();
        ai.outcome = outcome.label();
    }
    let result = audited.completion(outcome, usage);
    if let Some(ai) = provenance.ai.as_mut() {
        ai.audit_entry = result.as_ref().map(|(seq, _)| *seq);
    }
    let text = body(&plan.filled, &plan.record.matter.title, Some(&answer));
    let draft = store
        .call(move |s| {
            let draft = s.finish_draft(draft_id, &text, draft_end, &provenance)?;
            if let Some((seq, completion)) = result {
                audit::record_result(s, seq, completion)?;
            }
            Ok(draft)
        })
        .await?;
    Ok(DraftRun { draft, failure })
}

/// How the answer ended.
enum End {
    Finished,
    Cancelled,
    Failed(ProviderError),
}

fn conclude(end: End, stop: Option<&StopReason>) -> (DraftEnd, Outcome, Option<Error>) {
    match end {
        End::Finished => match stop {
            Some(StopReason::MaxTokens) => (
                DraftEnd::Interrupted(
                    "the answer reached the profile's longest answer and is cut short".into(),
                ),
                Outcome::Completed,
                None,
            ),
            Some(StopReason::ContentFilter) => (
                DraftEnd::Interrupted(
                    "the provider's content filter withheld the rest of the answer".into(),
                ),
                Outcome::Completed,
                None,
            ),
            _ => (DraftEnd::Completed, Outcome::Completed, None),
        },
        End::Cancelled => (
            DraftEnd::Interrupted(format!("cancelled by {}", audit::os_user())),
            Outcome::Cancelled,
            Some(Error::InvalidInput(
                "The draft was cancelled; the text received so far is kept.".into(),
            )),
        ),
        End::Failed(e) => (
            DraftEnd::Interrupted(e.message().to_owned()),
            audit::failed(e.kind()),
            Some(Error::Provider(e)),
        ),
    }
}

async fn write_pending(store: &SharedStore, draft_id: i64, pending: &mut String) -> Result<()> {
    if pending.is_empty() {
        return Ok(());
    }
    let text = std::mem::take(pending);
    store
        .call(move |s| s.append_draft_text(draft_id, &text))
        .await
}

/// Everything decided before sending.
struct Plan {
    preview: DraftPreview,
    map: RedactionMap,
    filled: FilledTemplate,
    record: MatterRecord,
    template: Template,
    started_at: String,
}

impl Plan {
    /// Replacements per kind label, for the audit log.
    fn redaction_counts(&self) -> BTreeMap<String, u64> {
        self.preview
            .redactions
            .iter()
            .map(|(kind, count)| (kind.clone(), count.occurrences as u64))
            .collect()
    }
}

struct Ready {
    plan: Plan,
    prepared: crate::policy::PreparedSend,
    /// The audit log's view of the send (the host is added when the request leaves).
    attempt: Attempt,
    draft_id: i64,
    provenance: Provenance,
}

fn plan(workspace: &Workspace, store: &Store, order: &DraftOrder) -> Result<Plan> {
    let started_at = jiff::Timestamp::now().to_string();
    let templates = workspace.templates()?;
    let template = templates.get(&order.template)?;
    let record = MatterRecord::read(store, order.matter_id, &order.notes)?;
    let filled = fill(template, &record)?;
    if !filled.sections.iter().any(|s| s.from == SectionSource::Ai) {
        return Err(Error::InvalidInput(format!(
            "Template {} has no sections for an AI provider to draft; make it from the record \
             instead (--offline).",
            template.name
        )));
    }

    let effective = workspace.effective_policy(Some(store))?;
    let profile_name = match &order.profile {
        Some(name) => name.clone(),
        None => effective.values().default_profile.clone().ok_or_else(|| {
            Error::NotFound(
                "No AI provider profile is chosen and none is the default. Your firm's IT \
                 provider sets one up; meanwhile the draft can be made from the record alone."
                    .into(),
            )
        })?,
    };
    let profile = workspace.resolve_profile(store, &effective, &profile_name)?;
    let contact = store.contact(record.client.id)?;
    let jurisdiction = contact.details.jurisdiction;
    let clearance = crate::policy::gate(&effective, &profile, jurisdiction);
    let policy_exception = clearance.as_ref().ok().and_then(|c| c.exception.clone());

    let redaction_required = effective
        .setting(SettingName::RequireRedaction)
        .value
        .as_bool()
        == Some(true);
    let consent = workspace.consent_check(
        store,
        &effective,
        record.client.id,
        ConsentScope::Drafting,
        &profile,
    )?;

    let redacted = order.redact || redaction_required;
    let system = system_text(&template.instructions, redacted);
    let prompt = prompt_text(&filled, &record);
    let Redaction { texts, map } = if redacted {
        // Under a policy requiring redaction, people the record does not name are redacted too.
        let unrecorded = if redaction_required {
            UnrecordedPeople::Redact
        } else {
            UnrecordedPeople::Flag
        };
        Redactor::new(known_values(store, order.matter_id)?, &order.changes)
            .unrecorded_people(unrecorded)
            .redact(&[&system, &prompt])
    } else {
        Redaction {
            texts: [&system, &prompt]
                .map(|text| RedactedText {
                    text: text.clone(),
                    spans: Vec::new(),
                    unredacted_people: Vec::new(),
                })
                .to_vec(),
            map: RedactionMap::default(),
        }
    };
    let [system_out, prompt_out]: [RedactedText; 2] = texts
        .try_into()
        .map_err(|_| Error::Internal("redaction returned another number of texts".into()))?;

    let limits = &profile.model_limits;
    let input_tokens = estimate_tokens(&system_out.text) + estimate_tokens(&prompt_out.text);
    let max_output_tokens = limits.max_output();
    let context_window = limits.context_window();
    let estimate = Estimate {
        input_tokens,
        max_output_tokens,
        context_window,
        fits: input_tokens + u64::from(max_output_tokens) <= u64::from(context_window),
        max_cost_usd: limits.cost_usd(input_tokens, u64::from(max_output_tokens)),
    };
    let notes = record
        .notes
        .iter()
        .map(|n| NoteEstimate {
            id: n.id,
            title: n.title.clone(),
            tokens: estimate_tokens(&n.title) + estimate_tokens(&n.body),
        })
        .collect();
    let preview = DraftPreview {
        template: template.name.clone(),
        template_version: template.version,
        profile,
        jurisdiction,
        policy_exception,
        consent,
        redaction_required,
        redacted,
        system: system_out,
        prompt: prompt_out,
        redactions: map
            .counts()
            .into_iter()
            .map(|(kind, count)| (kind.label().to_owned(), count))
            .collect(),
        missing: filled.missing.clone(),
        estimate,
        notes,
    };
    Ok(Plan {
        preview,
        map,
        filled,
        record,
        template: template.clone(),
        started_at,
    })
}

/// Plans, checks the policy (reading the credentials only when it allows the send), the
/// client's consent and the size, then stores the draft as being written.
fn get_ready(workspace: &Workspace, store: &mut Store, order: &DraftOrder) -> Result<Ready> {
    let plan = plan(workspace, store, order)?;
    let (prepared, consent, mut attempt) = workspace.prepare_audited_send(
        store,
        Purpose::Draft,
        &plan.preview.profile.name,
        &SendSubject {
            client_id: Some(plan.record.client.id),
            matter_id: Some(plan.record.matter.id),
            jurisdiction: None,
        },
    )?;
    let estimate = &plan.preview.estimate;
    if !estimate.fits {
        let mut largest: Vec<&NoteEstimate> = plan.preview.notes.iter().collect();
        largest.sort_by_key(|n| std::cmp::Reverse(n.tokens));
        let names: Vec<String> = largest
            .iter()
            .take(3)
            .map(|n| format!("{} (note {}, about {} tokens)", n.title, n.id, n.tokens))
            .collect();
        return Err(Error::InvalidInput(format!(
            "This matter is too large for one request to profile {}: about {} tokens with room \
             for a {}-token answer, and the model takes {}. Choose fewer notes (the largest: \
             {}). Nothing was sent.",
            plan.preview.profile.name,
            estimate.input_tokens,
            estimate.max_output_tokens,
            estimate.context_window,
            names.join("; ")
        )));
    }

    let profile = &plan.preview.profile;
    let mut provenance = provenance_of(
        &plan.template,
        &plan.record,
        plan.filled.missing.clone(),
        plan.started_at.clone(),
    );
    provenance.ai = Some(AiProvenance {
        profile: profile.name.clone(),
        provider_kind: profile.kind.as_str().to_owned(),
        endpoint_host: String::new(),
        region: profile.region.clone(),
        model: profile
            .deployment
            .clone()
            .or_else(|| profile.model.clone())
            .unwrap_or_default(),
        retention: serde_json::to_value(profile.data_processing.retention)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        no_training: profile.data_processing.no_training == Some(true),
        redactions: plan
            .preview
            .redactions
            .iter()
            .map(|(kind, count)| (kind.clone(), count.occurrences as u32))
            .collect(),
        tokens_in: None,
        tokens_out: None,
        estimated_cost_usd: None,
        policy_exception: prepared.clearance.exception.clone(),
        consent_id: consent.consent.as_ref().map(|c| c.id),
        outcome: "writing".into(),
        audit_entry: None,
    });
    let draft_id = store.begin_draft(&NewDraft {
        matter_id: plan.record.matter.id,
        title: &format!("{}: {}", plan.filled.title, plan.record.matter.title),
        origin: DraftOrigin::Ai,
        body: "",
        provenance: &provenance,
    })?;
    if !plan.map.entries().is_empty() {
        let mapping = serde_json::to_string(&plan.map)
            .map_err(|e| Error::Internal(format!("redaction map: {e}")))?;
        store.save_redaction_map(draft_id, &mapping)?;
    }
    attempt.draft_id = Some(draft_id);
    attempt.redactions = plan.redaction_counts();
    Ok(Ready {
        plan,
        prepared,
        attempt,
        draft_id,
        provenance,
    })
}

/// The standing instructions, then the template's.
fn system_text(template_instructions: &str, redacted: bool) -> String {
    let mut text = String::from(
        "Write in Markdown. Use only the record and the notes given; where they do not say \
         something, say that it is not recorded.",
    );
    if redacted {
        text.push_str(
            " Bracketed placeholders such as [CLIENT_1] or [A_NUMBER_1] stand for details \
             withheld for privacy: copy them exactly as written wherever they belong, and never \
             guess what they stand for. [CLIENT_1.2] is another way the notes wrote [CLIENT_1]: \
             the same person.",
        );
    }
    text.push_str("\n\n");
    text.push_str(template_instructions.trim());
    text
}

/// The record sections, the notes, and the sections to write.
fn prompt_text(filled: &FilledTemplate, record: &MatterRecord) -> String {
    let mut out = format!(
        "You are drafting part of a {} for the matter \"{}\".\n\n# The record\n\n",
        filled.title, record.matter.title
    );
    for FilledSection { heading, text, .. } in filled
        .sections
        .iter()
        .filter(|s| s.from == SectionSource::Record)
    {
        out.push_str(&format!("## {heading}\n\n{text}\n\n"));
    }
    out.push_str(&format!("# Notes ({})\n\n", record.notes.len()));
    for note in &record.notes {
        out.push_str(&format!(
            "## {} (written {}, note {})\n\n{}\n\n",
            note.title,
            note.created_at.get(..10).unwrap_or(&note.created_at),
            note.id,
            note.body.trim()
        ));
    }
    out.push_str(
        "# Your task\n\nWrite the sections below, in this order, each under a level-2 Markdown \
         heading with exactly the title given, and nothing before the first heading.\n\n",
    );
    for FilledSection { heading, text, .. } in filled
        .sections
        .iter()
        .filter(|s| s.from == SectionSource::Ai)
    {
        out.push_str(&format!("## {heading}\n\n{text}\n\n"));
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}
