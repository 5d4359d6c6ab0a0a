import { describe, expect, it } from "vitest";
import {
  appliesTo,
  countDone,
  loadTicks,
  matchLabel,
  PROCEDURE_NOT_FOUND,
  procedureScope,
  progressText,
  rankForProblem,
  sameProblem,
  saveTicks,
  scopeLabel,
  stepCountText,
  toggleStep,
} from "../procedures";

/** A Storage stand-in (sessionStorage is not there under Node). */
function memoryStore(): Storage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    get length() {
      return data.size;
    },
    clear: () => data.clear(),
    key: (i: number) => [...data.keys()][i] ?? null,
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
  };
}

const steps = (n: number) => Array.from({ length: n }, (_, i) => ({ number: i + 1 }));

describe("procedures", () => {
  it("labels the scope for the asset page", () => {
    expect(scopeLabel("model", "Pumps")).toBe("This model");
    expect(scopeLabel("class", "Pumps")).toBe("All Pumps");
    expect(scopeLabel("class", " Electric motors ")).toBe("All Electric motors");
    expect(scopeLabel("class", null)).toBe("This equipment class");
    expect(scopeLabel("class", "  ")).toBe("This equipment class");
    expect(scopeLabel("general", "Pumps")).toBe("All equipment");
  });

  it("says what a procedure applies to, a model before a class before everyone", () => {
    const none = { manufacturer: null, model: null, equipment_class: null };
    expect(appliesTo({ ...none, manufacturer: "Grundfos", model: "CRN 10-6", equipment_class: "Pumps" })).toBe("Grundfos CRN 10-6");
    expect(appliesTo({ ...none, model: "CRN 10-6" })).toBe("CRN 10-6");
    expect(appliesTo({ ...none, manufacturer: "Grundfos", equipment_class: "Pumps" })).toBe("All Pumps");
    expect(appliesTo(none)).toBe("All equipment");
    expect(procedureScope({ model: "GA 30", equipment_class: "Compressors" })).toBe("model");
    expect(procedureScope({ model: null, equipment_class: "Compressors" })).toBe("class");
    expect(procedureScope({ model: null, equipment_class: null })).toBe("general");
  });

  it("counts steps and progress", () => {
    expect(stepCountText(1)).toBe("1 step");
    expect(stepCountText(9)).toBe("9 steps");
    expect(progressText(0, 7)).toBe("0 of 7 done");
    expect(progressText(7, 7)).toBe("7 of 7 done");
    expect(countDone(steps(5), new Set())).toBe(0);
    expect(countDone(steps(5), new Set([1, 3, 5]))).toBe(3);
    // A tick kept for a step the procedure no longer has does not count.
    expect(countDone(steps(3), new Set([2, 4, 9]))).toBe(1);
  });

  it("toggles a step without changing the ticks it was given", () => {
    const before = new Set([1, 2]);
    const after = toggleStep(before, 3);
    expect([...after].sort()).toEqual([1, 2, 3]);
    expect([...toggleStep(after, 1)].sort()).toEqual([2, 3]);
    expect([...before].sort()).toEqual([1, 2]);
  });

  it("keeps the ticks per procedure code for the session", () => {
    const store = memoryStore();
    expect(loadTicks("JP-LOTO", store)).toEqual(new Set());
    saveTicks("JP-LOTO", new Set([3, 1]), store);
    saveTicks("JP-PUMP-SEAL", new Set([2]), store);
    expect(loadTicks("JP-LOTO", store)).toEqual(new Set([1, 3]));
    expect(loadTicks("JP-PUMP-SEAL", store)).toEqual(new Set([2]));
    saveTicks("JP-LOTO", new Set(), store);
    expect(loadTicks("JP-LOTO", store)).toEqual(new Set());
    expect(store.data.size).toBe(1);
  });

  it("never throws on missing, broken or full storage", () => {
    const store = memoryStore();
    store.setItem("faultline.procedure-ticks.X", "{not json");
    expect(loadTicks("X", store)).toEqual(new Set());
    store.setItem("faultline.procedure-ticks.X", JSON.stringify({ a: 1 }));
    expect(loadTicks("X", store)).toEqual(new Set());
    store.setItem("faultline.procedure-ticks.X", JSON.stringify([1, "2", 2.5, -1, 0, 4]));
    expect(loadTicks("X", store)).toEqual(new Set([1, 4]));
    const full = { ...memoryStore(), setItem: () => { throw new Error("QuotaExceededError"); }, getItem: () => { throw new Error("denied"); } };
    expect(() => saveTicks("X", new Set([1]), full)).not.toThrow();
    expect(loadTicks("X", full)).toEqual(new Set());
    expect(loadTicks("X", null)).toEqual(new Set());
    expect(() => saveTicks("X", new Set([1]), null)).not.toThrow();
    // Under Node there is no window: the default store is none, not an exception.
    expect(loadTicks("X")).toEqual(new Set());
  });

  it("puts the procedures for the work order's problem first, the rest in the order received", () => {
    const list = [
      { code: "JP-VX-PARAM", scope: "model", problem_code: null },
      { code: "JP-VX-FAN", scope: "model", problem_code: "OVERHEAT" },
      { code: "JP-VX-OC1", scope: "model", problem_code: "OVERCURR" },
      { code: "JP-EM-INSUL", scope: "class", problem_code: null },
      { code: "JP-EM-OC", scope: "class", problem_code: "OVERCURR" },
      { code: "JP-LOTO", scope: "general", problem_code: null },
    ] as const;
    const ranked = rankForProblem(list, "OVERCURR");
    expect(ranked.map((r) => [r.procedure.code, r.matches])).toEqual([
      ["JP-VX-OC1", true],
      ["JP-EM-OC", true],
      ["JP-VX-PARAM", false],
      ["JP-VX-FAN", false],
      ["JP-EM-INSUL", false],
      ["JP-LOTO", false],
    ]);
    // The same objects, and the list it was given is left as it was.
    expect(ranked[0]!.procedure).toBe(list[2]);
    expect(list.map((p) => p.code)).toEqual(["JP-VX-PARAM", "JP-VX-FAN", "JP-VX-OC1", "JP-EM-INSUL", "JP-EM-OC", "JP-LOTO"]);
  });

  it("matches nothing without a problem code, and keeps the order then", () => {
    const list = [
      { code: "A", problem_code: null },
      { code: "B", problem_code: "OVERCURR" },
      { code: "C", problem_code: "" },
    ];
    for (const code of [null, undefined, "", "  "]) {
      expect(rankForProblem(list, code).map((r) => [r.procedure.code, r.matches])).toEqual([
        ["A", false],
        ["B", false],
        ["C", false],
      ]);
    }
    expect(rankForProblem(list, "TRIP").every((r) => !r.matches)).toBe(true);
    expect(rankForProblem([], "OVERCURR")).toEqual([]);
  });

  it("compares problem codes without blanks or letter case", () => {
    expect(sameProblem("OVERCURR", "OVERCURR")).toBe(true);
    expect(sameProblem(" overcurr ", "OVERCURR")).toBe(true);
    expect(sameProblem("OVERCURR", "OVERCURRENT")).toBe(false);
    expect(sameProblem(null, null)).toBe(false);
    expect(sameProblem("", "")).toBe(false);
    expect(sameProblem(" ", undefined)).toBe(false);
  });

  it("labels a procedure that matches the work order's problem", () => {
    expect(matchLabel("OVERCURR")).toBe("Matches problem OVERCURR");
    expect(matchLabel(" LEAK ")).toBe("Matches problem LEAK");
  });

  it("has the not-found wording the screen shows", () => {
    expect(PROCEDURE_NOT_FOUND).toBe("This procedure is not on this laptop: sync, or ask the planner.");
  });
});
