// DEV ONLY: the Shift screen's and the first screen's commands for the dev mock: the shift calendar
// (in the browser's own time zone, whatever the calendar says), the handover for a shift or a
// range, the start screen, work orders by number, and the CSV export as a browser download.
import type { DownNow } from "../bindings/DownNow";
import type { ErrorBody } from "../bindings/ErrorBody";
import type { HandoverNote } from "../bindings/HandoverNote";
import type { OpenItem } from "../bindings/OpenItem";
import type { ShiftCalendar } from "../bindings/ShiftCalendar";
import type { ShiftEvent } from "../bindings/ShiftEvent";
import type { ShiftHandover } from "../bindings/ShiftHandover";
import type { ShiftWindow } from "../bindings/ShiftWindow";
import type { StartScreen } from "../bindings/StartScreen";
import type { WorkOrder } from "../bindings/WorkOrder";
import type { WorkOrderActivity } from "../bindings/WorkOrderActivity";
import type { WorkOrderSummary } from "../bindings/WorkOrderSummary";

type Args = Record<string, unknown> | undefined;

const big = (n: number): bigint => n as unknown as bigint;
const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");
const minutes = (a: string, b: string) => Math.max(0, Math.floor((Date.parse(b) - Date.parse(a)) / 60000));
const isOpen = (s: WorkOrderSummary) => s.status === "open" || s.status === "in_progress";

function fail(code: ErrorBody["code"], message: string): never {
  throw { code, message } satisfies ErrorBody;
}

