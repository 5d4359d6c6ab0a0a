// Typed wrappers around the app's Tauri commands (docs/ipc.md): one function per command, snake_case
// argument names, and every rejection turned into an `ApiError` the UI can branch on and show.
import { invoke, type InvokeArgs, type InvokeOptions } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type { AppInfo } from "./bindings/AppInfo";
import type { Asset } from "./bindings/Asset";
import type { AssetPage } from "./bindings/AssetPage";
import type { AssetSummary } from "./bindings/AssetSummary";
import type { CloseWorkOrder } from "./bindings/CloseWorkOrder";
import type { ErrorBody } from "./bindings/ErrorBody";
import type { ErrorCode } from "./bindings/ErrorCode";
import type { FailureCatalog } from "./bindings/FailureCatalog";
import type { HandoverNote } from "./bindings/HandoverNote";
import type { ImportProgress } from "./bindings/ImportProgress";
import type { ImportStarted } from "./bindings/ImportStarted";
import type { Manual } from "./bindings/Manual";
import type { ManualState } from "./bindings/ManualState";
import type { NewBreakdown } from "./bindings/NewBreakdown";
import type { NewCorrection } from "./bindings/NewCorrection";
import type { NewHandoverNote } from "./bindings/NewHandoverNote";
import type { NewPart } from "./bindings/NewPart";
import type { Procedure } from "./bindings/Procedure";
import type { SearchHit } from "./bindings/SearchHit";
import type { SearchResults } from "./bindings/SearchResults";
import type { ShiftReport } from "./bindings/ShiftReport";
import type { ShiftCalendar } from "./bindings/ShiftCalendar";
import type { ShiftHandover } from "./bindings/ShiftHandover";
import type { StartScreen } from "./bindings/StartScreen";
import type { WorkOrder } from "./bindings/WorkOrder";
import type { WorkOrderSummary } from "./bindings/WorkOrderSummary";

const ERROR_CODES: readonly ErrorCode[] = [
  "invalid_input",
  "not_found",
  "invalid_state",
  "import_failed",
  "storage",
  "hub_unreachable",
  "hub_refused",
];

/**
 * The codes an `ApiError` carries: the app's own `ErrorCode`s, plus `internal` for a rejection
 * that did not come from a command's `ErrorBody` (the IPC layer itself failed: command missing,
 * arguments not accepted, app not running under Tauri).
 */
export type ApiErrorCode = ErrorCode | "internal";

/** A failed command: a stable `code` to branch on and a `message` for the person. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly command: string | null;

  constructor(code: ApiErrorCode, message: string, command: string | null = null) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.command = command;
  }

  /** The error as the app sent it (`internal` errors have no ErrorBody equivalent). */
  toErrorBody(): ErrorBody | null {
    return this.code === "internal" ? null : { code: this.code, message: this.message };
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && (ERROR_CODES as readonly string[]).includes(value);
}

/** Converts whatever a rejected `invoke` (or anything else) threw into an `ApiError`. */
export function toApiError(reason: unknown, command: string | null = null): ApiError {
  if (reason instanceof ApiError) return reason;
  if (typeof reason === "object" && reason !== null) {
    const body = reason as { code?: unknown; message?: unknown };
    if (isErrorCode(body.code) && typeof body.message === "string") {
      return new ApiError(body.code, body.message, command);
    }
    if (reason instanceof Error) {
      return new ApiError("internal", describeInternal(reason.message, command), command);
    }
    if (typeof body.message === "string") {
      return new ApiError("internal", describeInternal(body.message, command), command);
    }
  }
  if (typeof reason === "string" && reason.length > 0) {
    return new ApiError("internal", describeInternal(reason, command), command);
  }
  return new ApiError("internal", describeInternal("unknown error", command), command);
}

function describeInternal(message: string, command: string | null): string {
  return command === null ? message : `The app could not run "${command}": ${message}`;
}

type Args = Record<string, unknown>;
type Invoker = <T>(command: string, args?: InvokeArgs, options?: InvokeOptions) => Promise<T>;

function underTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

let devInvoker: Promise<Invoker> | null = null;

