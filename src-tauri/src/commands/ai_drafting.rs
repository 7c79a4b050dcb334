//! AI drafts: the preview of exactly what would leave the computer, the send streamed to the
//! webview through a channel, and cancelling it. The pipeline (policy gate, consent, redaction,
//! audit) is core's `drafting::pipeline`; credentials stay there.

use casefile_core::drafting::document::ShownDraft;
use casefile_core::drafting::pipeline::{
    DraftOrder, DraftPreview, DraftProgress, preview, send_draft,
};
use casefile_core::drafting::record::NoteSelection;
use casefile_core::drafting::redaction::{ManualChanges, SentSegment};
use serde::{Deserialize, Serialize};
use tauri::State;
use tauri::ipc::Channel;
use tokio_util::sync::CancellationToken;

use crate::ipc_error::IpcError;
use crate::state::AppState;

type Reply<T> = Result<T, IpcError>;

/// What the attorney asks the AI provider to draft.
#[derive(Debug, Clone, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AiDraftOrder {
    pub matter_id: i64,
    pub template: String,
    /// `None`: the default profile.
    pub profile: Option<String>,
    /// The notes to use; all of the matter's when absent.
    pub note_ids: Option<Vec<i64>>,
    pub redact: bool,
    /// Values redacted or kept by hand in the preview.
    pub changes: ManualChanges,
}

impl From<AiDraftOrder> for DraftOrder {
    fn from(order: AiDraftOrder) -> Self {
        DraftOrder {
            matter_id: order.matter_id,
            template: order.template,
            profile: order.profile,
            notes: order
                .note_ids
                .map_or(NoteSelection::All, NoteSelection::Only),
            redact: order.redact,
            changes: order.changes,
        }
    }
}

/// The preview, with the texts that would leave cut at their placeholders for display.
#[derive(Debug, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AiDraftPreview {
    pub preview: DraftPreview,
    pub system: Vec<SentSegment>,
    pub prompt: Vec<SentSegment>,
}

/// A send that got as far as a draft: the draft as stored, and why it is incomplete when it is
/// (cancelled, or the provider's error). Refusals before anything is sent are errors instead.
#[derive(Debug, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AiDraftRun {
    pub draft: ShownDraft,
    pub failure: Option<IpcError>,
}

/// Exactly what would be sent for `order`, with the profile's data-processing facts, the consent
/// on record, the estimate and what the record lacks. Sends nothing and reads no credential.
#[tauri::command]
#[specta::specta]
pub async fn preview_ai_draft(
    state: State<'_, AppState>,
    order: AiDraftOrder,
) -> Reply<AiDraftPreview> {
    let order = DraftOrder::from(order);
    let preview = state
        .store()?
        .call_with_workspace(move |w, s| preview(w, s, &order))
        .await?;
    Ok(AiDraftPreview {
        system: preview.system.segments(),
        prompt: preview.prompt.segments(),
        preview,
    })
}

/// Sends `order` through core's drafting pipeline; `on_progress` hears of the draft's id first,
/// then of each piece of text (placeholders restored) as it arrives.
#[tauri::command]
#[specta::specta]
pub async fn send_ai_draft(
    state: State<'_, AppState>,
    order: AiDraftOrder,
    on_progress: Channel<DraftProgress>,
) -> Reply<AiDraftRun> {
    let workspace = state.shared_workspace()?;
    let store = state.store()?.clone();
    let stop = CancellationToken::new();
    let mut started = None;
    let run = send_draft(
        workspace,
        store,
        order.into(),
        |event| {
            if let DraftProgress::Started { draft_id } = event {
                started = Some(draft_id);
                state.drafts.started(draft_id, stop.clone());
            }
            // A closed channel means the window went away; the draft is still stored in full.
            if let Err(e) = on_progress.send(event) {
                tracing::debug!(error = %e, "a draft's progress could not reach the window");
            }
        },
        stop.cancelled(),
    )
    .await;
    if let Some(draft_id) = started {
        state.drafts.ended(&draft_id);
    }
    let run = run?;
    Ok(AiDraftRun {
        draft: run.draft.into(),
        failure: run.failure.map(IpcError::from),
    })
}

/// Stops a draft being written; the text so far is kept and the draft marked incomplete. False
/// when the draft had already ended.
#[tauri::command]
#[specta::specta]
pub async fn cancel_ai_draft(state: State<'_, AppState>, draft_id: i64) -> Reply<bool> {
    Ok(state.drafts.stop(&draft_id))
}
