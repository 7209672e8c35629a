import type { ResolvedAccount } from '../account/accounts.js';
import type { AccountSession } from '../account/session.js';
import { loadPost } from '../content/post.js';
import { listDrafts, type DraftSummary } from './drafts.js';
import type { LockPost, LockStore } from './lock.js';

export type ReconcileStatus = 'OK' | 'ADOPTED' | 'MISSING' | 'AMBIGUOUS' | 'NOT_FOUND' | 'SKIPPED';

export interface ReconcileResult {
  source: string;
  account: string;
  status: ReconcileStatus;
  title: string;
  mediaId?: string;
  note?: string;
}

/**
 * Rebuilds lost lock entries from the draft box: a post without an entry (or whose draft is gone) adopts the one draft
 * with its exact title. Adopted entries have no payload hash, so the next sync updates them once. Entries whose draft is
 * gone are marked `missing` (the next sync creates a new draft).
 */
export async function reconcile(files: string[], session: AccountSession, options: { dryRun?: boolean } = {}): Promise<ReconcileResult[]> {
  const { renderPost } = await import('../render/render.js');
  const { root, config, lock } = session;
  const results: ReconcileResult[] = [];
  for (const account of session.accounts.values()) {
    const client = await session.client(account);
    const box = new DraftBox(await session.call(account)(() => listDrafts(client)), Object.values(lock.account(account.appId).posts));
    for (const file of files) {
      const post = await loadPost(file, root, config);
      if (post.meta.draft === true || post.messages.length) {
        results.push({ source: post.source, account: account.name, status: 'SKIPPED', title: post.meta.title ?? '' });
        continue;
      }
      if (post.meta.account && !post.meta.account.includes(account.name)) continue;
      const title = post.meta.title ?? (await renderPost(post, { root, config })).title;
      const result = await reconcilePost(post.source, title, account, box, lock, options.dryRun === true);
      results.push(result);
    }
  }
  return results;
}

/** The drafts of one account by title, and those already claimed by a lock entry. */
class DraftBox {
  private readonly byTitle = new Map<string, string[]>();
  readonly existing: Set<string>;
  private readonly claimed: Set<string>;

  constructor(drafts: DraftSummary[], entries: LockPost[]) {
    for (const d of drafts) this.byTitle.set(d.title, [...(this.byTitle.get(d.title) ?? []), d.mediaId]);
    this.existing = new Set(drafts.map((d) => d.mediaId));
    this.claimed = new Set(entries.map((p) => p.mediaId).filter((id): id is string => Boolean(id) && this.existing.has(id!)));
  }

  /** Unclaimed drafts with this exact title. */
  candidates(title: string): string[] {
    return (this.byTitle.get(title) ?? []).filter((id) => !this.claimed.has(id));
  }

  claim(mediaId: string): void {
    this.claimed.add(mediaId);
  }
}

async function reconcilePost(source: string, title: string, account: ResolvedAccount, box: DraftBox, lock: LockStore, dryRun: boolean): Promise<ReconcileResult> {
  const base = { source, account: account.name, title };
  const entry = lock.account(account.appId).posts[source];
  if (entry?.mediaId && box.existing.has(entry.mediaId)) return { ...base, status: 'OK', mediaId: entry.mediaId };
  const candidates = box.candidates(title);
  if (candidates.length === 1) {
    const mediaId = candidates[0]!;
    box.claim(mediaId);
    if (!dryRun) await lock.replacePost(account.appId, source, { mediaId, title, status: 'draft', updatedAt: new Date().toISOString() });
    return { ...base, status: 'ADOPTED', mediaId, note: 'the next sync updates it once' };
  }
  if (candidates.length > 1) return { ...base, status: 'AMBIGUOUS', note: `${candidates.length} drafts have this title: ${candidates.join(', ')}` };
  if (entry?.mediaId) {
    if (!dryRun && entry.status === 'draft') await lock.recordPost(account.appId, source, { status: 'missing' });
    return { ...base, status: 'MISSING', mediaId: entry.mediaId, note: 'its draft is gone (published or deleted): the next sync creates a new one' };
  }
  return { ...base, status: 'NOT_FOUND', note: 'no draft with this title: the next sync creates one' };
}
