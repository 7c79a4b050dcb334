//! Filings, notices and deadlines.

use casefile_core::deadlines::Service;
use casefile_core::store::{
    DeadlineEvent, DeadlineRecord, Filing, Notice, NoticeKind, UpcomingDeadline,
};
use tauri::State;

use crate::ipc_error::IpcError;
use crate::state::AppState;

type Reply<T> = Result<T, IpcError>;

#[tauri::command]
#[specta::specta]
pub async fn filings(state: State<'_, AppState>, matter_id: i64) -> Reply<Vec<Filing>> {
    Ok(state
        .store()?
        .call(move |s| s.filings_of(matter_id))
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn add_filing(
    state: State<'_, AppState>,
    matter_id: i64,
    form_type: String,
    filed_on: Option<String>,
    receipt_number: Option<String>,
) -> Reply<Filing> {
    Ok(state
        .store()?
        .call(move |s| {
            s.add_filing(
                matter_id,
                &form_type,
                filed_on.as_deref(),
                receipt_number.as_deref(),
            )
        })
        .await?)
}

/// Records a notice; an RFE, NOID or denial also gets its computed deadline.
#[tauri::command]
#[specta::specta]
pub async fn add_notice(
    state: State<'_, AppState>,
    matter_id: i64,
    kind: NoticeKind,
    notice_date: String,
    service: Service,
    printed_due: Option<String>,
    form_i539: bool,
) -> Reply<(Notice, Option<DeadlineRecord>)> {
    Ok(state
        .store()?
        .call(move |s| {
            s.add_notice(
                matter_id,
                kind,
                &notice_date,
                service,
                printed_due.as_deref(),
                form_i539,
            )
        })
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn add_event_deadline(
    state: State<'_, AppState>,
    matter_id: i64,
    event: DeadlineEvent,
    date: String,
) -> Reply<DeadlineRecord> {
    Ok(state
        .store()?
        .call(move |s| s.add_event_deadline(matter_id, event, &date))
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn deadlines(state: State<'_, AppState>, matter_id: i64) -> Reply<Vec<DeadlineRecord>> {
    Ok(state
        .store()?
        .call(move |s| s.deadlines_of(matter_id))
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn upcoming_deadlines(
    state: State<'_, AppState>,
    limit: u32,
) -> Reply<Vec<UpcomingDeadline>> {
    Ok(state
        .store()?
        .call(move |s| s.upcoming_deadlines(limit as usize))
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn override_deadline(
    state: State<'_, AppState>,
    id: i64,
    due: Option<String>,
    reason: String,
) -> Reply<DeadlineRecord> {
    Ok(state
        .store()?
        .call(move |s| s.override_deadline(id, due.as_deref(), &reason))
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn complete_deadline(
    state: State<'_, AppState>,
    id: i64,
    done: bool,
) -> Reply<DeadlineRecord> {
    Ok(state
        .store()?
        .call(move |s| s.complete_deadline(id, done))
        .await?)
}
