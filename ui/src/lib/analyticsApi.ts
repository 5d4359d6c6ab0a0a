// The Analytics screen's commands (crates/faultline-api/src/analytics.rs): figures for a scope and
// period, the work orders behind them, the pickers' choices, and the shift lead's typed counts.
import { call } from "./api";
import type { AnalyticsArgs } from "./bindings/AnalyticsArgs";
import type { AnalyticsScopeArgs } from "./bindings/AnalyticsScopeArgs";
import type { AnalyticsScopes } from "./bindings/AnalyticsScopes";
import type { AnalyticsTrends } from "./bindings/AnalyticsTrends";
import type { Metrics } from "./bindings/Metrics";
import type { OeeReport } from "./bindings/OeeReport";
import type { Pareto } from "./bindings/Pareto";
import type { ParetoBy } from "./bindings/ParetoBy";
import type { ProductionCountInput } from "./bindings/ProductionCountInput";
import type { RiskRanking } from "./bindings/RiskRanking";
import type { WorkOrderSummary } from "./bindings/WorkOrderSummary";

export function analyticsScopes(): Promise<AnalyticsScopes> {
  return call("analytics_scopes");
}

/** MTTR, MTBF, MTTF, availability with their definitions. */
export function analyticsMetrics(args: AnalyticsArgs): Promise<Metrics> {
  return call("analytics_metrics", args);
}

export function analyticsPareto(args: AnalyticsArgs, by: ParetoBy, repeatDays?: number): Promise<Pareto> {
  return call("analytics_pareto", { ...args, by, repeat_days: repeatDays });
}

/** Months of the period; MTTR before/after `marker` (RFC 3339, inside the period) when given. */
export function analyticsTrends(args: AnalyticsArgs, marker?: string): Promise<AnalyticsTrends> {
  return call("analytics_trends", { ...args, marker });
}

export function analyticsRisk(scope: AnalyticsScopeArgs, horizonDays?: number, limit?: number): Promise<RiskRanking> {
  return call("analytics_risk", { ...scope, horizon_days: horizonDays, limit });
}

/**
 * OEE of a line or an asset with production counts; rows per shift or day under the total. A
 * period without `to` ends at the App's now.
 */
export function analyticsOee(
  target: { line: string } | { asset: string },
  period: { from: string; to?: string },
  by?: "shift" | "day",
): Promise<OeeReport> {
  return call("analytics_oee", { ...target, ...period, by });
}

/** The work orders behind a figure or a bar, by number (at most 500). */
export function workOrdersBehind(numbers: readonly string[]): Promise<WorkOrderSummary[]> {
  return call("work_orders_behind", { numbers: [...numbers] });
}

/** Saves a shift lead's counts (all or none); answers how many were saved. */
export function setProductionCounts(counts: ProductionCountInput[]): Promise<number> {
  return call("set_production_counts", { counts });
}
