// DEV ONLY: corrections (amend/void a note, part or photo, append-only) and shift handover notes
// for the dev mock, over the mock's work orders. Same checks and shapes as the app (docs/ipc.md).
import type { Correction } from "../bindings/Correction";
import type { ErrorBody } from "../bindings/ErrorBody";
import type { HandoverNote } from "../bindings/HandoverNote";
import type { NewCorrection } from "../bindings/NewCorrection";
import type { NewHandoverNote } from "../bindings/NewHandoverNote";
import type { WorkOrder } from "../bindings/WorkOrder";

type Args = Record<string, unknown> | undefined;

function fail(code: ErrorBody["code"], message: string): never {
  throw { code, message } satisfies ErrorBody;
}

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");
let seq = 5000;
const uuid = () => `00000000-0000-4000-8000-${String(++seq).padStart(12, "0")}`;

function input<T>(args: Args): T {
  const v = args?.input;
  if (!v || typeof v !== "object") fail("invalid_input", "missing input");
  return v as T;
}

/** `correct_item`, `add_handover_note`, `handover_notes`; `touch` marks a work order changed. */
export function correctionHandlers(
  orders: WorkOrder[],
  touch: (wo: WorkOrder) => WorkOrder,
): Record<string, (args: Args) => unknown> {
  const handover: HandoverNote[] = [
    {
      id: uuid(),
      shift_start: iso(new Date(Date.now() - 16 * 3600000)),
      shift_end: iso(new Date(Date.now() - 8 * 3600000)),
      author: "R. Okafor",
      text: "Press line 2 tripped twice on OC1 overnight, reset both times. Watch it.",
      created_at: iso(new Date(Date.now() - 8.2 * 3600000)),
      sync_state: "synced",
    },
  ];
  return {
    correct_item: (args) => {
      const c = input<NewCorrection>(args);
      const author = c.author.trim();
      if (!author) fail("invalid_input", "the name of who corrects it is empty: type a few words");
      for (const wo of orders) {
        const item =
          c.target === "note" ? wo.notes.find((n) => n.id === c.target_id)
          : c.target === "part" ? wo.parts.find((p) => p.id === c.target_id)
          : wo.photos.find((p) => p.id === c.target_id);
        if (!item) continue;
        if (item.voided) fail("invalid_state", `this ${c.target} is voided already: add a new ${c.target} instead`);
        const was =
          "text" in item ? item.text
          : "part_number" in item ? `${item.quantity} ${item.unit} ${item.part_number}`
          : (item.caption ?? "");
        const entry: Correction = {
          id: uuid(), action: c.action, author, created_at: iso(new Date()), was, now: null,
          reason: null, sync_state: "pending",
        };
        if (c.action === "void") {
          const reason = (c.reason ?? "").trim();
          if (!reason) fail("invalid_input", "the reason for voiding it is empty: type a few words");
          entry.reason = reason;
          item.voided = true;
        } else if ("text" in item) {
          const text = (c.text ?? "").trim();
          if (!text) fail("invalid_input", "the note is empty: type a few words");
          item.text = text;
          entry.now = text;
        } else if ("part_number" in item) {
          const q = c.quantity ?? item.quantity;
          if (!(q > 0) || q > 1000) fail("invalid_input", "the quantity must be a number above 0 and at most 1000");
          item.part_number = (c.part_number ?? item.part_number).trim();
          item.quantity = q;
          item.unit = c.unit ?? item.unit;
          entry.now = `${item.quantity} ${item.unit} ${item.part_number}`;
        } else {
          item.caption = (c.caption ?? "").trim() || null;
          entry.now = item.caption ?? "";
        }
        item.corrections.push(entry);
        return touch(wo);
      }
      fail("not_found", `no ${c.target} with id ${c.target_id}: use an id shown with the work order`);
    },
    add_handover_note: (args) => {
      const n = input<NewHandoverNote>(args);
      if (Date.parse(n.shift_end) <= Date.parse(n.shift_start)) fail("invalid_input", "the shift must end after it starts: check the shift's times");
      if (!n.text.trim()) fail("invalid_input", "the handover note is empty: type a few words");
      if (!n.author.trim()) fail("invalid_input", "the shift lead's name is empty: type a few words");
      const note: HandoverNote = {
        id: uuid(), shift_start: n.shift_start, shift_end: n.shift_end, author: n.author.trim(),
        text: n.text.trim(), created_at: iso(new Date()), sync_state: "pending",
      };
      handover.push(note);
      return structuredClone(note);
    },
    handover_notes: (args) => {
      const to = typeof args?.to === "string" ? args.to : iso(new Date());
      const from = typeof args?.from === "string" ? args.from : iso(new Date(Date.parse(to) - 24 * 3600000));
      return structuredClone(
        handover
          .filter((n) => n.shift_start < to && n.shift_end > from)
          .sort((a, b) => a.shift_start.localeCompare(b.shift_start) || a.created_at.localeCompare(b.created_at)),
      );
    },
  };
}
