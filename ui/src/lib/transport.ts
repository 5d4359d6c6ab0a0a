// How a command travels to the app's core (docs/ipc.md), the one place that calls `invoke` or
// `fetch`. Inside the app window: Tauri IPC, `call` / `call_bytes` with the command's name and
// arguments (the window's own `ui_ready` and `pick_folder` by name). In a plain browser under
// `npm run dev`: HTTP to `faultline dev-serve` (vite proxies `/api` to it), `POST
// /api/call/<command>` with the arguments as JSON, `POST /api/bytes/<command>` for a command
// answering raw bytes. Errors come back as the app's ErrorBody (over HTTP a 4xx/5xx with that
// JSON) and leave here as `ApiError`s.
import { invoke } from "@tauri-apps/api/core";
import { ApiError, toApiError } from "./apiError";

/** Where commands go: the app window, dev-serve over HTTP, or nowhere (a built page in a browser). */
export type Route = "tauri" | "http" | "none";

export function underTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

export function route(): Route {
  if (underTauri()) return "tauri";
  // `import.meta.env.DEV` is the constant `false` in `vite build`: the HTTP path is for
  // `npm run dev` only, and a built page opened in a browser says it is not in the app.
  return import.meta.env.DEV ? "http" : "none";
}

/** What a command answers: a JSON value, or raw bytes (`photo`, `manual_pdf`). */
export type Kind = "json" | "bytes";

const NOT_IN_APP = "This page is not running inside the Faultline app, so it cannot reach the data.";

/** Sends one command; resolves with its answer (a Uint8Array for `bytes`) or rejects with an ApiError. */
export async function send(command: string, args: Record<string, unknown> | undefined, kind: Kind): Promise<unknown> {
  try {
    const answer = await dispatch(command, args, kind);
    return kind === "bytes" ? toBytes(answer, command) : answer;
  } catch (reason) {
    throw toApiError(reason, command);
  }
}

/** The window's own commands (a native dialog, the first-screen signal): never through `call`. */
export const SHELL_COMMANDS = ["ui_ready", "pick_folder"] as const;

function dispatch(command: string, args: Record<string, unknown> | undefined, kind: Kind): Promise<unknown> {
  switch (route()) {
    case "tauri":
      if ((SHELL_COMMANDS as readonly string[]).includes(command)) return invoke(command, args);
      return invoke(kind === "bytes" ? "call_bytes" : "call", { command, args: args ?? {} });
    case "http":
      return httpCall(command, JSON.stringify(args ?? {}), { "content-type": "application/json" }, kind);
    case "none":
      throw new ApiError("internal", NOT_IN_APP);
  }
}

async function httpCall(command: string, body: string, headers: Record<string, string>, kind: Kind): Promise<unknown> {
  const path = kind === "bytes" ? "bytes" : "call";
  let response: Response;
  try {
    response = await fetch(`/api/${path}/${encodeURIComponent(command)}`, { method: "POST", headers, body });
  } catch (reason) {
    throw new ApiError("internal", devServeDown(reason), command);
  }
  if (!response.ok) {
    // dev-serve answers an ErrorBody; anything else (vite's proxy error page) means it is not there.
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ApiError("internal", devServeDown(`HTTP ${response.status}`), command);
    }
    throw parsed;
  }
  if (kind === "bytes") return new Uint8Array(await response.arrayBuffer());
  return await response.json();
}

function devServeDown(reason: unknown): string {
  const why = reason instanceof Error ? reason.message : String(reason);
  return `faultline dev-serve did not answer (${why}); start it with \`cargo run -p faultline-cli -- dev-serve\` (ui/README.md).`;
}

/** A command's raw bytes answer (`tauri::ipc::Response` or an HTTP body) as a Uint8Array. */
function toBytes(body: unknown, command: string): Uint8Array {
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (Array.isArray(body)) return Uint8Array.from(body as number[]);
  throw new ApiError("internal", `The app sent an answer to "${command}" in a form this page cannot read.`, command);
}
