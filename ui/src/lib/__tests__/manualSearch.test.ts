import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { deferred } from "./deferred";
import type { SearchHit, SearchResults } from "../api";
import { ManualSearch, rememberedQuery, rememberQuery, SEARCH_DELAY_MS, type ManualSearchView } from "../manualSearch";

const hit = (manual_id: string, page: number, score = 1): SearchHit => ({
  manual_id,
  file_name: `${manual_id}.pdf`,
  title: null,
  page,
  score,
  snippet: `page ${page}`,
  highlights: [],
});

describe("manual search as you type", () => {
  let views: ManualSearchView[];
  const last = () => views[views.length - 1]!;

  beforeEach(() => {
    vi.useFakeTimers();
    views = [];
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("waits ~120 ms after the last keystroke and searches once, for the last text", async () => {
    const run = vi.fn((text: string) => Promise.resolve<SearchResults>({ hits: [hit(text, 1)], rebuilding: false }));
    const s = new ManualSearch(run, (v) => views.push(v));
    expect(SEARCH_DELAY_MS).toBeGreaterThanOrEqual(100);
    expect(SEARCH_DELAY_MS).toBeLessThanOrEqual(150);
    s.input("O");
    await vi.advanceTimersByTimeAsync(60);
    s.input("OC");
    await vi.advanceTimersByTimeAsync(60);
    s.input("OC1 ");
    expect(last().searching).toBe(true);
    await vi.advanceTimersByTimeAsync(SEARCH_DELAY_MS - 1);
    expect(run).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(run).toHaveBeenCalledTimes(1);
    expect(run).toHaveBeenCalledWith("OC1");
    expect(last()).toMatchObject({ query: "OC1 ", answered: "OC1", total: 1, searching: false, error: null });
  });

  it("drops an answer that arrives after a newer text was searched", async () => {
    const slow = deferred<SearchResults>();
    const fast = deferred<SearchResults>();
    const run = vi.fn().mockReturnValueOnce(slow.promise).mockReturnValueOnce(fast.promise);
    const s = new ManualSearch(run, (v) => views.push(v));
    s.input("stall");
    await vi.advanceTimersByTimeAsync(SEARCH_DELAY_MS);
    s.input("stalls under load");
    await vi.advanceTimersByTimeAsync(SEARCH_DELAY_MS);
    fast.resolve({ hits: [hit("new", 3)], rebuilding: false });
    await vi.advanceTimersByTimeAsync(0);
    slow.resolve({ hits: [hit("old", 9)], rebuilding: false });
    await vi.advanceTimersByTimeAsync(0);
    expect(last().answered).toBe("stalls under load");
    expect(last().groups.map((g) => g.manual_id)).toEqual(["new"]);
  });

  it("clears at once when the box is emptied, and ignores the answer still on its way", async () => {
    const pending = deferred<SearchResults>();
    const s = new ManualSearch(() => pending.promise, (v) => views.push(v));
    s.input("E.OC1");
    await vi.advanceTimersByTimeAsync(SEARCH_DELAY_MS);
    s.input("  ");
    expect(last()).toMatchObject({ query: "  ", answered: "", total: 0, searching: false });
    pending.resolve({ hits: [hit("m", 1)], rebuilding: false });
    await vi.advanceTimersByTimeAsync(0);
    expect(last().total).toBe(0);
  });

  it("groups hits by manual and passes on `rebuilding`", async () => {
    const s = new ManualSearch(
      () => Promise.resolve({ hits: [hit("a", 3, 9), hit("b", 1, 8), hit("a", 7, 5)], rebuilding: true }),
      (v) => views.push(v),
    );
    s.now("oc1");
    await vi.advanceTimersByTimeAsync(0);
    expect(last().rebuilding).toBe(true);
    expect(last().groups.map((g) => [g.manual_id, g.hits.map((h) => h.page)])).toEqual([
      ["a", [3, 7]],
      ["b", [1]],
    ]);
  });

  it("shows a failed search's message and stops the spinner", async () => {
    const s = new ManualSearch(() => Promise.reject(new Error("index locked")), (v) => views.push(v));
    s.input("x1");
    await vi.advanceTimersByTimeAsync(SEARCH_DELAY_MS);
    expect(last()).toMatchObject({ searching: false, error: "index locked" });
  });

  it("runs the current text again on refresh (index rebuilt), not when empty", async () => {
    const run = vi.fn(() => Promise.resolve<SearchResults>({ hits: [], rebuilding: false }));
    const s = new ManualSearch(run, (v) => views.push(v));
    s.refresh();
    expect(run).not.toHaveBeenCalled();
    s.now("Err 31");
    await vi.advanceTimersByTimeAsync(0);
    s.refresh();
    await vi.advanceTimersByTimeAsync(0);
    expect(run).toHaveBeenCalledTimes(2);
    expect(run).toHaveBeenLastCalledWith("Err 31");
  });

  it("remembers each box's text for Back from the viewer", () => {
    rememberQuery("manual-search", "E.OC1");
    rememberQuery("asset-manual-search:a1", "seal leak");
    expect(rememberedQuery("manual-search")).toBe("E.OC1");
    expect(rememberedQuery("asset-manual-search:a1")).toBe("seal leak");
    rememberQuery("manual-search", "");
    expect(rememberedQuery("manual-search")).toBe("");
    expect(rememberedQuery("asset-manual-search:a2")).toBe("");
  });
});
