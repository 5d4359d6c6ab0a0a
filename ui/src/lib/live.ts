// What keeps a screen's data fresh, as pure logic (live.svelte.ts wires it into components): the
// kinds of data the app says changed (`DataChanged`), a filter that turns a burst of matching
// changes into one reload, and a loader whose latest answer always wins.
import type { DataKind } from "./bindings/DataKind";

export type { DataKind };

/** Something that reports changes: subscribes `handler`, returns the function that unsubscribes. */
export type DataSource = (handler: (what: readonly DataKind[]) => void) => () => void;

/** One source that reports what any of `sources` reports. */
export function mergeSources(...sources: DataSource[]): DataSource {
  return (handler) => {
    const stops = sources.map((source) => source(handler));
    return () => {
      for (const stop of stops) stop();
    };
  };
}

/** Whether a change of `what` touches data of one of `kinds`. */
export function touches(what: readonly DataKind[], kinds: readonly DataKind[]): boolean {
  return what.some((kind) => kinds.includes(kind));
}

/** How long a burst of changes is gathered into one reload (an import reports many at once). */
export const CHANGE_DELAY_MS = 150;

/**
 * Calls `onChange` once per burst of changes that touch `kinds`: the first matching change starts
 * a `delayMs` timer and the ones that arrive before it fires join it (so a long burst still
 * reloads every `delayMs`, never starves). Returns the function that stops following.
 */
export function followChanges(
  source: DataSource,
  kinds: readonly DataKind[],
  onChange: () => void,
  delayMs: number = CHANGE_DELAY_MS,
): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  const unsubscribe = kinds.length === 0
    ? () => {}
    : source((what) => {
        if (stopped || timer !== null || !touches(what, kinds)) return;
        timer = setTimeout(() => {
          timer = null;
          if (!stopped) onChange();
        }, delayMs);
      });
  return () => {
    stopped = true;
    if (timer !== null) clearTimeout(timer);
    timer = null;
    unsubscribe();
  };
}

/** What a screen shows about its data: the latest value, a load someone waits for, the last failure. */
export interface LiveState<T> {
  value: T | null;
  /** A load the person asked for (the first one, or `reload`) is on its way; quiet refreshes do not count. */
  loading: boolean;
  /** Why the latest load failed (the value shown, if any, is the last good one); null after a success. */
  error: unknown;
}

export interface LoaderOptions<T> {
  /** Reads the data; null when there is nothing to read yet (e.g. no shift picked). */
  load: () => Promise<T> | null;
  /** Receives only the fields that changed. */
  onChange: (patch: Partial<LiveState<T>>) => void;
  /** A load the person asked for failed (a quiet refresh failing only sets `error`). */
  onError?: (error: unknown) => void;
}

/**
 * Loads a screen's data so that the latest answer wins: every load and every `set` takes a
 * sequence number and an older answer never replaces a newer one. `reload` is a load the person
 * asked for (it starts at once and supersedes any load on its way); `refresh` is a quiet one after
 * a change elsewhere: at most one runs at a time, and a change during a load reads again after it,
 * so the screen always ends up with data read after the last change.
 */
export class Loader<T> {
  readonly #options: LoaderOptions<T>;
  #seq = 0;
  /** The sequence number of the load whose answer is awaited, if any. */
  #inFlight: number | null = null;
  #foreground = false;
  /** A change arrived while a load was on its way: read again when it is done. */
  #again = false;
  #stopped = false;

  constructor(options: LoaderOptions<T>) {
    this.#options = options;
  }

  /** Loads now (first load, "Try again", new inputs); resolves when this load has settled. */
  reload(): Promise<void> {
    this.#again = false;
    return this.#start(true);
  }

  /** Something this screen shows changed elsewhere: read it again, quietly. */
  refresh(): void {
    if (this.#stopped) return;
    if (this.#inFlight !== null) this.#again = true;
    else void this.#start(false);
  }

  /**
   * A newer value than any load on its way (what a save answered): show it and drop their answers,
   * which may not have the save. A load on its way was read for a reason (a change elsewhere the
   * value may not have): it is read again, quietly, after the save.
   */
  set(value: T): void {
    if (this.#stopped) return;
    this.#seq++;
    const wasLoading = this.#inFlight !== null && this.#foreground;
    if (this.#inFlight !== null) this.#again = true;
    this.#inFlight = null;
    this.#foreground = false;
    this.#options.onChange(wasLoading ? { value, error: null, loading: false } : { value, error: null });
    if (this.#again) {
      this.#again = false;
      void this.#start(false);
    }
  }

  /** The screen is gone: no answer is taken from now on. */
  stop(): void {
    this.#stopped = true;
    this.#seq++;
    this.#inFlight = null;
    this.#again = false;
  }

  async #start(foreground: boolean): Promise<void> {
    if (this.#stopped) return;
    let pending: Promise<T> | null;
    try {
      pending = this.#options.load();
    } catch (error) {
      pending = Promise.reject(error);
    }
    if (pending === null) return;
    const my = ++this.#seq;
    const wasLoading = this.#inFlight !== null && this.#foreground;
    this.#inFlight = my;
    this.#foreground = foreground;
    if (foreground !== wasLoading) this.#options.onChange({ loading: foreground });
    try {
      const value = await pending;
      if (my !== this.#seq) return;
      this.#settle(foreground, { value, error: null });
    } catch (error) {
      if (my !== this.#seq) return;
      this.#settle(foreground, { error });
      if (foreground) this.#options.onError?.(error);
    }
  }

  #settle(foreground: boolean, patch: Partial<LiveState<T>>): void {
    this.#inFlight = null;
    this.#foreground = false;
    this.#options.onChange(foreground ? { ...patch, loading: false } : patch);
    if (this.#again) {
      this.#again = false;
      void this.#start(false);
    }
  }
}
