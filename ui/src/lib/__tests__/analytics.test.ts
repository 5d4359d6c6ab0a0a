import { describe, expect, it } from "vitest";
import {
  beforeAfterText,
  dayToRfc3339,
  evidenceNumbers,
  exportName,
  hoursText,
  isRolling,
  linePath,
  linear,
  markerIndex,
  monthsBefore,
  niceMax,
  paretoCsv,
  paretoLayout,
  periodArgs,
  periodOf,
  periodText,
  repeatKeys,
  riskPanel,
  scopeArgs,
  sparkPath,
  ticks,
  toCsv,
  type PeriodPreset,
  trendsCsv,
  waterfallSteps,
} from "../analytics";
import type { Oee } from "../bindings/Oee";
import type { Pareto } from "../bindings/Pareto";
import type { ParetoBar } from "../bindings/ParetoBar";
import type { RiskRanking } from "../bindings/RiskRanking";

const bar = (key: string, hours: number, count: number, work_orders: string[] = []): ParetoBar => ({
  key,
  hours,
  count,
  share_of_hours: 0,
  cumulative_share: 0,
  work_orders,
});

const pareto = (bars: ParetoBar[]): Pareto => ({
  by: "cause",
  scope: "all",
  from: "2026-01-01T00:00:00Z",
  to: "2026-02-01T00:00:00Z",
  total_hours: bars.reduce((s, b) => s + b.hours, 0),
  total_count: bars.reduce((s, b) => s + b.count, 0),
  bars,
  repeat_within_days: 30,
  repeats: [
    {
      asset_tag: "P-1",
      problem: "LEAK",
      first_work_order: "1",
      first_at: "",
      repeat_work_order: "2",
      repeat_at: "",
      days_apart: 4,
    },
  ],
  definition: "",
});

describe("period maths", () => {
  const now = new Date("2026-03-31T10:00:00Z");

  it("steps back whole months, clamping the day", () => {
    expect(monthsBefore(now, 1).toISOString()).toBe("2026-02-28T10:00:00.000Z");
    expect(monthsBefore(now, 12).toISOString()).toBe("2025-03-31T10:00:00.000Z");
    expect(monthsBefore(new Date("2026-01-15T00:00:00Z"), 3).toISOString()).toBe("2025-10-15T00:00:00.000Z");
  });

  it("gives each preset's period, the last month whole for the report", () => {
    expect(periodOf("12m", now)).toEqual({ from: "2025-03-31T10:00:00Z", to: "2026-03-31T10:00:00Z" });
    expect(periodOf("ytd", now)).toEqual({ from: "2026-01-01T00:00:00Z", to: "2026-03-31T10:00:00Z" });
    expect(periodOf("last-month", new Date("2026-01-05T00:00:00Z"))).toEqual({
      from: "2025-12-01T00:00:00Z",
      to: "2026-01-01T00:00:00Z",
    });
  });

  it("rolls the presets that end now, not the report month or custom days", () => {
    expect(["3m", "12m", "ytd", "last-month", "custom"].map((p) => isRolling(p as PeriodPreset))).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
  });

  it("leaves a rolling period's end to the App: a breakdown logged in the same second as the reload counts", () => {
    // The App reports a breakdown at 10:20:44.035 (its clock) and the open screen reads again,
    // quietly, 150 ms later; a period sent without `to` ends at the App's now (that time or later).
    const logged = Date.parse("2026-12-06T10:20:44.035Z");
    const reload = new Date(logged + 150);
    for (const preset of ["3m", "12m", "ytd"] as const) {
      const period = periodOf(preset, reload);
      expect(period).not.toBeNull();
      if (!period) continue;
      const sent = periodArgs(preset, period);
      expect(sent.from).toBe(period.from);
      const end = sent.to === undefined ? reload.getTime() : Date.parse(sent.to);
      expect(end, preset).toBeGreaterThan(logged);
    }
    const report = periodOf("last-month", reload);
    expect(report && periodArgs("last-month", report)).toEqual({ from: "2026-11-01T00:00:00Z", to: "2026-12-01T00:00:00Z" });
    const days = periodOf("custom", reload, { from: "2026-02-01", to: "2026-02-28" });
    expect(days && periodArgs("custom", days)).toEqual(days);
  });

  it("takes custom days with the end day included, refusing a backwards period", () => {
    const p = periodOf("custom", now, { from: "2026-02-01", to: "2026-02-28" });
    expect(p).toEqual({ from: "2026-02-01T00:00:00Z", to: "2026-03-01T00:00:00Z" });
    expect(p && periodText(p)).toBe("2026-02-01 – 2026-02-28");
    expect(periodOf("custom", now, { from: "2026-03-01", to: "2026-02-01" })).toBeNull();
    expect(periodOf("custom", now, { from: "", to: "2026-02-01" })).toBeNull();
    expect(dayToRfc3339("2026-02-30x")).toBeNull();
    expect(dayToRfc3339("2025-06-01")).toBe("2025-06-01T00:00:00Z");
  });

  it("puts a marker inside its month column", () => {
    const months = ["2026-01", "2026-02", "2026-03"];
    expect(markerIndex(months, "2026-02-15T00:00:00Z")).toBeCloseTo(1.5, 6);
    expect(markerIndex(months, "2026-01-01T00:00:00Z")).toBe(0);
    expect(markerIndex(months, "2026-04-01T00:00:00Z")).toBeNull();
  });
});

