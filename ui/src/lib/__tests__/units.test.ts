import { describe, expect, it } from "vitest";
import { parseQuantity, quantityProblem } from "../units";

describe("part quantities per unit", () => {
  it("reads decimal commas and refuses what is not a number", () => {
    expect(parseQuantity("2,5")).toBe(2.5);
    expect(parseQuantity("abc")).toBeNull();
    expect(parseQuantity(" ")).toBeNull();
  });

  it("names the bound of the unit", () => {
    expect(quantityProblem(99_999_999_999, "ea")).toContain("at most 1000 ea");
    expect(quantityProblem(12.5, "m")).toBeNull();
    expect(quantityProblem(1.5, "ea")).toContain("whole");
    expect(quantityProblem(0, "l")).toContain("above 0");
    expect(quantityProblem(null, "ea")).toContain("above 0");
  });
});