function invoker(): Invoker | Promise<Invoker> {
  // `npm run dev` in a plain browser: an in-memory stand-in for the app. `import.meta.env.DEV` is
  // the constant `false` in `vite build`, so this branch and the mock module are not in the bundle.
  if (import.meta.env.DEV && !underTauri()) {
    devInvoker ??= import("./dev/mock").then((m) => m.mockInvoke as Invoker);
    return devInvoker;
  }
  if (!underTauri()) {
    throw new ApiError("internal", "This page is not running inside the Faultline app, so it cannot reach the data.");
  }
  return invoke;
}

/**
 * Calls one command; resolves with its value or rejects with an `ApiError`. `args` is usually the
 * named arguments; a command that takes a raw body (manuals_add_bytes) gets the bytes instead.
 */
export async function call<T>(command: string, args?: Args | Uint8Array, options?: InvokeOptions): Promise<T> {
  try {
    const run = await invoker();
    return await (options === undefined ? run<T>(command, args) : run<T>(command, args, options));
  } catch (reason) {
    throw toApiError(reason, command);
  }
}

// ---- one wrapper per command (docs/ipc.md) -------------------------------------------------

export function appInfo(): Promise<AppInfo> {
  return call<AppInfo>("app_info");
}

/** Type-ahead: assets matching `query`, an exact tag first. */
export function findAssets(query: string, limit?: number): Promise<AssetSummary[]> {
  return call<AssetSummary[]>("find_assets", { query, limit });
}

/** What a barcode scan resolves to: the asset with exactly this tag, or null. */
export function assetByTag(tag: string): Promise<Asset | null> {
  return call<Asset | null>("asset_by_tag", { tag });
}

export function assetPage(assetId: string, historyLimit?: number): Promise<AssetPage> {
  return call<AssetPage>("asset_page", { asset_id: assetId, history_limit: historyLimit });
}

export function workOrder(workOrderId: string): Promise<WorkOrder> {
  return call<WorkOrder>("work_order", { work_order_id: workOrderId });
}

export function logBreakdown(input: NewBreakdown): Promise<WorkOrder> {
  return call<WorkOrder>("log_breakdown", { input });
}

export function addNote(workOrderId: string, author: string, text: string): Promise<WorkOrder> {
  return call<WorkOrder>("add_note", { work_order_id: workOrderId, author, text });
}

/** Downtime starts at `at` (RFC 3339, UTC) or now. */
export function machineStopped(workOrderId: string, at?: string, confirmOldStop = false): Promise<WorkOrder> {
  return call<WorkOrder>("machine_stopped", { work_order_id: workOrderId, at, confirm_old_stop: confirmOldStop });
}

/** Downtime ends at `at` (RFC 3339, UTC) or now. */
export function backInService(workOrderId: string, at?: string): Promise<WorkOrder> {
  return call<WorkOrder>("back_in_service", { work_order_id: workOrderId, at });
}

export function closeWorkOrder(input: CloseWorkOrder): Promise<WorkOrder> {
  return call<WorkOrder>("close_work_order", { input });
}

export function addPart(input: NewPart): Promise<WorkOrder> {
  return call<WorkOrder>("add_part", { input });
}

export function addPhoto(
  workOrderId: string,
  dataBase64: string,
  mime: string,
  caption?: string,
): Promise<WorkOrder> {
  return call<WorkOrder>("add_photo", {
    work_order_id: workOrderId,
    data_base64: dataBase64,
    mime,
    caption,
  });
}

export function failureCatalog(): Promise<FailureCatalog> {
  return call<FailureCatalog>("failure_catalog");
}

/** A procedure (job plan) with its steps, by its code; `not_found` when this laptop does not have it. */
export function procedure(code: string): Promise<Procedure> {
  return call<Procedure>("procedure", { code });
}

/** Without `from`/`to` the app reports the last 12 hours. */
export function shiftReport(from?: string, to?: string): Promise<ShiftReport> {
  return call<ShiftReport>("shift_report", { from, to });
}

/** Amends or voids a note, part or photo (append-only: the original stays in its history). */
export function correctItem(input: NewCorrection): Promise<WorkOrder> {
  return call<WorkOrder>("correct_item", { input });
}

