// Time helpers: the app speaks RFC 3339 UTC, people read local time; durations in hours and minutes;
// conversions for <input type="datetime-local">; shift windows.

type Num = number | bigint | null | undefined;

/** `bigint` fields from the bindings arrive as JSON numbers at run time; accept both. */
export function toNumber(value: Num): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

export interface FormatOptions {
  locale?: string | undefined;
  timeZone?: string | undefined;
}

function parse(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "20 Nov 2026, 07:14" in the person's locale and time zone; "—" for a missing or bad value. */
export function formatDateTime(iso: string | null | undefined, opts: FormatOptions = {}): string {
  const d = parse(iso);
  if (!d) return "—";
  return new Intl.DateTimeFormat(opts.locale, {
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone: opts.timeZone,
  }).format(d);
}

/** Only the time of day ("07:14"), for events on the same day. */
export function formatTime(iso: string | null | undefined, opts: FormatOptions = {}): string {
  const d = parse(iso);
  if (!d) return "—";
  return new Intl.DateTimeFormat(opts.locale, {
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone: opts.timeZone,
  }).format(d);
}

/** "45 min", "1 h 30 min", "2 d 3 h"; rounds to whole minutes. */
export function formatMinutes(value: Num): string {
  const n = toNumber(value);
  if (n === null) return "—";
  const total = Math.max(0, Math.round(n));
  if (total < 60) return `${total} min`;
  const days = Math.floor(total / 1440);
  const hours = Math.floor((total % 1440) / 60);
  const minutes = total % 60;
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
}

/** Whole minutes from `fromIso` to `toIso` (or to `now`), never negative. */
export function minutesBetween(fromIso: string, toIso: string | null, now: Date = new Date()): number | null {
  const from = parse(fromIso);
  const to = toIso === null ? now : parse(toIso);
  if (!from || !to) return null;
  return Math.max(0, Math.floor((to.getTime() - from.getTime()) / 60000));
}

/** "just now", "5 min ago", "3 h ago", "2 d ago" (future times read "just now"). */
export function formatAgo(iso: string | null | undefined, now: Date = new Date()): string {
  const d = parse(iso);
  if (!d) return "—";
  const minutes = Math.floor((now.getTime() - d.getTime()) / 60000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

/** A Date as RFC 3339 UTC without milliseconds: "2026-11-20T06:14:00Z". */
export function toRfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * The value of an <input type="datetime-local"> ("2026-11-20T07:14", local time) as RFC 3339 UTC;
 * null when empty or not a valid time.
 */
export function localInputToRfc3339(value: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map((s) => (s === undefined ? 0 : Number(s)));
  const d = new Date(year!, month! - 1, day!, hour!, minute!, second!);
  if (Number.isNaN(d.getTime()) || d.getMonth() !== month! - 1 || d.getDate() !== day!) return null;
  return toRfc3339(d);
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** A Date as the value of an <input type="datetime-local"> in local time ("2026-11-20T07:14"). */
export function toLocalInputValue(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The window [now - hours, now] as RFC 3339 UTC strings, for shift_report. */
export function lastHours(hours: number, now: Date = new Date()): { from: string; to: string } {
  return { from: toRfc3339(new Date(now.getTime() - hours * 3600000)), to: toRfc3339(now) };
}
