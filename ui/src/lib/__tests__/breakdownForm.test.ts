import { describe, expect, it } from "vitest";
import type { WorkOrderSummary } from "../bindings/WorkOrderSummary";
import { noteForOpenBreakdown, openBreakdowns, problemApplies } from "../breakdownForm";

function wo(over: Partial<WorkOrderSummary>): WorkOrderSummary {
  return {
    id: "w",
    number: "41851",
    asset_id: "a",
    asset_tag: "VFD-202",
    asset_name: "Drive",
    wo_type: "breakdown",
    status: "open",
    priority: 2,
    title: "Trips",
    fault_code: null,
    reported_at: "2026-11-20T06:00:00Z",
    finished_at: null,
    downtime_start: null,
    downtime_end: null,
    downtime_minutes: null,
    failure: {
      failure_class: null,
      problem_code: null,
      cause_code: null,
      remedy_code: null,
      iso_failure_mode: null,
      iso_failure_mechanism: null,
      iso_failure_cause: null,
    },
    remedy_text: null,
    note_count: 0,
    sync_state: "synced",
    ...over,
  } as WorkOrderSummary;
}

describe("logging a breakdown on an asset that has an open one", () => {
  it("finds the open breakdowns, not preventive work or finished ones", () => {
    const list = openBreakdowns([
      wo({ id: "pm", wo_type: "preventive" }),
      wo({ id: "old", priority: 2, reported_at: "2026-11-19T06:00:00Z" }),
      wo({ id: "new", priority: 2, status: "in_progress" }),
      wo({ id: "p1", priority: 1, reported_at: "2026-11-01T06:00:00Z" }),
      wo({ id: "done", status: "completed" }),
    ]);
    expect(list.map((w) => w.id)).toEqual(["p1", "new", "old"]);
    expect(openBreakdowns([wo({ wo_type: "corrective" })])).toEqual([]);
  });

  it("turns what was typed into a note for the open one", () => {
    expect(noteForOpenBreakdown({ faultCode: "E.OC1", symptom: "trips on start", note: "Reset twice." })).toBe(
      "Seen again: trips on start (fault code E.OC1). Reset twice.",
    );
    expect(noteForOpenBreakdown({ faultCode: "", symptom: "noisy", note: "" })).toBe("Seen again: noisy.");
    expect(noteForOpenBreakdown({ faultCode: "E31", symptom: " ", note: "" })).toBe("Seen again: the fault (fault code E31).");
    expect(noteForOpenBreakdown({ faultCode: "", symptom: "", note: "" })).toBeNull();
  });
});

describe("validation messages", () => {
  it("go away once the form changes", () => {
    const given = JSON.stringify({ symptom: "" });
    expect(problemApplies(given, given)).toBe(true);
    expect(problemApplies(given, JSON.stringify({ symptom: "t" }))).toBe(false);
    expect(problemApplies(null, given)).toBe(false);
  });
});
