//! Every draft of a matter in one ZIP: one file per draft and format, and `manifest.json`
//! listing each file with its draft, status and hashes. When the approval rule applies, the
//! whole export is refused if any draft is unapproved (naming each one), so an archive never
//! silently lacks a draft.

use std::io::Write;
use std::ops::ControlFlow;

use serde::Serialize;
use zip::CompressionMethod;
use zip::write::{SimpleFileOptions, ZipWriter};

use super::{ApprovalRule, DraftExport, ExportOptions, Format, Identity, render, slug};
use crate::audit::sha256_hex;
use crate::store::{DraftStatus, Store};
use crate::{Error, Result};

/// The manifest's file name inside the ZIP.
pub const MANIFEST: &str = "manifest.json";

/// How far an export of a matter has come: `done` of `total` drafts written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ExportProgress {
    pub done: usize,
    pub total: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ManifestFile {
    /// The file's name inside the ZIP.
    pub file: String,
    pub draft_id: i64,
    pub title: String,
    pub format: String,
    pub status: DraftStatus,
    /// The hash the file carries: the content hash, or the JSON hash for JSON files.
    pub sha256: String,
    /// The SHA-256 of the file's bytes as stored in the ZIP.
    pub file_sha256: String,
    pub bytes: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArchiveManifest {
    pub client: Identity,
    pub matter: Identity,
    pub exported_at: String,
    pub drafts: usize,
    pub files: Vec<ManifestFile>,
}

/// A matter's drafts as one ZIP file's bytes, and what it holds.
#[derive(Debug, Clone)]
pub struct MatterArchive {
    pub bytes: Vec<u8>,
    pub manifest: ArchiveManifest,
}

impl MatterArchive {
    /// A file name for the ZIP: the matter's id and a readable part of its title.
    pub fn file_name(&self) -> String {
        format!(
            "matter-{}-{}-drafts.zip",
            self.manifest.matter.id,
            slug(&self.manifest.matter.name)
        )
    }
}

/// Exports every draft of matter `matter_id` in each of `formats` into one ZIP, reporting
/// progress after each draft; `progress` answering `Break` stops the export (`None`, nothing
/// made). Refused, with every unapproved draft named, when the approval rule requires approval;
/// refused when the matter has no draft.
pub fn export_matter(
    store: &Store,
    matter_id: i64,
    formats: &[Format],
    options: &ExportOptions,
    mut progress: impl FnMut(ExportProgress) -> ControlFlow<()>,
) -> Result<Option<MatterArchive>> {
    let matter = store.matter(matter_id)?;
    let summaries = store.drafts_of(matter_id)?;
    if summaries.is_empty() {
        return Err(Error::NotFound(format!(
            "Matter {matter_id} ({}) has no drafts to export. Make one first (for example the \
             structured summary: casefile-admin draft {matter_id} --offline).",
            matter.title
        )));
    }
    if formats.is_empty() {
        return Err(Error::InvalidInput(
            "Choose at least one export format (docx, pdf, md or json).".into(),
        ));
    }
    if let ApprovalRule::Required(why) = &options.approval {
        let unapproved: Vec<String> = summaries
            .iter()
            .filter(|d| d.status != DraftStatus::Approved)
            .map(|d| format!("{} ({})", d.id, d.title))
            .collect();
        if !unapproved.is_empty() {
            return Err(Error::PolicyBlocked(format!(
                "Not exported: {why}, and {} of the matter's {} drafts are not approved: {}. \
                 Nothing was written. Have an attorney approve them, or export \
                 the approved ones one by one (--draft ID).",
                unapproved.len(),
                summaries.len(),
                unapproved.join("; ")
            )));
        }
    }

    let mut formats = formats.to_vec();
    formats.sort();
    formats.dedup();
    let total = summaries.len();
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut files = Vec::new();
    let mut identified = None;
    // Oldest first, so the ZIP reads in the order the drafts were made.
    for (done, summary) in summaries.iter().rev().enumerate() {
        let export = DraftExport::read(store, summary.id, options.firm.as_deref())?;
        // Checked again on the draft as read now (it may have changed since the list).
        options.approval.check(&export.draft)?;
        for &format in &formats {
            let exported = render(&export, format)?;
            let file = export.file_name(format);
            // PDF and DOCX are compressed already.
            let method = match format {
                Format::Markdown | Format::Json => CompressionMethod::Deflated,
                Format::Docx | Format::Pdf => CompressionMethod::Stored,
            };
            zip.start_file(
                &file,
                SimpleFileOptions::default().compression_method(method),
            )
            .and_then(|()| zip.write_all(&exported.bytes).map_err(Into::into))
            .map_err(zip_error)?;
            files.push(ManifestFile {
                file,
                draft_id: export.draft.id,
                title: export.draft.title.clone(),
                format: format.to_string(),
                status: export.draft.status,
                file_sha256: sha256_hex(&exported.bytes),
                bytes: exported.bytes.len(),
                sha256: exported.sha256,
            });
        }
        identified.get_or_insert_with(|| (export.client.clone(), export.matter.clone()));
        if progress(ExportProgress {
            done: done + 1,
            total,
        })
        .is_break()
        {
            return Ok(None);
        }
    }
    let (client, matter) = identified.expect("the matter has drafts");
    let manifest = ArchiveManifest {
        client,
        matter,
        exported_at: jiff::Timestamp::now().to_string(),
        drafts: total,
        files,
    };
    let json = serde_json::to_vec_pretty(&manifest)
        .map_err(|e| Error::Internal(format!("the export manifest could not be written: {e}")))?;
    zip.start_file(MANIFEST, SimpleFileOptions::default())
        .and_then(|()| zip.write_all(&json).map_err(Into::into))
        .map_err(zip_error)?;
    let bytes = zip.finish().map_err(zip_error)?.into_inner();
    Ok(Some(MatterArchive { bytes, manifest }))
}

fn zip_error(e: zip::result::ZipError) -> Error {
    Error::Internal(format!("the ZIP file could not be written: {e}"))
}
