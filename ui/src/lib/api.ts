// Typed wrappers around the app's Tauri commands (docs/ipc.md): one function per command, snake_case
// argument names, and every rejection turned into an `ApiError` the UI can branch on and show.
import { invoke } from "@tauri-apps/api/core";
import type { AppInfo } from "./bindings/AppInfo";
import type { Asset } from "./bindings/Asset";
import type { AssetPage } from "./bindings/AssetPage";
import type { AssetSummary } from "./bindings/AssetSummary";
import type { CloseWorkOrder } from "./bindings/CloseWorkOrder";
import type { ErrorBody } from "./bindings/ErrorBody";
import type { ErrorCode } from "./bindings/ErrorCode";
import type { FailureCatalog } from "./bindings/FailureCatalog";
import type { NewBreakdown } from "./bindings/NewBreakdown";
import type { NewPart } from "./bindings/NewPart";
import type { ShiftReport } from "./bindings/ShiftReport";
import type { WorkOrder } from "./bindings/WorkOrder";

const ERROR_CODES: readonly ErrorCode[] = [
  "invalid_input",
  "not_found",
  "invalid_state",
  "import_failed",
  "storage",
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
type Invoker = <T>(command: string, args?: Args) => Promise<T>;

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

/** Calls one command; resolves with its value or rejects with an `ApiError`. */
export async function call<T>(command: string, args?: Args): Promise<T> {
  try {
    const run = await invoker();
    return await run<T>(command, args);
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
export function machineStopped(workOrderId: string, at?: string): Promise<WorkOrder> {
  return call<WorkOrder>("machine_stopped", { work_order_id: workOrderId, at });
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

/** Without `from`/`to` the app reports the last 12 hours. */
export function shiftReport(from?: string, to?: string): Promise<ShiftReport> {
  return call<ShiftReport>("shift_report", { from, to });
}

/** Tells the app the first screen is on the display (cold-start measurement). */
export function uiReady(): Promise<void> {
  return call<void>("ui_ready");
}
