// DEV ONLY: an in-memory stand-in for the app's commands so `npm run dev` works in a plain browser.
// api.ts loads it only behind `import.meta.env.DEV` outside Tauri; it is never in the built bundle.
// It follows docs/ipc.md, including ErrorBody rejections and bigint fields arriving as numbers.
import type { AppInfo } from "../bindings/AppInfo";
import type { Asset } from "../bindings/Asset";
import type { AssetPage } from "../bindings/AssetPage";
import type { AssetSummary } from "../bindings/AssetSummary";
import type { CatalogEntry } from "../bindings/CatalogEntry";
import type { CatalogLevel } from "../bindings/CatalogLevel";
import type { CloseWorkOrder } from "../bindings/CloseWorkOrder";
import type { ErrorBody } from "../bindings/ErrorBody";
import type { FailureCatalog } from "../bindings/FailureCatalog";
import type { FailureCodes } from "../bindings/FailureCodes";
import type { HandoverNote } from "../bindings/HandoverNote";
import type { AssetHelp } from "../bindings/AssetHelp";
import type { FaultGroup } from "../bindings/FaultGroup";
import type { FaultEvent } from "../bindings/FaultEvent";
import type { NewBreakdown } from "../bindings/NewBreakdown";
import type { NewPart } from "../bindings/NewPart";
import type { ShiftReport } from "../bindings/ShiftReport";
import type { WorkOrder } from "../bindings/WorkOrder";
import type { WorkOrderSummary } from "../bindings/WorkOrderSummary";
import { correctionHandlers } from "./mockCorrections";
import { manualHandlers } from "./mockManuals";
import { procedureHandlers, proceduresFor } from "./mockProcedures";
import { shiftHandlers } from "./mockShift";
import { syncHandlers } from "./syncMock";

export { mockListen } from "./mockEvents";

/** JSON has no bigint: the real app sends these as numbers too. */
const big = (n: number): bigint => n as unknown as bigint;

const now = () => new Date();
const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");
const hoursAgo = (h: number) => iso(new Date(Date.now() - h * 3600000));
let idSeq = 1000;
const uuid = () => `00000000-0000-4000-8000-${String(++idSeq).padStart(12, "0")}`;

function fail(code: ErrorBody["code"], message: string): never {
  throw { code, message } satisfies ErrorBody;
}

const SITE = { site_code: "PLT1", site_name: "Plant 1 – Riverside" };

function asset(
  id: string,
  tag: string,
  name: string,
  extra: Partial<Asset>,
): Asset {
  return {
    id,
    tag,
    name,
    ...SITE,
    location_code: "L2",
    location_name: "Packaging hall, line 2",
    parent: null,
    children: [],
    manufacturer: null,
    model: null,
    equipment_class: null,
    criticality: null,
    serial_number: null,
    description: null,
    ...extra,
  };
}

const assets: Asset[] = [
  asset("a-line2", "LINE-2", "Packaging line 2", { criticality: "A", description: "Filling and capping line" }),
  asset("a-p101", "P-101", "Product transfer pump", {
    manufacturer: "Grundfos",
    model: "CRN 10-6",
    equipment_class: "PU",
    criticality: "A",
    serial_number: "GF-2219-0042",
  }),
  asset("a-vfd", "VFD-2041", "Conveyor drive, infeed", {
    manufacturer: "Mitsubishi Electric",
    model: "FR-E820-0.75K",
    equipment_class: "EM",
    criticality: "B",
  }),
  asset("a-cv203", "CV-203", "Infeed conveyor", {
    manufacturer: "Interroll",
    model: "Modular belt 2000",
    criticality: "B",
  }),
  asset("a-cmp7", "CMP-7", "Instrument air compressor", {
    manufacturer: "Atlas Copco",
    model: "GA 30 VSD+",
    equipment_class: "CO",
    criticality: "A",
    location_code: "UT",
    location_name: "Utilities room",
  }),
  asset("a-lbl4", "LBL-4", "Label printer applicator", {
    manufacturer: "Zebra",
    model: "ZE521",
    criticality: "C",
  }),
];

function ref(a: Asset) {
  return { id: a.id, tag: a.tag, name: a.name };
}
function byId(id: string): Asset {
  const a = assets.find((x) => x.id === id);
  if (!a) fail("not_found", `No asset with id ${id}`);
  return a;
}
{
  const line = byId("a-line2");
  for (const id of ["a-p101", "a-cv203", "a-lbl4"]) {
    const child = byId(id);
    child.parent = ref(line);
    line.children.push(ref(child));
  }
  const cv = byId("a-cv203");
  const vfd = byId("a-vfd");
  vfd.parent = ref(cv);
  cv.children.push(ref(vfd));
}

