//! A draft's Markdown read with a CommonMark parser into the few kinds of block that Word and
//! PDF exports lay out: headings, paragraphs, quotes, list items, tables, code and rules. Raw
//! HTML in a draft is kept as the literal text it is, never interpreted.

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use super::links::OPTIONS;

/// A run of text with one style.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Span {
    pub text: String,
    pub bold: bool,
    pub italic: bool,
    pub code: bool,
}

/// Text with line breaks kept where the Markdown had hard breaks.
pub(super) type Line = Vec<Span>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Block {
    Heading {
        level: u8,
        spans: Line,
    },
    Paragraph(Line),
    Quote(Line),
    /// One list item; `depth` 0 is the outermost list; `number` is set in ordered lists.
    Item {
        depth: usize,
        number: Option<u64>,
        spans: Line,
    },
    Table {
        /// Empty when the Markdown's header row was blank.
        header: Vec<Line>,
        rows: Vec<Vec<Line>>,
    },
    Code(String),
    Rule,
}

/// A hard line break inside a span's text.
pub(super) const BREAK: char = '\n';

/// A table being read: its header, its finished rows, and the row being read.
#[derive(Default)]
struct TableRows {
    header: Vec<Line>,
    rows: Vec<Vec<Line>>,
    row: Vec<Line>,
}

struct Reader {
    blocks: Vec<Block>,
    /// The inline text being gathered for the current block or cell.
    spans: Line,
    bold: u32,
    italic: u32,
    /// Open lists: the next number of each ordered one.
    lists: Vec<Option<u64>>,
    quote: u32,
    in_item: bool,
    table: Option<TableRows>,
    code: Option<String>,
}

pub(super) fn parse(markdown: &str) -> Vec<Block> {
    let mut reader = Reader {
        blocks: Vec::new(),
        spans: Vec::new(),
        bold: 0,
        italic: 0,
        lists: Vec::new(),
        quote: 0,
        in_item: false,
        table: None,
        code: None,
    };
    for event in Parser::new_ext(markdown, OPTIONS) {
        reader.event(event);
    }
    reader.flush();
    reader.blocks
}

impl Reader {
    fn event(&mut self, event: Event) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => match &mut self.code {
                Some(code) => code.push_str(&text),
                None => self.push(&text, false),
            },
            Event::Code(text) => self.push(&text, true),
            // Shown as written: an export never interprets markup it did not make.
            Event::Html(text) | Event::InlineHtml(text) => self.push(&text, false),
            Event::SoftBreak => self.push(" ", false),
            Event::HardBreak => self.push(&BREAK.to_string(), false),
            Event::Rule => {
                self.flush();
                self.blocks.push(Block::Rule);
            }
            Event::TaskListMarker(done) => self.push(if done { "[x] " } else { "[ ] " }, false),
            Event::FootnoteReference(name) => self.push(&format!("[{name}]"), false),
            Event::InlineMath(text) | Event::DisplayMath(text) => self.push(&text, true),
        }
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            Tag::Strong => self.bold += 1,
            Tag::Emphasis => self.italic += 1,
            Tag::BlockQuote(_) => {
                self.flush();
                self.quote += 1;
            }
            Tag::List(first) => {
                self.flush();
                self.lists.push(first);
            }
            Tag::Item => {
                self.flush();
                self.in_item = true;
            }
            Tag::CodeBlock(_) => {
                self.flush();
                self.code = Some(String::new());
            }
            Tag::Table(_) => {
                self.flush();
                self.table = Some(TableRows::default());
            }
            Tag::TableCell => self.spans.clear(),
            Tag::Image { .. } => self.push("[image: ", false),
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Strong => self.bold = self.bold.saturating_sub(1),
            TagEnd::Emphasis => self.italic = self.italic.saturating_sub(1),
            TagEnd::Image => self.push("]", false),
            // A loose list item: its paragraphs make one item, separated by a break.
            TagEnd::Paragraph | TagEnd::Heading(_) if self.in_item && !self.spans.is_empty() => {
                self.push(&BREAK.to_string(), false)
            }
            TagEnd::Paragraph | TagEnd::Heading(_) if self.in_item => {}
            TagEnd::Paragraph => {
                let spans = std::mem::take(&mut self.spans);
                if !spans.is_empty() {
                    self.blocks.push(if self.quote > 0 {
                        Block::Quote(spans)
                    } else {
                        Block::Paragraph(spans)
                    });
                }
            }
            TagEnd::Heading(level) => {
                let spans = std::mem::take(&mut self.spans);
                self.blocks.push(Block::Heading {
                    level: heading_level(level),
                    spans,
                });
            }
            TagEnd::Item => self.flush(),
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.quote = self.quote.saturating_sub(1);
            }
            TagEnd::CodeBlock => {
                if let Some(code) = self.code.take() {
                    self.blocks
                        .push(Block::Code(code.trim_end_matches('\n').to_owned()));
                }
            }
            TagEnd::TableCell => {
                let cell = std::mem::take(&mut self.spans);
                if let Some(table) = &mut self.table {
                    table.row.push(cell);
                }
            }
            TagEnd::TableHead => {
                if let Some(table) = &mut self.table {
                    table.header = std::mem::take(&mut table.row);
                }
            }
            TagEnd::TableRow => {
                if let Some(table) = &mut self.table {
                    let row = std::mem::take(&mut table.row);
                    table.rows.push(row);
                }
            }
            TagEnd::Table => {
                if let Some(table) = self.table.take() {
                    // A header row with nothing in it (`| | |`) is left out.
                    let blank = table
                        .header
                        .iter()
                        .all(|cell| plain(cell).trim().is_empty());
                    self.blocks.push(Block::Table {
                        header: if blank { Vec::new() } else { table.header },
                        rows: table.rows,
                    });
                }
            }
            _ => {}
        }
    }

    fn push(&mut self, text: &str, code: bool) {
        let (bold, italic) = (self.bold > 0, self.italic > 0);
        match self.spans.last_mut() {
            Some(last) if last.bold == bold && last.italic == italic && last.code == code => {
                last.text.push_str(text)
            }
            _ => self.spans.push(Span {
                text: text.to_owned(),
                bold,
                italic,
                code,
            }),
        }
    }

    /// Ends the list item (or stray text) being gathered.
    fn flush(&mut self) {
        let mut spans = std::mem::take(&mut self.spans);
        if let Some(last) = spans.last_mut() {
            let kept = last.text.trim_end_matches(BREAK).len();
            last.text.truncate(kept);
        }
        if spans.iter().all(|s| s.text.is_empty()) {
            self.in_item = self.in_item && spans.is_empty();
            return;
        }
        if self.in_item {
            let depth = self.lists.len().saturating_sub(1);
            let number = match self.lists.last_mut() {
                Some(Some(next)) => {
                    *next += 1;
                    Some(*next - 1)
                }
                _ => None,
            };
            self.blocks.push(Block::Item {
                depth,
                number,
                spans,
            });
            self.in_item = false;
        } else {
            self.blocks.push(Block::Paragraph(spans));
        }
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The plain text of a line.
pub(super) fn plain(spans: &[Span]) -> String {
    spans.iter().map(|s| s.text.as_str()).collect()
}
