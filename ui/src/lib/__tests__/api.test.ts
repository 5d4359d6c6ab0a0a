import { beforeEach, describe, expect, it, vi } from "vitest";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...args: unknown[]) => invoke(...args) }));
const listen = vi.fn();
vi.mock("@tauri-apps/api/event", () => ({ listen: (...args: unknown[]) => listen(...args) }));

// Pretend to run inside Tauri so the transport uses `invoke` (not HTTP to dev-serve).
(globalThis as unknown as { window: object }).window = { __TAURI_INTERNALS__: {} };

const api = await import("../api");

/** Each invoke as the App command it runs and its arguments (`call`/`call_bytes` unwrapped). */
function sent(): unknown[][] {
  return invoke.mock.calls.map(([cmd, a]: unknown[]) => {
    const body = a as { command: string; args: unknown };
    return cmd === "call" || cmd === "call_bytes" ? [body.command, body.args] : [cmd, a];
  });
}

describe("api", () => {
  beforeEach(() => {
    invoke.mockReset();
  });

  it("asks the app for the native folder chooser and a photo's bytes", async () => {
    invoke.mockResolvedValueOnce("/home/ana/OEM manuals");
    expect(await api.pickFolder("Add a folder of manuals")).toBe("/home/ana/OEM manuals");
    invoke.mockResolvedValueOnce(null);
    expect(await api.pickFolder()).toBeNull();
    invoke.mockResolvedValueOnce(new Uint8Array([137, 80, 78, 71]).buffer);
    expect([...(await api.photoBytes("ab".repeat(32)))]).toEqual([137, 80, 78, 71]);
    expect(sent()).toEqual([
      ["pick_folder", { title: "Add a folder of manuals" }],
      ["pick_folder", { title: undefined }],
      ["photo", { sha256: "ab".repeat(32) }],
    ]);
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
    await api.procedure("JP-LOTO");
    await api.shiftReport("2026-11-20T00:00:00Z", "2026-11-20T12:00:00Z");
    expect(sent()).toEqual([
      ["app_info", {}],
      ["find_assets", { query: "P-1", limit: 25 }],
      ["asset_by_tag", { tag: "P-101" }],
      ["asset_page", { asset_id: "a1", history_limit: 50 }],
      ["work_order", { work_order_id: "w1" }],
      ["add_note", { work_order_id: "w1", author: "M. Chen", text: "Seal leaks" }],
      ["machine_stopped", { work_order_id: "w1", at: undefined, confirm_old_stop: false }],
      ["back_in_service", { work_order_id: "w1", at: "2026-11-20T06:14:00Z" }],
      ["add_photo", { work_order_id: "w1", data_base64: "AAAA", mime: "image/jpeg", caption: "seal" }],
      ["failure_catalog", {}],
      ["procedure", { code: "JP-LOTO" }],
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
      confirm_old_stop: false,
      priority: 2,
      author: "M. Chen",
    };
    await api.logBreakdown(bd);
    await api.addPart({ work_order_id: "w1", part_number: "6205-2RS", description: null, quantity: 2 });
    expect(sent()[0]).toEqual(["log_breakdown", { input: bd }]);
    expect(sent()[1]![0]).toBe("add_part");
  });

  it("turns an ErrorBody rejection into an ApiError with its code and message", async () => {
    invoke.mockRejectedValue({ code: "invalid_state", message: "WO-1 is already closed." });
    const error = await api.closeWorkOrder({} as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(api.ApiError);
    expect(error).toMatchObject({ code: "invalid_state", message: "WO-1 is already closed.", command: "close_work_order" });
    expect((error as InstanceType<typeof api.ApiError>).toErrorBody()).toEqual({ code: "invalid_state", message: "WO-1 is already closed." });
  });

  it("rejects an unknown procedure as not_found", async () => {
    invoke.mockRejectedValue({ code: "not_found", message: "No procedure JP-NOPE" });
    await expect(api.procedure("JP-NOPE")).rejects.toMatchObject({ code: "not_found", command: "procedure" });
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

  it("calls the manual library's commands as docs/ipc.md says", async () => {
    invoke.mockResolvedValue(null);
    await api.manualsList();
    await api.manualsAddFiles(["/home/tech/manuals", "/tmp/a.pdf"], "Mitsubishi Electric FR-E820");
    await api.manualsAddFiles(["/tmp/b.pdf"]);
    await api.manualsCancel();
    await api.manualLinkModel("m1", "Grundfos", "CRN 10-6");
    await api.manualRetry("m1", "s3cret");
    await api.manualRetry("m2");
    await api.searchManuals("E.OC1 (accel)", "a1", 30);
    await api.searchManuals("oc1");
    expect(sent()).toEqual([
      ["manuals_list", {}],
      ["manuals_add_files", { paths: ["/home/tech/manuals", "/tmp/a.pdf"], model: "Mitsubishi Electric FR-E820" }],
      ["manuals_add_files", { paths: ["/tmp/b.pdf"], model: undefined }],
      ["manuals_cancel", {}],
      ["manual_link_model", { manual_id: "m1", manufacturer: "Grundfos", model: "CRN 10-6" }],
      ["manual_retry", { manual_id: "m1", password: "s3cret" }],
      ["manual_retry", { manual_id: "m2", password: undefined }],
      ["search_manuals", { text: "E.OC1 (accel)", asset_id: "a1", limit: 30 }],
      ["search_manuals", { text: "oc1", asset_id: undefined, limit: undefined }],
    ]);
  });

  it("runs App commands through call / call_bytes and the window's own by name", async () => {
    invoke.mockResolvedValue(null);
    await api.findAssets("P-1");
    await api.pickFolder("t");
    invoke.mockResolvedValueOnce(new Uint8Array([1]).buffer);
    await api.manualPdf("m1");
    await api.uiReady();
    expect(invoke.mock.calls).toEqual([
      ["call", { command: "find_assets", args: { query: "P-1", limit: undefined } }],
      ["pick_folder", { title: "t" }],
      ["call_bytes", { command: "manual_pdf", args: { manual_id: "m1" } }],
      ["ui_ready", undefined],
    ]);
  });

  it("sends a picked PDF as base64 with its name", async () => {
    invoke.mockResolvedValue({ id: "m1" });
    await api.manualsAddBytes("Überblick FR-E800 #2.pdf", new Uint8Array([0x25, 0x50, 0x44, 0x46]));
    expect(sent()).toEqual([["manuals_add_bytes", { file_name: "Überblick FR-E800 #2.pdf", data_base64: "JVBERg==" }]]);
  });

  it("reads manual_pdf as bytes whatever form the IPC layer gives them", async () => {
    invoke.mockResolvedValueOnce(new Uint8Array([1, 2, 3]).buffer);
    expect([...(await api.manualPdf("m1"))]).toEqual([1, 2, 3]);
    invoke.mockResolvedValueOnce(new Uint8Array([9, 1, 2, 3, 9]).subarray(1, 4));
    expect([...(await api.manualPdf("m1"))]).toEqual([1, 2, 3]);
    invoke.mockResolvedValueOnce([1, 2, 3]);
    expect([...(await api.manualPdf("m1"))]).toEqual([1, 2, 3]);
    invoke.mockResolvedValueOnce("nope");
    await expect(api.manualPdf("m1")).rejects.toMatchObject({ code: "internal", command: "manual_pdf" });
    expect(sent().at(-1)).toEqual(["manual_pdf", { manual_id: "m1" }]);
  });

  it("hears every AppEvent on one channel, filtered for each listener", async () => {
    const unlisten = vi.fn();
    let deliver: (e: { payload: unknown }) => void = () => {};
    listen.mockImplementation((_name: string, h: (e: { payload: unknown }) => void) => {
      deliver = h;
      return Promise.resolve(unlisten);
    });
    const progress: unknown[] = [];
    const changed: unknown[] = [];
    const data: unknown[] = [];
    const stop = await api.onImportProgress((p) => progress.push(p));
    const stopChanged = await api.onManualChanged((p) => changed.push(p));
    const stopData = await api.onDataChanged((what) => data.push(what));
    // One subscription to the channel, whoever listens.
    expect(listen.mock.calls.map((c) => c[0])).toEqual(["faultline://event"]);
    deliver({ payload: { event: "import_progress", payload: { total: 3, done: 1, current: "a.pdf", cancelled: false } } });
    deliver({ payload: { event: "manual_changed", payload: { manual_id: null } } });
    deliver({ payload: { event: "data_changed", payload: { what: ["manuals"] } } });
    expect(progress).toEqual([{ total: 3, done: 1, current: "a.pdf", cancelled: false }]);
    expect(changed).toEqual([{ manual_id: null }]);
    expect(data).toEqual([["manuals"]]);
    stop();
    stopChanged();
    expect(unlisten).not.toHaveBeenCalled();
    stopData();
    await Promise.resolve();
    await Promise.resolve();
    expect(unlisten).toHaveBeenCalledOnce();
  });

  it("stops a listener that registers after its component is gone", async () => {
    const unlisten = vi.fn();
    let resolve: (u: () => void) => void = () => {};
    const cleanup = api.listening(new Promise((r) => (resolve = r)));
    cleanup();
    resolve(unlisten);
    await Promise.resolve();
    await Promise.resolve();
    expect(unlisten).toHaveBeenCalledOnce();
    // A listener that failed to register is no error for the screen.
    const cleanup2 = api.listening(Promise.reject(new Error("no event plugin")));
    await Promise.resolve();
    cleanup2();
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