function entry(level: CatalogLevel, code: string, description: string, parent: string | null = null): CatalogEntry {
  return { level, code, description, parent };
}

const catalog: FailureCatalog = {
  classes: [entry("class", "PUMP", "Pumps"), entry("class", "ELEC", "Electrical drives and motors"), entry("class", "CONV", "Conveyors")],
  problems: [
    entry("problem", "LEAK", "Leaking", "PUMP"),
    entry("problem", "NOFLOW", "No or low flow", "PUMP"),
    entry("problem", "TRIP", "Drive trips", "ELEC"),
    entry("problem", "NOSTART", "Will not start", "ELEC"),
    entry("problem", "JAM", "Product jam", "CONV"),
    entry("problem", "BELT", "Belt damaged or slipping", "CONV"),
  ],
  causes: [
    entry("cause", "SEAL", "Mechanical seal worn", "LEAK"),
    entry("cause", "GASKET", "Gasket failed", "LEAK"),
    entry("cause", "AIR", "Air in suction", "NOFLOW"),
    entry("cause", "OVERLOAD", "Mechanical overload", "TRIP"),
    entry("cause", "ACCEL", "Acceleration too short", "TRIP"),
    entry("cause", "FUSE", "Blown fuse", "NOSTART"),
    entry("cause", "GUIDE", "Guide rail misaligned", "JAM"),
    entry("cause", "TENSION", "Belt tension wrong", "BELT"),
  ],
  remedies: [
    entry("remedy", "REPLSEAL", "Replaced seal", "SEAL"),
    entry("remedy", "REPLGSK", "Replaced gasket", "GASKET"),
    entry("remedy", "BLEED", "Bled and primed", "AIR"),
    entry("remedy", "CLEAR", "Cleared obstruction, reset", "OVERLOAD"),
    entry("remedy", "PARAM", "Changed drive parameter", "ACCEL"),
    entry("remedy", "REPLFUSE", "Replaced fuse", "FUSE"),
    entry("remedy", "ADJUST", "Adjusted", "GUIDE"),
    entry("remedy", "ADJUST", "Adjusted", "TENSION"),
  ],
  iso_modes: [
    entry("iso_mode", "ELU", "External leakage – utility medium", "PU"),
    entry("iso_mode", "FTS", "Fail to start on demand", "PU"),
    entry("iso_mode", "LOO", "Low output", "PU"),
    entry("iso_mode", "VIB", "Vibration", "PU"),
    entry("iso_mode", "FTS", "Fail to start on demand", "EM"),
    entry("iso_mode", "OHE", "Overheating", "EM"),
    entry("iso_mode", "UST", "Spurious stop", "EM"),
    entry("iso_mode", "FTS", "Fail to start on demand", "CO"),
    entry("iso_mode", "PDE", "Parameter deviation", "CO"),
  ],
  iso_mechanisms: [
    entry("iso_mechanism", "1.1", "Leakage"),
    entry("iso_mechanism", "1.2", "Vibration"),
    entry("iso_mechanism", "2.4", "Wear"),
    entry("iso_mechanism", "2.7", "Overheating"),
    entry("iso_mechanism", "4.1", "Short circuiting"),
    entry("iso_mechanism", "5.1", "Blockage/plugged"),
  ],
  iso_causes: [
    entry("iso_cause", "3.1", "Off-design service"),
    entry("iso_cause", "3.2", "Operating error"),
    entry("iso_cause", "3.3", "Maintenance error"),
    entry("iso_cause", "3.4", "Expected wear and tear"),
  ],
};

const noCodes = (): FailureCodes => ({
  failure_class: null,
  problem_code: null,
  cause_code: null,
  remedy_code: null,
  iso_failure_mode: null,
  iso_failure_mechanism: null,
  iso_failure_cause: null,
});

