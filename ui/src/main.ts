// Entry point: applies the saved theme before the first paint, then mounts the app.
import "./app.css";
import { mount } from "svelte";
import App from "./App.svelte";
import { applyTheme } from "./lib/prefs.svelte";
import { uiReady } from "./lib/api";
import { afterFirstPaint } from "./lib/firstPaint";

applyTheme();

const target = document.getElementById("app");
if (!target) throw new Error("index.html has no #app element");

const app = mount(App, { target });

// After the first frame is painted, tell the app (it logs the cold-start time). Outside Tauri
// (a plain browser) the call fails; that is not worth a banner.
afterFirstPaint(() => {
  uiReady().catch(() => undefined);
});

export default app;
