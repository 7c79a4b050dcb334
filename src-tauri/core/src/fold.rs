//! Case and accent folding, so that a stored `Peña` finds `Pena`, `PEÑA` and `pe\u{303}na`, with a
//! map back to the original text's byte offsets.

use std::ops::Range;
use std::sync::LazyLock;

use icu_normalizer::DecomposingNormalizerBorrowed;

/// Text folded for matching, and how to find its positions in the original.
pub(crate) struct Folded {
    pub text: String,
    /// One per non-ASCII character of the original, in order (none for ASCII text, whose bytes
    /// all stay in place). Between two of them, folded and original bytes advance together.
    anchors: Vec<Anchor>,
}

/// Where one non-ASCII character went: its folded bytes (possibly none, or several: `ß` → `ss`)
/// and its original bytes.
struct Anchor {
    folded: Range<usize>,
    original: Range<usize>,
}

impl Folded {
    /// The original byte range that produced `folded`'s bytes `start..end`, widened to whole
    /// characters when an end falls inside one character's folded form.
    pub fn original_range(&self, start: usize, end: usize) -> Range<usize> {
        self.original(start, false)..self.original(end, true)
    }

    fn original(&self, at: usize, is_end: bool) -> usize {
        let before = self.anchors.partition_point(|a| a.folded.start <= at);
        let Some(a) = before.checked_sub(1).map(|i| &self.anchors[i]) else {
            return at;
        };
        if at >= a.folded.end {
            a.original.end + (at - a.folded.end)
        } else if at == a.folded.start || !is_end {
            a.original.start
        } else {
            a.original.end
        }
    }
}

/// Folds `text`: lower case, accents dropped, every whitespace character a plain space, curly
/// apostrophes straight. Runs of ASCII (nearly all of any note) are copied in bulk.
pub(crate) fn fold(text: &str) -> Folded {
    let bytes = text.as_bytes();
    let mut folded: Vec<u8> = Vec::with_capacity(text.len() + 16);
    let mut anchors = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let run = bytes[at..]
            .iter()
            .position(|b| !b.is_ascii())
            .unwrap_or(bytes.len() - at);
        let from = folded.len();
        folded.extend_from_slice(&bytes[at..at + run]);
        for b in &mut folded[from..] {
            *b = fold_ascii(*b);
        }
        at += run;
        let Some(c) = text[at..].chars().next() else {
            break;
        };
        let start = folded.len();
        fold_char(c, &mut folded);
        anchors.push(Anchor {
            folded: start..folded.len(),
            original: at..at + c.len_utf8(),
        });
        at += c.len_utf8();
    }
    Folded {
        text: String::from_utf8(folded).expect("folding keeps UTF-8"),
        anchors,
    }
}

/// A value's folded form with runs of spaces made one and the ends trimmed: the key under which
/// spellings of one name are the same.
pub(crate) fn key(value: &str) -> String {
    fold(value)
        .text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn fold_ascii(b: u8) -> u8 {
    match b {
        b'\t' | b'\n' | b'\x0C' | b'\r' => b' ',
        _ => b.to_ascii_lowercase(),
    }
}

/// The Latin blocks that names are written in (Latin-1 to Latin Extended-B, and the Latin
/// Extended Additional block of Vietnamese), folded once: decomposing each character again
/// would cost more than the rest of folding.
const TABLED: [Range<u32>; 2] = [0x80..0x250, 0x1E00..0x1F00];

static TABLE: LazyLock<Vec<Vec<Box<[u8]>>>> = LazyLock::new(|| {
    TABLED
        .iter()
        .map(|block| {
            block
                .clone()
                .map(|code| {
                    let mut folded = Vec::new();
                    if let Some(c) = char::from_u32(code) {
                        decompose(c, &mut folded);
                    }
                    folded.into_boxed_slice()
                })
                .collect()
        })
        .collect()
});

/// Appends the folded form of one non-ASCII character.
fn fold_char(c: char, out: &mut Vec<u8>) {
    let code = u32::from(c);
    for (block, folded) in TABLED.iter().zip(TABLE.iter()) {
        if block.contains(&code) {
            out.extend_from_slice(&folded[(code - block.start) as usize]);
            return;
        }
    }
    decompose(c, out);
}

/// Folds one non-ASCII character the slow way: by its canonical decomposition.
fn decompose(c: char, out: &mut Vec<u8>) {
    // Letters that carry their mark inside them, so canonical decomposition leaves them whole.
    let special = match c {
        'ø' | 'Ø' => "o",
        'đ' | 'Đ' => "d",
        'ł' | 'Ł' => "l",
        'ı' => "i",
        'ß' | 'ẞ' => "ss",
        'æ' | 'Æ' => "ae",
        'œ' | 'Œ' => "oe",
        '\u{2018}' | '\u{2019}' | '\u{02BC}' => "'",
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' => "-",
        c if c.is_whitespace() => " ",
        _ => "",
    };
    if !special.is_empty() {
        out.extend_from_slice(special.as_bytes());
        return;
    }
    const NFD: DecomposingNormalizerBorrowed<'static> = DecomposingNormalizerBorrowed::new_nfd();
    let mut utf8 = [0; 4];
    for part in NFD.normalize_iter(std::iter::once(c)) {
        if !is_combining_mark(part) {
            for lower in part.to_lowercase() {
                out.extend_from_slice(lower.encode_utf8(&mut utf8).as_bytes());
            }
        }
    }
}

/// The combining diacritical mark blocks: what is left of an accent after decomposition.
fn is_combining_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_case_and_spaces_fold_and_offsets_lead_back() {
        let text = "Ana\u{a0}PEÑA, Nguyễn Strauß";
        let folded = fold(text);
        assert_eq!(folded.text, "ana pena, nguyen strauss");
        let at = folded.text.find("pena").unwrap();
        assert_eq!(&text[folded.original_range(at, at + 4)], "PEÑA");
        let at = folded.text.find("strauss").unwrap();
        assert_eq!(&text[folded.original_range(at, at + 7)], "Strauß");
        // A decomposed accent belongs to the letter before it.
        let decomposed = "Pen\u{303}a";
        let folded = fold(decomposed);
        assert_eq!(folded.text, "pena");
        assert_eq!(&decomposed[folded.original_range(0, 4)], decomposed);
        assert_eq!(&decomposed[folded.original_range(0, 3)], "Pen\u{303}");
    }

    #[test]
    fn ascii_keeps_its_offsets_and_keys_collapse_spaces() {
        let folded = fold("Ana\tRUIZ");
        assert_eq!(folded.text, "ana ruiz");
        assert_eq!(folded.original_range(4, 8), 4..8);
        assert_eq!(key("  García   López "), "garcia lopez");
    }
}
