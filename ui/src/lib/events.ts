// The app's events as the UI hears them (docs/ipc.md): one stream of `AppEvent`s — in the window
// the Tauri channel `APP_EVENT_CHANNEL`, in a plain browser dev-serve's SSE stream `/api/events`.
// `onAppEvent` is the one subscription; `onDataChanged` and the per-kind listeners are filters
// over it, and `listening` ties a subscription to an `$effect`.
import { listen } from "@tauri-apps/api/event";
import type { AppEvent } from "./bindings/AppEvent";
import { APP_EVENT_CHANNEL } from "./bindings/commands";
import type { DataKind } from "./bindings/DataKind";
import type { ImportProgress } from "./bindings/ImportProgress";
import type { IndexRebuild } from "./bindings/IndexRebuild";
import type { ManualChanged } from "./bindings/ManualChanged";
import type { SyncFinished } from "./bindings/SyncFinished";
import type { SyncProgress } from "./bindings/SyncProgress";
import { route } from "./transport";

// Generated from the Rust types (crates/faultline-api/src/events.rs); re-exported for the screens.
export type { AppEvent, DataKind, IndexRebuild, ManualChanged };

/** Every kind `data_changed` may name (a new Rust kind fails type-checking here until added). */
const DATA_KINDS: Record<DataKind, true> = {
  assets: true,
  work_orders: true,
  manuals: true,
  catalog: true,
  shifts: true,
  sync: true,
  production: true,
};
export const ALL_DATA_KINDS = Object.keys(DATA_KINDS) as readonly DataKind[];

export type Unlisten = () => void;

type Handler = (event: AppEvent) => void;

const handlers = new Set<Handler>();
/** The running subscription to the source (Tauri or SSE), while anyone listens. */
let source: Promise<Unlisten> | null = null;

function deliver(event: AppEvent): void {
  for (const h of [...handlers]) {
    try {
      h(event);
    } catch (error) {
      console.error("an app event handler failed", error);
    }
  }
}

function startTauri(): Promise<Unlisten> {
  return listen<AppEvent>(APP_EVENT_CHANNEL, (e) => deliver(e.payload));
}

function startSse(): Unlisten {
  if (typeof EventSource === "undefined") return () => {};
  const stream = new EventSource("/api/events");
  let lost = false;
  stream.onmessage = (m: MessageEvent<string>) => {
    try {
      deliver(JSON.parse(m.data) as AppEvent);
    } catch {
      // Not an event of ours (a proxy's page): ignore it.
    }
  };
  stream.onerror = () => {
    lost = true;
  };
  stream.onopen = () => {
    // Back after dev-serve restarted: what the screens show may be stale.
    if (lost) deliver({ event: "data_changed", payload: { what: [...ALL_DATA_KINDS] } });
    lost = false;
  };
  return () => stream.close();
}

function start(): Promise<Unlisten> {
  switch (route()) {
    case "tauri":
      return startTauri();
    case "http":
      return Promise.resolve(startSse());
    case "none":
      return Promise.resolve(() => {});
  }
}

/** Listens to every app event; resolves with the function that stops listening. */
export async function onAppEvent(handler: Handler): Promise<Unlisten> {
  const h: Handler = (e) => handler(e);
  handlers.add(h);
  source ??= start();
  try {
    await source;
  } catch (error) {
    handlers.delete(h);
    source = null;
    throw error;
  }
  return () => {
    if (!handlers.delete(h) || handlers.size > 0 || source === null) return;
    const stopping = source;
    source = null;
    void stopping.then((stop) => stop()).catch(() => {});
  };
}

/** The payload of one kind of app event. */
export type EventPayload<K extends AppEvent["event"]> = Extract<AppEvent, { event: K }>["payload"];

/** Listens to the payloads of one kind of app event. */
export function onEvent<K extends AppEvent["event"]>(kind: K, handler: (payload: EventPayload<K>) => void): Promise<Unlisten> {
  return onAppEvent((e) => {
    if (e.event === kind) handler(e.payload as EventPayload<K>);
  });
}

/** Listens to `data_changed`: what changed (assets, work orders, manuals, catalog, sync state). */
export function onDataChanged(handler: (what: DataKind[]) => void): Promise<Unlisten> {
  return onEvent("data_changed", (p) => handler(p.what));
}

export function onImportProgress(handler: (p: ImportProgress) => void): Promise<Unlisten> {
  return onEvent("import_progress", handler);
}

export function onManualChanged(handler: (p: ManualChanged) => void): Promise<Unlisten> {
  return onEvent("manual_changed", handler);
}

export function onIndexRebuild(handler: (p: IndexRebuild) => void): Promise<Unlisten> {
  return onEvent("index_rebuild", handler);
}

export function onSyncProgress(handler: (p: SyncProgress) => void): Promise<Unlisten> {
  return onEvent("sync_progress", handler);
}

export function onSyncFinished(handler: (f: SyncFinished) => void): Promise<Unlisten> {
  return onEvent("sync_finished", handler);
}

/**
 * For an `$effect`: starts listening, and returns the cleanup that stops it, also when the
 * listener is only registered after the component is gone.
 */
export function listening(start: Promise<Unlisten | null>): () => void {
  let stop: Unlisten | null = null;
  let gone = false;
  start.then(
    (un) => {
      if (gone) un?.();
      else stop = un;
    },
    () => {
      // The event system is unavailable: the screen still works, it only misses live updates.
    },
  );
  return () => {
    gone = true;
    stop?.();
  };
}
