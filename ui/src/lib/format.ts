// Words for what the app returns: status, type, criticality, sync state, downtime, failure codes.
import type { Criticality } from "./bindings/Criticality";
import type { FailureCodes } from "./bindings/FailureCodes";
import type { SyncState } from "./bindings/SyncState";
import type { WorkOrderSummary } from "./bindings/WorkOrderSummary";
import type { WorkOrderStatus } from "./bindings/WorkOrderStatus";
import type { WorkOrderType } from "./bindings/WorkOrderType";
import { formatMinutes, minutesBetween, toNumber } from "./time";

/**
 * "All changes synced", "1 change not yet synced", "N changes not yet synced"; a laptop that is not
 * enrolled syncs nothing: "Not enrolled — changes stay on this laptop".
 */
export function pendingText(pending: number, enrolled = true): string {
  if (!enrolled) {
    return pending <= 0 ? "Not enrolled — changes stay on this laptop" : `Not enrolled — ${plural(pending, "change")} ${pending === 1 ? "stays" : "stay"} on this laptop`;
  }
  if (pending <= 0) return "All changes synced";
  return `${plural(pending, "change")} not yet synced`;
}

/** What a record's sync state means: on the hub, waiting, refused, or waiting for a choice. */
export function syncText(state: SyncState): string {
  switch (state) {
    case "pending":
      return "Not yet synced";
    case "synced":
      return "Synced";
    case "rejected":
      return "Refused by the hub";
    case "conflict":
      return "Conflict — choose a value";
  }
}

/** Whether a record's sync state needs a person (a refused change or a conflict). */
export function syncNeedsAttention(state: SyncState): boolean {
  return state === "rejected" || state === "conflict";
}

/** A work order's status for people: "Open", "In progress", "Completed", "Closed", "Cancelled". */
export function statusText(status: WorkOrderStatus): string {
  switch (status) {
    case "open":
      return "Open";
    case "in_progress":
      return "In progress";
    case "completed":
      return "Completed";
    case "closed":
      return "Closed";
    case "cancelled":
      return "Cancelled";
  }
}

export function typeText(type: WorkOrderType): string {
  switch (type) {
    case "breakdown":
      return "Breakdown";
    case "corrective":
      return "Corrective";
    case "preventive":
      return "Preventive";
  }
}

export function criticalityText(c: Criticality | null): string {
  switch (c) {
    case "A":
      return "A · high";
    case "B":
      return "B · medium";
    case "C":
      return "C · low";
    default:
      return "not rated";
  }
}

export function priorityText(p: number): string {
  return p === 1 ? "P1 · highest" : p === 5 ? "P5 · lowest" : `P${p}`;
}

/** Is the machine down on this work order right now? */
export function isDown(wo: Pick<WorkOrderSummary, "downtime_start" | "downtime_end">): boolean {
  return wo.downtime_start !== null && wo.downtime_end === null;
}

export function isFinished(wo: Pick<WorkOrderSummary, "status">): boolean {
  return wo.status === "closed" || wo.status === "completed" || wo.status === "cancelled";
}

/** "45 min", "ongoing", or "none" when no downtime was recorded. */
export function downtimeText(
  wo: Pick<WorkOrderSummary, "downtime_start" | "downtime_end" | "downtime_minutes">,
): string {
  if (isDown(wo)) return "ongoing";
  const minutes = toNumber(wo.downtime_minutes);
  if (minutes !== null) return formatMinutes(minutes);
  if (wo.downtime_start !== null && wo.downtime_end !== null) {
    return formatMinutes(minutesBetween(wo.downtime_start, wo.downtime_end));
  }
  return "none";
}

/** The recorded failure codes as labelled parts, leaving out what was not recorded. */
export function failureParts(codes: FailureCodes): { label: string; code: string }[] {
  const parts: [string, string | null][] = [
    ["Class", codes.failure_class],
    ["Problem", codes.problem_code],
    ["Cause", codes.cause_code],
    ["Remedy", codes.remedy_code],
    ["ISO mode", codes.iso_failure_mode],
    ["ISO mechanism", codes.iso_failure_mechanism],
    ["ISO cause", codes.iso_failure_cause],
  ];
  return parts.filter((p): p is [string, string] => p[1] !== null && p[1] !== "").map(([label, code]) => ({ label, code }));
}

/**
 * "1 note", "3 notes", "0 breakdowns": the one place a count meets its noun
 * (English plural rules: only exactly 1 is singular). `many` for irregular nouns.
 */
export function plural(n: number | bigint, one: string, many = `${one}s`): string {
  return `${Number(n)} ${pluralWord(n, one, many)}`;
}

/** The noun alone, for a count shown apart (a big number above its word): "breakdown(s)". */
export function pluralWord(n: number | bigint, one: string, many = `${one}s`): string {
  return Number(n) === 1 ? one : many;
}

/** "2.4 MB", "830 kB". */
export function formatBytes(value: number | bigint | null): string {
  const n = toNumber(value);
  if (n === null) return "—";
  if (n < 1000) return `${n} B`;
  if (n < 1_000_000) return `${Math.round(n / 1000)} kB`;
  return `${(n / 1_000_000).toFixed(1)} MB`;
}

/** The banner's headline for an error code. */
export function errorTitle(code: string): string {
  switch (code) {
    case "invalid_input":
      return "Please check what you entered";
    case "not_found":
      return "Not found";
    case "invalid_state":
      return "Not possible right now";
    case "import_failed":
      return "Import failed";
    case "storage":
      return "Could not save on this laptop";
    case "hub_unreachable":
      return "The hub is not reachable";
    case "hub_refused":
      return "The hub refused the sync";
    default:
      return "The app did not answer as expected";
  }
}
