// Words and small decisions for the manual library: state and failure texts, grouping search hits
// by manual, which words to highlight in the viewer, which picked files are PDFs, import progress.
import type { ImportProgress, Manual, ManualState, SearchHit } from "./api";
import { highlightedWords } from "./highlight";

/** What the state badge does not say: what is happening to the manual, in plain words. */
export function stateText(state: ManualState): string {
  switch (state) {
    case "queued":
      return "Waiting for its text to be read.";
    case "extracting":
      return "Reading the text now…";
    case "extracted":
      return "Text read; adding it to the search index.";
    case "indexed":
      return "Searchable.";
    case "failed":
      return "Could not be read.";
  }
}

/** Why a manual failed and what the person can do, from the app's message or else its kind. */
export function failureText(kind: string | null, message: string | null): string {
  if (message && message.trim()) return message.trim();
  switch (kind) {
    case "encrypted":
      return "Encrypted: this PDF needs a password. Enter it and tap Try again.";
    case "no_text_layer":
      return "No text layer: the pages are scanned images, so text search is not available. The file can still be opened.";
    case "damaged":
      return "Damaged file: the PDF could not be read. Get a fresh copy of the manual and add it again.";
    case "timeout":
      return "Reading the text took too long and was stopped. Try again when the laptop is less busy.";
    default:
      return kind ? `The text could not be read (${kind}).` : "The text could not be read.";
  }
}

export const needsPassword = (m: Pick<Manual, "state" | "failure_kind">): boolean =>
  m.state === "failed" && m.failure_kind === "encrypted";

/** Whether the original can be shown: not for a file whose password the app does not have. */
export const canOpen = (m: Pick<Manual, "state" | "failure_kind">): boolean => !needsPassword(m) && m.failure_kind !== "damaged";

/** "Title" when the PDF has one, else the file name. */
export function manualName(m: { title: string | null; file_name: string }): string {
  const title = m.title?.trim();
  return title ? title : m.file_name;
}

export interface HitGroup {
  manual_id: string;
  file_name: string;
  title: string | null;
  hits: SearchHit[];
}

/**
 * Hits grouped by manual: groups in the order of each manual's best hit (the backend ranks), and
 * a manual's pages in rank order inside its group.
 */
export function groupHits(hits: readonly SearchHit[]): HitGroup[] {
  const groups = new Map<string, HitGroup>();
  for (const hit of hits) {
    let group = groups.get(hit.manual_id);
    if (!group) {
      group = { manual_id: hit.manual_id, file_name: hit.file_name, title: hit.title, hits: [] };
      groups.set(hit.manual_id, group);
    }
    group.hits.push(hit);
  }
  return [...groups.values()];
}

const EDGE_PUNCT = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;

/**
 * The words to highlight on the opened page: the words the search engine highlighted in the
 * snippet (they are the page's own spelling of a code or a stemmed word) and then the typed words,
 * each once, ignoring case; single characters are left out.
 */
export function hitTerms(hit: Pick<SearchHit, "snippet" | "highlights">, query: string, max = 12): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const add = (word: string) => {
    const w = word.replace(EDGE_PUNCT, "");
    const key = w.toLowerCase();
    if (w.length < 2 || seen.has(key)) return;
    seen.add(key);
    out.push(w);
  };
  for (const w of highlightedWords(hit.snippet, hit.highlights)) add(w);
  for (const w of query.split(/\s+/)) add(w);
  return out.slice(0, max);
}

/** PDFs among picked files (a folder pick brings everything in it), and how many others were skipped. */
export function pickPdfs<F extends { name: string; type: string }>(files: Iterable<F>): { pdfs: F[]; skipped: number } {
  const pdfs: F[] = [];
  let skipped = 0;
  for (const f of files) {
    if (f.type === "application/pdf" || /\.pdf$/i.test(f.name)) pdfs.push(f);
    else skipped++;
  }
  return { pdfs, skipped };
}

/** An import that is still running (not finished, not cancelled). */
export const importRunning = (p: ImportProgress | null): boolean => p !== null && !p.cancelled && p.done < p.total;

/** Progress as a fraction from 0 to 1. */
export function progressFraction(p: Pick<ImportProgress, "done" | "total">): number {
  if (!(p.total > 0)) return 0;
  return Math.max(0, Math.min(1, p.done / p.total));
}

/** "3 of 12 files", "Cancelled after 3 of 12 files", "12 of 12 files added". */
export function progressText(p: ImportProgress): string {
  const files = p.total === 1 ? "file" : "files";
  // Manuals whose reader could not be run (or were stopped by Cancel) wait in the queue.
  const later = p.retry_later > 0 ? `; ${p.retry_later} left for the next import` : "";
  if (p.cancelled) return `Cancelled after ${p.done} of ${p.total} ${files}${later}`;
  if (p.done >= p.total) return `${p.done} of ${p.total} ${files} added${later}`;
  return `${p.done} of ${p.total} ${files}`;
}

/** "Manufacturer Model" from the two fields, or null when the model is missing. */
export function modelLabel(manufacturer: string, model: string): string | null {
  const mf = manufacturer.trim().replace(/\s+/g, " ");
  const md = model.trim().replace(/\s+/g, " ");
  if (!md) return null;
  return mf ? `${mf} ${md}` : md;
}

/**
 * The library's manual a guide step's link names (`{ manual, page }`, the manual by its title or
 * by the model it belongs to, docs/guides.md): the one titled so (any case), else the first
 * linked to that model ("Manufacturer Model" ending with it, any case) that can be opened;
 * `null` when the library has none.
 */
export function manualForLink<M extends Pick<Manual, "id" | "title" | "models" | "state" | "failure_kind">>(
  name: string,
  manuals: readonly M[],
): M | null {
  const want = name.trim().toLowerCase();
  if (want === "") return null;
  const openable = manuals.filter(canOpen);
  const byTitle = openable.find((m) => m.title?.trim().toLowerCase() === want);
  if (byTitle) return byTitle;
  return (
    openable.find((m) =>
      m.models.some((model) => {
        const x = model.trim().toLowerCase();
        return x === want || x.endsWith(` ${want}`);
      }),
    ) ?? null
  );
}
