// Vite build of the Faultline UI: static files in ui/dist that Tauri embeds (CSP allows only 'self').
import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";

export default defineConfig({
  plugins: [svelte()],
  // Relative asset URLs so the bundle works from tauri://localhost and from a plain file server.
  base: "./",
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // WebKitGTK / WebView2 / WKWebView of supported systems all run ES2022.
    target: "es2022",
    // No inlined data: URLs for scripts; everything is a file under 'self'.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    rollupOptions: {
      output: {
        // pdf.js asks for its data files by name below one base URL (src/lib/pdfAssets.ts), so
        // they keep their names in dist/pdfjs/<dir>/; everything else gets the usual hashed name.
        assetFileNames(asset) {
          const from = [...(asset.originalFileNames ?? [])].join("\n").replaceAll("\\", "/");
          const dir = /node_modules\/pdfjs-dist\/(cmaps|standard_fonts|wasm|iccs)\//.exec(from)?.[1];
          return dir ? `pdfjs/${dir}/[name][extname]` : "assets/[name]-[hash][extname]";
        },
      },
    },
  },
});
