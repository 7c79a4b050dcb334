//! Identifiers found by their shape (the formats in the design notes): one combined pattern,
//! one pass over the text, then each match is checked and classified (SSN rules, I-94 context,
//! known receipt prefixes). A match that fails its check is dropped and the search resumes one
//! character later, so a phone number is still found behind a receipt-shaped false start.

use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex_automata::meta::Regex;
use regex_automata::{Anchored, Input};

use super::{Kind, dates};
use crate::store::fields::{TaxId, tax_id};
use crate::store::identifiers::{
    A_NUMBER_LABELLED_PATTERN, A_NUMBER_PATTERN, A_NUMBER_SPACED_PATTERN, RECEIPT_PATTERN,
};

/// USCIS receipt prefixes: the service centres and offices that issue receipt numbers.
const RECEIPT_PREFIXES: [&str; 12] = [
    "EAC", "VSC", "WAC", "CSC", "LIN", "NSC", "SRC", "TSC", "MSC", "NBC", "IOE", "YSC",
];

/// The shapes, in the order that decides between two starting at the same place. Identifiers
/// are ASCII, so the whole pattern runs with `(?i-u)`: ASCII classes and word boundaries keep the
/// regex engine on its fast path. `\B` before `+` or `(` means "after a non-word character".
/// Shapes named `…label` include a label ("A-Number:", "passport no.", "DOB") that is left in
/// the text: only the value after it is redacted.
static SHAPES: LazyLock<Vec<(&'static str, String)>> = LazyLock::new(|| {
    let fixed: [(&str, &str); 13] = [
        ("receipt", RECEIPT_PATTERN),
        ("anumber", A_NUMBER_PATTERN),
        ("anumber", A_NUMBER_SPACED_PATTERN),
        ("alabel", A_NUMBER_LABELLED_PATTERN),
        ("sevis", r"\bn[0-9]{10}\b"),
        ("i94", r"\b[0-9]{9}[a-z][0-9]\b"),
        ("passport", r"\b[a-z][0-9]{8}\b"),
        // After its label, a passport number of any country: 6 to 9 letters and digits.
        (
            "plabel",
            r"\bpassport(?:[ \t]+(?:number|no\.?|#))?[ \t]*[:#]?[ \t]*[a-z0-9]{6,9}\b",
        ),
        ("ssn", r"\b[0-9]{3}[ .-][0-9]{2}[ .-][0-9]{4}\b"),
        // North American numbers: 10 digits, optionally after +1 or 1, area code optionally in
        // parentheses; area code and exchange never start with 0 or 1.
        (
            "phone",
            r"(?:(?:\B\+1|\b1)[-. ]?(?:\([2-9][0-9]{2}\) ?|[2-9][0-9]{2}[-. ]?)|\B\([2-9][0-9]{2}\) ?|\b[2-9][0-9]{2}[-. ]?)[2-9][0-9]{2}[-. ]?[0-9]{4}\b",
        ),
        // Other countries: `+`, a country code, then groups (digit count checked afterwards).
        (
            "intl",
            r"\B\+[1-9][0-9]{0,2}(?:[-. ]?\(?[0-9]{1,4}\)?){1,5}\b",
        ),
        // Bare digit runs whose kind depends on the words before them.
        ("digits", r"\b(?:[0-9]{9}|[0-9]{11})\b"),
        (
            "email",
            r"\b[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}\b",
        ),
    ];
    let mut shapes: Vec<(&str, String)> = fixed
        .into_iter()
        .map(|(name, pattern)| (name, pattern.to_owned()))
        .collect();
    shapes.push((
        "doblabel",
        format!(r"\b{DOB_LABEL}[ \t]*[:\-]?[ \t]*{}", dates::date_pattern()),
    ));
    shapes.push(("address", street_address_pattern()));
    shapes.push((
        "address",
        r"\bp\.?[ \t]?o\.?[ \t]+box[ \t]+[0-9]{1,6}\b".to_owned(),
    ));
    shapes.push(("quoted", quoted_placeholder_pattern()));
    // A 7-digit local number with a separator (`555-0100`): only when nothing longer matched.
    shapes.push(("phone", r"\b[2-9][0-9]{2}[-.][0-9]{4}\b".to_owned()));
    shapes
});

