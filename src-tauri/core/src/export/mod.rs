//! Exports of drafts: Markdown, JSON, Word (DOCX) and PDF files, one draft at a time or every
//! draft of a matter in one ZIP. Pure file writing: nothing here opens a connection.
//!
//! Every export carries the draft's review banner, its text, its provenance block and a SHA-256:
//!
//! - **The content hash** (Markdown, DOCX, PDF): the SHA-256 of the draft as presented in
//!   Markdown (banner, text, provenance block) followed by one empty line, encoded as UTF-8. The
//!   Markdown export is exactly that text plus one last line stating the hash, so anyone can
//!   recompute it from the `.md` file: every byte before its last line
//!   (`head -n -1 draft.md | sha256sum`). DOCX and PDF exports print the same hash, so a printed
//!   page can be matched to the Markdown (and to the draft's text in the case store).
//! - **The JSON hash**: the SHA-256 of the JSON document without its `sha256` member, in
//!   canonical form: compact (no whitespace between tokens), object keys sorted by their UTF-8
//!   bytes at every level, strings as UTF-8 with only `"`, `\` and control characters escaped
//!   (what Python writes with `json.dumps(doc, sort_keys=True, separators=(",", ":"),
//!   ensure_ascii=False)`).
//!
//! Links, images and raw HTML in a draft's text are shown as text in every format, never as
//! live links (see `links`): an AI answer may point them anywhere.
//!
//! The firm's policy may require an attorney's approval before export
//! (`require_approval_before_export`): [`ApprovalRule`] refuses unapproved drafts, and a policy
//! file that cannot be read as valid refuses them too (it may be the file that requires it).

mod archive;
mod blocks;
mod docx;
mod files;
mod json;
mod links;
mod markdown;
mod pdf;

use std::fmt;
use std::str::FromStr;

pub use archive::{
    ArchiveManifest, ExportProgress, MANIFEST, ManifestFile, MatterArchive, export_matter,
};
pub use files::{
    DEFAULT_EXPORT_FOLDER, SavedExport, export_folder, ready_export_folder, save_draft_export,
    save_matter_export, save_new,
};
pub use markdown::HASH_LINE_PREFIX;

use crate::audit::sha256_hex;
use crate::drafting::document::{banner, presented};
use crate::policy::{EffectivePolicy, SettingName};
use crate::store::{Draft, DraftStatus, DraftVersion, Kind, Store};
use crate::{Error, Result};

/// What the header shows when no firm name is given.
pub const NO_FIRM: &str = "—";

/// A file format drafts are exported in (named as [`Format::as_str`] in IPC too).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Docx,
    Pdf,
    #[serde(rename = "md")]
    Markdown,
    Json,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Docx, Format::Pdf, Format::Markdown, Format::Json];

    /// The name scripts use (`--format`), also the file extension.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Pdf => "pdf",
            Format::Markdown => "md",
            Format::Json => "json",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = Error;

    fn from_str(name: &str) -> Result<Self> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| {
                Error::InvalidInput(format!(
                    "{name:?} is not an export format. Choose docx, pdf, md or json."
                ))
            })
    }
}

/// Whether a draft must be approved before it is exported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApprovalRule {
    NotRequired,
    /// Only approved drafts may be exported; the text says who decided.
    Required(String),
}

impl ApprovalRule {
    /// The rule in force: the `require_approval_before_export` setting, or required when the
    /// policy file is invalid (it cannot be known not to require it).
    pub fn from_policy(policy: &EffectivePolicy) -> Self {
        if policy.is_invalid() {
            return ApprovalRule::Required(format!(
                "the firm's policy file {} is invalid, so only approved drafts are exported until \
                 your IT provider fixes it",
                policy.policy_file().display()
            ));
        }
        let setting = policy.setting(SettingName::RequireApprovalBeforeExport);
        if setting.value != serde_json::Value::Bool(true) {
            return ApprovalRule::NotRequired;
        }
        ApprovalRule::Required(if setting.locked {
            "your firm's policy (managed by your IT provider) requires an attorney's approval \
             before export"
                .to_owned()
        } else {
            "your settings require an attorney's approval before export".to_owned()
        })
    }

    /// Refuses `draft` when it must be approved and is not.
    pub fn check(&self, draft: &Draft) -> Result<()> {
        match self {
            ApprovalRule::Required(why) if draft.status != DraftStatus::Approved => {
                Err(Error::PolicyBlocked(format!(
                    "Draft {} ({}) is not approved, and {why}. Have an attorney review and \
                     approve it, then export it again.",
                    draft.id, draft.title
                )))
            }
            _ => Ok(()),
        }
    }
}

