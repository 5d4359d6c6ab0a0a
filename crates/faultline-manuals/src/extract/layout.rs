//! Rebuilds the lines of a page from its glyphs: a glyph joins a line when it sits on the
//! line's baseline (same direction, within half a font size, which keeps superscripts in
//! their line); within a line, glyphs are ordered along the baseline and a gap wider than a
//! fraction of the font size along the baseline (or a drawn space) is a word break; a glyph drawn again on top
//! of itself (fake bold, shadows) is dropped. Lines keep the order the page draws them in,
//! which is the reading order for the word processors and typesetters manuals come from.

use super::glyphs::Glyph;

/// A gap between glyphs wider than this fraction of the font size separates words.
pub(crate) const WORD_GAP: f64 = 0.15;
/// A glyph drawn right after another (same run) stays on its line when its baseline is within
/// this fraction of the font size of the other's (superscripts, subscripts)...
const RUN_BASELINE_TOLERANCE: f64 = 0.5;
/// ...while a glyph starting a new run joins a line only when its baseline is within this
/// fraction of the line's: a label set between two lines of smaller text must not pull both in.
const LINE_BASELINE_TOLERANCE: f64 = 0.2;
/// A glyph with the same text within this distance (fraction of the font size) of one already
/// in the line is a duplicate.
const DUPLICATE_DISTANCE: f64 = 0.1;
/// A glyph continues the run of glyphs drawn before it when it starts at least this far
/// (fraction of the font size) right of the last glyph's origin: some fonts' widths are wider
/// than the glyphs are set, so the last glyph's advertised end cannot be the test.
const MIN_STEP: f64 = 0.05;
/// Runs overlapping by more than this (fraction of the font size) are separate words.
const OVERLAP: f64 = 0.3;
/// How many lines before the newest one a glyph may return to (after a footnote mark, an
/// inline symbol on its own baseline…), and how close to that line it must be (font sizes).
const RECENT_LINES: usize = 4;
const RECENT_GAP: f64 = 1.5;

/// Glyphs drawn one after the other along a line, with no word break between them.
#[derive(Debug)]
struct Run {
    start: f64,
    end: f64,
    /// Origin of the last glyph, along and across the baseline.
    last: f64,
    last_v: f64,
    size: f64,
    em: f64,
    space_before: bool,
    text: String,
}

#[derive(Debug)]
struct Line {
    dir: (f64, f64),
    v: f64,
    size: f64,
    em: f64,
    start: f64,
    end: f64,
    /// In drawing order; sorted along the baseline when the line is written.
    runs: Vec<Run>,
    /// Where each glyph of the line is, sorted by position, to find duplicates.
    marks: Vec<(f64, String)>,
    /// A space glyph was drawn on this line since its last glyph.
    pending_space: bool,
}

/// Coordinates of a point along (u) and across (v) a baseline of direction `dir`.
fn project(dir: (f64, f64), x: f64, y: f64) -> (f64, f64) {
    (x * dir.0 + y * dir.1, y * dir.0 - x * dir.1)
}

impl Line {
    fn new(g: &Glyph) -> Line {
        let dir = (g.dir_x, g.dir_y);
        let (u, v) = project(dir, g.x, g.y);
        Line {
            dir,
            v,
            size: g.size,
            em: g.em,
            start: u,
            end: u,
            runs: Vec::new(),
            marks: Vec::new(),
            pending_space: false,
        }
    }

    /// Where `g` falls in this line's frame (along, across), if it runs the same direction.
    fn frame(&self, g: &Glyph) -> Option<(f64, f64)> {
        let same_direction = self.dir.0 * g.dir_x + self.dir.1 * g.dir_y > 0.99;
        same_direction.then(|| project(self.dir, g.x, g.y))
    }

    /// The run `g` would extend, at (u, v), if the previous glyph was drawn on this line.
    fn open_run(&self, g: &Glyph, u: f64, v: f64, continues: bool) -> Option<usize> {
        let run = self
            .runs
            .last()
            .filter(|_| continues && !self.pending_space)?;
        let em = g.em.min(run.em);
        let forward = u >= run.last + MIN_STEP * g.em;
        let close = u - run.end <= WORD_GAP * em;
        let level = (v - run.last_v).abs() <= RUN_BASELINE_TOLERANCE * g.size.max(run.size);
        (forward && close && level).then_some(self.runs.len() - 1)
    }

