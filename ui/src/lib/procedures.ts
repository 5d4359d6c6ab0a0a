// Procedures (job plans): what a procedure is written for, in words, and the steps a technician has
// ticked off. The ticks live only in this window's sessionStorage, keyed by the procedure's code:
// they survive a look at a manual and back, never reach the database, and go when the app closes.
import type { Procedure } from "./bindings/Procedure";
import type { ProcedureScope } from "./bindings/ProcedureScope";
import type { ProcedureStep } from "./bindings/ProcedureStep";
import type { ProcedureSummary } from "./bindings/ProcedureSummary";
import { plural } from "./format";

/** What the screen says when the app has no procedure with that code. */
export const PROCEDURE_NOT_FOUND = "This procedure is not on this laptop: sync, or ask the planner.";

/** Whom a procedure is written for, as the app decides it: a model before a class before everyone. */
export function procedureScope(p: Pick<Procedure, "model" | "equipment_class">): ProcedureScope {
  if (p.model !== null) return "model";
  if (p.equipment_class !== null) return "class";
  return "general";
}

/**
 * The asset page's label for a procedure's scope: "This model", "All Pumps" (the asset's equipment
 * class), "All equipment".
 */
export function scopeLabel(scope: ProcedureScope, equipmentClass: string | null): string {
  switch (scope) {
    case "model":
      return "This model";
    case "class": {
      const cls = equipmentClass?.trim() ?? "";
      return cls === "" ? "This equipment class" : `All ${cls}`;
    }
    case "general":
      return "All equipment";
  }
}

/** What a procedure applies to, on its own screen: "Grundfos CRN 10-6", "All Pumps", "All equipment". */
export function appliesTo(p: Pick<Procedure, "manufacturer" | "model" | "equipment_class">): string {
  switch (procedureScope(p)) {
    case "model":
      return [p.manufacturer?.trim(), p.model?.trim()].filter(Boolean).join(" ") || "One model";
    case "class":
      return scopeLabel("class", p.equipment_class);
    case "general":
      return "All equipment";
  }
}

/**
 * Whether a procedure is written for this problem code (both set; blanks around them and letter case
 * do not count). No problem code on either side never matches.
 */
export function sameProblem(a: string | null | undefined, b: string | null | undefined): boolean {
  const x = a?.trim().toUpperCase() ?? "";
  const y = b?.trim().toUpperCase() ?? "";
  return x !== "" && x === y;
}

/** A procedure in the work order's list, and whether it is written for the work order's problem. */
export type RankedProcedure<P> = { procedure: P; matches: boolean };

/**
 * The work order screen's procedures: those written for the work order's problem code first, then
 * the rest; each group keeps the order the app sent (model, class, general).
 */
export function rankForProblem<P extends Pick<ProcedureSummary, "problem_code">>(
  procedures: readonly P[],
  problemCode: string | null | undefined,
): RankedProcedure<P>[] {
  const ranked = procedures.map((procedure) => ({ procedure, matches: sameProblem(procedure.problem_code, problemCode) }));
  return [...ranked.filter((r) => r.matches), ...ranked.filter((r) => !r.matches)];
}

/** "Matches problem OVERCURR": the mark on a procedure written for the work order's problem. */
export function matchLabel(problemCode: string): string {
  return `Matches problem ${problemCode.trim()}`;
}

export function stepCountText(n: number): string {
  return plural(n, "step");
}

/** How many of the steps are ticked (ticks for steps the procedure no longer has do not count). */
export function countDone(steps: readonly Pick<ProcedureStep, "number">[], done: ReadonlySet<number>): number {
  return steps.reduce((n, s) => n + (done.has(s.number) ? 1 : 0), 0);
}

/** "0 of 7 done", "7 of 7 done". */
export function progressText(done: number, total: number): string {
  return `${done} of ${total} done`;
}

/** The ticks with step `n` flipped. */
export function toggleStep(done: ReadonlySet<number>, n: number): Set<number> {
  const next = new Set(done);
  if (next.has(n)) next.delete(n);
  else next.add(n);
  return next;
}

type TickStore = Pick<Storage, "getItem" | "setItem" | "removeItem">;

const PREFIX = "faultline.procedure-ticks.";

function sessionStore(): TickStore | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/** The ticked step numbers for a procedure; none when nothing (valid) was kept. Never throws. */
export function loadTicks(code: string, store: TickStore | null = sessionStore()): Set<number> {
  try {
    const raw = store?.getItem(PREFIX + code) ?? null;
    if (raw === null) return new Set();
    const value: unknown = JSON.parse(raw);
    if (!Array.isArray(value)) return new Set();
    return new Set(value.filter((v): v is number => Number.isInteger(v) && (v as number) > 0));
  } catch {
    return new Set();
  }
}

/** Keeps the ticks for this window's session (nothing ticked: forgets them). Never throws. */
export function saveTicks(code: string, done: ReadonlySet<number>, store: TickStore | null = sessionStore()): void {
  try {
    if (done.size === 0) store?.removeItem(PREFIX + code);
    else store?.setItem(PREFIX + code, JSON.stringify([...done].sort((a, b) => a - b)));
  } catch {
    // Storage full or disabled: the ticks live on in memory while the screen is open.
  }
}
