import { describe, expect, it } from "vitest";
import { FOCUS_MARGIN, scrollNeeded } from "../statusBar";

describe("keeping the focused control above the status line", () => {
  // 1024×600 with the old two-line bar: its top at 512.
  const barTop = 512;

  it("does not scroll when the control is clear of the bar", () => {
    expect(scrollNeeded({ top: 400, bottom: 448 }, barTop)).toBe(0);
    expect(scrollNeeded({ top: 400, bottom: barTop - FOCUS_MARGIN }, barTop)).toBe(0);
  });

  it("scrolls a control behind the bar up just above it", () => {
    // The Log breakdown button, partly hidden behind the bar.
    expect(scrollNeeded({ top: 500, bottom: 548 }, barTop)).toBe(548 + FOCUS_MARGIN - barTop);
    // Entirely behind it.
    expect(scrollNeeded({ top: 530, bottom: 578 }, barTop)).toBe(578 + FOCUS_MARGIN - barTop);
  });

  it("keeps the top of a control taller than the free space in sight", () => {
    expect(scrollNeeded({ top: 100, bottom: 900 }, barTop, 0)).toBe(100 - FOCUS_MARGIN);
  });
});
