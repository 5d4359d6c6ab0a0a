// Vitest setup for the UI's pure logic modules (src/**/*.test.ts); no DOM, no Svelte components.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
    setupFiles: ["./src/test-setup.ts"],
  },
});
