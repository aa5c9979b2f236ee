//! One renderer per format; each prints a [`Document`] and escapes its
//! plain-text strings for that format.

mod docx;
mod html;
mod markdown;
mod pdf;
mod text;

use crate::documents::format::Format;
use crate::documents::model::Document;

#[derive(Debug, thiserror::Error)]
#[error("could not render the {0} document")]
pub struct RenderError(pub &'static str);

pub fn render(doc: &Document, format: Format) -> Result<Vec<u8>, RenderError> {
    match format {
        Format::Markdown => Ok(markdown::render(doc).into_bytes()),
        Format::Html => Ok(html::render(doc).into_bytes()),
        Format::Text => Ok(text::render(doc).into_bytes()),
        Format::Docx => docx::render(doc),
        Format::Pdf => pdf::render(doc),
    }
}
