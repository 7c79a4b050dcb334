//! Redaction before sending: identifiers and the values stored for a matter are replaced by
//! typed placeholders (`[CLIENT_1]`, `[A_NUMBER_1]`…) before any text leaves the computer, and
//! restored locally in the streamed answer.
//!
//! One [`Redactor`] serves one request: every text of it (system prompt, matter fields, each note)
//! goes through [`Redactor::redact`] together, so a value has the same placeholder everywhere.
//! Placeholders are numbered per kind in order of first appearance. What is found:
//!
//! - identifiers by their shape (`patterns.rs`, built on the store's identifier rules):
//!   receipt numbers; A-numbers (`A012345678`, `A# 012-345-678`, `A 012 345 678`, and 8 or 9
//!   digits after a label: `A-Number: 012-345-678`, `alien no. 12345678`); SSNs and ITINs with
//!   dashes, dots or spaces (valid ones only); passport numbers (US shapes, and any country's
//!   after "passport"); I-94 numbers (the old 11-digit form only after "I-94" or "admission");
//!   SEVIS ids; phone numbers (never inside a longer alphanumeric run); e-mail addresses; dates
//!   of birth after a label ("DOB", "born on"); street addresses by their shape (house number,
//!   capitalised street words, a street type, optionally a unit and "City, ST 77002") and PO
//!   boxes. One number in any spelling is one value;
//! - the values stored for the matter ([`KnownValue`], gathered by [`known_values`]): the
//!   client's and every party's names with their other names used, employers, schools and other
//!   institutions, dates of birth, addresses and identifiers, matched regardless of case and
//!   accents (`Pena` finds `Peña`) and only as whole words (a possessive `'s` is outside the
//!   word). A person's name is also found as "Given Family", "Family Given", "Family, Given",
//!   "G. Family", "G. M. Family", and each name part alone (given, middle, family, compound
//!   family) from [`MIN_NAME_PART`] letters written with a capital; a part that is also an
//!   English word ("Will", "Hope") only where it is not a sentence's first word. A name part
//!   shared by two parties becomes a value of its own (`[PERSON_n]`), naming neither. In
//!   scripts written without spaces a name is found wherever it stands, from two characters. An
//!   organisation is found with and without its company form ("Inc."). A date of birth is found
//!   in ISO, US (`03/14/1987`, `3/14/87`), European (`14.03.1987`) and long forms (`March 14,
//!   1987`, `14 Mar 1987`). An address is found by each street line of at least
//!   [`MIN_STREET_LINE`] characters;
//! - people the record does not name (`people.rs`): a capitalised name after a title, a
//!   relation or role word, beside an e-mail or phone, or holding a recorded name part
//!   ("Mateo Peña"). The last are redacted as new people; the others are listed in
//!   [`RedactedText::unredacted_people`] for the preview, or redacted when
//!   [`UnrecordedPeople::Redact`] (the policy requires redaction);
//! - text that looks like a placeholder already (`[CLIENT_1]` in a pasted answer): sent as a
//!   `[QUOTED_n]` placeholder and restored as written, so an answer cannot swap one person's
//!   details in for another's;
//! - by hand, from the preview ([`ManualChanges`]): values to redact with their kind (joining
//!   the recorded name they are part of, or the value named as `same_as`), and values to keep as
//!   they are. Both apply to the whole request.
//!
//! A name or date of birth written in several forms keeps one number, each form its own
//! placeholder (`[CLIENT_1]`, `[CLIENT_1.2]`): the model sees one person and the answer gets
//! back the form the user wrote (see `Numbering`). Where two findings overlap, the one that
//! starts first wins, then the longer one.

mod dates;
mod known;
mod patterns;
mod people;
mod rehydrate;
mod stored;

#[cfg(test)]
mod corpus;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};

pub use known::known_values;
pub use rehydrate::Rehydrator;
pub use stored::{KnownValue, MIN_NAME_PART, MIN_STREET_LINE};

use crate::fold;
use crate::store::fields::compact;
use crate::store::identifiers;

