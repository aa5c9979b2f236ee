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
    // Chinese, Japanese and Korean names.
    include_bytes!("../fonts/DroidSansFallbackFull.ttf"),
];

fn engine() -> &'static TypstEngine<typst_as_lib::TypstTemplateMainFile> {
    static ENGINE: OnceLock<TypstEngine<typst_as_lib::TypstTemplateMainFile>> = OnceLock::new();
    ENGINE.get_or_init(|| {
        TypstEngine::builder()
            .main_file(TEMPLATE)
            .fonts(FONTS)
            .build()
    })
}

pub fn warm_up() {
    let _ = engine();
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
