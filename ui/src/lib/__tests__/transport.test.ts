import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...args: unknown[]) => invoke(...args) }));
const listen = vi.fn();
vi.mock("@tauri-apps/api/event", () => ({ listen: (...args: unknown[]) => listen(...args) }));

// A plain browser under `npm run dev`: no Tauri, so commands go to dev-serve over HTTP.
(globalThis as unknown as { window: object }).window = {};

/** A stand-in for the browser's EventSource (not there under Node). */
class FakeEventSource {
  static open: FakeEventSource[] = [];
  onmessage: ((m: { data: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  onopen: (() => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeEventSource.open.push(this);
  }
  close(): void {
    this.closed = true;
  }
  send(event: unknown): void {
    this.onmessage?.({ data: JSON.stringify(event) });
  }
}
(globalThis as unknown as { EventSource: unknown }).EventSource = FakeEventSource;

const api = await import("../api");

const fetchMock = vi.fn();

function answer(status: number, body: unknown, raw?: string): Response {
  const text = raw ?? JSON.stringify(body);
  return {
    ok: status >= 200 && status < 300,
    status,
    text: () => Promise.resolve(text),
    json: () => Promise.resolve(JSON.parse(text) as unknown),
    arrayBuffer: () => Promise.resolve(new Uint8Array(body as number[]).buffer),
  } as unknown as Response;
}

describe("transport in a plain browser (dev-serve)", () => {
  beforeEach(() => {
    fetchMock.mockReset();
    vi.stubGlobal("fetch", fetchMock);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    (globalThis as unknown as { EventSource: unknown }).EventSource = FakeEventSource;
  });

  it("posts each command's arguments as JSON to /api/call/<command>", async () => {
    fetchMock.mockResolvedValue(answer(200, [{ tag: "P-101" }]));
    expect(await api.findAssets("P-1", 25)).toEqual([{ tag: "P-101" }]);
    fetchMock.mockResolvedValue(answer(200, null));
    await api.appInfo();
    expect(fetchMock.mock.calls).toEqual([
      ["/api/call/find_assets", { method: "POST", headers: { "content-type": "application/json" }, body: '{"query":"P-1","limit":25}' }],
      ["/api/call/app_info", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }],
    ]);
    expect(invoke).not.toHaveBeenCalled();
  });

  it("turns an ErrorBody answer into an ApiError with its code", async () => {
    fetchMock.mockResolvedValue(answer(404, { code: "not_found", message: "No asset a1" }));
    await expect(api.assetPage("a1")).rejects.toMatchObject({ code: "not_found", message: "No asset a1", command: "asset_page" });
  });

  it("says dev-serve is not running when the proxy answers no ErrorBody or the request fails", async () => {
    fetchMock.mockResolvedValue(answer(502, null, "Bad gateway"));
    await expect(api.appInfo()).rejects.toMatchObject({ code: "internal", message: expect.stringContaining("dev-serve") });
    fetchMock.mockRejectedValue(new TypeError("Failed to fetch"));
    await expect(api.appInfo()).rejects.toMatchObject({ code: "internal", message: expect.stringContaining("Failed to fetch") });
  });

  it("reads byte answers from /api/bytes/<command>", async () => {
    fetchMock.mockResolvedValue(answer(200, [37, 80, 68, 70]));
    expect([...(await api.manualPdf("m1"))]).toEqual([37, 80, 68, 70]);
    expect(fetchMock.mock.calls[0]![0]).toBe("/api/bytes/manual_pdf");
  });

  it("sends a picked PDF as base64 JSON", async () => {
    fetchMock.mockResolvedValue(answer(200, { id: "m1" }));
    await api.manualsAddBytes("a b.pdf", new Uint8Array([0x25, 0x50, 0x44, 0x46]));
    expect(fetchMock.mock.calls[0]![0]).toBe("/api/call/manuals_add_bytes");
    expect(JSON.parse((fetchMock.mock.calls[0]![1] as { body: string }).body)).toEqual({ file_name: "a b.pdf", data_base64: "JVBERg==" });
  });

  it("hears events on one shared SSE stream, filtered per listener, closed with the last one", async () => {
    FakeEventSource.open = [];
    const data: unknown[] = [];
    const progress: unknown[] = [];
    const stopData = await api.onDataChanged((what) => data.push(what));
    const stopProgress = await api.onImportProgress((p) => progress.push(p));
    expect(FakeEventSource.open.map((s) => s.url)).toEqual(["/api/events"]);
    const stream = FakeEventSource.open[0]!;
    stream.send({ event: "data_changed", payload: { what: ["work_orders"] } });
    stream.send({ event: "import_progress", payload: { total: 2, done: 1 } });
    stream.onmessage?.({ data: "<html>not ours</html>" });
    expect(data).toEqual([["work_orders"]]);
    expect(progress).toEqual([{ total: 2, done: 1 }]);
    // dev-serve restarted: the stream comes back and every screen reloads.
    stream.onerror?.();
    stream.onopen?.();
    const { ALL_DATA_KINDS } = await import("../events");
    expect(data[1]).toEqual([...ALL_DATA_KINDS]);
    expect(data[1]).toContain("work_orders");
    stopData();
    expect(stream.closed).toBe(false);
    stopProgress();
    await Promise.resolve();
    await Promise.resolve();
    expect(stream.closed).toBe(true);
  });
});
