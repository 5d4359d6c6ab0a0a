// Svelte actions for keyboard and scanner users: put focus where the next action happens.

/** Focuses the element once it is in the page (a new screen's container, the search box). */
export function focusOnMount(node: HTMLElement, enabled: boolean = true): void {
  if (!enabled) return;
  queueMicrotask(() => {
    if (node.isConnected) node.focus({ preventScroll: true });
  });
}