/// What a placeholder stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
// The store has a `Kind` (of a search hit) too; the UI's bindings need one name each. A
// container's name never appears in JSON, so this renames the type in the bindings only.
#[serde(rename = "RedactionKind", rename_all = "camelCase")]
pub enum Kind {
    /// The matter's client (its names and other names used).
    Client,
    /// Any other party to the matter: family members, petitioners, sponsors…
    Person,
    ANumber,
    Receipt,
    Ssn,
    Itin,
    Passport,
    I94,
    Sevis,
    /// A USCIS online account number (stored only: 12 bare digits say nothing by their shape).
    UscisAccount,
    Phone,
    Email,
    Address,
    Employer,
    /// A school, agency or any other organisation that is a party to the matter.
    Organization,
    DateOfBirth,
    /// Text in a note that looks like one of these placeholders (`[CLIENT_1]`): sent as a
    /// placeholder of its own and restored as written, so that an answer can never turn it into
    /// someone's details.
    Quoted,
}

impl Kind {
    pub const ALL: [Kind; 17] = [
        Kind::Client,
        Kind::Person,
        Kind::ANumber,
        Kind::Receipt,
        Kind::Ssn,
        Kind::Itin,
        Kind::Passport,
        Kind::I94,
        Kind::Sevis,
        Kind::UscisAccount,
        Kind::Phone,
        Kind::Email,
        Kind::Address,
        Kind::Employer,
        Kind::Organization,
        Kind::DateOfBirth,
        Kind::Quoted,
    ];

    /// The word inside its placeholders: `CLIENT` in `[CLIENT_1]`.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Client => "CLIENT",
            Kind::Person => "PERSON",
            Kind::ANumber => "A_NUMBER",
            Kind::Receipt => "RECEIPT",
            Kind::Ssn => "SSN",
            Kind::Itin => "ITIN",
            Kind::Passport => "PASSPORT",
            Kind::I94 => "I94",
            Kind::Sevis => "SEVIS",
            Kind::UscisAccount => "USCIS_ACCOUNT",
            Kind::Phone => "PHONE",
            Kind::Email => "EMAIL",
            Kind::Address => "ADDRESS",
            Kind::Employer => "EMPLOYER",
            Kind::Organization => "ORGANIZATION",
            Kind::DateOfBirth => "DATE_OF_BIRTH",
            Kind::Quoted => "QUOTED",
        }
    }

    /// Names of people and organisations: matched with their spelling variants.
    fn is_name(self) -> bool {
        matches!(
            self,
            Kind::Client | Kind::Person | Kind::Employer | Kind::Organization
        )
    }

    /// People's names: also found as each name part alone, and in their other orders.
    fn is_person(self) -> bool {
        matches!(self, Kind::Client | Kind::Person)
    }

    /// Values whose written forms differ in what they say ("Ana", "Ana Peña", "March 14, 1987"):
    /// each form written has a placeholder of its own under the value's number (see
    /// [`Numbering`]), so that the answer gets back the form the user wrote.
    fn has_written_forms(self) -> bool {
        self.is_name() || self == Kind::DateOfBirth
    }

    /// The form under which two spellings of one value are the same value.
    fn canonical(self, value: &str) -> String {
        match self {
            Kind::ANumber => identifiers::canonical_a_number_digits(value),
            Kind::Ssn | Kind::Itin => digits(value),
            Kind::Phone => {
                let digits = digits(value);
                // +1 713 555 0100 and (713) 555-0100 are one number.
                match digits.strip_prefix('1') {
                    Some(national) if digits.len() == 11 => national.to_owned(),
                    _ => digits,
                }
            }
            Kind::Receipt | Kind::Passport | Kind::I94 | Kind::Sevis | Kind::UscisAccount => {
                compact(value).replace(['.', '/'], "")
            }
            Kind::Email => value.trim().to_lowercase(),
            Kind::DateOfBirth => dates::iso(value).unwrap_or_else(|| fold::key(value)),
            Kind::Quoted => value.to_owned(),
            Kind::Client | Kind::Person | Kind::Address | Kind::Employer | Kind::Organization => {
                fold::key(value)
            }
        }
    }
}

fn digits(value: &str) -> String {
    value.chars().filter(char::is_ascii_digit).collect()
}

