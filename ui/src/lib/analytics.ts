// The Analytics screen's pure logic: scope and period (presets, UTC month maths), chart geometry
// for plain SVG (scales, Pareto bars, trend lines, the OEE waterfall, sparklines), the CSV of
// every table behind a plot, and how figures read. No DOM, no calls: tested in analytics.test.ts.
import type { AnalyticsScopeArgs } from "./bindings/AnalyticsScopeArgs";
import type { AnalyticsTrends } from "./bindings/AnalyticsTrends";
import type { BeforeAfter } from "./bindings/BeforeAfter";
import type { Metrics } from "./bindings/Metrics";
import type { Oee } from "./bindings/Oee";
import type { OeeReport } from "./bindings/OeeReport";
import type { Pareto } from "./bindings/Pareto";
import type { ParetoBar } from "./bindings/ParetoBar";
import type { RiskRanking } from "./bindings/RiskRanking";
import { csvField } from "./shiftHandover";

// ---- scope and period --------------------------------------------------------------------

export type ScopeKind = "all" | "site" | "line" | "model" | "class" | "asset";

export interface ScopePick {
  kind: ScopeKind;
  code: string;
}

/** The command arguments of a scope: `{}` for the whole replica, else `{ line: "L2-ASSY" }`. */
export function scopeArgs(pick: ScopePick): AnalyticsScopeArgs {
  const code = pick.code.trim();
  if (pick.kind === "all" || code === "") return {};
  return { [pick.kind]: code };
}

export function scopeText(pick: ScopePick): string {
  const code = pick.code.trim();
  if (pick.kind === "all" || code === "") return "the whole plant";
  const names: Record<Exclude<ScopeKind, "all">, string> = {
    site: "site",
    line: "line",
    model: "model",
    class: "equipment class",
    asset: "asset",
  };
  return `${names[pick.kind]} ${code}`;
}

export type PeriodPreset = "3m" | "12m" | "ytd" | "last-month" | "custom";

export interface Period {
  /** RFC 3339, UTC, inclusive. */
  from: string;
  /** RFC 3339, UTC, exclusive. */
  to: string;
}

function utc(y: number, m: number, d = 1): Date {
  return new Date(Date.UTC(y, m, d));
}

function iso(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** `months` calendar months before `d` (the day clamped to the shorter month's end). */
export function monthsBefore(d: Date, months: number): Date {
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() - months;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(
    Date.UTC(y, m, Math.min(d.getUTCDate(), last), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()),
  );
}

/**
 * The period of a preset as of `now`: the last 3 or 12 months up to now, the year so far (UTC), or
 * the last full calendar month (the monthly report). `custom` takes `from`..`to` as dates
 * (YYYY-MM-DD, UTC days; `to` included) and answers null when they are not a period.
 */
export function periodOf(preset: PeriodPreset, now: Date, custom?: { from: string; to: string }): Period | null {
  switch (preset) {
    case "3m":
      return { from: iso(monthsBefore(now, 3)), to: iso(now) };
    case "12m":
      return { from: iso(monthsBefore(now, 12)), to: iso(now) };
    case "ytd":
      return { from: iso(utc(now.getUTCFullYear(), 0)), to: iso(now) };
    case "last-month":
      return {
        from: iso(utc(now.getUTCFullYear(), now.getUTCMonth() - 1)),
        to: iso(utc(now.getUTCFullYear(), now.getUTCMonth())),
      };
    case "custom": {
      const ok = (s: string | undefined): s is string => s !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(s);
      if (!ok(custom?.from) || !ok(custom?.to)) return null;
      const from = new Date(`${custom.from}T00:00:00Z`);
      const to = new Date(Date.parse(`${custom.to}T00:00:00Z`) + 86_400_000);
      if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from >= to) return null;
      return { from: iso(from), to: iso(to) };
    }
  }
}

/**
 * Whether a preset's period ends now: it is computed again at every load, so a breakdown logged a
 * moment ago is inside it (a figure counts what was reported before the period's end).
 */
export function isRolling(preset: PeriodPreset): boolean {
  return preset === "3m" || preset === "12m" || preset === "ytd";
}

/**
 * What a load sends for `period`: a rolling preset sends only its start and the App ends the
 * period at its own "now", read under the store's lock after every write it has answered, so a
 * breakdown logged a moment before a quiet reload is in it. (The window's clock, rounded down to
 * the second, ended the period before a breakdown logged in the same second: issue 13's open
 * screen kept its old figures in about three runs of four.) Other presets send the period as is.
 */
export function periodArgs(preset: PeriodPreset, period: Period): { from: string; to?: string } {
  return isRolling(preset) ? { from: period.from } : { ...period };
}

/** "2026-01-01 – 2026-11-30" (the exclusive end shown as the last day included). */
export function periodText(p: Period): string {
  const last = new Date(Date.parse(p.to) - 1);
  return `${p.from.slice(0, 10)} – ${iso(last).slice(0, 10)}`;
}

/** A YYYY-MM-DD day as the RFC 3339 start of that UTC day, or null. */
export function dayToRfc3339(day: string): string | null {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) && !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) ? `${day}T00:00:00Z` : null;
}

