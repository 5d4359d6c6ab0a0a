import { describe, expect, it } from "vitest";
import type { Manual, SearchHit } from "../api";
import {
  canOpen,
  failureText,
  groupHits,
  hitTerms,
  importRunning,
  manualForLink,
  manualName,
  modelLabel,
  needsPassword,
  pickPdfs,
  progressFraction,
  progressText,
  stateText,
} from "../manuals";

const hit = (manual_id: string, page: number, extra: Partial<SearchHit> = {}): SearchHit => ({
  manual_id,
  file_name: `${manual_id}.pdf`,
  title: `Manual ${manual_id}`,
  page,
  score: 1,
  snippet: "",
  highlights: [],
  ...extra,
});

describe("hit grouping", () => {
  it("orders manuals by their best hit and keeps each manual's pages in rank order", () => {
    const groups = groupHits([hit("fr", 12), hit("cr", 3), hit("fr", 4), hit("ga", 1), hit("cr", 9), hit("fr", 40)]);
    expect(groups.map((g) => g.manual_id)).toEqual(["fr", "cr", "ga"]);
    expect(groups.map((g) => g.hits.map((h) => h.page))).toEqual([[12, 4, 40], [3, 9], [1]]);
    expect(groups[0]).toMatchObject({ file_name: "fr.pdf", title: "Manual fr" });
  });

  it("gives no groups for no hits", () => {
    expect(groupHits([])).toEqual([]);
  });
});

describe("words to mark in the viewer", () => {
  it("takes the snippet's highlighted words first, then the typed words, each once", () => {
    const snippet = "… the display shows E.OC1 (OC1) when the motor stalls";
    const at = (w: string): [number, number] => [snippet.indexOf(w), snippet.indexOf(w) + w.length];
    const h = { snippet, highlights: [at("E.OC1"), at("(OC1)"), at("stalls")].map(([a, b], i) => (i === 1 ? [a + 1, b - 1] : [a, b]) as [number, number]) };
    expect(hitTerms(h, "oc1 motor stall")).toEqual(["E.OC1", "OC1", "stalls", "motor", "stall"]);
  });

  it("strips punctuation around typed words and leaves out single characters", () => {
    expect(hitTerms({ snippet: "", highlights: [] }, '"E-214 (spindle)" a  ')).toEqual(["E-214", "spindle"]);
  });

  it("keeps the list short", () => {
    const q = Array.from({ length: 30 }, (_, i) => `word${i}`).join(" ");
    expect(hitTerms({ snippet: "", highlights: [] }, q)).toHaveLength(12);
  });
});

describe("library texts", () => {
  it("uses the app's failure message, else explains the kind", () => {
    expect(failureText("encrypted", "Encrypted: enter the password")).toBe("Encrypted: enter the password");
    expect(failureText("encrypted", null)).toMatch(/password/);
    expect(failureText("no_text_layer", "  ")).toMatch(/scanned/);
    expect(failureText("damaged", null)).toMatch(/damaged/i);
    expect(failureText("timeout", null)).toMatch(/too long/);
    expect(failureText("weird", null)).toContain("weird");
    expect(failureText(null, null)).toMatch(/could not be read/);
  });

  it("says what each state means", () => {
    for (const s of ["queued", "extracting", "extracted", "indexed", "failed"] as const) expect(stateText(s)).not.toBe("");
  });

  it("asks for a password only for an encrypted failure, and does not open it", () => {
    expect(needsPassword({ state: "failed", failure_kind: "encrypted" })).toBe(true);
    expect(needsPassword({ state: "failed", failure_kind: "timeout" })).toBe(false);
    expect(needsPassword({ state: "indexed", failure_kind: null })).toBe(false);
    expect(canOpen({ state: "failed", failure_kind: "encrypted" })).toBe(false);
    expect(canOpen({ state: "failed", failure_kind: "no_text_layer" })).toBe(true);
    expect(canOpen({ state: "indexed", failure_kind: null })).toBe(true);
  });

  it("names a manual by its title, else its file name", () => {
    expect(manualName({ title: " FR-E800 Manual ", file_name: "fr.pdf" })).toBe("FR-E800 Manual");
    expect(manualName({ title: null, file_name: "fr.pdf" })).toBe("fr.pdf");
    expect(manualName({ title: "  ", file_name: "fr.pdf" })).toBe("fr.pdf");
  });

  it("joins manufacturer and model, and needs a model", () => {
    expect(modelLabel(" Mitsubishi  Electric ", "FR-E820-0.75K ")).toBe("Mitsubishi Electric FR-E820-0.75K");
    expect(modelLabel("", "CRN 10-6")).toBe("CRN 10-6");
    expect(modelLabel("Grundfos", " ")).toBeNull();
  });
});

