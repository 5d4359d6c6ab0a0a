//! The visible area of a page: its CropBox (else its MediaBox), looked up through the page
//! tree. Text drawn outside it (a second copy of a page number below the page, a printer's
//! slug line) is not shown by a viewer, and is left out of the page's text.

use super::fonts::deref;
use lopdf::{Document, Object, ObjectId};

/// A rectangle in a page's user space: left, bottom, right, top.
pub(crate) type PageBox = [f64; 4];

fn rectangle(doc: &Document, object: &Object) -> Option<PageBox> {
    let Some(Object::Array(a)) = deref(doc, object) else {
        return None;
    };
    let n: Vec<f64> = a
        .iter()
        .filter_map(|x| match deref(doc, x) {
            Some(Object::Integer(i)) => Some(*i as f64),
            Some(Object::Real(r)) => Some(f64::from(*r)),
            _ => None,
        })
        .collect();
    match n.as_slice() {
        [x0, y0, x1, y1] => Some([x0.min(*x1), y0.min(*y1), x0.max(*x1), y0.max(*y1)]),
        _ => None,
    }
}

/// The page's CropBox, else its MediaBox (each inherited from the page tree when absent).
pub(crate) fn visible_box(doc: &Document, page: ObjectId) -> Option<PageBox> {
    [b"CropBox".as_slice(), b"MediaBox"].iter().find_map(|key| {
        let mut node = doc.get_dictionary(page).ok();
        for _ in 0..64 {
            let dict = node?;
            if let Some(r) = dict.get(key).ok().and_then(|b| rectangle(doc, b)) {
                return Some(r);
            }
            node = match dict.get(b"Parent") {
                Ok(Object::Reference(id)) => doc.get_dictionary(*id).ok(),
                _ => None,
            };
        }
        None
    })
}

/// Whether a glyph with its origin at (x, y), of height `size`, shows inside `visible`: its
/// baseline is on the page (as poppler decides, so a copy of a page number set just below
/// the page is left out while a glyph touching the edge is kept).
pub(crate) fn shows(visible: Option<PageBox>, x: f64, y: f64, size: f64) -> bool {
    visible.is_none_or(|[x0, y0, x1, y1]| {
        let slack = 0.1 * size;
        x >= x0 - size && x <= x1 + slack && y >= y0 - slack && y <= y1 + slack
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_glyph_below_the_page_does_not_show() {
        let page = Some([0.0, 0.0, 595.0, 842.0]);
        assert!(shows(page, 60.0, 23.0, 14.0));
        assert!(shows(page, 60.0, 0.0, 14.0));
        assert!(!shows(page, 60.0, -6.6, 14.0));
        assert!(!shows(page, 85.0, 850.0, 9.0));
        assert!(shows(None, 1e6, 1e6, 9.0));
    }
}
