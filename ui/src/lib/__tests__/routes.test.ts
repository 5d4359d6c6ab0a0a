import { describe, expect, it } from "vitest";
import { formatHash, parseHash, sameRoute, type Route } from "../routes";

describe("routes", () => {
  const all: Route[] = [
    { name: "finder" },
    { name: "asset", assetId: "6f1c-uuid" },
    { name: "breakdown", assetId: "6f1c-uuid" },
    { name: "workorder", workOrderId: "a b/c" },
    { name: "shift" },
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
  });

  it("compares routes", () => {
    expect(sameRoute({ name: "asset", assetId: "1" }, { name: "asset", assetId: "1" })).toBe(true);
    expect(sameRoute({ name: "asset", assetId: "1" }, { name: "breakdown", assetId: "1" })).toBe(false);
  });
});
