/**
 * The sync, as an ordered list of stages — the way `render/processor.ts` lists the render pipeline. Per post:
 *
 *   1. load       read the post, stop at front-matter errors or `draft: true`, route it to its accounts
 *   2. freshness  per account: does the lock's fingerprint still match? then nothing is rendered or sent
 *   3. prepare    render once, read every image once, collect the inputs the fingerprint covers
 *   4. write      per account: upload new images and the cover, add / update / leave the draft (a plan: `plan`)
 *   5. verify     with `--verify`: read the draft back and report what WeChat changed
 *
 * Each stage lives in `stages/`, takes the run's context and returns data. One post's failure is a FAILED result for
 * that post and account; the others carry on. Everything the run talks to — accounts, clients, the rate limit, the
 * lock file — comes from the account session (src/account/session.ts).
 */
import path from 'node:path';
import type { ResolvedAccount } from '../account/accounts.js';
import type { AccountSession } from '../account/session.js';
import { postThemeVersion } from '../render/resolve-theme.js';
import { mapLimit } from '../util/limiter.js';
import { describeError, emit, type PostResult, type SyncContext, type SyncError, type SyncOptions } from './context.js';
import { FileHashCache } from './file-hashes.js';
import { Downloader } from './image-source.js';
import { configHashOf, fingerprintOf, isFresh } from './stages/freshness.js';
import { emptyResult, loadStage, type LoadedPost } from './stages/load.js';
import { planStage } from './stages/plan.js';
import { prepareStage, type PreparedPost } from './stages/prepare.js';
import { verifyStage } from './stages/verify.js';
import { writeStage } from './stages/write.js';

export type { PostResult, SyncContext, SyncError, SyncEvent, SyncOptions, SyncStatus } from './context.js';

/** Where the run keeps the sha256 of files it read, by size and mtime (so unchanged files are not read again). */
export function fileHashCacheFile(root: string): string {
  return path.join(root, '.wxmp', 'cache', 'file-hashes.json');
}

/**
 * Makes each account's draft box match the posts: create, update, or leave alone. A read-only session makes it a
 * plan: the same stages, with `plan` instead of `write`, and no request. The lock is saved after every remote change,
 * so a run killed at any point resumes without duplicates.
 */
export async function syncPosts(files: string[], session: AccountSession, options: SyncOptions = {}): Promise<PostResult[]> {
  const hashes = await FileHashCache.load(fileHashCacheFile(session.root));
  const ctx = createContext(session, hashes, options);
  emit(ctx, { type: 'start', total: files.length });
  let done = 0;
  try {
    const perFile = await mapLimit(files, options.concurrency ?? session.config.concurrency, async (file) => {
      const results = await syncFile(file, ctx);
      done++;
      for (const result of results) emit(ctx, { type: 'result', result, done, total: files.length });
      return results;
    });
    return perFile.flat();
  } finally {
    await hashes.save();
  }
}

function createContext(session: AccountSession, hashes: FileHashCache, options: SyncOptions): SyncContext {
  const themeVersions = new Map<string, Promise<string>>();
  return {
    session,
    hashes,
    options,
    downloader: new Downloader({ ...session.config.remoteImages, maxBytes: session.config.limits.imageBytes }),
    configHash: configHashOf(session.config),
    themeVersion(meta) {
      const key = `${meta.theme ?? ''}\0${meta.code_theme ?? ''}`;
      let version = themeVersions.get(key);
      if (!version) {
        version = postThemeVersion(meta, session.root, session.config);
        themeVersions.set(key, version);
      }
      return version;
    },
  };
}

async function syncFile(file: string, ctx: SyncContext): Promise<PostResult[]> {
  const loaded = await loadStage(file, ctx);
  if (loaded.targets.length === 0) return loaded.done;

  emit(ctx, { type: 'post', source: loaded.post.source, phase: 'check' });
  const themeVersion = await ctx.themeVersion(loaded.post.meta).catch(() => 'unknown');
  const { unchanged, pending } = await splitFresh(loaded, themeVersion, ctx);
  if (pending.length === 0) return [...loaded.done, ...unchanged];

  const prepared = await prepareStage(file, loaded.post.source, ctx);
  if ('error' in prepared) {
    const failed = pending.map((account) => failure(loaded, account, prepared, prepared.error));
    return [...loaded.done, ...unchanged, ...failed];
  }
  const written: PostResult[] = [];
  for (const account of pending) written.push(await toAccount(loaded, prepared, account, themeVersion, ctx));
  return [...loaded.done, ...unchanged, ...written];
}

/** The accounts whose draft is current (UNCHANGED results) and those that need the post. */
async function splitFresh(loaded: LoadedPost, themeVersion: string, ctx: SyncContext): Promise<{ unchanged: PostResult[]; pending: ResolvedAccount[] }> {
  const { post } = loaded;
  const unchanged: PostResult[] = [];
  const pending: ResolvedAccount[] = [];
  for (const account of loaded.targets) {
    const entry = ctx.session.lock.peekAccount(account.appId)?.posts[post.source];
    const parts = { post, account, themeVersion, configHash: ctx.configHash };
    if (!ctx.options.force && entry && (await isFresh(entry, parts, ctx.session.root, ctx.hashes))) {
      unchanged.push({ ...emptyResult(post), account: account.name, appId: account.appId, status: 'UNCHANGED', title: entry.title, mediaId: entry.mediaId });
    } else pending.push(account);
  }
  return { unchanged, pending };
}

/** Stages 4 and 5 for one account; any failure is this account's FAILED result. */
async function toAccount(loaded: LoadedPost, prepared: PreparedPost, account: ResolvedAccount, themeVersion: string, ctx: SyncContext): Promise<PostResult> {
  const halt = ctx.session.haltReason(account);
  if (halt) return failure(loaded, account, prepared, { message: `not attempted: ${halt}` });
  const result: PostResult = {
    ...emptyResult(loaded.post),
    messages: prepared.messages,
    account: account.name,
    appId: account.appId,
    status: 'UNCHANGED',
    title: prepared.rendered.title,
  };
  try {
    if (ctx.session.readOnly) return planStage(prepared, account, result, ctx);
    const inputs = prepared.inputs;
    const fingerprint = fingerprintOf({ post: loaded.post, inputs, account, themeVersion, configHash: ctx.configHash });
    const { result: written, article } = await writeStage({ post: loaded.post, prepared, account, fingerprint, themeVersion }, result, ctx);
    return await verifyStage(written, account, article, ctx);
  } catch (error) {
    return failure(loaded, account, prepared, describeError(error), result);
  }
}

function failure(
  loaded: LoadedPost,
  account: ResolvedAccount,
  prepared: { messages: PostResult['messages']; title: string } | PreparedPost,
  error: SyncError,
  partial?: PostResult,
): PostResult {
  const title = 'rendered' in prepared ? prepared.rendered.title : prepared.title;
  return { ...emptyResult(loaded.post), ...partial, messages: prepared.messages, account: account.name, appId: account.appId, status: 'FAILED', title, error };
}
