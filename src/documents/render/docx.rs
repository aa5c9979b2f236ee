//! An editable Word document (docx-rs), opened by Word and LibreOffice,
//! built from named styles so a patient editing it keeps a structured
//! letter: Title, Heading 1 and 2, List Bullet and List Number (real Word
//! numbering, a box for checklists), a table for label and value pairs,
//! spacing between paragraphs, and page numbers in the footer.

use docx_rs::{
    AbstractNumbering, AlignmentType, BreakType, Docx, Footer, IndentLevel, Level, LevelJc,
    LevelText, LineSpacing, NumPages, NumberFormat, Numbering, NumberingId, PageMargin, PageNum,
    Paragraph, Run, RunFonts, SpecialIndentType, Start, Style, StyleType, Table, TableCell,
    TableRow, WidthType,
};

use super::RenderError;
use crate::documents::lang::Paper;
use crate::documents::model::{Block, Document};

// Numbering instances (1 is docx-rs's built-in default).
const BULLETS: usize = 2;
const CHECKBOXES: usize = 3;
const NUMBERED: usize = 4;

/// Page size in twentieths of a point.
fn page_size(paper: Paper) -> (u32, u32) {
    match paper {
        Paper::A4 => (11906, 16838),
        Paper::Letter => (12240, 15840),
    }
}

fn list_level(format: &str, text: &str) -> Level {
    Level::new(
        0,
        Start::new(1),
        NumberFormat::new(format),
        LevelText::new(text),
        LevelJc::new("left"),
    )
    .indent(Some(720), Some(SpecialIndentType::Hanging(360)), None, None)
}

fn styles(doc: Docx) -> Docx {
    let heading = |id: &str, name: &str, size: usize, before: u32| {
        Style::new(id, StyleType::Paragraph)
            .name(name)
            .based_on("Normal")
            .next("Normal")
            .q_format(true)
            .bold()
            .size(size)
            .outline_lvl(if id == "Heading1" { 0 } else { 1 })
            .line_spacing(LineSpacing::new().before(before).after(120))
    };
    doc.add_style(
        Style::new("Title", StyleType::Paragraph)
            .name("Title")
            .based_on("Normal")
            .next("Normal")
            .q_format(true)
            .bold()
            .size(32)
            .line_spacing(LineSpacing::new().before(240).after(120)),
    )
    .add_style(heading("Heading1", "heading 1", 26, 240))
    .add_style(heading("Heading2", "heading 2", 23, 200))
    .add_style(
        Style::new("ListBullet", StyleType::Paragraph)
            .name("List Bullet")
            .based_on("Normal")
            .q_format(true)
            .line_spacing(LineSpacing::new().after(60)),
    )
    .add_style(
        Style::new("ListNumber", StyleType::Paragraph)
            .name("List Number")
            .based_on("Normal")
            .q_format(true)
            .line_spacing(LineSpacing::new().after(60)),
    )
    .add_style(
        Style::new("Footer", StyleType::Paragraph)
            .name("footer")
            .based_on("Normal")
            .size(15),
    )
    .add_abstract_numbering(AbstractNumbering::new(BULLETS).add_level(list_level("bullet", "•")))
    .add_abstract_numbering(AbstractNumbering::new(CHECKBOXES).add_level(list_level("bullet", "☐")))
    .add_abstract_numbering(
        AbstractNumbering::new(NUMBERED).add_level(list_level("decimal", "[%1]")),
    )
    .add_numbering(Numbering::new(BULLETS, BULLETS))
    .add_numbering(Numbering::new(CHECKBOXES, CHECKBOXES))
    .add_numbering(Numbering::new(NUMBERED, NUMBERED))
}

fn styled(style: &str, text: &str) -> Paragraph {
    Paragraph::new()
        .style(style)
        .add_run(Run::new().add_text(text))
}

fn item(style: &str, numbering: usize, text: &str) -> Paragraph {
    styled(style, text).numbering(NumberingId::new(numbering), IndentLevel::new(0))
}

