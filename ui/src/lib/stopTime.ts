// "The machine stopped at": how plausible a stop time is before it is saved (the core checks the
// same with validate::check_stop_time, plus "not before the machine was last back in service"),
// and the downtime it gives, shown before saving ("down for 2 h 15 min").
import { formatMinutes, minutesBetween } from "./time";

/** A stop further back than this asks for a confirmation (validate::PLAUSIBLE_STOP_DAYS). */
export const PLAUSIBLE_STOP_DAYS = 7;

export type StopCheck =
  | { kind: "ok"; downtime: string }
  | { kind: "confirm"; downtime: string; days: number }
  | { kind: "refused"; message: string };

const EARLIEST = Date.UTC(1970, 0, 1);

/** Checks a stop time (RFC 3339) against `now`: refused (future, before 1970), to confirm (older than a week) or ok. */
export function checkStop(stoppedAt: string, now: Date = new Date()): StopCheck {
  const at = Date.parse(stoppedAt);
  if (Number.isNaN(at)) return { kind: "refused", message: "“Stopped at” is not a valid date and time." };
  if (at < EARLIEST) {
    return { kind: "refused", message: `“Stopped at” (${stoppedAt.slice(0, 10)}) is before 1970: check the date.` };
  }
  if (at > now.getTime() + 60_000) {
    return { kind: "refused", message: "“Stopped at” is in the future: leave it empty if the machine stopped just now." };
  }
  const minutes = minutesBetween(stoppedAt, null, now) ?? 0;
  const downtime = `down for ${formatMinutes(minutes)}`;
  const days = Math.floor(minutes / 1440);
  if (now.getTime() - at > PLAUSIBLE_STOP_DAYS * 86_400_000) return { kind: "confirm", downtime, days };
  return { kind: "ok", downtime };
}

/** The question a stop older than a week asks before it is saved. */
export function confirmQuestion(days: number): string {
  return `That is ${days} days ago (more than ${PLAUSIBLE_STOP_DAYS}). Did the machine really stop then?`;
}