describe("import", () => {
  it("keeps the PDFs of a picked folder and counts the rest", () => {
    const files = [
      { name: "a.pdf", type: "" },
      { name: "B.PDF", type: "" },
      { name: "c", type: "application/pdf" },
      { name: "notes.txt", type: "text/plain" },
      { name: ".DS_Store", type: "" },
    ];
    const { pdfs, skipped } = pickPdfs(files);
    expect(pdfs.map((f) => f.name)).toEqual(["a.pdf", "B.PDF", "c"]);
    expect(skipped).toBe(2);
  });

  it("describes progress", () => {
    expect(progressText({ total: 12, done: 3, current: "x.pdf", manual_id: null, cancelled: false, retry_later: 0 })).toBe("3 of 12 files");
    expect(progressText({ total: 1, done: 1, current: null, manual_id: null, cancelled: false, retry_later: 0 })).toBe("1 of 1 file added");
    expect(progressText({ total: 12, done: 3, current: null, manual_id: null, cancelled: true, retry_later: 0 })).toBe("Cancelled after 3 of 12 files");
    expect(progressText({ total: 5, done: 5, current: null, manual_id: null, cancelled: false, retry_later: 2 })).toBe(
      "5 of 5 files added; 2 left for the next import",
    );
    expect(progressText({ total: 5, done: 2, current: null, manual_id: null, cancelled: true, retry_later: 1 })).toBe(
      "Cancelled after 2 of 5 files; 1 left for the next import",
    );
    expect(progressFraction({ total: 4, done: 1 })).toBe(0.25);
    expect(progressFraction({ total: 0, done: 0 })).toBe(0);
    expect(progressFraction({ total: 2, done: 5 })).toBe(1);
    expect(importRunning({ total: 4, done: 1, current: null, manual_id: null, cancelled: false, retry_later: 0 })).toBe(true);
    expect(importRunning({ total: 4, done: 4, current: null, manual_id: null, cancelled: false, retry_later: 0 })).toBe(false);
    expect(importRunning({ total: 4, done: 1, current: null, manual_id: null, cancelled: true, retry_later: 0 })).toBe(false);
    expect(importRunning(null)).toBe(false);
  });
});

describe("a guide step's manual link", () => {
  const m = (id: string, title: string | null, models: string[], failure_kind: string | null = null) => ({
    id,
    title,
    models,
    state: (failure_kind === null ? "indexed" : "failed") as Manual["state"],
    failure_kind,
  });
  const library = [
    m("enc", "VX-300 Drive Manual", ["Vexa VX-300"], "encrypted"),
    m("km", "KM-600 Service Manual", ["Kamo KM-600"]),
    m("vx", "VX-300 Drive Manual", ["Vexa VX-300"]),
  ];
  it("finds the manual by title or by its model, any case, and only one that opens", () => {
    expect(manualForLink("vx-300 drive manual", library)?.id).toBe("vx");
    expect(manualForLink("VX-300", library)?.id).toBe("vx");
    expect(manualForLink("Kamo KM-600", library)?.id).toBe("km");
    expect(manualForLink("X-300", library)).toBeNull();
    expect(manualForLink("  ", library)).toBeNull();
    expect(manualForLink("VX-300", library.slice(0, 1))).toBeNull();
  });
});
