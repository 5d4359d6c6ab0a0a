//! The `OutputDev` handed to pdf-extract: instead of pdf-extract's plain-text writer (which
//! decides spaces and line breaks glyph by glyph, from the previous glyph only), it records
//! every glyph with its position, direction, advance and size, so that the page layout can
//! be rebuilt with the whole page in view (see `layout`). A fill ends a page: the only fills
//! left in the prepared content are the page-end markers of a batch (see `plan`).

use pdf_extract::{ColorSpace, MediaBox, OutputDev, OutputError, Path, Transform};

/// One glyph as drawn: origin on the baseline in user space, unit direction of the baseline,
/// advance along it, font size across (height) and along the baseline (the two differ for
/// condensed or expanded text), and the Unicode text pdf-extract decoded for it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Glyph {
    pub x: f64,
    pub y: f64,
    pub dir_x: f64,
    pub dir_y: f64,
    pub advance: f64,
    pub size: f64,
    pub em: f64,
    pub text: String,
}

/// The glyphs of one page, in content-stream order.
#[derive(Debug, Default)]
pub(crate) struct PageGlyphs {
    pub glyphs: Vec<Glyph>,
    /// Glyphs drawn with no Unicode text (fonts without a usable ToUnicode map).
    pub unmapped: usize,
}

/// Collects the glyphs of the pages pdf-extract draws.
#[derive(Debug, Default)]
pub(crate) struct Collector {
    /// Pages whose end marker was seen.
    pub finished: Vec<PageGlyphs>,
    /// The page being drawn.
    pub current: PageGlyphs,
}

/// Glyph sizes below this (user space units) are invisible or degenerate.
const MIN_SIZE: f64 = 0.01;

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        _page_num: u32,
        _media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        char: &str,
    ) -> Result<(), OutputError> {
        if char.is_empty() {
            self.current.unmapped += 1;
            return Ok(());
        }
        if let Some(glyph) = glyph(trm, width, font_size, char) {
            self.current.glyphs.push(glyph);
        }
        Ok(())
    }

    fn fill(
        &mut self,
        _ctm: &Transform,
        _colorspace: &ColorSpace,
        _color: &[f64],
        _path: &Path,
    ) -> Result<(), OutputError> {
        self.finished.push(std::mem::take(&mut self.current));
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

/// The glyph drawn with text rendering matrix `trm` (text space to user space, without the
/// font size), or None when its geometry is degenerate (zero or non-finite size).
fn glyph(trm: &Transform, width: f64, font_size: f64, text: &str) -> Option<Glyph> {
    let (ax, ay) = (trm.m11 * font_size, trm.m12 * font_size);
    let (bx, by) = (trm.m21 * font_size, trm.m22 * font_size);
    let along = ax.hypot(ay);
    let height = bx.hypot(by);
    let numbers = [trm.m31, trm.m32, along, height, width];
    if numbers.iter().any(|n| !n.is_finite()) || along < MIN_SIZE || height < MIN_SIZE {
        return None;
    }
    Some(Glyph {
        x: trm.m31,
        y: trm.m32,
        dir_x: ax / along,
        dir_y: ay / along,
        advance: width * along,
        size: height,
        em: along,
        text: text.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_glyph_is_placed_and_sized_in_user_space() {
        // 12 pt text, scaled x2 by the CTM, drawn at (100, 700).
        let trm = Transform::row_major(2., 0., 0., 2., 100., 700.);
        let g = glyph(&trm, 0.5, 12., "A");
        assert_eq!(
            g,
            Some(Glyph {
                x: 100.,
                y: 700.,
                dir_x: 1.,
                dir_y: 0.,
                advance: 12.,
                size: 24.,
                em: 24.,
                text: "A".into()
            })
        );
    }

    #[test]
    fn degenerate_glyphs_are_dropped() {
        let trm = Transform::row_major(0., 0., 0., 0., 1., 1.);
        assert_eq!(glyph(&trm, 0.5, 12., "A"), None);
        let trm = Transform::row_major(1., 0., 0., 1., 1., 1.);
        assert_eq!(glyph(&trm, 0.5, f64::NAN, "A"), None);
    }
}
