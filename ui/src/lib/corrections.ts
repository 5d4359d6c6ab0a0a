// Corrections of a note, part or photo (append-only): the lines of an item's history as a person
// reads them, and the downtime intervals of an intermittent breakdown.
import type { Correction } from "./bindings/Correction";
import type { DowntimeInterval } from "./bindings/DowntimeInterval";
import { formatDateTime, formatMinutes, minutesBetween } from "./time";

/** "amended by Ana 25 Nov 14:02, was: “3 ea 6205”" or "voided by Ben 25 Nov 14:10: wrong order". */
export function historyLine(c: Correction): string {
  const who = `${c.author} ${formatDateTime(c.created_at)}`;
  if (c.action === "void") return `voided by ${who}${c.reason ? `: ${c.reason}` : ""}`;
  return `amended by ${who}, was: “${c.was}”`;
}

/** Each stop of a breakdown as "start – end (n min)", and their sum when every stop has ended. */
export function intervalLines(intervals: DowntimeInterval[]): { lines: string[]; total: number | null } {
  let total: number | null = 0;
  const lines = intervals.map((i) => {
    const end = i.end === null ? "still down" : formatDateTime(i.end);
    const mins = i.end === null ? null : minutesBetween(i.start, i.end);
    if (mins === null || total === null) total = null;
    else total += mins;
    return `${formatDateTime(i.start)} – ${end}${mins === null ? "" : ` (${formatMinutes(mins)})`}`;
  });
  return { lines, total };
}
