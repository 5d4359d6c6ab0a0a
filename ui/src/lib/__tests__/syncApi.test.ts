import { beforeEach, describe, expect, it, vi } from "vitest";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...args: unknown[]) => invoke(...args) }));
const listen = vi.fn();
vi.mock("@tauri-apps/api/event", () => ({ listen: (...args: unknown[]) => listen(...args) }));

// Pretend to run inside Tauri so the transport uses `invoke` (not HTTP to dev-serve).
(globalThis as unknown as { window: object }).window = { __TAURI_INTERNALS__: {} };

const sync = await import("../syncApi");
const { ApiError } = await import("../api");

describe("syncApi", () => {
  beforeEach(() => {
    invoke.mockReset();
    listen.mockReset();
  });

  it("calls each sync command with snake_case arguments", async () => {
    invoke.mockResolvedValue(null);
    await sync.syncStatus();
    await sync.syncNow();
    await sync.syncEnroll("https://hub.example", "tok", "/etc/ssl/plant.pem");
    await sync.syncEnroll("https://hub.example", "tok");
    await sync.syncConflicts();
    await sync.resolveConflict("c1", "client");
    await sync.rejectedChanges();
    expect(invoke.mock.calls.map(([, a]) => [a.command, a.args])).toEqual([
      ["sync_status", {}],
      ["sync_now", {}],
      ["sync_enroll", { hub_url: "https://hub.example", token: "tok", ca_bundle: "/etc/ssl/plant.pem" }],
      ["sync_enroll", { hub_url: "https://hub.example", token: "tok", ca_bundle: undefined }],
      ["sync_conflicts", {}],
      ["resolve_conflict", { conflict_id: "c1", choice: "client" }],
      ["rejected_changes", {}],
    ]);
  });

  it("turns hub errors into ApiErrors with their code", async () => {
    invoke.mockRejectedValue({ code: "hub_unreachable", message: "the hub is not reachable (refused)" });
    const error = await sync.syncNow().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as InstanceType<typeof ApiError>).code).toBe("hub_unreachable");
  });

  it("hears the sync events on the app's one channel and hands over their payload", async () => {
    const un = vi.fn();
    listen.mockImplementation((_name: string, cb: (e: { payload: unknown }) => void) => {
      cb({ payload: { event: "sync_progress", payload: { phase: "sending", pending: 1, sent: 2, received: 0 } } });
      cb({ payload: { event: "data_changed", payload: { what: ["sync"] } } });
      return Promise.resolve(un);
    });
    const seen: unknown[] = [];
    const stop = await sync.onSyncProgress((p) => seen.push(p));
    expect(listen.mock.calls.map((c) => c[0])).toEqual(["faultline://event"]);
    expect(seen).toEqual([{ phase: "sending", pending: 1, sent: 2, received: 0 }]);
    stop();
    await Promise.resolve();
    await Promise.resolve();
    expect(un).toHaveBeenCalled();
  });
});
