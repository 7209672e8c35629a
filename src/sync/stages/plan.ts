/**
 * Stage 4 of a plan (a read-only session): what `write` would do for one account, from the lock alone — which images
 * it would upload, whether the draft would be created, updated or left alone. No client, no request.
 */
import type { ResolvedAccount } from '../../account/accounts.js';
import { buildArticle, payloadHash, substituteImages } from '../article.js';
import type { PostResult, SyncContext } from '../context.js';
import type { PreparedPost } from './prepare.js';

export function planStage(prepared: PreparedPost, account: ResolvedAccount, result: PostResult, ctx: SyncContext): PostResult {
  const { session } = ctx;
  const uploader = session.uploader(account);
  const { sources, coverSource, refs, rendered } = prepared;
  const urls: (string | undefined)[] = sources.map((s) => (s.remote ? undefined : uploader.knownBodyImage(s.sha256)?.url));
  const missing = new Map<string, number>();
  sources.forEach((s, i) => {
    if (urls[i] === undefined && !s.remote) missing.set(s.sha256, s.data.length);
  });
  const coverId = coverSource.remote ? undefined : uploader.knownCover(coverSource.sha256)?.mediaId;
  if (!coverId && !coverSource.remote) missing.set(`cover:${coverSource.sha256}`, coverSource.data.length);
  result.pendingUploads = { count: missing.size, bytes: [...missing.values()].reduce((a, b) => a + b, 0) };
  const remote = new Set(refs.filter((_, i) => sources[i]!.remote).map((ref) => ref.src.trim()));
  if (coverSource.remote) remote.add(prepared.cover.src.trim());
  // Unknown until downloaded (a plan has no network): they may turn out to be uploaded already.
  if (remote.size > 0) result.pendingDownloads = remote.size;
  result.images.reused = urls.filter(Boolean).length;
  result.cover = coverId ? 'reused' : undefined;

  const entry = session.lock.peekAccount(account.appId)?.posts[result.source];
  if (!entry?.mediaId || entry.status !== 'draft') {
    result.status = 'CREATED';
    result.note = entry?.status === 'published' ? 'previous draft was published: would create a new one' : undefined;
    return result;
  }
  result.mediaId = entry.mediaId;
  if (missing.size > 0 || remote.size > 0) {
    result.status = 'UPDATED';
    return result;
  }
  const article = buildArticle(rendered, substituteImages(rendered.html, urls as string[]), coverId!, session.config, account);
  result.status = payloadHash(article) === entry.payloadHash ? 'UNCHANGED' : 'UPDATED';
  return result;
}
