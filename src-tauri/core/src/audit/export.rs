//! The log for auditors: every entry with every stored field (so each hash can be recomputed
//! from the export alone, see the module documentation), plus a derived `final_outcome`.

use std::collections::{HashMap, HashSet};
use std::io::Write;

use serde::Serialize;

use super::{CANONICAL_FORM, Entry, entries};
use crate::store::Store;
use crate::{Error, Result};

/// `final_outcome` of a request that has no result.
pub const INTERRUPTED: &str = "unknown (interrupted)";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// A header row of the field names, then one row per entry; an empty cell is a null.
    Csv,
    /// `{"canonical_form": "casefile-audit-v1", "client_id": …, "entries": [ … ]}`.
    Json,
}

/// An entry as exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportedEntry {
    #[serde(flatten)]
    pub entry: Entry,
    /// Not stored or hashed: for a request, its result's outcome or `unknown (interrupted)`;
    /// for a blocked attempt, its outcome; for a result, its own outcome.
    pub final_outcome: Option<String>,
}

/// The entries of client `client_id` (their requests and blocked attempts, and the results of
/// those requests), or all entries, in sequence order.
pub fn exported_entries(store: &Store, client_id: Option<i64>) -> Result<Vec<ExportedEntry>> {
    let all = entries(store)?;
    let outcomes: HashMap<i64, Option<String>> = all
        .iter()
        .filter(|e| e.entry == "result")
        .filter_map(|e| Some((e.request_seq?, e.outcome.clone())))
        .collect();
    let mut chosen = HashSet::new();
    Ok(all
        .into_iter()
        .filter(|e| match (client_id, e.request_seq) {
            (None, _) => true,
            (Some(_), Some(request)) => chosen.contains(&request),
            (Some(client), None) => {
                let mine = e.client_id == Some(client);
                if mine {
                    chosen.insert(e.seq);
                }
                mine
            }
        })
        .map(|entry| {
            let final_outcome = match entry.entry.as_str() {
                "request" => Some(
                    outcomes
                        .get(&entry.seq)
                        .cloned()
                        .flatten()
                        .unwrap_or_else(|| INTERRUPTED.to_owned()),
                ),
                _ => entry.outcome.clone(),
            };
            ExportedEntry {
                entry,
                final_outcome,
            }
        })
        .collect())
}

/// Writes the export to `out`; returns how many entries it holds.
pub fn export(
    store: &Store,
    format: ExportFormat,
    client_id: Option<i64>,
    out: &mut dyn Write,
) -> Result<usize> {
    let rows = exported_entries(store, client_id)?;
    let failed = |e: &dyn std::fmt::Display| {
        Error::InvalidInput(format!("The audit export could not be written: {e}."))
    };
    match format {
        ExportFormat::Json => {
            let document = Document {
                canonical_form: CANONICAL_FORM,
                client_id,
                entries: &rows,
            };
            serde_json::to_writer_pretty(&mut *out, &document).map_err(|e| failed(&e))?;
            out.write_all(b"\n").map_err(|e| failed(&e))?;
        }
        ExportFormat::Csv => {
            let mut writer = csv::Writer::from_writer(&mut *out);
            let names = Entry::default().fields().map(|(name, _)| name);
            let header = names.iter().copied().chain(["entry_hash", "final_outcome"]);
            writer.write_record(header).map_err(|e| failed(&e))?;
            for row in &rows {
                let cells = row
                    .entry
                    .fields()
                    .into_iter()
                    .map(|(_, value)| value.unwrap_or_default())
                    .chain([
                        row.entry.entry_hash.clone(),
                        row.final_outcome.clone().unwrap_or_default(),
                    ]);
                writer.write_record(cells).map_err(|e| failed(&e))?;
            }
            writer.flush().map_err(|e| failed(&e))?;
        }
    }
    Ok(rows.len())
}

#[derive(Serialize)]
struct Document<'a> {
    canonical_form: &'static str,
    client_id: Option<i64>,
    entries: &'a [ExportedEntry],
}
