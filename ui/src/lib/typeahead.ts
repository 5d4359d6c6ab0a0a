// Debounced type-ahead with stale-response cancellation, and the Enter/scan resolution rule of the
// asset finder (exact tag first, then the first match). Pure logic; the finder store wires it up.

/**
 * Runs `search` at most once per `delayMs` of typing and reports only the answer to the latest
 * query: an answer that arrives after a newer query was typed (or after `cancel`) is dropped.
 */
export class TypeAhead<T> {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private seq = 0;

  constructor(
    private readonly search: (query: string) => Promise<T>,
    private readonly onResult: (query: string, result: T) => void,
    private readonly onError: (query: string, error: unknown) => void,
    private readonly delayMs = 80,
  ) {}

  /** The person typed: search for `query` once they pause. */
  input(query: string): void {
    this.clearTimer();
    const my = ++this.seq;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run(query, my);
    }, this.delayMs);
  }

  /** Search now (Enter, scan); resolves with the result, or null when a newer query overtook it. */
  async now(query: string): Promise<T | null> {
    this.clearTimer();
    const my = ++this.seq;
    return this.run(query, my);
  }

  /** Forget the pending search and drop any answer still on its way. */
  cancel(): void {
    this.clearTimer();
    this.seq++;
  }

  private async run(query: string, my: number): Promise<T | null> {
    try {
      const result = await this.search(query);
      if (my !== this.seq) return null;
      this.onResult(query, result);
      return result;
    } catch (error) {
      if (my === this.seq) this.onError(query, error);
      return null;
    }
  }

  private clearTimer(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }
}

export interface Found {
  id: string;
  tag: string;
  name: string;
}

export type Resolution = { kind: "asset"; asset: Found } | { kind: "none"; text: string };

/**
 * What Enter (or a scan) in the finder opens: the asset whose tag is exactly the text, else the
 * first type-ahead match, else nothing.
 */
export async function resolveEnter(
  text: string,
  deps: {
    byTag: (tag: string) => Promise<Found | null>;
    find: (query: string) => Promise<Found[]>;
  },
): Promise<Resolution> {
  const wanted = text.trim();
  if (!wanted) return { kind: "none", text: wanted };
  const exact = await deps.byTag(wanted);
  if (exact) return { kind: "asset", asset: exact };
  const matches = await deps.find(wanted);
  const first = matches[0];
  return first ? { kind: "asset", asset: first } : { kind: "none", text: wanted };
}

/** Moves a highlighted row by `delta` within `count` rows; -1 means none is highlighted. */
export function moveActive(current: number, delta: number, count: number): number {
  if (count <= 0) return -1;
  if (current < 0) return delta > 0 ? 0 : count - 1;
  const next = current + delta;
  if (next < 0) return -1;
  if (next >= count) return count - 1;
  return next;
}

/** Could the typed text be a work-order number (a digit, no spaces)? Mirrors the core's `find_work_orders`. */
export function looksLikeWorkOrderNumber(text: string): boolean {
  const q = text.trim();
  return q.length > 0 && q.length <= 40 && /\d/.test(q) && !/\s/.test(q);
}
