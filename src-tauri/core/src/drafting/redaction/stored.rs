//! Values stored for a matter (or named by hand), and the one-pass matcher that finds all of them
//! in a text regardless of case and accents.

use std::collections::HashMap;
use std::collections::hash_map::Entry as MapEntry;
use std::fmt;
use std::ops::Range;

use aho_corasick::{AhoCorasick, Anchored, Input, MatchKind, Span, StartKind};

use super::Kind;
use crate::fold;

/// A family name (or any one-word name) is redacted on its own only from this many letters: a
/// shorter one ("Li", "Le", "Ng") would take ordinary words and initials.
pub const MIN_SINGLE_WORD: usize = 4;

/// Street lines shorter than this ("Apt 4", "Unit B") say nothing alone and are not redacted.
pub const MIN_STREET_LINE: usize = 8;

/// A value to redact wherever it appears, with the spellings it is found by.
#[derive(Clone)]
pub struct KnownValue {
    kind: Kind,
    value: String,
    spellings: Vec<Spelling>,
}

#[derive(Clone)]
struct Spelling {
    text: String,
    /// The value itself rather than a variant of it: wins over another value's variant.
    primary: bool,
    /// Found only where the text writes it with a capital (one-word names).
    capitalized_only: bool,
}

impl fmt::Debug for KnownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KnownValue({:?}, [redacted])", self.kind)
    }
}

impl KnownValue {
    /// A person's name from its parts, with its common variants (see the module documentation).
    /// `None` when every part is blank.
    pub fn person(kind: Kind, given: &str, middle: &str, family: &str) -> Option<Self> {
        let (given, middle, family) = (given.trim(), middle.trim(), family.trim());
        let full = [given, middle, family]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if given.is_empty() || family.is_empty() {
            return Self::new(kind, &full);
        }
        let first_family = family
            .split([' ', '-'])
            .find(|p| !p.is_empty())
            .unwrap_or(family);
        let mut variants = vec![
            format!("{given} {family}"),
            format!("{family} {given}"),
            format!("{family}, {given}"),
        ];
        if !middle.is_empty() {
            variants.push(format!("{family} {given} {middle}"));
            variants.push(format!("{family}, {given} {middle}"));
        }
        if first_family != family {
            variants.push(format!("{given} {first_family}"));
        }
        let mut value = Self {
            kind,
            spellings: vec![Spelling::primary(&full)],
            value: full,
        };
        value
            .spellings
            .extend(variants.iter().map(|v| Spelling::variant(v, false)));
        value.push_single_word(family);
        if first_family != family {
            value.push_single_word(first_family);
        }
        Some(value)
    }

    /// A value as written: another name used, an institution, an address line, an identifier.
    /// A name of two words or more is also found as "Last, First…" and "Last First…"; a
    /// one-word name as in [`KnownValue::person`]. `None` when nothing is left to match.
    pub fn new(kind: Kind, value: &str) -> Option<Self> {
        let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
        if value.is_empty() {
            return None;
        }
        let words: Vec<&str> = value.split(' ').collect();
        let mut known = Self {
            kind,
            value: value.clone(),
            spellings: Vec::new(),
        };
        match words.as_slice() {
            [one] if kind.is_name() => known.push_single_word(one),
            [rest @ .., last] if kind.is_name() && kind != Kind::Employer => {
                let rest = rest.join(" ");
                known.spellings.push(Spelling::primary(&value));
                known
                    .spellings
                    .push(Spelling::variant(&format!("{last}, {rest}"), false));
                known
                    .spellings
                    .push(Spelling::variant(&format!("{last} {rest}"), false));
            }
            _ => known.spellings.push(Spelling::primary(&value)),
        }
        (!known.spellings.is_empty()).then_some(known)
    }

