//! USCIS receipt numbers and A-numbers, found in free text and written one canonical way, so that
//! `EAC-23-901-23456`, `eac 23 901 23456` and `EAC2390123456` are the same to search.

use std::sync::LazyLock;

use regex::Regex;

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

static RECEIPT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("(?i-u){RECEIPT_PATTERN}")).expect("valid regex"));

static A_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("(?i-u){A_NUMBER_PATTERN}")).expect("valid regex"));

/// An identifier found in text: its byte range there and its canonical spelling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub range: std::ops::Range<usize>,
    pub canonical: String,
}

/// Every receipt number and A-number in `text`, in order of appearance.
pub fn find(text: &str) -> Vec<Found> {
    let receipts = RECEIPT.captures_iter(text).map(|c| {
        let whole = c.get(0).expect("match");
        let canonical = format!("{}{}{}{}", c[1].to_ascii_uppercase(), &c[2], &c[3], &c[4]);
        Found {
            range: whole.range(),
            canonical,
        }
    });
    let a_numbers = A_NUMBER.captures_iter(text).map(|c| {
        let whole = c.get(0).expect("match");
        Found {
            range: whole.range(),
            canonical: canonical_a_number_digits(&c[1]),
        }
    });
    let mut found: Vec<Found> = receipts.chain(a_numbers).collect();
    found.sort_by_key(|f| f.range.start);
    found
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

    #[test]
    fn index_terms_are_sorted_and_unique() {
        let text = "WAC2290000001 then A# 012-345-678 and again WAC-22-900-00001";
        assert_eq!(index_terms(text), "A012345678 WAC2290000001");
    }
}
