//! Restoring placeholders in an answer that arrives in pieces cut anywhere, even inside a
//! placeholder or a multi-byte character's neighbour.

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
        }
    }

    /// The restored text that is safe to show now.
    pub fn push(&mut self, delta: &str) -> String {
        if self.pending.is_empty() {
            let (out, held) = self.restore(delta);
            self.pending.push_str(&delta[held..]);
            out
        } else {
            self.pending.push_str(delta);
            let (out, held) = self.restore(&self.pending);
            self.pending.drain(..held);
            out
        }
    }

    /// `text` restored up to the tail that may still become a placeholder, and where that
    /// tail starts (`text.len()` when there is none).
    fn restore(&self, text: &str) -> (String, usize) {
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        let mut at = 0;
        while let Some(offset) = text[at..].find('[') {
            let open = at + offset;
            match placeholder_at(&text.as_bytes()[open..]) {
                Parse::Complete(len) => {
                    out.push_str(&text[copied..open]);
                    let written = &text[open..open + len];
                    out.push_str(self.originals.get(written).map_or(written, String::as_str));
                    copied = open + len;
                    at = copied;
                }
                Parse::Partial => {
                    out.push_str(&text[copied..open]);
                    return (out, open);
                }
                Parse::Not => at = open + 1,
            }
        }
        out.push_str(&text[copied..]);
        (out, text.len())
    }

    /// Everything still held back (a `[` that never became a placeholder), as written.
    pub fn finish(&mut self) -> String {
        std::mem::take(&mut self.pending)
    }
}

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
