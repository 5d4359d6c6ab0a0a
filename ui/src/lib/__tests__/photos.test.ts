import { describe, expect, it } from "vitest";
import { hasCamera, stepPhoto } from "../photos";

describe("the photo viewer", () => {
  it("steps through the photos, wrapping round", () => {
    expect(stepPhoto(0, 3, 1)).toBe(1);
    expect(stepPhoto(2, 3, 1)).toBe(0);
    expect(stepPhoto(0, 3, -1)).toBe(2);
    expect(stepPhoto(0, 1, 1)).toBe(0);
    expect(stepPhoto(0, 0, 1)).toBeNull();
  });
});

describe("the camera", () => {
  const devices = (kinds: MediaDeviceKind[]) => ({
    enumerateDevices: () => Promise.resolve(kinds.map((kind) => ({ kind }) as MediaDeviceInfo)),
  });

  it("is offered only where the laptop has one", async () => {
    expect(await hasCamera(devices(["audioinput", "videoinput"]))).toBe(true);
    expect(await hasCamera(devices(["audioinput"]))).toBe(false);
    expect(await hasCamera(undefined)).toBe(false);
    expect(await hasCamera({ enumerateDevices: () => Promise.reject(new Error("denied")) })).toBe(false);
  });
});
