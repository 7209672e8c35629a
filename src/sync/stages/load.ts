/**
 * Stage 1, load: read the post, stop at front-matter errors and `draft: true`, and route it to its accounts
 * (`account:` in the front matter, several for a crosspost; the session's default otherwise).
 */
import type { ResolvedAccount } from '../../account/accounts.js';
import { loadPost, type Post } from '../../content/post.js';
import { isError, type Problem } from '../../util/messages.js';
import { firstError, type PostResult, type SyncContext } from '../context.js';

export interface LoadedPost {
  post: Post;
  /** Each account the post goes to, once (two names for one AppID are one target). */
  targets: ResolvedAccount[];
  /** Results already final: an unknown account, a broken post, a skipped draft. */
  done: PostResult[];
}

/** A fresh result for the post with nothing done yet (the stages fill it in). */
export function emptyResult(post: Post): Pick<PostResult, 'source' | 'images' | 'messages'> {
  return { source: post.source, images: { uploaded: 0, reused: 0, bytes: 0 }, messages: [...post.messages] };
}

/** The post's messages from a full render (lint included), for a post that will not be sent. */
async function everyProblem(post: Post, ctx: SyncContext): Promise<Problem[]> {
  const { renderPost } = await import('../../render/render.js');
  const rendered = await renderPost(post, { root: ctx.session.root, config: ctx.session.config });
  // A front matter that could not be read may well hold the title: "missing title" would only mislead.
  const unreadable = post.messages.some((m) => m.ruleId === 'front-matter-syntax');
  return unreadable ? rendered.messages.filter((m) => m.ruleId !== 'title-missing') : rendered.messages;
}

export async function loadStage(file: string, ctx: SyncContext): Promise<LoadedPost> {
  const { session } = ctx;
  const post = await loadPost(file, session.root, session.config);
  const base = emptyResult(post);
  if (post.messages.some(isError)) {
    // Every problem of the post in one run, not only the front matter's: a missing image shows now, not after the fix.
    const messages = post.blocked ? post.messages : await everyProblem(post, ctx);
    return { post, targets: [], done: [{ ...base, messages, account: '-', status: 'FAILED', error: firstError(messages) }] };
  }
  if (post.meta.draft === true) return { post, targets: [], done: [{ ...base, account: '-', status: 'SKIPPED', note: 'draft: true' }] };

  const targets: ResolvedAccount[] = [];
  const done: PostResult[] = [];
  for (const name of post.meta.account ?? [undefined]) {
    const account = session.account(name);
    if ('error' in account) done.push({ ...base, account: name ?? '-', status: 'FAILED', error: { message: account.error } });
    else if (!targets.some((t) => t.appId === account.appId)) targets.push(account);
  }
  return { post, targets, done };
}
