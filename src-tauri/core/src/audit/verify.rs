//! Walks the chain from the first entry and names the first place it breaks.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::{Entry, GENESIS_HASH, entries};
use crate::Result;
use crate::store::Store;

/// What `audit verify` reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditVerification {
    /// Entries in the log.
    pub entries: u64,
    /// True when every entry matches its hash and links to the one before.
    pub intact: bool,
    /// The first break in the chain, by sequence.
    pub first_problem: Option<ChainProblem>,
    /// Requests with no result: interrupted (or still running); their outcome is unknown.
    pub interrupted: Vec<i64>,
    /// The newest entry's hash. Kept somewhere else, it shows later whether entries were removed
    /// from the end (which leaves a shorter chain that is still whole).
    pub last_hash: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainProblem {
    /// The sequence number where the chain breaks.
    pub seq: i64,
    pub kind: ProblemKind,
    /// What was found, in words.
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemKind {
    /// The entry's fields no longer match its hash.
    Edited,
    /// Sequence numbers are missing: entries were deleted.
    Missing,
    /// The entry links to another entry than the one before it: entries were moved.
    Reordered,
    /// The entry does not link to the one before, which matches its own hash: one of the two
    /// was changed and its hash recomputed.
    Relinked,
    /// A result names no earlier request.
    OrphanResult,
}

/// Checks the whole chain. Reading is all it does; a broken chain is a report, not an error.
pub fn verify(store: &Store) -> Result<AuditVerification> {
    let entries = entries(store)?;
    let hashes: HashMap<&str, i64> = entries
        .iter()
        .map(|e| (e.entry_hash.as_str(), e.seq))
        .collect();
    let mut requests = HashSet::new();
    let mut answered = HashSet::new();
    let mut first_problem = None;
    let mut previous: Option<&Entry> = None;
    for entry in &entries {
        if let Some(problem) = check(entry, previous, &hashes, &requests) {
            first_problem = Some(problem);
            break;
        }
        match entry.entry.as_str() {
            "request" => {
                requests.insert(entry.seq);
            }
            "result" => {
                answered.extend(entry.request_seq);
            }
            _ => {}
        }
        previous = Some(entry);
    }
    let interrupted = entries
        .iter()
        .filter(|e| e.entry == "request" && !answered.contains(&e.seq))
        .map(|e| e.seq)
        .collect();
    Ok(AuditVerification {
        entries: entries.len() as u64,
        intact: first_problem.is_none(),
        first_problem,
        interrupted,
        last_hash: entries.last().map(|e| e.entry_hash.clone()),
    })
}

fn check(
    entry: &Entry,
    previous: Option<&Entry>,
    hashes: &HashMap<&str, i64>,
    requests: &HashSet<i64>,
) -> Option<ChainProblem> {
    let seq = entry.seq;
    let problem = |seq, kind, message: String| Some(ChainProblem { seq, kind, message });
    let expected_seq = previous.map_or(1, |p| p.seq + 1);
    if seq != expected_seq {
        let range = if seq - 1 == expected_seq {
            format!("entry {expected_seq} is")
        } else {
            format!("entries {expected_seq} to {} are", seq - 1)
        };
        return problem(
            expected_seq,
            ProblemKind::Missing,
            format!("{range} missing: deleted from the log."),
        );
    }
    let expected_prev = previous.map_or(GENESIS_HASH, |p| p.entry_hash.as_str());
    let linked = entry.prev_hash == expected_prev;
    if !linked && let Some(&other) = hashes.get(entry.prev_hash.as_str()) {
        return problem(
            seq,
            ProblemKind::Reordered,
            format!(
                "entry {seq} was written after the entry now numbered {other}, not after entry \
                 {}: entries were moved.",
                seq - 1
            ),
        );
    }
    if entry.computed_hash() != entry.entry_hash {
        return problem(
            seq,
            ProblemKind::Edited,
            format!(
                "entry {seq} was changed after it was written: its fields no longer match its hash."
            ),
        );
    }
    if !linked {
        return problem(
            seq,
            ProblemKind::Relinked,
            format!(
                "entry {seq} does not link to entry {}: one of them was changed and its hash \
                 recomputed.",
                seq - 1
            ),
        );
    }
    if entry.entry == "result"
        && !entry
            .request_seq
            .is_some_and(|request| requests.contains(&request))
    {
        return problem(
            seq,
            ProblemKind::OrphanResult,
            format!("entry {seq} is a result of no earlier request."),
        );
    }
    None
}