// ---- scales ------------------------------------------------------------------------------

/** The smallest 1, 2, 2.5 or 5 × 10^k at or above `v` (1 for nothing to show). */
export function niceMax(v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) {
    if (m * p >= v - 1e-12) return m * p;
  }
  return 10 * p;
}

/** `count` + 1 evenly spaced ticks from 0 to `max` (inclusive). */
export function ticks(max: number, count = 4): number[] {
  const step = max / count;
  return Array.from({ length: count + 1 }, (_, i) => Number((i * step).toPrecision(12)));
}

/** A linear map from `domain` to `range` (a zero-width domain maps to the range's start). */
export function linear(domain: [number, number], range: [number, number]): (v: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

// ---- Pareto bars (horizontal: one row per bar, touch-sized) ------------------------------

export type ParetoMetric = "hours" | "count";

export interface BarBox {
  bar: ParetoBar;
  value: number;
  /** Row top and height; the bar's width from `x0`. */
  y: number;
  height: number;
  width: number;
  /** The cumulative share's x at the row's middle. */
  cumX: number;
  cumY: number;
}

export interface ParetoLayout {
  rows: BarBox[];
  max: number;
  x0: number;
  plotWidth: number;
  height: number;
  /** The cumulative share as polyline points ("x,y x,y"). */
  cumulative: string;
}

/**
 * Bars sorted as the app sent them (by hours); with `metric` "count" sorted again by count, the
 * cumulative share recomputed for that order. Rows of `rowHeight`, bars from `x0` over `plotWidth`.
 */
export function paretoLayout(
  bars: readonly ParetoBar[],
  metric: ParetoMetric,
  opts: { x0: number; plotWidth: number; rowHeight: number; gap: number; top: number; limit?: number },
): ParetoLayout {
  const value = (b: ParetoBar): number => (metric === "hours" ? b.hours : b.count);
  const sorted = [...bars].sort((a, b) => value(b) - value(a) || a.key.localeCompare(b.key));
  const total = sorted.reduce((s, b) => s + value(b), 0);
  const shown = sorted.slice(0, opts.limit ?? sorted.length);
  const max = niceMax(Math.max(0, ...shown.map(value)));
  const x = linear([0, max], [0, opts.plotWidth]);
  const cx = linear([0, 1], [opts.x0, opts.x0 + opts.plotWidth]);
  let cum = 0;
  const rows = shown.map((bar, i) => {
    const v = value(bar);
    cum += v;
    const y = opts.top + i * (opts.rowHeight + opts.gap);
    return {
      bar,
      value: v,
      y,
      height: opts.rowHeight,
      width: Math.max(v > 0 ? 2 : 0, x(v)),
      cumX: cx(total > 0 ? cum / total : 0),
      cumY: y + opts.rowHeight / 2,
    };
  });
  return {
    rows,
    max,
    x0: opts.x0,
    plotWidth: opts.plotWidth,
    height: opts.top + rows.length * (opts.rowHeight + opts.gap),
    cumulative: rows.map((r) => `${round(r.cumX)},${round(r.cumY)}`).join(" "),
  };
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}

/** The bar keys with a repeat failure (same asset + problem again within N days). */
export function repeatKeys(p: Pareto): Set<string> {
  const keys = new Set<string>();
  const numbers = new Set(p.repeats.flatMap((r) => [r.first_work_order, r.repeat_work_order]));
  for (const b of p.bars) if (b.work_orders.some((n) => numbers.has(n))) keys.add(b.key);
  return keys;
}

/** What the trend chart plots per month. */
export type TrendMetric = "mttr" | "breakdowns" | "downtime";

/** The work order numbers in a risk's `breakdowns_90d` evidence ("2026-11-02T08:00:00Z 41210+41211"). */
export function evidenceNumbers(evidence: readonly string[] | undefined): string[] {
  return (evidence ?? []).flatMap((e) => (e.split(" ")[1] ?? "").split("+")).filter((n) => n.length > 0);
}

// ---- lines, sparklines -------------------------------------------------------------------

/** An SVG path through the points; a null value breaks the line (a month with no figure). */
export function linePath(values: readonly (number | null)[], x: (i: number) => number, y: (v: number) => number): string {
  let d = "";
  let pen = false;
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      pen = false;
      return;
    }
    d += `${pen ? "L" : "M"}${round(x(i))},${round(y(v))}`;
    pen = true;
  });
  return d;
}

