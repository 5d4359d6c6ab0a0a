// Part quantities per unit of measure, as the core checks them (validate::UNITS and
// validate::check_quantity): the parts form offers these units and refuses an implausible
// quantity before saving, with a message that names the bound.

export interface Unit {
  code: string;
  label: string;
  /** The largest plausible quantity on one work order. */
  max: number;
  /** Counted units come whole. */
  whole: boolean;
}

export const UNITS: Unit[] = [
  { code: "ea", label: "each", max: 1_000, whole: true },
  { code: "m", label: "metres", max: 10_000, whole: false },
  { code: "mm", label: "millimetres", max: 100_000, whole: false },
  { code: "kg", label: "kilograms", max: 10_000, whole: false },
  { code: "g", label: "grams", max: 100_000, whole: false },
  { code: "l", label: "litres", max: 10_000, whole: false },
  { code: "ml", label: "millilitres", max: 100_000, whole: false },
  { code: "set", label: "sets", max: 1_000, whole: true },
  { code: "h", label: "hours", max: 1_000, whole: false },
];

/** The quantity typed in the form ("2,5" reads 2.5); null when it is not a number. */
export function parseQuantity(text: string): number | null {
  const t = text.trim().replace(",", ".");
  if (t === "") return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** Null when `quantity` is plausible in `unit`, else what to fix. */
export function quantityProblem(quantity: number | null, unitCode: string): string | null {
  const unit = UNITS.find((u) => u.code === unitCode) ?? UNITS[0]!;
  if (quantity === null || quantity <= 0) return "The quantity must be a number above 0.";
  if (quantity > unit.max) {
    return `${quantity.toLocaleString("en")} ${unit.code} is more than one work order can use (at most ${unit.max} ${unit.code}): check the quantity.`;
  }
  if (unit.whole && !Number.isInteger(quantity)) return `Parts counted in ${unit.code} come whole: ${quantity} is not a whole number.`;
  return null;
}
