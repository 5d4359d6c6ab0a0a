// What waits for the window's first frame: the cold-start mark (main.ts) and work that is not the
// first screen's own (the status line's counts: a count over every work order, 30–60 ms on a
// plant-scale replica, which otherwise shares the store and the two cores with the first frame).

/** The scheduling a browser gives (replaceable in tests). */
export interface FrameClock {
  requestAnimationFrame(f: () => void): unknown;
  setTimeout(f: () => void, ms: number): unknown;
}

const browser: FrameClock = {
  requestAnimationFrame: (f) =>
    typeof requestAnimationFrame === "function" ? requestAnimationFrame(() => f()) : setTimeout(f, 0),
  setTimeout: (f, ms) => setTimeout(f, ms),
};

/**
 * Runs `f` once, just after the next frame is painted (a task after the animation frame), or
 * never when the returned cancel is called first.
 */
export function afterFirstPaint(f: () => void, clock: FrameClock = browser): () => void {
  let cancelled = false;
  clock.requestAnimationFrame(() => {
    clock.setTimeout(() => {
      if (!cancelled) f();
    }, 0);
  });
  return () => {
    cancelled = true;
  };
}
