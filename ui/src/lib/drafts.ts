// Drafts of what the technician is typing (breakdown form, note, close form), kept in localStorage
// until the app accepts them, so a crash, a closed window or a wrong tap never loses the text.
import { loadJson, remove, saveJson } from "./storage";

const PREFIX = "faultline.draft.";

export function loadDraft<T extends object>(key: string, fallback: T): T {
  const saved = loadJson<unknown>(PREFIX + key, null, (v): v is unknown => typeof v === "object" && v !== null);
  if (saved === null || typeof saved !== "object") return fallback;
  // Only fields the form knows, with the type it expects.
  const out = { ...fallback } as Record<string, unknown>;
  for (const [k, v] of Object.entries(saved as Record<string, unknown>)) {
    if (k in out && typeof v === typeof out[k]) out[k] = v;
  }
  return out as T;
}

export function saveDraft(key: string, value: object): void {
  saveJson(PREFIX + key, value);
}

export function clearDraft(key: string): void {
  remove(PREFIX + key);
}
