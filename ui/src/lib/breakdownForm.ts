// The Log breakdown form's logic apart from its markup: the asset's breakdowns still open (log a
// second one, or add to it), the note that adds what the technician saw to an open one, and
// whether a validation message still applies (it goes once the form changes).
import type { WorkOrderSummary } from "./bindings/WorkOrderSummary";

/** The asset's open breakdowns (open or in progress), most urgent and newest first. */
export function openBreakdowns(open: readonly WorkOrderSummary[]): WorkOrderSummary[] {
  return open
    .filter((wo) => wo.wo_type === "breakdown" && (wo.status === "open" || wo.status === "in_progress"))
    .sort((a, b) => a.priority - b.priority || b.reported_at.localeCompare(a.reported_at));
}

export interface BreakdownFields {
  faultCode: string;
  symptom: string;
  note: string;
}

/**
 * What the form holds as a note on an already open breakdown ("Seen again: trips on start (fault
 * code E.OC1). Reset twice."); null when there is nothing to add.
 */
export function noteForOpenBreakdown(f: BreakdownFields): string | null {
  const symptom = f.symptom.trim();
  const code = f.faultCode.trim();
  const note = f.note.trim();
  const parts: string[] = [];
  if (symptom !== "" || code !== "") {
    const what = symptom !== "" ? symptom : "the fault";
    parts.push(`Seen again: ${what}${code !== "" ? ` (fault code ${code})` : ""}.`);
  }
  if (note !== "") parts.push(note);
  return parts.length > 0 ? parts.join(" ") : null;
}

/** A validation message stays only while the form is as it was when the message was given. */
export function problemApplies(formWhenGiven: string | null, formNow: string): boolean {
  return formWhenGiven !== null && formWhenGiven === formNow;
}
