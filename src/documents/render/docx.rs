//! An editable Word document (docx-rs), opened by Word and LibreOffice.

use docx_rs::{AlignmentType, Docx, Footer, Paragraph, Run};

use super::RenderError;
use crate::documents::model::{Block, Document};

fn para(text: &str) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(text))
}

fn lines(mut doc: Docx, lines: &[String], align: AlignmentType) -> Docx {
    for l in lines {
        doc = doc.add_paragraph(para(l).align(align));
    }
    doc.add_paragraph(Paragraph::new())
}

pub fn render(d: &Document) -> Result<Vec<u8>, RenderError> {
    let footer = Footer::new()
        .add_paragraph(Paragraph::new().add_run(Run::new().add_text(&d.disclaimer).size(14)));
    let mut doc = Docx::new().footer(footer);
    doc = lines(doc, &d.sender, AlignmentType::Right);
    doc = lines(doc, &d.recipient, AlignmentType::Left);
    doc = doc.add_paragraph(para(&d.date));
    doc =
        doc.add_paragraph(Paragraph::new().add_run(Run::new().add_text(&d.title).bold().size(32)));
    if let Some(s) = &d.subject {
        doc = doc.add_paragraph(Paragraph::new().add_run(Run::new().add_text(s).bold()));
    }
    for block in &d.blocks {
        doc = match block {
            Block::Heading { text } => doc
                .add_paragraph(Paragraph::new().add_run(Run::new().add_text(text).bold().size(26))),
            Block::Paragraph { text } => doc.add_paragraph(para(text)),
            Block::Bullets { items } => items
                .iter()
                .fold(doc, |doc, i| doc.add_paragraph(para(&format!("• {i}")))),
            Block::Checklist { items } => items
                .iter()
                .fold(doc, |doc, i| doc.add_paragraph(para(&format!("☐ {i}")))),
            Block::Fields { items } => items.iter().fold(doc, |doc, (k, v)| {
                doc.add_paragraph(
                    Paragraph::new()
                        .add_run(Run::new().add_text(format!("{k}: ")).bold())
                        .add_run(Run::new().add_text(v)),
                )
            }),
        };
    }
    doc = doc.add_paragraph(Paragraph::new());
    for l in &d.closing {
        doc = doc.add_paragraph(para(l));
    }
    if !d.references.is_empty() {
        doc = doc.add_paragraph(
            Paragraph::new().add_run(Run::new().add_text("References").bold().size(26)),
        );
        for (i, r) in d.references.iter().enumerate() {
            doc = doc.add_paragraph(para(&format!("[{}] {r}", i + 1)));
        }
    }
    doc = doc.add_paragraph(Paragraph::new());
    doc = doc.add_paragraph(
        Paragraph::new().add_run(Run::new().add_text(&d.disclaimer).italic().size(18)),
    );
    let mut buf = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut buf)
        .map_err(|_| RenderError("docx"))?;
    Ok(buf.into_inner())
}
