// Words for sync: the last sync, the next try, a failed attempt in plain words (the engine's
// message stays available as detail), progress, conflict fields and values, refused changes.
import type { SyncFinished } from "./bindings/SyncFinished";
import type { SyncProgress } from "./bindings/SyncProgress";
import type { SyncStatus } from "./bindings/SyncStatus";
import { plural } from "./format";
import { formatAgo, formatDateTime, type FormatOptions } from "./time";

/** "Synced 3 min ago", "Never synced", "Sync not set up". */
export function lastSyncText(status: Pick<SyncStatus, "enrolled" | "last_sync_at">, now: Date = new Date()): string {
  if (!status.enrolled) return "Sync not set up";
  if (status.last_sync_at === null) return "Never synced";
  return `Synced ${formatAgo(status.last_sync_at, now)}`;
}

/** "next try in 12 s", "next try in 3 min", "trying again now"; null when no retry is planned. */
export function retryText(retryAt: number | null, now: number = Date.now()): string | null {
  if (retryAt === null) return null;
  const secs = Math.ceil((retryAt - now) / 1000);
  if (secs <= 0) return "trying again now";
  if (secs < 90) return `next try in ${secs} s`;
  return `next try in ${Math.ceil(secs / 60)} min`;
}

/** A failed sync in plain words: `short` names it (status line), `long` says what to do next. */
export interface SyncErrorWords {
  short: string;
  long: string;
}

const SAFE = "Your changes are safe on this laptop and go up at the next sync.";

function sentence(text: string, empty: string): string {
  const t = text.trim();
  return t === "" ? empty : t.charAt(0).toUpperCase() + t.slice(1);
}

/** rustls's own words in the engine's message (`[rustls: …]`), or null. */
function rustlsSaid(raw: string): string | null {
  const m = /\[rustls: ([^\]]*)\]/.exec(raw);
  return m ? (m[1] ?? null) : null;
}

/**
 * A certificate the hub showed and this laptop refused, by what is wrong with it: only an unknown
 * issuer is fixed by the plant CA bundle; an expired certificate or one made for another name is
 * the hub's to fix, whatever bundle this laptop has. Null when the message is not about that.
 */
function certificateWords(raw: string): SyncErrorWords | null {
  const r = raw.toLowerCase();
  const said = rustlsSaid(raw);
  const detail = said ? ` (rustls: ${said})` : "";
  if (r.includes("the hub's certificate has expired")) {
    return { short: "Hub's certificate has expired", long: `The hub's certificate has expired${detail}: plant IT must renew it on the hub. ${SAFE}` };
  }
  if (r.includes("the hub's certificate is not valid for this address")) {
    return {
      short: "Hub's certificate is for another name",
      long: `The hub's certificate was not made for this address${detail}: use the hub address plant IT gave (the name in its certificate), or ask plant IT. ${SAFE}`,
    };
  }
  if (r.includes("the hub's certificate is not valid yet")) {
    return { short: "Hub's certificate not valid yet", long: `The hub's certificate is not valid yet${detail}: check the date and time of this laptop. ${SAFE}` };
  }
  if (r.includes("the hub's certificate was revoked")) {
    return { short: "Hub's certificate was revoked", long: `The hub's certificate was revoked${detail}: ask plant IT. ${SAFE}` };
  }
  if (r.includes("the hub's certificate is not valid [")) {
    return { short: "Hub's certificate is not valid", long: `The hub's certificate is not valid${detail}: ask plant IT. ${SAFE}` };
  }
  return null;
}

/**
 * Turns the sync engine's message ("the hub is not reachable (error sending request …)") into
 * words a technician can act on. Unknown messages are shown as they are.
 */
export function syncErrorText(raw: string): SyncErrorWords {
  const r = raw.toLowerCase();
  if (r.startsWith("the hub is not reachable")) {
    const cert = certificateWords(raw);
    if (cert !== null) return cert;
    if (/certificate|unknownissuer|invalid peer|\btls\b|handshake/.test(r)) {
      return {
        short: "Hub's certificate not trusted",
        long: `This laptop does not trust the hub's certificate: check the plant CA bundle on the Sync screen, or ask plant IT. ${SAFE}`,
      };
    }
    if (/timed out|timeout/.test(r)) {
      return { short: "The hub did not answer in time", long: `The network may be slow, or the hub busy. ${SAFE}` };
    }
    return { short: "Cannot reach the hub", long: `This laptop may be out of Wi-Fi range, or the hub is down. ${SAFE}` };
  }
  if (r.startsWith("the hub refused the request")) {
    if (r.includes("(unauthorized") || r.includes("http 401")) {
      return {
        short: "The hub no longer accepts this laptop",
        long: "Its device token was not accepted (it may have been revoked): ask plant IT for a new token and enroll again. Your changes are safe on this laptop.",
      };
    }
    if (r.includes("(forbidden") || r.includes("http 403")) {
      return {
        short: "The hub does not allow this laptop",
        long: "It may not be allowed to sync this site: ask plant IT. Your changes are safe on this laptop.",
      };
    }
    if (r.includes("unsupported_protocol")) {
      return {
        short: "Hub and app versions do not match",
        long: "The hub and this Faultline speak different sync versions: update Faultline, or ask plant IT to update the hub.",
      };
    }
    if (r.includes("(rate_limited") || r.includes("http 429") || /http 5\d\d/.test(r)) {
      return { short: "The hub is busy", long: `It is busy or has a problem of its own; the app tries again by itself. ${SAFE}` };
    }
    return { short: "The hub refused the sync", long: sentence(raw, "The hub refused the sync.") };
  }
  if (r.startsWith("the hub's answer could not be understood")) {
    return {
      short: "The hub's answer made no sense",
      long: `Check the hub address: a proxy or a Wi-Fi login page may be in the way. ${SAFE}`,
    };
  }
  return { short: "Sync failed", long: sentence(raw, "The sync failed.") };
}

