//! The audit log: one append-only, hash-chained record of every request that leaves the computer
//! for an AI provider, and of every attempt stopped before anything left (ABA 477R / 512: know
//! and be able to show what left the machine, to whom and where).
//!
//! # Entries
//!
//! A streamed request's outcome is known only at its end, and a crash must not lose the fact that
//! data left. So a request is two entries, each appended once and never changed:
//!
//! * `request` ([`record_request`]): written **before the first byte is sent**: purpose, client,
//!   matter, draft, profile, provider kind, endpoint host, region, model, bytes sent, redaction
//!   counts and the SHA-256 of the exact payload bytes.
//! * `result` ([`record_result`]): written when the request ends, naming its request by
//!   `request_seq`: bytes and tokens received, the SHA-256 of the response bytes, and the outcome
//!   (`completed`, `cancelled` or `failed: <error code>`).
//! * `blocked` ([`record_blocked`]): an attempt refused before sending (policy, missing consent):
//!   `bytes_sent` 0, no hashes, outcome `blocked: <code>`. Nothing left the computer.
//!
//! * `deletion` ([`record_deletion`]): a draft was deleted, by hand or by retention: client,
//!   matter, draft id and why in `outcome` (`deleted: by hand`, `deleted: retention N days`).
//!   Appended in the same transaction that deletes the draft; never the draft's text.
//!
//! * `restore` ([`record_restore`]): a backup was restored; `outcome` names the head of the log
//!   it replaced (`restored: replaced seq N entry_hash H`, or `restored: replaced no entries`).
//!   The replaced entries are exported beside the workspace and forwarded first.
//!
//! Every entry is also sent to the firm's syslog collector when `audit_forward` is set
//! ([`forward`]).
//!
//! A `request` without a `result` was interrupted (a crash, a killed process) or is still
//! running: [`verify`] lists it, and exports show its outcome as `unknown (interrupted)`.
//!
//! # Hash chain
//!
//! Entry `seq` (1, 2, 3, … without gaps) stores `prev_hash`, the `entry_hash` of entry `seq - 1`
//! (64 zeros for entry 1), and `entry_hash`, the lowercase hex SHA-256 of these bytes:
//!
//! ```text
//! casefile-audit-v1\n
//! then, for each field below in this order:  NAME=LENGTH:VALUE\n   or, for a null:  NAME=-\n
//! ```
//!
//! where `LENGTH` is the byte length of `VALUE` in decimal, and `VALUE` is the field's UTF-8 text
//! exactly as stored and exported (integers in decimal without sign or leading zeros;
//! `redactions` is the stored JSON text, e.g. `{"A_NUMBER":2,"CLIENT":1}`). Fields:
//!
//! `seq, entry, at, os_user, request_seq, client_id, matter_id, draft_id, purpose, profile,
//! provider_kind, endpoint_host, region, model, bytes_sent, bytes_received, tokens_in,
//! tokens_out, redactions, payload_sha256, response_sha256, outcome, prev_hash`
//!
//! (every column of the exported entry except `entry_hash` and the derived `final_outcome`).
//! For example entry 1, a request, starts `casefile-audit-v1\nseq=1:1\nentry=7:request\n`.
//! Recomputing a JSON export (`audit export --format json`) in Python:
//!
//! ```text
//! import hashlib, json
//! FIELDS = "seq entry at os_user request_seq client_id matter_id draft_id purpose profile \
//!   provider_kind endpoint_host region model bytes_sent bytes_received tokens_in tokens_out \
//!   redactions payload_sha256 response_sha256 outcome prev_hash".split()
//! prev = "0" * 64
//! for e in json.load(open("audit.json"))["entries"]:
//!     out = b"casefile-audit-v1\n"
//!     for name in FIELDS:
//!         v = e[name]
//!         if v is None: out += name.encode() + b"=-\n"
//!         else:
//!             v = str(v).encode()
//!             out += name.encode() + b"=" + str(len(v)).encode() + b":" + v + b"\n"
//!     assert e["prev_hash"] == prev and hashlib.sha256(out).hexdigest() == e["entry_hash"], e["seq"]
//!     prev = e["entry_hash"]
//! ```
//!
//! SQL triggers refuse UPDATE and DELETE on the table and inserts out of sequence (defence in
//! depth); the chain detects what triggers cannot: someone with the database key editing the
//! file. An edited, deleted or reordered entry breaks the chain at that entry. Removing the
//! newest entries leaves a shorter chain that is still whole: compare `entries` and `last_hash`
//! from `audit verify` with a value kept elsewhere (an earlier export) to detect that.