/// A value named by hand in the preview.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ManualValue {
    pub kind: Kind,
    pub value: String,
    /// The value (of the same kind) whose placeholder this one takes: "same as [CLIENT_1]" is
    /// the value [`Span::value`] gives for `[CLIENT_1]`. Without it, a value that equals a
    /// recorded name or name part takes that name's placeholder, anything else a new one.
    #[serde(default)]
    pub same_as: Option<String>,
}

impl fmt::Debug for ManualValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ManualValue({:?}, [redacted])", self.kind)
    }
}

/// The preview's changes by hand, applied to every text of the request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", default)]
pub struct ManualChanges {
    /// Values to redact that nothing found, each under its kind.
    pub redact: Vec<ManualValue>,
    /// Found values to send as they are. A value kept by its placeholder's original (the stored
    /// name) keeps every spelling of it; a value kept as one spelling (`Peña`) keeps only that.
    pub keep: Vec<ManualValue>,
}

/// One placeholder in a redacted text.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Span {
    /// Byte range of the placeholder in the redacted text.
    pub range: Range<usize>,
    pub kind: Kind,
    pub placeholder: String,
    /// The text it replaced, as written there.
    pub original: String,
    /// The value it stands for (the stored value, or the first spelling found), whatever form
    /// was written here.
    pub value: String,
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Span")
            .field("range", &self.range)
            .field("placeholder", &self.placeholder)
            .finish_non_exhaustive()
    }
}

/// A text as it will leave the computer, with where each placeholder stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RedactedText {
    pub text: String,
    pub spans: Vec<Span>,
    /// Byte ranges of names that look like people's (see `people.rs`) and are sent as written:
    /// flagged in the preview, to redact with one click.
    pub unredacted_people: Vec<Range<usize>>,
}

/// A piece of a redacted text as a view renders it: plain text, or one placeholder with what it
/// stands for. Spans are UTF-8 byte ranges, which a web view (UTF-16) cannot use directly.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SentSegment {
    pub text: String,
    pub placeholder: Option<ShownPlaceholder>,
    /// A name that looks like a person's, sent as written (never with a placeholder).
    pub unredacted_person: bool,
}

/// What a placeholder in a [`SentSegment`] replaced.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ShownPlaceholder {
    pub kind: Kind,
    /// The text it replaced, as written there.
    pub original: String,
    /// The value it stands for: what a value redacted "same as" this placeholder names.
    pub value: String,
}

impl fmt::Debug for SentSegment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.placeholder {
            None if self.unredacted_person => f.debug_tuple("Person").field(&self.text).finish(),
            None => f.debug_tuple("Text").field(&self.text).finish(),
            Some(p) => write!(f, "Placeholder({}, {:?})", self.text, p.kind),
        }
    }
}

impl RedactedText {
    /// The text cut at its placeholders and unredacted people, in order; joined, the segments
    /// are the text.
    pub fn segments(&self) -> Vec<SentSegment> {
        let mut cuts: Vec<(Range<usize>, Option<&Span>)> = self
            .spans
            .iter()
            .map(|s| (s.range.clone(), Some(s)))
            .chain(self.unredacted_people.iter().map(|r| (r.clone(), None)))
            .collect();
        cuts.sort_by_key(|(r, _)| r.start);
        let mut segments = Vec::with_capacity(cuts.len() * 2 + 1);
        let plain = |text: &str| SentSegment {
            text: text.to_owned(),
            placeholder: None,
            unredacted_person: false,
        };
        let mut copied = 0;
        for (range, span) in cuts {
            if range.start > copied {
                segments.push(plain(&self.text[copied..range.start]));
            }
            segments.push(SentSegment {
                text: self.text[range.clone()].to_owned(),
                placeholder: span.map(|span| ShownPlaceholder {
                    kind: span.kind,
                    original: span.original.clone(),
                    value: span.value.clone(),
                }),
                unredacted_person: span.is_none(),
            });
            copied = range.end;
        }
        if copied < self.text.len() {
            segments.push(plain(&self.text[copied..]));
        }
        segments
    }
}

/// The redacted texts of one request, in the order given, and the placeholders' originals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Redaction {
    pub texts: Vec<RedactedText>,
    pub map: RedactionMap,
}

