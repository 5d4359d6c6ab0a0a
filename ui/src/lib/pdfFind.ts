// Finding the searched words in a PDF page's text items (pdf.js text content: one string per text
// run, the way the PDF draws them), to highlight them on the page. Pure: no pdf.js, no DOM.
//
// Matching ignores case, accents, ligatures (ﬁ = fi) and everything that is not a letter or a
// digit, so "E.oC.1", "E.OC1" and "E. OC 1" match each other and a word split over two text runs
// is still found. A match must start at a word start; it may run on into a longer word (a stemmed
// search word "stall" marks "stalls"), except a short word or a number: "31" does not mark "310".

/** Part of one text item to highlight: [start, end) UTF-16 offsets into `items[item]`. */
export interface ItemRange {
  item: number;
  start: number;
  end: number;
}

const WORD_CHAR = /[\p{L}\p{N}]/u;
const DIGIT = /\p{N}/u;

interface Folded {
  /** Lower-case letters and digits only, accents and compatibility forms unfolded. */
  key: string;
  /** For each UTF-16 unit of `key`: the [start, end) of the source character it came from. */
  from: Array<[number, number]>;
}

function fold(text: string): Folded {
  let key = "";
  const from: Array<[number, number]> = [];
  let i = 0;
  for (const ch of text) {
    const len = ch.length;
    if (WORD_CHAR.test(ch)) {
      const f = ch.toLowerCase().normalize("NFKD").replace(/[^\p{L}\p{N}]/gu, "");
      for (let k = 0; k < f.length; k++) from.push([i, i + len]);
      key += f;
    }
    i += len;
  }
  return { key, from };
}

/** The character (code point) just before / at `at`, or "" at the edges. */
function charBefore(text: string, at: number): string {
  if (at <= 0) return "";
  const lo = text.charCodeAt(at - 1);
  if (lo >= 0xdc00 && lo <= 0xdfff && at >= 2) return text.slice(at - 2, at);
  return text.slice(at - 1, at);
}
function charAt(text: string, at: number): string {
  const cp = text.codePointAt(at);
  return cp === undefined ? "" : String.fromCodePoint(cp);
}

/** Ranges of the joined text where one of `terms` occurs, merged and in order. */
export function findInText(text: string, terms: readonly string[]): Array<[number, number]> {
  const page = fold(text);
  const found: Array<[number, number]> = [];
  const keys = new Set<string>();
  for (const term of terms) {
    const key = fold(term).key;
    if (key.length >= 2) keys.add(key);
  }
  for (const key of keys) {
    const short = key.length <= 2;
    for (let a = page.key.indexOf(key); a !== -1; a = page.key.indexOf(key, a + 1)) {
      const first = page.from[a]!;
      const last = page.from[a + key.length - 1]!;
      // Starts in the middle of one unfolded character (the "i" of "ﬁ"): not a word start.
      if (a > 0 && page.from[a - 1]![0] === first[0]) continue;
      if (WORD_CHAR.test(charBefore(text, first[0]))) continue;
      const next = charAt(text, last[1]);
      if (WORD_CHAR.test(next)) {
        if (short) continue;
        if (DIGIT.test(next) && DIGIT.test(charBefore(text, last[1]))) continue;
      }
      found.push([first[0], last[1]]);
    }
  }
  found.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const merged: Array<[number, number]> = [];
  for (const r of found) {
    const prev = merged[merged.length - 1];
    if (prev && r[0] <= prev[1]) prev[1] = Math.max(prev[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

/**
 * Where `terms` occur in a page's text items: per item, the parts to highlight. Items are read as
 * one text with a line break between them, so a match may cover the end of one item and the start
 * of the next.
 */
export function findInItems(items: readonly string[], terms: readonly string[]): ItemRange[] {
  const starts: number[] = [];
  let joined = "";
  items.forEach((s, k) => {
    if (k > 0) joined += "\n";
    starts.push(joined.length);
    joined += s;
  });
  const out: ItemRange[] = [];
  const ranges = findInText(joined, terms);
  if (ranges.length === 0) return out;
  let k = 0;
  for (const [s, e] of ranges) {
    while (k < items.length && starts[k]! + items[k]!.length <= s) k++;
    for (let j = k; j < items.length && starts[j]! < e; j++) {
      const a = Math.max(s, starts[j]!) - starts[j]!;
      const b = Math.min(e, starts[j]! + items[j]!.length) - starts[j]!;
      if (b > a) out.push({ item: j, start: a, end: b });
    }
  }
  return out;
}

/** The ranges of `findInItems` gathered per item, for wrapping each item's text once. */
export function rangesByItem(ranges: readonly ItemRange[]): Map<number, Array<[number, number]>> {
  const map = new Map<number, Array<[number, number]>>();
  for (const r of ranges) {
    const list = map.get(r.item);
    if (list) list.push([r.start, r.end]);
    else map.set(r.item, [[r.start, r.end]]);
  }
  return map;
}
