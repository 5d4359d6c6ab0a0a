// The Diagnose screen's pure logic: code chips from typed text (one chip per code, whatever its
// spelling), a measurement against its expected range, what the guide walk shows now (caution
// before its step, back possible, conclusion), and the Close draft a conclusion pre-fills.
import type { ConclusionCodes } from "./bindings/ConclusionCodes";
import type { DiagnosisSession } from "./bindings/DiagnosisSession";
import type { GuideStep } from "./bindings/GuideStep";

/** A code's comparable form: "OC1", "oc 1" and "E.OC.1"'s core all compare on letters and digits. */
export function codeKey(code: string): string {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, "");
}

/**
 * Adds the codes typed in `text` (separated by commas, semicolons or new lines) to `chips`,
 * leaving out empty ones and any code already there in another spelling.
 */
export function addChips(chips: readonly string[], text: string): string[] {
  const out = [...chips];
  const keys = new Set(out.map(codeKey));
  for (const raw of text.split(/[,;\n]+/)) {
    const code = raw.trim().replace(/\s+/g, " ");
    const key = codeKey(code);
    if (key.length === 0 || keys.has(key)) continue;
    keys.add(key);
    out.push(code);
  }
  return out;
}

export function removeChip(chips: readonly string[], code: string): string[] {
  return chips.filter((c) => c !== code);
}

export type RangeVerdict = "in_range" | "out_of_range" | "not_a_number";

/** A measured value against `[min, max]` (either bound may be open), as the guide branches. */
export function checkRange(text: string, min: number | null, max: number | null): RangeVerdict {
  const t = text.trim().replace(",", ".");
  if (t === "" || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return "not_a_number";
  const v = Number(t);
  if (!Number.isFinite(v)) return "not_a_number";
  if (min !== null && v < min) return "out_of_range";
  if (max !== null && v > max) return "out_of_range";
  return "in_range";
}

/** The expected range as the technician reads it ("≥ 100 MOhm", "≤ 150 %", "10–20 V"). */
export function rangeLabel(unit: string, min: number | null, max: number | null): string {
  if (min !== null && max !== null) return `${min}–${max} ${unit}`;
  if (min !== null) return `≥ ${min} ${unit}`;
  if (max !== null) return `≤ ${max} ${unit}`;
  return unit;
}

/** What the walk shows now. */
export interface WalkView {
  step: GuideStep | null;
  /** Shown before the step, to acknowledge first. */
  caution: string | null;
  /** Steps answered and in force (the path so far). */
  answered: number;
  canGoBack: boolean;
  conclusion: ConclusionCodes | null;
}

export function walkView(s: DiagnosisSession): WalkView {
  const step = s.guide.steps.find((x) => x.id === s.current_step) ?? null;
  let taken = 0;
  for (const r of s.records) {
    if (r.kind === "answer" && !r.superseded) taken += 1;
  }
  return {
    step,
    caution: step?.caution ?? null,
    answered: taken,
    canGoBack: taken > 0,
    conclusion: s.conclusion,
  };
}

/** The close form's draft key (CloseWorkOrder.svelte keeps its draft under it). */
export function closeDraftKey(workOrderId: string): string {
  return `close.v2.${workOrderId}`;
}

/** The close form's draft with the conclusion's codes over what the draft or work order had. */
export function closeDraftFrom(
  current: Record<string, string>,
  c: ConclusionCodes,
): Record<string, string> {
  const next = { ...current };
  for (const k of ["failure_class", "problem_code", "cause_code", "remedy_code"] as const) {
    const v = c[k];
    if (v !== null && v !== "") next[k] = v;
  }
  return next;
}