/// A bulleted or checkbox list; its last item keeps a paragraph's space
/// from what follows.
fn list(doc: Docx, items: &[String], numbering: usize) -> Docx {
    let last = items.len().saturating_sub(1);
    items.iter().enumerate().fold(doc, |doc, (n, i)| {
        let p = item("ListBullet", numbering, i);
        doc.add_paragraph(if n == last {
            p.line_spacing(LineSpacing::new().after(160))
        } else {
            p
        })
    })
}

/// Lines kept together in one paragraph (an address block).
fn lines(lines: &[String], align: AlignmentType) -> Paragraph {
    let mut run = Run::new();
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            run = run.add_break(BreakType::TextWrapping);
        }
        run = run.add_text(l);
    }
    Paragraph::new().align(align).add_run(run)
}

/// Label and value pairs as a two-column table without borders.
fn fields(items: &[(String, String)]) -> Table {
    let rows = items
        .iter()
        .map(|(k, v)| {
            TableRow::new(vec![
                TableCell::new()
                    .width(2800, WidthType::Dxa)
                    .add_paragraph(Paragraph::new().add_run(Run::new().add_text(k).bold())),
                TableCell::new()
                    .width(6200, WidthType::Dxa)
                    .add_paragraph(Paragraph::new().add_run(Run::new().add_text(v))),
            ])
        })
        .collect();
    Table::without_borders(rows).set_grid(vec![2800, 6200])
}

fn footer(d: &Document) -> Footer {
    Footer::new()
        .add_paragraph(styled("Footer", &d.disclaimer))
        .add_paragraph(
            Paragraph::new()
                .style("Footer")
                .align(AlignmentType::Right)
                .add_run(Run::new().add_text(format!("{} ", d.labels.page)))
                .add_page_num(PageNum::new())
                .add_run(Run::new().add_text(format!(" {} ", d.labels.page_of)))
                .add_num_pages(NumPages::new()),
        )
}

pub fn render(d: &Document) -> Result<Vec<u8>, RenderError> {
    let (w, h) = page_size(d.paper);
    let mut doc = styles(Docx::new())
        .page_size(w, h)
        .page_margin(
            PageMargin::new()
                .top(1247)
                .bottom(1474)
                .left(1247)
                .right(1247)
                .footer(567),
        )
        .default_fonts(RunFonts::new().ascii("DejaVu Sans").hi_ansi("DejaVu Sans"))
        .default_size(20)
        .default_line_spacing(LineSpacing::new().after(120).line(264))
        .footer(footer(d));
    if let Some(t) = &d.translation {
        // Kept in the file's properties: a translation says how it was made.
        doc = doc.custom_property("translation", t);
    }
    doc = doc
        .add_paragraph(lines(&d.sender, AlignmentType::Right))
        .add_paragraph(lines(&d.recipient, AlignmentType::Left))
        .add_paragraph(Paragraph::new().add_run(Run::new().add_text(&d.date)))
        .add_paragraph(styled("Title", &d.title));
    if let Some(s) = &d.subject {
        doc = doc.add_paragraph(styled("Heading1", s));
    }
    for block in &d.blocks {
        doc = match block {
            Block::Heading { text } => doc.add_paragraph(styled("Heading2", text)),
            Block::Paragraph { text } => {
                doc.add_paragraph(Paragraph::new().add_run(Run::new().add_text(text)))
            }
            Block::Bullets { items } => list(doc, items, BULLETS),
            Block::Checklist { items } => list(doc, items, CHECKBOXES),
            Block::Fields { items } => doc.add_table(fields(items)),
        };
    }
    doc = doc.add_paragraph(lines(&d.closing, AlignmentType::Left));
    if !d.references.is_empty() {
        doc = doc.add_paragraph(styled("Heading2", &d.labels.references));
        for r in &d.references {
            doc = doc.add_paragraph(item("ListNumber", NUMBERED, r));
        }
    }
    // Also in the body, where it stays when the footer is edited away.
    doc = doc.add_paragraph(
        Paragraph::new()
            .line_spacing(LineSpacing::new().before(360))
            .add_run(Run::new().add_text(&d.disclaimer).italic().size(16)),
    );
    let mut buf = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut buf)
        .map_err(|_| RenderError("docx"))?;
    Ok(buf.into_inner())
}
