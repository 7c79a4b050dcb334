//! The PDF export, written by `krilla`: US Letter pages with the firm, client and matter at the
//! top and "Page N of M" at the bottom, the review banner in a coloured box, headings,
//! paragraphs, lists, tables (header row repeated on each page they cross), the provenance
//! block and the content hash. Text is set in DejaVu Serif, embedded (subsetted) with its
//! Unicode mapping, so any PDF reader can search and extract it.
//!
//! Layout is two passes: blocks become drawing operations on pages, then pages are drawn once
//! their count is known (for "of M").

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};
use krilla::{Data, Document};

use super::blocks::{BREAK, Block, Span, parse, plain};
use super::{DraftExport, Exported};
use crate::store::DraftStatus;
use crate::{Error, Result};

const REGULAR: &[u8] = include_bytes!("../../fonts/DejaVuSerif.ttf");
const BOLD: &[u8] = include_bytes!("../../fonts/DejaVuSerif-Bold.ttf");
const ITALIC: &[u8] = include_bytes!("../../fonts/DejaVuSerif-Italic.ttf");

/// US Letter in points, one-inch margins left and right, room for the header and footer lines.
const PAGE_WIDTH: f32 = 612.0;
const PAGE_HEIGHT: f32 = 792.0;
const LEFT: f32 = 72.0;
const RIGHT: f32 = PAGE_WIDTH - 72.0;
const TOP: f32 = 80.0;
const BOTTOM: f32 = PAGE_HEIGHT - 72.0;
const WIDTH: f32 = RIGHT - LEFT;

const BODY: f32 = 10.5;
const SMALL: f32 = 8.5;
const LEADING: f32 = 1.35;
const CELL_PADDING: f32 = 4.0;

type Color = (u8, u8, u8);
const BLACK: Color = (0, 0, 0);
const GREY: Color = (89, 89, 89);
const HEADING: Color = (31, 56, 100);
const RULE: Color = (166, 166, 166);
const TABLE_HEAD: Color = (217, 226, 243);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Face {
    Regular,
    Bold,
    Italic,
}

impl Face {
    fn of(span: &Span) -> Self {
        if span.bold {
            Face::Bold
        } else if span.italic {
            Face::Italic
        } else {
            Face::Regular
        }
    }
}

/// The embedded fonts, for drawing (krilla) and for measuring (ttf-parser).
struct Fonts {
    drawn: [Font; 3],
    measured: [ttf_parser::Face<'static>; 3],
}

impl Fonts {
    fn load() -> Result<Self> {
        let unusable = || Error::Internal("the PDF export's embedded font cannot be read".into());
        let drawn = |bytes: &'static [u8]| Font::new(Data::from(bytes), 0).ok_or_else(unusable);
        let measured =
            |bytes: &'static [u8]| ttf_parser::Face::parse(bytes, 0).map_err(|_| unusable());
        Ok(Self {
            drawn: [drawn(REGULAR)?, drawn(BOLD)?, drawn(ITALIC)?],
            measured: [measured(REGULAR)?, measured(BOLD)?, measured(ITALIC)?],
        })
    }

    fn index(face: Face) -> usize {
        match face {
            Face::Regular => 0,
            Face::Bold => 1,
            Face::Italic => 2,
        }
    }

    /// The advance width of `text` at `size` points (no kerning: lines come out a little
    /// shorter than they could be, never longer).
    fn width(&self, face: Face, size: f32, text: &str) -> f32 {
        let font = &self.measured[Self::index(face)];
        let units: u32 = text
            .chars()
            .map(|c| {
                let glyph = font.glyph_index(c).unwrap_or(ttf_parser::GlyphId(0));
                u32::from(font.glyph_hor_advance(glyph).unwrap_or(0))
            })
            .sum();
        units as f32 * size / f32::from(font.units_per_em())
    }
}

enum Op {
    Text {
        x: f32,
        baseline: f32,
        face: Face,
        size: f32,
        color: Color,
        text: String,
    },
    Rect {
        rect: (f32, f32, f32, f32),
        fill: Option<Color>,
        stroke: Option<Color>,
    },
}

/// A piece of one line: text in one face, placed `x` points from the line's start.
struct Piece {
    x: f32,
    face: Face,
    text: String,
}

type Line = Vec<Piece>;

struct Layout<'a> {
    fonts: &'a Fonts,
    pages: Vec<Vec<Op>>,
    /// The top of the next line on the current page.
    y: f32,
}

