// Vitest setup for the UI's pure logic modules (src/**/*.test.ts); no DOM, no Svelte components.
// Rune modules (*.svelte.ts) are compiled for the browser, with the one Svelte runtime they share
// with the test (`flushSync`, `$effect.root`), so their wiring can be tested too.
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [svelte()],
  resolve: { conditions: ["browser"] },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
    setupFiles: ["./src/test-setup.ts"],
    testTransformMode: { web: ["**/*.svelte.ts", "**/*.svelte.test.ts"] },
  },
});