mod evidence;
mod export;
pub mod forward;
mod restore;
mod send;
mod verify;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use openssl::sha::sha256;
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

use crate::providers::{ExchangeRecord, ProviderKind, Usage};
use crate::store::Store;
use crate::{Error, Result};

pub use evidence::{EvidenceClient, EvidenceDraft, EvidencePack, evidence_pack};
pub use export::{ExportFormat, ExportedEntry, INTERRUPTED, export, exported_entries};
pub use forward::{Collector, FlushReport, Forwarding};
pub use restore::{ChainHead, chain_head, record_restore};
pub use send::{AuditedSend, failed};
pub use verify::{AuditVerification, ChainProblem, ProblemKind, verify};

/// The first line of every entry's canonical form; a new form gets a new version.
pub const CANONICAL_FORM: &str = "casefile-audit-v1";

/// `prev_hash` of the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Why a request is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Purpose {
    /// A draft of a document from a matter.
    Draft,
    /// A question to a model (`casefile-admin ask`).
    Ask,
    /// A profile's connection test: no client information.
    ConnectionTest,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Draft => "draft",
            Purpose::Ask => "ask",
            Purpose::ConnectionTest => "connection-test",
        }
    }
}

/// Who and what a request (or a blocked attempt) is about, and where it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub purpose: Purpose,
    pub client_id: Option<i64>,
    pub matter_id: Option<i64>,
    /// The draft being written (`None` for `ask` and connection tests).
    pub draft_id: Option<i64>,
    /// The provider profile's name.
    pub profile: String,
    /// Required for a request; a blocked attempt may be refused before its profile resolved.
    pub provider_kind: Option<ProviderKind>,
    /// The host the request goes to (no scheme, path or credentials). Required for a request.
    pub endpoint_host: Option<String>,
    pub region: Option<String>,
    /// The model or, for Azure, the deployment.
    pub model: Option<String>,
    /// Kind of redacted value (`A_NUMBER`, `CLIENT`, …) → how many were replaced in the payload.
    pub redactions: BTreeMap<String, u64>,
}

impl Attempt {
    /// An attempt through `profile`, its target taken from the profile (the endpoint host is
    /// where the request really goes, which only the transport knows for every kind).
    pub fn new(
        purpose: Purpose,
        profile: &crate::providers::ProviderProfile,
        endpoint_host: &str,
    ) -> Self {
        Self {
            purpose,
            client_id: None,
            matter_id: None,
            draft_id: None,
            profile: profile.name.clone(),
            provider_kind: Some(profile.kind),
            endpoint_host: Some(endpoint_host.to_owned()),
            region: profile.region.clone(),
            model: profile.deployment.clone().or_else(|| profile.model.clone()),
            redactions: BTreeMap::new(),
        }
    }

    /// An attempt refused before its profile resolved: only its name is known.
    pub fn unresolved(purpose: Purpose, profile: &str) -> Self {
        Self {
            purpose,
            client_id: None,
            matter_id: None,
            draft_id: None,
            profile: profile.to_owned(),
            provider_kind: None,
            endpoint_host: None,
            region: None,
            model: None,
            redactions: BTreeMap::new(),
        }
    }
}

/// How a request ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Completed,
    /// Stopped by the user.
    Cancelled,
    /// Ended by an error; the code names it (an `ErrorCode` or a provider error kind, e.g.
    /// `rateLimited`), never a message.
    Failed(String),
}

impl Outcome {
    /// As the log and provenance write it: `completed`, `cancelled`, `failed: CODE`.
    pub fn label(&self) -> String {
        match self {
            Outcome::Completed => "completed".to_owned(),
            Outcome::Cancelled => "cancelled".to_owned(),
            Outcome::Failed(code) => format!("failed: {code}"),
        }
    }

    fn stored(&self) -> Result<String> {
        if let Outcome::Failed(code) = self {
            checked_code(code)?;
        }
        Ok(self.label())
    }
}

/// A code in an outcome: a short word, so the log never holds a message (which could quote
/// client data or a provider's answer).
fn checked_code(code: &str) -> Result<&str> {
    let fits = !code.is_empty()
        && code.len() <= 64
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if fits {
        Ok(code)
    } else {
        Err(Error::Internal(format!(
            "audit outcome code {code:?} is not a short word of letters, digits, - or _"
        )))
    }
}

