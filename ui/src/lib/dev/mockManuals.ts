// DEV ONLY: the manual library of the dev mock (docs/ipc.md, "Manual library"): a few invented
// OEM-style manuals whose PDFs are generated in memory (mockPdf.ts), imports that go through
// queued → extracting → extracted → indexed (or fail by file name: "encrypted", "scan",
// "damaged", "slow"), progress and change events, and a small search with code spellings
// (E.OC1 / OC1, Err 31 / Err31), prefixes and one-letter typos. Open the app with `?mock-rebuild`
// to see search during an index rebuild.
import type { ErrorBody } from "../bindings/ErrorBody";
import type { ImportProgress, ImportStarted, IndexRebuild, Manual, SearchHit, SearchResults } from "../api";
import { emit } from "./mockEvents";
import { makePdf, type MockPage } from "./mockPdf";

const big = (n: number): bigint => n as unknown as bigint;

function fail(code: ErrorBody["code"], message: string): never {
  throw { code, message } satisfies ErrorBody;
}

interface Entry {
  manual: Manual;
  pages: MockPage[];
  /** The PDF as uploaded (add_bytes), else generated from `pages` on demand. */
  bytes: Uint8Array | null;
  /** Password the "encrypted" file opens with (any non-empty one except "wrong"). */
  encrypted: boolean;
}

const text = (heading: string, ...lines: string[]): MockPage => ({ heading, lines });

const FR_E800: MockPage[] = [
  text(
    "FR-E800 Series Inverter - Troubleshooting",
    "Read this chapter before you reset a fault. A fault display stays on the operation panel until the inverter is reset.",
    "Reset the inverter with the STOP/RESET key, by switching the power off and on, or with the RES signal.",
  ),
  text(
    "List of fault displays",
    "E.OC1  Overcurrent trip during acceleration",
    "E.OC2  Overcurrent trip during constant speed",
    "E.OC3  Overcurrent trip during deceleration or stop",
    "E.OV1  Regenerative overvoltage trip during acceleration",
    "E.THM  Motor overload trip (electronic thermal O/L relay)",
    "E.GF  Output side earth fault overcurrent",
    "Err.  Operation panel communication error; the inverter is being reset",
  ),
  text(
    "E.OC1 - Overcurrent trip during acceleration",
    "When the output current of the inverter reaches or exceeds about 170% of the rated current during acceleration, the protective circuit activates and the inverter trips. The display shows E.OC1 (OC1 on some panels).",
    "Check point: Check for sudden acceleration. Check for an output short circuit or a ground fault. Check that the motor is not stalled under load: brake applied, jammed conveyor, seized bearing.",
    "Corrective action: Increase the acceleration time (Pr.7). If the motor stalls under load, remove the cause of the mechanical overload before restarting. Check the wiring between inverter and motor.",
  ),
  text(
    "E.OV1 - Regenerative overvoltage trip during acceleration",
    "If regenerative power raises the main circuit DC voltage above the limit, the protective circuit activates and the inverter trips.",
    "Check point: Check that the acceleration is not too slow for a load that drives the motor.",
    "Corrective action: Shorten the acceleration time. Use the regeneration avoidance function (Pr.882).",
  ),
  text(
    "Motor does not start",
    "Check that the start signal is on and the frequency setting is above the starting frequency (Pr.13).",
    "Check that the output stop signal (MRS) is off and that no fault is displayed.",
    "If the motor hums but does not turn, the load may be too heavy or the motor may be blocked: check the mechanical side.",
  ),
  text(
    "Parameter list (extract)",
    "Pr.7  Acceleration time  5 s",
    "Pr.8  Deceleration time  5 s",
    "Pr.9  Electronic thermal O/L relay  rated inverter current",
    "Pr.13  Starting frequency  0.5 Hz",
  ),
];

const GRUNDFOS_CR: MockPage[] = [
  text(
    "CR, CRI, CRN - Installation and operating instructions",
    "These instructions cover vertical multistage centrifugal pumps CR, CRI and CRN. Keep them at the pump.",
  ),
  text(
    "Priming",
    "Close the discharge isolating valve and open the priming plug. Fill the pump slowly with liquid until a steady stream runs out of the priming hole. Never run the pump dry.",
  ),
  text(
    "Shaft seal",
    "A few drops of leakage at the shaft seal are normal after start-up. If the shaft seal leaks continuously, replace the seal kit. Check for dry running and for solid particles in the pumped liquid.",
  ),
  text(
    "Fault finding chart",
    "Pump delivers no liquid or too little: air in the suction pipe, suction valve closed or half closed, wrong direction of rotation, clogged strainer.",
    "Pump vibrates or is noisy: cavitation, air in the pump, pump not secured to the base.",
    "Leakage at the shaft seal: seal worn or damaged, wrong seal for the liquid.",
  ),
];

