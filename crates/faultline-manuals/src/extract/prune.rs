//! Drops every object the rebuilt page tree does not reach before the document is handed to
//! pdf-extract: the original pages and their content (already turned into the new content),
//! structure trees of tagged PDFs (thousands of objects from word processors), outlines,
//! metadata, images. They would otherwise be converted into pdf-extract's types for nothing.

use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::HashSet;

fn references<'a>(object: &'a Object, out: &mut Vec<&'a ObjectId>) {
    match object {
        Object::Reference(id) => out.push(id),
        Object::Array(items) => items.iter().for_each(|o| references(o, out)),
        Object::Dictionary(d) => d.iter().for_each(|(_, o)| references(o, out)),
        Object::Stream(s) => s.dict.iter().for_each(|(_, o)| references(o, out)),
        _ => {}
    }
}

/// Keeps only what `pages` (the root of the rebuilt page tree) reaches, under a new catalog.
pub(crate) fn keep_reachable(doc: &mut Document, pages: ObjectId) {
    let mut reached: HashSet<ObjectId> = HashSet::new();
    let mut stack = vec![pages];
    while let Some(id) = stack.pop() {
        if !reached.insert(id) {
            continue;
        }
        if let Some(object) = doc.objects.get(&id) {
            let mut found = Vec::new();
            references(object, &mut found);
            stack.extend(found.into_iter().filter(|r| !reached.contains(r)));
        }
    }
    doc.objects.retain(|id, _| reached.contains(id));
    let mut catalog = Dictionary::new();
    catalog.set("Type", Object::Name(b"Catalog".to_vec()));
    catalog.set("Pages", Object::Reference(pages));
    let root = doc.add_object(catalog);
    let mut trailer = Dictionary::new();
    trailer.set("Root", Object::Reference(root));
    doc.trailer = trailer;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_the_pages_reach_is_kept() {
        let mut doc = Document::with_version("1.5");
        let font = doc.add_object(Dictionary::new());
        let mut page = Dictionary::new();
        page.set("Font", Object::Reference(font));
        let page = doc.add_object(page);
        let mut tree = Dictionary::new();
        tree.set("Kids", Object::Array(vec![Object::Reference(page)]));
        let tree = doc.add_object(tree);
        let orphan = doc.add_object(Dictionary::new());
        keep_reachable(&mut doc, tree);
        assert!(doc.objects.contains_key(&font) && doc.objects.contains_key(&page));
        assert!(!doc.objects.contains_key(&orphan));
    }
}
