// Manual search as you type (Manuals screen and asset page): debounced ~120 ms, only the answer to
// the newest text is shown (TypeAhead drops stale ones), hits grouped by manual, and the index
// rebuild flag passed on. Pure: the component renders `ManualSearchView` and calls the methods.
import type { SearchResults } from "./api";
import { groupHits, type HitGroup } from "./manuals";
import { TypeAhead } from "./typeahead";

export const SEARCH_DELAY_MS = 120;
export const SEARCH_LIMIT = 30;

export interface ManualSearchView {
  /** The text in the box. */
  query: string;
  /** The text the shown hits answer (lags behind `query` while typing). */
  answered: string;
  groups: HitGroup[];
  total: number;
  /** The index is being rebuilt: results may be incomplete. */
  rebuilding: boolean;
  /** A search is pending or running for `query`. */
  searching: boolean;
  error: string | null;
}

export const emptyView = (query = ""): ManualSearchView => ({
  query,
  answered: "",
  groups: [],
  total: 0,
  rebuilding: false,
  searching: false,
  error: null,
});

const errorText = (e: unknown): string =>
  e instanceof Error ? e.message : typeof e === "string" ? e : "The search did not answer.";

export class ManualSearch {
  #view: ManualSearchView;
  #typeAhead: TypeAhead<SearchResults>;
  #onChange: (view: ManualSearchView) => void;

  constructor(
    search: (text: string) => Promise<SearchResults>,
    onChange: (view: ManualSearchView) => void,
    delayMs = SEARCH_DELAY_MS,
  ) {
    this.#view = emptyView();
    this.#onChange = onChange;
    this.#typeAhead = new TypeAhead<SearchResults>(
      search,
      (query, result) =>
        this.#set({
          answered: query,
          groups: groupHits(result.hits),
          total: result.hits.length,
          rebuilding: result.rebuilding,
          searching: false,
          error: null,
        }),
      (_query, error) => this.#set({ searching: false, error: errorText(error) }),
      delayMs,
    );
  }

  get view(): ManualSearchView {
    return this.#view;
  }

  /** The person typed: search once they pause; an empty box clears the results at once. */
  input(text: string): void {
    if (text.trim() === "") {
      this.#typeAhead.cancel();
      this.#view = emptyView(text);
      this.#onChange(this.#view);
      return;
    }
    this.#set({ query: text, searching: true });
    this.#typeAhead.input(text.trim());
  }

  /** Search now: Enter, a search restored when the screen opens, or the index rebuild finished. */
  now(text: string = this.#view.query): void {
    if (text.trim() === "") return this.input(text);
    this.#set({ query: text, searching: true });
    void this.#typeAhead.now(text.trim());
  }

  /** Runs the current text again if there is one (e.g. the rebuilt index is complete now). */
  refresh(): void {
    if (this.#view.query.trim() !== "" && !this.#view.searching) this.now();
  }

  /** Drops the pending search and any answer on its way (the screen closes). */
  cancel(): void {
    this.#typeAhead.cancel();
  }

  #set(patch: Partial<ManualSearchView>): void {
    this.#view = { ...this.#view, ...patch };
    this.#onChange(this.#view);
  }
}

/** The last text of each search box (library, or per asset), so Back from the viewer restores it. */
const remembered = new Map<string, string>();

export function rememberedQuery(scope: string): string {
  return remembered.get(scope) ?? "";
}

export function rememberQuery(scope: string, text: string): void {
  if (text.trim() === "") remembered.delete(scope);
  else remembered.set(scope, text);
  // A technician opens a handful of assets per shift; keep the memory small anyway.
  if (remembered.size > 50) {
    const oldest = remembered.keys().next().value;
    if (oldest !== undefined) remembered.delete(oldest);
  }
}
