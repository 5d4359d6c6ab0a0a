import { describe, expect, it } from "vitest";
import type { FailureCodes } from "../bindings/FailureCodes";
import { criticalityText, downtimeText, errorTitle, failureParts, formatBytes, isDown, isFinished, pendingText, plural, pluralWord, statusText, syncNeedsAttention, syncText } from "../format";

const noCodes: FailureCodes = {
  failure_class: null,
  problem_code: null,
  cause_code: null,
  remedy_code: null,
  iso_failure_mode: null,
  iso_failure_mechanism: null,
  iso_failure_cause: null,
};

describe("format", () => {
  it("words the sync state", () => {
    expect(syncText("pending")).toBe("Not yet synced");
    expect(syncText("synced")).toBe("Synced");
    expect(syncText("rejected")).toBe("Refused by the hub");
    expect(syncText("conflict")).toBe("Conflict — choose a value");
    expect(syncNeedsAttention("rejected")).toBe(true);
    expect(syncNeedsAttention("conflict")).toBe(true);
    expect(syncNeedsAttention("pending")).toBe(false);
    expect(syncNeedsAttention("synced")).toBe(false);
    expect(pendingText(0)).toBe("All changes synced");
    expect(pendingText(1)).toBe("1 change not yet synced");
    expect(pendingText(4)).toBe("4 changes not yet synced");
    // Not enrolled: nothing is synced, so never "All changes synced".
    expect(pendingText(0, false)).toBe("Not enrolled — changes stay on this laptop");
    expect(pendingText(1, false)).toBe("Not enrolled — 1 change stays on this laptop");
  });

  it("words downtime", () => {
    expect(downtimeText({ downtime_start: "2026-11-20T06:00:00Z", downtime_end: null, downtime_minutes: null })).toBe("ongoing");
    expect(downtimeText({ downtime_start: "2026-11-20T06:00:00Z", downtime_end: "2026-11-20T07:35:00Z", downtime_minutes: 95 as unknown as bigint })).toBe("1 h 35 min");
    expect(downtimeText({ downtime_start: "2026-11-20T06:00:00Z", downtime_end: "2026-11-20T06:20:00Z", downtime_minutes: null })).toBe("20 min");
    expect(downtimeText({ downtime_start: null, downtime_end: null, downtime_minutes: null })).toBe("none");
  });

  it("knows when a machine is down and a work order is finished", () => {
    expect(isDown({ downtime_start: "x", downtime_end: null })).toBe(true);
    expect(isDown({ downtime_start: null, downtime_end: null })).toBe(false);
    expect(isFinished({ status: "closed" })).toBe(true);
    expect(isFinished({ status: "in_progress" })).toBe(false);
    expect(statusText("in_progress")).toBe("In progress");
    expect(statusText("open")).toBe("Open");
  });

  it("lists recorded failure codes only", () => {
    expect(failureParts(noCodes)).toEqual([]);
    expect(failureParts({ ...noCodes, failure_class: "PUMP", iso_failure_mode: "ELU", cause_code: "" })).toEqual([
      { label: "Class", code: "PUMP" },
      { label: "ISO mode", code: "ELU" },
    ]);
  });

  it("has small helpers", () => {
    expect(plural(1, "note")).toBe("1 note");
    expect(plural(2, "note")).toBe("2 notes");
    expect(plural(1, "breakdown")).toBe("1 breakdown");
    expect(plural(0, "breakdown")).toBe("0 breakdowns");
    expect(plural(1n, "conflict")).toBe("1 conflict");
    expect(plural(3, "entry", "entries")).toBe("3 entries");
    expect(pluralWord(1, "breakdown")).toBe("breakdown");
    expect(pluralWord(4, "breakdown")).toBe("breakdowns");
    expect(criticalityText("A")).toBe("A · high");
    expect(criticalityText(null)).toBe("not rated");
    expect(formatBytes(830_000)).toBe("830 kB");
    expect(formatBytes(2_400_000)).toBe("2.4 MB");
    expect(errorTitle("storage")).toBe("Could not save on this laptop");
    expect(errorTitle("internal")).toBe("The app did not answer as expected");
  });
});
