import { describe, expect, it } from "vitest";
import { escapeGoesBack, scrollOf, withScroll } from "../backNav";

const esc = { key: "Escape", defaultPrevented: false };
const button = { tagName: "BUTTON" };

describe("Escape is Back everywhere", () => {
  it("goes back from any screen when focus is not in a text field", () => {
    expect(escapeGoesBack(esc, null)).toBe(true);
    expect(escapeGoesBack(esc, button)).toBe(true);
    expect(escapeGoesBack(esc, { tagName: "INPUT", type: "checkbox" })).toBe(true);
  });

  it("leaves Escape to a text field (it clears a search box) and to a screen that used it", () => {
    expect(escapeGoesBack(esc, { tagName: "INPUT", type: "text" })).toBe(false);
    expect(escapeGoesBack(esc, { tagName: "TEXTAREA" })).toBe(false);
    expect(escapeGoesBack({ ...esc, defaultPrevented: true }, button)).toBe(false);
  });

  it("is only a plain Escape", () => {
    expect(escapeGoesBack({ ...esc, key: "Enter" }, button)).toBe(false);
    expect(escapeGoesBack({ ...esc, shiftKey: true }, button)).toBe(false);
    expect(escapeGoesBack({ ...esc, repeat: true }, button)).toBe(false);
    expect(escapeGoesBack({ ...esc, isComposing: true }, button)).toBe(false);
  });
});

describe("the scroll position kept for Back", () => {
  it("is added to the history entry without losing what it had", () => {
    const state = withScroll({ depth: 2 }, 840.4);
    expect(state).toEqual({ depth: 2, scrollY: 840 });
    expect(scrollOf(state)).toBe(840);
    expect(withScroll(null, 10)).toEqual({ scrollY: 10 });
  });

  it("is null when the entry has none or a broken one", () => {
    expect(scrollOf(null)).toBeNull();
    expect(scrollOf({ depth: 1 })).toBeNull();
    expect(scrollOf({ scrollY: "12" })).toBeNull();
    expect(scrollOf({ scrollY: -5 })).toBeNull();
  });
});