pub(super) fn render(export: &DraftExport) -> Result<Exported> {
    let fonts = Fonts::load()?;
    let sha256 = export.content_sha256();
    let mut layout = Layout {
        fonts: &fonts,
        pages: vec![Vec::new()],
        y: TOP,
    };
    layout.banner(export);
    let markdown = format!(
        "{}\n\n{}",
        export.draft.body,
        export.draft.provenance.markdown()
    );
    for block in parse(&markdown) {
        layout.block(&block);
    }
    layout.gap(6.0);
    layout.paragraph(
        &[plain_span(&format!("Content SHA-256: {sha256}"))],
        SMALL,
        0.0,
        GREY,
    );
    layout.paragraph(
        &[plain_span(
            "The hash of this draft's Markdown export without its last line; recompute it with: \
             head -n -1 FILE.md | sha256sum",
        )],
        SMALL,
        0.0,
        GREY,
    );

    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(export.draft.title.clone())
            .creator("Casefile".to_owned()),
    );
    let total = layout.pages.len();
    let letterhead = export.letterhead();
    let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
        .ok_or_else(|| Error::Internal("the PDF page size is invalid".into()))?;
    for (index, mut ops) in layout.pages.into_iter().enumerate() {
        let footer = format!("Page {} of {total}", index + 1);
        let footer_width = fonts.width(Face::Regular, SMALL, &footer);
        ops.push(text_op(LEFT, 48.0, Face::Regular, SMALL, GREY, &letterhead));
        ops.push(Op::Rect {
            rect: (LEFT, 54.0, WIDTH, 0.5),
            fill: Some(RULE),
            stroke: None,
        });
        ops.push(text_op(
            (PAGE_WIDTH - footer_width) / 2.0,
            PAGE_HEIGHT - 40.0,
            Face::Regular,
            SMALL,
            GREY,
            &footer,
        ));
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        for op in ops {
            draw(&mut surface, &fonts, op);
        }
        surface.finish();
        page.finish();
    }
    let bytes = document
        .finish()
        .map_err(|e| Error::Internal(format!("the PDF could not be written: {e:?}")))?;
    Ok(Exported { bytes, sha256 })
}

fn draw(surface: &mut krilla::surface::Surface, fonts: &Fonts, op: Op) {
    let paint = |(r, g, b): Color| rgb::Color::new(r, g, b).into();
    match op {
        Op::Text {
            x,
            baseline,
            face,
            size,
            color,
            text,
        } => {
            surface.set_fill(Some(Fill {
                paint: paint(color),
                ..Fill::default()
            }));
            surface.set_stroke(None);
            surface.draw_text(
                Point::from_xy(x, baseline),
                fonts.drawn[Fonts::index(face)].clone(),
                size,
                &text,
                false,
                TextDirection::Auto,
            );
        }
        Op::Rect { rect, fill, stroke } => {
            let (x, y, w, h) = rect;
            let mut path = PathBuilder::new();
            let Some(rect) = Rect::from_xywh(x, y, w, h) else {
                return;
            };
            path.push_rect(rect);
            let Some(path) = path.finish() else {
                return;
            };
            surface.set_fill(fill.map(|c| Fill {
                paint: paint(c),
                ..Fill::default()
            }));
            surface.set_stroke(stroke.map(|c| Stroke {
                paint: paint(c),
                width: 0.75,
                ..Stroke::default()
            }));
            surface.draw_path(&path);
        }
    }
}

fn text_op(x: f32, baseline: f32, face: Face, size: f32, color: Color, text: &str) -> Op {
    Op::Text {
        x,
        baseline,
        face,
        size,
        color,
        text: text.to_owned(),
    }
}

fn plain_span(text: &str) -> Span {
    Span {
        text: text.to_owned(),
        bold: false,
        italic: false,
        code: false,
    }
}

fn line_height(size: f32) -> f32 {
    size * LEADING
}

