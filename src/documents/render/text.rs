use crate::documents::model::{Block, Document};

pub fn render(doc: &Document) -> String {
    let mut out = format!(
        "{}\n{}\n\n",
        doc.title,
        "=".repeat(doc.title.chars().count())
    );
    for l in &doc.sender {
        out.push_str(&format!("{l}\n"));
    }
    out.push('\n');
    for l in &doc.recipient {
        out.push_str(&format!("{l}\n"));
    }
    out.push_str(&format!("\n{}\n\n", doc.date));
    if let Some(s) = &doc.subject {
        out.push_str(&format!("{s}\n\n"));
    }
    for block in &doc.blocks {
        match block {
            Block::Heading { text } => {
                out.push_str(&format!("{text}\n{}\n\n", "-".repeat(text.chars().count())))
            }
            Block::Paragraph { text } => out.push_str(&format!("{text}\n\n")),
            Block::Bullets { items } => {
                items
                    .iter()
                    .for_each(|i| out.push_str(&format!("  * {i}\n")));
                out.push('\n');
            }
            Block::Checklist { items } => {
                items
                    .iter()
                    .for_each(|i| out.push_str(&format!("  [ ] {i}\n")));
                out.push('\n');
            }
            Block::Fields { items } => {
                items
                    .iter()
                    .for_each(|(k, v)| out.push_str(&format!("  {k}{}{v}\n", doc.labels.colon)));
                out.push('\n');
            }
        }
    }
    for l in &doc.closing {
        out.push_str(&format!("{l}\n"));
    }
    if !doc.references.is_empty() {
        let r = &doc.labels.references;
        out.push_str(&format!("\n{r}\n{}\n\n", "-".repeat(r.chars().count())));
        for (i, r) in doc.references.iter().enumerate() {
            out.push_str(&format!("[{}] {r}\n", i + 1));
        }
    }
    out.push_str(&format!("\n--\n{}\n", doc.disclaimer));
    out
}
