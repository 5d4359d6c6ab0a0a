import { beforeEach, describe, expect, it } from "vitest";

const store = new Map<string, string>();
(globalThis as unknown as { window: object }).window = {
  localStorage: {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, v),
    removeItem: (k: string) => void store.delete(k),
  },
};

const { clearDraft, loadDraft, saveDraft } = await import("../drafts");

describe("drafts", () => {
  beforeEach(() => store.clear());

  it("keeps typed text until cleared", () => {
    const blank = { symptom: "", stopped: true, priority: 2 };
    expect(loadDraft("bd.1", blank)).toEqual(blank);
    saveDraft("bd.1", { symptom: "Leaks at seal", stopped: false, priority: 1 });
    expect(loadDraft("bd.1", blank)).toEqual({ symptom: "Leaks at seal", stopped: false, priority: 1 });
    clearDraft("bd.1");
    expect(loadDraft("bd.1", blank)).toEqual(blank);
  });

  it("ignores unknown fields, wrong types and corrupt JSON", () => {
    const blank = { text: "", priority: 2 };
    store.set("faultline.draft.x", JSON.stringify({ text: 5, priority: 3, extra: "y" }));
    expect(loadDraft("x", blank)).toEqual({ text: "", priority: 3 });
    store.set("faultline.draft.x", "{not json");
    expect(loadDraft("x", blank)).toEqual(blank);
  });
});
