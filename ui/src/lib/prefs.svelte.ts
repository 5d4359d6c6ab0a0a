// Per-laptop preferences kept in localStorage: the technician's name (author of notes and work
// orders) and the colour theme.
import { isString, loadJson, saveJson } from "./storage";

export type Theme = "light" | "dark";

const NAME_KEY = "faultline.techName";
const THEME_KEY = "faultline.theme";

const isTheme = (v: unknown): v is Theme => v === "light" || v === "dark";

export const prefs = $state<{ techName: string; theme: Theme }>({
  techName: loadJson(NAME_KEY, "", isString),
  theme: loadJson<Theme>(THEME_KEY, "light", isTheme),
});

export function setTechName(name: string): void {
  prefs.techName = name;
  saveJson(NAME_KEY, name);
}

export function setTheme(theme: Theme): void {
  prefs.theme = theme;
  saveJson(THEME_KEY, theme);
  applyTheme();
}

/** Puts the theme on <html data-theme> (called once before the first render too). */
export function applyTheme(): void {
  document.documentElement.dataset["theme"] = prefs.theme;
}

/** The name to record as author, or null when the technician has not given it yet. */
export function author(): string | null {
  const name = prefs.techName.trim();
  return name.length > 0 ? name : null;
}

/** Brings the "Your name" field into view and focus (when a form needs an author). */
export function askForName(): void {
  const input = document.getElementById("tech-name");
  if (input instanceof HTMLInputElement) {
    input.scrollIntoView({ block: "nearest" });
    input.focus();
  }
}