/// One placeholder and the value it stands for.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub placeholder: String,
    pub kind: Kind,
    /// The value restored in the answer: the form written (for names and dates of birth, each
    /// form written has its own placeholder), or the first spelling found.
    pub original: String,
    /// How many times it was replaced in the request.
    pub occurrences: usize,
}

impl fmt::Debug for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Entry")
            .field("placeholder", &self.placeholder)
            .field("occurrences", &self.occurrences)
            .finish_non_exhaustive()
    }
}

/// Placeholder → original for one request. It holds client data: it is kept only in the
/// encrypted database with the draft, and its `Debug` shows placeholders, never originals.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RedactionMap {
    entries: Vec<Entry>,
}

/// How much of one kind a request redacted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct KindCount {
    /// Distinct values (placeholders).
    pub values: usize,
    /// Replacements in the texts.
    pub occurrences: usize,
}

impl RedactionMap {
    /// Every placeholder, in order of first appearance.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The original a placeholder stands for.
    pub fn original(&self, placeholder: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|e| e.placeholder == placeholder)
            .map(|e| e.original.as_str())
    }

    /// Counts per kind, for provenance and the audit log (no originals).
    pub fn counts(&self) -> BTreeMap<Kind, KindCount> {
        let mut counts = BTreeMap::<Kind, KindCount>::new();
        for e in &self.entries {
            let count = counts.entry(e.kind).or_default();
            // Another written form of a value is no other value.
            if !e.placeholder.contains('.') {
                count.values += 1;
            }
            count.occurrences += e.occurrences;
        }
        counts
    }

    /// `text` with every known placeholder restored (a whole answer at once).
    pub fn rehydrate(&self, text: &str) -> String {
        let mut rehydrator = Rehydrator::new(self);
        let mut restored = rehydrator.push(text);
        restored.push_str(&rehydrator.finish());
        restored
    }
}

impl fmt::Debug for RedactionMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.entries).finish()
    }
}

/// What to do with names that look like people's and are not recorded (see `people.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UnrecordedPeople {
    /// Send them as written and list them in the preview, to redact by hand. A name holding a
    /// recorded name part ("Mateo Peña") is redacted all the same.
    #[default]
    Flag,
    /// Redact them as people (when the policy requires redaction).
    Redact,
}

/// Redacts the texts of one request (see the module documentation).
pub struct Redactor {
    stored: stored::Matcher,
    /// (kind, canonical value) of everything to keep as written.
    keep: HashSet<(Kind, String)>,
    unrecorded: UnrecordedPeople,
}

impl Redactor {
    /// A redactor for the values stored for a matter plus the preview's changes by hand.
    pub fn new(known: Vec<KnownValue>, changes: &ManualChanges) -> Self {
        let manual = changes
            .redact
            .iter()
            .filter_map(|m| KnownValue::by_hand(m.kind, &m.value, m.same_as.as_deref()));
        Self {
            stored: stored::Matcher::new(known.into_iter().chain(manual).collect()),
            keep: changes
                .keep
                .iter()
                .map(|m| (m.kind, m.kind.canonical(&m.value)))
                .collect(),
            unrecorded: UnrecordedPeople::default(),
        }
    }

    /// The same redactor, treating unrecorded people as `handling` says.
    pub fn unrecorded_people(mut self, handling: UnrecordedPeople) -> Self {
        self.unrecorded = handling;
        self
    }

    /// Redacts every text of one request with one numbering.
    pub fn redact<S: AsRef<str>>(&self, texts: &[S]) -> Redaction {
        let mut numbering = Numbering {
            stored: vec![None; self.stored.len()],
            ..Numbering::default()
        };
        let texts = texts
            .iter()
            .map(|t| self.redact_one(t.as_ref(), &mut numbering))
            .collect();
        Redaction {
            texts,
            map: RedactionMap {
                entries: numbering.entries,
            },
        }
    }

