import { describe, expect, it } from "vitest";
import { afterFirstPaint, type FrameClock } from "../firstPaint";

/** A clock that runs nothing until told: frames and tasks queue up. */
function manualClock() {
  const frames: (() => void)[] = [];
  const tasks: (() => void)[] = [];
  const clock: FrameClock = {
    requestAnimationFrame: (f) => frames.push(f),
    setTimeout: (f) => tasks.push(f),
  };
  const run = (queue: (() => void)[]) => queue.splice(0).forEach((f) => f());
  return { clock, paint: () => run(frames), runTasks: () => run(tasks) };
}

describe("work that waits for the first frame", () => {
  it("runs after the frame is painted, not before", () => {
    const c = manualClock();
    let ran = 0;
    afterFirstPaint(() => ran++, c.clock);
    c.runTasks();
    expect(ran).toBe(0);
    c.paint();
    expect(ran).toBe(0);
    c.runTasks();
    expect(ran).toBe(1);
  });

  it("does not run once cancelled (the component went away)", () => {
    const c = manualClock();
    let ran = 0;
    const cancel = afterFirstPaint(() => ran++, c.clock);
    c.paint();
    cancel();
    c.runTasks();
    expect(ran).toBe(0);
  });
});