let woSeq = 24100;
function newOrder(a: Asset, s: Partial<WorkOrderSummary>, extra: Partial<WorkOrder> = {}): WorkOrder {
  const id = uuid();
  return {
    summary: {
      id,
      number: `WO-${++woSeq}`,
      asset_id: a.id,
      asset_tag: a.tag,
      asset_name: a.name,
      wo_type: "breakdown",
      status: "closed",
      priority: 2,
      title: "",
      fault_code: null,
      reported_at: hoursAgo(100),
      finished_at: null,
      downtime_start: null,
      downtime_end: null,
      downtime_minutes: null,
      failure: noCodes(),
      remedy_text: null,
      note_count: 0,
      sync_state: "synced",
      ...s,
    },
    description: null,
    reported_by: "J. Alvarez",
    started_at: null,
    cost: null,
    version: big(3),
    notes: [],
    parts: [],
    photos: [],
    downtime_intervals: [],
    ...extra,
  };
}

const orders: WorkOrder[] = [];
/** Photos attached in this session, by their (made-up) hash. */
const photoBytes = new Map<string, Uint8Array>();
{
  const p = byId("a-p101");
  const vfd = byId("a-vfd");
  const cv = byId("a-cv203");
  const past = (h: number, dur: number, s: Partial<WorkOrderSummary>) => {
    const start = hoursAgo(h);
    const end = iso(new Date(Date.parse(start) + dur * 60000));
    return { reported_at: start, downtime_start: start, downtime_end: end, downtime_minutes: big(dur), finished_at: end, ...s };
  };
  orders.push(
    newOrder(p, past(900, 95, {
      title: "Pump leaking at seal, puddle under skid",
      failure: { ...noCodes(), failure_class: "PUMP", problem_code: "LEAK", cause_code: "SEAL", remedy_code: "REPLSEAL", iso_failure_mode: "ELU", iso_failure_mechanism: "1.1", iso_failure_cause: "3.4" },
      remedy_text: "Replaced mechanical seal (kit 96525459), flushed, checked for 30 min.",
      note_count: 2,
    })),
    newOrder(p, past(300, 40, {
      title: "No flow after CIP",
      failure: { ...noCodes(), failure_class: "PUMP", problem_code: "NOFLOW", cause_code: "AIR", remedy_code: "BLEED", iso_failure_mode: "LOO", iso_failure_mechanism: "5.1", iso_failure_cause: "3.2" },
      remedy_text: "Suction valve left half closed after CIP. Opened, bled the pump.",
      note_count: 1,
    })),
    newOrder(p, { wo_type: "preventive", status: "closed", title: "Quarterly inspection", reported_at: hoursAgo(500), finished_at: hoursAgo(499) }),
    newOrder(vfd, past(30, 25, {
      title: "Drive trips on start",
      fault_code: "E.OC1",
      failure: { ...noCodes(), failure_class: "ELEC", problem_code: "TRIP", cause_code: "ACCEL", remedy_code: "PARAM", iso_failure_mode: "UST", iso_failure_mechanism: "4.1", iso_failure_cause: "3.1" },
      remedy_text: "Pr.7 acceleration time 1 s → 3 s. Ran 20 starts without a trip.",
      note_count: 3,
    })),
    // Classified when it was logged (as the hub may send it), so the work order screen marks the
    // drive's TRIP procedure as the one for this problem.
    newOrder(vfd, {
      title: "Drive trips again, OC1 during acceleration",
      fault_code: "E.OC1",
      status: "open",
      priority: 1,
      reported_at: hoursAgo(2),
      downtime_start: hoursAgo(2),
      sync_state: "pending",
      failure: { ...noCodes(), failure_class: "ELEC", problem_code: "TRIP" },
    }, {
      version: big(0),
      notes: [],
    }),
    newOrder(cv, { title: "Cartons jam at the transfer", wo_type: "corrective", status: "in_progress", priority: 3, reported_at: hoursAgo(6), fault_code: null }),
  );
  const open = orders[4]!;
  open.notes.push({ id: uuid(), work_order_id: open.summary.id, author: "M. Chen", text: "Display shows E.OC1 at about 40 Hz. Motor turns freely by hand.", created_at: hoursAgo(1.9), sync_state: "pending", voided: false, corrections: [] });
  open.summary.note_count = 1;
}

const faults: FaultEvent[] = [
  { id: uuid(), asset_id: "a-vfd", code: "E.OC1", message: "Overcurrent trip during acceleration", source: "machine", occurred_at: hoursAgo(2) },
  { id: uuid(), asset_id: "a-vfd", code: "E.OC1", message: "Overcurrent trip during acceleration", source: "machine", occurred_at: hoursAgo(30) },
  { id: uuid(), asset_id: "a-p101", code: "LOW-PRESS", message: "Discharge pressure low", source: "operator", occurred_at: hoursAgo(300) },
];

