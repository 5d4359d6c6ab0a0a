import { beforeEach, describe, expect, it, vi } from "vitest";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...args: unknown[]) => invoke(...args) }));

// Pretend to run inside Tauri so api.ts uses `invoke` (not the dev-only mock).
(globalThis as unknown as { window: object }).window = { __TAURI_INTERNALS__: {} };

const api = await import("../api");

describe("api", () => {
  beforeEach(() => {
    invoke.mockReset();
  });

  it("calls each command with snake_case arguments", async () => {
    invoke.mockResolvedValue(null);
    await api.appInfo();
    await api.findAssets("P-1", 25);
    await api.assetByTag("P-101");
    await api.assetPage("a1", 50);
    await api.workOrder("w1");
    await api.addNote("w1", "M. Chen", "Seal leaks");
    await api.machineStopped("w1");
    await api.backInService("w1", "2026-11-20T06:14:00Z");
    await api.addPhoto("w1", "AAAA", "image/jpeg", "seal");
    await api.failureCatalog();
    await api.shiftReport("2026-11-20T00:00:00Z", "2026-11-20T12:00:00Z");
    expect(invoke.mock.calls).toEqual([
      ["app_info", undefined],
      ["find_assets", { query: "P-1", limit: 25 }],
      ["asset_by_tag", { tag: "P-101" }],
      ["asset_page", { asset_id: "a1", history_limit: 50 }],
      ["work_order", { work_order_id: "w1" }],
      ["add_note", { work_order_id: "w1", author: "M. Chen", text: "Seal leaks" }],
      ["machine_stopped", { work_order_id: "w1", at: undefined }],
      ["back_in_service", { work_order_id: "w1", at: "2026-11-20T06:14:00Z" }],
      ["add_photo", { work_order_id: "w1", data_base64: "AAAA", mime: "image/jpeg", caption: "seal" }],
      ["failure_catalog", undefined],
      ["shift_report", { from: "2026-11-20T00:00:00Z", to: "2026-11-20T12:00:00Z" }],
    ]);
  });

  it("wraps struct inputs in `input`", async () => {
    invoke.mockResolvedValue({});
    const bd = {
      asset_id: "a1",
      fault_code: "E.OC1",
      symptom: "Trips",
      note: null,
      machine_stopped: true,
      stopped_at: null,
      priority: 2,
      author: "M. Chen",
    };
    await api.logBreakdown(bd);
    await api.addPart({ work_order_id: "w1", part_number: "6205-2RS", description: null, quantity: 2 });
    expect(invoke.mock.calls[0]).toEqual(["log_breakdown", { input: bd }]);
    expect(invoke.mock.calls[1]![0]).toBe("add_part");
  });

  it("turns an ErrorBody rejection into an ApiError with its code and message", async () => {
    invoke.mockRejectedValue({ code: "invalid_state", message: "WO-1 is already closed." });
    const error = await api.closeWorkOrder({} as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(api.ApiError);
    expect(error).toMatchObject({ code: "invalid_state", message: "WO-1 is already closed.", command: "close_work_order" });
    expect((error as InstanceType<typeof api.ApiError>).toErrorBody()).toEqual({ code: "invalid_state", message: "WO-1 is already closed." });
  });

  it("turns IPC-level failures (strings, Errors) into `internal` ApiErrors", async () => {
    invoke.mockRejectedValue("command find_assets not found");
    await expect(api.findAssets("x")).rejects.toMatchObject({ code: "internal", message: expect.stringContaining("command find_assets not found") });
    invoke.mockRejectedValue(new TypeError("window.__TAURI_INTERNALS__ is undefined"));
    await expect(api.appInfo()).rejects.toMatchObject({ code: "internal" });
    invoke.mockRejectedValue({ code: "weird", message: "odd" });
    await expect(api.appInfo()).rejects.toMatchObject({ code: "internal", message: expect.stringContaining("odd") });
    invoke.mockRejectedValue(undefined);
    await expect(api.appInfo()).rejects.toMatchObject({ code: "internal" });
  });

  it("recognises error codes", () => {
    expect(api.isErrorCode("not_found")).toBe(true);
    expect(api.isErrorCode("nope")).toBe(false);
    expect(api.toApiError({ code: "storage", message: "disk full" }).toErrorBody()).toEqual({ code: "storage", message: "disk full" });
    expect(api.toApiError("x").toErrorBody()).toBeNull();
  });

  it("says so when the page is not inside the app (production build in a plain browser)", async () => {
    vi.stubEnv("DEV", false);
    const w = globalThis as unknown as { window: object };
    const saved = w.window;
    w.window = {};
    try {
      await expect(api.appInfo()).rejects.toMatchObject({ code: "internal", message: expect.stringContaining("not running inside the Faultline app") });
      expect(invoke).not.toHaveBeenCalled();
    } finally {
      w.window = saved;
      vi.unstubAllEnvs();
    }
  });
});
