// The shift handover's words and files: event kinds in words, the handover as CSV (one table: down
// now, open work, what was done, handover notes), the export's file name, the calendar's day names.
import type { ShiftCalendar } from "./bindings/ShiftCalendar";
import type { ShiftEventKind } from "./bindings/ShiftEventKind";
import type { ShiftHandover } from "./bindings/ShiftHandover";
import type { WorkOrderSummary } from "./bindings/WorkOrderSummary";
import { toNumber } from "./time";

export const DAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;

const KIND_TEXT: Record<ShiftEventKind, string> = {
  reported: "Reported",
  started: "Work started",
  stopped: "Machine stopped",
  back_in_service: "Back in service",
  note: "Note",
  part: "Part used",
  photo: "Photo",
  finished: "Finished",
};

export function eventKindText(kind: ShiftEventKind): string {
  return KIND_TEXT[kind];
}

/** One CSV field: quoted when it holds a comma, quote or line break; formula starts defused. */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  let s = String(value);
  // A spreadsheet would run "=…", "+…", "-…", "@…" as a formula: keep it text.
  if (/^[=+\-@]/.test(s) && Number.isNaN(Number(s))) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export const CSV_HEADER = ["section", "asset", "work_order", "priority", "status", "time", "what", "text", "by", "minutes"] as const;

function row(
  section: string,
  wo: WorkOrderSummary | null,
  time: string,
  what: string,
  text: string,
  by: string | null,
  minutes: number | bigint | null,
): string {
  return [
    section,
    wo?.asset_tag ?? "",
    wo?.number ?? "",
    wo ? `P${wo.priority}` : "",
    wo?.status ?? "",
    time,
    what,
    text,
    by ?? "",
    minutes === null ? "" : String(toNumber(minutes) ?? ""),
  ]
    .map(csvField)
    .join(",");
}

/** The whole handover as one CSV table (UTC times, RFC 3339), CRLF line ends as spreadsheets expect. */
export function handoverCsv(h: ShiftHandover): string {
  const lines = [CSV_HEADER.join(",")];
  lines.push(row("window", null, `${h.from}/${h.to}`, h.shift ? `${h.shift.name} shift ${h.shift.date}` : "custom range", `${h.breakdowns_reported} breakdowns reported`, null, h.downtime_minutes));
  for (const d of h.down_now) lines.push(row("down_now", d.work_order, d.down_since, "Down", d.work_order.title, null, d.down_minutes));
  for (const o of h.open_items) lines.push(row("open", o.work_order, o.work_order.reported_at, "Open", o.work_order.title, null, o.age_minutes));
  for (const a of h.activity) {
    if (a.events.length === 0) lines.push(row("done", a.work_order, "", "Down in the shift", a.work_order.title, null, a.downtime_minutes));
    for (const e of a.events) lines.push(row("done", a.work_order, e.at, eventKindText(e.kind), e.text, e.author, a.downtime_minutes));
  }
  for (const n of h.handover_notes) lines.push(row("handover_note", null, n.created_at, "Handover note", n.text, n.author, null));
  return lines.join("\r\n") + "\r\n";
}

/** "shift-2026-11-20-Early.csv" for a calendar shift, "shift-20261120T0400-20261120T1200.csv" for a range. */
export function exportFileName(h: Pick<ShiftHandover, "from" | "to" | "shift">): string {
  if (h.shift) return `shift-${h.shift.date}-${h.shift.name.replace(/[^A-Za-z0-9_-]/g, "_")}.csv`;
  const compact = (iso: string) => iso.replace(/[-:]/g, "").slice(0, 13);
  return `shift-${compact(h.from)}-${compact(h.to)}.csv`;
}

/** "Mon–Fri", "every day", "Mon Wed Fri". */
export function workDaysText(days: readonly number[]): string {
  const sorted = [...days].sort((a, b) => a - b);
  if (sorted.length === 7) return "every day";
  const contiguous = sorted.every((d, i) => i === 0 || d === sorted[i - 1]! + 1);
  const name = (d: number) => DAY_NAMES[d - 1] ?? "?";
  if (contiguous && sorted.length > 2) return `${name(sorted[0]!)}–${name(sorted[sorted.length - 1]!)}`;
  return sorted.map(name).join(" ");
}

/** "Early 05:00 · Late 13:00 · Night 21:00 (Europe/Berlin, Mon–Fri)". */
export function calendarText(c: ShiftCalendar): string {
  return `${c.shifts.map((s) => `${s.name} ${s.start}`).join(" · ")} (${c.time_zone}, ${workDaysText(c.work_days)})`;
}
