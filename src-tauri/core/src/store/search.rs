//! Full-text search over notes, matters, contacts and drafts (FTS5, bm25 ranking).
//!
//! User input is never handed to FTS5 as query syntax: it is cut into plain words, each quoted,
//! so quotes, AND/OR/NOT, NEAR, `*`, `-`, parentheses or random bytes can only ever be words to
//! look for. The last word matches as a prefix once it has three characters, so results follow
//! typing. Receipt numbers and A-numbers are recognised in any common spelling and matched in
//! their canonical form.

use rusqlite::params;
use serde::Serialize;

use super::{Store, identifiers, snippet};
use crate::Result;

/// Words beyond this are ignored; nobody types more into a search box.
const MAX_WORDS: usize = 32;
/// Longer words are cut; no indexed word is longer.
const MAX_WORD_CHARS: usize = 64;
/// The word being typed matches as a prefix from this many characters on. A shorter prefix
/// stands for thousands of indexed words whose doclists FTS5 must merge (about 100 ms at 100k
/// notes, measured by `make bench`); until then it matches as a whole word.
const MIN_PREFIX_CHARS: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Kind {
    Note = 1,
    Matter = 2,
    Contact = 3,
    Draft = 4,
}

impl Kind {
    fn from_code(code: i64) -> Option<Self> {
        match code {
            1 => Some(Kind::Note),
            2 => Some(Kind::Matter),
            3 => Some(Kind::Contact),
            4 => Some(Kind::Draft),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct SearchFilter {
    pub kind: Option<Kind>,
    pub client_id: Option<i64>,
    pub matter_id: Option<i64>,
    /// Inclusive RFC 3339 bounds on the record's last change.
    pub updated_from: Option<String>,
    pub updated_to: Option<String>,
    pub limit: usize,
}

/// A piece of a snippet; `highlight` marks the words that matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Segment {
    pub text: String,
    pub highlight: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SearchHit {
    pub kind: Kind,
    pub id: i64,
    pub external_id: Option<String>,
    pub title: String,
    pub snippet: Vec<Segment>,
    pub matter_id: Option<i64>,
    pub client_id: Option<i64>,
    pub updated_at: String,
}

/// What a user typed, cut into what is looked for. Never FTS5 syntax: each word is quoted when
/// the query is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Query {
    /// Words as typed, at most [`MAX_WORDS`], each at most [`MAX_WORD_CHARS`].
    pub words: Vec<String>,
    /// The last word is still being typed and matches as a prefix.
    pub prefix_last: bool,
    /// Receipt numbers and A-numbers, canonical.
    pub identifiers: Vec<String>,
}

impl Query {
    /// `None` when there is nothing to find.
    pub fn parse(input: &str) -> Option<Self> {
        let found = identifiers::find(input);
        let mut rest = String::with_capacity(input.len());
        let mut last = 0;
        for f in &found {
            rest.push_str(&input[last..f.range.start]);
            rest.push(' ');
            last = f.range.end;
        }
        rest.push_str(&input[last..]);

        let words: Vec<String> = rest
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(MAX_WORDS)
            .map(|w| w.chars().take(MAX_WORD_CHARS).collect())
            .collect();
        // The word being typed (not one already followed by a space or punctuation).
        let still_typing = input.chars().last().is_some_and(char::is_alphanumeric)
            && found.last().is_none_or(|f| f.range.end < input.len());
        let prefix_last = still_typing
            && words
                .last()
                .is_some_and(|w| w.chars().count() >= MIN_PREFIX_CHARS);
        let identifiers: Vec<String> = found.into_iter().map(|f| f.canonical).collect();
        (!words.is_empty() || !identifiers.is_empty()).then_some(Self {
            words,
            prefix_last,
            identifiers,
        })
    }

    /// The FTS5 query: every word quoted, the last one a prefix when it is being typed.
    pub fn fts(&self) -> String {
        let mut terms: Vec<String> = self.words.iter().map(|w| format!("\"{w}\"")).collect();
        if self.prefix_last
            && let Some(last) = terms.last_mut()
        {
            last.push('*');
        }
        terms.extend(
            self.identifiers
                .iter()
                .map(|c| format!("identifiers : \"{c}\"")),
        );
        terms.join(" ")
    }
}

/// Search index rowids are `kind << KIND_SHIFT | record id`: each kind is one rowid range.
pub(super) const KIND_SHIFT: u32 = 48;
/// When a query matches more notes than this, only the newest this many are ranked (with every
/// matching draft, contact and matter, whose rowids come first walking down). bm25 costs a few
/// microseconds per matching row, so this bounds the time of a query made of very common words.
pub(crate) const RANKED_NOTES: usize = 2_000;

fn kind_range(kind: Option<Kind>) -> (i64, i64) {
    match kind {
        Some(kind) => ((kind as i64) << KIND_SHIFT, (kind as i64 + 1) << KIND_SHIFT),
        None => (1 << KIND_SHIFT, 5 << KIND_SHIFT),
    }
}

/// The best `limit` rows by bm25 score (lower is better; a tie goes to the newer row).
struct Best {
    limit: usize,
    rows: std::collections::BinaryHeap<Scored>,
}

/// Ordered worst first, so the heap's top is the row to drop.
#[derive(PartialEq)]
struct Scored {
    score: f64,
    rowid: i64,
}

impl Eq for Scored {}
impl PartialOrd for Scored {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scored {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.score
            .total_cmp(&other.score)
            .then(other.rowid.cmp(&self.rowid))
    }
}

impl Best {
    fn new(limit: usize) -> Self {
        Self {
            limit,
            rows: std::collections::BinaryHeap::with_capacity(limit + 1),
        }
    }

    fn offer(&mut self, rowid: i64, score: f64) {
        self.rows.push(Scored { score, rowid });
        if self.rows.len() > self.limit {
            self.rows.pop();
        }
    }

    /// Best first.
    fn into_rowids(self) -> Vec<i64> {
        self.rows
            .into_sorted_vec()
            .into_iter()
            .map(|s| s.rowid)
            .collect()
    }
}

impl Store {
    /// Ranked hits for `input`, best first. Never fails because of what the user typed.
    ///
    /// Without a client, matter or date filter, a query matching more than [`RANKED_NOTES`]
    /// notes ranks every matching draft, contact and matter and the newest [`RANKED_NOTES`]
    /// notes. With such a filter everything that matches is ranked, so no older hit can go
    /// missing.
    pub fn search(&self, input: &str, filter: &SearchFilter) -> Result<Vec<SearchHit>> {
        let Some(query) = Query::parse(input) else {
            return Ok(Vec::new());
        };
        let limit = filter.limit.clamp(1, 500);
        let narrowed = filter.client_id.is_some()
            || filter.matter_id.is_some()
            || filter.updated_from.is_some()
            || filter.updated_to.is_some();
        let best = if narrowed {
            self.best_with_filter(&query.fts(), filter, limit)?
        } else {
            self.best_of_newest(&query.fts(), filter.kind, limit)?
        };
        best.into_iter()
            .map(|rowid| self.hit(rowid, &query))
            .collect()
    }

    /// Walks the matches from the highest rowid down (drafts, contacts, matters, then notes
    /// newest first), ranking each, and stops after [`RANKED_NOTES`] notes.
    fn best_of_newest(&self, fts: &str, kind: Option<Kind>, limit: usize) -> Result<Vec<i64>> {
        let (lowest, highest) = kind_range(kind);
        let mut stmt = self.conn.prepare_cached(
            "SELECT rowid, casefile_rank(search_index) FROM search_index
             WHERE search_index MATCH ?1 AND rowid >= ?2 AND rowid < ?3
             ORDER BY rowid DESC",
        )?;
        let mut rows = stmt.query(params![fts, lowest, highest])?;
        let mut best = Best::new(limit);
        let mut notes = 0;
        while let Some(row) = rows.next()? {
            let rowid: i64 = row.get(0)?;
            if rowid >> KIND_SHIFT == Kind::Note as i64 {
                notes += 1;
                if notes > RANKED_NOTES {
                    break;
                }
            }
            best.offer(rowid, row.get(1)?);
        }
        Ok(best.into_rowids())
    }

    /// Ranks every match that passes `filter`.
    fn best_with_filter(&self, fts: &str, filter: &SearchFilter, limit: usize) -> Result<Vec<i64>> {
        let (lowest, highest) = kind_range(filter.kind);
        let mut stmt = self.conn.prepare_cached(
            "WITH hits AS (
                 SELECT rowid, rowid >> 48 AS kind_code, rowid & 281474976710655 AS record_id,
                        casefile_rank(search_index) AS score
                 FROM search_index
                 WHERE search_index MATCH ?1 AND rowid >= ?2 AND rowid < ?3
             )
             SELECT h.rowid FROM hits h
             LEFT JOIN notes n ON h.kind_code = 1 AND n.id = h.record_id
             LEFT JOIN matters nm ON nm.id = n.matter_id
             LEFT JOIN matters m ON h.kind_code = 2 AND m.id = h.record_id
             LEFT JOIN contacts c ON h.kind_code = 3 AND c.id = h.record_id
             LEFT JOIN drafts d ON h.kind_code = 4 AND d.id = h.record_id
             LEFT JOIN matters dm ON dm.id = d.matter_id
             WHERE (?4 IS NULL OR coalesce(nm.client_id, m.client_id, dm.client_id, c.id) = ?4)
               AND (?5 IS NULL OR coalesce(n.matter_id, m.id, d.matter_id) = ?5)
               AND (?6 IS NULL
                    OR coalesce(n.updated_at, m.updated_at, d.updated_at, c.updated_at) >= ?6)
               AND (?7 IS NULL
                    OR coalesce(n.updated_at, m.updated_at, d.updated_at, c.updated_at) <= ?7)
             ORDER BY h.score, h.rowid DESC
             LIMIT ?8",
        )?;
        let rows = stmt
            .query_map(
                params![
                    fts,
                    lowest,
                    highest,
                    filter.client_id,
                    filter.matter_id,
                    filter.updated_from,
                    filter.updated_to,
                    i64::try_from(limit).unwrap_or(500),
                ],
                |r| r.get(0),
            )?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(rows)
    }

    /// One ranked row as a hit, with its snippet.
    fn hit(&self, rowid: i64, query: &Query) -> Result<SearchHit> {
        let kind_code = rowid >> KIND_SHIFT;
        let id = rowid & ((1 << KIND_SHIFT) - 1);
        let mut stmt = self.conn.prepare_cached(
            "SELECT coalesce(n.external_id, m.external_id, c.external_id),
                    coalesce(n.title, m.title, d.title,
                             trim(c.given_name || ' ' || c.family_name || ' ' || c.institution_name)),
                    coalesce(n.body, m.description, d.body,
                             (SELECT coalesce(group_concat(value, ' '), '')
                              FROM json_each(c.other_names))),
                    coalesce(n.matter_id, m.id, d.matter_id),
                    coalesce(nm.client_id, m.client_id, dm.client_id, c.id),
                    coalesce(n.updated_at, m.updated_at, d.updated_at, c.updated_at)
             FROM (SELECT ?1 AS kind_code, ?2 AS record_id) h
             LEFT JOIN notes n ON h.kind_code = 1 AND n.id = h.record_id
             LEFT JOIN matters nm ON nm.id = n.matter_id
             LEFT JOIN matters m ON h.kind_code = 2 AND m.id = h.record_id
             LEFT JOIN contacts c ON h.kind_code = 3 AND c.id = h.record_id
             LEFT JOIN drafts d ON h.kind_code = 4 AND d.id = h.record_id
             LEFT JOIN matters dm ON dm.id = d.matter_id",
        )?;
        Ok(stmt.query_row(params![kind_code, id], |r| {
            let title: String = r.get(1)?;
            let body: String = r.get(2)?;
            Ok(SearchHit {
                kind: Kind::from_code(kind_code).unwrap_or(Kind::Note),
                id,
                external_id: r.get(0)?,
                snippet: snippet::snippet(&[&body, &title], query),
                title,
                matter_id: r.get(3)?,
                client_id: r.get(4)?,
                updated_at: r.get(5)?,
            })
        })?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support;
    use crate::store::{NewContact, NewMatter, NewNote};

    struct Fixture {
        _dir: tempfile::TempDir,
        store: Store,
        client: i64,
        matter: i64,
        other_matter: i64,
        note: i64,
    }

    fn fixture() -> Fixture {
        let (dir, mut store) = test_support::store();
        let mut pena = NewContact::person("José", "Peña");
        pena.other_names = vec!["José Pena-Ruiz".into()];
        pena.a_number = Some("A# 012-345-678".into());
        let client = store.create_contact(&pena).unwrap();
        let matter = store
            .create_matter(&NewMatter::new(client, "Asylum application"))
            .unwrap();
        let other_client = store
            .create_contact(&NewContact::person("Mei", "Chen"))
            .unwrap();
        let other_matter = store
            .create_matter(&NewMatter::new(other_client, "H-1B extension"))
            .unwrap();
        let note = store
            .create_note(&NewNote::new(
                matter,
                "Interview preparation",
                "Client fears persecution. Receipt EAC-23-901-23456 arrived; biometrics next.",
            ))
            .unwrap()
            .id;
        store
            .create_note(&NewNote::new(
                other_matter,
                "Employer letter",
                "Interview with employer",
            ))
            .unwrap();
        Fixture {
            _dir: dir,
            store,
            client,
            matter,
            other_matter,
            note,
        }
    }

    fn titles(hits: &[SearchHit]) -> Vec<&str> {
        hits.iter().map(|h| h.title.as_str()).collect()
    }

    fn all() -> SearchFilter {
        SearchFilter {
            limit: 50,
            ..SearchFilter::default()
        }
    }

    #[test]
    fn accents_and_case_do_not_matter() {
        let f = fixture();
        for query in ["Pena", "peña", "PENA", "jose"] {
            let hits = f.store.search(query, &all()).unwrap();
            assert!(
                hits.iter()
                    .any(|h| h.kind == Kind::Contact && h.id == f.client),
                "{query}"
            );
        }
    }

    #[test]
    fn identifiers_are_found_as_typed() {
        let f = fixture();
        for query in ["EAC-23-901-23456", "EAC2390123456", "eac 23 901 23456"] {
            let hits = f.store.search(query, &all()).unwrap();
            assert_eq!(hits.first().map(|h| h.id), Some(f.note), "{query}");
        }
        for query in ["A012345678", "A-12345678", "A# 012-345-678"] {
            let hits = f.store.search(query, &all()).unwrap();
            assert!(hits.iter().any(|h| h.kind == Kind::Contact), "{query}");
        }
    }

    #[test]
    fn the_word_being_typed_matches_as_a_prefix() {
        let f = fixture();
        assert_eq!(
            titles(&f.store.search("persec", &all()).unwrap()),
            ["Interview preparation"]
        );
        assert!(
            f.store.search("persec ", &all()).unwrap().is_empty(),
            "a finished word is whole"
        );
    }

    #[test]
    fn snippets_mark_the_matched_words() {
        let f = fixture();
        let hits = f.store.search("biometrics", &all()).unwrap();
        let marked: Vec<&str> = hits[0]
            .snippet
            .iter()
            .filter(|s| s.highlight)
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(marked, ["biometrics"]);
    }

    #[test]
    fn filters_narrow_by_kind_client_matter_and_date() {
        let f = fixture();
        let interview =
            |filter: SearchFilter| titles(&f.store.search("interview", &filter).unwrap()).len();
        assert_eq!(interview(all()), 2);
        assert_eq!(
            interview(SearchFilter {
                matter_id: Some(f.matter),
                ..all()
            }),
            1
        );
        assert_eq!(
            interview(SearchFilter {
                matter_id: Some(f.other_matter),
                ..all()
            }),
            1
        );
        assert_eq!(
            interview(SearchFilter {
                client_id: Some(f.client),
                ..all()
            }),
            1
        );
        assert_eq!(
            interview(SearchFilter {
                kind: Some(Kind::Matter),
                ..all()
            }),
            0
        );
        let future = SearchFilter {
            updated_from: Some("2999-01-01T00:00:00Z".into()),
            ..all()
        };
        assert_eq!(interview(future), 0);
    }

    #[test]
    fn trashed_notes_leave_results_and_come_back_on_restore() {
        let mut f = fixture();
        f.store.trash_note(f.note).unwrap();
        assert!(f.store.search("persecution", &all()).unwrap().is_empty());
        f.store.restore_note(f.note).unwrap();
        assert_eq!(f.store.search("persecution", &all()).unwrap().len(), 1);
    }

    #[test]
    fn any_input_is_safe() {
        let f = fixture();
        let mut inputs: Vec<String> = [
            "\"",
            "\"\"",
            "'",
            "AND",
            "OR",
            "NOT",
            "a AND",
            "NEAR(a b)",
            "NEAR",
            "*",
            "-",
            "--",
            "(",
            ")",
            "((a)",
            "a OR (b",
            "title:x",
            "identifiers:",
            "^a",
            "a + b",
            "😀",
            "👨‍👩‍👧 😀 x",
            "\u{0}",
            "\\",
            "%_",
            "a*b",
            "NOT NOT",
            "\"a\" NEAR/3 \"b\"",
            "{title}: a",
            "",
            "   ",
            "[[",
            "a:b:c",
            "💩*",
            "Ω≈ç√∫",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // 10 KB of random bytes, several times over.
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..20 {
            let bytes: Vec<u8> = (0..10_240)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    seed as u8
                })
                .collect();
            inputs.push(String::from_utf8_lossy(&bytes).into_owned());
        }
        for input in &inputs {
            let result = f.store.search(input, &all());
            assert!(result.is_ok(), "{input:?}: {result:?}");
        }
    }

    fn fts_query(input: &str) -> Option<String> {
        Query::parse(input).map(|q| q.fts())
    }

    #[test]
    fn query_building_quotes_every_word() {
        assert_eq!(
            fts_query("interview AND"),
            Some("\"interview\" \"AND\"*".into())
        );
        assert_eq!(fts_query("\"x\" -yes"), Some("\"x\" \"yes\"*".into()));
        assert_eq!(
            fts_query("x ye"),
            Some("\"x\" \"ye\"".into()),
            "too short to be a prefix"
        );
        assert_eq!(fts_query("()*"), None);
        assert_eq!(
            fts_query("receipt EAC-23-901-23456"),
            Some("\"receipt\" identifiers : \"EAC2390123456\"".into())
        );
    }

    #[test]
    fn common_words_rank_every_contact_and_matter_and_the_newest_notes() {
        let (_dir, mut store) = test_support::store();
        let mut lines = String::from(concat!(
            r#"{"type":"contact","id":"C-1","given_name":"Okapi","family_name":"Zed"}"#,
            "\n",
            r#"{"type":"matter","id":"M-1","client_id":"C-1","title":"okapi matter"}"#,
            "\n",
        ));
        let notes = RANKED_NOTES + 10;
        for i in 0..notes {
            let body = if i == 0 {
                "okapi okapi okapi best"
            } else {
                "okapi"
            };
            lines.push_str(&format!(
                "{{\"type\":\"note\",\"id\":\"N-{i}\",\"matter_id\":\"M-1\",\"body\":\"{body} filler words here\"}}\n"
            ));
        }
        store.import_jsonl(lines.as_bytes(), |_, _| {}).unwrap();
        let wide = SearchFilter {
            limit: 500,
            ..SearchFilter::default()
        };
        let hits = store.search("okapi", &wide).unwrap();
        assert!(hits.iter().any(|h| h.kind == Kind::Contact));
        assert!(hits.iter().any(|h| h.kind == Kind::Matter));
        let oldest =
            |hits: &[SearchHit]| hits.iter().any(|h| h.external_id.as_deref() == Some("N-0"));
        assert!(!oldest(&hits), "beyond the newest {RANKED_NOTES} notes");
        // A rare word, or a filter, ranks everything that matches.
        assert!(oldest(&store.search("best", &wide).unwrap()));
        let matter = store
            .search(
                "okapi",
                &SearchFilter {
                    kind: Some(Kind::Matter),
                    ..wide.clone()
                },
            )
            .unwrap()[0]
            .id;
        let in_matter = SearchFilter {
            matter_id: Some(matter),
            ..wide
        };
        let hits = store.search("okapi", &in_matter).unwrap();
        assert_eq!(
            hits[0].external_id.as_deref(),
            Some("N-0"),
            "best match first"
        );
    }
}
