// Svelte compiler options shared by Vite and svelte-check: TypeScript in components via vitePreprocess.
import { vitePreprocess } from "@sveltejs/vite-plugin-svelte";

export default {
  preprocess: vitePreprocess(),
  compilerOptions: { runes: true },
};
