/**
 * Stage 4, write: make one account's draft match the prepared post. Upload the body images and the cover (once per
 * content hash, through the account's uploader), build the article, then add, update or leave the draft. Every change
 * goes to the lock through its named methods, saved before the next request, so a run killed at any point resumes
 * without a duplicate: a draft/add is marked pending first and adopted from the draft box if its answer was lost.
 */
import type { ResolvedAccount } from '../../account/accounts.js';
import type { Post } from '../../content/post.js';
import { RENDERER_VERSION } from '../../render/resolve-theme.js';
import { WeChatError } from '../../wechat/errors.js';
import { buildArticle, payloadHash, substituteImages } from '../article.js';
import { emit, type PostResult, type SyncContext } from '../context.js';
import { findPendingDraft } from '../drafts.js';
import type { LockPost } from '../lock.js';
import type { PreparedPost } from './prepare.js';

/** What the draft of a post should hold for one account. */
export interface DraftTarget {
  post: Post;
  prepared: PreparedPost;
  account: ResolvedAccount;
  fingerprint: string;
  themeVersion: string;
}

/** The article as WeChat will store it, and the lock fields that describe it. */
interface BuiltDraft {
  article: ReturnType<typeof buildArticle>;
  fields: Partial<LockPost>;
}

export async function writeStage(target: DraftTarget, result: PostResult, ctx: SyncContext): Promise<{ result: PostResult; article: BuiltDraft['article'] }> {
  const built = await uploadAndBuild(target, result, ctx);
  const { session } = ctx;
  const { account, post } = target;
  const client = await session.client(account);
  const call = session.call(account);
  let entry = session.lock.peekAccount(account.appId)?.posts[post.source];

  // A draft/add whose answer was lost (the process died): adopt the draft if WeChat has it, instead of adding twice.
  if (entry?.pending?.op === 'draft-add' && !entry.mediaId) {
    const pending = entry.pending;
    const found = await call(() => findPendingDraft(client, pending));
    if (found) entry = await session.lock.adoptDraft(account.appId, post.source, found);
  }

  emit(ctx, { type: 'post', source: post.source, phase: 'draft' });
  if (entry?.mediaId && entry.status === 'draft') {
    const mediaId = entry.mediaId;
    // --force sends every draft again (it also finds drafts deleted in WeChat: they answer 40007).
    if (entry.payloadHash === built.fields.payloadHash && !ctx.options.force) {
      // Same payload (e.g. only whitespace changed in the source): remember the new fingerprint, send nothing.
      if (entry.fingerprint !== target.fingerprint) await session.lock.recordDraft(account.appId, post.source, mediaId, { ...built.fields, updatedAt: entry.updatedAt });
      return { result: { ...result, mediaId }, article: built.article };
    }
    try {
      await call(() => client.draft.update(mediaId, 0, built.article));
      await session.lock.recordDraft(account.appId, post.source, mediaId, built.fields);
      return { result: { ...result, status: 'UPDATED', mediaId }, article: built.article };
    } catch (error) {
      // 40007: the draft was published or deleted in WeChat's web UI (docs/wechat-api.md §5.2). Create it again.
      if (!(error instanceof WeChatError && error.errcode === 40007)) throw error;
      result.note = `draft ${mediaId} no longer exists in WeChat (published or deleted there): created a new one`;
    }
  } else if (entry?.mediaId && entry.status === 'published') {
    result.note = `the previous draft was published${entry.articleUrl ? ` (${entry.articleUrl})` : ''}: created a new draft`;
  }

  const thumbMediaId = built.article.thumb_media_id;
  const startedAt = Math.floor(Date.now() / 1000);
  await session.lock.markPending(account.appId, post.source, built.fields, { op: 'draft-add', title: built.article.title, thumbMediaId, startedAt });
  const { media_id } = await call(() => client.draft.add([built.article]));
  await session.lock.recordDraft(account.appId, post.source, media_id, { ...built.fields, updatedAt: new Date().toISOString() });
  return { result: { ...result, status: 'CREATED', mediaId: media_id }, article: built.article };
}

/** Uploads what the account does not have yet, and builds the article with the account's image URLs. */
async function uploadAndBuild(target: DraftTarget, result: PostResult, ctx: SyncContext): Promise<BuiltDraft> {
  const { post, prepared, account } = target;
  const uploader = ctx.session.uploader(account);
  emit(ctx, { type: 'post', source: post.source, phase: 'upload' });
  const urls = await Promise.all(
    prepared.refs.map(async (ref, i) => {
      const uploaded = await uploader.bodyImage(prepared.sources[i]!, ref);
      if (uploaded.fresh) {
        result.images.uploaded++;
        result.images.bytes += uploaded.image.bytes;
      } else result.images.reused++;
      return uploaded.image.url;
    }),
  );
  if (ctx.options.collectImages) result.imageBytes = new Map(urls.map((url, i) => [url, prepared.sources[i]!.data]));
  const cover = await uploader.cover(prepared.coverSource, prepared.cover);
  result.cover = cover.fresh ? 'uploaded' : 'reused';
  const { rendered } = prepared;
  const article = buildArticle(rendered, substituteImages(rendered.html, urls), cover.cover.mediaId, ctx.session.config, account);
  const fields: Partial<LockPost> = {
    title: rendered.title,
    payloadHash: payloadHash(article),
    fingerprint: target.fingerprint,
    inputs: prepared.inputs,
    thumbMediaId: cover.cover.mediaId,
    renderer: RENDERER_VERSION,
    theme: `${rendered.theme}@${target.themeVersion.slice(0, 12)}`,
    status: 'draft',
    updatedAt: new Date().toISOString(),
  };
  return { article, fields };
}
