// Keeps the focused control clear of the fixed status line at the bottom of the window: the
// line's height is published as --status-height (the page's scroll padding uses it), and a control
// that receives focus behind it (Tab at 1024×600; WebKitGTK's focus scrolling ignores
// scroll-padding) is scrolled up just enough to be seen.

/** Space kept between a focused control and the status line, in px. */
export const FOCUS_MARGIN = 12;

/**
 * How many px to scroll down so `target` (a viewport rect) ends above `barTop` with a margin; 0
 * when it already does. Never so far that the control's top goes above `viewTop` (a control taller
 * than the free space keeps its top in sight).
 */
export function scrollNeeded(target: { top: number; bottom: number }, barTop: number, viewTop = 0, margin = FOCUS_MARGIN): number {
  const overlap = target.bottom + margin - barTop;
  if (overlap <= 0) return 0;
  return Math.max(0, Math.min(overlap, target.top - viewTop - margin));
}

/** Watches `bar` and focus changes until the returned function is called. */
export function keepFocusAboveBar(bar: HTMLElement): () => void {
  const root = document.documentElement;
  const publish = (): void => root.style.setProperty("--status-height", `${Math.ceil(bar.getBoundingClientRect().height)}px`);
  publish();
  const resize = typeof ResizeObserver === "function" ? new ResizeObserver(publish) : null;
  resize?.observe(bar);
  const onfocusin = (e: FocusEvent): void => {
    const el = e.target;
    if (!(el instanceof HTMLElement) || bar.contains(el)) return;
    // After the browser's own focus scrolling.
    requestAnimationFrame(() => {
      if (document.activeElement !== el) return;
      const by = scrollNeeded(el.getBoundingClientRect(), bar.getBoundingClientRect().top);
      if (by > 0) window.scrollBy({ top: by });
    });
  };
  document.addEventListener("focusin", onfocusin);
  return () => {
    resize?.disconnect();
    document.removeEventListener("focusin", onfocusin);
  };
}
