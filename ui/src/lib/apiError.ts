// The error every command rejects with: the app's `ErrorBody` (a stable code and a message for the
// person) as an `ApiError`, plus `internal` for failures of the transport itself.
import type { ErrorBody } from "./bindings/ErrorBody";
import type { ErrorCode } from "./bindings/ErrorCode";

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
