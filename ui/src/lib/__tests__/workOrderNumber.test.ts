import { describe, expect, it } from "vitest";
import { looksLikeWorkOrderNumber } from "../typeahead";

describe("work-order numbers from the top box", () => {
  it("looks up number-like text only", () => {
    expect(looksLikeWorkOrderNumber("41851")).toBe(true);
    expect(looksLikeWorkOrderNumber(" WO-4185 ")).toBe(true);
    expect(looksLikeWorkOrderNumber("compressor")).toBe(false);
    expect(looksLikeWorkOrderNumber("oc1 trip")).toBe(false);
    expect(looksLikeWorkOrderNumber("")).toBe(false);
  });
});
