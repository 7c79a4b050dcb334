//! USCIS receipt numbers and A-numbers, found in free text and written one canonical way, so that
//! `EAC-23-901-23456`, `eac 23 901 23456` and `EAC2390123456` are the same to search.

use std::ops::Range;
use std::sync::LazyLock;

use regex_automata::Input;
use regex_automata::meta::Regex;
use regex_automata::util::captures::Captures;

// Identifiers are ASCII, so the patterns use ASCII classes and word boundaries: Unicode word
// boundaries would force the regex engine off its fast path on any text with an accent.

/// Three letters and ten digits, optionally grouped 3-2-3-5 by dashes or spaces. Written for
/// the flags `(?i-u)`; redaction embeds it in its own pattern.
pub(crate) const RECEIPT_PATTERN: &str =
    r"\b([a-z]{3})[ -]?([0-9]{2})[ -]?([0-9]{3})[ -]?([0-9]{5})\b";

/// `A`, `A#`, `A-` or `USCIS#` followed by 7 to 9 digits, optionally grouped 3-3-3. Written for
/// the flags `(?i-u)`.
pub(crate) const A_NUMBER_PATTERN: &str =
    r"\b(?:a|uscis)(?:[ \t]*#[ \t]*|-)?([0-9]{3}[ -][0-9]{3}[ -][0-9]{3}|[0-9]{7,9})\b";

/// `A` and a space before nine digits grouped 3-3-3 (`A 012 345 678`). Written for the flags
/// `(?i-u)`.
pub(crate) const A_NUMBER_SPACED_PATTERN: &str = r"\ba[ \t]+[0-9]{3}[ .-][0-9]{3}[ .-][0-9]{3}\b";

/// An A-number after its label (`A-Number: 012-345-678`, `Alien Registration No. 12345678`):
/// 8 or 9 digits, grouped or not. Written for the flags `(?i-u)`.
pub(crate) const A_NUMBER_LABELLED_PATTERN: &str = r"\b(?:a[ -]?number|a-no\.?|alien(?:[ \t]+registration)?(?:[ \t]+(?:number|no\.?|#))?|uscis[ \t]+(?:number|no\.?))[ \t]*[:#]?[ \t]*(?:[0-9]{2,3}[ .-]?[0-9]{3}[ .-]?[0-9]{3})\b";

static RECEIPT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("(?i-u){RECEIPT_PATTERN}")).expect("valid regex"));

static A_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("(?i-u){A_NUMBER_PATTERN}")).expect("valid regex"));

/// An identifier found in text: its byte range there and its canonical spelling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub range: Range<usize>,
    pub canonical: String,
}

/// Every receipt number and A-number in `text`, in order of appearance.
pub fn find(text: &str) -> Vec<Found> {
    let mut found = Vec::new();
    for window in windows(text) {
        // The window bounds the search; word boundaries still see the text around it.
        let input = Input::new(text).range(window);
        for c in RECEIPT.captures_iter(input.clone()) {
            let group = |i| &text[span(&c, i)];
            let canonical = format!(
                "{}{}{}{}",
                group(1).to_ascii_uppercase(),
                group(2),
                group(3),
                group(4)
            );
            found.push(Found {
                range: span(&c, 0),
                canonical,
            });
        }
        for c in A_NUMBER.captures_iter(input) {
            found.push(Found {
                range: span(&c, 0),
                canonical: canonical_a_number_digits(&text[span(&c, 1)]),
            });
        }
    }
    found.sort_by_key(|f| f.range.start);
    found
}

fn span(captures: &Captures, group: usize) -> Range<usize> {
    captures
        .get_group(group)
        .map(|s| s.range())
        .expect("every group of the identifier patterns takes part in a match")
}

/// Where identifiers can be. Each starts with a short word (a receipt's three letters, `A` or
/// `USCIS`), then optional separators, then digits grouped by spaces or dashes. So each lies in
/// a window reaching back from a digit over separators and one word, and forward over digits,
/// spaces and dashes. Prose has few digits, so the windows skip nearly all of a note; the whole
/// text searched for a leading `a` stopped at nearly every word.
fn windows(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        let digit = at + bytes[at..].iter().position(u8::is_ascii_digit)?;
        let mut start = digit;
        while start > at && matches!(bytes[start - 1], b' ' | b'\t' | b'#' | b'-') {
            start -= 1;
        }
        while start > at && bytes[start - 1].is_ascii_alphabetic() {
            start -= 1;
        }
        let mut end = digit;
        while end < bytes.len() && matches!(bytes[end], b'0'..=b'9' | b' ' | b'-') {
            end += 1;
        }
        let window = start..end;
        at = end;
        Some(window)
    })
}

