// DEV ONLY: sync for the dev mock: an enrolled laptop with one conflict and one refused change,
// "Sync now" that goes through connecting → sending → receiving with `sync://progress` events and
// ends with `sync://finished`, marking every pending record synced. Open the app with
// `?mock-hub-down` to see a failing sync (with its retry countdown), `?mock-not-enrolled` to see
// enrollment (the token "bad" is refused, an address with "unreachable" is not reachable).
import type { ErrorBody } from "../bindings/ErrorBody";
import type { RejectedChange } from "../bindings/RejectedChange";
import type { SyncConflict } from "../bindings/SyncConflict";
import type { SyncFinished } from "../bindings/SyncFinished";
import type { SyncProgress } from "../bindings/SyncProgress";
import type { SyncStatus } from "../bindings/SyncStatus";
import type { WorkOrder } from "../bindings/WorkOrder";
import { emit } from "./mockEvents";

type Args = Record<string, unknown> | undefined;

function fail(code: ErrorBody["code"], message: string): never {
  throw { code, message } satisfies ErrorBody;
}

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const flag = (name: string) => typeof window !== "undefined" && new URLSearchParams(window.location.search).has(name);

/** The sync commands over the mock's work orders (their records' sync states change with it). */
export function syncHandlers(orders: WorkOrder[]): Record<string, (args: Args) => unknown> {
  let enrolled = !flag("mock-not-enrolled");
  let hubDown = flag("mock-hub-down");
  let hubUrl = "https://hub.plant1.example";
  let lastSyncAt: string | null = iso(new Date(Date.now() - 47 * 60000));
  let lastAttemptAt: string | null = lastSyncAt;
  let lastError: string | null = null;
  let running = false;

  // One work order in conflict, one with a refused note (when the mock has them).
  const conflicted = orders.find((o) => o.summary.status === "in_progress");
  const refusedOn = orders.find((o) => o.summary.status === "closed" && o.summary.wo_type === "breakdown");
  const conflicts: SyncConflict[] = conflicted
    ? [
        {
          id: "c0000000-0000-4000-8000-000000000001",
          work_order_id: conflicted.summary.id,
          work_order_number: conflicted.summary.number,
          asset_tag: conflicted.summary.asset_tag,
          field: "status",
          server_value: "on_hold",
          client_value: "in_progress",
          server_changed_by: "R. Patel (planner)",
          resolution: null,
          created_at: iso(new Date(Date.now() - 50 * 60000)),
        },
        {
          id: "c0000000-0000-4000-8000-000000000002",
          work_order_id: conflicted.summary.id,
          work_order_number: conflicted.summary.number,
          asset_tag: conflicted.summary.asset_tag,
          field: "remedy_text",
          server_value: "Realigned the guide rail at the transfer, checked 200 cartons.",
          client_value: "Guide rail loose at transfer plate: tightened both bolts, added thread lock. Ran 15 min without a jam.",
          server_changed_by: "K. Osei",
          resolution: null,
          created_at: iso(new Date(Date.now() - 50 * 60000)),
        },
      ]
    : [];
  if (conflicted) conflicted.summary.sync_state = "conflict";
  const rejected: RejectedChange[] = [];
  if (refusedOn) {
    const note = {
      id: "n0000000-0000-4000-8000-000000000001",
      work_order_id: refusedOn.summary.id,
      author: "M. Chen",
      text: "Ordered a spare seal kit for the shelf.",
      created_at: iso(new Date(Date.now() - 3 * 3600000)),
      sync_state: "rejected" as const,
      voided: false,
      corrections: [],
    };
    refusedOn.notes.push(note);
    refusedOn.summary.note_count = refusedOn.notes.length;
    rejected.push({
      mutation_id: "m0000000-0000-4000-8000-000000000001",
      work_order_id: refusedOn.summary.id,
      kind: "add_note",
      code: "invalid_transition",
      reason: `${refusedOn.summary.number} was closed and archived on the hub before this note arrived`,
      created_at: note.created_at,
    });
  }

  const records = () =>
    orders.flatMap((o) => [
      { sync_state: o.summary.sync_state, set: (s: "synced") => (o.summary.sync_state = s) },
      ...[...o.notes, ...o.parts, ...o.photos].map((r) => ({ sync_state: r.sync_state, set: (s: "synced") => (r.sync_state = s) })),
    ]);
  const pending = () => records().filter((r) => r.sync_state === "pending").length;

  function status(): SyncStatus {
    return {
      enrolled,
      hub_url: enrolled ? hubUrl : null,
      site_code: enrolled ? "PLT1" : null,
      site_name: enrolled ? "Plant 1 – Riverside" : null,
      device_name: enrolled ? "laptop-dev" : null,
      pending: pending(),
      rejected: rejected.length,
      conflicts: conflicts.length,
      last_sync_at: enrolled ? lastSyncAt : null,
      last_attempt_at: enrolled ? lastAttemptAt : null,
      last_error: enrolled ? lastError : null,
    };
  }

  async function run(): Promise<void> {
    if (running) return;
    running = true;
    const p: SyncProgress = { phase: "connecting", pending: pending(), sent: 0, received: 0 };
    emit("sync://progress", p);
    await sleep(700);
    const at = iso(new Date());
    lastAttemptAt = at;
    if (hubDown) {
      await sleep(800);
      lastError =
        "the hub is not reachable (error sending request for url (https://hub.plant1.example/v1/capabilities): client error (Connect): tcp connect error: Connection refused (os error 111)); changes stay on this laptop and go up at the next sync";
      running = false;
      emit("sync://finished", { ok: false, error: lastError, retry_in_secs: 8, sent: 0, received: 0, rejected: 0, conflicts: 0 } satisfies SyncFinished);
      // Like the app's sync thread: it tries again by itself (still down, so it fails again).
      setTimeout(() => void run(), 8000);
      return;
    }
    const toSend = records().filter((r) => r.sync_state === "pending");
    p.phase = "sending";
    for (const r of toSend) {
      r.set("synced");
      p.sent++;
      p.pending = pending();
      emit("sync://progress", { ...p });
      await sleep(250);
    }
    p.phase = "receiving";
    for (let i = 0; i < 3; i++) {
      p.received += 40;
      emit("sync://progress", { ...p });
      await sleep(300);
    }
    lastSyncAt = iso(new Date());
    lastError = null;
    running = false;
    emit("sync://finished", {
      ok: true,
      error: null,
      retry_in_secs: null,
      sent: p.sent,
      received: p.received,
      rejected: 0,
      conflicts: 0,
    } satisfies SyncFinished);
  }

  const str = (args: Args, key: string) => (typeof args?.[key] === "string" ? args[key] : "");

  return {
    sync_status: () => status(),
    sync_now: () => {
      if (!enrolled) fail("invalid_state", "this laptop is not enrolled with a hub: enter the hub address and the device token plant IT gave you");
      void run();
      return null;
    },
    sync_enroll: (args) => {
      const url = str(args, "hub_url").trim();
      const token = str(args, "token").trim();
      if (!token) fail("invalid_input", "the device token is empty: ask plant IT for one (`faultline-hub device enroll`)");
      if (!/^https?:\/\//.test(url)) fail("invalid_input", `the hub address ${JSON.stringify(url)} must start with https:// (or http:// on a test bench)`);
      if (url.includes("unreachable")) {
        fail("hub_unreachable", `the hub is not reachable (error sending request for url (${url}/v1/capabilities): dns error: failed to lookup address information); changes stay on this laptop and go up at the next sync`);
      }
      if (token === "bad") fail("hub_refused", "the hub refused the request (unauthorized, HTTP 401): unknown or revoked device token");
      enrolled = true;
      hubUrl = url.replace(/\/+$/, "");
      hubDown = false;
      void run();
      return status();
    },
    sync_conflicts: () => structuredClone(conflicts),
    resolve_conflict: (args) => {
      const id = str(args, "conflict_id");
      const i = conflicts.findIndex((c) => c.id === id);
      if (i < 0) fail("not_found", `no open conflict ${id}`);
      const [c] = conflicts.splice(i, 1);
      const wo = orders.find((o) => o.summary.id === c?.work_order_id);
      if (wo && !conflicts.some((x) => x.work_order_id === wo.summary.id)) wo.summary.sync_state = "pending";
      return structuredClone(conflicts);
    },
    rejected_changes: () => structuredClone(rejected),
  };
}