/** Adds the shift lead's handover note for the shift `input.shift_start`..`input.shift_end`. */
export function addHandoverNote(input: NewHandoverNote): Promise<HandoverNote> {
  return call<HandoverNote>("add_handover_note", { input });
}

/** Handover notes of the shifts overlapping `from`..`to` (RFC 3339, UTC; default the last 24 h). */
export function handoverNotes(from?: string, to?: string): Promise<HandoverNote[]> {
  return call<HandoverNote[]>("handover_notes", { from, to });
}

/** The plant's shift calendar (shifts, time zone, worked days); the default until one is set. */
export function shiftCalendar(): Promise<ShiftCalendar> {
  return call<ShiftCalendar>("shift_calendar");
}

/** Checks and stores the shift calendar; answers it as stored (shifts in start order). */
export function setShiftCalendar(calendar: ShiftCalendar): Promise<ShiftCalendar> {
  return call<ShiftCalendar>("set_shift_calendar", { calendar });
}

/** What to hand over: a calendar shift (`current`, `previous`, or a name on `date` YYYY-MM-DD), or a custom range. */
export type ShiftPick = { shift: string; date?: string } | { from: string; to: string };

/** The shift handover: down now, open work, what was done per work order, downtime, handover notes. */
export function shiftHandover(pick: ShiftPick): Promise<ShiftHandover> {
  return call<ShiftHandover>("shift_handover", { ...pick });
}

/** The first screen: machines down now and open breakdowns by priority. */
export function startScreen(): Promise<StartScreen> {
  return call<StartScreen>("start_screen");
}

/** Work orders whose number is or starts with `query` (empty for text that is not number-like). */
export function findWorkOrders(query: string, limit = 10): Promise<WorkOrderSummary[]> {
  return call<WorkOrderSummary[]>("find_work_orders", { query, limit });
}

/** Writes an export (CSV) into the data directory's `exports/` folder; answers the file's full path. */
export function saveExport(fileName: string, text: string): Promise<string> {
  return call<string>("save_export", { file_name: fileName, text });
}

/** Tells the app the first screen is on the display (cold-start measurement). */
export function uiReady(): Promise<void> {
  return call<void>("ui_ready");
}

// ---- manual library (docs/ipc.md, "Manual library (issue 3)") -------------------------------

// The library's types are generated from the Rust types by ts-rs (./bindings, `make bindings`):
// `Manual`/`ManualState` from faultline-core, `SearchResults`/`SearchHit` from the manual index,
// `ImportStarted` (what manuals_add_files started) and `ImportProgress` (`manuals://progress`,
// while an import runs) from the manual library. Re-exported here for the screens.
export type { ImportProgress, ImportStarted, Manual, ManualState, SearchHit, SearchResults };

/** `manuals://changed`: a manual's state changed (`null`: the import ended, reload the list). */
export interface ManualChanged {
  manual_id: string | null;
}

/** `index://rebuild`, while the search index is rebuilt from the database. */
export interface IndexRebuild {
  done: number;
  total: number;
  finished: boolean;
}

export const EVENT_IMPORT_PROGRESS = "manuals://progress";
export const EVENT_MANUAL_CHANGED = "manuals://changed";
export const EVENT_INDEX_REBUILD = "index://rebuild";

/** The library, newest first. */
export function manualsList(): Promise<Manual[]> {
  return call<Manual[]>("manuals_list");
}

/**
 * Imports files or folders by path (drag and drop); folders are searched for PDFs. `model` is
 * "Manufacturer Model" to link the new manuals to. Progress arrives as `manuals://progress`.
 */
export function manualsAddFiles(paths: string[], model?: string): Promise<ImportStarted> {
  return call<ImportStarted>("manuals_add_files", { paths, model });
}

/** Imports one PDF from its bytes (the file picker); the name travels URL-encoded in a header. */
export function manualsAddBytes(fileName: string, bytes: Uint8Array): Promise<Manual> {
  return call<Manual>("manuals_add_bytes", bytes, { headers: { "x-file-name": encodeURIComponent(fileName) } });
}