    fn redact_one(&self, text: &str, numbering: &mut Numbering) -> RedactedText {
        let shapes = patterns::find(text);
        let hits = self.stored.find(text);
        // What other rules found, for telling unrecorded people.
        let mut seen: Vec<(Range<usize>, people::Seen)> = shapes
            .iter()
            .map(|f| {
                let seen = match f.kind {
                    Kind::Email | Kind::Phone => people::Seen::Contact,
                    _ => people::Seen::Other,
                };
                (f.range.clone(), seen)
            })
            .chain(hits.iter().map(|h| {
                let seen = if h.part && self.stored.value(h.value).kind.is_person() {
                    people::Seen::NamePart
                } else {
                    people::Seen::Other
                };
                (h.range.clone(), seen)
            }))
            .collect();
        seen.sort_by_key(|(r, _)| r.start);
        let mut flagged = Vec::new();
        let mut redacted_people = Vec::new();
        for candidate in people::find(text, &seen) {
            if candidate.holds_recorded_part || self.unrecorded == UnrecordedPeople::Redact {
                redacted_people.push(candidate.range);
            } else {
                flagged.push(candidate.range);
            }
        }
        // A person found by these rules takes the place of the name parts inside it.
        let inside_a_person = |range: &Range<usize>| {
            redacted_people
                .iter()
                .any(|p| p.start <= range.start && range.end <= p.end)
        };

        let mut findings: Vec<Finding> = shapes
            .into_iter()
            .map(|f| {
                let value = (f.kind, f.kind.canonical(&text[f.range.clone()]));
                // A stored identifier found by its shape is that stored value.
                let value = match self.stored.stored(&value) {
                    Some(i) => Value::Stored(i),
                    None => Value::Shape(value.0, value.1),
                };
                Finding {
                    range: f.range,
                    value,
                }
            })
            .chain(
                hits.into_iter()
                    .filter(|h| !(h.part && inside_a_person(&h.range)))
                    .map(|h| Finding {
                        range: h.range,
                        value: Value::Stored(h.value),
                    }),
            )
            .chain(redacted_people.iter().map(|range| Finding {
                range: range.clone(),
                value: Value::Shape(Kind::Person, fold::key(&text[range.clone()])),
            }))
            .filter(|f| !self.kept(text, f))
            .collect();
        findings.sort_unstable_by_key(|f| (f.range.start, std::cmp::Reverse(f.range.end)));

        let mut out = RedactedText {
            text: String::with_capacity(text.len() + text.len() / 8),
            spans: Vec::new(),
            unredacted_people: Vec::new(),
        };
        let mut flagged = flagged.into_iter().peekable();
        let mut copied = 0;
        // Copies the text up to `to`, noting where the flagged people in it land.
        let mut copy_to = |out: &mut RedactedText, copied: usize, to: usize| {
            while let Some(person) = flagged.next_if(|p| p.start < to) {
                if person.start >= copied && person.end <= to {
                    let start = out.text.len() + person.start - copied;
                    out.unredacted_people.push(start..start + person.len());
                }
            }
            out.text.push_str(&text[copied..to]);
        };
        for f in findings {
            if f.range.start < copied {
                continue; // overlaps one already taken
            }
            let written = &text[f.range.clone()];
            let entry = match f.value {
                Value::Stored(i) => numbering.stored_entry(i, self.stored.value(i), written),
                Value::Shape(kind, key) => numbering.shape_entry(kind, key, written),
            };
            copy_to(&mut out, copied, f.range.start);
            let start = out.text.len();
            out.text.push_str(&entry.placeholder);
            out.spans.push(Span {
                range: start..out.text.len(),
                kind: entry.kind,
                placeholder: entry.placeholder.clone(),
                original: written.to_owned(),
                value: entry.value.clone(),
            });
            copied = f.range.end;
        }
        copy_to(&mut out, copied, text.len());
        out
    }

    /// Whether a finding is a value the preview said to keep, as its whole value or as written.
    fn kept(&self, text: &str, f: &Finding) -> bool {
        if self.keep.is_empty() {
            return false;
        }
        let kind = match &f.value {
            Value::Stored(i) => {
                let v = self.stored.value(*i);
                if self.keep.contains(&(v.kind, v.key.clone())) {
                    return true;
                }
                v.kind
            }
            Value::Shape(kind, key) => {
                if self.keep.contains(&(*kind, key.clone())) {
                    return true;
                }
                *kind
            }
        };
        self.keep
            .contains(&(kind, kind.canonical(&text[f.range.clone()])))
    }
}

