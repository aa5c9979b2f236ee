//! Typeset PDF through Typst, used as a library: one compiled template,
//! the letter passed in as JSON data (so nothing a patient types is read
//! as markup), fonts embedded in the binary and subset into each PDF.

use std::sync::OnceLock;

use typst_as_lib::TypstEngine;

use super::RenderError;
use crate::documents::model::Document;

const TEMPLATE: &str = include_str!("letter.typ");
const FONTS: [&[u8]; 3] = [
    include_bytes!("../fonts/DejaVuSans.ttf"),
    include_bytes!("../fonts/DejaVuSans-Bold.ttf"),
    // Chinese and Japanese names (it has no Korean Hangul syllables).
    include_bytes!("../fonts/DroidSansFallbackFull.ttf"),
];

/// The engine, made with the first PDF rather than at start-up: its fonts
/// and Typst's tables take memory (about 9 MiB resident before any PDF)
/// that a node serving no PDF never needs, and making it adds only a few
/// milliseconds to the first PDF (13 ms against 9 ms for the next one,
/// release build).
fn engine() -> &'static TypstEngine<typst_as_lib::TypstTemplateMainFile> {
    static ENGINE: OnceLock<TypstEngine<typst_as_lib::TypstTemplateMainFile>> = OnceLock::new();
    ENGINE.get_or_init(|| {
        TypstEngine::builder()
            .main_file(TEMPLATE)
            .fonts(FONTS)
            .build()
    })
}

pub fn render(doc: &Document) -> Result<Vec<u8>, RenderError> {
    let json = serde_json::to_string(doc).map_err(|_| RenderError("pdf"))?;
    let mut inputs = typst::foundations::Dict::new();
    inputs.insert("doc".into(), typst::foundations::Value::Str(json.into()));
    let compiled = engine().compile_with_input::<_, typst_layout::PagedDocument>(inputs);
    // Typst's diagnostics may quote the letter's text: never log them.
    let paged = compiled.output.map_err(|_| RenderError("pdf"))?;
    typst_pdf::pdf(&paged, &typst_pdf::PdfOptions::default()).map_err(|_| RenderError("pdf"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::{evidence, i18n, lang};
    use typst::foundations::Bytes;
    use typst::text::Font;

    /// Every character a letter can print from the service's own text (each
    /// language's words, the evidence library, the layout's marks, and
    /// names in several scripts) has a glyph in an embedded font.
    #[test]
    fn fonts_cover_every_character_of_every_language() {
        let fonts: Vec<Font> = FONTS
            .iter()
            .flat_map(|f| Font::iter(Bytes::new(f.to_vec())))
            .collect();
        let mut text = String::from("☐•“”‘’–—[]Zoë Müller-Øvergård 山田太郎 王小明 Ñandú Łódź Ærø");
        for l in lang::ALL {
            text.push_str(&serde_json::to_string(i18n::texts(l)).unwrap());
        }
        for e in evidence::library() {
            text.push_str(&e.citation());
            text.push_str(&e.finding);
        }
        let mut missing: Vec<String> = text
            .chars()
            .filter(|c| !c.is_control())
            .filter(|c| !fonts.iter().any(|f| f.info().coverage.contains(*c as u32)))
            .map(|c| format!("{c:?} U+{:04X}", c as u32))
            .collect();
        missing.dedup();
        assert!(missing.is_empty(), "no glyph for: {missing:?}");
    }
}
