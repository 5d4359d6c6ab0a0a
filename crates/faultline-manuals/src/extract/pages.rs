//! In-process extraction of one PDF: open it, prepare it for pdf-extract (`plan`, `fonts`),
//! read the glyphs of its pages in batches, rebuild the lines and clean the text. Every call
//! into pdf-extract is behind `catch_unwind`, since pdf-extract panics on purpose on input it
//! does not understand: the page that panics keeps the glyphs drawn before the panic, and the
//! rest of its batch is read again page by page.

use super::clean::clean_page;
use super::glyphs::{Collector, Glyph, PageGlyphs};
use super::outcome::{Extracted, Outcome};
use super::pagebox::{shows, PageBox};
use super::plan::{plan, Batch, Plan};
use super::{convert, fonts, layout, load};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// A page with fewer letters and digits than this is (nearly) empty.
const MIN_PAGE_CHARS: usize = 3;

/// What was read of the pages.
#[derive(Debug, Default)]
struct Read {
    pages: Vec<String>,
    /// Pages the reader failed on (panic or error).
    failed: usize,
    /// Glyphs drawn without Unicode text (fonts without a usable mapping).
    unmapped: usize,
}

/// Extracts the text of every page of the PDF in `bytes`, decrypting it with `password` when
/// it is encrypted. Runs in the calling process: use [`super::extract_in_worker`] for files
/// from users, since a hang, an abort or a stack overflow in the PDF reader cannot be caught.
pub fn extract_pages(bytes: &[u8], password: Option<&str>) -> Outcome {
    try_extract(bytes, password).unwrap_or_else(|message| {
        tracing::debug!("the PDF reader panicked: {message}");
        Outcome::crashed()
    })
}

/// [`extract_pages`], with the message of a panic that escaped the per-batch guards (while
/// opening or preparing the document) as the error.
pub(crate) fn try_extract(bytes: &[u8], password: Option<&str>) -> Result<Outcome, String> {
    catch_unwind(|| extract(bytes, password)).map_err(|panic| panic_message(&panic))
}

fn extract(bytes: &[u8], password: Option<&str>) -> Outcome {
    let mut loaded = match load::open(bytes, password) {
        Ok(loaded) => loaded,
        Err(outcome) => return outcome,
    };
    let title = loaded.title();
    let plan = plan(&mut loaded.doc);
    fonts::prepare(&mut loaded.doc);
    let doc = convert::to_pdf_extract(loaded.doc);
    verdict(read_pages(&doc, &plan), title)
}

/// The text of every page, and what went wrong.
fn read_pages(doc: &pdf_extract::Document, plan: &Plan) -> Read {
    let mut read = Read {
        pages: vec![String::new(); plan.singles.len()],
        ..Read::default()
    };
    for &Batch {
        number,
        first,
        count,
    } in &plan.batches
    {
        let (drawn, ok) = draw(doc, number);
        let done = drawn.finished.len().min(count);
        for (offset, page) in drawn.finished.iter().take(done).enumerate() {
            let index = first + offset;
            read.pages[index] = page_text(page, plan.boxes.get(index).copied().flatten());
            read.unmapped += page.unmapped;
        }
        if ok && done == count {
            continue;
        }
        // The reader failed on page `first + done`: read it and the rest of the batch alone.
        for index in first + done..first + count {
            let (single, ok) = draw(doc, plan.singles[index]);
            read.failed += usize::from(!ok);
            read.unmapped += single.current.unmapped;
            let visible = plan.boxes.get(index).copied().flatten();
            read.pages[index] = page_text(&single.current, visible);
        }
    }
    read
}

/// Draws pdf-extract page `number`; false when the reader failed (error or panic).
fn draw(doc: &pdf_extract::Document, number: u32) -> (Collector, bool) {
    let mut collector = Collector::default();
    let result = catch_unwind(AssertUnwindSafe(|| {
        pdf_extract::output_doc_page(doc, &mut collector, number)
    }));
    let ok = match result {
        Ok(Ok(())) => true,
        Ok(Err(e)) => {
            tracing::debug!("page {number}: {e}");
            false
        }
        Err(panic) => {
            tracing::debug!(
                "page {number}: the PDF reader panicked: {}",
                panic_message(&panic)
            );
            false
        }
    };
    (collector, ok)
}

/// The cleaned text of the glyphs that show inside the page's visible area.
fn page_text(page: &PageGlyphs, visible: Option<PageBox>) -> String {
    let glyphs: Vec<Glyph> = page
        .glyphs
        .iter()
        .filter(|g| shows(visible, g.x, g.y, g.size))
        .cloned()
        .collect();
    clean_page(&layout::page_text(&glyphs))
}

/// Text when some page has text; otherwise why not.
fn verdict(read: Read, title: Option<String>) -> Outcome {
    let letters = |p: &String| p.chars().filter(|c| c.is_alphanumeric()).count();
    if read.pages.iter().any(|p| letters(p) >= MIN_PAGE_CHARS) {
        let page_count = u32::try_from(read.pages.len()).unwrap_or(u32::MAX);
        return Outcome::Text(Extracted {
            pages: read.pages,
            title,
            page_count,
        });
    }
    if read.failed > 0 && read.failed >= read.pages.len() {
        return Outcome::crashed();
    }
    let found: usize = read.pages.iter().map(letters).sum();
    if read.unmapped > found {
        return Outcome::unmapped_text();
    }
    Outcome::no_text_layer()
}

/// The message of a caught panic.
pub(crate) fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}
