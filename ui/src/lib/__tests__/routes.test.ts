import { describe, expect, it } from "vitest";
import { formatHash, parseHash, sameRoute, type Route } from "../routes";

describe("routes", () => {
  const all: Route[] = [
    { name: "finder" },
    { name: "asset", assetId: "6f1c-uuid" },
    { name: "breakdown", assetId: "6f1c-uuid" },
    { name: "diagnose", assetId: "6f1c-uuid", workOrderId: null },
    { name: "diagnose", assetId: "6f1c-uuid", workOrderId: "w/1?&" },
    { name: "workorder", workOrderId: "a b/c" },
    { name: "shift" },
    { name: "manuals" },
    { name: "sync" },
    { name: "analytics" },
    { name: "procedure", code: "JP-LOTO" },
    { name: "procedure", code: "JP-VFD/OC1 12?#%" },
    { name: "manual", manualId: "9b1e-uuid", page: 1, terms: [] },
    { name: "manual", manualId: "a/b?c", page: 214, terms: ["E.OC1", "stalls under load", "50% & up?", "#/x"] },
  ];

  it("round-trips every route through the hash", () => {
    for (const r of all) expect(parseHash(formatHash(r))).toEqual(r);
  });

  it("treats unknown or malformed hashes as the finder", () => {
    expect(parseHash("")).toEqual({ name: "finder" });
    expect(parseHash("#/nowhere")).toEqual({ name: "finder" });
    expect(parseHash("#/asset")).toEqual({ name: "finder" });
    expect(parseHash("#/asset/x/y/z")).toEqual({ name: "finder" });
    expect(parseHash("#/wo/%E0%A4%A")).toEqual({ name: "finder" });
    expect(parseHash("#/manual/m1")).toEqual({ name: "finder" });
    expect(parseHash("#/manual/m1/0")).toEqual({ name: "finder" });
    expect(parseHash("#/manual/m1/x")).toEqual({ name: "finder" });
    expect(parseHash("#/manual/m1/-3")).toEqual({ name: "finder" });
    expect(parseHash("#/manuals/x")).toEqual({ name: "finder" });
    expect(parseHash("#/sync/x")).toEqual({ name: "finder" });
  });

  it("reads a viewer link with its page and marked words", () => {
    expect(parseHash("#/manual/m1/7?t=OC1&t=motor+stall&t=")).toEqual({ name: "manual", manualId: "m1", page: 7, terms: ["OC1", "motor stall"] });
    expect(formatHash({ name: "manual", manualId: "m1", page: 7, terms: [] })).toBe("#/manual/m1/7");
  });

  it("has a plain link for the Sync screen", () => {
    expect(formatHash({ name: "sync" })).toBe("#/sync");
    expect(parseHash("#/sync")).toEqual({ name: "sync" });
    expect(parseHash("#sync")).toEqual({ name: "sync" });
  });

  it("has a link per procedure, its code URL-encoded", () => {
    expect(formatHash({ name: "procedure", code: "JP-PUMP-SEAL" })).toBe("#/procedure/JP-PUMP-SEAL");
    expect(formatHash({ name: "procedure", code: "JP-VFD/OC1 12" })).toBe("#/procedure/JP-VFD%2FOC1%2012");
    expect(parseHash("#/procedure/JP-VFD%2FOC1%2012")).toEqual({ name: "procedure", code: "JP-VFD/OC1 12" });
    expect(parseHash("#/procedure")).toEqual({ name: "finder" });
    expect(parseHash("#/procedure/")).toEqual({ name: "finder" });
    expect(parseHash("#/procedure/a/b")).toEqual({ name: "finder" });
    expect(parseHash("#/procedure/%E0%A4%A")).toEqual({ name: "finder" });
  });

  it("compares routes", () => {
    expect(sameRoute({ name: "asset", assetId: "1" }, { name: "asset", assetId: "1" })).toBe(true);
    expect(sameRoute({ name: "asset", assetId: "1" }, { name: "breakdown", assetId: "1" })).toBe(false);
  });
});
