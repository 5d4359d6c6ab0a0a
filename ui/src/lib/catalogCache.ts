// The failure-code catalogue, fetched once and kept until the app says it changed (a sync or an
// import: `forgetCatalog` on `DataChanged` of `catalog`); a failed fetch is not kept so the next
// close form tries again.
import { failureCatalog } from "./api";
import type { FailureCatalog } from "./bindings/FailureCatalog";

let cached: Promise<FailureCatalog> | null = null;

export function loadCatalog(): Promise<FailureCatalog> {
  if (cached === null) {
    cached = failureCatalog();
    cached.catch(() => {
      cached = null;
    });
  }
  return cached;
}

/** The catalogue changed: the next close form reads it again. */
export function forgetCatalog(): void {
  cached = null;
}
