// The app's screens as data, and their URL hash form ("#/asset/<id>"), so the window's back/forward
// and a reload keep the technician where they were.

export type Route =
  | { name: "finder" }
  | { name: "asset"; assetId: string }
  | { name: "breakdown"; assetId: string }
  /** Diagnose a fault on an asset (on its work order when `workOrderId` is set). */
  | { name: "diagnose"; assetId: string; workOrderId: string | null }
  | { name: "workorder"; workOrderId: string }
  | { name: "shift" }
  | { name: "manuals" }
  /** Sync with the hub: enrollment, where sync stands, conflicts, refused changes. */
  | { name: "sync" }
  /** Reliability analytics: figures, Pareto, trends, risk, OEE for a scope and period. */
  | { name: "analytics" }
  /** A procedure (job plan): its numbered steps, ticked off as the technician works. */
  | { name: "procedure"; code: string }
  /** A manual's original page in the viewer; `terms` are the words to highlight. */
  | { name: "manual"; manualId: string; page: number; terms: string[] };

export function formatHash(route: Route): string {
  switch (route.name) {
    case "finder":
      return "#/";
    case "asset":
      return `#/asset/${encodeURIComponent(route.assetId)}`;
    case "breakdown":
      return `#/asset/${encodeURIComponent(route.assetId)}/breakdown`;
    case "diagnose":
      return `#/asset/${encodeURIComponent(route.assetId)}/diagnose${
        route.workOrderId === null ? "" : `?wo=${encodeURIComponent(route.workOrderId)}`
      }`;
    case "workorder":
      return `#/wo/${encodeURIComponent(route.workOrderId)}`;
    case "shift":
      return "#/shift";
    case "manuals":
      return "#/manuals";
    case "sync":
      return "#/sync";
    case "analytics":
      return "#/analytics";
    case "procedure":
      return `#/procedure/${encodeURIComponent(route.code)}`;
    case "manual": {
      const query = new URLSearchParams(route.terms.map((t) => ["t", t])).toString();
      return `#/manual/${encodeURIComponent(route.manualId)}/${route.page}${query ? `?${query}` : ""}`;
    }
  }
}

function decode(part: string): string | null {
  try {
    const s = decodeURIComponent(part);
    return s.length > 0 ? s : null;
  } catch {
    return null;
  }
}

/** Any unknown or malformed hash is the finder (the start screen). */
export function parseHash(hash: string): Route {
  const [path = "", query = ""] = hash.replace(/^#\/?/, "").split("?", 2);
  const parts = path.split("/").filter((p) => p.length > 0);
  const [first, second, third] = parts;
  if (first === "shift" && parts.length === 1) return { name: "shift" };
  if (first === "manuals" && parts.length === 1) return { name: "manuals" };
  if (first === "sync" && parts.length === 1) return { name: "sync" };
  if (first === "analytics" && parts.length === 1) return { name: "analytics" };
  if (first === "manual" && second !== undefined && third !== undefined && parts.length === 3) {
    const manualId = decode(second);
    const page = /^[1-9][0-9]{0,5}$/.test(third) ? Number(third) : null;
    if (manualId !== null && page !== null) {
      const terms = new URLSearchParams(query).getAll("t").filter((t) => t.length > 0);
      return { name: "manual", manualId, page, terms };
    }
  }
  if (first === "asset" && second !== undefined) {
    const assetId = decode(second);
    if (assetId !== null) {
      if (parts.length === 2) return { name: "asset", assetId };
      if (parts.length === 3 && third === "breakdown") return { name: "breakdown", assetId };
      if (parts.length === 3 && third === "diagnose") {
        const wo = new URLSearchParams(query).get("wo");
        return { name: "diagnose", assetId, workOrderId: wo !== null && wo.length > 0 ? wo : null };
      }
    }
  }
  if (first === "procedure" && second !== undefined && parts.length === 2) {
    const code = decode(second);
    if (code !== null) return { name: "procedure", code };
  }
  if (first === "wo" && second !== undefined && parts.length === 2) {
    const workOrderId = decode(second);
    if (workOrderId !== null) return { name: "workorder", workOrderId };
  }
  return { name: "finder" };
}

export function sameRoute(a: Route, b: Route): boolean {
  return formatHash(a) === formatHash(b);
}
