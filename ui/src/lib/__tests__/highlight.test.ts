import { describe, expect, it } from "vitest";
import { highlightedWords, highlightSegments, normalizeRanges } from "../highlight";

const marked = (text: string, ranges: Array<[number, number]>) =>
  highlightSegments(text, ranges)
    .map((s) => (s.hit ? `[${s.text}]` : s.text))
    .join("");

describe("highlight ranges → segments", () => {
  it("cuts the snippet into plain and marked pieces that join back to the text", () => {
    const text = "Check E.OC1: overcurrent during acceleration";
    const segs = highlightSegments(text, [[6, 11], [13, 24]]);
    expect(segs).toEqual([
      { text: "Check ", hit: false },
      { text: "E.OC1", hit: true },
      { text: ": ", hit: false },
      { text: "overcurrent", hit: true },
      { text: " during acceleration", hit: false },
    ]);
    expect(segs.map((s) => s.text).join("")).toBe(text);
  });

  it("marks at the very start and end, and the whole text", () => {
    expect(marked("OC1 trip", [[0, 3]])).toBe("[OC1] trip");
    expect(marked("trip OC1", [[5, 8]])).toBe("trip [OC1]");
    expect(marked("OC1", [[0, 3]])).toBe("[OC1]");
  });

  it("sorts, merges overlapping and touching ranges", () => {
    expect(marked("abcdefghij", [[6, 8], [1, 3], [2, 5], [5, 6]])).toBe("a[bcdefgh]ij");
    expect(normalizeRanges("abcdefghij", [[6, 8], [1, 3], [2, 5]])).toEqual([[1, 5], [6, 8]]);
  });

  it("clamps ranges outside the text and drops empty, reversed and broken ones", () => {
    expect(marked("short", [[-4, 2], [3, 99]])).toBe("[sh]o[rt]");
    expect(marked("short", [[3, 3], [4, 2], [NaN, 2], [1, Infinity]])).toBe("short");
    expect(marked("short", [[10, 12]])).toBe("short");
    expect(marked("short", [[1] as unknown as [number, number]])).toBe("short");
  });

  it("treats offsets as UTF-16 code units (JS string indices) and keeps surrogate pairs whole", () => {
    // "⚠" is one code unit, "🔥" two.
    const text = "⚠ Motor 🔥 hot";
    expect(marked(text, [[2, 7]])).toBe("⚠ [Motor] 🔥 hot");
    const fire = text.indexOf("🔥");
    expect(marked(text, [[fire, fire + 2]])).toBe("⚠ Motor [🔥] hot");
    // A range that cuts the pair in half is widened to the whole character.
    expect(marked(text, [[fire + 1, fire + 2]])).toBe("⚠ Motor [🔥] hot");
    expect(marked(text, [[fire, fire + 1]])).toBe("⚠ Motor [🔥] hot");
  });

  it("gives one plain segment for no ranges, and an empty text one empty segment", () => {
    expect(highlightSegments("no marks", [])).toEqual([{ text: "no marks", hit: false }]);
    expect(highlightSegments("", [[0, 3]])).toEqual([{ text: "", hit: false }]);
  });

  it("keeps markup as text (the UI builds text nodes, never HTML)", () => {
    expect(highlightSegments("<b>E-214</b>", [[3, 8]])).toEqual([
      { text: "<b>", hit: false },
      { text: "E-214", hit: true },
      { text: "</b>", hit: false },
    ]);
  });

  it("lists the highlighted words once each", () => {
    const text = "OC1 trip. Check oc1 and Stall, stall";
    expect(highlightedWords(text, [[0, 3], [16, 19], [24, 29], [31, 36]])).toEqual(["OC1", "Stall"]);
  });
});
