import { describe, expect, it } from "vitest";
import type { ShiftHandover } from "../bindings/ShiftHandover";
import type { WorkOrderSummary } from "../bindings/WorkOrderSummary";
import { calendarText, csvField, eventKindText, exportFileName, handoverCsv, workDaysText } from "../shiftHandover";

const big = (n: number): bigint => n as unknown as bigint;

function wo(extra: Partial<WorkOrderSummary>): WorkOrderSummary {
  return {
    id: "w1", number: "41851", asset_id: "a1", asset_tag: "VFD-202", asset_name: "Drive", wo_type: "breakdown",
    status: "open", priority: 1, title: "Trips, \"OC1\" at start", fault_code: "OC1", reported_at: "2026-11-20T02:00:00Z",
    finished_at: null, downtime_start: "2026-11-20T02:00:00Z", downtime_end: null, downtime_minutes: null,
    failure: { failure_class: null, problem_code: null, cause_code: null, remedy_code: null, iso_failure_mode: null, iso_failure_mechanism: null, iso_failure_cause: null },
    remedy_text: null, note_count: 0, sync_state: "synced", ...extra,
  };
}

const handover: ShiftHandover = {
  from: "2026-11-20T04:00:00Z", to: "2026-11-20T12:00:00Z", now: "2026-11-20T07:00:00Z",
  shift: { name: "Early", date: "2026-11-20", from: "2026-11-20T04:00:00Z", to: "2026-11-20T12:00:00Z", worked: true },
  down_now: [{ work_order: wo({}), down_since: "2026-11-20T02:00:00Z", down_minutes: big(300) }],
  open_items: [{ work_order: wo({}), age_minutes: big(300) }],
  activity: [{ work_order: wo({}), downtime_minutes: big(180), events: [{ at: "2026-11-20T05:00:00Z", kind: "note", text: "Fan clogged,\nordered one", author: "Ben" }] }],
  breakdowns_reported: 0, downtime_minutes: big(180),
  handover_notes: [{ id: "n1", shift_start: "2026-11-20T04:00:00Z", shift_end: "2026-11-20T12:00:00Z", author: "Lea", text: "=SUM(A1)", created_at: "2026-11-20T06:00:00Z", sync_state: "pending" }],
};

describe("shift handover", () => {
  it("quotes CSV fields that need it and defuses formulas", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField('say "hi", then')).toBe('"say ""hi"", then"');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField("=SUM(A1)")).toBe("'=SUM(A1)");
    expect(csvField("-5")).toBe("-5");
    expect(csvField(null)).toBe("");
  });

  it("writes every section of the handover as one table", () => {
    const lines = handoverCsv(handover).split("\r\n");
    expect(lines[0]).toBe("section,asset,work_order,priority,status,time,what,text,by,minutes");
    expect(lines[1]).toContain("Early shift 2026-11-20");
    expect(lines[1]!.endsWith(",180")).toBe(true);
    expect(lines[2]).toBe('down_now,VFD-202,41851,P1,open,2026-11-20T02:00:00Z,Down,"Trips, ""OC1"" at start",,300');
    expect(lines[3]!.startsWith("open,VFD-202")).toBe(true);
    expect(handoverCsv(handover)).toContain('done,VFD-202,41851,P1,open,2026-11-20T05:00:00Z,Note,"Fan clogged,\nordered one",Ben,180');
    expect(handoverCsv(handover)).toContain("handover_note,,,,,2026-11-20T06:00:00Z,Handover note,'=SUM(A1),Lea,");
  });

  it("names the export after the shift or the range", () => {
    expect(exportFileName(handover)).toBe("shift-2026-11-20-Early.csv");
    expect(exportFileName({ ...handover, shift: null })).toBe("shift-20261120T0400-20261120T1200.csv");
  });

  it("says the calendar in words", () => {
    expect(workDaysText([1, 2, 3, 4, 5])).toBe("Mon–Fri");
    expect(workDaysText([1, 2, 3, 4, 5, 6, 7])).toBe("every day");
    expect(workDaysText([5, 1, 3])).toBe("Mon Wed Fri");
    expect(calendarText({ time_zone: "Europe/Berlin", shifts: [{ name: "Early", start: "05:00" }, { name: "Late", start: "13:00" }], work_days: [1, 2, 3, 4, 5] })).toBe(
      "Early 05:00 · Late 13:00 (Europe/Berlin, Mon–Fri)",
    );
    expect(eventKindText("back_in_service")).toBe("Back in service");
  });
});
