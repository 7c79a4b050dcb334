//! People named in a text who are not recorded for the matter, found by rules rather than a
//! model. A run of one to three capitalised words ("Priya Shah", "Mateo") is a person when:
//!
//! 1. a title stands before it: `Ms. Priya Shah`, `Dr. Okafor`, `Sra. Ruiz`;
//! 2. a word naming a relation or role stands before it: `her brother Mateo`, `HR contact Priya
//!    Shah`, `landlord, Tom Reyes`;
//! 3. it holds a recorded name part and a word that is none (`Mateo Peña` where Peña is the
//!    client's family name: a relative, not the client);
//! 4. it has two words or more and an e-mail address or phone number stands right beside it
//!    (`Priya Shah (priya@northwind.example)`, `call Tom Reyes at 713-555-0100`).
//!
//! A capitalised word is one with an upper-case first letter and a lower-case letter after it
//! (`USCIS` and `I-130` are not). Words that are never names (months, weekdays, places, the
//! vocabulary of immigration forms and courts: [`NOT_NAMES`]) end a run, so `in New York`,
//! `Form I-130`, `March` and `Immigration Court` are not people. A capitalised pair with none of
//! the signals above is left alone: at a sentence start, in a heading or a place name it is far
//! more often no person, and the preview shows everything that leaves.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::LazyLock;

use crate::fold;

/// What a range found by another rule is, as far as people are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Seen {
    /// One recorded name part alone (a family name, a given name).
    NamePart,
    /// An e-mail address or a phone number.
    Contact,
    /// Anything else (a whole recorded name, an identifier): never part of a new person.
    Other,
}

/// A person found by these rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Candidate {
    pub range: Range<usize>,
    /// It holds a recorded name part: redacted whatever the policy, since leaving it would
    /// send that part.
    pub holds_recorded_part: bool,
}

/// Titles before a name (folded, without their dot).
const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sr", "sra", "srta", "don", "dona", "judge",
    "officer", "agent", "rev",
];

/// Words before a name that say a person follows (folded).
const CUES: &[&str] = &[
    "brother",
    "sister",
    "mother",
    "father",
    "son",
    "daughter",
    "wife",
    "husband",
    "spouse",
    "partner",
    "cousin",
    "uncle",
    "aunt",
    "niece",
    "nephew",
    "grandmother",
    "grandfather",
    "grandson",
    "granddaughter",
    "stepfather",
    "stepmother",
    "stepson",
    "stepdaughter",
    "fiance",
    "fiancee",
    "boyfriend",
    "girlfriend",
    "friend",
    "neighbor",
    "neighbour",
    "coworker",
    "co-worker",
    "colleague",
    "manager",
    "supervisor",
    "boss",
    "landlord",
    "landlady",
    "contact",
    "employee",
    "roommate",
    "pastor",
    "witness",
    "sponsor",
    "petitioner",
    "beneficiary",
    "named",
    "called",
    "child",
    "children",
    "parents",
    "mom",
    "dad",
    "relative",
    "recruiter",
    "interpreter",
    "translator",
    "paralegal",
];

/// Capitalised words that are never a person's name here (folded): months and days, places,
/// and the words of forms, agencies and courts.
pub(super) const NOT_NAMES: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "the",
    "a",
    "an",
    "and",
    "or",
    "of",
    "in",
    "on",
    "at",
    "to",
    "for",
    "from",
    "with",
    "by",
    "she",
    "he",
    "they",
    "we",
    "i",
    "you",
    "it",
    "her",
    "his",
    "their",
    "our",
    "my",
    "your",
    "this",
    "that",
    "these",
    "those",
    "then",
    "when",
    "after",
    "before",
    "yesterday",
    "today",
    "tomorrow",
    "client",
    "attorney",
    "note",
    "notes",
    "form",
    "forms",
    "court",
    "service",
    "services",
    "center",
    "department",
    "security",
    "social",
    "immigration",
    "citizenship",
    "homeland",
    "customs",
    "border",
    "protection",
    "enforcement",
    "states",
    "united",
    "america",
    "american",
    "new",
    "york",
    "los",
    "angeles",
    "san",
    "santa",
    "texas",
    "california",
    "florida",
    "mexico",
    "honduras",
    "guatemala",
    "salvador",
    "el",
    "district",
    "board",
    "appeals",
    "office",
    "field",
    "national",
    "visa",
    "bulletin",
    "green",
    "card",
    "notice",
    "action",
    "request",
    "evidence",
    "interview",
    "hearing",
    "asylum",
    "petition",
    "application",
    "adjustment",
    "status",
    "consulate",
    "embassy",
    "university",
    "college",
    "school",
    "hospital",
    "church",
    "bank",
    "inc",
    "llc",
    "street",
    "avenue",
    "road",
    "county",
    "city",
    "state",
    "north",
    "south",
    "east",
    "west",
    "federal",
    "labor",
    "employment",
    "authorization",
    "permanent",
    "resident",
    "naturalization",
    "english",
    "spanish",
    "certificate",
    "birth",
    "marriage",
    "record",
    "records",
];

