// A search snippet with highlight ranges ([start, end) in UTF-16 code units, i.e. JS string
// indices) as plain segments the UI renders as text and <mark> nodes: never as HTML.

export interface Segment {
  text: string;
  hit: boolean;
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** Moves an offset that falls between the two halves of a surrogate pair to the pair's start (or end). */
function snap(text: string, at: number, toEnd: boolean): number {
  if (at <= 0 || at >= text.length) return at;
  if (isLow(text.charCodeAt(at)) && isHigh(text.charCodeAt(at - 1))) return toEnd ? at + 1 : at - 1;
  return at;
}

/**
 * Cleans ranges against `text`: drops non-numbers and empty ranges, clamps to the text, keeps
 * surrogate pairs whole, sorts, and merges overlapping or touching ranges.
 */
export function normalizeRanges(text: string, ranges: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
  const clean: Array<[number, number]> = [];
  for (const range of ranges) {
    if (!Array.isArray(range) || range.length < 2) continue;
    const [a, b] = range;
    if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
    const start = snap(text, Math.max(0, Math.min(text.length, Math.floor(a))), false);
    const end = snap(text, Math.max(0, Math.min(text.length, Math.ceil(b))), true);
    if (end > start) clean.push([start, end]);
  }
  clean.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const merged: Array<[number, number]> = [];
  for (const r of clean) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

/** The snippet cut into plain and highlighted pieces, in order; joining their text gives `text`. */
export function highlightSegments(text: string, ranges: ReadonlyArray<readonly [number, number]>): Segment[] {
  const segments: Segment[] = [];
  let at = 0;
  for (const [start, end] of normalizeRanges(text, ranges)) {
    if (start > at) segments.push({ text: text.slice(at, start), hit: false });
    segments.push({ text: text.slice(start, end), hit: true });
    at = end;
  }
  if (at < text.length || segments.length === 0) segments.push({ text: text.slice(at), hit: false });
  return segments.filter((s, i) => s.text.length > 0 || (i === 0 && segments.length === 1));
}

/** The highlighted words of a snippet, each once (case-insensitive), in order of appearance. */
export function highlightedWords(text: string, ranges: ReadonlyArray<readonly [number, number]>): string[] {
  const seen = new Set<string>();
  const words: string[] = [];
  for (const [start, end] of normalizeRanges(text, ranges)) {
    const word = text.slice(start, end).trim();
    const key = word.toLowerCase();
    if (word && !seen.has(key)) {
      seen.add(key);
      words.push(word);
    }
  }
  return words;
}
