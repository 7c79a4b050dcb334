//! The Markdown export: the presented draft, then one last line with its content hash.

use super::{DraftExport, Exported};

/// How the last line of a Markdown export starts; the 64 hex digits of the hash follow.
pub const HASH_LINE_PREFIX: &str = "SHA-256 of every line above this one: ";

pub(super) fn render(export: &DraftExport) -> Exported {
    let sha256 = export.content_sha256();
    let text = format!("{}{HASH_LINE_PREFIX}{sha256}\n", export.hashed_text());
    Exported {
        bytes: text.into_bytes(),
        sha256,
    }
}
