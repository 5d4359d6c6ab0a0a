//! The index schema (one document per page) and its version: bump `SCHEMA_VERSION` whenever the
//! fields or analyzers change, so that an old index is rebuilt instead of misread.

use super::analyzers::{head_tokenizer_name, model_key, META_TOKENIZER};
use super::code_tokenizer::CODE_TOKENIZER;
use super::headings::heading_text;
use super::language::BodyLang;
use super::types::PageDoc;
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, STORED, STRING,
};
use tantivy::TantivyDocument;

/// Version of the schema and analyzers; the index lives in `index/v{SCHEMA_VERSION}`.
/// 2: hyphenated pairs also indexed joined; body positions (phrases for split compounds).
/// 3: the heading fields `head_*` (a page's first lines, section titles and label lines).
/// 4: the heading fields hold stems only (not the words beside them); stored text in 64 KiB
/// blocks (`live.rs`).
pub const SCHEMA_VERSION: u32 = 4;

/// Handles of every field, in the order of [`build_schema`].
#[derive(Debug, Clone)]
pub struct Fields {
    /// Hyphenated UUID, indexed raw (for deletes) and stored.
    pub manual_id: Field,
    pub file_name: Field,
    pub title: Field,
    pub manufacturer: Field,
    /// The model names as given, stored.
    pub models: Field,
    /// [`model_key`] of each model, indexed raw: what `boost_models` matches.
    pub model_keys: Field,
    pub page: Field,
    pub language: Field,
    /// The page text, stored only (snippets are cut from it).
    pub text: Field,
    /// The page text, indexed in the field of its language; indexed by `BodyLang::index()`.
    pub body: [Field; 6],
    /// The page's heading lines (`headings`), in the field of its language: their stems only
    /// (`head_analyzer`), no positions; indexed by `BodyLang::index()`.
    pub head: [Field; 6],
    /// The page text through the fault-code tokenizer (presence only, no frequencies).
    pub code: Field,
    /// Title, manufacturer, models and file name words, unstemmed.
    pub meta: Field,
}

fn indexed(tokenizer: &str, option: IndexRecordOption, fieldnorms: bool) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(option)
            .set_fieldnorms(fieldnorms),
    )
}

pub fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let manual_id = b.add_text_field("manual_id", STRING | STORED);
    let file_name = b.add_text_field("file_name", STORED);
    let title = b.add_text_field("title", STORED);
    let manufacturer = b.add_text_field("manufacturer", STORED);
    let models = b.add_text_field("models", STORED);
    let model_keys = b.add_text_field("model_keys", STRING);
    let page = b.add_u64_field("page", STORED);
    let language = b.add_text_field("language", STRING | STORED);
    let text = b.add_text_field("text", STORED);
    let words = IndexRecordOption::WithFreqs;
    // Positions: a typed compound ("overcurrent") also matches its parts as a phrase.
    let positions = IndexRecordOption::WithFreqsAndPositions;
    let body = BodyLang::ALL
        .map(|l| b.add_text_field(l.field_name(), indexed(l.tokenizer_name(), positions, true)));
    let head = BodyLang::ALL.map(|l| {
        let name = format!("head_{}", l.field_name().trim_start_matches("body_"));
        let tokenizer = head_tokenizer_name(l);
        b.add_text_field(&name, indexed(&tokenizer, words, true))
    });
    // A code counts once per page: a table that repeats it (or text extraction splitting
    // "PD135" into "PD13 5") must not outrank the page that explains it. Length norms stay: a
    // page of Modbus frames full of hex bytes should not tie with the fault's own entry.
    let code = b.add_text_field(
        "code",
        indexed(CODE_TOKENIZER, IndexRecordOption::Basic, true),
    );
    let meta = b.add_text_field("meta", indexed(META_TOKENIZER, words, true));
    let fields = Fields {
        manual_id,
        file_name,
        title,
        manufacturer,
        models,
        model_keys,
        page,
        language,
        text,
        body,
        head,
        code,
        meta,
    };
    (b.build(), fields)
}

/// The tantivy document of one page.
pub fn page_document(f: &Fields, page: &PageDoc) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.manual_id, page.manual_id.hyphenated().to_string());
    doc.add_text(f.file_name, &page.file_name);
    doc.add_u64(f.page, u64::from(page.page));
    doc.add_text(f.language, &page.language);
    doc.add_text(f.text, &page.text);
    let lang = BodyLang::from_iso(&page.language);
    doc.add_text(f.body[lang.index()], &page.text);
    let heads = heading_text(&page.text);
    if !heads.is_empty() {
        doc.add_text(f.head[lang.index()], &heads);
    }
    doc.add_text(f.code, &page.text);
    if let Some(title) = &page.title {
        doc.add_text(f.title, title);
        doc.add_text(f.meta, title);
    }
    if let Some(m) = &page.manufacturer {
        doc.add_text(f.manufacturer, m);
        doc.add_text(f.meta, m);
    }
    for model in &page.models {
        doc.add_text(f.models, model);
        doc.add_text(f.meta, model);
        let key = model_key(model);
        if !key.is_empty() {
            doc.add_text(f.model_keys, key);
        }
    }
    doc
}