const GA30: MockPage[] = [
  text("GA 30 VSD+ - Instruction book", "Oil-injected screw compressor with variable speed drive. Read the safety precautions first."),
  text(
    "Warning and shutdown messages",
    "Warning: element outlet temperature high. Check the cooler for dirt and the ambient temperature.",
    "Shutdown: motor overload. Check the supply voltage and the drive. Reset after the cause is removed.",
  ),
  text("Service plan", "Every 4000 running hours: replace the oil filter and the air filter, check the drain.", "Every 8000 hours: replace the oil separator."),
];

const ZEBRA: MockPage[] = [
  text("ZE521 Print Engine - Maintenance manual", "Clean the printhead every roll of ribbon. Use isopropyl alcohol and a cleaning pen."),
  text(
    "Error messages",
    "Err 31 - RIBBON OUT: the ribbon is used up or not loaded correctly. Load ribbon and press PAUSE.",
    "Err 32 - PRINTHEAD OPEN: close the printhead latch.",
    "Err 33 - MEDIA OUT: load labels and calibrate.",
  ),
];

const INTERROLL: MockPage[] = [
  text("Modular belt conveyor 2000 - Operating manual", "Belt tension and tracking must be checked weekly."),
  text(
    "Troubleshooting",
    "Belt slips on the drive pulley: increase the belt tension, check for oil on the belt.",
    "Cartons jam at the transfer: align the guide rails, check the transfer plate height.",
  ),
];

const SCANNED: MockPage[] = [
  { drawing: true, label: "WIRING DIAGRAM LINE 2 SHEET 1" },
  { drawing: true, label: "WIRING DIAGRAM LINE 2 SHEET 2" },
];

let seq = 5000;
const newId = () => `00000000-0000-4000-9000-${String(++seq).padStart(12, "0")}`;
const isoAgo = (h: number) => new Date(Date.now() - h * 3600000).toISOString().replace(/\.\d{3}Z$/, "Z");

function manual(file_name: string, title: string | null, extra: Partial<Manual>, pages: MockPage[], hoursAgo: number): Entry {
  return {
    manual: {
      id: newId(),
      sha256: `dev-${file_name}`,
      file_name,
      title,
      manufacturer: null,
      models: [],
      language: "en",
      size_bytes: big(40_000 + pages.length * 9_000),
      page_count: pages.length,
      state: "indexed",
      failure_kind: null,
      failure_message: null,
      added_at: isoAgo(hoursAgo),
      ...extra,
    },
    pages,
    bytes: null,
    encrypted: false,
  };
}

const library: Entry[] = [
  manual("interroll_belt_2000.pdf", "Modular belt conveyor 2000 - Operating manual", { manufacturer: "Interroll", models: ["Interroll Modular belt 2000"], state: "extracting", page_count: null }, INTERROLL, 0.01),
  manual("fr-e800_troubleshooting.pdf", "FR-E800 Inverter Instruction Manual (Troubleshooting)", { manufacturer: "Mitsubishi Electric", models: ["Mitsubishi Electric FR-E820-0.75K"] }, FR_E800, 30),
  manual("grundfos_cr_cri_crn_ioi.pdf", "CR, CRI, CRN Installation and operating instructions", { manufacturer: "Grundfos", models: ["Grundfos CRN 10-6"] }, GRUNDFOS_CR, 50),
  manual("GA30VSD_instruction_book.pdf", "GA 30 VSD+ Instruction book", { manufacturer: "Atlas Copco", models: ["Atlas Copco GA 30 VSD+"] }, GA30, 70),
  {
    ...manual("zebra_ze521_maintenance.pdf", null, { manufacturer: "Zebra", models: ["Zebra ZE521"], state: "failed", page_count: null, failure_kind: "encrypted", failure_message: "Encrypted: this PDF needs a password. Enter it and tap Try again." }, ZEBRA, 80),
    encrypted: true,
  },
  manual("line2_wiring_scanned.pdf", null, { state: "failed", failure_kind: "no_text_layer", failure_message: "No text layer: the pages are scanned images, so text search is not available. The file can still be opened." }, SCANNED, 90),
];

