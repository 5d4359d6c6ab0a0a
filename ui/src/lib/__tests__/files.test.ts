import { describe, expect, it } from "vitest";
import { bytesToBase64, fileToBase64, imageMime } from "../files";
import { pushRecent } from "../recent";

describe("files", () => {
  it("encodes bytes as base64, also past one chunk", () => {
    expect(bytesToBase64(new TextEncoder().encode("Faultline"))).toBe("RmF1bHRsaW5l");
    const big = new Uint8Array(100_000).map((_, i) => i % 251);
    const decoded = atob(bytesToBase64(big));
    expect(decoded.length).toBe(big.length);
    expect([...big].every((v, i) => decoded.charCodeAt(i) === v)).toBe(true);
  });

  it("reads a Blob", async () => {
    expect(await fileToBase64(new Blob([new Uint8Array([0xff, 0xd8, 0xff])]))).toBe("/9j/");
  });

  it("finds an image MIME type", () => {
    expect(imageMime("x.jpg", "image/jpeg")).toBe("image/jpeg");
    expect(imageMime("IMG_1.HEIC", "")).toBe("image/heic");
    expect(imageMime("notes.txt", "text/plain")).toBeNull();
  });
});

describe("recent assets", () => {
  it("keeps the newest first, without duplicates, capped", () => {
    const a = { id: "a", tag: "A", name: "a" };
    const b = { id: "b", tag: "B", name: "b" };
    const c = { id: "c", tag: "C", name: "c" };
    expect(pushRecent([a, b], b)).toEqual([b, a]);
    expect(pushRecent([a, b], c, 2)).toEqual([c, a]);
  });
});
