//! Where the app puts exports: the export folder (a setting; `Casefile exports` in the user's
//! Documents folder by default, created when first needed), and file names that never replace
//! an existing file: `name.ext`, then `name (2).ext`, `name (3).ext`…

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{DraftExport, ExportOptions, ExportProgress, Format, export_matter, render};
use crate::audit::sha256_hex;
use crate::policy::EffectivePolicy;
use crate::private_file::write_private;
use crate::store::Store;
use crate::{Error, Result};

/// The export folder's name inside the user's Documents folder, when no folder is set.
pub const DEFAULT_EXPORT_FOLDER: &str = "Casefile exports";

/// How many numbered names are tried before giving up (a folder that full needs tidying).
const MAX_NUMBERED_NAMES: u32 = 10_000;

/// The folder exports are written to: the `export_folder` setting, or `Casefile exports` in
/// the user's Documents folder (the home folder's `Documents` where the OS names none).
pub fn export_folder(policy: &EffectivePolicy) -> Result<PathBuf> {
    if let Some(folder) = &policy.values().export_folder {
        return Ok(folder.clone());
    }
    let user = directories::UserDirs::new().ok_or_else(|| {
        Error::NotFound(
            "Your home folder could not be found, so there is no default export folder. Choose \
             an export folder in Settings."
                .into(),
        )
    })?;
    let documents = user
        .document_dir()
        .map_or_else(|| user.home_dir().join("Documents"), Path::to_path_buf);
    Ok(documents.join(DEFAULT_EXPORT_FOLDER))
}

/// The export folder, created if missing (to be shown in the file manager).
pub fn ready_export_folder(policy: &EffectivePolicy) -> Result<PathBuf> {
    let folder = export_folder(policy)?;
    std::fs::create_dir_all(&folder).map_err(|e| Error::storage(&folder, e))?;
    Ok(folder)
}

/// Writes `bytes` as a new file named `file_name` in `folder` (created if missing), numbering
/// the name when a file of that name exists, and returns the path written.
pub fn save_new(folder: &Path, file_name: &str, bytes: &[u8]) -> Result<PathBuf> {
    std::fs::create_dir_all(folder).map_err(|e| Error::storage(folder, e))?;
    let (stem, extension) = match file_name.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() => (stem, Some(extension)),
        _ => (file_name, None),
    };
    for number in 1..=MAX_NUMBERED_NAMES {
        let name = match (number, extension) {
            (1, _) => file_name.to_owned(),
            (n, Some(extension)) => format!("{stem} ({n}).{extension}"),
            (n, None) => format!("{stem} ({n})"),
        };
        let path = folder.join(name);
        // Checked first for speed; `write_private` refuses an existing file anyway, so a file
        // appearing in between is never replaced (the next number is tried).
        if path.exists() {
            continue;
        }
        match write_private(&path, bytes, false) {
            Ok(()) => return Ok(path),
            Err(_) if path.exists() => continue,
            Err(e) => return Err(e),
        }
    }
    Err(Error::InvalidInput(format!(
        "{} already holds {MAX_NUMBERED_NAMES} files named like {file_name}. Move some of them \
         elsewhere, or choose another export folder in Settings.",
        folder.display()
    )))
}

/// A file written to the export folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SavedExport {
    pub path: PathBuf,
    pub bytes: usize,
    /// The SHA-256 of the file's bytes.
    pub file_sha256: String,
    /// The hash the file carries (see the module documentation); `None` for a ZIP.
    pub content_sha256: Option<String>,
}

impl SavedExport {
    fn new(path: PathBuf, bytes: &[u8], content_sha256: Option<String>) -> Self {
        Self {
            path,
            bytes: bytes.len(),
            file_sha256: sha256_hex(bytes),
            content_sha256,
        }
    }
}

/// Exports draft `draft_id` in `format` into the export folder, under the policy read now
/// (letterhead, approval rule, folder).
pub fn save_draft_export(
    store: &Store,
    policy: &EffectivePolicy,
    draft_id: i64,
    format: Format,
) -> Result<SavedExport> {
    let options = ExportOptions::from_policy(policy);
    let export = DraftExport::read(store, draft_id, options.firm.as_deref())?;
    options.approval.check(&export.draft)?;
    let exported = render(&export, format)?;
    let path = save_new(
        &export_folder(policy)?,
        &export.file_name(format),
        &exported.bytes,
    )?;
    Ok(SavedExport::new(
        path,
        &exported.bytes,
        Some(exported.sha256),
    ))
}

/// Exports every draft of matter `matter_id` in `formats` as one ZIP into the export folder
/// (see [`export_matter`]); `None` when `progress` stopped it, and then nothing is written.
pub fn save_matter_export(
    store: &Store,
    policy: &EffectivePolicy,
    matter_id: i64,
    formats: &[Format],
    progress: impl FnMut(ExportProgress) -> ControlFlow<()>,
) -> Result<Option<SavedExport>> {
    let options = ExportOptions::from_policy(policy);
    let Some(archive) = export_matter(store, matter_id, formats, &options, progress)? else {
        return Ok(None);
    };
    let path = save_new(
        &export_folder(policy)?,
        &archive.file_name(),
        &archive.bytes,
    )?;
    Ok(Some(SavedExport::new(path, &archive.bytes, None)))
}