// The manual still "extracting" at start finishes a few seconds after the page opens.
setTimeout(() => advance(library[0]!, "extracted"), 2500);

function find(id: string): Entry {
  const e = library.find((x) => x.manual.id === id);
  if (!e) fail("not_found", `No manual with id ${id}`);
  return e;
}

const changed = (e: Entry) => emit("manuals://changed", { manual_id: e.manual.id });

/** Failure for a file name, like the real extractor would classify the file. */
function failureFor(name: string): { kind: string; message: string } | null {
  if (/encrypt|secret|locked/i.test(name)) return { kind: "encrypted", message: "Encrypted: this PDF needs a password. Enter it and tap Try again." };
  if (/scan/i.test(name)) return { kind: "no_text_layer", message: "No text layer: the pages are scanned images, so text search is not available. The file can still be opened." };
  if (/damaged|broken|corrupt/i.test(name)) return { kind: "damaged", message: "Damaged file: the PDF's structure is broken beyond repair. Get a fresh copy of the manual and add it again." };
  if (/slow|timeout/i.test(name)) return { kind: "timeout", message: "Took longer than 60 s: reading the text was stopped. Try again when the laptop is less busy." };
  return null;
}

let cancelled = false;

/** Moves a manual through the extraction states, with a change event at each step. */
function advance(e: Entry, to: Manual["state"]): void {
  const m = e.manual;
  m.state = to;
  changed(e);
  if (to === "queued") setTimeout(() => (cancelled ? undefined : advance(e, "extracting")), 500);
  else if (to === "extracting") {
    setTimeout(() => {
      const failure = e.encrypted ? { kind: "encrypted", message: "Encrypted: this PDF needs a password. Enter it and tap Try again." } : failureFor(m.file_name);
      if (failure) {
        m.state = "failed";
        m.failure_kind = failure.kind;
        m.failure_message = failure.message;
        if (failure.kind === "no_text_layer") m.page_count = e.pages.length;
        changed(e);
      } else advance(e, "extracted");
    }, 1200);
  } else if (to === "extracted") {
    setTimeout(() => {
      m.page_count = e.pages.length;
      advance(e, "indexed");
    }, 500);
  }
}

function fnv(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193) >>> 0;
  return `dev-${h.toString(16)}-${bytes.length}`;
}

function pagesFor(name: string): MockPage[] {
  const stem = name.replace(/\.pdf$/i, "").replace(/[_-]+/g, " ");
  return [
    text(stem, "This manual was added in the browser dev mock. Its pages are made up for testing."),
    text("Troubleshooting", `Alarm A-17 on ${stem}: check the motor overload relay and the supply fuses.`, "Motor stalls under load: check the gearbox and the belt tension."),
  ];
}

function addEntry(name: string, sha: string, size: number, bytes: Uint8Array | null): Entry {
  const existing = library.find((x) => x.manual.sha256 === sha);
  if (existing) return existing;
  const e = manual(name, null, { state: "queued", size_bytes: big(size), page_count: null }, pagesFor(name), 0);
  e.manual.sha256 = sha;
  e.bytes = bytes;
  library.unshift(e);
  cancelled = false;
  advance(e, "queued");
  return e;
}

// ---- search -------------------------------------------------------------------------------------

const fold = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, "");
const codeCore = (s: string) => (/\d/.test(s) ? s.replace(/^(error|err|e)(?=[a-z]*\d|\d)/, "") : s);

function editDistanceAtMost1(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (b.length > a.length) j++;
    else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}

function matchScore(q: string, w: string): number {
  if (!q || !w) return 0;
  if (q === w) return 3;
  if (/\d/.test(q) && codeCore(q) === codeCore(w) && codeCore(q).length >= 2) return 3;
  if (q.length >= 4 && w.length >= 4 && (w.startsWith(q) || q.startsWith(w))) return 1.5;
  // Typos in words, not in codes: "Err31" must not find "Err32".
  if (q.length >= 5 && !/\d/.test(q + w) && editDistanceAtMost1(q, w)) return 1;
  return 0;
}

