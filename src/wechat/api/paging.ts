/**
 * The paged lists of the API (draft/batchget, freepublish/batchget, material/batchget_material): 1–20 items per
 * call from an offset, with `total_count` telling how many there are.
 */
import { WeChatClientError } from '../errors.js';

/** Items per call at most (and the default). */
const MAX_PAGE_SIZE = 20;

export interface Page<Item> {
  total_count: number;
  item_count: number;
  item: Item[];
}

/** The `count` to send: checked before calling, since WeChat's own answer (40035) does not say which argument. */
export function pageSize(count: number | undefined, endpoint: string): number {
  const size = count ?? MAX_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new WeChatClientError(`count must be 1–${MAX_PAGE_SIZE} (got ${size})`, endpoint);
  }
  return size;
}

/** A page as answered, missing counts read as 0 and a missing list as empty. */
export function toPage<Item>(res: Partial<Page<Item>>, mapItem?: (item: Item) => Item): Page<Item> {
  const items = res.item ?? [];
  return { total_count: Number(res.total_count ?? 0), item_count: Number(res.item_count ?? 0), item: mapItem ? items.map(mapItem) : items };
}

/** Every item, a full page at a time from offset 0, until `total_count` is reached or a page comes back empty. */
export async function* eachItem<Item>(fetchPage: (offset: number, count: number) => Promise<Page<Item>>): AsyncGenerator<Item> {
  for (let offset = 0; ; ) {
    const page = await fetchPage(offset, MAX_PAGE_SIZE);
    for (const item of page.item) yield item;
    offset += page.item.length;
    if (page.item.length === 0 || offset >= page.total_count) return;
  }
}
