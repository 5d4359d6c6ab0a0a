import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { deferred } from "./deferred";
import { moveActive, resolveEnter, TypeAhead, type Found } from "../typeahead";

describe("TypeAhead", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("debounces typing into one search after the pause", async () => {
    const search = vi.fn(async (q: string) => [q]);
    const results: string[][] = [];
    const t = new TypeAhead(search, (_q, r) => results.push(r), () => {}, 80);
    t.input("P");
    t.input("P-");
    t.input("P-1");
    await vi.advanceTimersByTimeAsync(79);
    expect(search).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(search).toHaveBeenCalledTimes(1);
    expect(search).toHaveBeenCalledWith("P-1");
    expect(results).toEqual([["P-1"]]);
  });

  it("drops an answer that arrives after a newer query", async () => {
    const pending: Record<string, ReturnType<typeof deferred<string[]>>> = {};
    const search = (q: string) => {
      pending[q] = deferred<string[]>();
      return pending[q].promise;
    };
    const seen: string[] = [];
    const t = new TypeAhead(search, (q) => seen.push(q), () => {}, 80);
    t.input("P");
    await vi.advanceTimersByTimeAsync(80);
    t.input("P-101");
    await vi.advanceTimersByTimeAsync(80);
    pending["P-101"]!.resolve(["new"]);
    await Promise.resolve();
    pending["P"]!.resolve(["old"]);
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual(["P-101"]);
  });

  it("cancel drops pending searches and answers; errors of stale searches are dropped too", async () => {
    const d = deferred<string[]>();
    const onResult = vi.fn();
    const onError = vi.fn();
    const t = new TypeAhead(() => d.promise, onResult, onError, 80);
    t.input("X");
    await vi.advanceTimersByTimeAsync(80);
    t.cancel();
    d.reject(new Error("boom"));
    await vi.advanceTimersByTimeAsync(0);
    expect(onResult).not.toHaveBeenCalled();
    expect(onError).not.toHaveBeenCalled();
  });

  it("reports the error of the latest search", async () => {
    const onError = vi.fn();
    const t = new TypeAhead(() => Promise.reject(new Error("db")), () => {}, onError, 80);
    t.input("X");
    await vi.advanceTimersByTimeAsync(80);
    expect(onError).toHaveBeenCalledWith("X", expect.any(Error));
  });

  it("now() searches at once and cancels the pending debounce", async () => {
    const search = vi.fn(async (q: string) => [q]);
    const t = new TypeAhead(search, () => {}, () => {}, 80);
    t.input("P-1");
    await expect(t.now("P-101")).resolves.toEqual(["P-101"]);
    await vi.advanceTimersByTimeAsync(200);
    expect(search).toHaveBeenCalledTimes(1);
  });
});

describe("resolveEnter", () => {
  const pump: Found = { id: "1", tag: "P-101", name: "Pump" };
  const drive: Found = { id: "2", tag: "VFD-2041", name: "Drive" };

  it("opens the exact tag first, without a search", async () => {
    const find = vi.fn(async () => [drive]);
    const r = await resolveEnter(" P-101 ", { byTag: async (t) => (t === "P-101" ? pump : null), find });
    expect(r).toEqual({ kind: "asset", asset: pump });
    expect(find).not.toHaveBeenCalled();
  });

  it("falls back to the first match", async () => {
    const r = await resolveEnter("drive", { byTag: async () => null, find: async () => [drive, pump] });
    expect(r).toEqual({ kind: "asset", asset: drive });
  });

  it("says nothing was found", async () => {
    const r = await resolveEnter("ZZ-9", { byTag: async () => null, find: async () => [] });
    expect(r).toEqual({ kind: "none", text: "ZZ-9" });
  });

  it("does nothing for blank text", async () => {
    const byTag = vi.fn(async () => null);
    expect(await resolveEnter("   ", { byTag, find: async () => [] })).toEqual({ kind: "none", text: "" });
    expect(byTag).not.toHaveBeenCalled();
  });
});

describe("moveActive", () => {
  it("moves within the list", () => {
    expect(moveActive(-1, 1, 3)).toBe(0);
    expect(moveActive(0, 1, 3)).toBe(1);
    expect(moveActive(2, 1, 3)).toBe(2);
    expect(moveActive(0, -1, 3)).toBe(-1);
    expect(moveActive(-1, -1, 3)).toBe(2);
    expect(moveActive(0, 1, 0)).toBe(-1);
  });
});
