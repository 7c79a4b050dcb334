//! Values stored for a matter (or named by hand), and the one-pass matcher that finds all of them
//! in a text regardless of case and accents.

use std::collections::HashMap;
use std::collections::hash_map::Entry as MapEntry;
use std::fmt;
use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, MatchKind, Span, StartKind};

use super::{Kind, dates, people};
use crate::fold;

/// A name part (given, middle or family name, a one-word name) is redacted on its own only from
/// this many letters: a shorter one ("Li", "Le", "Ng") would take ordinary words and initials.
pub const MIN_NAME_PART: usize = 3;

/// Street lines shorter than this ("Apt 4", "Unit B") say nothing alone and are not redacted.
pub const MIN_STREET_LINE: usize = 8;

/// Company forms left off an organisation's name when it is written without them.
const COMPANY_FORMS: [&str; 10] = [
    "inc",
    "inc.",
    "llc",
    "l.l.c.",
    "ltd",
    "ltd.",
    "corp",
    "corp.",
    "co.",
    "corporation",
];

/// A value to redact wherever it appears, with the spellings it is found by.
#[derive(Clone)]
pub struct KnownValue {
    kind: Kind,
    value: String,
    spellings: Vec<Spelling>,
    /// Every part of a person's names, however short, folded: a value redacted by hand that is
    /// one of them is that person.
    parts: Vec<String>,
    /// Named by hand in the preview: joins the value it equals, or `same_as`.
    by_hand: Option<ByHand>,
}

#[derive(Clone)]
struct ByHand {
    /// The value (kind as given) whose placeholder this one takes.
    same_as: Option<String>,
}

