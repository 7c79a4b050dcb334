//! `casefile_rank(search_index)`: how search orders its hits. Okapi BM25 as FTS5's own `bm25()`
//! computes it (k1 = 1.2, b = 0.75, every column weighted 1), except for the number of rows
//! holding each term. `bm25()` counts them by walking every term's whole list of rows once per
//! query; for a word found in most notes that walk took longer than ranking the hits (the pair of
//! a common and a rare word took 90–100 ms at 1,000,000 notes). Here:
//!
//! - a query of one term skips the count: the same factor on every row cannot change the order;
//! - otherwise counting stops after [`COUNTED_ROWS`] rows and the total is extrapolated from how
//!   far into the notes it got (rows are visited oldest note first, and note ids grow by one).
//!   Below that many rows the count, and so the score, equals `bm25()`'s.
//!
//! FTS5 takes ranking functions only through its C API, which rusqlite does not wrap. This module
//! is the only unsafe code in Casefile, and it only makes the calls that API requires.
#![allow(unsafe_code)]

use std::ffi::{c_int, c_void};
use std::ptr::null_mut;

use rusqlite::Connection;
use rusqlite::ffi::{
    Fts5Context, Fts5ExtensionApi, SQLITE_DONE, SQLITE_ERROR, SQLITE_MISUSE, SQLITE_OK, fts5_api,
    sqlite3_bind_pointer, sqlite3_context, sqlite3_finalize, sqlite3_prepare_v2,
    sqlite3_result_double, sqlite3_result_error_code, sqlite3_step, sqlite3_value,
};

use super::search::{KIND_SHIFT, Kind};

/// Rows counted for one term before its total is estimated.
const COUNTED_ROWS: i64 = 1_000;
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// Registers `casefile_rank` with the FTS5 module of `conn`.
pub(super) fn register(conn: &Connection) -> rusqlite::Result<()> {
    let failure = |code: c_int, what: &str| {
        rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(code),
            Some(format!(
                "cannot register the search ranking function: {what}"
            )),
        )
    };
    let mut api: *mut fts5_api = null_mut();
    // SAFETY: the documented way to reach FTS5's API: `SELECT fts5(?1)` with a pointer bound as
    // "fts5_api_ptr" writes the API's address into `api`. The statement is finalized before
    // `api` is read, and `conn` outlives the call.
    unsafe {
        let db = conn.handle();
        let mut stmt = null_mut();
        let rc = sqlite3_prepare_v2(db, c"SELECT fts5(?1)".as_ptr(), -1, &mut stmt, null_mut());
        if rc != SQLITE_OK {
            return Err(failure(rc, "no FTS5 module"));
        }
        sqlite3_bind_pointer(
            stmt,
            1,
            (&raw mut api).cast(),
            c"fts5_api_ptr".as_ptr(),
            None,
        );
        sqlite3_step(stmt);
        sqlite3_finalize(stmt);
    }
    // SAFETY: a non-null `api` points to the connection's FTS5 API, which lives as long as it.
    let Some(create) = (unsafe { api.as_ref() }).and_then(|api| api.xCreateFunction) else {
        return Err(failure(SQLITE_ERROR, "no FTS5 API"));
    };
    // SAFETY: `casefile_rank` has the signature FTS5 expects and keeps no user data.
    let rc = unsafe { create(api, c"casefile_rank".as_ptr(), null_mut(), Some(rank), None) };
    if rc == SQLITE_OK {
        Ok(())
    } else {
        Err(failure(rc, "FTS5 refused it"))
    }
}

/// What one query's scores share, computed at its first row (FTS5's aux data).
struct QueryFacts {
    average_tokens: f64,
    /// Inverse document frequency per phrase of the query.
    idf: Vec<f64>,
}

/// A term's rows as counted by [`count_row`].
struct Count {
    rows: i64,
    last_rowid: i64,
}

/// Calls one of the API's functions, or fails with `SQLITE_MISUSE` if FTS5 left it out.
macro_rules! call {
    ($api:expr, $f:ident ( $($arg:expr),* )) => {
        match $api.$f {
            // SAFETY: the function comes from FTS5 for this cursor, called as documented.
            Some(f) => unsafe { f($($arg),*) },
            None => return Err(SQLITE_MISUSE),
        }
    };
}

/// Runs a step that reports SQLite result codes.
fn check(rc: c_int) -> Result<(), c_int> {
    if rc == SQLITE_OK { Ok(()) } else { Err(rc) }
}

