import { describe, expect, it } from "vitest";
import type { SyncFinished } from "../bindings/SyncFinished";
import type { SyncStatus } from "../bindings/SyncStatus";
import { initialSyncView, reduceSync, REQUEST_SILENCE_MS, type SyncAction, type SyncView } from "../syncState";

const status = (s: Partial<SyncStatus> = {}): SyncStatus => ({
  enrolled: true,
  hub_url: "https://hub.example",
  site_code: "PLANT1",
  site_name: "Riverside",
  device_name: "laptop-a",
  pending: 2,
  rejected: 0,
  conflicts: 0,
  last_sync_at: null,
  last_attempt_at: null,
  last_error: null,
  ...s,
});

const failed: SyncFinished = { ok: false, error: "the hub is not reachable (refused)", retry_in_secs: 4, sent: 0, received: 0, rejected: 0, conflicts: 0 };
const good: SyncFinished = { ok: true, error: null, retry_in_secs: null, sent: 2, received: 7, rejected: 0, conflicts: 0 };

const run = (...actions: SyncAction[]): SyncView => actions.reduce(reduceSync, initialSyncView);

describe("reduceSync", () => {
  it("runs from Sync now through progress to the end", () => {
    let v = run({ type: "status", status: status() }, { type: "requested", now: 1000 });
    expect(v.running).toBe(true);
    expect(v.requestedAt).toBe(1000);
    v = reduceSync(v, { type: "progress", progress: { phase: "sending", pending: 1, sent: 1, received: 0 } });
    expect(v.running).toBe(true);
    expect(v.requestedAt).toBeNull();
    expect(v.status?.pending).toBe(1);
    v = reduceSync(v, { type: "finished", result: good, now: 2000 });
    expect(v).toMatchObject({ running: false, progress: null, last: good, error: null, retryAt: null });
  });

  it("keeps a failure and its next try until a good sync", () => {
    let v = run({ type: "status", status: status() }, { type: "finished", result: failed, now: 10_000 });
    expect(v.error).toBe(failed.error);
    expect(v.retryAt).toBe(14_000);
    // The status read after the failure names the same error: the retry time stays.
    v = reduceSync(v, { type: "status", status: status({ last_error: failed.error }) });
    expect(v.retryAt).toBe(14_000);
    v = reduceSync(v, { type: "finished", result: good, now: 20_000 });
    expect(v.error).toBeNull();
    expect(v.retryAt).toBeNull();
  });

  it("takes the app's last error from the status, and clears it with the status", () => {
    let v = run({ type: "status", status: status({ last_error: "boom" }) });
    expect(v.error).toBe("boom");
    expect(v.retryAt).toBeNull();
    v = reduceSync({ ...v, retryAt: 5 }, { type: "status", status: status({ last_error: null }) });
    expect(v.error).toBeNull();
    expect(v.retryAt).toBeNull();
    expect(run({ type: "status", status: status({ enrolled: false, last_error: "old" }) }).error).toBeNull();
  });

  it("stops running when Sync now is refused or stays silent", () => {
    expect(run({ type: "requested", now: 0 }, { type: "request_failed" }).running).toBe(false);
    const waiting = run({ type: "requested", now: 0 });
    expect(reduceSync(waiting, { type: "tick", now: REQUEST_SILENCE_MS - 1 }).running).toBe(true);
    expect(reduceSync(waiting, { type: "tick", now: REQUEST_SILENCE_MS + 1 }).running).toBe(false);
    // A sync that has started reporting is not cut short by the clock.
    const started = reduceSync(waiting, { type: "progress", progress: { phase: "connecting", pending: 1, sent: 0, received: 0 } });
    expect(reduceSync(started, { type: "tick", now: REQUEST_SILENCE_MS * 10 }).running).toBe(true);
  });
});