impl Layout<'_> {
    fn ops(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("a layout has a page")
    }

    /// Starts a new page unless `height` more points fit on this one.
    fn room(&mut self, height: f32) {
        if self.y + height > BOTTOM && self.y > TOP {
            self.pages.push(Vec::new());
            self.y = TOP;
        }
    }

    fn gap(&mut self, points: f32) {
        if self.y > TOP {
            self.y += points;
        }
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Heading { level, spans } => {
                let size = match level {
                    1 => 17.0,
                    2 => 14.0,
                    _ => 12.0,
                };
                let bold: Vec<Span> = spans
                    .iter()
                    .map(|s| Span {
                        bold: true,
                        ..s.clone()
                    })
                    .collect();
                self.gap(size * 0.6);
                // A heading is not left alone at the foot of a page.
                self.room(line_height(size) + 2.0 * line_height(BODY));
                self.paragraph(&bold, size, 0.0, HEADING);
                self.gap(3.0);
            }
            Block::Paragraph(spans) => {
                self.paragraph(spans, BODY, 0.0, BLACK);
                self.gap(5.0);
            }
            Block::Quote(spans) => {
                let italic: Vec<Span> = spans
                    .iter()
                    .map(|s| Span {
                        italic: true,
                        ..s.clone()
                    })
                    .collect();
                self.paragraph(&italic, BODY, 24.0, GREY);
                self.gap(5.0);
            }
            Block::Item {
                depth,
                number,
                spans,
            } => {
                let indent = 14.0 + 18.0 * *depth as f32;
                let marker = number.map_or("•".to_owned(), |n| format!("{n}."));
                let lines = self.wrap(spans, BODY, WIDTH - indent - 4.0);
                self.room(line_height(BODY));
                let marker_x = LEFT + indent - 4.0 - self.fonts.width(Face::Regular, BODY, &marker);
                let baseline = self.y + BODY;
                self.ops().push(text_op(
                    marker_x,
                    baseline,
                    Face::Regular,
                    BODY,
                    BLACK,
                    &marker,
                ));
                self.lines(lines, BODY, LEFT + indent, BLACK);
                self.gap(2.0);
            }
            Block::Table { header, rows } => {
                self.table(header, rows);
                self.gap(8.0);
            }
            Block::Code(code) => {
                for line in code.split('\n') {
                    self.paragraph(&[plain_span(line)], SMALL + 0.5, 12.0, BLACK);
                }
                self.gap(5.0);
            }
            Block::Rule => {
                self.room(8.0);
                let y = self.y + 3.0;
                self.ops().push(Op::Rect {
                    rect: (LEFT, y, WIDTH, 0.5),
                    fill: Some(RULE),
                    stroke: None,
                });
                self.y += 8.0;
            }
        }
    }

    /// The review banner in a box: amber until approved, green after.
    fn banner(&mut self, export: &DraftExport) {
        let (fill, edge) = match export.draft.status {
            DraftStatus::Approved => ((226, 240, 217), (84, 130, 53)),
            _ => ((255, 242, 204), (191, 143, 0)),
        };
        let size = 11.5;
        let padding = 7.0;
        let span = Span {
            bold: true,
            ..plain_span(&export.banner())
        };
        let lines = self.wrap(&[span], size, WIDTH - 2.0 * padding);
        let height = lines.len() as f32 * line_height(size) + 2.0 * padding;
        self.room(height);
        let top = self.y;
        self.ops().push(Op::Rect {
            rect: (LEFT, top, WIDTH, height),
            fill: Some(fill),
            stroke: Some(edge),
        });
        self.y += padding;
        self.lines(lines, size, LEFT + padding, BLACK);
        self.y = top + height + 12.0;
    }

    fn paragraph(&mut self, spans: &[Span], size: f32, indent: f32, color: Color) {
        let lines = self.wrap(spans, size, WIDTH - indent);
        self.lines(lines, size, LEFT + indent, color);
    }

    /// Draws `lines` from the current position, breaking pages between lines.
    fn lines(&mut self, lines: Vec<Line>, size: f32, left: f32, color: Color) {
        for line in lines {
            self.room(line_height(size));
            let baseline = self.y + size;
            for piece in line {
                let op = text_op(
                    left + piece.x,
                    baseline,
                    piece.face,
                    size,
                    color,
                    &piece.text,
                );
                self.ops().push(op);
            }
            self.y += line_height(size);
        }
    }

    /// Breaks `spans` into lines no wider than `width`: at spaces, at hard breaks, and inside a
    /// word only when the word alone is wider than a line.
    fn wrap(&self, spans: &[Span], size: f32, width: f32) -> Vec<Line> {
        // Words as pieces of one face each; `true` marks a word after a hard break.
        let mut words: Vec<(bool, Vec<(Face, String)>)> = Vec::new();
        let mut open = false;
        let mut broken = false;
        for span in spans {
            let face = Face::of(span);
            for c in span.text.chars() {
                if c == BREAK {
                    open = false;
                    broken = true;
                } else if c.is_whitespace() {
                    open = false;
                } else {
                    if !open {
                        words.push((broken, Vec::new()));
                        open = true;
                        broken = false;
                    }
                    let pieces = &mut words.last_mut().expect("a word was opened").1;
                    match pieces.last_mut() {
                        Some((f, text)) if *f == face => text.push(c),
                        _ => pieces.push((face, c.to_string())),
                    }
                }
            }
        }
        let space = self.fonts.width(Face::Regular, size, " ");
        let mut lines: Vec<Line> = Vec::new();
        let mut line: Line = Vec::new();
        let mut x = 0.0;
        for (after_break, pieces) in words {
            let word_width: f32 = pieces
                .iter()
                .map(|(face, text)| self.fonts.width(*face, size, text))
                .sum();
            let start = if line.is_empty() { 0.0 } else { x + space };
            if after_break || (!line.is_empty() && start + word_width > width) {
                lines.push(std::mem::take(&mut line));
                x = 0.0;
            } else {
                x = start;
            }
            for (face, text) in pieces {
                // A word longer than a line is cut where it reaches the edge.
                let mut rest = text.as_str();
                while !rest.is_empty() {
                    let mut fits = 0;
                    let mut used = 0.0;
                    for (i, c) in rest.char_indices() {
                        let w = self.fonts.width(face, size, &rest[i..i + c.len_utf8()]);
                        if x + used + w > width && (fits > 0 || x > 0.0) {
                            break;
                        }
                        used += w;
                        fits = i + c.len_utf8();
                    }
                    if fits == 0 {
                        lines.push(std::mem::take(&mut line));
                        x = 0.0;
                        continue;
                    }
                    line.push(Piece {
                        x,
                        face,
                        text: rest[..fits].to_owned(),
                    });
                    x += used;
                    rest = &rest[fits..];
                    if !rest.is_empty() {
                        lines.push(std::mem::take(&mut line));
                        x = 0.0;
                    }
                }
            }
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }

    fn table(&mut self, header: &[Vec<Span>], rows: &[Vec<Vec<Span>>]) {
        let columns = header
            .len()
            .max(rows.iter().map(Vec::len).max().unwrap_or(0))
            .max(1);
        let size = BODY - 1.0;
        // Each column as wide as its longest cell would like, within limits, then all scaled to
        // the text width.
        let wanted: Vec<f32> = (0..columns)
            .map(|i| {
                std::iter::once(header)
                    .chain(rows.iter().map(Vec::as_slice))
                    .filter_map(|row| row.get(i))
                    .map(|cell| {
                        self.fonts.width(Face::Bold, size, &plain(cell)) + 2.0 * CELL_PADDING
                    })
                    .fold(36.0_f32, f32::max)
                    .min(WIDTH * 0.6)
            })
            .collect();
        let scale = WIDTH / wanted.iter().sum::<f32>();
        let widths: Vec<f32> = wanted.iter().map(|w| w * scale).collect();
        let bold_header: Vec<Vec<Span>> = header
            .iter()
            .map(|cell| {
                cell.iter()
                    .map(|s| Span {
                        bold: true,
                        ..s.clone()
                    })
                    .collect()
            })
            .collect();
        let head_height = if header.is_empty() {
            0.0
        } else {
            self.row_height(&bold_header, &widths, size)
        };
        self.room(head_height + line_height(size) + 2.0 * CELL_PADDING);
        for (i, row) in rows.iter().enumerate() {
            let height = self.row_height(row, &widths, size);
            let continued = i > 0 && self.y + height > BOTTOM;
            if continued {
                self.pages.push(Vec::new());
                self.y = TOP;
            }
            if (i == 0 || continued) && !header.is_empty() {
                self.row(&bold_header, &widths, size, Some(TABLE_HEAD));
            }
            self.row(row, &widths, size, None);
        }
        if rows.is_empty() && !header.is_empty() {
            self.row(&bold_header, &widths, size, Some(TABLE_HEAD));
        }
    }

    fn row_height(&self, cells: &[Vec<Span>], widths: &[f32], size: f32) -> f32 {
        widths
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let cell = cells.get(i).map(Vec::as_slice).unwrap_or_default();
                self.wrap(cell, size, w - 2.0 * CELL_PADDING).len() as f32
            })
            .fold(1.0_f32, f32::max)
            * line_height(size)
            + 2.0 * CELL_PADDING
    }

    fn row(&mut self, cells: &[Vec<Span>], widths: &[f32], size: f32, fill: Option<Color>) {
        let height = self.row_height(cells, widths, size);
        let top = self.y;
        let mut left = LEFT;
        for (i, width) in widths.iter().enumerate() {
            let cell = cells.get(i).map(Vec::as_slice).unwrap_or_default();
            let lines = self.wrap(cell, size, width - 2.0 * CELL_PADDING);
            self.ops().push(Op::Rect {
                rect: (left, top, *width, height),
                fill,
                stroke: Some(RULE),
            });
            let mut baseline = top + CELL_PADDING + size;
            for line in lines {
                for piece in line {
                    let op = text_op(
                        left + CELL_PADDING + piece.x,
                        baseline,
                        piece.face,
                        size,
                        BLACK,
                        &piece.text,
                    );
                    self.ops().push(op);
                }
                baseline += line_height(size);
            }
            left += width;
        }
        self.y = top + height;
    }
}