    /// Whether `g`, at `v`, starting a new run, is on this line's baseline.
    fn on_baseline(&self, g: &Glyph, v: f64) -> bool {
        (v - self.v).abs() <= LINE_BASELINE_TOLERANCE * self.size.min(g.size)
    }

    /// Whether a glyph with `text` already sits within `distance` of `u`.
    fn has_duplicate(&self, u: f64, text: &str, distance: f64) -> bool {
        let start = self.marks.partition_point(|(m, _)| *m < u - distance);
        self.marks[start..]
            .iter()
            .take_while(|(m, _)| *m <= u + distance)
            .any(|(_, t)| t == text)
    }

    /// Adds a glyph at (`u`, `v`), extending run `extend` or starting a new one.
    fn add(&mut self, g: &Glyph, u: f64, v: f64, extend: Option<usize>) {
        let end = u + g.advance;
        let space_before = std::mem::take(&mut self.pending_space);
        match extend.and_then(|i| self.runs.get_mut(i)) {
            Some(run) => {
                run.text.push_str(&g.text);
                run.end = run.end.max(end);
                run.last = u;
                run.last_v = v;
            }
            None => self.runs.push(Run {
                start: u,
                end,
                last: u,
                last_v: v,
                size: g.size,
                em: g.em,
                space_before,
                text: g.text.clone(),
            }),
        }
        let at = self.marks.partition_point(|(m, _)| *m <= u);
        self.marks.insert(at, (u, g.text.clone()));
        self.start = self.start.min(u);
        self.end = self.end.max(end);
    }
}

/// The text of a page: one output line per rebuilt line, in drawing order.
pub(crate) fn page_text(glyphs: &[Glyph]) -> String {
    let mut lines: Vec<Line> = Vec::new();
    let mut last_line: Option<usize> = None;
    for g in glyphs {
        last_line = place(&mut lines, g, last_line).or(last_line);
    }
    let mut out = String::new();
    for line in &mut lines {
        write_line(line, &mut out);
    }
    out
}

/// Puts `g` on its line; returns the index of the line it went to (None when dropped).
fn place(lines: &mut Vec<Line>, g: &Glyph, last_line: Option<usize>) -> Option<usize> {
    let space = g.text.chars().all(char::is_whitespace);
    let newest = lines.len();
    let oldest = newest.saturating_sub(RECENT_LINES + 1);
    for index in (oldest..newest).rev() {
        let line = &mut lines[index];
        let Some((u, v)) = line.frame(g) else {
            continue;
        };
        let extend = line.open_run(g, u, v, last_line == Some(index));
        if extend.is_none() && !line.on_baseline(g, v) {
            continue;
        }
        let em = line.em.max(g.em);
        let is_newest = index + 1 == newest;
        let near = u >= line.start - RECENT_GAP * em && u <= line.end + RECENT_GAP * em;
        if !is_newest && !near {
            continue;
        }
        // A glyph with no advance says nothing about where the next one goes (a font without
        // widths): glyphs stacked that way are not copies of each other.
        let sized = g.advance > MIN_STEP * g.em;
        if space {
            line.pending_space = true;
        } else if sized && line.has_duplicate(u, &g.text, DUPLICATE_DISTANCE * em) {
            return None;
        } else {
            line.add(g, u, v, extend);
        }
        return Some(index);
    }
    if space {
        return None;
    }
    let mut line = Line::new(g);
    let (u, v) = (line.start, line.v);
    line.add(g, u, v, None);
    lines.push(line);
    Some(newest)
}