/// The canonical A-number for the digits of one, however they are grouped: `A` and the digits
/// zero-padded to 9.
pub(crate) fn canonical_a_number_digits(digits: &str) -> String {
    let digits: String = digits.chars().filter(char::is_ascii_digit).collect();
    format!("A{digits:0>9}")
}

/// The canonical identifiers of `text`, space-separated and without repeats: the value of the
/// search index's `identifiers` column (SQL function `casefile_identifiers`).
pub fn index_terms(text: &str) -> String {
    let mut terms: Vec<String> = find(text).into_iter().map(|f| f.canonical).collect();
    terms.sort();
    terms.dedup();
    terms.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(text: &str) -> Vec<String> {
        find(text).into_iter().map(|f| f.canonical).collect()
    }

    #[test]
    fn receipt_numbers_in_every_common_spelling() {
        for text in [
            "EAC2390123456",
            "eac-23-901-23456",
            "Receipt EAC 23 901 23456.",
            "(EAC-2390123456)",
        ] {
            assert_eq!(canon(text), ["EAC2390123456"], "{text}");
        }
    }

    #[test]
    fn a_numbers_are_padded_to_nine_digits() {
        for (text, expected) in [
            ("A012345678", "A012345678"),
            ("A# 012-345-678", "A012345678"),
            ("USCIS# 012-345-678", "A012345678"),
            ("a-12345678", "A012345678"),
            ("A1234567", "A001234567"),
        ] {
            assert_eq!(canon(text), [expected], "{text}");
        }
    }

    #[test]
    fn look_alikes_are_not_identifiers() {
        for text in [
            "call 555-123-4567",
            "EAC239012345",   // one digit short
            "EAC23901234567", // one digit long
            "A123456",        // too few digits
            "AB12345678",
            "a 12345678 people", // a plain word followed by a number
        ] {
            assert!(canon(text).is_empty(), "{text}: {:?}", canon(text));
        }
    }

    /// The same search over the whole text, without windows: what `find` must agree with.
    fn whole_text(text: &str) -> Vec<(Range<usize>, String)> {
        let mut all: Vec<_> = RECEIPT
            .captures_iter(text)
            .map(|c| (span(&c, 0), text[span(&c, 0)].to_owned()))
            .chain(
                A_NUMBER
                    .captures_iter(text)
                    .map(|c| (span(&c, 0), text[span(&c, 0)].to_owned())),
            )
            .collect();
        all.sort_by_key(|(range, _)| range.start);
        all
    }

    #[test]
    fn searching_windows_finds_what_searching_the_whole_text_finds() {
        // Random text made of the characters identifiers are built from, and their neighbours.
        const PIECES: &[&str] = &[
            "a",
            "A",
            "eac",
            "EAC",
            "uscis",
            "USCIS",
            "x",
            "é",
            "1",
            "23",
            "901",
            "23456",
            "0123456789",
            "12345678",
            " ",
            "  ",
            "-",
            "#",
            "\t",
            ".",
            "\n",
            "(",
            "Ä",
        ];
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut found = 0;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..12 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push_str(PIECES[(state % PIECES.len() as u64) as usize]);
            }
            let expected = whole_text(&text);
            let actual: Vec<_> = find(&text)
                .into_iter()
                .map(|f| (f.range.clone(), text[f.range].to_owned()))
                .collect();
            assert_eq!(actual, expected, "{text:?}");
            found += expected.len();
        }
        assert!(
            found > 500,
            "the random texts held only {found} identifiers"
        );
    }

    #[test]
    fn index_terms_are_sorted_and_unique() {
        let text = "WAC2290000001 then A# 012-345-678 and again WAC-22-900-00001";
        assert_eq!(index_terms(text), "A012345678 WAC2290000001");
    }
}