#[derive(Clone)]
struct Spelling {
    text: String,
    /// The value itself rather than a variant of it: wins over another value's variant.
    primary: bool,
    /// One name part alone: found only where written with a capital (and, when it is also an
    /// English word, not at a sentence start).
    part: bool,
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
        let initial = |name: &str| name.chars().next().map(|c| format!("{c}."));
        let mut variants = vec![
            format!("{given} {family}"),
            format!("{family} {given}"),
            format!("{family}, {given}"),
        ];
        variants.extend(initial(given).map(|g| format!("{g} {family}")));
        if !middle.is_empty() {
            variants.push(format!("{family} {given} {middle}"));
            variants.push(format!("{family}, {given} {middle}"));
            if let (Some(g), Some(m)) = (initial(given), initial(middle)) {
                variants.push(format!("{g} {m} {family}"));
                variants.push(format!("{g}{m} {family}"));
            }
        }
        if first_family != family {
            variants.push(format!("{given} {first_family}"));
            variants.extend(initial(given).map(|g| format!("{g} {first_family}")));
        }
        let mut value = Self {
            kind,
            spellings: vec![Spelling::primary(&full)],
            value: full.clone(),
            parts: Vec::new(),
            by_hand: None,
        };
        value
            .spellings
            .extend(variants.iter().map(|v| Spelling::variant(v)));
        value.push_parts(&full);
        if family.contains(' ') {
            // A compound family name alone, whole ("Ms. García López").
            value.spellings.push(Spelling {
                part: true,
                ..Spelling::variant(family)
            });
        }
        value.push_parts(family);
        Some(value)
    }

    /// A value as written: another name used, an institution, an address line, an identifier.
    /// A person's name of two words or more is also found as "Last, First…", "Last First…" and
    /// each part alone; an organisation's also without its company form ("Inc."). `None` when
    /// nothing is left to match.
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
            parts: Vec::new(),
            by_hand: None,
        };
        match words.as_slice() {
            [_] if kind.is_name() => known.push_parts(&value),
            [rest @ .., last] if kind.is_person() => {
                let rest = rest.join(" ");
                known.spellings.push(Spelling::primary(&value));
                known
                    .spellings
                    .push(Spelling::variant(&format!("{last}, {rest}")));
                known
                    .spellings
                    .push(Spelling::variant(&format!("{last} {rest}")));
                known.push_parts(&value);
            }
            [rest @ .., last] if kind.is_name() => {
                known.spellings.push(Spelling::primary(&value));
                let form = last.to_lowercase();
                if COMPANY_FORMS.contains(&form.as_str()) {
                    let bare = rest.join(" ");
                    let bare = bare.trim_end_matches(',');
                    if rest.len() == 1 {
                        known.push_parts(bare);
                    } else {
                        known.spellings.push(Spelling::variant(bare));
                    }
                }
            }
            _ => known.spellings.push(Spelling::primary(&value)),
        }
        (!known.spellings.is_empty()).then_some(known)
    }

    /// Another name this person or organisation used: found as [`KnownValue::new`] finds it,
    /// under the same placeholder.
    pub fn also_known_as(mut self, name: &str) -> Self {
        if let Some(other) = Self::new(self.kind, name) {
            self.spellings.extend(other.spellings);
            self.parts.extend(other.parts);
        }
        self
    }

    /// A recorded date of birth (ISO, as stored) in every common spelling: `1987-03-14`,
    /// `03/14/1987`, `3/14/87`, `14.03.1987`, `March 14, 1987`, `14 Mar 1987`… `None` when it is
    /// no date.
    pub fn date_of_birth(iso: &str) -> Option<Self> {
        let spellings = dates::spellings(iso);
        let value = spellings.first()?.clone();
        Some(Self {
            kind: Kind::DateOfBirth,
            spellings: spellings
                .iter()
                .map(|s| Spelling {
                    primary: *s == value,
                    ..Spelling::variant(s)
                })
                .collect(),
            value: iso.trim().to_owned(),
            parts: Vec::new(),
            by_hand: None,
        })
    }

    /// A value named by hand: found exactly as typed (any case, any accents), however short.
    /// It takes the placeholder of `same_as` (a value of the same kind) when given, else of the
    /// recorded value it equals or is a name part of, else one of its own.
    pub(super) fn by_hand(kind: Kind, value: &str, same_as: Option<&str>) -> Option<Self> {
        let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
        (!value.is_empty()).then(|| Self {
            kind,
            spellings: vec![Spelling::primary(&value)],
            value,
            parts: Vec::new(),
            by_hand: Some(ByHand {
                same_as: same_as.map(str::to_owned),
            }),
        })
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The value as stored: what its placeholder stands for.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Each word of `name` as a name part alone: from [`MIN_NAME_PART`] letters and with a
    /// capital, except in a script without spaces, where a whole name is one "word" of two or
    /// three characters.
    fn push_parts(&mut self, name: &str) {
        for word in name.split([' ', '-']).filter(|w| !w.is_empty()) {
            let word = word.trim_matches(|c: char| !c.is_alphanumeric());
            let folded = fold::key(word);
            let letters = folded.chars().count();
            let enough = if word.chars().all(unspaced) {
                letters >= 2
            } else {
                letters >= MIN_NAME_PART
            };
            if !folded.is_empty() && !self.parts.contains(&folded) {
                self.parts.push(folded);
            }
            if enough {
                let primary = self.spellings.is_empty();
                self.spellings.push(Spelling {
                    primary,
                    part: !word.chars().all(unspaced),
                    text: word.to_owned(),
                });
            }
        }
    }
}

impl Spelling {
    fn primary(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            primary: true,
            part: false,
        }
    }

    fn variant(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            primary: false,
            part: false,
        }
    }
}

/// A value the matcher finds: its kind, canonical key and the value its placeholder stands for.
pub(super) struct StoredValue {
    pub kind: Kind,
    pub key: String,
    pub value: String,
}

/// What one folded pattern finds.
struct Target {
    value: usize,
    primary: bool,
    /// A name part alone: written with a capital only.
    part: bool,
    /// A name part that is also an English word: not at a sentence start either.
    common_word: bool,
    /// Whether the pattern starts / ends with a letter or digit, where a whole-word check applies.
    alnum_start: bool,
    alnum_end: bool,
}