/// How drafts are exported: the firm named in the header, and the approval rule.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// The firm's name for the header of DOCX and PDF files ([`NO_FIRM`] when none).
    pub firm: Option<String>,
    pub approval: ApprovalRule,
}

impl ExportOptions {
    /// The options in force: the `firm_name` setting and the approval rule.
    pub fn from_policy(policy: &EffectivePolicy) -> Self {
        Self {
            firm: policy.values().firm_name.clone(),
            approval: ApprovalRule::from_policy(policy),
        }
    }
}

/// Who and what a draft belongs to, as exports name them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Identity {
    pub id: i64,
    /// The id it was imported under, if any.
    pub external_id: Option<String>,
    pub name: String,
    /// The firm's matter number (matters only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
}

/// One draft with everything its exports show, read from the store at one moment.
#[derive(Debug, Clone)]
pub struct DraftExport {
    pub draft: Draft,
    pub versions: Vec<DraftVersion>,
    pub client: Identity,
    pub matter: Identity,
    pub firm: Option<String>,
}

impl DraftExport {
    /// Draft `draft_id` as every export shows it: its links as text.
    pub fn read(store: &Store, draft_id: i64, firm: Option<&str>) -> Result<Self> {
        let mut draft = store.draft(draft_id)?;
        draft.body = links::shown_as_text(&draft.body);
        let versions = store.draft_versions(draft_id)?;
        let matter = store.matter(draft.matter_id)?;
        let client = store.client(matter.client_id)?;
        Ok(Self {
            versions,
            client: Identity {
                id: client.id,
                external_id: store.external_id(Kind::Contact, client.id)?,
                name: client.name,
                number: None,
            },
            matter: Identity {
                id: matter.id,
                external_id: store.external_id(Kind::Matter, matter.id)?,
                name: matter.title,
                number: matter.number,
            },
            firm: firm
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .map(str::to_owned),
            draft,
        })
    }

    /// The review banner for the draft's status.
    pub fn banner(&self) -> String {
        banner(&self.draft)
    }

    /// The text the content hash covers: the presented draft and one empty line.
    pub fn hashed_text(&self) -> String {
        format!("{}\n\n", presented(&self.draft).trim_end())
    }

    /// The content hash (see the module documentation).
    pub fn content_sha256(&self) -> String {
        sha256_hex(self.hashed_text().as_bytes())
    }

    /// The page header of DOCX and PDF files: firm, client and matter.
    pub fn letterhead(&self) -> String {
        let matter = match &self.matter.number {
            Some(number) => format!("{} ({number})", self.matter.name),
            None => self.matter.name.clone(),
        };
        format!(
            "{} · Client: {} · Matter: {matter}",
            self.firm.as_deref().unwrap_or(NO_FIRM),
            self.client.name
        )
    }

    /// A file name for this draft in `format`: its id and a readable part of its title.
    pub fn file_name(&self, format: Format) -> String {
        format!(
            "draft-{}-{}.{format}",
            self.draft.id,
            slug(&self.draft.title)
        )
    }
}

/// A readable, file-name-safe form of `title`: lowercase letters and digits joined by `-`, at
/// most 60 characters.
pub(crate) fn slug(title: &str) -> String {
    title
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-")
        .chars()
        .take(60)
        .collect::<String>()
        .to_lowercase()
}

/// An exported file and the hash it carries.
#[derive(Debug, Clone)]
pub struct Exported {
    pub bytes: Vec<u8>,
    /// The content hash (Markdown, DOCX, PDF) or the JSON hash.
    pub sha256: String,
}

/// Writes `export` in `format`. The approval rule is checked by the caller ([`export_draft`],
/// [`export_matter`]).
pub fn render(export: &DraftExport, format: Format) -> Result<Exported> {
    match format {
        Format::Markdown => Ok(markdown::render(export)),
        Format::Json => json::render(export),
        Format::Docx => docx::render(export),
        Format::Pdf => pdf::render(export),
    }
}

/// Exports draft `draft_id` in `format`, refused when the approval rule forbids it.
pub fn export_draft(
    store: &Store,
    draft_id: i64,
    format: Format,
    options: &ExportOptions,
) -> Result<Exported> {
    let export = DraftExport::read(store, draft_id, options.firm.as_deref())?;
    options.approval.check(&export.draft)?;
    render(&export, format)
}

#[cfg(test)]
pub(crate) mod tests;
