//! The Word export: OOXML written by `docx-rs`. Headings use Word's own "Heading N" styles (so
//! the navigation pane and a table of contents find them), lists Word numbering, Markdown tables
//! Word tables. Every page has the firm, client and matter in its header and "Page N of M" in
//! its footer; the review banner opens the document in a shaded box; the provenance block and
//! the content hash close it.

use docx_rs::{
    AbstractNumbering, AlignmentType, BorderType, BreakType, Docx, Footer, Header, IndentLevel,
    Level, LevelJc, LevelOverride, LevelText, LineSpacing, NumPages, NumberFormat, Numbering,
    NumberingId, PageMargin, PageNum, Paragraph, ParagraphBorder, ParagraphBorderPosition, Run,
    RunFonts, Shading, ShdType, SpecialIndentType, Start, Style, StyleType, Table, TableCell,
    TableRow, WidthType,
};

use super::blocks::{BREAK, Block, Span, parse};
use super::{DraftExport, Exported};
use crate::store::DraftStatus;
use crate::{Error, Result};

/// US Letter, in twentieths of a point, with one-inch margins.
const PAGE_WIDTH: u32 = 12_240;
const PAGE_HEIGHT: u32 = 15_840;
const MARGIN: i32 = 1_440;
const TEXT_WIDTH: usize = (PAGE_WIDTH as usize) - 2 * (MARGIN as usize);

const BULLETS: usize = 2;
/// Ordered lists get their own numbering from this id up, each restarting at its first number.
const FIRST_ORDERED: usize = 3;
const ORDERED: usize = 3;

pub(super) fn render(export: &DraftExport) -> Result<Exported> {
    let sha256 = export.content_sha256();
    let mut docx = Docx::new()
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(PageMargin {
            top: MARGIN,
            left: MARGIN,
            bottom: MARGIN,
            right: MARGIN,
            header: 720,
            footer: 720,
            gutter: 0,
        })
        .default_size(22)
        .header(
            Header::new().add_paragraph(
                Paragraph::new()
                    .style("Header")
                    .add_run(Run::new().add_text(export.letterhead())),
            ),
        )
        .footer(
            Footer::new().add_paragraph(
                Paragraph::new()
                    .style("Footer")
                    .align(AlignmentType::Center)
                    .add_run(Run::new().add_text("Page "))
                    .add_page_num(PageNum::new())
                    .add_run(Run::new().add_text(" of "))
                    .add_num_pages(NumPages::new()),
            ),
        )
        .created_at(&whole_seconds(&export.draft.created_at))
        .updated_at(&whole_seconds(&export.draft.updated_at));
    for style in styles() {
        docx = docx.add_style(style);
    }
    docx = docx
        .add_abstract_numbering(list_numbering(BULLETS, "bullet", "•"))
        .add_numbering(Numbering::new(BULLETS, BULLETS))
        .add_abstract_numbering(list_numbering(ORDERED, "decimal", "%1."))
        .add_paragraph(banner(export));

    let mut next_ordered = FIRST_ORDERED;
    let mut ordered_list: Option<usize> = None;
    let markdown = format!(
        "{}\n\n{}",
        export.draft.body,
        export.draft.provenance.markdown()
    );
    for block in parse(&markdown) {
        if !matches!(
            block,
            Block::Item {
                number: Some(_),
                ..
            }
        ) {
            ordered_list = None;
        }
        docx = match block {
            // A heading stays on the page of what follows it.
            Block::Heading { level, spans } => docx.add_paragraph(
                runs(Paragraph::new(), &spans)
                    .style(&format!("Heading{}", level.min(3)))
                    .keep_next(true),
            ),
            Block::Paragraph(spans) => docx.add_paragraph(runs(Paragraph::new(), &spans)),
            Block::Quote(spans) => {
                docx.add_paragraph(runs(Paragraph::new(), &spans).style("Quote"))
            }
            Block::Item {
                depth,
                number,
                spans,
            } => {
                let id = match (number, ordered_list) {
                    (None, _) => BULLETS,
                    (Some(_), Some(id)) => id,
                    (Some(first), None) => {
                        let id = next_ordered;
                        next_ordered += 1;
                        ordered_list = Some(id);
                        docx = docx.add_numbering(
                            Numbering::new(id, ORDERED)
                                .add_override(LevelOverride::new(0).start(first as usize)),
                        );
                        id
                    }
                };
                docx.add_paragraph(
                    runs(Paragraph::new(), &spans)
                        .style("ListParagraph")
                        .numbering(NumberingId::new(id), IndentLevel::new(depth.min(8))),
                )
            }
            Block::Table { header, rows } => docx.add_table(table(&header, &rows)),
            Block::Code(code) => docx.add_paragraph(runs(
                Paragraph::new().style("Code"),
                &[Span {
                    text: code,
                    bold: false,
                    italic: false,
                    code: true,
                }],
            )),
            Block::Rule => docx.add_paragraph(rule()),
        };
    }
    docx = docx.add_paragraph(
        Paragraph::new()
            .style("Hash")
            .add_run(Run::new().add_text(format!("Content SHA-256: {sha256}")))
            .add_run(Run::new().add_break(BreakType::TextWrapping).add_text(
                "The hash of this draft's Markdown export without its last line; recompute it \
                 with: head -n -1 FILE.md | sha256sum",
            )),
    );

    let mut bytes = std::io::Cursor::new(Vec::new());
    docx.build()
        .pack(&mut bytes)
        .map_err(|e| Error::Internal(format!("the Word document could not be written: {e}")))?;
    Ok(Exported {
        bytes: bytes.into_inner(),
        sha256,
    })
}

