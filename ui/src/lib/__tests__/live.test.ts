import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { deferred, type Deferred } from "./deferred";
import { followChanges, Loader, mergeSources, touches, type DataKind, type DataSource, type LiveState } from "../live";

/** A change source the test fires by hand, counting its subscribers. */
function fakeSource() {
  const handlers = new Set<(what: readonly DataKind[]) => void>();
  const source: DataSource = (handler) => {
    handlers.add(handler);
    return () => handlers.delete(handler);
  };
  return {
    source,
    fire: (...what: DataKind[]) => handlers.forEach((h) => h(what)),
    get listeners() {
      return handlers.size;
    },
  };
}

/** A loader over hand-resolved loads, with the state the screen would show. */
function harness<T>() {
  const loads: Deferred<T>[] = [];
  const state: LiveState<T> = { value: null, loading: false, error: null };
  const errors: unknown[] = [];
  let nothingToLoad = false;
  const loader = new Loader<T>({
    load: () => {
      if (nothingToLoad) return null;
      const d = deferred<T>();
      loads.push(d);
      return d.promise;
    },
    onChange: (patch) => Object.assign(state, patch),
    onError: (e) => errors.push(e),
  });
  return {
    loader,
    loads,
    state,
    errors,
    setNothingToLoad: (v: boolean) => (nothingToLoad = v),
  };
}

describe("touches", () => {
  it("is true when one changed kind is followed", () => {
    expect(touches(["manuals", "sync"], ["assets", "sync"])).toBe(true);
    expect(touches(["manuals"], ["assets", "work_orders"])).toBe(false);
    expect(touches([], ["assets"])).toBe(false);
  });
});

describe("followChanges", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("ignores changes to kinds the screen does not show", async () => {
    const s = fakeSource();
    const onChange = vi.fn();
    followChanges(s.source, ["work_orders"], onChange, 100);
    s.fire("manuals");
    s.fire("catalog", "assets");
    await vi.advanceTimersByTimeAsync(1000);
    expect(onChange).not.toHaveBeenCalled();
  });

  it("gathers a burst of matching changes into one call after the delay", async () => {
    const s = fakeSource();
    const onChange = vi.fn();
    followChanges(s.source, ["manuals"], onChange, 100);
    s.fire("manuals");
    await vi.advanceTimersByTimeAsync(50);
    s.fire("manuals");
    s.fire("assets", "manuals");
    await vi.advanceTimersByTimeAsync(49);
    expect(onChange).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(onChange).toHaveBeenCalledTimes(1);
  });

  it("keeps calling during a long burst instead of waiting for its end", async () => {
    const s = fakeSource();
    const onChange = vi.fn();
    followChanges(s.source, ["manuals"], onChange, 100);
    for (let i = 0; i < 10; i++) {
      s.fire("manuals");
      await vi.advanceTimersByTimeAsync(40);
    }
    // Changes at 0, 40, … 360 ms: calls at 100 (from 0), 220 (from 120), 340 (from 240); 360's waits.
    expect(onChange).toHaveBeenCalledTimes(3);
  });

  it("stops: unsubscribes and drops a call still waiting", async () => {
    const s = fakeSource();
    const onChange = vi.fn();
    const stop = followChanges(s.source, ["sync"], onChange, 100);
    expect(s.listeners).toBe(1);
    s.fire("sync");
    stop();
    expect(s.listeners).toBe(0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(onChange).not.toHaveBeenCalled();
  });

  it("does not subscribe when the screen follows no kind", () => {
    const s = fakeSource();
    const stop = followChanges(s.source, [], () => {});
    expect(s.listeners).toBe(0);
    stop();
  });

  it("hears every merged source", async () => {
    const a = fakeSource();
    const b = fakeSource();
    const onChange = vi.fn();
    const stop = followChanges(mergeSources(a.source, b.source), ["sync"], onChange, 10);
    a.fire("sync");
    await vi.advanceTimersByTimeAsync(10);
    b.fire("sync");
    await vi.advanceTimersByTimeAsync(10);
    expect(onChange).toHaveBeenCalledTimes(2);
    stop();
    expect(a.listeners + b.listeners).toBe(0);
  });
});