interface Word {
  key: string;
  start: number;
  end: number;
}

function words(s: string): Word[] {
  const out: Word[] = [];
  const re = /[A-Za-z0-9](?:[A-Za-z0-9.\-/]*[A-Za-z0-9])?/g;
  for (let m = re.exec(s); m; m = re.exec(s)) out.push({ key: fold(m[0]), start: m.index, end: m.index + m[0].length });
  // "Err 31" written apart on the page is also the one word "err31".
  for (let i = 0; i + 1 < out.length; i++) {
    const a = out[i]!;
    const b = out[i + 1]!;
    if (/^[a-z]+$/.test(a.key) && /^\d+$/.test(b.key) && b.start - a.end <= 1) out.push({ key: a.key + b.key, start: a.start, end: b.end });
  }
  return out;
}

function queryTokens(q: string): string[] {
  const parts = q.split(/\s+/).map(fold).filter(Boolean);
  const out = [...parts];
  for (let i = 0; i + 1 < parts.length; i++) if (/^[a-z]+$/.test(parts[i]!) && /^\d+$/.test(parts[i + 1]!)) out.push(parts[i]! + parts[i + 1]!);
  return [...new Set(out)];
}

function pageText(p: MockPage): string {
  return "drawing" in p ? "" : [p.heading, ...p.lines].join(" ");
}

let rebuild: IndexRebuild | null = null;

if (typeof window !== "undefined" && /[?&]mock-rebuild\b/.test(window.location.search)) {
  rebuild = { done: 0, total: 12000, finished: false };
  const timer = setInterval(() => {
    if (!rebuild) return;
    rebuild.done = Math.min(rebuild.total, rebuild.done + 600);
    rebuild.finished = rebuild.done >= rebuild.total;
    emit("index://rebuild", rebuild);
    if (rebuild.finished) {
      rebuild = null;
      clearInterval(timer);
    }
  }, 500);
}

function search(text: string, assetModel: string | null, limit: number): SearchResults {
  const tokens = queryTokens(text);
  const hits: SearchHit[] = [];
  if (tokens.length === 0) return { hits, rebuilding: rebuild !== null };
  // While "rebuilding", only part of the library is in the index.
  const searchable = library.filter((e) => e.manual.state === "indexed").slice(0, rebuild ? 2 : undefined);
  for (const e of searchable) {
    const boost = assetModel !== null && e.manual.models.includes(assetModel) ? 1.6 : 1;
    e.pages.forEach((p, i) => {
      const body = pageText(p);
      const ws = words(body);
      let score = 0;
      const matched: Word[] = [];
      for (const t of tokens) {
        let best = 0;
        for (const w of ws) {
          const s = matchScore(t, w.key);
          if (s > 0) matched.push(w);
          best = Math.max(best, s);
        }
        score += best;
      }
      if (score === 0) return;
      matched.sort((a, b) => a.start - b.start);
      const first = matched[0]!;
      let from = Math.max(0, first.start - 70);
      if (from > 0) from = body.indexOf(" ", from) + 1;
      const to = Math.min(body.length, from + 220);
      const lead = from > 0 ? "… " : "";
      const snippet = lead + body.slice(from, to) + (to < body.length ? " …" : "");
      const highlights: Array<[number, number]> = [];
      for (const w of matched) {
        if (w.start >= from && w.end <= to) highlights.push([w.start - from + lead.length, w.end - from + lead.length]);
      }
      hits.push({
        manual_id: e.manual.id,
        file_name: e.manual.file_name,
        title: e.manual.title,
        page: i + 1,
        score: Math.round(score * boost * 1000) / 1000,
        snippet,
        highlights,
      });
    });
  }
  hits.sort((a, b) => b.score - a.score || a.page - b.page);
  return { hits: hits.slice(0, limit), rebuilding: rebuild !== null };
}

// ---- commands -------------------------------------------------------------------------------------