/// A stored RFC 3339 time as Word's document properties expect it (no fractional seconds).
fn whole_seconds(at: &str) -> String {
    match at.get(..19) {
        Some(seconds) if at.len() > 19 => format!("{seconds}Z"),
        _ => at.to_owned(),
    }
}

fn styles() -> Vec<Style> {
    let heading = |level: usize, size: usize| {
        Style::new(format!("Heading{level}"), StyleType::Paragraph)
            .line_spacing(
                LineSpacing::new()
                    .before(if level == 1 { 360 } else { 240 })
                    .after(80),
            )
            .name(format!("Heading {level}"))
            .based_on("Normal")
            .next("Normal")
            .q_format(true)
            .bold()
            .size(size)
            .color("1F3864")
            .outline_lvl(level - 1)
    };
    vec![
        Style::new("Normal", StyleType::Paragraph)
            .name("Normal")
            .q_format(true)
            .line_spacing(LineSpacing::new().after(120)),
        heading(1, 32),
        heading(2, 26),
        heading(3, 23),
        Style::new("Header", StyleType::Paragraph)
            .name("header")
            .based_on("Normal")
            .size(18)
            .color("595959"),
        Style::new("Footer", StyleType::Paragraph)
            .name("footer")
            .based_on("Normal")
            .size(18)
            .color("595959"),
        Style::new("Quote", StyleType::Paragraph)
            .name("Quote")
            .based_on("Normal")
            .italic()
            .indent(Some(720), None, Some(720), None),
        Style::new("ListParagraph", StyleType::Paragraph)
            .name("List Paragraph")
            .based_on("Normal")
            .line_spacing(LineSpacing::new().after(40)),
        Style::new("Code", StyleType::Paragraph)
            .name("Code")
            .based_on("Normal")
            .fonts(monospace())
            .size(19),
        Style::new("Banner", StyleType::Paragraph)
            .name("Review Banner")
            .based_on("Normal")
            .bold()
            .size(24),
        Style::new("Hash", StyleType::Paragraph)
            .name("Content Hash")
            .based_on("Normal")
            .line_spacing(LineSpacing::new().before(240))
            .size(18)
            .color("404040"),
    ]
}

fn monospace() -> RunFonts {
    RunFonts::new().ascii("Courier New").hi_ansi("Courier New")
}

