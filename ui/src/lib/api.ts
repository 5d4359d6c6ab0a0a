// Typed wrappers around the app's commands (docs/ipc.md): one function per command, snake_case
// argument names, and every rejection turned into an `ApiError` the UI can branch on and show.
// One transport (transport.ts): Tauri IPC inside the app window, HTTP + SSE to `faultline
// dev-serve` in a plain browser (`npm run dev`); app events arrive through `onAppEvent`.
import type { AppInfo } from "./bindings/AppInfo";
import type { Asset } from "./bindings/Asset";
import type { AssetPage } from "./bindings/AssetPage";
import type { AssetSummary } from "./bindings/AssetSummary";
import type { CloseWorkOrder } from "./bindings/CloseWorkOrder";
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
import type { Unlisten } from "./events";
import { bytesToBase64 } from "./files";
import { send, SHELL_COMMANDS, underTauri } from "./transport";
import type { ApiCommands, BYTE_COMMANDS, CommandName } from "./bindings/commands";

export { ApiError, isErrorCode, toApiError, type ApiErrorCode } from "./apiError";
export {
  listening,
  onAppEvent,
  onDataChanged,
  onImportProgress,
  onIndexRebuild,
  onManualChanged,
  type AppEvent,
  type DataKind,
  type IndexRebuild,
  type ManualChanged,
  type Unlisten,
} from "./events";

type ArgsOf<K extends CommandName> = ApiCommands[K]["args"];
type ResultOf<K extends CommandName> = ApiCommands[K]["result"];

/**
 * Calls one App command (`COMMANDS` in crates/faultline-api, generated into bindings/commands.ts);
 * resolves with its value or rejects with an `ApiError`. The arguments are the command's Rust
 * argument struct (snake_case), checked here against its generated type.
 */
export function call<K extends CommandName>(
  command: K,
  ...args: ArgsOf<K> extends void ? [] : [ArgsOf<K>]
): Promise<ResultOf<K>> {
  return send(command, args[0] as Record<string, unknown> | undefined, "json") as Promise<ResultOf<K>>;
}

/** Calls one App command that answers raw bytes (`BYTE_COMMANDS`: a photo, a manual's PDF). */
function callBytes<K extends (typeof BYTE_COMMANDS)[number]>(command: K, args: ArgsOf<K>): Promise<Uint8Array> {
  return send(command, args as Record<string, unknown>, "bytes") as Promise<Uint8Array>;
}

/** A command of the window itself (`SHELL_COMMANDS`), not of the App. */
function callShell<T>(command: (typeof SHELL_COMMANDS)[number], args?: Record<string, unknown>): Promise<T> {
  return send(command, args, "json") as Promise<T>;
}

// ---- one wrapper per command (docs/ipc.md) -------------------------------------------------

export function appInfo(): Promise<AppInfo> {
  return call("app_info");
}

/** Type-ahead: assets matching `query`, an exact tag first. */
export function findAssets(query: string, limit?: number): Promise<AssetSummary[]> {
  return call("find_assets", { query, limit });
}

/** What a barcode scan resolves to: the asset with exactly this tag, or null. */
export function assetByTag(tag: string): Promise<Asset | null> {
  return call("asset_by_tag", { tag });
}

export function assetPage(assetId: string, historyLimit?: number): Promise<AssetPage> {
  return call("asset_page", { asset_id: assetId, history_limit: historyLimit });
}

export function workOrder(workOrderId: string): Promise<WorkOrder> {
  return call("work_order", { work_order_id: workOrderId });
}

export function logBreakdown(input: NewBreakdown): Promise<WorkOrder> {
  return call("log_breakdown", { input });
}

export function addNote(workOrderId: string, author: string, text: string): Promise<WorkOrder> {
  return call("add_note", { work_order_id: workOrderId, author, text });
}

/** Downtime starts at `at` (RFC 3339, UTC) or now. */
export function machineStopped(workOrderId: string, at?: string, confirmOldStop = false): Promise<WorkOrder> {
  return call("machine_stopped", { work_order_id: workOrderId, at, confirm_old_stop: confirmOldStop });
}

/** Downtime ends at `at` (RFC 3339, UTC) or now. */
export function backInService(workOrderId: string, at?: string): Promise<WorkOrder> {
  return call("back_in_service", { work_order_id: workOrderId, at });
}

export function closeWorkOrder(input: CloseWorkOrder): Promise<WorkOrder> {
  return call("close_work_order", { input });
}

export function addPart(input: NewPart): Promise<WorkOrder> {
  return call("add_part", { input });
}

export function addPhoto(
  workOrderId: string,
  dataBase64: string,
  mime: string,
  caption?: string,
): Promise<WorkOrder> {
  return call("add_photo", {
    work_order_id: workOrderId,
    data_base64: dataBase64,
    mime,
    caption,
  });
}

export function failureCatalog(): Promise<FailureCatalog> {
  return call("failure_catalog");
}

/** A procedure (job plan) with its steps, by its code; `not_found` when this laptop does not have it. */
export function procedure(code: string): Promise<Procedure> {
  return call("procedure", { code });
}