/** Stops the import: running extractions are stopped and their manuals wait in the queue for the next import. */
export function manualsCancel(): Promise<void> {
  return call<void>("manuals_cancel");
}

export function manualLinkModel(manualId: string, manufacturer: string, model: string): Promise<Manual> {
  return call<Manual>("manual_link_model", { manual_id: manualId, manufacturer, model });
}

/** Queues a failed manual again; the password (for an encrypted PDF) is used once, never stored. */
export function manualRetry(manualId: string, password?: string): Promise<Manual> {
  return call<Manual>("manual_retry", { manual_id: manualId, password });
}

/** A command's raw bytes answer (`tauri::ipc::Response`) as a Uint8Array. */
async function callBytes(command: string, args: Record<string, unknown>, what: string): Promise<Uint8Array> {
  const body = await call<ArrayBuffer | ArrayBufferView | number[]>(command, args);
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (Array.isArray(body)) return Uint8Array.from(body);
  throw new ApiError("internal", `The app sent ${what} in a form this page cannot read.`, command);
}

/** The original PDF's bytes, for pdf.js. */
export function manualPdf(manualId: string): Promise<Uint8Array> {
  return callBytes("manual_pdf", { manual_id: manualId }, "the manual");
}

/** A photo's bytes (by its SHA-256), for the work order's thumbnails and viewer. */
export function photoBytes(sha256: string): Promise<Uint8Array> {
  return callBytes("photo", { sha256 }, "the photo");
}

/**
 * Opens the system's folder chooser (a real folder picker: `webkitdirectory` in WebKitGTK picks
 * files); the chosen folder's path, or null when the person cancelled.
 */
export function pickFolder(title?: string): Promise<string | null> {
  return call<string | null>("pick_folder", { title });
}

/** Searches the manuals' pages; the text is never parsed as query syntax. */
export function searchManuals(text: string, assetId?: string, limit?: number): Promise<SearchResults> {
  return call<SearchResults>("search_manuals", { text, asset_id: assetId, limit });
}

// ---- events ----------------------------------------------------------------------------------

export type Unlisten = () => void;

/** Listens to one app event; resolves with the function that stops listening. */
export async function listenEvent<T>(name: string, handler: (payload: T) => void): Promise<Unlisten> {
  if (import.meta.env.DEV && !underTauri()) {
    const mock = await import("./dev/mock");
    return mock.mockListen(name, (payload) => handler(payload as T));
  }
  if (!underTauri()) return () => {};
  return listen<T>(name, (event) => handler(event.payload));
}

export function onImportProgress(handler: (p: ImportProgress) => void): Promise<Unlisten> {
  return listenEvent<ImportProgress>(EVENT_IMPORT_PROGRESS, handler);
}

export function onManualChanged(handler: (p: ManualChanged) => void): Promise<Unlisten> {
  return listenEvent<ManualChanged>(EVENT_MANUAL_CHANGED, handler);
}

export function onIndexRebuild(handler: (p: IndexRebuild) => void): Promise<Unlisten> {
  return listenEvent<IndexRebuild>(EVENT_INDEX_REBUILD, handler);
}

/** Files dragged over or dropped on the window, with their paths on disk (Tauri only). */
export type FileDrop =
  | { type: "enter"; paths: string[] }
  | { type: "over" }
  | { type: "drop"; paths: string[] }
  | { type: "leave" };

/**
 * Listens to files and folders dragged onto the app's window (Tauri's webview drag-drop event,
 * which has the paths). Resolves with null outside Tauri: a plain browser gets no paths, only the
 * HTML drop event's File objects.
 */
export async function onFileDrop(handler: (drop: FileDrop) => void): Promise<Unlisten | null> {
  if (!underTauri()) return null;
  // Loaded on demand: only the Manuals screen listens, so it stays out of the first screen's code.
  const { getCurrentWebview } = await import("@tauri-apps/api/webview");
  return getCurrentWebview().onDragDropEvent((event) => {
    const p = event.payload;
    handler(p.type === "enter" || p.type === "drop" ? { type: p.type, paths: p.paths } : { type: p.type });
  });
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
