//! A renderer-neutral letter: every template builds one of these, every
//! renderer (Markdown, HTML, PDF, DOCX, text) prints one. Strings here are
//! plain text; each renderer escapes them for its format.

use serde::Serialize;

use crate::documents::lang::{Lang, Paper};

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    Heading {
        text: String,
    },
    Paragraph {
        text: String,
    },
    Bullets {
        items: Vec<String>,
    },
    /// Items with a box to tick.
    Checklist {
        items: Vec<String>,
    },
    /// Label and value pairs, e.g. the diagnosis summary.
    Fields {
        items: Vec<(String, String)>,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct Document {
    /// The letter's language (`en`, `de`, `fr`, `es`, `it`).
    pub lang: Lang,
    pub paper: Paper,
    pub title: String,
    /// A file name without extension, ASCII only, e.g.
    /// `second-opinion-request-2026-11-28`.
    pub file_stem: String,
    /// e.g. "28 November 2026", as the language writes it.
    pub date: String,
    pub sender: Vec<String>,
    pub recipient: Vec<String>,
    pub subject: Option<String>,
    pub blocks: Vec<Block>,
    /// Closing lines, e.g. "Yours sincerely," and the name.
    pub closing: Vec<String>,
    /// Formatted citations, numbered in order.
    pub references: Vec<String>,
    pub disclaimer: String,
    /// Words the renderers print themselves, in the letter's language.
    pub labels: Labels,
    /// For a translation: that it was machine-assisted and not yet
    /// reviewed by a native speaker (kept in the file's metadata).
    pub translation: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Labels {
    /// Between a label and its value, e.g. ": ".
    pub colon: String,
    pub references: String,
    /// "Page" and "of", as in "Page 1 of 2".
    pub page: String,
    pub page_of: String,
}

impl Document {
    pub fn heading(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Heading { text: text.into() });
    }

    pub fn paragraph(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Paragraph { text: text.into() });
    }

    pub fn bullets(&mut self, items: Vec<String>) {
        if !items.is_empty() {
            self.blocks.push(Block::Bullets { items });
        }
    }

    pub fn checklist(&mut self, items: Vec<String>) {
        if !items.is_empty() {
            self.blocks.push(Block::Checklist { items });
        }
    }

    pub fn fields(&mut self, items: Vec<(String, String)>) {
        if !items.is_empty() {
            self.blocks.push(Block::Fields { items });
        }
    }
}
