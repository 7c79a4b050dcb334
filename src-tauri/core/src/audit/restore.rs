//! The `restore` entry: a restored backup brings its own, older log, so the restore itself is
//! recorded in it, naming the head of the log it replaced (which a collector or the exported
//! replaced entries can then be compared with).

use rusqlite::OptionalExtension;

use super::{Entry, append};
use crate::Result;
use crate::store::Store;

/// The newest entry of a log: its sequence number and hash.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChainHead {
    pub seq: i64,
    pub entry_hash: String,
}

/// The newest entry of `store`'s log, if it has any.
pub fn chain_head(store: &Store) -> Result<Option<ChainHead>> {
    Ok(store
        .conn
        .query_row(
            "SELECT seq, entry_hash FROM audit_log ORDER BY seq DESC LIMIT 1",
            [],
            |r| {
                Ok(ChainHead {
                    seq: r.get(0)?,
                    entry_hash: r.get(1)?,
                })
            },
        )
        .optional()?)
}

/// Appends the `restore` entry to a just restored log; `replaced` is the head of the log that
/// was in the workspace before (none when the folder was empty). Returns its sequence number.
pub fn record_restore(store: &mut Store, replaced: Option<&ChainHead>) -> Result<i64> {
    let outcome = match replaced {
        Some(head) => format!(
            "restored: replaced seq {} entry_hash {}",
            head.seq, head.entry_hash
        ),
        None => "restored: replaced no entries".to_owned(),
    };
    append(
        store,
        Entry {
            entry: "restore".to_owned(),
            outcome: Some(outcome),
            ..Entry::default()
        },
    )
}
