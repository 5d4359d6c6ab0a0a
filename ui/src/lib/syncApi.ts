// Typed wrappers around the app's sync commands and events: status, "Sync now", enrollment,
// conflicts and refused changes; `sync_progress` events while a sync runs and `sync_finished` at
// the end of every attempt (by hand or by itself), filtered from the app's one event stream.
import { call } from "./api";
import type { ConflictChoice } from "./bindings/ConflictChoice";
import type { RejectedChange } from "./bindings/RejectedChange";
import type { SyncConflict } from "./bindings/SyncConflict";
import type { SyncStatus } from "./bindings/SyncStatus";

export { onSyncFinished, onSyncProgress } from "./events";

/** Where this laptop stands with its hub (enrolled, pending, last sync, last error). */
export function syncStatus(): Promise<SyncStatus> {
  return call("sync_status");
}

/** Starts a sync now; progress and the result arrive as events. Rejects when not enrolled. */
export function syncNow(): Promise<null> {
  return call("sync_now");
}

/** Enrolls this laptop (the hub checks the token first); starts the first sync. */
export function syncEnroll(hubUrl: string, token: string, caBundle?: string): Promise<SyncStatus> {
  return call("sync_enroll", { hub_url: hubUrl, token, ca_bundle: caBundle });
}

/** Conflicts still waiting for a person to choose. */
export function syncConflicts(): Promise<SyncConflict[]> {
  return call("sync_conflicts");
}

/** Settles one conflict; resolves with the conflicts still open. */
export function resolveConflict(conflictId: string, choice: ConflictChoice): Promise<SyncConflict[]> {
  return call("resolve_conflict", { conflict_id: conflictId, choice });
}

/** Local changes the hub refused, newest first, each with its reason. */
export function rejectedChanges(): Promise<RejectedChange[]> {
  return call("rejected_changes");
}
