// Vitest setup: a fixed, non-UTC time zone so local-time conversions are really tested.
(globalThis as unknown as { process: { env: Record<string, string> } }).process.env["TZ"] = "Europe/Berlin";
