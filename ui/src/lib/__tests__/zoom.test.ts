import { describe, expect, it } from "vitest";
import { clampZoom, MAX_ZOOM, MIN_ZOOM, outputScale, pinchZoom, scrollForZoom, stepZoom } from "../zoom";

describe("viewer zoom", () => {
  it("keeps zoom within limits", () => {
    expect(clampZoom(100)).toBe(MAX_ZOOM);
    expect(clampZoom(0)).toBe(MIN_ZOOM);
    expect(clampZoom(NaN)).toBe(1);
    expect(clampZoom(2)).toBe(2);
  });

  it("steps in and out, snapping to fit width on the way", () => {
    expect(stepZoom(1, 1)).toBe(1.25);
    expect(stepZoom(1.25, -1)).toBe(1);
    expect(stepZoom(0.9, 1)).toBe(1);
    expect(stepZoom(1.1, -1)).toBe(1);
    expect(stepZoom(MAX_ZOOM, 1)).toBe(MAX_ZOOM);
    expect(stepZoom(MIN_ZOOM, -1)).toBe(MIN_ZOOM);
  });

  it("draws at the display's pixel ratio unless the canvas would get too big", () => {
    expect(outputScale(800, 1100, 2)).toBe(2);
    expect(outputScale(800, 1100, 1.5)).toBe(1.5);
    const s = outputScale(6000, 8000, 2, 16 * 1024 * 1024);
    expect(s).toBeLessThan(1);
    expect(6000 * s * 8000 * s).toBeLessThanOrEqual(16 * 1024 * 1024 + 1);
    expect(outputScale(100000, 100000, 2)).toBe(0.25);
    expect(outputScale(800, 1100, 0)).toBe(1);
  });

  it("zooms a pinch by how far the fingers spread", () => {
    expect(pinchZoom(1, 100, 200)).toBe(2);
    expect(pinchZoom(2, 200, 100)).toBe(1);
    expect(pinchZoom(1, 100, 10_000)).toBe(MAX_ZOOM);
    expect(pinchZoom(1.5, 0, 100)).toBe(1.5);
  });

  it("keeps the pinched spot under the fingers", () => {
    // Content point under the anchor: (100 + 50, 200 + 40) = (150, 240); doubled: (300, 480).
    expect(scrollForZoom({ x: 100, y: 200 }, { x: 50, y: 40 }, 2)).toEqual({ x: 250, y: 440 });
    expect(scrollForZoom({ x: 0, y: 0 }, { x: 50, y: 40 }, 0.5)).toEqual({ x: 0, y: 0 });
  });
});