fn list_numbering(id: usize, format: &str, text: &str) -> AbstractNumbering {
    (0..9).fold(AbstractNumbering::new(id), |numbering, level| {
        let text = text.replace("%1", &format!("%{}", level + 1));
        let left = 720 * (level as i32 + 1);
        numbering.add_level(
            Level::new(
                level,
                Start::new(1),
                NumberFormat::new(format),
                LevelText::new(text),
                LevelJc::new("left"),
            )
            .indent(
                Some(left),
                Some(SpecialIndentType::Hanging(360)),
                None,
                None,
            ),
        )
    })
}

/// The review banner: bold, in a shaded and bordered box, amber until approved, green after.
fn banner(export: &DraftExport) -> Paragraph {
    let (fill, edge) = match export.draft.status {
        DraftStatus::Approved => ("E2F0D9", "548235"),
        _ => ("FFF2CC", "BF8F00"),
    };
    let mut paragraph = Paragraph::new()
        .style("Banner")
        .line_spacing(LineSpacing::new().before(0).after(240))
        .add_run(Run::new().add_text(export.banner()));
    paragraph.property = paragraph.property.shading(
        Shading::new()
            .shd_type(ShdType::Clear)
            .color("auto")
            .fill(fill),
    );
    for side in [
        ParagraphBorderPosition::Top,
        ParagraphBorderPosition::Left,
        ParagraphBorderPosition::Bottom,
        ParagraphBorderPosition::Right,
    ] {
        paragraph.property = paragraph.property.set_border(
            ParagraphBorder::new(side)
                .val(BorderType::Single)
                .size(12)
                .space(4)
                .color(edge),
        );
    }
    paragraph
}

fn rule() -> Paragraph {
    let mut paragraph = Paragraph::new();
    paragraph.property = paragraph.property.set_border(
        ParagraphBorder::new(ParagraphBorderPosition::Bottom)
            .val(BorderType::Single)
            .size(6)
            .color("A6A6A6"),
    );
    paragraph
}

/// `spans` as runs of `paragraph`, hard breaks as Word line breaks.
fn runs(mut paragraph: Paragraph, spans: &[Span]) -> Paragraph {
    for span in spans {
        for (i, piece) in span.text.split(BREAK).enumerate() {
            let mut run = Run::new();
            if i > 0 {
                run = run.add_break(BreakType::TextWrapping);
            }
            run = run.add_text(piece);
            if span.bold {
                run = run.bold();
            }
            if span.italic {
                run = run.italic();
            }
            if span.code {
                run = run.fonts(monospace());
            }
            paragraph = paragraph.add_run(run);
        }
    }
    paragraph
}

fn table(header: &[Vec<Span>], rows: &[Vec<Vec<Span>>]) -> Table {
    let columns = header
        .len()
        .max(rows.iter().map(Vec::len).max().unwrap_or(0))
        .max(1);
    let width = TEXT_WIDTH / columns;
    let row = |cells: &[Vec<Span>], head: bool| {
        TableRow::new(
            (0..columns)
                .map(|i| {
                    let spans: Vec<Span> = cells
                        .get(i)
                        .map(Vec::as_slice)
                        .unwrap_or_default()
                        .iter()
                        .map(|s| Span {
                            bold: s.bold || head,
                            ..s.clone()
                        })
                        .collect();
                    let cell = TableCell::new().width(width, WidthType::Dxa).add_paragraph(
                        runs(Paragraph::new(), &spans)
                            .line_spacing(LineSpacing::new().before(20).after(20)),
                    );
                    if head {
                        cell.shading(Shading::new().shd_type(ShdType::Clear).fill("D9E2F3"))
                    } else {
                        cell
                    }
                })
                .collect(),
        )
    };
    let mut all = Vec::new();
    if !header.is_empty() {
        all.push(row(header, true));
    }
    all.extend(rows.iter().map(|r| row(r, false)));
    Table::new(all)
        .set_grid(vec![width; columns])
        .width(TEXT_WIDTH, WidthType::Dxa)
}
