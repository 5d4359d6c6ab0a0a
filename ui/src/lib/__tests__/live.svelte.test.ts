// The wiring of live() / whenChanged() in a component's life (an effect root stands for the
// component): first load, a quiet reload on a matching change, a saved value, the end.
import { flushSync } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("../api", () => ({ listening: () => () => {}, onDataChanged: vi.fn(), onManualChanged: vi.fn() }));
vi.mock("../syncApi", () => ({ onSyncFinished: vi.fn() }));
vi.mock("../errors.svelte", () => ({ showError: vi.fn() }));

import { showError } from "../errors.svelte";
import type { DataKind, DataSource } from "../live";
import { live, whenChanged, type Live } from "../live.svelte";

function fakeSource() {
  const handlers = new Set<(what: readonly DataKind[]) => void>();
  const source: DataSource = (handler) => {
    handlers.add(handler);
    return () => handlers.delete(handler);
  };
  return { source, handlers, fire: (...what: DataKind[]) => handlers.forEach((h) => h(what)) };
}

async function settle(): Promise<void> {
  await vi.advanceTimersByTimeAsync(200);
  flushSync();
}

describe("live() in a component", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("loads once mounted, reads again on a change it shows, takes a saved value, stops when gone", async () => {
    const changes = fakeSource();
    let reads = 0;
    const load = vi.fn(async () => ++reads);
    let data!: Live<number>;
    let searches = 0;
    const shown: (number | null)[] = [];
    const unmount = $effect.root(() => {
      data = live(load, ["work_orders"], { source: changes.source });
      whenChanged(["manuals"], () => searches++, changes.source);
      $effect(() => {
        shown.push(data.value);
      });
    });
    flushSync();
    await settle();
    expect(data.value).toBe(1);
    expect(changes.handlers.size).toBe(2);

    changes.fire("manuals");
    await settle();
    expect(searches).toBe(1);
    expect(load).toHaveBeenCalledTimes(1);

    changes.fire("work_orders", "sync");
    changes.fire("work_orders");
    await settle();
    expect(data.value).toBe(2);
    expect(load).toHaveBeenCalledTimes(2);

    data.set(10);
    flushSync();
    expect(shown).toEqual([null, 1, 2, 10]);

    unmount();
    expect(changes.handlers.size).toBe(0);
    changes.fire("work_orders");
    await settle();
    expect(load).toHaveBeenCalledTimes(2);
  });

  it("shows a failed first load in the banner, a failed quiet reload not", async () => {
    const changes = fakeSource();
    const load = vi.fn(() => Promise.reject(new Error("storage")));
    let data!: Live<number>;
    const unmount = $effect.root(() => {
      data = live(load, ["assets"], { source: changes.source });
    });
    flushSync();
    await settle();
    expect(data.error).toBeInstanceOf(Error);
    expect(data.loading).toBe(false);
    expect(showError).toHaveBeenCalledTimes(1);
    changes.fire("assets");
    await settle();
    expect(load).toHaveBeenCalledTimes(2);
    expect(showError).toHaveBeenCalledTimes(1);
    unmount();
  });
});
