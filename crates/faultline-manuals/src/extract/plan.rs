//! Rebuilds the document's page tree for pdf-extract (in lopdf 0.47, before the document is
//! handed over). Each page gets one decompressed content stream with only its text operators
//! and document-wide font names (`textops`, `resources`), with the forms it draws drawn into
//! it (`forms`) and its visible annotations' appearances after it (`annots`); all pages share
//! one resource dictionary (fonts only). The new page tree holds one page per original page
//! (to read a page on its own) and, after them, batches of pages joined into one content
//! stream, each page wrapped in `q … Q` and followed by a marker (a filled rectangle, the only
//! fill left in the content), so that pdf-extract builds each font once per batch instead of
//! once per page.

use super::annots::appearances;
use super::content::{decompress_in_place, MAX_CONTENT_BYTES};
use super::forms::{matrix_of, Form, Forms};
use super::pagebox::{visible_box, PageBox};
use super::prune::keep_reachable;
use super::resources::{dict_of, page_resources, Merged};
use super::textops::text_operations;
use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use std::collections::{HashSet, VecDeque};

/// Pages per batch. Each batch builds its fonts once; a bigger batch builds fewer fonts but
/// holds more parsed content at once, and touching that memory costs more than the fonts
/// (on the corpus manuals, 8 pages per batch ran 10% faster than 64, with 45% fewer page
/// faults). A page that panics costs the rest of its batch a second, page-by-page pass.
const BATCH_PAGES: usize = 8;

/// What follows each page in a batch; the collector starts a new page when it sees it filled.
pub(crate) const PAGE_END_MARKER: &[u8] = b"\n0 0 1 1 re f\n";

/// Where each page is in the rebuilt page tree (pdf-extract's 1-based page numbers).
#[derive(Debug)]
pub(crate) struct Plan {
    /// The original pages, in order: the page number of each one read on its own.
    pub singles: Vec<u32>,
    pub batches: Vec<Batch>,
    /// The visible area of each original page (its crop box): text outside is not shown.
    pub boxes: Vec<Option<PageBox>>,
}

/// Pages `first..first + count` (indexes into `singles`), read as pdf-extract page `number`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Batch {
    pub number: u32,
    pub first: usize,
    pub count: usize,
}

/// Rebuilds `doc`'s page tree as described in the module comment.
pub(crate) fn plan(doc: &mut Document) -> Plan {
    let pages: Vec<ObjectId> = doc.page_iter().collect();
    let boxes = pages.iter().map(|p| visible_box(doc, *p)).collect();
    let mut merged = Merged::default();
    let mut queue: VecDeque<(ObjectId, Dictionary)> = VecDeque::new();
    let mut contents = Vec::with_capacity(pages.len());
    for &page in &pages {
        let resources = page_resources(doc, page);
        let names = merged.names_for(doc, &resources);
        queue_forms(doc, &resources, &mut queue);
        let content = doc
            .get_page_content_with_limit(page, MAX_CONTENT_BYTES)
            .unwrap_or_default();
        let mut text = text_operations(&content, &names);
        for (form, at) in appearances(doc, page) {
            let name = merged.add_xobject(form);
            text.extend_from_slice(format!("q\n1 0 0 1 {at} cm\n/{name} Do\nQ\n").as_bytes());
            let own = form_resources(doc, form);
            queue.push_back((form, own.unwrap_or_else(|| resources.clone())));
        }
        contents.push(text);
    }
    let forms = prepare_forms(doc, &mut merged, queue);
    let contents: Vec<Vec<u8>> = contents.iter().map(|c| forms.expand(c)).collect();
    merged.make_fonts_indirect(doc);
    let mut shared = Dictionary::new();
    shared.set("Font", Object::Dictionary(merged.fonts));
    let resources_id = doc.add_object(Object::Dictionary(shared));
    let (singles, batches) = build_page_tree(doc, contents, resources_id);
    Plan {
        singles,
        batches,
        boxes,
    }
}