function find(id: string): WorkOrder {
  const wo = orders.find((o) => o.summary.id === id);
  if (!wo) fail("not_found", `No work order with id ${id}`);
  return wo;
}

function touch(wo: WorkOrder): WorkOrder {
  wo.summary.sync_state = "pending";
  wo.summary.note_count = wo.notes.length;
  return structuredClone(wo);
}

function minutes(a: string, b: string): number {
  return Math.max(0, Math.round((Date.parse(b) - Date.parse(a)) / 60000));
}

function summaryOf(a: Asset): AssetSummary {
  return {
    id: a.id,
    tag: a.tag,
    name: a.name,
    location: a.location_name,
    manufacturer: a.manufacturer,
    model: a.model,
    equipment_class: a.equipment_class,
    criticality: a.criticality,
    open_work_orders: orders.filter((o) => o.summary.asset_id === a.id && isOpen(o.summary)).length,
  };
}

const isOpen = (s: WorkOrderSummary) => s.status === "open" || s.status === "in_progress";
const newestFirst = (a: WorkOrderSummary, b: WorkOrderSummary) => b.reported_at.localeCompare(a.reported_at);

function pending(): number {
  return orders.reduce(
    (n, o) =>
      n +
      (o.summary.sync_state === "pending" ? 1 : 0) +
      o.notes.filter((x) => x.sync_state === "pending").length +
      o.parts.filter((x) => x.sync_state === "pending").length +
      o.photos.filter((x) => x.sync_state === "pending").length,
    0,
  );
}

type Args = Record<string, unknown>;
const str = (args: Args | undefined, key: string): string => {
  const v = args?.[key];
  if (typeof v !== "string") fail("invalid_input", `missing argument ${key}`);
  return v;
};
const optStr = (args: Args | undefined, key: string): string | undefined => {
  const v = args?.[key];
  return typeof v === "string" ? v : undefined;
};

/** The asset page's help: earlier fixes of the open breakdown's code, alarms by code, children's open work. */
function assetHelp(a: Asset, mine: WorkOrderSummary[]): AssetHelp {
  const open = mine.filter(isOpen);
  const current = open.find((s) => s.wo_type === "breakdown") ?? open[0];
  const code = current?.fault_code ?? current?.failure.problem_code ?? null;
  const same = (s: WorkOrderSummary) => (current?.fault_code && s.fault_code === current.fault_code) || (current?.failure.problem_code && s.failure.problem_code === current.failure.problem_code);
  const groups = new Map<string, FaultGroup>();
  for (const f of faults.filter((x) => x.asset_id === a.id).sort((x, y) => y.occurred_at.localeCompare(x.occurred_at))) {
    const g = groups.get(f.code);
    if (g) {
      g.count += 1;
      g.first = f.occurred_at;
    } else groups.set(f.code, { code: f.code, message: f.message, count: 1, first: f.occurred_at, last: f.occurred_at });
  }
  const children = assets.filter((c) => c.parent?.id === a.id).map((c) => c.id);
  return {
    matched_code: code,
    same_code_fixes: code ? mine.filter((s) => !isOpen(s) && same(s)).slice(0, 5) : [],
    fault_groups: [...groups.values()],
    children_open_work: orders.map((o) => o.summary).filter((s) => children.includes(s.asset_id) && isOpen(s)),
  };
}