/// Whether most letters of `text` are of a right-to-left script (Hebrew, Arabic…), whose
/// glyphs are read from the right.
fn is_right_to_left<'a>(texts: impl Iterator<Item = &'a str>) -> bool {
    let (mut rtl, mut letters) = (0usize, 0usize);
    for c in texts.flat_map(str::chars) {
        if c.is_alphabetic() {
            letters += 1;
            if matches!(c, '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
            {
                rtl += 1;
            }
        }
    }
    rtl * 2 > letters
}

fn write_line(line: &mut Line, out: &mut String) {
    line.runs.sort_by(|a, b| a.start.total_cmp(&b.start));
    let mut words: Vec<String> = Vec::new();
    let mut previous: Option<&Run> = None;
    for run in &line.runs {
        let joined = previous.is_some_and(|p| {
            let gap = run.start - p.end;
            let em = p.em.min(run.em);
            !run.space_before && gap <= WORD_GAP * em && gap >= -OVERLAP * em
        });
        match words.last_mut() {
            Some(word) if joined => word.push_str(&run.text),
            _ => words.push(run.text.clone()),
        }
        previous = Some(run);
    }
    if words.is_empty() {
        return;
    }
    if is_right_to_left(words.iter().map(String::as_str)) {
        // Read from the right; a number or a Latin word inside keeps its own order.
        words = words
            .iter()
            .rev()
            .map(|w| {
                if is_right_to_left(std::iter::once(w.as_str())) {
                    w.chars().rev().collect()
                } else {
                    w.clone()
                }
            })
            .collect();
    }
    out.push_str(&words.join(" "));
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyph(x: f64, y: f64, text: &str) -> Glyph {
        Glyph {
            x,
            y,
            dir_x: 1.0,
            dir_y: 0.0,
            advance: 5.0,
            size: 10.0,
            em: 10.0,
            text: text.into(),
        }
    }

    fn run(glyphs: &[Glyph]) -> String {
        page_text(glyphs)
    }

    #[test]
    fn gaps_make_words_and_baselines_make_lines() {
        let g = [
            glyph(0., 100., "O"),
            glyph(5., 100., "C"),
            glyph(10., 100., "1"),
            glyph(20., 100., "t"),
            glyph(25., 100., "r"),
            glyph(0., 88., "n"),
            glyph(5., 88., "o"),
        ];
        assert_eq!(run(&g), "OC1 tr\nno\n");
    }

    #[test]
    fn drawn_spaces_separate_words_even_without_a_gap() {
        let g = [
            glyph(0., 100., "a"),
            glyph(5., 100., " "),
            glyph(5., 100., "b"),
        ];
        assert_eq!(run(&g), "a b\n");
    }

    #[test]
    fn overprinted_glyphs_are_dropped_and_order_follows_the_baseline() {
        let g = [
            glyph(0., 100., "a"),
            glyph(5., 100., "b"),
            glyph(0.3, 100.2, "a"),
            glyph(5.3, 100.2, "b"),
            glyph(-10., 100., "x"),
        ];
        assert_eq!(run(&g), "x ab\n");
    }

    #[test]
    fn superscripts_stay_in_their_line() {
        let mut sup = glyph(5., 104., "2");
        sup.size = 6.0;
        sup.em = 6.0;
        let g = [glyph(0., 100., "m"), sup, glyph(20., 100., "x")];
        assert_eq!(run(&g), "m2 x\n");
    }

    #[test]
    fn a_label_between_two_lines_does_not_merge_them() {
        let mut label = glyph(0., 104., "W");
        label.size = 14.0;
        label.em = 14.0;
        let g = [
            label,
            glyph(40., 108., "a"),
            glyph(45., 108., "b"),
            glyph(40., 100., "c"),
            glyph(45., 100., "d"),
        ];
        assert_eq!(run(&g), "W\nab\ncd\n");
    }

    #[test]
    fn vertical_text_is_read_along_its_direction() {
        let up = |y: f64, t: &str| Glyph {
            dir_x: 0.0,
            dir_y: 1.0,
            ..glyph(50., y, t)
        };
        let g = [up(0., "u"), up(5., "p"), glyph(0., 300., "h")];
        assert_eq!(run(&g), "up\nh\n");
    }

    #[test]
    fn right_to_left_lines_are_read_from_the_right() {
        let g = [
            glyph(0., 100., "1"),
            glyph(5., 100., "2"),
            glyph(20., 100., "\u{5D1}"),
            glyph(25., 100., "\u{5D0}"),
        ];
        assert_eq!(run(&g), "\u{5D0}\u{5D1} 12\n");
    }
}
