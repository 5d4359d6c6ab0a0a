import { describe, expect, it } from "vitest";
import type { DiagnosisSession } from "../bindings/DiagnosisSession";
import { addChips, checkRange, closeDraftFrom, codeKey, rangeLabel, removeChip, walkView } from "../diagnose";

describe("code chips", () => {
  it("one chip per code whatever its spelling", () => {
    expect(codeKey("E.oc.1")).toBe("EOC1");
    expect(codeKey("oc 1")).toBe(codeKey("OC1"));
    expect(addChips(["OC1"], "oc 1, OU ;; ou\n  E101 ")).toEqual(["OC1", "OU", "E101"]);
    expect(addChips([], " , ;")).toEqual([]);
    expect(addChips([], "oc   1")).toEqual(["oc 1"]);
  });

  it("removes exactly the chip tapped", () => {
    expect(removeChip(["OC1", "OU"], "OC1")).toEqual(["OU"]);
  });
});

describe("measurement range", () => {
  it("branches as the guide does, bounds inclusive, open bounds", () => {
    expect(checkRange("2.5", 100, null)).toBe("out_of_range");
    expect(checkRange("100", 100, null)).toBe("in_range");
    expect(checkRange("150", null, 150)).toBe("in_range");
    expect(checkRange("150,5", null, 150)).toBe("out_of_range");
    expect(checkRange("-3", null, null)).toBe("in_range");
    expect(checkRange("", 1, 2)).toBe("not_a_number");
    expect(checkRange("12abc", 1, 2)).toBe("not_a_number");
    expect(rangeLabel("MOhm", 100, null)).toBe("≥ 100 MOhm");
    expect(rangeLabel("V", 10, 20)).toBe("10–20 V");
  });
});

function session(records: Array<[string, boolean]>, current: string, conclusion = false): DiagnosisSession {
  return {
    id: "s1",
    asset_id: "a1",
    asset_tag: "VFD-202",
    work_order_id: "w1",
    guide: {
      id: "g",
      version: 1,
      title: "t",
      models: [],
      equipment_classes: [],
      codes: [],
      symptoms: [],
      start: "a",
      steps: [
        { id: "a", text: "read", caution: null, manual: null, job_plan: null, kind: { type: "check", next: "b" } },
        {
          id: "b",
          text: "measure",
          caution: "Lock out first",
          manual: null,
          job_plan: null,
          kind: { type: "measurement", unit: "MOhm", min: 100, max: null, in_range: "c", out_of_range: "c" },
        },
        {
          id: "c",
          text: "cable",
          caution: null,
          manual: null,
          job_plan: null,
          kind: { type: "conclusion", failure_class: "VFD", problem_code: null, cause_code: "CBLDMG", remedy_code: "REPLCABLE" },
        },
      ],
    },
    generated: false,
    codes: ["OC1"],
    started_by: "Lea",
    started_at: "2026-12-06T08:00:00Z",
    records: records.map(([step, superseded], i) => ({
      seq: i + 1,
      id: `r${i}`,
      kind: "answer",
      step_id: step,
      answer: { type: "done" },
      next_step: null,
      recorded_by: "Lea",
      recorded_at: "2026-12-06T08:00:00Z",
      superseded,
    })),
    current_step: current,
    conclusion: conclusion ? { failure_class: "VFD", problem_code: null, cause_code: "CBLDMG", remedy_code: "REPLCABLE" } : null,
  };
}

describe("walking a guide", () => {
  it("the first step cannot go back; the caution comes with its step", () => {
    const v = walkView(session([], "a"));
    expect(v.step?.id).toBe("a");
    expect(v.canGoBack).toBe(false);
    const w = walkView(session([["a", false]], "b"));
    expect(w.caution).toBe("Lock out first");
    expect(w.canGoBack).toBe(true);
  });

  it("superseded answers do not count; the conclusion pre-fills Close over the draft", () => {
    const v = walkView(session([["a", true], ["a", false], ["b", false]], "c", true));
    expect(v.answered).toBe(2);
    expect(v.conclusion?.cause_code).toBe("CBLDMG");
    const draft = closeDraftFrom({ problem_code: "OVERCURR", cause_code: "OLD" }, v.conclusion ?? {
      failure_class: null, problem_code: null, cause_code: null, remedy_code: null,
    });
    expect(draft).toEqual({ problem_code: "OVERCURR", cause_code: "CBLDMG", failure_class: "VFD", remedy_code: "REPLCABLE" });
  });
});
