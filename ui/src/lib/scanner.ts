// Barcode-scanner detection: a keyboard-wedge scanner "types" an asset tag in a fast burst of
// keystrokes followed by Enter. This module tells such a burst from a person typing, and tells
// which focused elements take typing themselves (where a scan must be left alone).

/** The parts of a KeyboardEvent the detector looks at. */
export interface KeyLike {
  key: string;
  timeStamp: number;
  ctrlKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
}

export interface ScanOptions {
  /** Longest pause between two keystrokes of one scan, ms (scanners: 1–30 ms; people: 80+). */
  maxGapMs: number;
  /** Fewest characters that count as a tag. */
  minLength: number;
}

export const DEFAULT_SCAN_OPTIONS: ScanOptions = { maxGapMs: 50, minLength: 3 };

/**
 * Feed it every keydown that happens while no text field has focus; `feed` returns the scanned
 * text when an Enter ends a fast burst, otherwise null.
 */
export class ScanDetector {
  private buffer = "";
  private last = -Infinity;
  private readonly opts: ScanOptions;

  constructor(opts: Partial<ScanOptions> = {}) {
    this.opts = { ...DEFAULT_SCAN_OPTIONS, ...opts };
  }

  feed(e: KeyLike): string | null {
    const gap = e.timeStamp - this.last;
    if (e.ctrlKey || e.altKey || e.metaKey) {
      this.reset();
      return null;
    }
    if (e.key === "Enter") {
      const text = this.buffer;
      const fast = gap <= this.opts.maxGapMs;
      this.reset();
      const tag = text.trim();
      return fast && tag.length >= this.opts.minLength ? tag : null;
    }
    if (e.key.length !== 1) {
      // Shift, CapsLock and the like come between characters of a scan; anything else ends it.
      if (e.key !== "Shift" && e.key !== "CapsLock") this.reset();
      return null;
    }
    if (gap > this.opts.maxGapMs) this.buffer = "";
    this.buffer += e.key;
    this.last = e.timeStamp;
    return null;
  }

  /** True while a burst is under way (its keys should not trigger anything else). */
  get pending(): number {
    return this.buffer.length;
  }

  reset(): void {
    this.buffer = "";
    this.last = -Infinity;
  }
}

/** The parts of an element that decide whether it takes typed text. */
export interface ElementLike {
  tagName: string;
  type?: string;
  isContentEditable?: boolean;
  readOnly?: boolean;
  disabled?: boolean;
}

const NON_TEXT_INPUT_TYPES = new Set([
  "button",
  "checkbox",
  "color",
  "file",
  "hidden",
  "image",
  "radio",
  "range",
  "reset",
  "submit",
]);

/** Does this focused element take typing (so a scanner's keystrokes belong to it)? */
export function takesTyping(el: ElementLike | null | undefined): boolean {
  if (!el) return false;
  if (el.isContentEditable) return true;
  const tag = el.tagName.toUpperCase();
  if (tag === "TEXTAREA" || tag === "SELECT") return !el.disabled;
  if (tag === "INPUT") {
    const type = (el.type ?? "text").toLowerCase();
    return !NON_TEXT_INPUT_TYPES.has(type) && !el.disabled && !el.readOnly;
  }
  return false;
}
