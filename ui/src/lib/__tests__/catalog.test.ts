import { describe, expect, it } from "vitest";
import type { CatalogEntry } from "../bindings/CatalogEntry";
import type { CatalogLevel } from "../bindings/CatalogLevel";
import type { FailureCatalog } from "../bindings/FailureCatalog";
import { childrenOf, choicesFor, closeChanges, describe as describeCode, emptyCodes, isoModesFor, optionLabel, reconcile } from "../catalog";

const e = (level: CatalogLevel, code: string, description: string, parent: string | null = null): CatalogEntry => ({
  level,
  code,
  description,
  parent,
});

const catalog: FailureCatalog = {
  classes: [e("class", "PUMP", "Pumps"), e("class", "ELEC", "Electrical")],
  problems: [e("problem", "LEAK", "Leaking", "PUMP"), e("problem", "TRIP", "Trips", "ELEC"), e("problem", "OTHER", "Other")],
  causes: [e("cause", "SEAL", "Seal worn", "LEAK"), e("cause", "OVL", "Overload", "TRIP")],
  remedies: [e("remedy", "REPL", "Replaced", "SEAL"), e("remedy", "RESET", "Reset", "OVL"), e("remedy", "REPL", "Replaced", "OVL")],
  iso_modes: [e("iso_mode", "ELU", "External leakage", "PU"), e("iso_mode", "FTS", "Fail to start", "PU"), e("iso_mode", "FTS", "Fail to start", "EM"), e("iso_mode", "OHE", "Overheating", "EM")],
  iso_mechanisms: [e("iso_mechanism", "1.1", "Leakage")],
  iso_causes: [e("iso_cause", "3.4", "Wear and tear")],
};

describe("catalogue narrowing", () => {
  it("labels options as CODE — description", () => {
    expect(optionLabel(e("class", "PUMP", "Pumps"))).toBe("PUMP — Pumps");
    expect(optionLabel(e("class", "PUMP", " "))).toBe("PUMP");
  });

  it("narrows each level by the choice above it (general entries always offered)", () => {
    expect(childrenOf(catalog.problems, "PUMP").map((x) => x.code)).toEqual(["LEAK", "OTHER"]);
    expect(childrenOf(catalog.problems, null).map((x) => x.code)).toEqual(["OTHER"]);
    const choices = choicesFor(catalog, { ...emptyCodes(), failure_class: "ELEC", problem_code: "TRIP", cause_code: "OVL" }, null);
    expect(choices.problems.map((x) => x.code)).toEqual(["TRIP", "OTHER"]);
    expect(choices.causes.map((x) => x.code)).toEqual(["OVL"]);
    expect(choices.remedies.map((x) => x.code)).toEqual(["RESET", "REPL"]);
  });

  it("offers nothing below an empty choice", () => {
    const choices = choicesFor(catalog, emptyCodes(), null);
    expect(choices.problems).toEqual([]);
    expect(choices.causes).toEqual([]);
    expect(choices.remedies).toEqual([]);
    expect(choices.classes.map((x) => x.code)).toEqual(["PUMP", "ELEC"]);
  });

  it("filters ISO modes to the equipment class when the catalogue has modes for it", () => {
    expect(isoModesFor(catalog, "EM").map((x) => x.code)).toEqual(["FTS", "OHE"]);
    expect(isoModesFor(catalog, "pu").map((x) => x.code)).toEqual(["ELU", "FTS"]);
    expect(isoModesFor(catalog, "CO").map((x) => x.code)).toEqual(["ELU", "FTS", "OHE"]);
    expect(isoModesFor(catalog, null).map((x) => x.code)).toEqual(["ELU", "FTS", "OHE"]);
  });

  it("clears choices that no longer fit after a change above them", () => {
    const chosen = {
      ...emptyCodes(),
      failure_class: "ELEC",
      problem_code: "LEAK",
      cause_code: "SEAL",
      remedy_code: "REPL",
      iso_failure_mode: "ELU",
      iso_failure_mechanism: "1.1",
    };
    const fixed = reconcile(catalog, chosen, "EM");
    expect(fixed.failure_class).toBe("ELEC");
    expect(fixed.problem_code).toBeNull();
    expect(fixed.cause_code).toBeNull();
    expect(fixed.remedy_code).toBeNull();
    expect(fixed.iso_failure_mode).toBeNull();
    expect(fixed.iso_failure_mechanism).toBe("1.1");
  });

  it("keeps a consistent chain", () => {
    const chain = { ...emptyCodes(), failure_class: "PUMP", problem_code: "LEAK", cause_code: "SEAL", remedy_code: "REPL", iso_failure_mode: "ELU" };
    expect(reconcile(catalog, chain, "PU")).toEqual(chain);
    expect(reconcile(catalog, { ...chain, failure_class: "NOPE" }, "PU").problem_code).toBeNull();
  });

  it("describes recorded codes", () => {
    expect(describeCode(catalog.classes, "PUMP")).toBe("PUMP — Pumps");
    expect(describeCode(catalog.classes, "GONE")).toBe("GONE");
    expect(describeCode(catalog.classes, null)).toBeNull();
  });
});

describe("closing keeps what the work order has", () => {
  const recorded = { ...emptyCodes(), failure_class: "ELEC", problem_code: "TRIP", iso_failure_mode: "FTS" };

  it("keeps the recorded codes through the catalogue (in its spelling)", () => {
    const lower = { ...recorded, failure_class: "elec" };
    expect(reconcile(catalog, lower, "EM")).toEqual(recorded);
  });

  it("sends only what changed, and clears only what was emptied", () => {
    const chosen = { ...recorded, cause_code: "OVL", remedy_code: "RESET" };
    expect(closeChanges(recorded, chosen)).toEqual({ failure: { ...emptyCodes(), cause_code: "OVL", remedy_code: "RESET" }, clear: [] });
    expect(closeChanges(recorded, { ...recorded, iso_failure_mode: null })).toEqual({ failure: emptyCodes(), clear: ["iso_failure_mode"] });
    expect(closeChanges(recorded, { ...recorded, failure_class: "elec" }).failure).toEqual(emptyCodes());
    expect(closeChanges(emptyCodes(), emptyCodes())).toEqual({ failure: emptyCodes(), clear: [] });
  });

  it("offers a held code the catalogue no longer lists, so closing does not clear it", () => {
    const held = { ...emptyCodes(), failure_class: "ELEC", problem_code: "OLDTRIP", iso_failure_mode: "XYZ" };
    const choices = choicesFor(catalog, held, "EM", held);
    expect(choices.problems.map((x) => x.code)).toContain("OLDTRIP");
    expect(choices.isoModes.map((x) => x.code)).toContain("XYZ");
    expect(reconcile(catalog, held, "EM", held)).toEqual(held);
    expect(closeChanges(held, reconcile(catalog, held, "EM", held))).toEqual({ failure: emptyCodes(), clear: [] });
    // Under another class the held problem is not offered.
    const other = { ...held, failure_class: "PUMP" };
    expect(reconcile(catalog, other, "EM", held).problem_code).toBeNull();
  });
});