/** A sparkline of `values` in a `width` × `height` box (baseline at the bottom, 1 px inset). */
export function sparkPath(values: readonly number[], width: number, height: number): string {
  if (values.length === 0) return "";
  const max = Math.max(1, ...values);
  const x = linear([0, Math.max(1, values.length - 1)], [1, width - 1]);
  const y = linear([0, max], [height - 1, 1]);
  return linePath(values, x, y);
}

/**
 * Where a marker time falls on month columns (`months` "YYYY-MM", column i spanning
 * [x(i), x(i+1))): the fraction of its month added to the column's index; null outside.
 */
export function markerIndex(months: readonly string[], marker: string): number | null {
  const t = Date.parse(marker);
  if (Number.isNaN(t)) return null;
  for (let i = 0; i < months.length; i += 1) {
    const [y, m] = (months[i] ?? "").split("-").map(Number);
    if (y === undefined || m === undefined) continue;
    const start = Date.UTC(y, m - 1, 1);
    const end = Date.UTC(y, m, 1);
    if (t >= start && t < end) return i + (t - start) / (end - start);
  }
  return null;
}

// ---- OEE waterfall -----------------------------------------------------------------------

export interface WaterfallStep {
  label: string;
  /** Hours at the step's bottom and top. */
  from: number;
  to: number;
  kind: "total" | "loss" | "result";
}

/** Planned busy time → downtime → speed loss → quality loss → good output (they add up). */
export function waterfallSteps(o: Oee): WaterfallStep[] {
  const pbt = o.planned_busy_hours;
  const afterDown = pbt - o.downtime_hours;
  const afterSpeed = afterDown - o.speed_loss_hours;
  const afterQuality = afterSpeed - o.quality_loss_hours;
  return [
    { label: "Planned busy time", from: 0, to: pbt, kind: "total" },
    { label: "Downtime", from: afterDown, to: pbt, kind: "loss" },
    { label: "Speed loss", from: afterSpeed, to: afterDown, kind: "loss" },
    { label: "Quality loss", from: afterQuality, to: afterSpeed, kind: "loss" },
    { label: "Good output", from: 0, to: o.good_output_hours, kind: "result" },
  ];
}

// ---- how figures read --------------------------------------------------------------------

/** "3.25 h", "45 min" under an hour, "–" for none. */
export function hoursText(h: number | null | undefined): string {
  if (h === null || h === undefined || !Number.isFinite(h)) return "–";
  if (Math.abs(h) < 1 && h !== 0) return `${Math.round(h * 60)} min`;
  return `${h >= 100 ? Math.round(h).toLocaleString("en-US") : h.toFixed(h >= 10 ? 1 : 2)} h`;
}

/** "92.5 %", "–" for none. */
export function pctText(v: number | null | undefined, digits = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "–";
  return `${(v * 100).toFixed(digits)} %`;
}

/** The before/after MTTR difference in words, with its interval when there is one. */
export function beforeAfterText(b: BeforeAfter): string {
  if (b.difference_hours === null) {
    return `Not enough restored breakdowns on both sides of ${b.marker.slice(0, 10)} to compare.`;
  }
  const d = b.difference_hours;
  const way = d < 0 ? "faster" : d > 0 ? "slower" : "unchanged";
  const size = d === 0 ? "" : `${hoursText(Math.abs(d))} `;
  const interval =
    b.interval_95 === null
      ? " (too few repairs for an interval)"
      : ` (95 % interval ${signed(b.interval_95[0])} to ${signed(b.interval_95[1])})`;
  return `Repairs ${size}${way} since ${b.marker.slice(0, 10)}: MTTR ${hoursText(b.before_mttr_hours)} (${b.before_restored}) → ${hoursText(b.after_mttr_hours)} (${b.after_restored})${interval}.`;
}

function signed(h: number): string {
  return `${h > 0 ? "+" : h < 0 ? "−" : ""}${hoursText(Math.abs(h))}`;
}

// ---- CSV of every table behind a plot ----------------------------------------------------

