//! A client's evidence pack: what an attorney shows a client, a bar or an insurer about how the
//! client's information went to AI providers — the consents (revoked ones too), the client's
//! audit entries with the state of the whole chain, and every draft of the client's matters with
//! its provenance and review.

use serde::Serialize;

use super::{AuditVerification, ExportedEntry, exported_entries, os_user, verify};
use crate::Result;
use crate::drafting::provenance::Provenance;
use crate::store::{Consent, DraftStatus, Store};

#[derive(Debug, Clone, Serialize)]
pub struct EvidencePack {
    pub generated_at: String,
    pub generated_by: String,
    pub client: EvidenceClient,
    pub consents: Vec<Consent>,
    /// The client's requests, blocked attempts and results, as `audit export` writes them.
    pub audit_entries: Vec<ExportedEntry>,
    /// The whole log's chain: the client's entries are only as trustworthy as the chain.
    pub chain: AuditVerification,
    pub drafts: Vec<EvidenceDraft>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvidenceClient {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvidenceDraft {
    pub id: i64,
    pub matter_id: i64,
    pub matter_title: String,
    pub title: String,
    pub status: DraftStatus,
    pub approved_by: Option<String>,
    pub approved_at: Option<String>,
    pub provenance: Provenance,
}

pub fn evidence_pack(store: &Store, client_id: i64) -> Result<EvidencePack> {
    let client = store.client(client_id)?;
    let mut drafts = Vec::new();
    for matter in store.matters_of(client_id)? {
        for summary in store.drafts_of(matter.id)? {
            let draft = store.draft(summary.id)?;
            drafts.push(EvidenceDraft {
                id: draft.id,
                matter_id: matter.id,
                matter_title: matter.title.clone(),
                title: draft.title,
                status: draft.status,
                approved_by: draft.approved_by,
                approved_at: draft.approved_at,
                provenance: draft.provenance,
            });
        }
    }
    Ok(EvidencePack {
        generated_at: jiff::Timestamp::now().to_string(),
        generated_by: os_user(),
        client: EvidenceClient {
            id: client.id,
            name: client.name,
        },
        consents: store.consents(Some(client_id))?,
        audit_entries: exported_entries(store, Some(client_id))?,
        chain: verify(store)?,
        drafts,
    })
}
