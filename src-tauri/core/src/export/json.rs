//! The JSON export: the draft (text, status, approval, versions), its provenance, the client
//! and matter, and the SHA-256 of the document's canonical form without its `sha256` member.

use serde_json::{Map, Value, json};

use super::{DraftExport, Exported};
use crate::audit::sha256_hex;
use crate::{Error, Result};

/// The version of the JSON export's layout; raised when a member changes meaning.
const FORMAT_VERSION: u32 = 1;

pub(super) fn render(export: &DraftExport) -> Result<Exported> {
    let draft = &export.draft;
    let versions: Vec<Value> = export
        .versions
        .iter()
        .map(|v| {
            json!({
                "number": v.number,
                "origin": v.origin,
                "savedAt": v.saved_at,
                "savedBy": v.saved_by,
                "characters": v.body.chars().count(),
                "sha256": sha256_hex(v.body.as_bytes()),
            })
        })
        .collect();
    let mut document = json!({
        "format": "casefile-draft",
        "formatVersion": FORMAT_VERSION,
        "firm": export.firm,
        "client": export.client,
        "matter": export.matter,
        "draft": {
            "id": draft.id,
            "title": draft.title,
            "template": draft.template,
            "templateVersion": draft.template_version,
            "origin": draft.origin,
            "status": draft.status,
            "interruption": draft.interruption,
            "banner": export.banner(),
            "text": draft.body,
            "version": draft.version,
            "createdAt": draft.created_at,
            "createdBy": draft.created_by,
            "updatedAt": draft.updated_at,
            "approval": draft.approved_at.as_ref().map(|at| json!({
                "by": draft.approved_by,
                "at": at,
            })),
            "versions": versions,
        },
        "provenance": draft.provenance,
    });
    let sha256 = sha256_hex(&canonical(&document)?);
    if let Value::Object(members) = &mut document {
        members.insert("sha256".into(), Value::String(sha256.clone()));
    }
    let bytes = serde_json::to_vec_pretty(&sorted(document))
        .map_err(|e| Error::Internal(format!("the JSON export could not be written: {e}")))?;
    Ok(Exported { bytes, sha256 })
}

/// The canonical form the JSON hash is computed over (see the module documentation of
/// `export`): compact, keys sorted at every level.
pub(crate) fn canonical(document: &Value) -> Result<Vec<u8>> {
    serde_json::to_vec(&sorted(document.clone()))
        .map_err(|e| Error::Internal(format!("the JSON export could not be hashed: {e}")))
}

/// `value` with every object's keys in sorted order, whatever map serde_json was built with.
fn sorted(value: Value) -> Value {
    match value {
        Value::Object(members) => {
            let mut entries: Vec<(String, Value)> = members.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, sorted(v)))
                    .collect::<Map<_, _>>(),
            )
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}