type Args = Record<string, unknown> | Uint8Array | undefined;
const arg = (args: Args, key: string): unknown => (args instanceof Uint8Array ? undefined : args?.[key]);
const str = (args: Args, key: string): string => {
  const v = arg(args, key);
  if (typeof v !== "string") fail("invalid_input", `missing argument ${key}`);
  return v;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function manualHandlers(
  assetModel: (assetId: string) => string | null,
): Record<string, (args: Args, headers: Record<string, string>) => unknown> {
  return {
    manuals_list: (): Manual[] => library.map((e) => structuredClone(e.manual)),
    manuals_add_bytes: async (args, headers): Promise<Manual> => {
      if (!(args instanceof Uint8Array)) fail("invalid_input", "manuals_add_bytes takes the PDF's bytes as the request body");
      const name = decodeURIComponent(headers["x-file-name"] ?? "") || "manual.pdf";
      await sleep(250 + args.length / 50_000);
      const head = new TextDecoder().decode(args.subarray(0, 5));
      if (head !== "%PDF-") fail("import_failed", `“${name}” is not a PDF file.`);
      return structuredClone(addEntry(name, fnv(args), args.length, args.slice()).manual);
    },
    manuals_add_files: (args): ImportStarted => {
      const paths = arg(args, "paths");
      if (!Array.isArray(paths) || paths.some((p) => typeof p !== "string")) fail("invalid_input", "paths must be a list of file paths");
      const model = arg(args, "model");
      // A path without .pdf is a folder: pretend it holds three manuals.
      const files = (paths as string[]).flatMap((p) =>
        /\.pdf$/i.test(p) ? [p] : [1, 2, 3].map((n) => `${p.replace(/[\\/]+$/, "")}/manual-${n}.pdf`),
      );
      const duplicates = files.filter((f) => library.some((e) => e.manual.sha256 === `dev-path-${f}`)).length;
      const todo = files.filter((f) => !library.some((e) => e.manual.sha256 === `dev-path-${f}`));
      cancelled = false;
      const progress: ImportProgress = { total: todo.length, done: 0, current: todo[0] ?? null, manual_id: null, cancelled: false, retry_later: 0 };
      emit("manuals://progress", progress);
      let i = 0;
      const step = () => {
        if (cancelled) {
          emit("manuals://progress", { ...progress, current: null, cancelled: true });
          return;
        }
        const path = todo[i++];
        if (path === undefined) return;
        const name = path.split(/[\\/]/).pop() ?? path;
        const e = addEntry(name, `dev-path-${path}`, 120_000, null);
        if (typeof model === "string" && model.trim() && !e.manual.models.includes(model.trim())) e.manual.models.push(model.trim());
        progress.done = i;
        progress.current = todo[i] ?? null;
        emit("manuals://progress", progress);
        if (i < todo.length) setTimeout(step, 700);
      };
      setTimeout(step, 700);
      return { queued: todo.length, duplicates };
    },
    manuals_cancel: (): null => {
      cancelled = true;
      return null;
    },
    manual_link_model: (args): Manual => {
      const e = find(str(args, "manual_id"));
      const manufacturer = str(args, "manufacturer").trim();
      const model = str(args, "model").trim();
      if (!model) fail("invalid_input", "Enter the model to link the manual to.");
      const label = manufacturer ? `${manufacturer} ${model}` : model;
      if (!e.manual.models.includes(label)) e.manual.models.push(label);
      if (manufacturer && !e.manual.manufacturer) e.manual.manufacturer = manufacturer;
      return structuredClone(e.manual);
    },
    manual_retry: (args): Manual => {
      const e = find(str(args, "manual_id"));
      if (e.manual.state !== "failed") fail("invalid_state", "Only a manual that failed can be tried again.");
      const password = arg(args, "password");
      if (e.encrypted && typeof password === "string" && password !== "" && password !== "wrong") e.encrypted = false;
      e.manual.failure_kind = null;
      e.manual.failure_message = null;
      cancelled = false;
      advance(e, "queued");
      return structuredClone(e.manual);
    },
    // The folder chooser: a folder of three manuals (see manuals_add_files).
    pick_folder: (): string => "/home/dev/OEM manuals",
    manual_pdf: (args): ArrayBuffer => {
      const e = find(str(args, "manual_id"));
      const bytes = e.bytes ?? makePdf(e.manual.title ?? e.manual.file_name, e.pages);
      return bytes.slice().buffer;
    },
    search_manuals: (args): SearchResults => {
      const text = str(args, "text");
      const assetId = arg(args, "asset_id");
      const limit = arg(args, "limit");
      return search(text, typeof assetId === "string" ? assetModel(assetId) : null, typeof limit === "number" ? limit : 20);
    },
  };
}