unsafe extern "C" fn rank(
    api: *const Fts5ExtensionApi,
    fts: *mut Fts5Context,
    ctx: *mut sqlite3_context,
    _argc: c_int,
    _argv: *mut *mut sqlite3_value,
) {
    // SAFETY: FTS5 passes its API, the cursor and the result context, valid for this call.
    let result = match unsafe { api.as_ref() } {
        Some(api) => score(api, fts),
        None => Err(SQLITE_MISUSE),
    };
    // SAFETY: `ctx` is this call's result context.
    unsafe {
        match result {
            Ok(score) => sqlite3_result_double(ctx, score),
            Err(rc) => sqlite3_result_error_code(ctx, rc),
        }
    }
}

/// The row's BM25 score, negated like `bm25()`'s so that `ORDER BY` ascending puts the best first.
fn score(api: &Fts5ExtensionApi, fts: *mut Fts5Context) -> Result<f64, c_int> {
    let mut facts: *mut QueryFacts = call!(api, xGetAuxdata(fts, 0)).cast();
    if facts.is_null() {
        facts = Box::into_raw(Box::new(query_facts(api, fts)?));
        if let Err(rc) = check(call!(api, xSetAuxdata(fts, facts.cast(), Some(drop_facts)))) {
            // SAFETY: FTS5 did not take the box; it is still ours.
            drop(unsafe { Box::from_raw(facts) });
            return Err(rc);
        }
    }
    // SAFETY: set above or at an earlier row of this query; FTS5 frees it after the last.
    let facts = unsafe { &*facts };
    let mut frequency = vec![0.0_f64; facts.idf.len()];
    let mut instances: c_int = 0;
    check(call!(api, xInstCount(fts, &mut instances)))?;
    for i in 0..instances {
        let (mut phrase, mut column, mut offset) = (0, 0, 0);
        check(call!(
            api,
            xInst(fts, i, &mut phrase, &mut column, &mut offset)
        ))?;
        if let Some(f) = usize::try_from(phrase)
            .ok()
            .and_then(|p| frequency.get_mut(p))
        {
            *f += 1.0;
        }
    }
    let mut tokens: c_int = 0;
    check(call!(api, xColumnSize(fts, -1, &mut tokens)))?;
    let length = K1 * (1.0 - B + B * f64::from(tokens) / facts.average_tokens);
    let score: f64 = frequency
        .iter()
        .zip(&facts.idf)
        .map(|(f, idf)| idf * f * (K1 + 1.0) / (f + length))
        .sum();
    Ok(-score)
}

fn query_facts(api: &Fts5ExtensionApi, fts: *mut Fts5Context) -> Result<QueryFacts, c_int> {
    let (mut rows, mut tokens) = (0_i64, 0_i64);
    check(call!(api, xRowCount(fts, &mut rows)))?;
    check(call!(api, xColumnTotalSize(fts, -1, &mut tokens)))?;
    let rows = rows.max(1) as f64;
    let phrases = call!(api, xPhraseCount(fts));
    let idf = if phrases <= 1 {
        vec![1.0]
    } else {
        (0..phrases)
            .map(|phrase| {
                let mut count = Count {
                    rows: 0,
                    last_rowid: 0,
                };
                let data: *mut Count = &mut count;
                check(call!(
                    api,
                    xQueryPhrase(fts, phrase, data.cast(), Some(count_row))
                ))?;
                let holding = estimated_rows(&count, rows);
                // As bm25(): a term in more than half the rows still counts a little.
                Ok((((rows - holding + 0.5) / (holding + 0.5)).ln()).max(1e-6))
            })
            .collect::<Result<_, c_int>>()?
    };
    Ok(QueryFacts {
        average_tokens: (tokens as f64 / rows).max(1.0),
        idf,
    })
}

/// The number of rows holding a term: the count itself, or once counting stopped inside the
/// notes, the count scaled by how far through the notes it got.
fn estimated_rows(count: &Count, rows: f64) -> f64 {
    let counted = count.rows as f64;
    if count.rows < COUNTED_ROWS || count.last_rowid >> KIND_SHIFT != Kind::Note as i64 {
        return counted;
    }
    let note_id = (count.last_rowid & ((1 << KIND_SHIFT) - 1)).max(1) as f64;
    (counted * rows / note_id).clamp(counted, rows)
}