const handlers: Record<string, (args: Args | undefined) => unknown> = {
  app_info: (): AppInfo => ({
    version: "0.1.0-dev",
    data_dir: "(browser dev mock — nothing is saved)",
    device_id: "dev-browser",
    schema_version: big(1),
    assets: assets.length,
    work_orders: orders.length,
    pending_changes: pending(),
  }),
  find_assets: (args): AssetSummary[] => {
    const q = str(args, "query").trim().toLowerCase();
    const limit = typeof args?.["limit"] === "number" ? args["limit"] : 20;
    if (!q) return [];
    const hits = assets.filter((a) =>
      [a.tag, a.name, a.location_name ?? "", a.manufacturer ?? "", a.model ?? ""].some((f) => f.toLowerCase().includes(q)),
    );
    hits.sort((a, b) => Number(b.tag.toLowerCase() === q) - Number(a.tag.toLowerCase() === q));
    return hits.slice(0, limit).map(summaryOf);
  },
  asset_by_tag: (args): Asset | null => {
    const tag = str(args, "tag").trim().toLowerCase();
    return assets.find((a) => a.tag.toLowerCase() === tag) ?? null;
  },
  asset_page: (args): AssetPage => {
    const a = byId(str(args, "asset_id"));
    const limit = typeof args?.["history_limit"] === "number" ? args["history_limit"] : 50;
    const mine = orders.map((o) => o.summary).filter((s) => s.asset_id === a.id).sort(newestFirst);
    return structuredClone({
      asset: a,
      open_work_orders: mine.filter(isOpen),
      history: mine.slice(0, limit),
      history_total: mine.length,
      recent_faults: faults.filter((f) => f.asset_id === a.id).sort((x, y) => y.occurred_at.localeCompare(x.occurred_at)),
      procedures: proceduresFor(a),
      help: assetHelp(a, mine),
    });
  },
  work_order: (args) => structuredClone(find(str(args, "work_order_id"))),
  log_breakdown: (args) => {
    const input = args?.["input"] as NewBreakdown;
    const a = byId(input.asset_id);
    if (!input.symptom.trim()) fail("invalid_input", "Describe the symptom: it becomes the work order's title.");
    if (!input.author.trim()) fail("invalid_input", "Who is logging this? Enter your name.");
    const at = input.machine_stopped ? (input.stopped_at ?? iso(now())) : null;
    if (at && Date.parse(at) > Date.now() + 60000) fail("invalid_input", "The machine cannot have stopped in the future.");
    const wo = newOrder(a, {
      title: input.symptom.trim(),
      fault_code: input.fault_code,
      status: "open",
      priority: input.priority ?? 2,
      reported_at: iso(now()),
      downtime_start: at,
      sync_state: "pending",
    }, { version: big(0), reported_by: input.author, notes: [] });
    if (input.note?.trim()) {
      wo.notes.push({ id: uuid(), work_order_id: wo.summary.id, author: input.author, text: input.note.trim(), created_at: iso(now()), sync_state: "pending", voided: false, corrections: [] });
    }
    if (input.fault_code) faults.push({ id: uuid(), asset_id: a.id, code: input.fault_code, message: null, source: "operator", occurred_at: iso(now()) });
    orders.push(wo);
    return touch(wo);
  },
  add_note: (args) => {
    const wo = find(str(args, "work_order_id"));
    const text = str(args, "text").trim();
    if (!text) fail("invalid_input", "A note needs some text.");
    if (/^fail$/i.test(text)) fail("storage", "Could not write to the local database (simulated): disk full.");
    wo.notes.push({ id: uuid(), work_order_id: wo.summary.id, author: str(args, "author"), text, created_at: iso(now()), sync_state: "pending", voided: false, corrections: [] });
    return touch(wo);
  },
  machine_stopped: (args) => {
    const wo = find(str(args, "work_order_id"));
    if (wo.summary.downtime_start && !wo.summary.downtime_end) fail("invalid_state", `The machine is already recorded as stopped on ${wo.summary.number}.`);
    const at = optStr(args, "at") ?? iso(now());
    // Stopped again after it was back in service: a new interval; downtime is their sum.
    if (wo.downtime_intervals.length === 0 && wo.summary.downtime_start)
      wo.downtime_intervals.push({ start: wo.summary.downtime_start, end: wo.summary.downtime_end });
    wo.downtime_intervals.push({ start: at, end: null });
    wo.summary.downtime_start ??= at;
    wo.summary.downtime_end = null;
    wo.summary.downtime_minutes = null;
    return touch(wo);
  },
  back_in_service: (args) => {
    const wo = find(str(args, "work_order_id"));
    if (!wo.summary.downtime_start || wo.summary.downtime_end) fail("invalid_state", `${wo.summary.number} has no ongoing downtime.`);
    const end = optStr(args, "at") ?? iso(now());
    wo.summary.downtime_end = end;
    const last = wo.downtime_intervals.at(-1);
    if (last && last.end === null) last.end = end;
    const spans = wo.downtime_intervals.length > 0 ? wo.downtime_intervals : [{ start: wo.summary.downtime_start, end }];
    wo.summary.downtime_minutes = big(spans.reduce((sum, i) => sum + minutes(i.start, i.end ?? end), 0));
    return touch(wo);
  },
  close_work_order: (args) => {
    const input = args?.["input"] as CloseWorkOrder;
    const wo = find(input.work_order_id);
    if (!isOpen(wo.summary)) fail("invalid_state", `${wo.summary.number} is already ${wo.summary.status}.`);
    const end = input.finished_at ?? iso(now());
    wo.summary.status = "closed";
    wo.summary.finished_at = end;
    // As the store: codes not given are kept, only the listed ones are cleared.
    const failure = { ...wo.summary.failure };
    for (const [k, v] of Object.entries(input.failure) as [keyof typeof failure, string | null][]) if (v !== null) failure[k] = v;
    for (const k of input.clear) failure[k] = null;
    wo.summary.failure = failure;
    wo.summary.remedy_text = input.remedy_text ?? wo.summary.remedy_text;
    if (wo.summary.downtime_start && !wo.summary.downtime_end) {
      wo.summary.downtime_end = end;
      wo.summary.downtime_minutes = big(minutes(wo.summary.downtime_start, end));
    }
    return touch(wo);
  },
  add_part: (args) => {
    const input = args?.["input"] as NewPart;
    const wo = find(input.work_order_id);
    if (!input.part_number.trim()) fail("invalid_input", "Enter the part number.");
    if (!(input.quantity > 0)) fail("invalid_input", "The quantity must be more than 0.");
    wo.parts.push({ id: uuid(), work_order_id: wo.summary.id, part_number: input.part_number.trim(), description: input.description, quantity: input.quantity, unit: input.unit ?? "ea", created_at: iso(now()), sync_state: "pending", voided: false, corrections: [] });
    return touch(wo);
  },
  add_photo: (args) => {
    const wo = find(str(args, "work_order_id"));
    const data = str(args, "data_base64");
    const sha256 = `dev${uuid().replaceAll("-", "")}`;
    photoBytes.set(sha256, Uint8Array.from(atob(data), (c) => c.charCodeAt(0)));
    wo.photos.push({ id: uuid(), work_order_id: wo.summary.id, sha256, mime: str(args, "mime"), size_bytes: big(Math.floor((data.length * 3) / 4)), caption: optStr(args, "caption") ?? null, created_at: iso(now()), sync_state: "pending", voided: false, corrections: [] });
    return touch(wo);
  },
  photo: (args): ArrayBuffer => {
    const bytes = photoBytes.get(str(args, "sha256"));
    if (!bytes) fail("not_found", "That photo is not on this laptop.");
    return bytes.slice().buffer;
  },
  failure_catalog: () => structuredClone(catalog),
  shift_report: (args): ShiftReport => {
    const to = optStr(args, "to") ?? iso(now());
    const from = optStr(args, "from") ?? iso(new Date(Date.parse(to) - 12 * 3600000));
    const all = orders.map((o) => o.summary);
    const breakdowns = all.filter((s) => s.wo_type === "breakdown" && s.reported_at >= from && s.reported_at <= to).sort(newestFirst);
    const downtime = breakdowns.reduce((sum, s) => {
      if (!s.downtime_start) return sum;
      const start = s.downtime_start < from ? from : s.downtime_start;
      const end = s.downtime_end === null || s.downtime_end > to ? to : s.downtime_end;
      return sum + minutes(start, end);
    }, 0);
    return structuredClone({
      from,
      to,
      breakdowns,
      still_open: all.filter(isOpen).sort((a, b) => a.priority - b.priority || newestFirst(a, b)),
      downtime_minutes: big(downtime),
    });
  },
};

const manuals = manualHandlers((assetId) => {
  const a = assets.find((x) => x.id === assetId);
  return a?.model ? [a.manufacturer, a.model].filter(Boolean).join(" ") : null;
});

const sync = syncHandlers(orders);
const procedureCommands = procedureHandlers();
const corrections = correctionHandlers(orders, touch);
const shiftCommands = shiftHandlers(orders, (from, to) => corrections["handover_notes"]!({ from, to }) as HandoverNote[]);

/** Same shape as `invoke`: named arguments, or raw bytes plus headers (manuals_add_bytes). */
export async function mockInvoke<T>(
  command: string,
  args?: Args | Uint8Array,
  options?: { headers?: HeadersInit },
): Promise<T> {
  await new Promise((r) => setTimeout(r, 15 + Math.random() * 40));
  const manual = manuals[command];
  if (manual) {
    const headers: Record<string, string> = {};
    new Headers(options?.headers).forEach((v, k) => (headers[k] = v));
    return (await manual(args, headers)) as T;
  }
  const handler = handlers[command] ?? procedureCommands[command] ?? sync[command] ?? corrections[command] ?? shiftCommands[command];
  if (!handler) throw `command ${command} not found`;
  return handler(args instanceof Uint8Array ? undefined : args) as T;
}