/// Queues the forms drawn with `resources`, each with the resources its content is named in
/// (its own, or `resources` when it has none and inherits them).
fn queue_forms(
    doc: &Document,
    resources: &Dictionary,
    queue: &mut VecDeque<(ObjectId, Dictionary)>,
) {
    let xobjects = resources.get(b"XObject").ok().and_then(|x| dict_of(doc, x));
    for value in xobjects.into_iter().flat_map(|d| d.iter().map(|(_, v)| v)) {
        let Object::Reference(id) = value else {
            continue;
        };
        let Ok(Object::Stream(form)) = doc.get_object(*id) else {
            continue;
        };
        if !matches!(form.dict.get(b"Subtype"), Ok(Object::Name(n)) if n == b"Form") {
            continue;
        }
        let own = form_resources(doc, *id);
        queue.push_back((*id, own.unwrap_or_else(|| resources.clone())));
    }
}

/// The form's own resources, if it has them.
fn form_resources(doc: &Document, form: ObjectId) -> Option<Dictionary> {
    match doc.get_object(form).ok()? {
        Object::Stream(s) => s
            .dict
            .get(b"Resources")
            .ok()
            .and_then(|r| dict_of(doc, r))
            .cloned(),
        _ => None,
    }
}

/// The prepared content (text operators, document-wide names) of every form reachable from
/// the pages, by document-wide name.
fn prepare_forms(
    doc: &mut Document,
    merged: &mut Merged,
    mut queue: VecDeque<(ObjectId, Dictionary)>,
) -> Forms {
    let mut forms = Forms::default();
    let mut done: HashSet<ObjectId> = HashSet::new();
    while let Some((id, resources)) = queue.pop_front() {
        if !done.insert(id) {
            continue;
        }
        let names = merged.names_for(doc, &resources);
        queue_forms(doc, &resources, &mut queue);
        let matrix = matrix_of(doc, id);
        let Some(Object::Stream(stream)) = doc.objects.get_mut(&id) else {
            continue;
        };
        let content = if decompress_in_place(stream) {
            text_operations(&stream.content, &names)
        } else {
            Vec::new()
        };
        forms
            .0
            .insert(Merged::xobject_name(id), Form { matrix, content });
    }
    forms
}

fn page(parent: ObjectId, resources: ObjectId, contents: ObjectId) -> Dictionary {
    let mut page = Dictionary::new();
    page.set("Type", Object::Name(b"Page".to_vec()));
    page.set("Parent", Object::Reference(parent));
    let media_box = [0, 0, 612, 792].map(Object::Integer).to_vec();
    page.set("MediaBox", Object::Array(media_box));
    page.set("Resources", Object::Reference(resources));
    page.set("Contents", Object::Reference(contents));
    page
}

/// Adds the single pages and the batches, and makes them the catalog's page tree.
fn build_page_tree(
    doc: &mut Document,
    contents: Vec<Vec<u8>>,
    resources: ObjectId,
) -> (Vec<u32>, Vec<Batch>) {
    let tree = doc.add_object(Object::Null);
    let mut kids = Vec::new();
    let mut batch_contents = Vec::new();
    for (index, chunk) in contents.chunks(BATCH_PAGES).enumerate() {
        let mut joined = Vec::new();
        for content in chunk {
            joined.extend_from_slice(b"q\n");
            joined.extend_from_slice(content);
            joined.extend_from_slice(b"\nQ");
            joined.extend_from_slice(PAGE_END_MARKER);
        }
        batch_contents.push((index * BATCH_PAGES, chunk.len(), joined));
    }
    let mut singles = Vec::with_capacity(contents.len());
    for content in contents {
        let stream = doc.add_object(Stream::new(Dictionary::new(), content));
        kids.push(Object::Reference(
            doc.add_object(page(tree, resources, stream)),
        ));
        singles.push(u32::try_from(kids.len()).unwrap_or(u32::MAX));
    }
    let mut batches = Vec::with_capacity(batch_contents.len());
    for (first, count, joined) in batch_contents {
        let stream = doc.add_object(Stream::new(Dictionary::new(), joined));
        kids.push(Object::Reference(
            doc.add_object(page(tree, resources, stream)),
        ));
        let number = u32::try_from(kids.len()).unwrap_or(u32::MAX);
        batches.push(Batch {
            number,
            first,
            count,
        });
    }
    let mut node = Dictionary::new();
    node.set("Type", Object::Name(b"Pages".to_vec()));
    node.set(
        "Count",
        Object::Integer(i64::try_from(kids.len()).unwrap_or(i64::MAX)),
    );
    node.set("Kids", Object::Array(kids));
    doc.objects.insert(tree, Object::Dictionary(node));
    keep_reachable(doc, tree);
    (singles, batches)
}
