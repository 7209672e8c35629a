import type { WxmpConfig } from '../config/schema.js';
import { loadPost } from '../content/post.js';
import type { WeChatClient } from '../wechat/client.js';
import type { ResolvedAccount } from './accounts.js';
import type { LockStore } from './lock.js';

export type ReconcileStatus = 'OK' | 'ADOPTED' | 'MISSING' | 'AMBIGUOUS' | 'NOT_FOUND' | 'SKIPPED';

export interface ReconcileResult {
  source: string;
  account: string;
  status: ReconcileStatus;
  title: string;
  mediaId?: string;
  note?: string;
}

/** Every draft of the account: media_id, title, update time (draft/batchget, 20 a page). */
export async function listDrafts(client: WeChatClient): Promise<{ mediaId: string; title: string; updateTime: number }[]> {
  const drafts: { mediaId: string; title: string; updateTime: number }[] = [];
  for (let offset = 0; ; offset += 20) {
    const page = await client.draft.batchget({ offset, count: 20, noContent: true });
    for (const item of page.item) drafts.push({ mediaId: item.media_id, title: item.content.news_item[0]?.title ?? '', updateTime: item.update_time });
    if (page.item.length < 20 || offset + 20 >= page.total_count) return drafts;
  }
}

/**
 * Rebuilds lost lock entries from the draft box: a post without an entry (or whose draft is gone) adopts the one draft
 * with its exact title. Adopted entries have no payload hash, so the next sync updates them once. Entries whose draft is
 * gone are marked `missing` (the next sync creates a new draft).
 */
export async function reconcile(
  files: string[],
  options: { root: string; config: WxmpConfig; lock: LockStore; accounts: ResolvedAccount[]; clientFor: (a: ResolvedAccount) => Promise<WeChatClient>; dryRun?: boolean },
): Promise<ReconcileResult[]> {
  const { renderPost } = await import('../render/render.js');
  const results: ReconcileResult[] = [];
  for (const account of options.accounts) {
    const drafts = await listDrafts(await options.clientFor(account));
    const byTitle = new Map<string, string[]>();
    for (const d of drafts) byTitle.set(d.title, [...(byTitle.get(d.title) ?? []), d.mediaId]);
    const existing = new Set(drafts.map((d) => d.mediaId));
    const lockAccount = options.lock.account(account.appId);
    const claimed = new Set(Object.values(lockAccount.posts).map((p) => p.mediaId).filter((id): id is string => Boolean(id) && existing.has(id!)));
    for (const file of files) {
      const post = await loadPost(file, options.root, options.config);
      if (post.meta.draft === true || post.messages.length) {
        results.push({ source: post.source, account: account.name, status: 'SKIPPED', title: post.meta.title ?? '' });
        continue;
      }
      if (post.meta.account && !post.meta.account.includes(account.name)) continue;
      const title = post.meta.title ?? (await renderPost(post, { root: options.root, config: options.config })).title;
      const entry = lockAccount.posts[post.source];
      if (entry?.mediaId && existing.has(entry.mediaId)) {
        results.push({ source: post.source, account: account.name, status: 'OK', title, mediaId: entry.mediaId });
        continue;
      }
      const candidates = (byTitle.get(title) ?? []).filter((id) => !claimed.has(id));
      if (candidates.length === 1) {
        const mediaId = candidates[0]!;
        claimed.add(mediaId);
        if (!options.dryRun) {
          lockAccount.posts[post.source] = { mediaId, title, status: 'draft', updatedAt: new Date().toISOString() };
          await options.lock.save();
        }
        results.push({ source: post.source, account: account.name, status: 'ADOPTED', title, mediaId, note: 'the next sync updates it once' });
      } else if (candidates.length > 1) {
        results.push({ source: post.source, account: account.name, status: 'AMBIGUOUS', title, note: `${candidates.length} drafts have this title: ${candidates.join(', ')}` });
      } else if (entry?.mediaId) {
        if (!options.dryRun && entry.status === 'draft') {
          entry.status = 'missing';
          await options.lock.save();
        }
        results.push({ source: post.source, account: account.name, status: 'MISSING', title, mediaId: entry.mediaId, note: 'its draft is gone (published or deleted): the next sync creates a new one' });
      } else {
        results.push({ source: post.source, account: account.name, status: 'NOT_FOUND', title, note: 'no draft with this title: the next sync creates one' });
      }
    }
  }
  return results;
}
