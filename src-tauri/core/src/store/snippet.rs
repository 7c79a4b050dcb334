//! Snippets: a few words of a hit's text around what matched, the matched words marked.
//!
//! Built here rather than by FTS5's `snippet()`, which can only run inside the ranking query and
//! so would force that query to carry every candidate's text. Words are compared folded (case and
//! accents dropped) like the search index compares them.

use std::ops::Range;

use super::identifiers;
use super::search::{Query, Segment};
use crate::fold;

/// Words in a snippet, as FTS5's `snippet()` was asked for before.
const WORDS: usize = 16;
/// Words shown before the first match in the window, when there are any.
const LEAD: usize = 3;
const ELLIPSIS: &str = "…";

/// A word of the text: where it is, and which of the query's terms it matches (if any).
struct Word {
    range: Range<usize>,
    term: Option<usize>,
}

/// The snippet of the first of `texts` that has a match (the body before the title), or the
/// opening words of the first text when none has.
pub(super) fn snippet(texts: &[&str], query: &Query) -> Vec<Segment> {
    let terms = Terms::new(query);
    for text in texts {
        let words = words(text, &terms);
        if words.iter().any(|w| w.term.is_some()) {
            return window(text, &words);
        }
    }
    let text = texts.first().copied().unwrap_or_default();
    window(text, &words(text, &terms))
}

/// The query's words folded once, the last one a prefix when it is being typed.
struct Terms<'q> {
    words: Vec<String>,
    prefix_last: bool,
    identifiers: &'q [String],
}

impl<'q> Terms<'q> {
    fn new(query: &'q Query) -> Self {
        Self {
            words: query.words.iter().map(|w| fold::key(w)).collect(),
            prefix_last: query.prefix_last,
            identifiers: &query.identifiers,
        }
    }

    /// Which term `word` matches.
    fn term_of(&self, word: &str) -> Option<usize> {
        let folded = if word.is_ascii() {
            word.to_ascii_lowercase()
        } else {
            fold::key(word)
        };
        let last = self.words.len().checked_sub(1);
        self.words.iter().enumerate().position(|(i, term)| {
            *term == folded || (self.prefix_last && Some(i) == last && folded.starts_with(term))
        })
    }
}

