// The current screen as a rune store, kept in step with the window's URL hash and history, so the
// Back button, the mouse's back button and a reload all do what the technician expects.
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

function sync(): void {
  const next = parseHash(window.location.hash);
  if (!sameRoute(next, router.route)) {
    clearError();
    router.route = next;
  }
}

window.addEventListener("hashchange", sync);
window.addEventListener("popstate", sync);

/** Opens a screen; `replace` swaps the current history entry (e.g. after a submitted form). */
export function go(route: Route, opts: { replace?: boolean } = {}): void {
  const hash = formatHash(route);
  if (opts.replace) window.history.replaceState({ depth: depth() }, "", hash);
  else if (hash !== window.location.hash || !sameRoute(route, router.route)) {
    window.history.pushState({ depth: depth() + 1 }, "", hash);
  }
  if (!sameRoute(route, router.route)) clearError();
  router.route = route;
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
