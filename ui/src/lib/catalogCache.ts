// The failure-code catalogue, fetched once per app run (it changes only with a sync or an import);
// a failed fetch is not cached so the next close form tries again.
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