/** What an enrollment error means, for the enrollment form. */
export function enrollErrorText(code: string, message: string): string {
  switch (code) {
    case "hub_unreachable":
      if (syncErrorText(message).short === "Hub's certificate not trusted") {
        return "This laptop does not trust the hub's certificate: enter the path of the plant CA bundle, or ask plant IT.";
      }
      {
        const cert = certificateWords(message);
        if (cert !== null) return `${cert.short}. ${cert.long.replace(` ${SAFE}`, "")}`;
      }
      return "Cannot reach the hub at this address: check the address, and that this laptop is on the plant network.";
    case "hub_refused": {
      const m = message.toLowerCase();
      if (m.includes("unauthorized") || m.includes("http 401")) {
        return "The hub did not accept this device token: check it, or ask plant IT for a new one.";
      }
      const words = syncErrorText(message);
      return `${words.short}. ${words.long}`;
    }
    default:
      return sentence(message, "Enrollment failed.");
  }
}

/** What a running sync is doing, with its numbers. */
export function progressText(p: SyncProgress): string {
  switch (p.phase) {
    case "connecting":
      return "Connecting to the hub…";
    case "uploading photos":
      return `Uploading photos… ${p.pending} left`;
    case "sending":
      return `Sending: ${p.sent} sent, ${p.pending} left`;
    case "receiving":
      return `Receiving: ${p.received} received`;
    default:
      return `Finishing: ${p.sent} sent, ${p.received} received`;
  }
}

/** How far the sending is (0..1), or null when it cannot be known (connecting, receiving). */
export function progressFraction(p: SyncProgress): number | null {
  if (p.phase !== "sending" && p.phase !== "uploading photos") return null;
  const total = p.sent + p.pending;
  return total > 0 ? Math.min(1, p.sent / total) : null;
}

/** "3 sent, 120 received" for a finished sync (only the traffic of that attempt). */
export function finishedText(f: SyncFinished): string {
  if (!f.ok) return syncErrorText(f.error ?? "").short;
  // Only the traffic: what needs a person (open conflicts, refused changes) is counted once, from
  // the sync status (attentionText), never from one attempt's tally beside it.
  return `${f.sent} sent, ${f.received} received`;
}

/** "2 conflicts, 1 refused change" for what needs a person; null when nothing does. */
export function attentionText(status: Pick<SyncStatus, "conflicts" | "rejected">): string | null {
  const parts: string[] = [];
  if (status.conflicts > 0) parts.push(plural(status.conflicts, "conflict"));
  if (status.rejected > 0) parts.push(plural(status.rejected, "refused change"));
  return parts.length > 0 ? parts.join(", ") : null;
}

const FIELDS: Record<string, string> = {
  status: "Status",
  failure_class: "Failure class",
  problem_code: "Problem code",
  cause_code: "Cause code",
  remedy_code: "Remedy code",
  iso_failure_mode: "ISO failure mode",
  iso_failure_mechanism: "ISO failure mechanism",
  iso_failure_cause: "ISO failure cause",
  remedy_text: "What fixed it",
  finished_at: "Finished",
  downtime_start: "Downtime start",
  downtime_end: "Back in service",
};

/** The work-order field a conflict is about, as a person calls it. */
export function conflictFieldText(field: string): string {
  const known = FIELDS[field];
  if (known) return known;
  const words = field.replaceAll("_", " ").trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : "A field";
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A conflict's value as a person reads it: times in local time, a status as the status badge
 * words it ("in progress"), anything else as it is.
 */
export function conflictValueText(field: string, value: string, opts: FormatOptions = {}): string {
  const v = value.trim();
  if (v === "") return "(empty)";
  if (RFC3339.test(v)) return formatDateTime(v, opts);
  if (field === "status") return v.replaceAll("_", " ");
  return value;
}

const KINDS: Record<string, string> = {
  create_work_order: "New work order",
  add_note: "Note",
  set_status: "Status change",
  downtime_start: "Machine stopped",
  downtime_end: "Back in service",
  add_part: "Part used",
  add_photo: "Photo",
  close_work_order: "Closing the work order",
  resolve_conflict: "Choice in a conflict",
};

/** What kind of change the hub refused ("Note", "Status change", …). */
export function changeKindText(kind: string): string {
  return KINDS[kind] ?? conflictFieldText(kind);
}

const REASONS: Record<string, string> = {
  invalid_transition: "Not possible in the work order's state on the hub",
  unknown_record: "The hub does not know this record",
  invalid_value: "A value the hub does not accept",
  missing_blob: "The photo itself never reached the hub",
  wrong_site: "It belongs to another site",
  cmms_rejected: "The hub took it, then the plant's CMMS (Maximo) refused it",
};

/** Why the hub refused a change: a headline from its code, and the hub's own words. */
export function rejectReasonText(code: string, reason: string): { headline: string; detail: string | null } {
  const headline = REASONS[code] ?? "Refused by the hub";
  const detail = reason.trim();
  return { headline, detail: detail === "" ? null : detail };
}
