// The assets most recently opened on this laptop, for one-tap reopening on the finder screen.
import { loadJson, saveJson } from "./storage";

export interface RecentAsset {
  id: string;
  tag: string;
  name: string;
}

const KEY = "faultline.recentAssets";
const MAX = 8;

const isRecentList = (v: unknown): v is RecentAsset[] =>
  Array.isArray(v) &&
  v.every(
    (x) =>
      typeof x === "object" &&
      x !== null &&
      typeof (x as RecentAsset).id === "string" &&
      typeof (x as RecentAsset).tag === "string" &&
      typeof (x as RecentAsset).name === "string",
  );

/** `asset` first, without duplicates, at most `max` entries. */
export function pushRecent(list: RecentAsset[], asset: RecentAsset, max = MAX): RecentAsset[] {
  return [asset, ...list.filter((a) => a.id !== asset.id)].slice(0, max);
}

export function loadRecent(): RecentAsset[] {
  return loadJson(KEY, [], isRecentList);
}

export function rememberAsset(asset: RecentAsset): RecentAsset[] {
  const list = pushRecent(loadRecent(), { id: asset.id, tag: asset.tag, name: asset.name });
  saveJson(KEY, list);
  return list;
}
