import { describe, expect, it } from "vitest";
import { findInItems, findInText, rangesByItem } from "../pdfFind";

/** The found parts as text, per item: "item:text". */
const found = (items: string[], terms: string[]) =>
  findInItems(items, terms).map((r) => `${r.item}:${items[r.item]!.slice(r.start, r.end)}`);

describe("finding the searched words in a page's text items", () => {
  it("finds a word in an item, ignoring case", () => {
    expect(found(["Check for sudden acceleration.", "Overcurrent trip"], ["ACCELERATION", "overcurrent"])).toEqual([
      "0:acceleration",
      "1:Overcurrent",
    ]);
  });

  it("matches fault codes however they are punctuated", () => {
    const items = ["E.OC1  Overcurrent trip during acceleration", "E. OC 1 on older panels", "EOC1 in the log"];
    expect(found(items, ["E.OC1"])).toEqual(["0:E.OC1", "1:E. OC 1", "2:EOC1"]);
    // "OC1" alone matches inside "E.OC1" (after the dot) but not inside the word "EOC1".
    expect(found(items, ["OC1"])).toEqual(["0:OC1", "1:OC 1"]);
  });

  it("finds a word split over two text runs", () => {
    expect(found(["The motor is over", "loaded and stalls"], ["overloaded"])).toEqual(["0:over", "1:loaded"]);
    expect(found(["Err", "31 ribbon out"], ["Err 31"])).toEqual(["0:Err", "1:31"]);
  });

  it("starts matches at a word start, and lets a stem run on into a longer word", () => {
    expect(found(["reinstall the stalled motor"], ["stall"])).toEqual(["0:stall"]);
    expect(findInText("reinstall the stalled motor", ["stall"])).toEqual([[14, 19]]);
  });

  it("does not let a number or a short word run on", () => {
    expect(found(["Err 310 and Err 31."], ["31"])).toEqual(["0:31"]);
    expect(findInText("Err 310 and Err 31.", ["31"])).toEqual([[16, 18]]);
    expect(found(["ok okay"], ["ok"])).toEqual(["0:ok"]);
    expect(found(["F0002 F00021"], ["F0002"])).toEqual(["0:F0002"]);
  });

  it("ignores accents and ligatures", () => {
    expect(found(["Pompe à Débit réduit"], ["debit"])).toEqual(["0:Débit"]);
    expect(found(["Check the ﬁlter"], ["filter"])).toEqual(["0:ﬁlter"]);
    // Starting inside a ligature is not a word start.
    expect(found(["the ﬁlter"], ["ilter"])).toEqual([]);
  });

  it("marks every occurrence and merges overlapping ones", () => {
    expect(findInText("seal leak: replace seal, seal kit", ["seal", "seal leak"])).toEqual([
      [0, 9],
      [19, 23],
      [25, 29],
    ]);
  });

  it("skips terms without at least two letters or digits, and empty input", () => {
    expect(found(["a b c 1 2 3"], ["a", "1", "--", ""])).toEqual([]);
    expect(found([], ["motor"])).toEqual([]);
    expect(found(["motor"], [])).toEqual([]);
    expect(found(["", "motor", ""], ["motor"])).toEqual(["1:motor"]);
  });

  it("gathers ranges per item", () => {
    const items = ["seal and seal", "seal"];
    const map = rangesByItem(findInItems(items, ["seal"]));
    expect([...map.entries()]).toEqual([
      [0, [[0, 4], [9, 13]]],
      [1, [[0, 4]]],
    ]);
  });
});