/// The end of a request, for its `result` entry.
pub struct Completion {
    pub outcome: Outcome,
    /// What crossed the wire: everything received is counted and hashed as it came.
    pub exchange: ExchangeRecord,
    /// The provider's token counts, when it reported them.
    pub usage: Option<Usage>,
}

/// The lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&sha256(bytes))
}

pub(crate) fn hex(digest: &[u8; 32]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The OS user running Casefile: on Unix the account name of the process's user id (the
/// environment can name anyone), elsewhere `USERNAME`.
pub fn os_user() -> String {
    #[cfg(unix)]
    {
        let uid = nix::unistd::Uid::current();
        match nix::unistd::User::from_uid(uid) {
            Ok(Some(user)) => user.name,
            _ => format!("uid {uid}"),
        }
    }
    #[cfg(not(unix))]
    {
        std::env::var("USERNAME")
            .ok()
            .filter(|name| !name.trim().is_empty())
            .unwrap_or_else(|| "unknown".to_owned())
    }
}

/// Appends the `request` entry for `payload`, the exact bytes about to be sent, and returns its
/// sequence number for [`record_result`]. Call it before the first byte leaves; if it fails, do
/// not send.
pub fn record_request(store: &mut Store, attempt: &Attempt, payload: &[u8]) -> Result<i64> {
    let mut entry = attempt_entry("request", attempt)?;
    if entry.provider_kind.is_none() || entry.endpoint_host.is_none() {
        return Err(Error::Internal(
            "an audited request needs its provider kind and endpoint host".into(),
        ));
    }
    entry.bytes_sent = Some(payload.len() as i64);
    entry.payload_sha256 = Some(sha256_hex(payload));
    append(store, entry)
}

/// Appends the `blocked` entry of an attempt refused before anything was sent; `code` says why
/// (e.g. `policyBlocked`, `consentMissing`). Returns its sequence number.
pub fn record_blocked(store: &mut Store, attempt: &Attempt, code: &str) -> Result<i64> {
    let mut entry = attempt_entry("blocked", attempt)?;
    entry.bytes_sent = Some(0);
    entry.outcome = Some(format!("blocked: {}", checked_code(code)?));
    append(store, entry)
}

/// Appends the `result` entry of request `request_seq`. Returns its sequence number. A request
/// has one result: a second is refused.
pub fn record_result(store: &mut Store, request_seq: i64, completion: Completion) -> Result<i64> {
    let outcome = completion.outcome.stored()?;
    let entry = Entry {
        entry: "result".to_owned(),
        request_seq: Some(request_seq),
        bytes_received: Some(completion.exchange.response_bytes as i64),
        tokens_in: completion.usage.as_ref().map(|u| u.input_tokens as i64),
        tokens_out: completion.usage.as_ref().map(|u| u.output_tokens as i64),
        response_sha256: Some(completion.exchange.response_sha256),
        outcome: Some(outcome),
        ..Entry::default()
    };
    append(store, entry)
}

/// Why a draft was deleted, as its `deletion` entry's outcome says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeletionReason {
    /// A person deleted it.
    ByHand,
    /// Its retention period (in days) ended.
    Retention(u32),
}

impl DeletionReason {
    /// `deleted: by hand` or `deleted: retention N days`.
    pub fn label(self) -> String {
        match self {
            DeletionReason::ByHand => "deleted: by hand".to_owned(),
            DeletionReason::Retention(days) => format!("deleted: retention {days} days"),
        }
    }
}

/// The draft a `deletion` entry is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeletedDraftRef {
    pub client_id: i64,
    pub matter_id: i64,
    pub draft_id: i64,
}

/// Appends the `deletion` entry of a draft inside `tx`, the transaction that deletes it, so the
/// draft is gone only if its entry is written. Returns the entry's sequence number.
pub(crate) fn record_deletion(
    tx: &rusqlite::Transaction<'_>,
    draft: DeletedDraftRef,
    reason: DeletionReason,
) -> Result<i64> {
    let entry = Entry {
        entry: "deletion".to_owned(),
        client_id: Some(draft.client_id),
        matter_id: Some(draft.matter_id),
        draft_id: Some(draft.draft_id),
        outcome: Some(reason.label()),
        ..Entry::default()
    };
    append_in(tx, entry)
}

