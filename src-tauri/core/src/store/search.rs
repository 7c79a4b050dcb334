//! Full-text search over notes, matters and contacts (FTS5, bm25 ranking).
//!
//! User input is never handed to FTS5 as query syntax: it is cut into plain words, each quoted,
//! so quotes, AND/OR/NOT, NEAR, `*`, `-`, parentheses or random bytes can only ever be words to
//! look for. The last word matches as a prefix, so results follow typing. Receipt numbers and
//! A-numbers are recognised in any common spelling and matched in their canonical form.

use rusqlite::params;
use serde::Serialize;

use super::{Store, identifiers};
use crate::Result;

/// Words beyond this are ignored; nobody types more into a search box.
const MAX_WORDS: usize = 32;
/// Longer words are cut; no indexed word is longer.
const MAX_WORD_CHARS: usize = 64;
/// Marks around matched terms in snippets (control characters never stored in text).
const MARK_START: char = '\u{2}';
const MARK_END: char = '\u{3}';

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Kind {
    Note = 1,
    Matter = 2,
    Contact = 3,
}

impl Kind {
    fn from_code(code: i64) -> Option<Self> {
        match code {
            1 => Some(Kind::Note),
            2 => Some(Kind::Matter),
            3 => Some(Kind::Contact),
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

/// Turns anything a user typed into a safe FTS5 query, or `None` when there is nothing to find.
pub(crate) fn fts_query(input: &str) -> Option<String> {
    let found = identifiers::find(input);
    let mut rest = String::with_capacity(input.len());
    let mut last = 0;
    for f in &found {
        rest.push_str(&input[last..f.range.start]);
        rest.push(' ');
        last = f.range.end;
    }
    rest.push_str(&input[last..]);

    let mut words: Vec<String> = rest
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(MAX_WORDS)
        .map(|w| format!("\"{}\"", w.chars().take(MAX_WORD_CHARS).collect::<String>()))
        .collect();
    // Prefix-match the word being typed (not one already followed by a space or punctuation).
    let still_typing = input.chars().last().is_some_and(char::is_alphanumeric)
        && found.last().is_none_or(|f| f.range.end < input.len());
    if still_typing && let Some(word) = words.last_mut() {
        word.push('*');
    }
    words.extend(
        found
            .iter()
            .map(|f| format!("identifiers : \"{}\"", f.canonical)),
    );
    (!words.is_empty()).then(|| words.join(" "))
}

impl Store {
    /// Ranked hits for `input`, best first. Never fails because of what the user typed.
    pub fn search(&self, input: &str, filter: &SearchFilter) -> Result<Vec<SearchHit>> {
        let Some(query) = fts_query(input) else {
            return Ok(Vec::new());
        };
        let limit = i64::try_from(filter.limit.clamp(1, 500)).unwrap_or(500);
        let mut stmt = self.conn.prepare_cached(
            "WITH hits AS (
                 SELECT rowid % 4 AS kind_code, rowid / 4 AS record_id, rank,
                        snippet(search_index, -1, char(2), char(3), '…', 16) AS snippet
                 FROM search_index WHERE search_index MATCH ?1
             )
             SELECT h.kind_code, h.record_id,
                    coalesce(n.external_id, m.external_id, c.external_id),
                    coalesce(n.title, m.title,
                             trim(c.given_name || ' ' || c.family_name || ' ' || c.institution_name)),
                    h.snippet,
                    coalesce(n.matter_id, m.id),
                    coalesce(nm.client_id, m.client_id, c.id),
                    coalesce(n.updated_at, m.updated_at, c.updated_at)
             FROM hits h
             LEFT JOIN notes n ON h.kind_code = 1 AND n.id = h.record_id
             LEFT JOIN matters nm ON nm.id = n.matter_id
             LEFT JOIN matters m ON h.kind_code = 2 AND m.id = h.record_id
             LEFT JOIN contacts c ON h.kind_code = 3 AND c.id = h.record_id
             WHERE (?2 IS NULL OR h.kind_code = ?2)
               AND (?3 IS NULL OR coalesce(nm.client_id, m.client_id, c.id) = ?3)
               AND (?4 IS NULL OR coalesce(n.matter_id, m.id) = ?4)
               AND (?5 IS NULL OR coalesce(n.updated_at, m.updated_at, c.updated_at) >= ?5)
               AND (?6 IS NULL OR coalesce(n.updated_at, m.updated_at, c.updated_at) <= ?6)
             ORDER BY h.rank
             LIMIT ?7",
        )?;
        let hits = stmt
            .query_map(
                params![
                    query,
                    filter.kind.map(|k| k as i64),
                    filter.client_id,
                    filter.matter_id,
                    filter.updated_from,
                    filter.updated_to,
                    limit,
                ],
                |r| {
                    let kind: i64 = r.get(0)?;
                    Ok(SearchHit {
                        kind: Kind::from_code(kind).unwrap_or(Kind::Note),
                        id: r.get(1)?,
                        external_id: r.get(2)?,
                        title: r.get(3)?,
                        snippet: segments(&r.get::<_, String>(4)?),
                        matter_id: r.get(5)?,
                        client_id: r.get(6)?,
                        updated_at: r.get(7)?,
                    })
                },
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(hits)
    }
}

/// Splits a marked snippet into plain and highlighted pieces (no markup reaches the UI).
fn segments(marked: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut highlight = false;
    for piece in marked.split([MARK_START, MARK_END]) {
        if !piece.is_empty() {
            out.push(Segment {
                text: piece.to_owned(),
                highlight,
            });
        }
        highlight = !highlight;
    }
    out
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

    #[test]
    fn query_building_quotes_every_word() {
        assert_eq!(
            fts_query("interview AND"),
            Some("\"interview\" \"AND\"*".into())
        );
        assert_eq!(fts_query("\"x\" -y"), Some("\"x\" \"y\"*".into()));
        assert_eq!(fts_query("()*"), None);
        assert_eq!(
            fts_query("receipt EAC-23-901-23456"),
            Some("\"receipt\" identifiers : \"EAC2390123456\"".into())
        );
    }
}
