// The asset finder's state and actions: type-ahead (find_assets, debounced, stale answers dropped),
// Enter and barcode scans (asset_by_tag first, then the first match), arrow-key highlighting.
import { assetByTag, findAssets } from "./api";
import type { AssetSummary } from "./bindings/AssetSummary";
import { clearError, showError } from "./errors.svelte";
import { rememberAsset } from "./recent";
import { go, router } from "./router.svelte";
import { moveActive, resolveEnter, TypeAhead, type Found } from "./typeahead";

export const RESULT_LIMIT = 25;

export const finder = $state<{
  query: string;
  /** The query the results answer (may lag behind `query` while typing). */
  answered: string;
  results: AssetSummary[];
  active: number;
  searching: boolean;
  /** "No asset with tag X" and the like. */
  message: string | null;
}>({ query: "", answered: "", results: [], active: -1, searching: false, message: null });

const typeAhead = new TypeAhead<AssetSummary[]>(
  (q) => findAssets(q, RESULT_LIMIT),
  (q, results) => {
    finder.answered = q;
    finder.results = results;
    finder.active = -1;
    finder.searching = false;
  },
  (_q, error) => {
    finder.searching = false;
    showError(error);
  },
  80,
);

/** The text in the search box changed. */
export function setQuery(query: string): void {
  finder.query = query;
  finder.message = null;
  if (router.route.name !== "finder") go({ name: "finder" });
  if (query.trim() === "") {
    typeAhead.cancel();
    finder.results = [];
    finder.answered = "";
    finder.active = -1;
    finder.searching = false;
    return;
  }
  finder.searching = true;
  typeAhead.input(query.trim());
}

/** Arrow keys: move the highlighted result. */
export function moveHighlight(delta: number): void {
  finder.active = moveActive(finder.active, delta, finder.results.length);
}

/** Opens an asset page from the finder and resets the box for the next scan. */
export function openAsset(asset: Found): void {
  rememberAsset(asset);
  typeAhead.cancel();
  finder.query = "";
  finder.answered = "";
  finder.results = [];
  finder.active = -1;
  finder.searching = false;
  finder.message = null;
  go({ name: "asset", assetId: asset.id });
}

let submitting = 0;

/**
 * Enter in the box or a barcode scan: the highlighted result if the person picked one with the
 * arrow keys, else the asset with exactly this tag, else the first match.
 */
export async function submit(text: string = finder.query): Promise<void> {
  const picked = finder.active >= 0 ? finder.results[finder.active] : undefined;
  if (picked && text === finder.query) {
    openAsset(picked);
    return;
  }
  const wanted = text.trim();
  if (!wanted) return;
  clearError();
  const my = ++submitting;
  typeAhead.cancel();
  finder.searching = true;
  try {
    const resolution = await resolveEnter(wanted, {
      byTag: (tag) => assetByTag(tag),
      find: async (q) => {
        const results = await findAssets(q, RESULT_LIMIT);
        if (my === submitting) {
          finder.results = results;
          finder.answered = q;
          finder.active = -1;
        }
        return results;
      },
    });
    if (my !== submitting) return;
    finder.searching = false;
    if (resolution.kind === "asset") openAsset(resolution.asset);
    else {
      finder.message = `No asset with tag ${resolution.text}`;
      if (router.route.name !== "finder") go({ name: "finder" });
    }
  } catch (error) {
    if (my === submitting) {
      finder.searching = false;
      showError(error);
    }
  }
}

/** A scan that arrived while focus was elsewhere: show it in the box and resolve it. */
export function scan(tag: string): Promise<void> {
  finder.query = tag;
  finder.active = -1;
  finder.message = null;
  return submit(tag);
}

/** Puts the cursor in the search box (start screen, "Assets" button, Escape). */
export function focusSearch(selectAll = false): void {
  const input = document.getElementById("asset-search");
  if (input instanceof HTMLInputElement) {
    input.focus();
    if (selectAll) input.select();
  }
}