/// The words of `text` (runs of letters and digits, as the search index cuts them), each
/// receipt number or A-number of the query counted as one matching word.
fn words(text: &str, terms: &Terms) -> Vec<Word> {
    let identifiers: Vec<(Range<usize>, usize)> = if terms.identifiers.is_empty() {
        Vec::new()
    } else {
        identifiers::find(text)
            .into_iter()
            .filter_map(|f| {
                let i = terms.identifiers.iter().position(|c| *c == f.canonical)?;
                Some((f.range, terms.words.len() + i))
            })
            .collect()
    };
    let mut out = Vec::new();
    let mut start = None;
    let mut next_identifier = identifiers.iter().peekable();
    for (at, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if let Some((range, term)) = next_identifier.peek()
            && at == range.start
        {
            out.push(Word {
                range: range.clone(),
                term: Some(*term),
            });
            start = None;
            next_identifier.next();
            continue;
        }
        if out.last().is_some_and(|w| at < w.range.end) {
            continue; // inside an identifier
        }
        match (start, c.is_alphanumeric()) {
            (None, true) => start = Some(at),
            (Some(from), false) => {
                out.push(Word {
                    range: from..at,
                    term: terms.term_of(&text[from..at]),
                });
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// The [`WORDS`] words holding the most different matched terms (then the most matches), as
/// plain and marked pieces, with an ellipsis where text was cut.
fn window(text: &str, words: &[Word]) -> Vec<Segment> {
    if words.is_empty() {
        return Vec::new();
    }
    let size = WORDS.min(words.len());
    let merit = |start: usize| {
        let shown = &words[start..start + size];
        let mut terms: Vec<usize> = shown.iter().filter_map(|w| w.term).collect();
        let matches = terms.len();
        terms.sort_unstable();
        terms.dedup();
        // Prefer a window whose first match has a few words of context before it.
        let lead = shown.iter().position(|w| w.term.is_some()).unwrap_or(0);
        (terms.len(), matches, std::cmp::Reverse(lead.abs_diff(LEAD)))
    };
    // The earliest of equally good windows: the opening words when nothing matched.
    let best = (0..=words.len() - size)
        .max_by(|a, b| merit(*a).cmp(&merit(*b)).then(b.cmp(a)))
        .unwrap_or(0);
    let shown = &words[best..best + size];
    let mut out: Vec<Segment> = Vec::new();
    let mut push = |text: &str, highlight: bool| match out.last_mut() {
        _ if text.is_empty() => {}
        Some(last) if !highlight && !last.highlight => last.text.push_str(text),
        _ => out.push(Segment {
            text: text.to_owned(),
            highlight,
        }),
    };
    if best > 0 {
        push(ELLIPSIS, false);
    }
    // Punctuation before the first word or after the last belongs to the text shown whole.
    let mut at = if best == 0 {
        text.len() - text.trim_start().len()
    } else {
        shown[0].range.start
    };
    let end = if best + size == words.len() {
        text.trim_end().len()
    } else {
        shown[size - 1].range.end
    };
    for word in shown.iter().filter(|w| w.term.is_some()) {
        push(&text[at..word.range.start], false);
        push(&text[word.range.clone()], true);
        at = word.range.end;
    }
    push(&text[at..end], false);
    if best + size < words.len() {
        push(ELLIPSIS, false);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(texts: &[&str], typed: &str) -> (String, Vec<String>) {
        let query = Query::parse(typed).expect("a query");
        let segments = snippet(texts, &query);
        let whole = segments.iter().map(|s| s.text.as_str()).collect();
        let marked = segments
            .iter()
            .filter(|s| s.highlight)
            .map(|s| s.text.clone())
            .collect();
        (whole, marked)
    }

    #[test]
    fn words_match_whatever_their_case_and_accents() {
        let (whole, marked) = shown(&["Met José PEÑA and his sister."], "jose pena");
        assert_eq!(whole, "Met José PEÑA and his sister.");
        assert_eq!(marked, ["José", "PEÑA"]);
    }

    #[test]
    fn the_word_being_typed_matches_the_start_of_words() {
        let text = ["Fears persecution; persecuted twice."];
        assert_eq!(shown(&text, "persec").1, ["persecution", "persecuted"]);
        assert!(
            shown(&text, "persec ").1.is_empty(),
            "a finished word is whole"
        );
    }

    #[test]
    fn an_identifier_is_marked_in_the_spelling_the_text_uses() {
        let (_, marked) = shown(&["Receipt EAC-23-901-23456 came."], "eac2390123456");
        assert_eq!(marked, ["EAC-23-901-23456"]);
    }

    #[test]
    fn a_long_text_is_cut_around_its_matches() {
        let words: Vec<String> = (0..100).map(|i| format!("w{i}")).collect();
        let mut text = words.join(" ");
        text = text.replace("w60", "asylum");
        let (whole, marked) = shown(&[&text], "asylum ");
        assert_eq!(marked, ["asylum"]);
        assert_eq!(
            whole,
            format!("…w57 w58 w59 asylum {}…", words[61..73].join(" "))
        );
    }

    #[test]
    fn the_title_is_shown_when_only_it_matches_and_the_body_opens_otherwise() {
        let body = "Called the consulate about the visa.";
        assert_eq!(shown(&[body, "Interview"], "interview").1, ["Interview"]);
        let (whole, marked) = shown(&[body, "Interview"], "nothing");
        assert_eq!(whole, body);
        assert!(marked.is_empty());
        assert!(snippet(&["", ""], &Query::parse("x").unwrap()).is_empty());
        let long: Vec<String> = (0..40).map(|i| format!("w{i}")).collect();
        let (whole, _) = shown(&[&long.join(" ")], "nothing");
        assert_eq!(whole, format!("{}…", long[..16].join(" ")));
    }
}