describe("scales", () => {
  it("rounds the axis up to 1, 2, 2.5 or 5 times a power of ten", () => {
    expect(niceMax(0)).toBe(1);
    expect(niceMax(7)).toBe(10);
    expect(niceMax(17)).toBe(20);
    expect(niceMax(21)).toBe(25);
    expect(niceMax(0.3)).toBe(0.5);
    expect(niceMax(250)).toBe(250);
    expect(ticks(20, 4)).toEqual([0, 5, 10, 15, 20]);
  });

  it("maps linearly, a flat domain to the range start", () => {
    const y = linear([0, 10], [200, 0]);
    expect(y(0)).toBe(200);
    expect(y(5)).toBe(100);
    expect(linear([3, 3], [0, 50])(3)).toBe(0);
  });

  it("breaks a line at a month without a figure", () => {
    expect(linePath([1, null, 3], (i) => i * 10, (v) => v)).toBe("M0,1M20,3");
    expect(linePath([1, 2], (i) => i, (v) => v)).toBe("M0,1L1,2");
    expect(sparkPath([], 96, 28)).toBe("");
    expect(sparkPath([0, 2], 96, 28)).toBe("M1,27L95,1");
  });
});

describe("Pareto bars", () => {
  const bars = [bar("BRG", 10, 1, ["1"]), bar("OC", 5, 4, ["2", "3"]), bar("LEAK", 5, 1)];

  it("sizes bars on a nice axis with the cumulative share", () => {
    const l = paretoLayout(bars, "hours", { x0: 100, plotWidth: 200, rowHeight: 30, gap: 10, top: 20 });
    expect(l.max).toBe(10);
    expect(l.rows.map((r) => r.width)).toEqual([200, 100, 100]);
    expect(l.rows.map((r) => r.y)).toEqual([20, 60, 100]);
    expect(l.rows.map((r) => r.cumX)).toEqual([200, 250, 300]);
    expect(l.height).toBe(140);
    expect(l.cumulative).toBe("200,35 250,75 300,115");
  });

  it("sorts again by count and keeps the top bars", () => {
    const l = paretoLayout(bars, "count", { x0: 0, plotWidth: 100, rowHeight: 10, gap: 0, top: 0, limit: 2 });
    expect(l.rows.map((r) => r.bar.key)).toEqual(["OC", "BRG"]);
    expect(l.rows.map((r) => r.value)).toEqual([4, 1]);
    expect(l.max).toBe(5);
  });

  it("calls out the bars holding a repeat failure", () => {
    expect([...repeatKeys(pareto(bars))].sort()).toEqual(["BRG", "OC"]);
  });
});

describe("OEE waterfall", () => {
  it("steps from planned busy time down to good output, the losses adding up", () => {
    const o: Oee = {
      planned_busy_hours: 8,
      downtime_hours: 1,
      actual_production_hours: 7,
      speed_loss_hours: 0.5,
      quality_loss_hours: 0.25,
      good_output_hours: 6.25,
      availability: 7 / 8,
      effectiveness: 6.5 / 7,
      quality_rate: 6.25 / 6.5,
      oee: 6.25 / 8,
    };
    const s = waterfallSteps(o);
    expect(s.map((x) => [x.from, x.to])).toEqual([
      [0, 8],
      [7, 8],
      [6.5, 7],
      [6.25, 6.5],
      [0, 6.25],
    ]);
  });
});

