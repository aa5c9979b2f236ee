//! A standalone, printable page. Written as well-formed XHTML-compatible
//! HTML5 so any XML parser can check it.

use crate::documents::lang::Paper;
use crate::documents::model::{Block, Document};

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn lines(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| esc(l))
        .collect::<Vec<_>>()
        .join("<br/>")
}

const STYLE: &str = "body{font-family:'DejaVu Sans',Arial,'Noto Sans CJK JP',sans-serif;max-width:46em;margin:2em auto;\
padding:0 1em;line-height:1.45;color:#111}.sender{text-align:right}.meta{margin:1.5em 0}h1{font-size:1.5em}\
h2{font-size:1.15em;margin-top:1.4em}ul.check{list-style:none;padding-left:0.5em}ul.check li:before{content:'\\2610  '}\
dl{display:grid;grid-template-columns:max-content auto;gap:0.2em 1em}dt{font-weight:bold}dd{margin:0}\
.disclaimer{font-size:0.85em;color:#444;border-top:1px solid #999;margin-top:2em;padding-top:0.5em}\
@media print{body{margin:0;max-width:none}@page{margin:2cm}}";

pub fn render(doc: &Document) -> String {
    // A translation says in the page's metadata how it was made.
    let translation = doc
        .translation
        .as_deref()
        .map(|t| format!("<meta name=\"description\" content=\"{}\"/>", esc(t)))
        .unwrap_or_default();
    let page = match doc.paper {
        Paper::A4 => "A4",
        Paper::Letter => "letter",
    };
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"/><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\
{translation}<title>{}</title><style>{STYLE}@media print{{@page{{size:{page}}}}}</style></head><body>\n",
        doc.lang.code(),
        esc(&doc.title)
    );
    out.push_str(&format!("<p class=\"sender\">{}</p>\n", lines(&doc.sender)));
    out.push_str(&format!(
        "<p class=\"recipient\">{}</p>\n",
        lines(&doc.recipient)
    ));
    out.push_str(&format!("<p class=\"meta\">{}</p>\n", esc(&doc.date)));
    out.push_str(&format!("<h1>{}</h1>\n", esc(&doc.title)));
    if let Some(s) = &doc.subject {
        out.push_str(&format!("<p><strong>{}</strong></p>\n", esc(s)));
    }
    for block in &doc.blocks {
        match block {
            Block::Heading { text } => out.push_str(&format!("<h2>{}</h2>\n", esc(text))),
            Block::Paragraph { text } => out.push_str(&format!("<p>{}</p>\n", esc(text))),
            Block::Bullets { items } => {
                out.push_str("<ul>");
                items
                    .iter()
                    .for_each(|i| out.push_str(&format!("<li>{}</li>", esc(i))));
                out.push_str("</ul>\n");
            }
            Block::Checklist { items } => {
                out.push_str("<ul class=\"check\">");
                items
                    .iter()
                    .for_each(|i| out.push_str(&format!("<li>{}</li>", esc(i))));
                out.push_str("</ul>\n");
            }
            Block::Fields { items } => {
                out.push_str("<dl>");
                items.iter().for_each(|(k, v)| {
                    out.push_str(&format!("<dt>{}</dt><dd>{}</dd>", esc(k), esc(v)))
                });
                out.push_str("</dl>\n");
            }
        }
    }
    out.push_str(&format!("<p>{}</p>\n", lines(&doc.closing)));
    if !doc.references.is_empty() {
        out.push_str(&format!(
            "<h2>{}</h2>\n<ol class=\"references\">",
            esc(&doc.labels.references)
        ));
        doc.references
            .iter()
            .for_each(|r| out.push_str(&format!("<li>{}</li>", esc(r))));
        out.push_str("</ol>\n");
    }
    out.push_str(&format!(
        "<p class=\"disclaimer\">{}</p>\n</body></html>\n",
        esc(&doc.disclaimer)
    ));
    out
}