unsafe extern "C" fn count_row(
    api: *const Fts5ExtensionApi,
    fts: *mut Fts5Context,
    data: *mut c_void,
) -> c_int {
    // SAFETY: `data` is the `Count` that `query_facts` passed for this walk.
    let count = unsafe { &mut *data.cast::<Count>() };
    count.rows += 1;
    if count.rows < COUNTED_ROWS {
        return SQLITE_OK;
    }
    // SAFETY: FTS5 passes its API and the walking cursor, valid for this call.
    if let Some(row_id) = unsafe { api.as_ref() }.and_then(|api| api.xRowid) {
        count.last_rowid = unsafe { row_id(fts) };
    }
    SQLITE_DONE // stops the walk; FTS5 then reports success
}

unsafe extern "C" fn drop_facts(facts: *mut c_void) {
    // SAFETY: FTS5 hands back the box given to it in `score`, once.
    drop(unsafe { Box::from_raw(facts.cast::<QueryFacts>()) });
}

#[cfg(test)]
mod tests {
    use crate::store::{Store, test_support};

    /// Each matching row's `bm25()` and `casefile_rank()` scores, by rowid.
    fn scores(store: &Store, query: &str) -> Vec<(f64, f64)> {
        store
            .conn
            .prepare(
                "SELECT bm25(search_index), casefile_rank(search_index) FROM search_index
                 WHERE search_index MATCH ?1 ORDER BY rowid",
            )
            .unwrap()
            .query_map([query], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    /// A store of `notes` notes: every third says "visa", every fourth "waiver", a few "parole"
    /// more than once, and lengths vary.
    fn store_with(notes: usize) -> (tempfile::TempDir, Store) {
        let (dir, mut store) = test_support::store();
        let mut lines = String::from(concat!(
            r#"{"type":"contact","id":"C-1","given_name":"Ana","family_name":"Ruiz"}"#,
            "\n",
            r#"{"type":"matter","id":"M-1","client_id":"C-1","title":"Visa waiver"}"#,
            "\n",
        ));
        for i in 0..notes {
            let mut body = "filler ".repeat(i % 7 + 1);
            if i % 3 == 0 {
                body.push_str("visa ");
            }
            if i % 4 == 0 {
                body.push_str("waiver ");
            }
            if i % 97 == 0 {
                body.push_str(&"parole ".repeat(i % 3 + 1));
            }
            lines.push_str(&format!(
                "{{\"type\":\"note\",\"id\":\"N-{i}\",\"matter_id\":\"M-1\",\"body\":\"{body}\"}}\n"
            ));
        }
        store.import_jsonl(lines.as_bytes(), |_, _| {}).unwrap();
        (dir, store)
    }

    #[test]
    fn below_the_counted_rows_every_score_is_bm25s() {
        let (_dir, store) = store_with(300);
        for query in ["visa waiver", "parole visa", "waiver parole filler"] {
            let scores = scores(&store, query);
            assert!(!scores.is_empty(), "{query}");
            for (bm25, ours) in scores {
                assert!((bm25 - ours).abs() < 1e-9, "{query}: {bm25} vs {ours}");
            }
        }
    }

    #[test]
    fn one_term_orders_rows_as_bm25_does() {
        let (_dir, store) = store_with(300);
        for query in ["parole", "visa", "filler"] {
            let scores = scores(&store, query);
            let order = |pick: fn(&(f64, f64)) -> f64| {
                let mut rows: Vec<usize> = (0..scores.len()).collect();
                rows.sort_by(|a, b| {
                    pick(&scores[*a])
                        .total_cmp(&pick(&scores[*b]))
                        .then(a.cmp(b))
                });
                rows
            };
            assert_eq!(order(|s| s.0), order(|s| s.1), "{query}");
        }
    }

    #[test]
    fn past_the_counted_rows_the_estimate_stays_close_to_bm25() {
        // "visa" is in 1,667 notes and "waiver" in 1,250: both counts stop early. Counted
        // without the estimate (1,000 each), the scores would be over 50% apart.
        let (_dir, store) = store_with(5_000);
        let scores = scores(&store, "visa waiver");
        assert_eq!(scores.len(), 417 + 1, "the notes and the matter");
        for (bm25, ours) in scores {
            assert!(
                (ours / bm25 - 1.0).abs() < 0.05,
                "{bm25} vs {ours}: more than 5% apart"
            );
        }
    }
}
