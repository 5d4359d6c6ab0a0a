import { describe, expect, it } from "vitest";
import type { Correction } from "../bindings/Correction";
import { historyLine, intervalLines } from "../corrections";

const base: Correction = {
  id: "c1",
  action: "amend",
  author: "Ana",
  created_at: "2026-11-25T14:02:00Z",
  was: "3 ea 6205",
  now: "2 ea 6205",
  reason: null,
  sync_state: "pending",
};

describe("corrections", () => {
  it("says who amended or voided an item, and what it was", () => {
    expect(historyLine(base)).toMatch(/^amended by Ana .*, was: “3 ea 6205”$/);
    expect(historyLine({ ...base, action: "void", now: null, reason: "wrong work order" })).toMatch(
      /^voided by Ana .*: wrong work order$/,
    );
  });

  it("lists each stop of an intermittent breakdown and sums them once all ended", () => {
    const two = intervalLines([
      { start: "2026-11-25T10:00:00Z", end: "2026-11-25T10:20:00Z" },
      { start: "2026-11-25T11:00:00Z", end: "2026-11-25T11:15:00Z" },
    ]);
    expect(two.lines).toHaveLength(2);
    expect(two.lines[0]).toContain("(20 min)");
    expect(two.total).toBe(35);
    const down = intervalLines([
      { start: "2026-11-25T10:00:00Z", end: "2026-11-25T10:20:00Z" },
      { start: "2026-11-25T11:00:00Z", end: null },
    ]);
    expect(down.lines[1]).toContain("still down");
    expect(down.total).toBeNull();
  });
});