impl Target {
    /// Whether a match is a whole word (where the spelling begins or ends with a letter or digit)
    /// and, for name parts alone, written as a name.
    fn accepts(&self, hay: &str, span: Span, text: &str, range: &Range<usize>) -> bool {
        let alnum_before = hay[..span.start].chars().next_back().is_some_and(in_word);
        let alnum_after = hay[span.end..].chars().next().is_some_and(in_word);
        if (self.alnum_start && alnum_before) || (self.alnum_end && alnum_after) {
            return false;
        }
        if !self.part {
            return true;
        }
        text[range.clone()].starts_with(char::is_uppercase)
            && !(self.common_word && people::sentence_start(text, range.start))
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

/// A stored value found in a text.
pub(super) struct Hit {
    pub range: Range<usize>,
    pub value: usize,
    /// Found as one name part alone.
    pub part: bool,
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
        let (by_hand, recorded): (Vec<KnownValue>, Vec<KnownValue>) =
            known.into_iter().partition(|k| k.by_hand.is_some());
        // Primary spellings first, so that a value's own spelling wins over another's variant.
        let mut spellings: Vec<(usize, Spelling)> = Vec::new();
        let mut parts: HashMap<String, usize> = HashMap::new();
        for k in recorded {
            let value = matcher.value_index(k.kind, k.kind.canonical(&k.value), &k.value);
            spellings.extend(k.spellings.into_iter().map(|s| (value, s)));
            for part in k.parts {
                parts.entry(part).or_insert(value);
            }
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
                    matcher.push_target(value, &spelling, &pattern);
                    patterns.push(pattern);
                }
                MapEntry::Occupied(slot) => {
                    let pattern = slot.key().clone();
                    let target = &mut matcher.targets[*slot.get()];
                    if target.value == value {
                        // The same value spelled this way twice: the laxer rule holds.
                        target.part &= spelling.part;
                        target.common_word &= spelling.part;
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
        // Values named by hand: found however written, under the placeholder they join.
        for k in by_hand {
            let pattern = fold::key(&k.value);
            let same_as = k.by_hand.and_then(|b| b.same_as);
            let joined = match &same_as {
                Some(other) => Some(matcher.value_index(k.kind, k.kind.canonical(other), other)),
                // A name part, or several parts of one name ("Ana Lucía").
                None => {
                    let mut owners = pattern.split(' ').map(|w| parts.get(w).copied());
                    let first = owners.next().flatten();
                    owners.all(|o| o == first).then_some(first).flatten()
                }
            };
            if let Some(&target) = by_pattern.get(&pattern) {
                let target = &mut matcher.targets[target];
                target.part = false;
                target.common_word = false;
                if let Some(joined) = joined.filter(|_| same_as.is_some()) {
                    target.value = joined;
                }
                continue;
            }
            let value = joined.unwrap_or_else(|| {
                matcher.value_index(k.kind, k.kind.canonical(&k.value), &k.value)
            });
            by_pattern.insert(pattern.clone(), matcher.targets.len());
            matcher.push_target(value, &Spelling::primary(&k.value), &pattern);
            patterns.push(pattern);
        }
        if !patterns.is_empty() {
            matcher.automaton = Some(
                // A full DFA: a matter's few hundred spellings make a small one, scanned fastest.
                AhoCorasick::builder()
                    .kind(Some(AhoCorasickKind::DFA))
                    .match_kind(MatchKind::LeftmostLongest)
                    .start_kind(StartKind::Both)
                    .build(&patterns)
                    .expect("literal patterns build"),
            );
        }
        matcher
    }

    fn push_target(&mut self, value: usize, spelling: &Spelling, pattern: &str) {
        self.targets.push(Target {
            value,
            primary: spelling.primary,
            part: spelling.part,
            common_word: spelling.part && people::is_common_word(pattern),
            alnum_start: pattern.starts_with(in_word),
            alnum_end: pattern.ends_with(in_word),
        });
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
    /// start at one place.
    pub fn find(&self, text: &str) -> Vec<Hit> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        let folded = fold::fold(text);
        let hay = folded.text.as_str();
        let mut found = Vec::new();
        let mut at = 0;
        while let Some(m) = automaton.find(Input::new(hay).span(at..hay.len())) {
            // The longest spelling starting here may fail a check where a shorter one passes
            // ("Ana Peña" at the end of "Ana Peñaloza" fails, "Ana" alone passes): try the
            // shorter ones at the same start before moving on.
            let mut candidate = Some(m);
            while let Some(m) = candidate {
                let target = &self.targets[m.pattern().as_usize()];
                let range = folded.original_range(m.start(), m.end());
                if target.accepts(hay, m.span(), text, &range) {
                    found.push(Hit {
                        range,
                        value: target.value,
                        part: target.part,
                    });
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