/// A value found in a text: where, and which value.
struct Finding {
    range: Range<usize>,
    value: Value,
}

enum Value {
    /// One of the matcher's stored values, by index.
    Stored(usize),
    /// A value found by its shape (or an unrecorded person): its kind and canonical form.
    Shape(Kind, String),
}

/// One placeholder handed out: the entry, and the value it stands for.
struct Handed {
    placeholder: String,
    kind: Kind,
    value: String,
}

/// Placeholders handed out so far in a request. A value is numbered per kind in order of first
/// appearance. A name or date of birth written in several forms keeps its number: its first
/// form written is `[CLIENT_1]`, each other form `[CLIENT_1.2]`, `[CLIENT_1.3]`… So the model
/// sees one person (the number, and the instructions say so), and the answer gets back the very
/// form the user wrote where the model copied it ("Ana" stays "Ana", "Pena" stays "Pena"). One
/// placeholder restored to a canonical form would turn every "Ana" into "Ana Lucía Peña"; a
/// new number per form would show the model several people.
#[derive(Default)]
struct Numbering {
    entries: Vec<Entry>,
    /// The first entry of each stored value, by the matcher's index.
    stored: Vec<Option<usize>>,
    /// The entry of each written form of a stored value: (matcher index, form) → entry.
    forms: HashMap<(usize, String), usize>,
    /// The entry of each value found by its shape only, by kind and canonical form.
    shapes: HashMap<(Kind, String), usize>,
    per_kind: HashMap<Kind, usize>,
}

impl Numbering {
    fn stored_entry(&mut self, index: usize, value: &stored::StoredValue, written: &str) -> Handed {
        if !value.kind.has_written_forms() {
            let entry = match self.stored[index] {
                Some(entry) => entry,
                None => {
                    let entry = self.push(value.kind, &value.value, None);
                    self.stored[index] = Some(entry);
                    entry
                }
            };
            return self.count(entry, &value.value);
        }
        // Forms differ by their letters and accents, not by case or line breaks.
        let form = written
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        let entry = match self.forms.get(&(index, form.clone())) {
            Some(&entry) => entry,
            None => {
                let entry = match self.stored[index] {
                    None => {
                        let entry = self.push(value.kind, written, None);
                        self.stored[index] = Some(entry);
                        entry
                    }
                    Some(first) => self.push(value.kind, written, Some(first)),
                };
                self.forms.insert((index, form), entry);
                entry
            }
        };
        self.count(entry, &value.value)
    }

    fn shape_entry(&mut self, kind: Kind, key: String, written: &str) -> Handed {
        let value = (kind, key);
        let entry = match self.shapes.get(&value) {
            Some(&entry) => entry,
            None => {
                let entry = self.push(kind, written, None);
                self.shapes.insert(value, entry);
                entry
            }
        };
        let first = self.entries[entry].original.clone();
        self.count(entry, &first)
    }

    /// A new entry: the next number of its kind, or the next form of entry `form_of`.
    fn push(&mut self, kind: Kind, original: &str, form_of: Option<usize>) -> usize {
        let placeholder = match form_of {
            None => {
                let n = self.per_kind.entry(kind).or_default();
                *n += 1;
                format!("[{}_{n}]", kind.label())
            }
            Some(first) => {
                let base = self.entries[first].placeholder.trim_end_matches(']');
                let forms = self
                    .entries
                    .iter()
                    .filter(|e| e.placeholder.starts_with(&format!("{base}.")))
                    .count();
                format!("{base}.{}]", forms + 2)
            }
        };
        self.entries.push(Entry {
            placeholder,
            kind,
            original: original.to_owned(),
            occurrences: 0,
        });
        self.entries.len() - 1
    }

    fn count(&mut self, index: usize, value: &str) -> Handed {
        let entry = &mut self.entries[index];
        entry.occurrences += 1;
        Handed {
            placeholder: entry.placeholder.clone(),
            kind: entry.kind,
            value: value.to_owned(),
        }
    }
}
