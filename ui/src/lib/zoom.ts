// The PDF viewer's zoom arithmetic: zoom steps and limits, canvas sharpness at the display's pixel
// ratio within a memory budget, two-finger pinch, and keeping the pinched spot under the fingers.

/** Zoom is relative to "fit width" (1 = the page exactly as wide as the viewer). */
export const MIN_ZOOM = 0.5;
export const MAX_ZOOM = 6;
export const ZOOM_STEP = 1.25;

export function clampZoom(z: number): number {
  if (!Number.isFinite(z)) return 1;
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, z));
}

/** One step in or out; snaps to fit width (1) when a step crosses it. */
export function stepZoom(z: number, dir: 1 | -1): number {
  const next = dir > 0 ? z * ZOOM_STEP : z / ZOOM_STEP;
  if ((z < 1 && next > 1) || (z > 1 && next < 1)) return 1;
  return clampZoom(Math.round(next * 1000) / 1000);
}

/** Largest canvas we draw, in device pixels (WebKit refuses or blanks much larger ones). */
export const MAX_CANVAS_PIXELS = 16 * 1024 * 1024;

/**
 * Device pixels per CSS pixel for a page canvas of cssWidth × cssHeight: the display's ratio for
 * sharp text, reduced when the canvas would exceed `maxPixels` (deep zoom then gets softer
 * instead of failing). Never below 0.25.
 */
export function outputScale(cssWidth: number, cssHeight: number, dpr: number, maxPixels = MAX_CANVAS_PIXELS): number {
  const ratio = Number.isFinite(dpr) && dpr > 0 ? dpr : 1;
  const area = cssWidth * cssHeight;
  if (!(area > 0)) return ratio;
  const fit = Math.sqrt(maxPixels / area);
  return Math.max(0.25, Math.min(ratio, fit));
}

export interface Point {
  x: number;
  y: number;
}

export const distance = (a: Point, b: Point): number => Math.hypot(a.x - b.x, a.y - b.y);
export const midpoint = (a: Point, b: Point): Point => ({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 });

/** The zoom a pinch leads to: the start zoom times how much the fingers spread, within limits. */
export function pinchZoom(startZoom: number, startDistance: number, nowDistance: number): number {
  if (!(startDistance > 0) || !(nowDistance > 0)) return clampZoom(startZoom);
  return clampZoom(startZoom * (nowDistance / startDistance));
}

/**
 * Scroll offsets that keep the content point under `anchor` (viewport coordinates of the scroll
 * box) in place when the content is scaled by `factor`.
 */
export function scrollForZoom(scroll: Point, anchor: Point, factor: number): Point {
  return {
    x: Math.max(0, (scroll.x + anchor.x) * factor - anchor.x),
    y: Math.max(0, (scroll.y + anchor.y) * factor - anchor.y),
  };
}
