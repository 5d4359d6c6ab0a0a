// The one live copy of where sync stands (syncState.ts reduces what the UI hears into it): the
// status line starts listening to the sync events at start; screens read `sync.view` and call
// `syncNowAction`. After every finished attempt the sync status and the app's counts are fetched
// again (open screens reload their records themselves: live.svelte.ts).
import { listening } from "./api";
import { showError } from "./errors.svelte";
import { refreshStatus } from "./status.svelte";
import { onSyncFinished, onSyncProgress, syncNow, syncStatus } from "./syncApi";
import { initialSyncView, reduceSync, type SyncAction, type SyncView } from "./syncState";

export const sync = $state<{ view: SyncView; failed: boolean }>({ view: initialSyncView, failed: false });

function dispatch(action: SyncAction): void {
  sync.view = reduceSync(sync.view, action);
}

let inFlight: Promise<void> | null = null;

/** Fetches the sync status again (pending, last sync, last error, counts). */
export function refreshSync(): Promise<void> {
  inFlight ??= syncStatus()
    .then((status) => {
      dispatch({ type: "status", status });
      sync.failed = false;
    })
    .catch(() => {
      // The status line then shows no sync area; everything else keeps working.
      sync.failed = true;
    })
    .finally(() => {
      inFlight = null;
    });
  return inFlight;
}

/** "Sync now": the app starts the sync on its own thread; progress arrives as events. */
export async function syncNowAction(): Promise<void> {
  if (sync.view.running) return;
  dispatch({ type: "requested", now: Date.now() });
  try {
    await syncNow();
  } catch (error) {
    dispatch({ type: "request_failed" });
    showError(error);
    void refreshSync();
  }
}

/** Lets a quiet "Sync now" (no event within half a minute) stop counting as running. */
export function tickSync(now: number = Date.now()): void {
  if (sync.view.requestedAt !== null) dispatch({ type: "tick", now });
}

/** For an `$effect`: listens to the sync events; returns the cleanup. */
export function listenToSync(): () => void {
  const stopProgress = listening(onSyncProgress((progress) => dispatch({ type: "progress", progress })));
  const stopFinished = listening(
    onSyncFinished((result) => {
      dispatch({ type: "finished", result, now: Date.now() });
      void refreshSync();
      void refreshStatus();
    }),
  );
  return () => {
    stopProgress();
    stopFinished();
  };
}
