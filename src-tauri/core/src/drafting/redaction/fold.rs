//! Case and accent folding, so that a stored `Peña` finds `Pena`, `PEÑA` and `pe\u{303}na`, with a
//! map back to the original text's byte offsets.

use icu_normalizer::DecomposingNormalizerBorrowed;

/// Text folded for matching, and where each of its bytes came from in the original.
pub(super) struct Folded {
    pub text: String,
    /// For each byte of `text`, the offset of the original character it came from, plus one entry
    /// for the end. `None` when folding kept every byte in place (ASCII input).
    offsets: Option<Vec<u32>>,
    original_len: usize,
}

impl Folded {
    /// The original byte range that produced `folded`'s bytes `start..end`.
    pub fn original_range(&self, start: usize, end: usize) -> std::ops::Range<usize> {
        match &self.offsets {
            None => start..end,
            Some(offsets) => {
                let to = offsets.get(end).map_or(self.original_len, |&o| o as usize);
                offsets[start] as usize..to
            }
        }
    }
}

/// Folds `text`: lower case, accents dropped, every whitespace character a plain space, curly
/// apostrophes straight. ASCII text (the common case) keeps its length and needs no offset map.
pub(super) fn fold(text: &str) -> Folded {
    if text.is_ascii() {
        let folded: Vec<u8> = text.bytes().map(fold_ascii).collect();
        return Folded {
            text: String::from_utf8(folded).expect("ASCII stays ASCII"),
            offsets: None,
            original_len: text.len(),
        };
    }
    let mut folded = String::with_capacity(text.len());
    let mut offsets = Vec::with_capacity(text.len() + 1);
    for (at, c) in text.char_indices() {
        let before = folded.len();
        if c.is_ascii() {
            folded.push(fold_ascii(c as u8) as char);
        } else {
            fold_char(c, &mut folded);
        }
        let offset = u32::try_from(at).expect("texts are far below 4 GB");
        offsets.resize(offsets.len() + (folded.len() - before), offset);
    }
    offsets.push(u32::try_from(text.len()).expect("texts are far below 4 GB"));
    Folded {
        text: folded,
        offsets: Some(offsets),
        original_len: text.len(),
    }
}

/// A value's folded form with runs of spaces made one and the ends trimmed: the key under which
/// spellings of one name are the same.
pub(super) fn key(value: &str) -> String {
    fold(value)
        .text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn fold_ascii(b: u8) -> u8 {
    if b.is_ascii_whitespace() {
        b' '
    } else {
        b.to_ascii_lowercase()
    }
}

/// Appends the folded form of one non-ASCII character.
fn fold_char(c: char, out: &mut String) {
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
        out.push_str(special);
        return;
    }
    const NFD: DecomposingNormalizerBorrowed<'static> = DecomposingNormalizerBorrowed::new_nfd();
    for part in NFD.normalize_iter(std::iter::once(c)) {
        if !is_combining_mark(part) {
            out.extend(part.to_lowercase());
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
