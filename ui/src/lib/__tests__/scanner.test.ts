import { describe, expect, it } from "vitest";
import { ScanDetector, takesTyping } from "../scanner";

function typeKeys(d: ScanDetector, keys: string[], start: number, gap: number): (string | null)[] {
  return keys.map((key, i) => d.feed({ key, timeStamp: start + i * gap }));
}

describe("ScanDetector", () => {
  it("detects a fast burst ending in Enter", () => {
    const d = new ScanDetector();
    const out = typeKeys(d, [..."P-101", "Enter"], 1000, 8);
    expect(out.slice(0, -1).every((x) => x === null)).toBe(true);
    expect(out.at(-1)).toBe("P-101");
  });

  it("ignores slow human typing", () => {
    const d = new ScanDetector();
    expect(typeKeys(d, [..."P-101", "Enter"], 1000, 150).at(-1)).toBeNull();
  });

  it("ignores a lone Enter and too-short bursts", () => {
    const d = new ScanDetector();
    expect(d.feed({ key: "Enter", timeStamp: 10 })).toBeNull();
    expect(typeKeys(d, ["A", "B", "Enter"], 100, 5).at(-1)).toBeNull();
  });

  it("starts over after a pause, keeping only the fast tail", () => {
    const d = new ScanDetector();
    d.feed({ key: "x", timeStamp: 0 });
    d.feed({ key: "y", timeStamp: 10 });
    expect(typeKeys(d, [..."CV-203", "Enter"], 1000, 10).at(-1)).toBe("CV-203");
  });

  it("needs the Enter to follow the burst quickly", () => {
    const d = new ScanDetector();
    typeKeys(d, [..."P-101"], 0, 5);
    expect(d.feed({ key: "Enter", timeStamp: 500 })).toBeNull();
  });

  it("lets Shift through (upper-case tags) but resets on shortcuts and other keys", () => {
    const d = new ScanDetector();
    expect(typeKeys(d, ["Shift", "P", "-", "1", "0", "1", "Enter"], 0, 5).at(-1)).toBe("P-101");
    typeKeys(d, [..."P-10"], 100, 5);
    d.feed({ key: "c", timeStamp: 125, ctrlKey: true });
    expect(d.feed({ key: "Enter", timeStamp: 130 })).toBeNull();
    typeKeys(d, [..."P-10"], 200, 5);
    d.feed({ key: "ArrowDown", timeStamp: 225 });
    expect(d.feed({ key: "Enter", timeStamp: 230 })).toBeNull();
  });

  it("trims whitespace around the scanned text", () => {
    const d = new ScanDetector();
    expect(typeKeys(d, [..." LBL-4 ", "Enter"], 0, 3).at(-1)).toBe("LBL-4");
  });
});

describe("takesTyping", () => {
  it("knows which elements take typed text", () => {
    expect(takesTyping(null)).toBe(false);
    expect(takesTyping({ tagName: "BODY" })).toBe(false);
    expect(takesTyping({ tagName: "BUTTON" })).toBe(false);
    expect(takesTyping({ tagName: "INPUT", type: "text" })).toBe(true);
    expect(takesTyping({ tagName: "INPUT" })).toBe(true);
    expect(takesTyping({ tagName: "INPUT", type: "datetime-local" })).toBe(true);
    expect(takesTyping({ tagName: "INPUT", type: "checkbox" })).toBe(false);
    expect(takesTyping({ tagName: "INPUT", type: "radio" })).toBe(false);
    expect(takesTyping({ tagName: "INPUT", type: "file" })).toBe(false);
    expect(takesTyping({ tagName: "INPUT", type: "text", readOnly: true })).toBe(false);
    expect(takesTyping({ tagName: "TEXTAREA" })).toBe(true);
    expect(takesTyping({ tagName: "SELECT" })).toBe(true);
    expect(takesTyping({ tagName: "DIV", isContentEditable: true })).toBe(true);
  });
});