type Cell = string | number | null | undefined;

/** A CSV table: header and rows, fields quoted as needed, CRLF line ends (spreadsheets). */
export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(",")).join("\r\n") + "\r\n";
}

function num(v: number | null | undefined, digits = 4): Cell {
  return v === null || v === undefined || !Number.isFinite(v) ? "" : Number(v.toFixed(digits));
}

export function metricsCsv(m: Metrics): string {
  const rows: Cell[][] = [
    ["breakdowns", m.breakdowns],
    ["breakdown_work_orders", m.breakdown_work_orders],
    ["open_breakdowns", m.open_breakdowns],
    ["downtime_hours", num(m.downtime_hours)],
    ["mttr_hours", num(m.mttr_hours)],
    ["active_repair_hours", num(m.active_repair_hours)],
    ["mtbf_hours", num(m.mtbf_hours)],
    ["mttf_hours", num(m.mttf_hours)],
    ["availability", num(m.availability)],
  ];
  return toCsv(
    ["figure", "value", "from", "to", "definition"],
    rows.map(([k, v]) => [k, v, m.from, m.to, m.definitions[String(k)] ?? ""]),
  );
}

export function paretoCsv(p: Pareto): string {
  const repeats = repeatKeys(p);
  return toCsv(
    ["by", "key", "hours", "count", "share_of_hours", "cumulative_share", "repeat_failure", "work_orders"],
    p.bars.map((b) => [
      p.by,
      b.key,
      num(b.hours),
      b.count,
      num(b.share_of_hours),
      num(b.cumulative_share),
      repeats.has(b.key) ? "yes" : "",
      b.work_orders.join(" "),
    ]),
  );
}

export function trendsCsv(t: AnalyticsTrends): string {
  return toCsv(
    ["month", "breakdowns", "downtime_hours", "mttr_hours", "availability"],
    t.months.map((m) => [m.month, m.breakdowns, num(m.downtime_hours), num(m.mttr_hours), num(m.availability)]),
  );
}

export function riskCsv(r: RiskRanking): string {
  return toCsv(
    ["rank", "asset", "model", "probability", "score", "reasons", "alarms_by_week", "at", "horizon_days"],
    r.assets.map((a, i) => [
      i + 1,
      a.asset_tag,
      a.model,
      num(a.probability),
      num(a.score),
      a.reasons.join("; "),
      a.alarms_by_week.join(" "),
      r.at,
      r.horizon_days,
    ]),
  );
}

// ---- what the screen shows while it loads ---------------------------------------------------

/** A panel's data as the screen holds it (`LiveState` of live.ts). */
export interface PanelData<T> {
  value: T | null;
  loading: boolean;
  error: unknown;
}

/**
 * What the risk panel shows: its list once there is one (kept while a quiet refresh is on its way);
 * "computing" while the ranking is on its way (ranking every asset can take a second on a large
 * plant, the other panels show first) — never a blank panel; "failed" when it failed with nothing
 * to show.
 */
export function riskPanel(r: PanelData<RiskRanking>): "list" | "computing" | "failed" {
  if (r.value) return "list";
  if (r.error && !r.loading) return "failed";
  return "computing";
}

export function oeeCsv(r: OeeReport): string {
  const rows = [...r.rows, r.total];
  return toCsv(
    [
      "label",
      "from",
      "to",
      "counts",
      "planned_busy_hours",
      "downtime_hours",
      "speed_loss_hours",
      "quality_loss_hours",
      "good_output_hours",
      "availability",
      "effectiveness",
      "quality_rate",
      "oee",
    ],
    rows.map((x) => [
      x.label,
      x.from,
      x.to,
      x.counts,
      num(x.planned_busy_hours),
      num(x.downtime_hours),
      num(x.speed_loss_hours),
      num(x.quality_loss_hours),
      num(x.good_output_hours),
      num(x.availability),
      num(x.effectiveness),
      num(x.quality_rate),
      num(x.oee),
    ]),
  );
}

/** "analytics-pareto-L2-ASSY-2025-12-01-2026-11-30.csv": letters, digits, . - _ only. */
export function exportName(table: string, scope: ScopePick, period: Period): string {
  const part = (s: string): string => s.replace(/[^A-Za-z0-9_-]+/g, "_").replace(/^_+|_+$/g, "");
  const who = scope.kind === "all" || scope.code.trim() === "" ? "plant" : part(scope.code);
  const [from, to] = periodText(period).split(" – ");
  return `analytics-${part(table)}-${who}-${from}-${to}.csv`;
}
