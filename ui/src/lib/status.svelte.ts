// The status line's data: app_info (version, data directory, counts, changes not yet synced),
// refreshed at start, after every change the technician makes, and every half minute.
import { appInfo } from "./api";
import type { AppInfo } from "./bindings/AppInfo";

export const status = $state<{ info: AppInfo | null; failed: string | null }>({ info: null, failed: null });

let inFlight: Promise<void> | null = null;

export function refreshStatus(): Promise<void> {
  inFlight ??= appInfo()
    .then((info) => {
      status.info = info;
      status.failed = null;
    })
    .catch((e: unknown) => {
      status.failed = e instanceof Error ? e.message : String(e);
    })
    .finally(() => {
      inFlight = null;
    });
  return inFlight;
}