/// `Some` non-blank text. Nothing blank is stored, so an empty CSV cell always means a null.
fn present(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

fn attempt_entry(kind: &str, attempt: &Attempt) -> Result<Entry> {
    let Some(profile) = present(Some(&attempt.profile)) else {
        return Err(Error::Internal(
            "an audited attempt needs its profile name".into(),
        ));
    };
    let redactions = serde_json::to_string(&attempt.redactions)
        .map_err(|e| Error::Internal(format!("redaction counts not serializable: {e}")))?;
    Ok(Entry {
        entry: kind.to_owned(),
        client_id: attempt.client_id,
        matter_id: attempt.matter_id,
        draft_id: attempt.draft_id,
        purpose: Some(attempt.purpose.as_str().to_owned()),
        profile: Some(profile),
        provider_kind: attempt.provider_kind.map(|k| k.as_str().to_owned()),
        endpoint_host: present(attempt.endpoint_host.as_deref()),
        region: present(attempt.region.as_deref()),
        model: present(attempt.model.as_deref()),
        redactions: Some(redactions),
        ..Entry::default()
    })
}

/// One row of the log, every column as stored: what is hashed, verified and exported.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub seq: i64,
    /// `request`, `result`, `blocked`, `deletion` or `restore`.
    pub entry: String,
    /// RFC 3339, UTC.
    pub at: String,
    pub os_user: String,
    pub request_seq: Option<i64>,
    pub client_id: Option<i64>,
    pub matter_id: Option<i64>,
    pub draft_id: Option<i64>,
    pub purpose: Option<String>,
    pub profile: Option<String>,
    pub provider_kind: Option<String>,
    pub endpoint_host: Option<String>,
    pub region: Option<String>,
    pub model: Option<String>,
    pub bytes_sent: Option<i64>,
    pub bytes_received: Option<i64>,
    pub tokens_in: Option<i64>,
    pub tokens_out: Option<i64>,
    /// JSON object text, as stored and hashed.
    pub redactions: Option<String>,
    pub payload_sha256: Option<String>,
    pub response_sha256: Option<String>,
    pub outcome: Option<String>,
    pub prev_hash: String,
    pub entry_hash: String,
}

/// The columns in canonical order; `entry_hash` last, outside the hashed bytes.
const COLUMNS: &str = "seq, entry, at, os_user, request_seq, client_id, matter_id, draft_id, \
    purpose, profile, provider_kind, endpoint_host, region, model, bytes_sent, bytes_received, \
    tokens_in, tokens_out, redactions, payload_sha256, response_sha256, outcome, prev_hash, \
    entry_hash";

impl Entry {
    /// Every hashed field in canonical order, as text (`None` for a null).
    pub fn fields(&self) -> [(&'static str, Option<String>); 23] {
        let number = |value: Option<i64>| value.map(|v| v.to_string());
        [
            ("seq", Some(self.seq.to_string())),
            ("entry", Some(self.entry.clone())),
            ("at", Some(self.at.clone())),
            ("os_user", Some(self.os_user.clone())),
            ("request_seq", number(self.request_seq)),
            ("client_id", number(self.client_id)),
            ("matter_id", number(self.matter_id)),
            ("draft_id", number(self.draft_id)),
            ("purpose", self.purpose.clone()),
            ("profile", self.profile.clone()),
            ("provider_kind", self.provider_kind.clone()),
            ("endpoint_host", self.endpoint_host.clone()),
            ("region", self.region.clone()),
            ("model", self.model.clone()),
            ("bytes_sent", number(self.bytes_sent)),
            ("bytes_received", number(self.bytes_received)),
            ("tokens_in", number(self.tokens_in)),
            ("tokens_out", number(self.tokens_out)),
            ("redactions", self.redactions.clone()),
            ("payload_sha256", self.payload_sha256.clone()),
            ("response_sha256", self.response_sha256.clone()),
            ("outcome", self.outcome.clone()),
            ("prev_hash", Some(self.prev_hash.clone())),
        ]
    }

    /// The bytes `entry_hash` is the SHA-256 of (see the module documentation).
    pub fn canonical_bytes(&self) -> Vec<u8> {
        let mut out = format!("{CANONICAL_FORM}\n").into_bytes();
        for (name, value) in self.fields() {
            match value {
                Some(value) => {
                    out.extend_from_slice(format!("{name}={}:", value.len()).as_bytes());
                    out.extend_from_slice(value.as_bytes());
                    out.push(b'\n');
                }
                None => out.extend_from_slice(format!("{name}=-\n").as_bytes()),
            }
        }
        out
    }

    /// What `entry_hash` should be for the entry's fields.
    pub fn computed_hash(&self) -> String {
        sha256_hex(&self.canonical_bytes())
    }

    fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            seq: r.get(0)?,
            entry: r.get(1)?,
            at: r.get(2)?,
            os_user: r.get(3)?,
            request_seq: r.get(4)?,
            client_id: r.get(5)?,
            matter_id: r.get(6)?,
            draft_id: r.get(7)?,
            purpose: r.get(8)?,
            profile: r.get(9)?,
            provider_kind: r.get(10)?,
            endpoint_host: r.get(11)?,
            region: r.get(12)?,
            model: r.get(13)?,
            bytes_sent: r.get(14)?,
            bytes_received: r.get(15)?,
            tokens_in: r.get(16)?,
            tokens_out: r.get(17)?,
            redactions: r.get(18)?,
            payload_sha256: r.get(19)?,
            response_sha256: r.get(20)?,
            outcome: r.get(21)?,
            prev_hash: r.get(22)?,
            entry_hash: r.get(23)?,
        })
    }
}

