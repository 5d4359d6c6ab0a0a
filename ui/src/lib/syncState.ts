// Where sync stands as the UI sees it, as a pure reducer over what it hears: the status from the
// app, "Sync now" pressed, `sync://progress` and `sync://finished`. sync.svelte.ts holds the one
// live copy; this file has no Svelte or Tauri in it so it can be tested on its own.
import type { SyncFinished } from "./bindings/SyncFinished";
import type { SyncProgress } from "./bindings/SyncProgress";
import type { SyncStatus } from "./bindings/SyncStatus";

export interface SyncView {
  status: SyncStatus | null;
  /** A sync is running (or "Sync now" was accepted and its first event has not arrived yet). */
  running: boolean;
  /** When "Sync now" was accepted, until the first event of that sync (ms since the epoch). */
  requestedAt: number | null;
  progress: SyncProgress | null;
  /** Why the last attempt failed, as the engine said it; null after a good sync. */
  error: string | null;
  /** When the next attempt starts by itself after a failure (ms since the epoch). */
  retryAt: number | null;
  /** The last attempt heard in this session. */
  last: SyncFinished | null;
}

export const initialSyncView: SyncView = {
  status: null,
  running: false,
  requestedAt: null,
  progress: null,
  error: null,
  retryAt: null,
  last: null,
};

export type SyncAction =
  | { type: "status"; status: SyncStatus }
  /** "Sync now" was accepted by the app. */
  | { type: "requested"; now: number }
  /** "Sync now" was refused by the app (not enrolled, sync thread gone). */
  | { type: "request_failed" }
  | { type: "progress"; progress: SyncProgress }
  | { type: "finished"; result: SyncFinished; now: number }
  /** Time passes: a request that never got an event stops counting as running. */
  | { type: "tick"; now: number };

/** How long an accepted "Sync now" may stay silent before the UI stops showing it as running. */
export const REQUEST_SILENCE_MS = 30_000;

export function reduceSync(view: SyncView, action: SyncAction): SyncView {
  switch (action.type) {
    case "status": {
      const s = action.status;
      // The app's record of the last attempt is the truth: a good sync clears the error and with
      // it the planned retry; a failure keeps the retry time heard with its event.
      const error = s.enrolled ? s.last_error : null;
      return { ...view, status: s, error, retryAt: error === null ? null : view.retryAt };
    }
    case "requested":
      return { ...view, running: true, requestedAt: action.now };
    case "request_failed":
      return view.progress === null ? { ...view, running: false, requestedAt: null } : view;
    case "progress":
      return {
        ...view,
        running: true,
        requestedAt: null,
        progress: action.progress,
        status: view.status ? { ...view.status, pending: action.progress.pending } : null,
      };
    case "finished": {
      const r = action.result;
      return {
        ...view,
        running: false,
        requestedAt: null,
        progress: null,
        last: r,
        error: r.ok ? null : (r.error ?? "the sync failed"),
        retryAt: !r.ok && r.retry_in_secs !== null ? action.now + r.retry_in_secs * 1000 : null,
      };
    }
    case "tick":
      if (view.requestedAt !== null && view.progress === null && action.now - view.requestedAt > REQUEST_SILENCE_MS) {
        return { ...view, running: false, requestedAt: null };
      }
      return view;
  }
}
