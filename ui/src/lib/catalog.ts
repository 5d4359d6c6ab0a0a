// Failure-code catalogue narrowing for the close form: class → problem → cause → remedy (Maximo) and
// ISO 14224 failure modes narrowed to the asset's equipment class; keeps choices consistent.
import type { CatalogEntry } from "./bindings/CatalogEntry";
import type { FailureCatalog } from "./bindings/FailureCatalog";
import type { FailureCodes } from "./bindings/FailureCodes";
import type { FailureField } from "./bindings/FailureField";

/** What the close form shows for an entry: "CODE — description". */
export function optionLabel(entry: CatalogEntry): string {
  const description = entry.description.trim();
  return description ? `${entry.code} — ${description}` : entry.code;
}

function sameCode(a: string | null | undefined, b: string | null | undefined): boolean {
  return !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** First entry per code, in catalogue order. */
function uniqueByCode(entries: CatalogEntry[]): CatalogEntry[] {
  const seen = new Set<string>();
  const out: CatalogEntry[] = [];
  for (const e of entries) {
    if (seen.has(e.code)) continue;
    seen.add(e.code);
    out.push(e);
  }
  return out;
}

/**
 * Entries under `parent`, plus the entries that belong under any parent (parent null). With no
 * parent chosen only those general entries remain.
 */
export function childrenOf(entries: CatalogEntry[], parent: string | null): CatalogEntry[] {
  return uniqueByCode(entries.filter((e) => e.parent === null || (parent !== null && e.parent === parent)));
}

/** ISO failure modes for an equipment class when the catalogue has any, else all of them. */
export function isoModesFor(catalog: FailureCatalog, equipmentClass: string | null): CatalogEntry[] {
  if (equipmentClass) {
    const forClass = catalog.iso_modes.filter((e) => sameCode(e.parent, equipmentClass));
    if (forClass.length > 0) return uniqueByCode(forClass);
  }
  return uniqueByCode(catalog.iso_modes);
}

export interface CloseChoices {
  classes: CatalogEntry[];
  problems: CatalogEntry[];
  causes: CatalogEntry[];
  remedies: CatalogEntry[];
  isoModes: CatalogEntry[];
  isoMechanisms: CatalogEntry[];
  isoCauses: CatalogEntry[];
}

/**
 * A code the work order already holds is offered even when the catalogue does not list it (an
 * imported CMMS code since dropped from the catalogue): the close form shows it, selected, and a
 * close keeps it unless the person changes it (the store and the hub accept a held code as it is).
 */
function withHeld(options: CatalogEntry[], held: string | null | undefined, parent: string | null): CatalogEntry[] {
  const code = held?.trim();
  if (!code || options.some((o) => sameCode(o.code, code))) return options;
  return [...options, { level: "class", code, description: "recorded on this work order, not in the catalogue", parent }];
}

/** `held`'s code at a Maximo level counts only under the parent it was recorded under. */
function heldUnder(held: FailureCodes | undefined, field: FailureField, parentField: FailureField | null, codes: FailureCodes): string | null {
  if (!held) return null;
  if (parentField !== null && !sameCode(held[parentField], codes[parentField])) return null;
  return held[field];
}

/** The options each select of the close form offers, given what is chosen above it (and what the
 * work order already holds, `held`). */
export function choicesFor(catalog: FailureCatalog, codes: FailureCodes, equipmentClass: string | null, held?: FailureCodes): CloseChoices {
  return {
    classes: withHeld(uniqueByCode(catalog.classes), heldUnder(held, "failure_class", null, codes), null),
    problems: codes.failure_class === null ? [] : withHeld(childrenOf(catalog.problems, codes.failure_class), heldUnder(held, "problem_code", "failure_class", codes), codes.failure_class),
    causes: codes.problem_code === null ? [] : withHeld(childrenOf(catalog.causes, codes.problem_code), heldUnder(held, "cause_code", "problem_code", codes), codes.problem_code),
    remedies: codes.cause_code === null ? [] : withHeld(childrenOf(catalog.remedies, codes.cause_code), heldUnder(held, "remedy_code", "cause_code", codes), codes.cause_code),
    isoModes: withHeld(isoModesFor(catalog, equipmentClass), held?.iso_failure_mode, equipmentClass),
    isoMechanisms: withHeld(uniqueByCode(catalog.iso_mechanisms), held?.iso_failure_mechanism, null),
    isoCauses: withHeld(uniqueByCode(catalog.iso_causes), held?.iso_failure_cause, null),
  };
}

/** The option's code (the catalogue's spelling) when `code` is offered, else null. */
function keepIf(code: string | null, options: CatalogEntry[]): string | null {
  if (code === null) return null;
  return options.find((o) => sameCode(o.code, code))?.code ?? null;
}

/**
 * Drops every choice that is no longer offered after a choice above it changed (a new class clears
 * a problem of another class, and so on down the chain).
 */
export function reconcile(catalog: FailureCatalog, codes: FailureCodes, equipmentClass: string | null, held?: FailureCodes): FailureCodes {
  const failure_class = keepIf(codes.failure_class, choicesFor(catalog, codes, equipmentClass, held).classes);
  const withClass = { ...codes, failure_class };
  const problem_code = failure_class === null ? null : keepIf(codes.problem_code, choicesFor(catalog, withClass, equipmentClass, held).problems);
  const withProblem = { ...withClass, problem_code };
  const cause_code = problem_code === null ? null : keepIf(codes.cause_code, choicesFor(catalog, withProblem, equipmentClass, held).causes);
  const withCause = { ...withProblem, cause_code };
  const all = choicesFor(catalog, withCause, equipmentClass, held);
  const remedy_code = cause_code === null ? null : keepIf(codes.remedy_code, all.remedies);
  return {
    failure_class,
    problem_code,
    cause_code,
    remedy_code,
    iso_failure_mode: keepIf(codes.iso_failure_mode, all.isoModes),
    iso_failure_mechanism: keepIf(codes.iso_failure_mechanism, all.isoMechanisms),
    iso_failure_cause: keepIf(codes.iso_failure_cause, all.isoCauses),
  };
}

export function emptyCodes(): FailureCodes {
  return {
    failure_class: null,
    problem_code: null,
    cause_code: null,
    remedy_code: null,
    iso_failure_mode: null,
    iso_failure_mechanism: null,
    iso_failure_cause: null,
  };
}

/** Description of a code at a level, for showing recorded codes ("OC — Overcurrent"). */
export function describe(entries: CatalogEntry[], code: string | null): string | null {
  if (code === null) return null;
  const entry = entries.find((e) => e.code === code);
  return entry ? optionLabel(entry) : code;
}

/** Every failure-code field, in form order (the FailureField names are the FailureCodes keys). */
export const FAILURE_FIELDS: FailureField[] = [
  "failure_class",
  "problem_code",
  "cause_code",
  "remedy_code",
  "iso_failure_mode",
  "iso_failure_mechanism",
  "iso_failure_cause",
];

/**
 * What a close sends for the codes: only the codes the person changed are set, and a code the work
 * order had that the person emptied is listed in `clear`; everything else is kept by the store. (So
 * a close never wipes a code it did not show, and never overwrites one it did not change.)
 */
export function closeChanges(recorded: FailureCodes, chosen: FailureCodes): { failure: FailureCodes; clear: FailureField[] } {
  const failure = emptyCodes();
  const clear: FailureField[] = [];
  for (const field of FAILURE_FIELDS) {
    const before = recorded[field]?.trim() || null;
    const after = chosen[field]?.trim() || null;
    if (after === null) {
      if (before !== null) clear.push(field);
    } else if (before === null || before.toLowerCase() !== after.toLowerCase()) {
      failure[field] = after;
    }
  }
  return { failure, clear };
}
