import { describe, expect, it } from "vitest";
import type { SyncProgress } from "../bindings/SyncProgress";
import {
  attentionText,
  changeKindText,
  conflictFieldText,
  conflictValueText,
  enrollErrorText,
  finishedText,
  lastSyncText,
  progressFraction,
  progressText,
  rejectReasonText,
  retryText,
  syncErrorText,
} from "../syncFormat";

const UNREACHABLE =
  "the hub is not reachable (error sending request for url (http://127.0.0.1:40123/v1/capabilities): client error (Connect): tcp connect error: Connection refused (os error 111)); changes stay on this laptop and go up at the next sync";

const progress = (p: Partial<SyncProgress>): SyncProgress => ({ phase: "sending", pending: 0, sent: 0, received: 0, ...p });

describe("syncFormat", () => {
  it("says when the last sync was", () => {
    const now = new Date("2026-11-20T10:00:00Z");
    expect(lastSyncText({ enrolled: false, last_sync_at: null }, now)).toBe("Sync not set up");
    expect(lastSyncText({ enrolled: true, last_sync_at: null }, now)).toBe("Never synced");
    expect(lastSyncText({ enrolled: true, last_sync_at: "2026-11-20T09:57:00Z" }, now)).toBe("Synced 3 min ago");
    expect(lastSyncText({ enrolled: true, last_sync_at: "2026-11-20T09:59:40Z" }, now)).toBe("Synced just now");
  });

  it("counts down to the next try", () => {
    expect(retryText(null, 0)).toBeNull();
    expect(retryText(12_000, 0)).toBe("next try in 12 s");
    expect(retryText(11_001, 0)).toBe("next try in 12 s");
    expect(retryText(0, 5)).toBe("trying again now");
    expect(retryText(300_000, 0)).toBe("next try in 5 min");
  });

  it("puts engine errors in plain words and keeps unknown ones", () => {
    expect(syncErrorText(UNREACHABLE).short).toBe("Cannot reach the hub");
    expect(syncErrorText(UNREACHABLE).long).toContain("safe on this laptop");
    expect(syncErrorText(UNREACHABLE).long).not.toContain("os error");
    expect(syncErrorText("the hub is not reachable (… invalid peer certificate: UnknownIssuer); changes stay …").short).toBe(
      "Hub's certificate not trusted",
    );
    expect(syncErrorText("the hub is not reachable (operation timed out); …").short).toBe("The hub did not answer in time");
    expect(syncErrorText("the hub refused the request (unauthorized, HTTP 401): token revoked").long).toContain("new token");
    expect(syncErrorText("the hub refused the request (malformed_request, HTTP 400): bad")).toEqual({
      short: "The hub refused the sync",
      long: "The hub refused the request (malformed_request, HTTP 400): bad",
    });
    expect(syncErrorText("the hub refused the request (forbidden, HTTP 403): wrong site").short).toBe("The hub does not allow this laptop");
    expect(syncErrorText("the hub refused the request (internal, HTTP 503): db down").short).toBe("The hub is busy");
    expect(syncErrorText("the hub refused the request (rate_limited, HTTP 429): slow down").short).toBe("The hub is busy");
    expect(syncErrorText("the hub refused the request (unsupported_protocol, HTTP 400): v2 only").short).toBe("Hub and app versions do not match");
    expect(syncErrorText("the hub's answer could not be understood: expected value").long).toContain("proxy");
    expect(syncErrorText("cannot read the CA bundle /x.pem: No such file")).toEqual({ short: "Sync failed", long: "Cannot read the CA bundle /x.pem: No such file" });
  });

  it("explains enrollment errors", () => {
    expect(enrollErrorText("hub_unreachable", UNREACHABLE)).toMatch(/^Cannot reach the hub at this address/);
    expect(enrollErrorText("hub_unreachable", "the hub is not reachable (invalid peer certificate: UnknownIssuer)")).toContain("CA bundle");
    expect(enrollErrorText("hub_refused", "the hub refused the request (unauthorized, HTTP 401): unknown token")).toContain("device token");
    expect(enrollErrorText("invalid_input", 'the hub address "hub" must start with https://')).toBe('The hub address "hub" must start with https://');
  });

  it("words progress and how far it is", () => {
    expect(progressText(progress({ phase: "connecting", pending: 4 }))).toBe("Connecting to the hub…");
    expect(progressText(progress({ phase: "sending", pending: 3, sent: 2 }))).toBe("Sending: 2 sent, 3 left");
    expect(progressText(progress({ phase: "receiving", sent: 5, received: 120 }))).toBe("Receiving: 120 received");
    expect(progressFraction(progress({ phase: "sending", pending: 3, sent: 1 }))).toBe(0.25);
    expect(progressFraction(progress({ phase: "sending", pending: 0, sent: 0 }))).toBeNull();
    expect(progressFraction(progress({ phase: "connecting", pending: 3 }))).toBeNull();
    expect(progressFraction(progress({ phase: "receiving", received: 9 }))).toBeNull();
  });

  it("says what is wrong with a certificate that a CA bundle does not fix, in rustls's words", () => {
    const msg = (problem: string, said: string) =>
      `the hub is not reachable (${problem} [rustls: ${said}]; error sending request for url (https://hub:8443/v1/capabilities): client error (Connect): invalid peer certificate: ${said}); changes stay on this laptop and go up at the next sync`;
    const expired = syncErrorText(
      msg("the hub's certificate has expired (the hub needs a renewed certificate)", "certificate expired: verification time 1800000000 (UNIX), but certificate is not valid after 1700000000 (100000000 seconds ago)"),
    );
    expect(expired.short).toBe("Hub's certificate has expired");
    expect(expired.long).toContain("not valid after 1700000000");
    expect(expired.long).not.toContain("CA bundle");
    const name = syncErrorText(
      msg(
        "the hub's certificate is not valid for this address (use the name the certificate was made for, or ask plant IT)",
        'certificate not valid for name "127.0.0.1"; certificate is only valid for DnsName("hub.plant.test")',
      ),
    );
    expect(name.short).toBe("Hub's certificate is for another name");
    expect(name.long).toContain('DnsName("hub.plant.test")');
    const enroll = enrollErrorText("hub_unreachable", msg("the hub's certificate has expired (the hub needs a renewed certificate)", "certificate expired"));
    expect(enroll).toContain("expired");
    expect(enroll).not.toContain("does not trust");
    const issuer = syncErrorText(msg("the hub's certificate is not signed by a certificate authority this laptop trusts (give the plant CA bundle)", "UnknownIssuer"));
    expect(issuer.short).toBe("Hub's certificate not trusted");
  });

  it("sums up a finished sync and what needs a person", () => {
    const base = { ok: true, error: null, retry_in_secs: null, sent: 3, received: 120, rejected: 0, conflicts: 0 };
    expect(finishedText(base)).toBe("3 sent, 120 received");
    // One attempt's tally is not counted beside the open conflicts (they count different things):
    // what needs a person comes from the status alone.
    expect(finishedText({ ...base, rejected: 1, conflicts: 1 })).toBe("3 sent, 120 received");
    expect(finishedText({ ...base, ok: false, error: UNREACHABLE })).toBe("Cannot reach the hub");
    expect(attentionText({ conflicts: 0, rejected: 0 })).toBeNull();
    expect(attentionText({ conflicts: 1, rejected: 2 })).toBe("1 conflict, 2 refused changes");
  });

  it("names conflict fields, values and refused changes", () => {
    expect(conflictFieldText("remedy_text")).toBe("What fixed it");
    expect(conflictFieldText("downtime_end")).toBe("Back in service");
    expect(conflictFieldText("some_new_field")).toBe("Some new field");
    expect(conflictValueText("finished_at", "2026-11-20T06:14:00Z", { locale: "en-GB", timeZone: "UTC" })).toBe("20 Nov 2026, 06:14");
    expect(conflictValueText("status", "in_progress")).toBe("in progress");
    expect(conflictValueText("remedy_text", "set P1_03 to 5 s")).toBe("set P1_03 to 5 s");
    expect(conflictValueText("remedy_text", "  ")).toBe("(empty)");
    expect(changeKindText("add_note")).toBe("Note");
    expect(changeKindText("brand_new_kind")).toBe("Brand new kind");
    expect(rejectReasonText("invalid_transition", "WO-1 is closed")).toEqual({
      headline: "Not possible in the work order's state on the hub",
      detail: "WO-1 is closed",
    });
    expect(rejectReasonText("other", " ")).toEqual({ headline: "Refused by the hub", detail: null });
    expect(rejectReasonText("cmms_rejected", "the plant's CMMS refused it (BMXAA4195E): Asset X").headline).toBe(
      "The hub took it, then the plant's CMMS (Maximo) refused it",
    );
  });
});