/// Every entry in sequence order.
pub fn entries(store: &Store) -> Result<Vec<Entry>> {
    let mut statement = store
        .conn
        .prepare(&format!("SELECT {COLUMNS} FROM audit_log ORDER BY seq"))?;
    let rows = statement
        .query_map([], Entry::from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// A result may be appended only for a request that has none yet. Checked inside the append's
/// transaction, so two processes cannot both record one.
fn check_unanswered(tx: &rusqlite::Transaction<'_>, request_seq: i64) -> Result<()> {
    let request: Option<(String, Option<i64>)> = tx
        .query_row(
            "SELECT entry, (SELECT seq FROM audit_log WHERE request_seq = ?1) \
             FROM audit_log WHERE seq = ?1",
            [request_seq],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match request {
        Some((entry, None)) if entry == "request" => Ok(()),
        Some((entry, Some(result))) if entry == "request" => Err(Error::Internal(format!(
            "audit request {request_seq} already has its result (entry {result})"
        ))),
        _ => Err(Error::Internal(format!(
            "audit entry {request_seq} is not a request"
        ))),
    }
}

/// Links `entry` to the last one and appends it, in one immediate transaction so that two
/// processes appending at once (the app and the CLI) each see the other's last entry.
fn append(store: &mut Store, entry: Entry) -> Result<i64> {
    let tx = store
        .conn
        .transaction_with_behavior(TransactionBehavior::Immediate)?;
    let seq = append_in(&tx, entry)?;
    tx.commit()?;
    Ok(seq)
}

/// Links `entry` to the last one and appends it inside `tx` (which must be immediate, so no
/// other process appends in between).
fn append_in(tx: &rusqlite::Transaction<'_>, mut entry: Entry) -> Result<i64> {
    let last: Option<(i64, String)> = tx
        .query_row(
            "SELECT seq, entry_hash FROM audit_log ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some(request_seq) = entry.request_seq {
        check_unanswered(tx, request_seq)?;
    }
    let (last_seq, prev_hash) = last.unwrap_or((0, GENESIS_HASH.to_owned()));
    entry.seq = last_seq + 1;
    entry.at = crate::store::now();
    entry.os_user = os_user();
    entry.prev_hash = prev_hash;
    entry.entry_hash = entry.computed_hash();
    tx.execute(
        &format!(
            "INSERT INTO audit_log ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, \
             ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)"
        ),
        params![
            entry.seq,
            entry.entry,
            entry.at,
            entry.os_user,
            entry.request_seq,
            entry.client_id,
            entry.matter_id,
            entry.draft_id,
            entry.purpose,
            entry.profile,
            entry.provider_kind,
            entry.endpoint_host,
            entry.region,
            entry.model,
            entry.bytes_sent,
            entry.bytes_received,
            entry.tokens_in,
            entry.tokens_out,
            entry.redactions,
            entry.payload_sha256,
            entry.response_sha256,
            entry.outcome,
            entry.prev_hash,
            entry.entry_hash,
        ],
    )
    .map_err(|e| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ConstraintViolation) => Error::InvalidInput(format!(
            "The audit log refused the entry ({e}); a request whose entry is refused is not \
             sent. Check that its client and matter exist."
        )),
        _ => e.into(),
    })?;
    Ok(entry.seq)
}