static NOT_NAME_SET: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| NOT_NAMES.iter().copied().collect());

/// English words that are also given or family names (folded). A recorded name part that is
/// one of them is redacted alone only where it cannot be the word: written with a capital and
/// not at a sentence start (`Will` the client, not "Will the officer…").
const COMMON_WORDS: &[&str] = &[
    "will", "mark", "grace", "hope", "faith", "joy", "may", "june", "april", "august", "rose",
    "bill", "art", "pat", "sue", "don", "ken", "dawn", "eve", "carol", "frank", "gene", "jack",
    "bob", "guy", "ray", "rob", "chase", "hunter", "mason", "miles", "page", "reed", "rich",
    "dean", "drew", "earl", "king", "young", "white", "black", "brown", "green", "gray", "long",
    "little", "hill", "wood", "bell", "cook", "price", "cash", "law", "case", "summer", "star",
    "sky", "ivy", "lily", "may",
];

static COMMON_WORD_SET: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| COMMON_WORDS.iter().copied().collect());

/// Whether a folded name part is also a common English word.
pub(super) fn is_common_word(folded: &str) -> bool {
    COMMON_WORD_SET.contains(folded)
}

/// Whether `at` starts a sentence: nothing but quotes, brackets or list marks stand between it
/// and the text's start, a line break, or a sentence's end (`.`, `!`, `?`, `:`), except the dot
/// after a title (`Ms. Will`).
pub(super) fn sentence_start(text: &str, at: usize) -> bool {
    let before = text[..at].trim_end_matches(|c: char| {
        c == ' ' || c == '\t' || matches!(c, '"' | '\'' | '(' | '[' | '“' | '‘' | '*' | '-' | '•')
    });
    match before.chars().next_back() {
        None | Some('\n' | '\r' | '!' | '?' | ':') => true,
        Some('.') => !TITLES.contains(&fold::key(last_word(&before[..before.len() - 1])).as_str()),
        Some(_) => false,
    }
}

fn last_word(text: &str) -> &str {
    let start = text
        .char_indices()
        .rev()
        .find(|(_, c)| !c.is_alphanumeric())
        .map_or(0, |(i, c)| i + c.len_utf8());
    &text[start..]
}

/// A word of the text: letters with inner apostrophes and hyphens (`O'Brien`, `García-López`),
/// a possessive `'s` left outside.
struct Word {
    range: Range<usize>,
    capitalised: bool,
}

/// The word that starts at `start` (a letter).
fn word_at(text: &str, start: usize) -> Word {
    let mut chars = text[start..].char_indices().peekable();
    let first = chars.next().map_or(' ', |(_, c)| c);
    let mut end = start + first.len_utf8();
    while let Some(&(i, c)) = chars.peek() {
        let at = start + i;
        let inner = matches!(c, '\'' | '’' | '-')
            && text[at + c.len_utf8()..]
                .chars()
                .next()
                .is_some_and(char::is_alphabetic);
        if c.is_alphabetic() || inner {
            end = at + c.len_utf8();
            chars.next();
        } else {
            break;
        }
    }
    let mut word = &text[start..end];
    for possessive in ["'s", "’s"] {
        if let Some(stem) = word.strip_suffix(possessive) {
            word = stem;
        }
    }
    Word {
        range: start..start + word.len(),
        capitalised: first.is_uppercase() && word.chars().skip(1).any(char::is_lowercase),
    }
}