/** Without `from`/`to` the app reports the last 12 hours. */
export function shiftReport(from?: string, to?: string): Promise<ShiftReport> {
  return call("shift_report", { from, to });
}

/** Amends or voids a note, part or photo (append-only: the original stays in its history). */
export function correctItem(input: NewCorrection): Promise<WorkOrder> {
  return call("correct_item", { input });
}

/** Adds the shift lead's handover note for the shift `input.shift_start`..`input.shift_end`. */
export function addHandoverNote(input: NewHandoverNote): Promise<HandoverNote> {
  return call("add_handover_note", { input });
}

/** Handover notes of the shifts overlapping `from`..`to` (RFC 3339, UTC; default the last 24 h). */
export function handoverNotes(from?: string, to?: string): Promise<HandoverNote[]> {
  return call("handover_notes", { from, to });
}

/** The plant's shift calendar (shifts, time zone, worked days); the default until one is set. */
export function shiftCalendar(): Promise<ShiftCalendar> {
  return call("shift_calendar");
}

/** Checks and stores the shift calendar; answers it as stored (shifts in start order). */
export function setShiftCalendar(calendar: ShiftCalendar): Promise<ShiftCalendar> {
  return call("set_shift_calendar", { calendar });
}

/** What to hand over: a calendar shift (`current`, `previous`, or a name on `date` YYYY-MM-DD), or a custom range. */
export type ShiftPick = { shift: string; date?: string } | { from: string; to: string };

/** The shift handover: down now, open work, what was done per work order, downtime, handover notes. */
export function shiftHandover(pick: ShiftPick): Promise<ShiftHandover> {
  return call("shift_handover", { ...pick });
}

/** The first screen: machines down now and open breakdowns by priority. */
export function startScreen(): Promise<StartScreen> {
  return call("start_screen");
}

/** Work orders whose number is or starts with `query` (empty for text that is not number-like). */
export function findWorkOrders(query: string, limit = 10): Promise<WorkOrderSummary[]> {
  return call("find_work_orders", { query, limit });
}

/** Writes an export (CSV) into the data directory's `exports/` folder; answers the file's full path. */
export function saveExport(fileName: string, text: string): Promise<string> {
  return call("save_export", { file_name: fileName, text });
}

/** Tells the app the first screen is on the display (cold-start measurement). */
export function uiReady(): Promise<void> {
  return callShell<void>("ui_ready");
}

// ---- manual library (docs/ipc.md, "Manual library (issue 3)") -------------------------------

// The library's types are generated from the Rust types by ts-rs (./bindings, `make bindings`):
// `Manual`/`ManualState` from faultline-core, `SearchResults`/`SearchHit` from the manual index,
// `ImportStarted` (what manuals_add_files started) and `ImportProgress` (the `import_progress`
// event, while an import runs) from the manual library. Re-exported here for the screens.
export type { ImportProgress, ImportStarted, Manual, ManualState, SearchHit, SearchResults };

/** The library, newest first. */
export function manualsList(): Promise<Manual[]> {
  return call("manuals_list");
}

/**
 * Imports files or folders by path (drag and drop); folders are searched for PDFs. `model` is
 * "Manufacturer Model" to link the new manuals to. Progress arrives as `import_progress` events.
 */
export function manualsAddFiles(paths: string[], model?: string): Promise<ImportStarted> {
  return call("manuals_add_files", { paths, model });
}

/** Imports one PDF from its bytes (the file picker), sent as base64. */
export function manualsAddBytes(fileName: string, bytes: Uint8Array): Promise<Manual> {
  return call("manuals_add_bytes", { file_name: fileName, data_base64: bytesToBase64(bytes) });
}

/** Stops the import: running extractions are stopped and their manuals wait in the queue for the next import. */
export function manualsCancel(): Promise<null> {
  return call("manuals_cancel");
}

export function manualLinkModel(manualId: string, manufacturer: string, model: string): Promise<Manual> {
  return call("manual_link_model", { manual_id: manualId, manufacturer, model });
}

/** Queues a failed manual again; the password (for an encrypted PDF) is used once, never stored. */
export function manualRetry(manualId: string, password?: string): Promise<Manual> {
  return call("manual_retry", { manual_id: manualId, password });
}

/** The original PDF's bytes, for pdf.js. */
export function manualPdf(manualId: string): Promise<Uint8Array> {
  return callBytes("manual_pdf", { manual_id: manualId });
}

/** A photo's bytes (by its SHA-256), for the work order's thumbnails and viewer. */
export function photoBytes(sha256: string): Promise<Uint8Array> {
  return callBytes("photo", { sha256 });
}

/**
 * Opens the system's folder chooser (a real folder picker: `webkitdirectory` in WebKitGTK picks
 * files); the chosen folder's path, or null when the person cancelled.
 */
export function pickFolder(title?: string): Promise<string | null> {
  return callShell<string | null>("pick_folder", { title });
}

/** Searches the manuals' pages; the text is never parsed as query syntax. */
export function searchManuals(text: string, assetId?: string, limit?: number): Promise<SearchResults> {
  return call("search_manuals", { text, asset_id: assetId, limit });
}

// ---- window-only events ---------------------------------------------------------------------

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