/// The words that say a date of birth follows.
const DOB_LABEL: &str =
    r"(?:dob|d\.o\.b\.?|date[ \t]+of[ \t]+birth|birth[ \t]?date|born(?:[ \t]+on)?)";

/// Street types a street address ends with (the ambiguous "Court", "Row" and "Way" after a
/// year are left out: "in 2019 Immigration Court").
const STREET_TYPES: [&str; 28] = [
    "Street",
    "St",
    "Avenue",
    "Ave",
    "Av",
    "Road",
    "Rd",
    "Boulevard",
    "Blvd",
    "Drive",
    "Dr",
    "Lane",
    "Ln",
    "Ct",
    "Place",
    "Pl",
    "Terrace",
    "Parkway",
    "Pkwy",
    "Highway",
    "Hwy",
    "Circle",
    "Cir",
    "Trail",
    "Trl",
    "Square",
    "Plaza",
    "Calle",
];

/// A street address by its shape: a house number, one to four capitalised words or ordinals
/// (`W.`, `3rd`, `Martin Luther King`), a street type, then optionally a unit (`Apt 5`, `#12`)
/// and "City, ST 77002". Case matters here (a capital starts each word), so this shape turns
/// case-insensitive matching off.
fn street_address_pattern() -> String {
    let types: Vec<String> = STREET_TYPES
        .iter()
        .flat_map(|t| [t.to_string(), t.to_uppercase()])
        .collect();
    let word = r"(?:[A-Z][A-Za-z'-]*\.?|[0-9]{1,3}(?:st|nd|rd|th))";
    let unit = r"(?:,?[ \t]*(?:Apt|APT|Apartment|Unit|UNIT|Suite|Ste|STE|Fl|Floor|Rm|Room|#)\.?[ \t]*#?[ \t]*[A-Za-z0-9-]{1,6}\b)";
    let city = r"(?:,[ \t]*[A-Z][A-Za-z]+(?:[ \t][A-Z][A-Za-z]+)?,?[ \t]+[A-Z]{2}[ \t]+[0-9]{5}(?:-[0-9]{4})?\b)";
    format!(
        r"(?-i:\b[0-9]{{1,6}}[A-Za-z]?[ \t]+(?:{word}[ \t]+){{1,4}}(?:{})\b\.?{unit}?{city}?)",
        types.join("|")
    )
}

/// Text that looks like one of our placeholders (`[CLIENT_1]`, `[PERSON_2.3]`), written in a
/// note: sent as a placeholder of its own, so that the answer can never turn it into someone's
/// details.
fn quoted_placeholder_pattern() -> String {
    let labels: Vec<&str> = Kind::ALL.iter().map(|k| k.label()).collect();
    format!(r"(?-i:\[(?:{})_[0-9]+(?:\.[0-9]+)?\])", labels.join("|"))
}

/// A date of birth's label and what separates it from the date.
static DOB_LABEL_AT_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i-u){DOB_LABEL}[ \t]*[:\-]?[ \t]*")).expect("valid pattern")
});

