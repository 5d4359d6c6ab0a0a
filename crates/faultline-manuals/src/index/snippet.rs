//! The snippet of a hit: the passage of the page text with the most (and most telling) searched
//! words and codes, whitespace collapsed, with the matches as ranges in UTF-16 code units (what
//! a JavaScript UI indexes strings by). Plain text, never HTML.

use super::analyzers::QueryAnalyzers;
use super::code_tokenizer::scan_codes;
use super::language::BodyLang;
use super::query_plan::{HighlightTerms, Mark};

/// Length of a snippet in bytes of page text, about two lines of the UI.
const TARGET_BYTES: usize = 220;
/// At most this much context before the first match.
const MAX_CONTEXT_BEFORE: usize = 60;
/// How far to look for a word boundary when cutting.
const SNAP_BYTES: usize = 20;
/// Only this much of a page is scanned for the passage (a normal page has a few KB; a page of
/// extraction garbage must not make every search that hits it slow).
const MAX_SCAN_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    key: u32,
    weight: f32,
}

/// The snippet of `text` (a page in `lang`) and its highlight ranges.
pub(crate) fn make_snippet(
    text: &str,
    lang: BodyLang,
    terms: &HighlightTerms,
    analyzers: &mut QueryAnalyzers,
) -> (String, Vec<[u32; 2]>) {
    let text = &text[..floor_boundary(text, MAX_SCAN_BYTES)];
    let spans = find_spans(text, lang, terms, analyzers);
    let (core_start, core_end, chosen) = best_window(&spans);
    let (ws, we) = widen(text, core_start, core_end);
    render(text, ws, we, &chosen)
}

fn find_spans(
    text: &str,
    lang: BodyLang,
    terms: &HighlightTerms,
    analyzers: &mut QueryAnalyzers,
) -> Vec<Span> {
    let mut spans = Vec::new();
    let marks: &[Mark] = &terms.body[lang.index()];
    if !marks.is_empty() {
        let mut stream = analyzers.body_mut(lang).token_stream(text);
        while let Some(t) = stream.next() {
            if let Some(m) = marks.iter().find(|m| m.term == t.text) {
                spans.push(Span {
                    start: t.offset_from,
                    end: t.offset_to,
                    key: m.key,
                    weight: m.weight,
                });
            }
        }
    }
    if !terms.code.is_empty() {
        scan_codes(text, |start, end, forms| {
            let hit = terms.code.iter().find(|m| {
                m.term == forms.full
                    || forms.core.as_deref() == Some(m.term.as_str())
                    || forms.literal.as_deref() == Some(m.term.as_str())
            });
            if let Some(m) = hit {
                spans.push(Span {
                    start,
                    end,
                    key: m.key,
                    weight: m.weight,
                });
            }
        });
    }
    spans.sort_by_key(|s| (s.start, s.end));
    spans
}

/// Score of a passage: each searched word or code counts once, at its best weight; repeats
/// add a little.
fn window_score(spans: &[Span], seen: &mut Vec<(u32, f32)>) -> f32 {
    seen.clear();
    for s in spans {
        match seen.iter_mut().find(|(k, _)| *k == s.key) {
            Some((_, w)) => *w = w.max(s.weight),
            None => seen.push((s.key, s.weight)),
        }
    }
    seen.iter().map(|(_, w)| w).sum::<f32>() + 0.1 * spans.len() as f32
}

/// The byte range covering the best run of spans that fits in a snippet, and those spans.
fn best_window(spans: &[Span]) -> (usize, usize, Vec<Span>) {
    let mut best: Option<(f32, usize, usize)> = None;
    let mut seen = Vec::new();
    let mut j = 0;
    for i in 0..spans.len() {
        j = j.max(i + 1);
        while j < spans.len() && spans[j].end - spans[i].start <= TARGET_BYTES {
            j += 1;
        }
        let score = window_score(&spans[i..j], &mut seen);
        if best.is_none_or(|(s, _, _)| score > s) {
            best = Some((score, i, j));
        }
    }
    match best {
        Some((_, i, j)) => {
            let chosen = merge(&spans[i..j]);
            let start = chosen.first().map_or(0, |s| s.start);
            let end = chosen.iter().map(|s| s.end).max().unwrap_or(start);
            (start, end, chosen)
        }
        None => (0, 0, Vec::new()),
    }
}

/// Sorted spans with overlapping ones joined (a code and the word inside it).
fn merge(spans: &[Span]) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for s in spans {
        match out.last_mut() {
            Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
            _ => out.push(*s),
        }
    }
    out
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Grows `core_start..core_end` to about `TARGET_BYTES`, cutting at word boundaries.
fn widen(text: &str, core_start: usize, core_end: usize) -> (usize, usize) {
    let slack = TARGET_BYTES.saturating_sub(core_end - core_start);
    let before = (slack / 3).min(MAX_CONTEXT_BEFORE);
    let mut ws = floor_boundary(text, core_start.saturating_sub(before));
    if ws > 0 && ws < core_start {
        // Start after a space, unless the word is long: then cut inside it.
        let window = &text[ws..core_start];
        if let Some(p) = window.find(char::is_whitespace) {
            if p <= SNAP_BYTES {
                ws += p;
            }
        }
    }
    let room = TARGET_BYTES.saturating_sub(core_end - ws);
    let mut we = floor_boundary(text, core_end + room);
    if we < text.len() && we > core_end {
        let window = &text[core_end..we];
        if let Some(p) = window.rfind(char::is_whitespace) {
            if window.len() - p <= SNAP_BYTES {
                we = core_end + p;
            }
        }
    }
    (ws, we)
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || c.is_control()
}

/// The snippet text for `ws..we` with collapsed whitespace and "…" at cuts, and the UTF-16
/// ranges of `spans` in it.
fn render(text: &str, ws: usize, we: usize, spans: &[Span]) -> (String, Vec<[u32; 2]>) {
    let mut out = String::with_capacity(we - ws + 8);
    let mut pos16: u32 = 0;
    let mut highlights = Vec::with_capacity(spans.len());
    if text[..ws].chars().any(|c| !is_space(c)) {
        out.push('…');
        pos16 += 1;
    }
    let mut pending_space = false;
    let mut k = 0;
    let mut open: Option<u32> = None;
    for (i, c) in text[ws..we].char_indices() {
        let pos = ws + i;
        if is_space(c) {
            pending_space = !out.is_empty() && !out.ends_with('…');
            continue;
        }
        if pending_space {
            out.push(' ');
            pos16 += 1;
            pending_space = false;
        }
        while k < spans.len() && spans[k].end <= pos && open.is_none() {
            k += 1; // a span cut off by the window start
        }
        if open.is_none() && k < spans.len() && pos >= spans[k].start {
            open = Some(pos16);
        }
        out.push(c);
        pos16 += c.len_utf16() as u32;
        if let Some(start) = open {
            if k < spans.len() && pos + c.len_utf8() >= spans[k].end {
                highlights.push([start, pos16]);
                open = None;
                k += 1;
            }
        }
    }
    if let Some(start) = open {
        highlights.push([start, pos16]);
    }
    if text[we..].chars().any(|c| !is_space(c)) {
        out.push('…');
    }
    (out, highlights)
}
