/** Offset/count paging of the batchget APIs (draft/batchget, material/batchget_material, freepublish/batchget). */
import { EmuError } from '../errors.js';
import { intField } from '../router.js';

export interface PageRange {
  offset: number;
  count: number;
}

/** `offset` ≥ 0 (default 0) and `count` 1–20; otherwise 40035 (the errcode is undocumented; EMU, docs/wechat-api.md §5.2). */
export function pageRange(body: Record<string, unknown>): PageRange {
  const offset = intField(body.offset ?? 0);
  const count = intField(body.count);
  if (offset === undefined || offset < 0 || count === undefined || count < 1 || count > 20) throw new EmuError(40035);
  return { offset, count };
}

/** Newest `updateTime` first; of equal times, the one stored last first. */
export function newestFirst<T extends { updateTime: number }>(items: readonly T[]): T[] {
  return [...items].reverse().sort((a, b) => b.updateTime - a.updateTime);
}

/** One page of a list, in the batchget answer shape: `{total_count, item_count, item}`. */
export function pageOf<T>(
  all: readonly T[],
  { offset, count }: PageRange,
  view: (item: T) => Record<string, unknown>,
): { total_count: number; item_count: number; item: Record<string, unknown>[] } {
  const page = all.slice(offset, offset + count);
  return { total_count: all.length, item_count: page.length, item: page.map(view) };
}