describe("Loader", () => {
  it("shows the answer and the loading state of a load the person asked for", async () => {
    const h = harness<string>();
    const done = h.loader.reload();
    expect(h.state.loading).toBe(true);
    h.loads[0]!.resolve("first");
    await done;
    expect(h.state).toEqual({ value: "first", loading: false, error: null });
  });

  it("never lets an older answer replace a newer one", async () => {
    const h = harness<string>();
    const older = h.loader.reload();
    const newer = h.loader.reload();
    h.loads[1]!.resolve("newer");
    await newer;
    h.loads[0]!.resolve("older");
    await older;
    expect(h.state.value).toBe("newer");
    expect(h.state.loading).toBe(false);
  });

  it("drops an older load's failure too", async () => {
    const h = harness<string>();
    const older = h.loader.reload();
    const newer = h.loader.reload();
    h.loads[0]!.reject(new Error("old failure"));
    await older;
    h.loads[1]!.resolve("fine");
    await newer;
    expect(h.state).toEqual({ value: "fine", loading: false, error: null });
    expect(h.errors).toEqual([]);
  });

  it("keeps a saved value over a load that was already on its way, and reads again after it", async () => {
    const h = harness<string>();
    const load = h.loader.reload();
    h.loader.set("saved");
    expect(h.state).toEqual({ value: "saved", loading: false, error: null });
    h.loads[0]!.resolve("read before the save");
    await load;
    expect(h.state.value).toBe("saved");
    // That load was read for a reason the saved value may not have: it is read once more.
    expect(h.loads).toHaveLength(2);
    h.loads[1]!.resolve("saved, and what changed elsewhere");
    await vi.waitFor(() => expect(h.state.value).toBe("saved, and what changed elsewhere"));
    expect(h.state.loading).toBe(false);
  });

  it("a save with no load on its way reads nothing again", () => {
    const h = harness<string>();
    h.loader.set("saved");
    expect(h.loads).toHaveLength(0);
  });

  it("refreshes quietly: no loading state, a failure keeps the value and shows no banner", async () => {
    const h = harness<string>();
    const first = h.loader.reload();
    h.loads[0]!.resolve("shown");
    await first;
    h.loader.refresh();
    expect(h.state.loading).toBe(false);
    h.loads[1]!.reject(new Error("hub down"));
    await Promise.resolve();
    await Promise.resolve();
    expect(h.state.value).toBe("shown");
    expect(h.state.error).toBeInstanceOf(Error);
    expect(h.errors).toEqual([]);
  });

  it("reports a failed load the person asked for", async () => {
    const h = harness<string>();
    const load = h.loader.reload();
    const failure = new Error("not found");
    h.loads[0]!.reject(failure);
    await load;
    expect(h.state).toEqual({ value: null, loading: false, error: failure });
    expect(h.errors).toEqual([failure]);
  });

  it("runs one refresh at a time and reads again after a change during a load", async () => {
    const h = harness<number>();
    h.loader.refresh();
    h.loader.refresh();
    h.loader.refresh();
    expect(h.loads).toHaveLength(1);
    h.loads[0]!.resolve(1);
    await vi.waitFor(() => expect(h.loads).toHaveLength(2));
    expect(h.state.value).toBe(1);
    h.loads[1]!.resolve(2);
    await vi.waitFor(() => expect(h.state.value).toBe(2));
    expect(h.loads).toHaveLength(2);
  });

  it("reads again after a load the person asked for when a change came during it", async () => {
    const h = harness<number>();
    const first = h.loader.reload();
    h.loader.refresh();
    expect(h.loads).toHaveLength(1);
    h.loads[0]!.resolve(1);
    await first;
    expect(h.loads).toHaveLength(2);
    h.loads[1]!.resolve(2);
    await vi.waitFor(() => expect(h.state.value).toBe(2));
  });

  it("a change during a save's wait still reads again", async () => {
    const h = harness<number>();
    void h.loader.reload();
    h.loader.refresh();
    h.loader.set(5);
    expect(h.loads).toHaveLength(2);
    h.loads[0]!.resolve(1);
    h.loads[1]!.resolve(6);
    await vi.waitFor(() => expect(h.state.value).toBe(6));
  });

  it("loads nothing while there is nothing to load", async () => {
    const h = harness<string>();
    h.setNothingToLoad(true);
    await h.loader.reload();
    h.loader.refresh();
    expect(h.loads).toHaveLength(0);
    expect(h.state).toEqual({ value: null, loading: false, error: null });
  });

  it("a load function that throws counts as a failed load", async () => {
    const errors: unknown[] = [];
    const state: Partial<LiveState<string>> = {};
    const loader = new Loader<string>({
      load: () => {
        throw new Error("bad input");
      },
      onChange: (patch) => Object.assign(state, patch),
      onError: (e) => errors.push(e),
    });
    await loader.reload();
    expect(errors).toHaveLength(1);
    expect(state.loading).toBe(false);
  });

  it("takes no answer once stopped", async () => {
    const h = harness<string>();
    const load = h.loader.reload();
    h.loader.stop();
    h.loads[0]!.resolve("late");
    await load;
    h.loader.refresh();
    h.loader.set("after");
    expect(h.state.value).toBe(null);
    expect(h.loads).toHaveLength(1);
  });
});