/// The shapes in two pattern sets, each finding the leftmost match and saying which shape it is
/// (earlier shapes win at the same start), with no capture groups to resolve: the identifiers
/// and addresses, searched in one pass; and the shapes that start with a label, tried only where
/// [`LABELS`] finds one (case-insensitive labels would give the regex engine's own literal
/// search prefixes as short as "a ", which stop it at every other word).
static SETS: LazyLock<Vec<(Vec<&'static str>, Regex)>> = LazyLock::new(|| {
    let set_of = |name: &str| match name {
        "alabel" | "plabel" | "doblabel" => 1,
        _ => 0,
    };
    (0..2)
        .map(|set| {
            let (names, patterns): (Vec<&str>, Vec<String>) = SHAPES
                .iter()
                .filter(|(name, _)| set_of(name) == set)
                .map(|(name, pattern)| (*name, format!("(?i-u){pattern}")))
                .unzip();
            // The lazy DFA's states for many shapes outgrow the default cache on long notes.
            let regex = Regex::builder()
                .configure(Regex::config().hybrid_cache_capacity(8 << 20))
                .build_many(&patterns)
                .expect("valid patterns");
            (names, regex)
        })
        .collect()
});

/// The first words of every label in the labelled shapes.
const LABEL_STARTS: [&str; 12] = [
    "a-number", "a number", "anumber", "a-no", "alien", "uscis", "passport", "dob", "d.o.b",
    "date", "birth", "born",
];

static LABELS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    // A full DFA: a dozen short labels make a small one, scanned fastest.
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .kind(Some(AhoCorasickKind::DFA))
        .match_kind(MatchKind::LeftmostFirst)
        .build(LABEL_STARTS)
        .expect("literal patterns build")
});

/// An identifier found by its shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Found {
    pub range: Range<usize>,
    pub kind: Kind,
}

/// Every identifier in `text`, in order, without overlaps.
pub(super) fn find(text: &str) -> Vec<Found> {
    let (identifiers, labelled) = (&SETS[0], &SETS[1]);
    let mut found = find_in_set(text, &identifiers.0, &identifiers.1);
    found.extend(find_labelled(text, &labelled.0, &labelled.1));
    if found.is_empty() {
        return found;
    }
    // Where two sets found overlapping values, the one that starts first wins, then the longer.
    found.sort_by_key(|f| (f.range.start, std::cmp::Reverse(f.range.end)));
    let mut end = 0;
    found.retain(|f| {
        let keep = f.range.start >= end;
        if keep {
            end = f.range.end;
        }
        keep
    });
    found
}

/// The labelled shapes, tried where a label starts.
fn find_labelled(text: &str, names: &[&str], regex: &Regex) -> Vec<Found> {
    let mut found = Vec::new();
    let mut taken = 0;
    for label in LABELS.find_iter(text) {
        if label.start() < taken {
            continue;
        }
        let input = Input::new(text)
            .range(label.start()..)
            .anchored(Anchored::Yes);
        let Some(m) = regex.search(&input) else {
            continue;
        };
        let shape = names[m.pattern().as_usize()];
        if let Some(kind) = classify(text, m.range(), shape) {
            taken = m.end();
            found.push(Found {
                range: value_range(text, m.range(), shape),
                kind,
            });
        }
    }
    found
}

fn find_in_set(text: &str, names: &[&str], regex: &Regex) -> Vec<Found> {
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(m) = regex.search(&Input::new(text).span(at..text.len())) {
        let shape = names[m.pattern().as_usize()];
        match classify(text, m.range(), shape) {
            Some(kind) => {
                at = m.end();
                found.push(Found {
                    range: value_range(text, m.range(), shape),
                    kind,
                });
            }
            // Resume right after the false start's first character.
            None => at = next_char(text, m.start()),
        }
        if at >= text.len() {
            break;
        }
    }
    found
}

fn next_char(text: &str, at: usize) -> usize {
    at + text[at..].chars().next().map_or(1, char::len_utf8)
}

