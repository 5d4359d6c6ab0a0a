import { describe, expect, it } from "vitest";
import { checkStop, confirmQuestion } from "../stopTime";

const now = new Date("2026-12-06T10:00:00Z");

describe("stop time plausibility", () => {
  it("shows the downtime a recent stop gives", () => {
    expect(checkStop("2026-12-06T07:45:00Z", now)).toEqual({ kind: "ok", downtime: "down for 2 h 15 min" });
  });

  it("refuses 1900 and the future", () => {
    const old = checkStop("1900-01-01T06:00:00Z", now);
    expect(old.kind).toBe("refused");
    expect(old.kind === "refused" && old.message).toContain("before 1970");
    expect(checkStop("2026-12-06T12:00:00Z", now).kind).toBe("refused");
    expect(checkStop("not a date", now).kind).toBe("refused");
  });

  it("asks to confirm a stop more than a week ago", () => {
    const tenDays = checkStop("2026-11-26T10:00:00Z", now);
    expect(tenDays).toEqual({ kind: "confirm", downtime: "down for 10 d", days: 10 });
    expect(checkStop("2026-11-30T10:00:00Z", now).kind).toBe("ok");
    expect(confirmQuestion(10)).toContain("10 days ago");
  });
});
