use crate::documents::model::{Block, Document};

/// Escapes characters Markdown would read as formatting.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '<' | '>' | '#' | '|' | '!'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn lines(out: &mut String, lines: &[String]) {
    for l in lines {
        out.push_str(&esc(l));
        out.push_str("  \n");
    }
    out.push('\n');
}

pub fn render(doc: &Document) -> String {
    let mut out = format!("# {}\n\n", esc(&doc.title));
    lines(&mut out, &doc.sender);
    lines(&mut out, &doc.recipient);
    out.push_str(&format!("{}\n\n", esc(&doc.date)));
    if let Some(s) = &doc.subject {
        out.push_str(&format!("**{}**\n\n", esc(s)));
    }
    for block in &doc.blocks {
        match block {
            Block::Heading { text } => out.push_str(&format!("## {}\n\n", esc(text))),
            Block::Paragraph { text } => out.push_str(&format!("{}\n\n", esc(text))),
            Block::Bullets { items } => {
                items
                    .iter()
                    .for_each(|i| out.push_str(&format!("- {}\n", esc(i))));
                out.push('\n');
            }
            Block::Checklist { items } => {
                items
                    .iter()
                    .for_each(|i| out.push_str(&format!("- [ ] {}\n", esc(i))));
                out.push('\n');
            }
            Block::Fields { items } => {
                items.iter().for_each(|(k, v)| {
                    out.push_str(&format!(
                        "- **{}{}** {}\n",
                        esc(k),
                        esc(doc.labels.colon.trim_end()),
                        esc(v)
                    ))
                });
                out.push('\n');
            }
        }
    }
    lines(&mut out, &doc.closing);
    if !doc.references.is_empty() {
        out.push_str(&format!("## {}\n\n", esc(&doc.labels.references)));
        for (i, r) in doc.references.iter().enumerate() {
            out.push_str(&format!("{}. {}\n", i + 1, esc(r)));
        }
        out.push('\n');
    }
    out.push_str(&format!("---\n\n*{}*\n", esc(&doc.disclaimer)));
    out
}