    /// A value named by hand: found exactly as typed (any case, any accents), however short.
    pub(super) fn by_hand(kind: Kind, value: &str) -> Option<Self> {
        let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
        (!value.is_empty()).then(|| Self {
            kind,
            spellings: vec![Spelling::primary(&value)],
            value,
        })
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The value as stored: what its placeholder is restored to.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// A one-word name: from [`MIN_SINGLE_WORD`] letters and with a capital, except in a script
    /// without spaces, where a whole name is one "word" of two or three characters.
    fn push_single_word(&mut self, word: &str) {
        let letters = fold::key(word).chars().count();
        let spelling = if word.chars().all(unspaced) {
            (letters >= 2).then(|| Spelling::variant(word, false))
        } else {
            (letters >= MIN_SINGLE_WORD).then(|| Spelling::variant(word, true))
        };
        if let Some(spelling) = spelling {
            let primary = self.spellings.is_empty();
            self.spellings.push(Spelling {
                primary,
                ..spelling
            });
        }
    }
}

impl Spelling {
    fn primary(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            primary: true,
            capitalized_only: false,
        }
    }

    fn variant(text: &str, capitalized_only: bool) -> Self {
        Self {
            text: text.to_owned(),
            primary: false,
            capitalized_only,
        }
    }
}

/// A value the matcher finds: its kind, canonical key and the original restored for it.
pub(super) struct StoredValue {
    pub kind: Kind,
    pub key: String,
    pub value: String,
}

/// What one folded pattern finds.
struct Target {
    value: usize,
    primary: bool,
    capitalized_only: bool,
    /// Whether the pattern starts / ends with a letter or digit, where a whole-word check applies.
    alnum_start: bool,
    alnum_end: bool,
}

impl Target {
    /// Whether a match is a whole word (where the spelling begins or ends with a letter or digit)
    /// and, for one-word names, written with a capital.
    fn accepts(&self, hay: &str, span: Span, original: &str) -> bool {
        let alnum_before = hay[..span.start].chars().next_back().is_some_and(in_word);
        let alnum_after = hay[span.end..].chars().next().is_some_and(in_word);
        let inside_a_word = (self.alnum_start && alnum_before) || (self.alnum_end && alnum_after);
        let lower_case = self.capitalized_only && !original.starts_with(char::is_uppercase);
        !inside_a_word && !lower_case
    }
}

/// Whether a character continues a word, so that a name must not start or end beside it.
fn in_word(c: char) -> bool {
    c.is_alphanumeric() && !unspaced(c)
}

/// Scripts written without spaces between words (Chinese, Japanese, Thai…): a name there has no
/// word boundary to check, and no capital letters.
fn unspaced(c: char) -> bool {
    matches!(c,
        '\u{0E00}'..='\u{0EFF}'      // Thai, Lao
        | '\u{1000}'..='\u{109F}'    // Myanmar
        | '\u{1780}'..='\u{17FF}'    // Khmer
        | '\u{3040}'..='\u{30FF}'    // Hiragana, Katakana
        | '\u{3400}'..='\u{4DBF}'    // CJK Extension A
        | '\u{4E00}'..='\u{9FFF}'    // CJK Unified Ideographs
        | '\u{F900}'..='\u{FAFF}') // CJK Compatibility Ideographs
}

/// Every stored value's spellings, folded, in one Aho-Corasick automaton.
pub(super) struct Matcher {
    automaton: Option<AhoCorasick>,
    targets: Vec<Target>,
    values: Vec<StoredValue>,
    by_key: HashMap<(Kind, String), usize>,
}

