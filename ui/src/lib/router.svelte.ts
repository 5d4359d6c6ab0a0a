// The current screen as a rune store, kept in step with the window's URL hash and history, so the
// Back button, the mouse's back button and a reload all do what the technician expects.
import { escapeGoesBack, scrollOf, withScroll } from "./backNav";
import { clearError } from "./errors.svelte";
import { formatHash, parseHash, sameRoute, type Route } from "./routes";

export const router = $state<{ route: Route }>({ route: parseHash(window.location.hash) });

/** How deep the current history entry is inside this app (0 = the first screen). */
function depth(): number {
  const state: unknown = window.history.state;
  if (typeof state === "object" && state !== null && "depth" in state) {
    const d = (state as { depth: unknown }).depth;
    if (typeof d === "number") return d;
  }
  return 0;
}

/** Bumped on every screen change: a scroll restore still waiting for content gives up. */
let restoring = 0;

/**
 * Scrolls back to `y` once the screen is tall enough (its data may still be loading), trying each
 * frame for up to 2 s.
 */
function restoreScroll(y: number): void {
  const mine = ++restoring;
  const until = performance.now() + 2000;
  const attempt = (): void => {
    if (mine !== restoring) return;
    const max = document.documentElement.scrollHeight - window.innerHeight;
    if (max >= y || performance.now() > until) {
      window.scrollTo({ top: Math.min(y, Math.max(0, max)) });
      return;
    }
    requestAnimationFrame(attempt);
  };
  requestAnimationFrame(attempt);
}

function sync(): void {
  const next = parseHash(window.location.hash);
  if (!sameRoute(next, router.route)) {
    clearError();
    router.route = next;
    const y = scrollOf(window.history.state);
    if (y !== null && y > 0) restoreScroll(y);
    else restoring++;
  }
}

window.addEventListener("hashchange", sync);
window.addEventListener("popstate", sync);
// Escape is Back on every screen (not while typing in a field, nor when a screen used the key).
window.addEventListener("keydown", (e) => {
  if (!escapeGoesBack(e, document.activeElement as HTMLElement | null)) return;
  e.preventDefault();
  back();
});

/** Opens a screen; `replace` swaps the current history entry (e.g. after a submitted form). */
export function go(route: Route, opts: { replace?: boolean } = {}): void {
  const hash = formatHash(route);
  if (opts.replace) window.history.replaceState({ depth: depth() }, "", hash);
  else if (hash !== window.location.hash || !sameRoute(route, router.route)) {
    // Remember where the person was on this screen, for Back.
    window.history.replaceState(withScroll(window.history.state, window.scrollY), "");
    window.history.pushState({ depth: depth() + 1 }, "", hash);
  }
  if (!sameRoute(route, router.route)) clearError();
  router.route = route;
  restoring++;
  window.scrollTo({ top: 0 });
}

/** Whether there is a screen of this app to go back to. */
export function canGoBack(): boolean {
  return depth() > 0;
}

/** The previous screen, or the finder when there is none. */
export function back(): void {
  if (canGoBack()) window.history.back();
  else go({ name: "finder" }, { replace: true });
}
