/**
 * Stage 5, verify (`--verify`): read the written draft back and report what WeChat changed or stripped. The
 * comparison loads only when asked for.
 */
import type { ResolvedAccount } from '../../account/accounts.js';
import { emit, type PostResult, type SyncContext } from '../context.js';

export async function verifyStage(result: PostResult, account: ResolvedAccount, article: { content: string; title: string }, ctx: SyncContext): Promise<PostResult> {
  if (!ctx.options.verify || !result.mediaId) return result;
  const mediaId = result.mediaId;
  emit(ctx, { type: 'post', source: result.source, phase: 'verify' });
  const client = await ctx.session.client(account);
  const [{ verifyDraft }, stored] = await Promise.all([import('../verify.js'), ctx.session.call(account)(() => client.draft.get(mediaId))]);
  return { ...result, verify: verifyDraft(article, stored.news_item[0]) };
}
