import { describe, expect, it } from "vitest";
import {
  formatAgo,
  formatDateTime,
  formatMinutes,
  lastHours,
  localInputToRfc3339,
  minutesBetween,
  toLocalInputValue,
  toNumber,
  toRfc3339,
} from "../time";

describe("time", () => {
  it("runs in a non-UTC zone (Europe/Berlin)", () => {
    expect(new Date("2026-11-20T06:14:00Z").getHours()).toBe(7);
  });

  it("formats RFC 3339 UTC as local date and time", () => {
    expect(formatDateTime("2026-11-20T06:14:00Z", { locale: "en-GB", timeZone: "UTC" })).toBe("20 Nov 2026, 06:14");
    expect(formatDateTime("2026-11-20T06:14:00Z", { locale: "en-GB" })).toBe("20 Nov 2026, 07:14");
    expect(formatDateTime(null)).toBe("—");
    expect(formatDateTime("not a date")).toBe("—");
  });

  it("formats minutes as hours and days", () => {
    expect(formatMinutes(0)).toBe("0 min");
    expect(formatMinutes(45)).toBe("45 min");
    expect(formatMinutes(60)).toBe("1 h");
    expect(formatMinutes(95)).toBe("1 h 35 min");
    expect(formatMinutes(1440)).toBe("1 d");
    expect(formatMinutes(3000)).toBe("2 d 2 h");
    expect(formatMinutes(null)).toBe("—");
    expect(formatMinutes(BigInt(90))).toBe("1 h 30 min");
  });

  it("takes bigint fields as numbers or bigints", () => {
    expect(toNumber(5)).toBe(5);
    expect(toNumber(BigInt(7))).toBe(7);
    expect(toNumber(null)).toBeNull();
    expect(toNumber(undefined)).toBeNull();
  });

  it("counts minutes between times, up to now for an open end", () => {
    expect(minutesBetween("2026-11-20T06:00:00Z", "2026-11-20T07:30:59Z")).toBe(90);
    expect(minutesBetween("2026-11-20T06:00:00Z", null, new Date("2026-11-20T06:10:00Z"))).toBe(10);
    expect(minutesBetween("2026-11-20T06:00:00Z", "2026-11-20T05:00:00Z")).toBe(0);
  });

  it("says how long ago", () => {
    const now = new Date("2026-11-20T12:00:00Z");
    expect(formatAgo("2026-11-20T11:59:30Z", now)).toBe("just now");
    expect(formatAgo("2026-11-20T11:55:00Z", now)).toBe("5 min ago");
    expect(formatAgo("2026-11-20T09:00:00Z", now)).toBe("3 h ago");
    expect(formatAgo("2026-11-17T12:00:00Z", now)).toBe("3 d ago");
  });

  it("writes RFC 3339 UTC without milliseconds", () => {
    expect(toRfc3339(new Date("2026-11-20T06:14:00.123Z"))).toBe("2026-11-20T06:14:00Z");
  });

  it("converts datetime-local values (local time) to UTC and back", () => {
    expect(localInputToRfc3339("2026-11-20T07:14")).toBe("2026-11-20T06:14:00Z");
    expect(localInputToRfc3339("2026-07-01T12:00")).toBe("2026-07-01T10:00:00Z");
    expect(localInputToRfc3339("2026-07-01T12:00:30")).toBe("2026-07-01T10:00:30Z");
    expect(localInputToRfc3339("")).toBeNull();
    expect(localInputToRfc3339("2026-02-30T10:00")).toBeNull();
    expect(localInputToRfc3339("yesterday")).toBeNull();
    expect(toLocalInputValue(new Date("2026-11-20T06:14:00Z"))).toBe("2026-11-20T07:14");
  });

  it("builds shift windows", () => {
    const now = new Date("2026-11-20T18:00:00Z");
    expect(lastHours(12, now)).toEqual({ from: "2026-11-20T06:00:00Z", to: "2026-11-20T18:00:00Z" });
    expect(lastHours(168, now).from).toBe("2026-11-13T18:00:00Z");
  });
});
