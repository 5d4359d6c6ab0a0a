// Going back the same way everywhere: Escape is Back on every screen (the PDF viewer included),
// except while typing in a field (there Escape belongs to the field: it clears a search box) or
// when a screen already used the key (a dialog closing); and Back returns to where the person was
// on the previous screen (its scroll position is kept in that history entry).
import { takesTyping, type ElementLike } from "./scanner";

export interface KeyLike {
  key: string;
  defaultPrevented: boolean;
  isComposing?: boolean;
  repeat?: boolean;
  altKey?: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
  shiftKey?: boolean;
}

/** Whether this key press means "Back": a plain Escape nobody else handled, outside text fields. */
export function escapeGoesBack(e: KeyLike, focused: ElementLike | null | undefined): boolean {
  if (e.key !== "Escape" || e.defaultPrevented || e.isComposing || e.repeat) return false;
  if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return false;
  return !takesTyping(focused);
}

/** The history entry's state with the page's scroll position added (the rest kept). */
export function withScroll(state: unknown, scrollY: number): Record<string, unknown> {
  const base = typeof state === "object" && state !== null ? (state as Record<string, unknown>) : {};
  return { ...base, scrollY: Math.max(0, Math.round(scrollY)) };
}

/** The scroll position kept in a history entry's state, or null. */
export function scrollOf(state: unknown): number | null {
  if (typeof state !== "object" || state === null || !("scrollY" in state)) return null;
  const y = (state as { scrollY: unknown }).scrollY;
  return typeof y === "number" && Number.isFinite(y) && y >= 0 ? y : null;
}