/// The kind of a match of `shape`, or `None` when its checks fail.
fn classify(text: &str, range: Range<usize>, shape: &str) -> Option<Kind> {
    let matched = &text[range.clone()];
    let digits = matched.bytes().filter(u8::is_ascii_digit).count();
    let bare = digits == matched.len();
    // An old-style I-94 number is 11 bare digits, told from a phone number only by its context.
    if bare && digits == 11 && context_has(text, range.start, &["i-94", "i94", "admission"]) {
        return Some(Kind::I94);
    }
    match shape {
        "receipt" => {
            let prefix = matched[..3].to_ascii_uppercase();
            // Any three letters written against the digits, but a word followed by a space and
            // ten digits ("tel 2125550100") is a receipt only with a known prefix.
            let attached = !matched.as_bytes()[3].is_ascii_whitespace();
            (attached || RECEIPT_PREFIXES.contains(&prefix.as_str())).then_some(Kind::Receipt)
        }
        "anumber" | "alabel" => Some(Kind::ANumber),
        "plabel" => {
            let value = &text[value_range(text, range, shape)];
            value
                .bytes()
                .any(|b| b.is_ascii_digit())
                .then_some(Kind::Passport)
        }
        "doblabel" => Some(Kind::DateOfBirth),
        "address" => Some(Kind::Address),
        "quoted" => Some(Kind::Quoted),
        "sevis" => Some(Kind::Sevis),
        "i94" => Some(Kind::I94),
        "passport" => Some(Kind::Passport),
        "ssn" => tax_kind(matched),
        "phone" => Some(Kind::Phone),
        "intl" => (8..=15).contains(&digits).then_some(Kind::Phone),
        "digits" if digits == 9 => Some(nine_digits(text, range.start, matched)),
        "email" => Some(Kind::Email),
        _ => None, // 11 bare digits without I-94 context
    }
}

/// The part of a match that is the value: a labelled shape's label stays in the text.
fn value_range(text: &str, range: Range<usize>, shape: &str) -> Range<usize> {
    let matched = &text[range.clone()];
    let start = match shape {
        "doblabel" => DOB_LABEL_AT_START
            .search(&Input::new(matched).anchored(Anchored::Yes))
            .map_or(0, |m| m.end()),
        // An A-number's label has no digits; a passport number has no separators.
        "alabel" => matched
            .bytes()
            .position(|b| b.is_ascii_digit())
            .unwrap_or(0),
        "plabel" => matched.rfind([' ', '\t', ':', '#']).map_or(0, |i| i + 1),
        _ => 0,
    };
    range.start + start..range.end
}

fn tax_kind(digits: &str) -> Option<Kind> {
    match tax_id(digits) {
        Ok((TaxId::Ssn, _)) => Some(Kind::Ssn),
        Ok((TaxId::Itin, _)) => Some(Kind::Itin),
        Err(_) => None,
    }
}

/// Nine bare digits: an SSN, ITIN or A-number when the words before say so (and the number
/// fits), otherwise a US passport number (the one kind that is nine bare digits by definition).
fn nine_digits(text: &str, at: usize, digits: &str) -> Kind {
    if context_has(text, at, &["ssn", "social security", "itin", "taxpayer"])
        && let Some(kind) = tax_kind(digits)
    {
        return kind;
    }
    if context_has(text, at, &["a-number", "a number", "alien", "uscis"]) {
        return Kind::ANumber;
    }
    Kind::Passport
}

/// How far before an identifier its label may stand ("I-94 admission record number: …").
const CONTEXT_BYTES: usize = 40;

/// Whether one of `words` (lower case) appears in the few words before `at`.
fn context_has(text: &str, at: usize, words: &[&str]) -> bool {
    let mut from = at.saturating_sub(CONTEXT_BYTES);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let before = text[from..at].to_ascii_lowercase();
    words.iter().any(|w| before.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, &str)> {
        find(text)
            .into_iter()
            .map(|f| (f.kind, &text[f.range]))
            .collect()
    }

    #[test]
    fn a_failed_check_resumes_the_search_inside_the_match() {
        // "tel" + ten digits has a receipt's shape but no receipt prefix: it is a phone number.
        assert_eq!(kinds("tel 2125550100"), [(Kind::Phone, "2125550100")]);
        assert_eq!(kinds("EAC 2390123456"), [(Kind::Receipt, "EAC 2390123456")]);
    }
}
