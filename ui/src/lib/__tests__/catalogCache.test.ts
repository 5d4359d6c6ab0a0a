import { describe, expect, it, vi } from "vitest";
import type { FailureCatalog } from "../bindings/FailureCatalog";

const api = vi.hoisted(() => ({ failureCatalog: vi.fn() }));
vi.mock("../api", () => api);

import { forgetCatalog, loadCatalog } from "../catalogCache";

const catalog = (name: string) => ({ name }) as unknown as FailureCatalog;

describe("the failure-code catalogue cache", () => {
  it("reads the catalogue once, again after it changed, and again after a failed read", async () => {
    api.failureCatalog.mockResolvedValueOnce(catalog("first"));
    expect(await loadCatalog()).toEqual(catalog("first"));
    expect(await loadCatalog()).toEqual(catalog("first"));
    expect(api.failureCatalog).toHaveBeenCalledTimes(1);

    forgetCatalog();
    api.failureCatalog.mockResolvedValueOnce(catalog("after a sync"));
    expect(await loadCatalog()).toEqual(catalog("after a sync"));
    expect(api.failureCatalog).toHaveBeenCalledTimes(2);

    forgetCatalog();
    api.failureCatalog.mockRejectedValueOnce(new Error("app busy"));
    await expect(loadCatalog()).rejects.toThrow("app busy");
    api.failureCatalog.mockResolvedValueOnce(catalog("retried"));
    expect(await loadCatalog()).toEqual(catalog("retried"));
    expect(api.failureCatalog).toHaveBeenCalledTimes(4);
  });
});