/// A word's folded form for the word lists; an ASCII word (nearly all) only lower-cased.
fn word_key(word: &str) -> String {
    if word.is_ascii() {
        word.to_ascii_lowercase()
    } else {
        fold::key(word)
    }
}

/// Where the next word written with a capital starts, from `from` on. Scans bytes: most of a
/// note is lower-case ASCII, passed over without decoding.
fn next_capitalised(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut at = from;
    while at < bytes.len() {
        let b = bytes[at];
        let candidate = b.is_ascii_uppercase()
            || (b >= 0xC0 && { text[at..].chars().next().is_some_and(char::is_uppercase) });
        if candidate
            && !text[..at]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
        {
            return Some(at);
        }
        at += 1;
    }
    None
}

/// The word right before `start`, when only spaces and one `,` `.` or `:` stand between.
fn word_before(text: &str, start: usize) -> Option<Word> {
    let before = text[..start].trim_end_matches([' ', ',', '.', ':']);
    if !adjacent(text, before.len(), start) {
        return None;
    }
    let word_start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphabetic() || matches!(c, '-' | '\''))
        .last()
        .map(|(i, _)| i)?;
    Some(word_at(text, word_start))
}

/// Whether only spaces (and at most one of `,` `.` `:`) stand between two places.
fn adjacent(text: &str, from: usize, to: usize) -> bool {
    let gap = &text[from..to];
    gap.chars()
        .all(|c| c == ' ' || matches!(c, ',' | '.' | ':'))
        && gap.chars().filter(|c| *c != ' ').count() <= 1
        && gap.len() <= 3
}

/// The people `text` names that no recorded value covers. `seen` holds the ranges other rules
/// found, in order.
pub(super) fn find(text: &str, seen: &[(Range<usize>, Seen)]) -> Vec<Candidate> {
    let seen_at = |range: &Range<usize>| {
        near(seen, range)
            .find(|(r, _)| range.start < r.end)
            .map(|(_, s)| *s)
    };
    // A capitalised word that may be (part of) a name.
    let name_word = |w: &Word| {
        w.capitalised
            && matches!(seen_at(&w.range), None | Some(Seen::NamePart))
            && !NOT_NAME_SET.contains(word_key(&text[w.range.clone()]).as_str())
    };
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(start) = next_capitalised(text, at) {
        let first = word_at(text, start);
        at = first.range.end.max(start + 1);
        if !name_word(&first) {
            continue;
        }
        // A run of up to three name words joined by single spaces.
        let mut run = vec![first];
        while run.len() < 3 {
            let end = run[run.len() - 1].range.end;
            if !text[end..].starts_with(' ') {
                break;
            }
            let next = end + 1;
            if next_capitalised(text, next) != Some(next) {
                break;
            }
            let word = word_at(text, next);
            if !name_word(&word) {
                break;
            }
            run.push(word);
        }
        let range = run[0].range.start..run[run.len() - 1].range.end;
        at = range.end;
        let parts = run
            .iter()
            .filter(|w| seen_at(&w.range) == Some(Seen::NamePart))
            .count();
        let before = word_before(text, range.start).map(|b| word_key(&text[b.range]));
        let titled = before.as_deref().is_some_and(|b| TITLES.contains(&b));
        let cued = before.as_deref().is_some_and(|b| CUES.contains(&b));
        let beside_contact = run.len() >= 2 && contact_beside(text, &range, seen);
        let person = parts < run.len()
            && (titled || cued || beside_contact || (parts > 0 && run.len() >= 2));
        if person {
            found.push(Candidate {
                range,
                holds_recorded_part: parts > 0,
            });
        }
    }
    found
}

