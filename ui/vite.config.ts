// Vite build of the Faultline UI: static files in ui/dist that Tauri embeds (CSP allows only 'self').
// `npm run dev` serves the UI to a plain browser and proxies `/api` to `faultline dev-serve` (the
// real App over HTTP + SSE on 127.0.0.1:1421, started with `npm run dev-serve`; ui/README.md).
import { defineConfig, type Plugin } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";

/** Where `faultline dev-serve` listens (its default `--port`). */
const DEV_SERVE = "http://127.0.0.1:1421";

/** Says at start whether dev-serve answers, and how to start it when it does not. */
function devServeCheck(): Plugin {
  return {
    name: "faultline-dev-serve-check",
    apply: "serve",
    configureServer(server) {
      server.httpServer?.once("listening", () => {
        const log = server.config.logger;
        fetch(`${DEV_SERVE}/api/call/app_info`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })
          .then((r) => {
            if (!r.ok) throw new Error(`HTTP ${r.status}`);
            log.info(`  faultline dev-serve answers at ${DEV_SERVE} (/api is proxied there)`);
          })
          .catch(() => {
            log.warn(`  faultline dev-serve is not running at ${DEV_SERVE}: start it in another terminal with \`npm run dev-serve\` (the page shows errors until then)`);
          });
      });
    },
  };
}

export default defineConfig({
  plugins: [svelte(), devServeCheck()],
  // Relative asset URLs so the bundle works from tauri://localhost and from a plain file server.
  base: "./",
  clearScreen: false,
  server: {
    port: 5173,
    strictPort: true,
    // The App's commands and its event stream (SSE), served by `faultline dev-serve`.
    proxy: { "/api": { target: DEV_SERVE, changeOrigin: true } },
  },
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