export function shiftHandlers(orders: WorkOrder[], notes: (from: string, to: string) => HandoverNote[]): Record<string, (args: Args) => unknown> {
  let calendar: ShiftCalendar = {
    time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC",
    shifts: [
      { name: "Early", start: "05:00" },
      { name: "Late", start: "13:00" },
      { name: "Night", start: "21:00" },
    ],
    work_days: [1, 2, 3, 4, 5],
  };

  const at = (day: Date, hhmm: string) => {
    const [h, m] = hhmm.split(":").map(Number);
    return new Date(day.getFullYear(), day.getMonth(), day.getDate(), h ?? 0, m ?? 0);
  };
  function windowOf(i: number, day: Date): ShiftWindow {
    const s = calendar.shifts[i]!;
    const next = calendar.shifts[i + 1];
    const from = at(day, s.start);
    const to = next ? at(day, next.start) : at(new Date(day.getFullYear(), day.getMonth(), day.getDate() + 1), calendar.shifts[0]!.start);
    const weekday = ((day.getDay() + 6) % 7) + 1;
    return { name: s.name, date: day.toLocaleDateString("sv-SE"), from: iso(from), to: iso(to), worked: calendar.work_days.includes(weekday) };
  }
  function containing(t: Date): ShiftWindow {
    for (const back of [0, 1]) {
      const day = new Date(t.getFullYear(), t.getMonth(), t.getDate() - back);
      for (let i = calendar.shifts.length - 1; i >= 0; i--) {
        const w = windowOf(i, day);
        if (Date.parse(w.from) <= t.getTime() && t.getTime() < Date.parse(w.to)) return w;
      }
    }
    return fail("invalid_input", "no shift covers now");
  }
  function pick(which: string, date: string | undefined): ShiftWindow {
    const now = new Date();
    if (which === "current") return containing(now);
    if (which === "previous") {
      let w = containing(now);
      for (let n = 0; n < 50; n++) {
        w = containing(new Date(Date.parse(w.from) - 1));
        if (w.worked) return w;
      }
      return fail("invalid_input", "no worked shift in the week before");
    }
    const i = calendar.shifts.findIndex((s) => s.name.toLowerCase() === which.toLowerCase());
    if (i < 0) fail("not_found", `no shift named "${which}"`);
    const day = date ? new Date(`${date}T00:00:00`) : now;
    return windowOf(i, day);
  }

  function downNow(nowIso: string): DownNow[] {
    return orders
      .map((o) => o.summary)
      .filter((s) => isOpen(s) && s.downtime_start && !s.downtime_end && s.downtime_start <= nowIso)
      .sort((a, b) => (a.downtime_start ?? "").localeCompare(b.downtime_start ?? ""))
      .map((s) => structuredClone({ work_order: s, down_since: s.downtime_start!, down_minutes: big(minutes(s.downtime_start!, nowIso)) }));
  }
  function openItems(nowIso: string, breakdownsOnly: boolean): OpenItem[] {
    return orders
      .map((o) => o.summary)
      .filter((s) => isOpen(s) && (!breakdownsOnly || s.wo_type === "breakdown"))
      .sort((a, b) => a.priority - b.priority || a.reported_at.localeCompare(b.reported_at))
      .map((s) => structuredClone({ work_order: s, age_minutes: big(minutes(s.reported_at, nowIso)) }));
  }

  function handover(from: string, to: string, shift: ShiftWindow | null): ShiftHandover {
    const nowIso = iso(new Date());
    const inside = (t: string | null) => t !== null && t >= from && t < to;
    const activity: WorkOrderActivity[] = [];
    let reported = 0;
    let total = 0;
    for (const o of orders) {
      const s = o.summary;
      const events: ShiftEvent[] = [];
      if (inside(s.reported_at)) {
        if (s.wo_type === "breakdown") reported++;
        events.push({ at: s.reported_at, kind: "reported", text: s.title, author: null });
      }
      if (inside(s.downtime_start)) events.push({ at: s.downtime_start!, kind: "stopped", text: "machine stopped", author: null });
      if (inside(s.downtime_end)) events.push({ at: s.downtime_end!, kind: "back_in_service", text: "back in service", author: null });
      for (const n of o.notes) if (inside(n.created_at)) events.push({ at: n.created_at, kind: "note", text: n.text, author: n.author });
      for (const p of o.parts) if (inside(p.created_at)) events.push({ at: p.created_at, kind: "part", text: `${p.quantity} × ${p.part_number}`, author: null });
      if (inside(s.finished_at)) events.push({ at: s.finished_at!, kind: "finished", text: `${s.status}${s.remedy_text ? ` — ${s.remedy_text}` : ""}`, author: null });
      let down = 0;
      if (s.downtime_start && (s.downtime_end || isOpen(s))) {
        const start = s.downtime_start < from ? from : s.downtime_start;
        const endRaw = s.downtime_end ?? nowIso;
        const end = endRaw > to ? to : endRaw;
        down = end > start ? minutes(start, end) : 0;
      }
      total += down;
      if (events.length === 0 && down === 0) continue;
      events.sort((a, b) => a.at.localeCompare(b.at));
      activity.push(structuredClone({ work_order: s, events, downtime_minutes: big(down) }));
    }
    activity.sort((a, b) => (b.events.at(-1)?.at ?? "").localeCompare(a.events.at(-1)?.at ?? ""));
    return {
      from,
      to,
      now: nowIso,
      shift,
      down_now: downNow(nowIso),
      open_items: openItems(nowIso, false),
      activity,
      breakdowns_reported: reported,
      downtime_minutes: big(total),
      handover_notes: notes(from, to),
    };
  }

  return {
    shift_calendar: () => structuredClone(calendar),
    set_shift_calendar: (args) => {
      const c = args?.["calendar"] as ShiftCalendar;
      if (!c.shifts.length || c.shifts.some((s) => !s.name.trim() || !/^\d{1,2}:\d{2}$/.test(s.start))) fail("invalid_input", "each shift needs a name and a start time HH:MM");
      if (!c.work_days.length) fail("invalid_input", "worked days are 1 (Monday) to 7 (Sunday), at least one");
      calendar = { ...structuredClone(c), shifts: [...c.shifts].sort((a, b) => a.start.localeCompare(b.start)) };
      return structuredClone(calendar);
    },
    shift_handover: (args) => {
      const from = args?.["from"];
      const to = args?.["to"];
      if (typeof from === "string" && typeof to === "string") {
        if (to <= from) fail("invalid_input", "the shift must end after it starts");
        return handover(from, to, null);
      }
      const which = typeof args?.["shift"] === "string" ? (args["shift"] as string) : "current";
      const date = typeof args?.["date"] === "string" ? (args["date"] as string) : undefined;
      const w = pick(which, date);
      return handover(w.from, w.to, w);
    },
    start_screen: (): StartScreen => {
      const nowIso = iso(new Date());
      return { now: nowIso, down_now: downNow(nowIso), open_breakdowns: openItems(nowIso, true), open_total: orders.filter((o) => isOpen(o.summary)).length };
    },
    find_work_orders: (args) => {
      const q = String(args?.["query"] ?? "").trim().toLowerCase();
      if (!/\d/.test(q) || /\s/.test(q)) return [];
      return structuredClone(orders.map((o) => o.summary).filter((s) => s.number.toLowerCase().startsWith(q)));
    },
    save_export: (args) => {
      const name = String(args?.["file_name"] ?? "export.csv");
      const url = URL.createObjectURL(new Blob([String(args?.["text"] ?? "")], { type: "text/csv" }));
      const a = document.createElement("a");
      a.href = url;
      a.download = name;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
      return `${name} (your browser's downloads)`;
    },
  };
}