/// Whether an e-mail address or phone number stands right before or after `range`: only
/// spaces, brackets, punctuation or one short linking word ("at", "on") between.
fn contact_beside(text: &str, range: &Range<usize>, seen: &[(Range<usize>, Seen)]) -> bool {
    let close = |gap: &str| {
        if gap.len() > 8 {
            return false;
        }
        let letters: String = gap.chars().filter(|c| c.is_alphabetic()).collect();
        matches!(letters.to_lowercase().as_str(), "" | "at" | "on" | "via")
    };
    let around = range.start.saturating_sub(8)..range.end + 8;
    near(seen, &around)
        .filter(|(_, s)| *s == Seen::Contact)
        .any(|(r, _)| {
            (r.start >= range.end && close(&text[range.end..r.start]))
                || (r.end <= range.start && close(&text[r.end..range.start]))
        })
}

/// The ranges of `seen` (sorted by start) that start before `range` ends, nearest first, back
/// to those starting a little before it: all that can overlap or touch `range`. Found by binary
/// search, since a long note has hundreds of them.
fn near<'a>(
    seen: &'a [(Range<usize>, Seen)],
    range: &Range<usize>,
) -> impl Iterator<Item = &'a (Range<usize>, Seen)> {
    // No value found by another rule is longer than this.
    const LONGEST: usize = 512;
    let end = seen.partition_point(|(r, _)| r.start < range.end);
    let from = range.start.saturating_sub(LONGEST);
    seen[..end]
        .iter()
        .rev()
        .take_while(move |(r, _)| r.start >= from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people<'a>(text: &'a str, seen: &[(Range<usize>, Seen)]) -> Vec<&'a str> {
        find(text, seen)
            .into_iter()
            .map(|c| &text[c.range])
            .collect()
    }

    fn at(text: &str, part: &str, seen: Seen) -> (Range<usize>, Seen) {
        let start = text.find(part).unwrap();
        (start..start + part.len(), seen)
    }

    #[test]
    fn titles_relations_roles_and_recorded_family_names_mark_people() {
        let text = "Ms. Priya Shah called. HR contact Priya Shah agreed; her brother Mateo \
                    Peña and Dr. Okafor's office. Landlord, Tom Reyes.";
        let seen = [at(text, "Peña", Seen::NamePart)];
        assert_eq!(
            people(text, &seen),
            [
                "Priya Shah",
                "Priya Shah",
                "Mateo Peña",
                "Okafor",
                "Tom Reyes"
            ]
        );
        let c = find(text, &seen);
        assert!(c[2].holds_recorded_part && !c[0].holds_recorded_part);
    }

    #[test]
    fn a_capitalised_pair_beside_an_email_or_phone_is_a_person() {
        let text = "Write to Priya Shah (priya@northwind.example) or call Tom Reyes at \
                    713-555-0100. Acme (info@acme.example).";
        let seen = [
            at(text, "priya@northwind.example", Seen::Contact),
            at(text, "713-555-0100", Seen::Contact),
            at(text, "info@acme.example", Seen::Contact),
        ];
        assert_eq!(people(text, &seen), ["Priya Shah", "Tom Reyes"]);
    }

    #[test]
    fn sentence_starts_months_forms_and_places_are_no_people() {
        for text in [
            "Yesterday Peña called.",
            "She moved to New York in March 2019.",
            "We filed Form I-130 with the Texas Service Center.",
            "The Immigration Court in San Antonio set a hearing.",
            "USCIS sent a Request for Evidence on Monday.",
            "Her brother works in Los Angeles.",
            "Ana Peña signed.",
        ] {
            let seen: Vec<_> = ["Peña", "Ana"]
                .iter()
                .filter(|p| text.contains(*p))
                .map(|p| at(text, p, Seen::NamePart))
                .collect();
            assert!(
                people(text, &seen).is_empty(),
                "{text}: {:?}",
                people(text, &seen)
            );
        }
    }

    #[test]
    fn sentence_starts_are_told_from_titles() {
        let text = "Done. Will came.\nMark left. Ms. Will";
        assert!(sentence_start(text, text.find("Will").unwrap()));
        assert!(sentence_start(text, text.find("Mark").unwrap()));
        assert!(!sentence_start(text, text.rfind("Will").unwrap()));
        assert!(sentence_start(text, 0));
    }
}