impl Matcher {
    pub fn new(known: Vec<KnownValue>) -> Self {
        let mut matcher = Self {
            automaton: None,
            targets: Vec::new(),
            values: Vec::new(),
            by_key: HashMap::new(),
        };
        let mut patterns: Vec<String> = Vec::new();
        let mut by_pattern: HashMap<String, usize> = HashMap::new();
        // Primary spellings first, so that a value's own spelling wins over another's variant.
        let mut spellings: Vec<(usize, Spelling)> = Vec::new();
        for k in known {
            let value = matcher.value_index(k.kind, k.kind.canonical(&k.value), &k.value);
            spellings.extend(k.spellings.into_iter().map(|s| (value, s)));
        }
        spellings.sort_by_key(|(_, s)| !s.primary);
        for (value, spelling) in spellings {
            let pattern = fold::key(&spelling.text);
            if pattern.is_empty() {
                continue;
            }
            match by_pattern.entry(pattern) {
                MapEntry::Vacant(slot) => {
                    let pattern = slot.key().clone();
                    slot.insert(matcher.targets.len());
                    matcher.targets.push(Target {
                        value,
                        primary: spelling.primary,
                        capitalized_only: spelling.capitalized_only,
                        alnum_start: pattern.starts_with(in_word),
                        alnum_end: pattern.ends_with(in_word),
                    });
                    patterns.push(pattern);
                }
                MapEntry::Occupied(slot) => {
                    let pattern = slot.key().clone();
                    let target = &mut matcher.targets[*slot.get()];
                    if target.value == value {
                        // The same value spelled this way twice: the laxer rule holds.
                        target.capitalized_only &= spelling.capitalized_only;
                        continue;
                    }
                    if target.primary {
                        continue; // another value's own spelling wins
                    }
                    // Two values share a variant (a family name shared by relatives): it
                    // becomes a value of its own rather than naming either of them.
                    let kinds = (
                        matcher.values[target.value].kind,
                        matcher.values[value].kind,
                    );
                    let kind = if kinds.0 == kinds.1 {
                        kinds.0
                    } else {
                        Kind::Person
                    };
                    let shared = matcher.value_index(kind, pattern, &spelling.text);
                    matcher.targets[*slot.get()].value = shared;
                }
            }
        }
        if !patterns.is_empty() {
            matcher.automaton = Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .start_kind(StartKind::Both)
                    .build(&patterns)
                    .expect("literal patterns build"),
            );
        }
        matcher
    }

    fn value_index(&mut self, kind: Kind, key: String, value: &str) -> usize {
        let next = self.values.len();
        let index = *self.by_key.entry((kind, key.clone())).or_insert(next);
        if index == next {
            self.values.push(StoredValue {
                kind,
                key,
                value: value.to_owned(),
            });
        }
        index
    }

    pub fn value(&self, index: usize) -> &StoredValue {
        &self.values[index]
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// The stored value a value found by its shape is, when it is stored.
    pub fn stored(&self, kind_and_key: &(Kind, String)) -> Option<usize> {
        self.by_key.get(kind_and_key).copied()
    }

    /// Every whole-word occurrence of a stored spelling in `text`, longest first where several
    /// start at one place, as original byte ranges and value indexes.
    pub fn find(&self, text: &str) -> Vec<(Range<usize>, usize)> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        let folded = fold::fold(text);
        let hay = folded.text.as_str();
        let mut found = Vec::new();
        let mut at = 0;
        while let Some(m) = automaton.find(Input::new(hay).span(at..hay.len())) {
            // The longest spelling starting here may fail a check where a shorter one passes
            // ("Ana Peña" at the end of "Ana Peñaloza" fails, "Ana" alone is no spelling):
            // try the shorter ones at the same start before moving on.
            let mut candidate = Some(m);
            while let Some(m) = candidate {
                let target = &self.targets[m.pattern().as_usize()];
                let range = folded.original_range(m.start(), m.end());
                if target.accepts(hay, m.span(), &text[range.clone()]) {
                    found.push((range, target.value));
                    break;
                }
                candidate = automaton.find(
                    Input::new(hay)
                        .span(m.start()..m.end() - 1)
                        .anchored(Anchored::Yes),
                );
            }
            at = match &candidate {
                Some(m) => m.end(),
                None => m.start() + 1,
            };
        }
        found
    }
}