describe("CSV and words", () => {
  it("writes quoted fields, defused formulas and CRLF lines", () => {
    expect(toCsv(["a", "b"], [["x,y", "=SUM(A1)"], [null, 2]])).toBe('a,b\r\n"x,y",\'=SUM(A1)\r\n,2\r\n');
  });

  it("writes the table behind the Pareto and the trends", () => {
    const csv = paretoCsv(pareto([bar("BRG", 10.123456, 1, ["1"]), bar("OC", 5, 4, ["7", "8"])]));
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toBe("by,key,hours,count,share_of_hours,cumulative_share,repeat_failure,work_orders");
    expect(lines[1]).toBe("cause,BRG,10.1235,1,0,0,yes,1");
    expect(lines[2]).toBe("cause,OC,5,4,0,0,,7 8");
    const t = trendsCsv({
      scope: "all",
      from: "",
      to: "",
      before_after: null,
      months: [{ month: "2026-01", breakdowns: 2, downtime_hours: 3.5, mttr_hours: null, availability: 0.99 }],
    });
    expect(t).toBe("month,breakdowns,downtime_hours,mttr_hours,availability\r\n2026-01,2,3.5,,0.99\r\n");
  });

  it("names exports the app accepts", () => {
    const name = exportName("pareto-cause", { kind: "line", code: "L2 ASSY/1" }, {
      from: "2026-01-01T00:00:00Z",
      to: "2026-02-01T00:00:00Z",
    });
    expect(name).toBe("analytics-pareto-cause-L2_ASSY_1-2026-01-01-2026-01-31.csv");
    expect(name).toMatch(/^[A-Za-z0-9._-]+\.csv$/);
  });

  it("reads hours, scopes, evidence and the before/after difference", () => {
    expect(hoursText(null)).toBe("–");
    expect(hoursText(0.5)).toBe("30 min");
    expect(hoursText(3.256)).toBe("3.26 h");
    expect(hoursText(1234)).toBe("1,234 h");
    expect(scopeArgs({ kind: "all", code: "x" })).toEqual({});
    expect(scopeArgs({ kind: "line", code: " L1 " })).toEqual({ line: "L1" });
    expect(evidenceNumbers(["2026-11-02T08:00:00Z 41210+41211", "2026-11-09T08:00:00Z 41300"])).toEqual([
      "41210",
      "41211",
      "41300",
    ]);
    const text = beforeAfterText({
      marker: "2026-01-01T00:00:00Z",
      before_restored: 10,
      before_mttr_hours: 3,
      after_restored: 12,
      after_mttr_hours: 2,
      difference_hours: -1,
      interval_95: [-1.5, -0.25],
      method: "",
    });
    expect(text).toBe(
      "Repairs 1.00 h faster since 2026-01-01: MTTR 3.00 h (10) → 2.00 h (12) (95 % interval −1.50 h to −15 min).",
    );
  });
});

describe("the risk panel while the ranking is computed", () => {
  const ranking: RiskRanking = {
    at: "2026-11-20T10:00:00Z",
    horizon_days: 30,
    model: { fitted: true, training_rows: 10, training_failures: 2, training_origins: 1, intercept: 0, weights: {}, averages: {} },
    assets: [],
  };
  it("says it is computing, never shows a blank panel, before the first list", () => {
    // Before the first load started, and while it is on its way.
    expect(riskPanel({ value: null, loading: false, error: null })).toBe("computing");
    expect(riskPanel({ value: null, loading: true, error: null })).toBe("computing");
    // A retry after a failure is computing again; a failure with nothing to show says so.
    expect(riskPanel({ value: null, loading: true, error: new Error("x") })).toBe("computing");
    expect(riskPanel({ value: null, loading: false, error: new Error("x") })).toBe("failed");
  });
  it("keeps the list shown while a newer ranking is on its way or failed", () => {
    expect(riskPanel({ value: ranking, loading: false, error: null })).toBe("list");
    expect(riskPanel({ value: ranking, loading: true, error: null })).toBe("list");
    expect(riskPanel({ value: ranking, loading: false, error: new Error("x") })).toBe("list");
  });
});
