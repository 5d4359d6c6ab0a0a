// Keeps what a screen shows fresh: `live(load, kinds)` loads once, keeps the latest answer and reads
// again, quietly, when the app reports a change to one of `kinds` (the app's `DataChanged` event,
// and the end of every sync for `sync`); `whenChanged` does the same for screens that re-run
// something else (a search). Call both while a component is created; they stop when it goes.
import { untrack } from "svelte";
import { listening, onDataChanged, onManualChanged } from "./api";
import { showError } from "./errors.svelte";
import { followChanges, Loader, mergeSources, type DataKind, type DataSource, type LiveState } from "./live";
import { onSyncFinished } from "./syncApi";

export { mergeSources, type DataKind, type DataSource };

/** What the app reports changed (`DataChanged`). */
export const dataChanges: DataSource = (handler) => listening(onDataChanged(handler));

/** The end of every sync attempt changes the sync state of what was sent. */
export const syncFinishes: DataSource = (handler) => listening(onSyncFinished(() => handler(["sync"])));

/** A manual's state changed (many while an import runs); `appChanges` has only the import's end. */
export const manualStates: DataSource = (handler) => listening(onManualChanged(() => handler(["manuals"])));

/** Every change a screen can follow. */
export const appChanges: DataSource = mergeSources(dataChanges, syncFinishes);

export interface LiveOptions {
  /** Where changes come from (default: the app's, `appChanges`). */
  source?: DataSource;
  /** A load the person asked for failed (default: the error banner). Quiet refreshes never call it. */
  onError?: (error: unknown) => void;
  /** Load at once (default); false waits for the first `reload`. */
  start?: boolean;
}

/** A screen's data, kept fresh. `value` is reactive (deep state, like a `$state` of the answer). */
export interface Live<T> {
  readonly value: T | null;
  readonly loading: boolean;
  readonly error: unknown;
  /** Loads now; resolves when done. The load function's current inputs are used. */
  reload(): Promise<void>;
  /** Shows a value the app just answered (after a save); loads still on their way are dropped. */
  set(value: T): void;
}

/**
 * For a component's `<script>`: loads with `load` (reactive values it reads are not followed:
 * call `reload` when its inputs change) and reloads whenever data of `kinds` changes.
 */
export function live<T>(load: () => Promise<T> | null, kinds: readonly DataKind[], options: LiveOptions = {}): Live<T> {
  const state = $state<LiveState<T>>({ value: null, loading: false, error: null });
  const loader = new Loader<T>({
    load: () => untrack(load),
    onChange: (patch) => {
      if ("value" in patch) state.value = patch.value ?? null;
      if (patch.loading !== undefined) state.loading = patch.loading;
      if ("error" in patch) state.error = patch.error ?? null;
    },
    onError: options.onError ?? ((error) => void showError(error)),
  });
  $effect(() =>
    untrack(() => {
      const stopFollowing = followChanges(options.source ?? appChanges, kinds, () => loader.refresh());
      if (options.start !== false) void loader.reload();
      return () => {
        stopFollowing();
        loader.stop();
      };
    }),
  );
  return {
    get value() {
      return state.value;
    },
    get loading() {
      return state.loading;
    },
    get error() {
      return state.error;
    },
    reload: () => loader.reload(),
    set: (value) => loader.set(value),
  };
}

/** For a component's `<script>`: calls `onChange` once per burst of changes to `kinds`, while it exists. */
export function whenChanged(kinds: readonly DataKind[], onChange: () => void, source: DataSource = appChanges): void {
  $effect(() => untrack(() => followChanges(source, kinds, onChange)));
}
