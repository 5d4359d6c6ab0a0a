// DEV ONLY: the procedures (job plans) of the dev mock: a few invented ones for one model, an
// equipment class, and every asset; `procedure` answers by code (not_found for any other), and the
// asset page lists those for the asset: its model first, then its class, then the general ones.
import type { Asset } from "../bindings/Asset";
import type { ErrorBody } from "../bindings/ErrorBody";
import type { Procedure } from "../bindings/Procedure";
import type { ProcedureStep } from "../bindings/ProcedureStep";
import type { ProcedureSummary } from "../bindings/ProcedureSummary";
import { procedureScope } from "../procedures";

function fail(code: ErrorBody["code"], message: string): never {
  throw { code, message } satisfies ErrorBody;
}

/** Steps from [instruction, caution?] pairs, numbered 1, 2, 3… */
function steps(...list: [string, string?][]): ProcedureStep[] {
  return list.map(([instruction, caution], i) => ({ number: i + 1, instruction, caution: caution ?? null }));
}

function proc(code: string, title: string, extra: Partial<Procedure>, stepList: ProcedureStep[]): Procedure {
  return { code, title, manufacturer: null, model: null, equipment_class: null, problem_code: null, ...extra, steps: stepList };
}

const procedures: Procedure[] = [
  proc(
    "JP-PUMP-SEAL",
    "Replace the mechanical seal",
    { manufacturer: "Grundfos", model: "CRN 10-6", problem_code: "LEAK" },
    steps(
      ["Lock out the pump motor at the MCC (procedure JP-LOTO) and close the suction and discharge valves.", "The pump may still be under pressure and the product may be hot (up to 85 °C). Wear face shield and gloves."],
      ["Open the drain plug and drain the pump into a bucket.", "Product can splash: stand to the side of the drain."],
      ["Remove the coupling guard and loosen the coupling screws."],
      ["Loosen the seal's three cartridge screws and pull the motor stool up with the lifting eye.", "The motor and stool weigh about 40 kg: use the hoist, never lift by hand."],
      ["Pull the old seal cartridge off the shaft. Clean the shaft and the seal seat; check the shaft for scoring."],
      ["Fit the new seal cartridge (kit 96525459) with the seal-fitting tool. Do not touch the seal faces."],
      ["Refit the motor stool, tighten the cartridge screws to 8 Nm and set the coupling gap with the fork tool."],
      ["Refit the drain plug and the coupling guard; open the valves and vent the pump at the vent screw."],
      ["Remove your lock, start the pump and watch the seal for 30 minutes: no drops allowed.", "Keep hands clear of the coupling while the pump runs."],
    ),
  ),
  proc(
    "JP-PUMP-VIB",
    "Pump vibration check",
    { equipment_class: "PU" },
    steps(
      ["Let the pump run at its normal duty point for at least 10 minutes."],
      ["Measure vibration velocity (mm/s RMS) at the motor drive-end bearing: horizontal, vertical, axial."],
      ["Repeat at the pump bearing housing."],
      ["Compare with the limits on the pump's tag: above 4.5 mm/s RMS, write a corrective work order.", "Do not touch rotating parts; measure only on the bearing housings."],
      ["Note the readings in the work order."],
    ),
  ),
  proc(
    "JP-LOTO",
    "Lockout/tagout before work",
    {},
    steps(
      ["Tell the operator and the shift lead which machine you are stopping and why."],
      ["Stop the machine with its normal stop button."],
      ["Switch off every energy source at its isolator (electricity, compressed air, hydraulics, steam).", "Some machines have more than one isolator: check the isolation list on the cabinet."],
      ["Fit your own lock and your tag on every isolator. One lock per person, never share a key."],
      ["Release stored energy: bleed air and hydraulic pressure, block parts that can fall, let hot parts cool."],
      ["Try to start the machine to prove it is dead, then put the control back to off.", "Stand clear of moving parts while you try the start."],
    ),
  ),
  proc(
    "JP-VFD/OC1 12",
    "Overcurrent trip E.OC1 during acceleration",
    { manufacturer: "Mitsubishi Electric", model: "FR-E820-0.75K", problem_code: "TRIP" },
    steps(
      ["Read the fault history on the operation panel and note the output frequency at the trip."],
      ["Switch off and wait 10 minutes before opening the drive's cover.", "The DC bus stays charged after power off. Check the charge lamp is out and measure P/+ to N/− below 30 V."],
      ["Turn the motor shaft by hand: it must turn freely. A tight shaft means the fault is mechanical (conveyor, gearbox)."],
      ["Measure the motor's insulation to earth with the motor cables disconnected from the drive (500 V).", "Never megger with the drive connected: it destroys the output stage."],
      ["If the mechanics and insulation are good, lengthen Pr.7 (acceleration time) in steps of 1 s and try 20 starts."],
    ),
  ),
];

/** The asset's procedures: model-specific, then its equipment class, then the general ones. */
export function proceduresFor(a: Asset): ProcedureSummary[] {
  const same = (x: string | null, y: string | null) => x !== null && y !== null && x.trim().toLowerCase() === y.trim().toLowerCase();
  const order = { model: 0, class: 1, general: 2 } as const;
  return procedures
    .filter((p) => {
      switch (procedureScope(p)) {
        case "model":
          return same(p.model, a.model) && (p.manufacturer === null || same(p.manufacturer, a.manufacturer));
        case "class":
          return same(p.equipment_class, a.equipment_class);
        case "general":
          return true;
      }
    })
    .map((p) => ({ code: p.code, title: p.title, scope: procedureScope(p), problem_code: p.problem_code, step_count: p.steps.length }))
    .sort((x, y) => order[x.scope] - order[y.scope] || x.code.localeCompare(y.code));
}

export function procedureHandlers(): Record<string, (args: Record<string, unknown> | undefined) => unknown> {
  return {
    procedure: (args): Procedure => {
      const code = args?.["code"];
      if (typeof code !== "string") fail("invalid_input", "missing argument code");
      const p = procedures.find((x) => x.code === code);
      if (!p) fail("not_found", `No procedure with code ${code}`);
      return structuredClone(p);
    },
  };
}
