import path from 'node:path';
import type { WxmpConfig } from '../config/schema.js';
import { loadPost, type Post } from '../content/post.js';
import type { RenderedPost } from '../render/render.js';
import { renderJob, type RenderPool } from '../render/pool.js';
import { RENDERER_VERSION, resolveTheme } from '../render/resolve-theme.js';
import type { ImageRef } from '../render/types.js';
import { sha256, stableStringify } from '../util/hash.js';
import { createLimiter, mapLimit, type Limiter } from '../util/limiter.js';
import { isError, problem, type Problem } from '../util/messages.js';
import type { WeChatClient } from '../wechat/client.js';
import { WeChatError, WeChatTransportError } from '../wechat/errors.js';
import type { ResolvedAccount } from './accounts.js';
import { buildArticle, payloadHash, substituteImages } from './article.js';
import type { FileHashCache } from './file-hashes.js';
import { Downloader, ImageSourceError, readImage, type ImageBytes } from './image-source.js';
import type { LockPost, LockStore } from './lock.js';
import { Uploader } from './uploader.js';
import type { VerifyReport } from './verify.js';

export type SyncStatus = 'CREATED' | 'UPDATED' | 'UNCHANGED' | 'SKIPPED' | 'FAILED';

export interface PostResult {
  source: string;
  /** Account name (config `accounts`), `default` or `sandbox`. */
  account: string;
  appId?: string;
  status: SyncStatus;
  title?: string;
  mediaId?: string;
  /** Why, in a few words: `draft was deleted in WeChat: created a new one`, `draft: true`… */
  note?: string;
  images: { uploaded: number; reused: number; bytes: number };
  cover?: 'uploaded' | 'reused';
  /** Lint messages and the error, as file:line:column messages. */
  messages: Problem[];
  error?: { message: string; errcode?: number; errmsg?: string; hint?: string; line?: number; column?: number };
  verify?: VerifyReport;
  /** Dry run: the images that would be uploaded. */
  pendingUploads?: { count: number; bytes: number };
  /** Plan only: remote images (and cover) the sync would download first; a plan makes no network access. */
  pendingDownloads?: number;
  /** With `collectImages`: each image URL in the draft → the original bytes (for sandbox previews). */
  imageBytes?: Map<string, Buffer>;
}

export type SyncEvent =
  | { type: 'start'; total: number }
  | { type: 'post'; source: string; phase: 'check' | 'render' | 'upload' | 'draft' | 'verify' }
  | { type: 'result'; result: PostResult; done: number; total: number };

export interface SyncContext {
  root: string;
  config: WxmpConfig;
  lock: LockStore;
  hashes: FileHashCache;
  /** Account name → credentials (sandbox: one account, every name maps to it). */
  accountFor: (name: string | undefined) => ResolvedAccount | { error: string };
  /** The account's client, created on first use (a no-op sync never creates one, nor starts a sandbox). */
  clientFor: (account: ResolvedAccount) => Promise<WeChatClient>;
  /** Plan only: no client is used, no request is made. */
  dryRun?: boolean;
  /** Render every post and send every draft again (draft/update), even when nothing changed. */
  force?: boolean;
  verify?: boolean;
  /** Render on worker threads (the renderer loads only when a post needs rendering: a no-op sync never pays for it). */
  renderPool?: RenderPool;
  /** Keep each written draft's image bytes by URL in the result (sandbox previews). */
  collectImages?: boolean;
  concurrency?: number;
  onEvent?: (event: SyncEvent) => void;
}

/** Things that make further calls to an account pointless (quota, credentials, IP whitelist…). */
interface AccountHalt {
  reason: string;
}

/** Bumped when the fingerprint's recipe changes, so old lock entries are re-checked once. */
const FINGERPRINT_VERSION = '1';

/**
 * Makes each account's draft box match the posts: create, update, or leave alone. One post's failure never stops the
 * others; the lock is saved after every remote change, so a run killed at any point resumes without duplicates.
 */
export async function syncPosts(files: string[], ctx: SyncContext): Promise<PostResult[]> {
  const concurrency = ctx.concurrency ?? ctx.config.concurrency;
  const net = createLimiter(concurrency);
  const uploaders = new Map<string, Uploader>();
  const halts = new Map<string, AccountHalt>();
  const themeVersions = new Map<string, Promise<string>>();
  const themeVersion = (name: string) => {
    if (!themeVersions.has(name)) themeVersions.set(name, resolveTheme(name, ctx.root, ctx.config).then((t) => t.version));
    return themeVersions.get(name)!;
  };
  const configHash = sha256(stableStringify(outputRelevantConfig(ctx.config)));
  /**
   * Every request to an account goes through here: bounded concurrency, and once a call fails in a way every later
   * call would too (quota, credentials, IP whitelist), no new request is sent to that account.
   */
  const callers = new Map<string, Limiter>();
  const callFor = (account: ResolvedAccount): Limiter => {
    let call = callers.get(account.appId);
    if (!call) {
      call = <T>(task: () => Promise<T>) =>
        net(async () => {
          const halt = halts.get(account.appId);
          if (halt) throw new AccountHaltedError(halt.reason);
          try {
            return await task();
          } catch (error) {
            if (error instanceof WeChatError && error.fatal && !halts.has(account.appId)) {
              halts.set(account.appId, { reason: `an earlier call to ${account.name} failed with errcode ${error.errcode}, which every call would` });
            }
            throw error;
          }
        });
      callers.set(account.appId, call);
    }
    return call;
  };
  const downloader = new Downloader({ ...ctx.config.remoteImages, maxBytes: ctx.config.limits.imageBytes });
  const uploaderFor = (account: ResolvedAccount) => {
    let uploader = uploaders.get(account.appId);
    if (!uploader) {
      uploader = new Uploader(ctx.dryRun ? undefined : () => ctx.clientFor(account), ctx.lock, account.appId, callFor(account));
      uploaders.set(account.appId, uploader);
    }
    return uploader;
  };

  ctx.onEvent?.({ type: 'start', total: files.length });
  let done = 0;
  const perFile = await mapLimit(files, concurrency, async (file) => {
    const results = await syncOne(file);
    done++;
    for (const result of results) ctx.onEvent?.({ type: 'result', result, done, total: files.length });
    return results;
  });
  return perFile.flat();

  async function syncOne(file: string): Promise<PostResult[]> {
    const post = await loadPost(file, ctx.root, ctx.config);
    const base = { source: post.source, images: { uploaded: 0, reused: 0, bytes: 0 }, messages: [...post.messages] };
    if (post.messages.some(isError)) {
      return [{ ...base, account: '-', status: 'FAILED', error: firstError(post.messages) }];
    }
    if (post.meta.draft === true) return [{ ...base, account: '-', status: 'SKIPPED', note: 'draft: true' }];

    // Resolve the accounts this post goes to (crossposting: several).
    const targets: ResolvedAccount[] = [];
    const failed: PostResult[] = [];
    for (const name of post.meta.account ?? [undefined]) {
      const account = ctx.accountFor(name);
      if ('error' in account) failed.push({ ...base, account: name ?? '-', status: 'FAILED', error: { message: account.error } });
      else if (!targets.some((t) => t.appId === account.appId)) targets.push(account);
    }
    if (targets.length === 0) return failed;

    // Fast path: the inputs recorded last time are unchanged → nothing to render, nothing to send.
    ctx.onEvent?.({ type: 'post', source: post.source, phase: 'check' });
    const theme = post.meta.theme ?? ctx.config.theme;
    const version = await themeVersion(theme).catch(() => 'unknown');
    const unchanged: PostResult[] = [];
    const pending: ResolvedAccount[] = [];
    for (const account of targets) {
      const entry = ctx.lock.peekAccount(account.appId)?.posts[post.source];
      if (!ctx.force && entry && (await isFresh(post, entry, account, version))) {
        unchanged.push({ ...base, account: account.name, appId: account.appId, status: 'UNCHANGED', title: entry.title, mediaId: entry.mediaId });
      } else pending.push(account);
    }
    if (pending.length === 0) return [...failed, ...unchanged];

    // Render once (on a worker thread when a pool is given); image sources become placeholders, replaced per account
    // by that account's URLs.
    ctx.onEvent?.({ type: 'post', source: post.source, phase: 'render' });
    const job = { file, images: { kind: 'placeholders' } as const };
    const { rendered, placeholderRefs: refs } = ctx.renderPool ? await ctx.renderPool.render(job) : await renderJob(job, ctx.root, ctx.config);
    const messages = [...rendered.messages];
    const fail = (account: ResolvedAccount, error: PostResult['error'], extra: Partial<PostResult> = {}): PostResult => ({
      ...base,
      messages,
      account: account.name,
      appId: account.appId,
      status: 'FAILED',
      title: rendered.title,
      error,
      ...extra,
    });
    if (!rendered.ok) return [...failed, ...unchanged, ...pending.map((a) => fail(a, firstError(messages)))];
    if (!rendered.cover) {
      const message = 'No cover: add `cover:` to the front matter, an image to the post, or `defaultCover` to the config';
      return [...failed, ...unchanged, ...pending.map((a) => fail(a, { message, line: 1 }))];
    }

    // Read every image once (local files, data: URIs, downloads), shared by all accounts.
    let sources: ImageBytes[];
    let coverSource: ImageBytes;
    try {
      sources = await Promise.all(refs.map((ref) => readCached(ref)));
      coverSource = rendered.cover.kind === 'wechat' ? await Promise.reject(new ImageSourceError('A cover must be a file or a downloadable URL, not an mmbiz URL', rendered.cover)) : await readCached(rendered.cover);
    } catch (error) {
      if (!(error instanceof ImageSourceError)) throw error;
      const where = { line: error.ref.line, column: error.ref.column };
      messages.push(problem(post.source, error.message, where, 'image-unreadable', 'error'));
      return [...failed, ...unchanged, ...pending.map((a) => fail(a, { message: error.message, ...where }))];
    }
    const inputs = collectInputs(ctx.root, [...refs, rendered.cover], [...sources, coverSource]);
    // Other files the render read (`--8<--` snippets, mkdocs.yml for a nav title) are inputs too: editing one must
    // update the draft.
    for (const include of rendered.includes) {
      const digest = await ctx.hashes.hash(include);
      if (digest) inputs[path.relative(ctx.root, include).split(path.sep).join('/')] = digest;
    }

    const results: PostResult[] = [];
    for (const account of pending) {
      const halt = halts.get(account.appId);
      if (halt) {
        results.push(fail(account, { message: `not attempted: ${halt.reason}` }));
        continue;
      }
      try {
        results.push(await syncToAccount(post, rendered, account, refs, sources, coverSource, inputs, version, messages));
      } catch (error) {
        const result = fail(account, describeError(error));
        if (error instanceof ImageSourceError) {
          result.error = { ...result.error!, line: error.ref.line, column: error.ref.column };
        }
        results.push(result);
      }
    }
    return [...failed, ...unchanged, ...results];
  }

  async function readCached(ref: ImageRef): Promise<ImageBytes> {
    // A plan makes no network access: remote images stay unknown (planOnly says they would be fetched).
    if (ctx.dryRun && ref.kind === 'remote') return { data: Buffer.alloc(0), sha256: '', remote: true };
    return readImage(ref, ctx.hashes, downloader, ctx.config.limits.imageBytes);
  }

  /** The fingerprint of a post's inputs for one account: unchanged ⇒ the payload is unchanged. */
  function fingerprintOf(post: Post, inputs: Record<string, string>, account: ResolvedAccount, themeVersion: string): string {
    return sha256(
      stableStringify({
        v: FINGERPRINT_VERSION,
        renderer: RENDERER_VERSION,
        theme: themeVersion,
        config: configHash,
        author: account.author ?? null,
        source: sha256(post.raw),
        inputs,
      }),
    );
  }

  async function isFresh(post: Post, entry: LockPost, account: ResolvedAccount, themeVersion: string): Promise<boolean> {
    if (!entry.fingerprint || !entry.mediaId || entry.pending || entry.status !== 'draft') return false;
    const inputs: Record<string, string> = {};
    for (const rel of Object.keys(entry.inputs ?? {})) {
      const digest = await ctx.hashes.hash(path.resolve(ctx.root, rel));
      if (!digest) return false;
      inputs[rel] = digest;
    }
    return fingerprintOf(post, inputs, account, themeVersion) === entry.fingerprint;
  }

  async function syncToAccount(
    post: Post,
    rendered: RenderedPost,
    account: ResolvedAccount,
    refs: ImageRef[],
    sources: ImageBytes[],
    coverSource: ImageBytes,
    inputs: Record<string, string>,
    themeVersion: string,
    messages: Problem[],
  ): Promise<PostResult> {
    const lockAccount = ctx.lock.account(account.appId);
    const uploader = uploaderFor(account);
    const result: PostResult = {
      source: post.source,
      account: account.name,
      appId: account.appId,
      status: 'UNCHANGED',
      title: rendered.title,
      images: { uploaded: 0, reused: 0, bytes: 0 },
      messages,
    };
    const fingerprint = fingerprintOf(post, inputs, account, themeVersion);
    let entry = lockAccount.posts[post.source];

    if (ctx.dryRun) return planOnly(result, rendered, account, refs, sources, coverSource, entry, uploader);

    ctx.onEvent?.({ type: 'post', source: post.source, phase: 'upload' });
    const urls = await Promise.all(
      refs.map(async (ref, i) => {
        const uploaded = await uploader.bodyImage(sources[i]!, ref);
        if (uploaded.fresh) {
          result.images.uploaded++;
          result.images.bytes += uploaded.image.bytes;
        } else result.images.reused++;
        return uploaded.image.url;
      }),
    );
    if (ctx.collectImages) result.imageBytes = new Map(urls.map((url, i) => [url, sources[i]!.data]));
    const cover = await uploader.cover(coverSource, rendered.cover!);
    result.cover = cover.fresh ? 'uploaded' : 'reused';
    const article = buildArticle(rendered, substituteImages(rendered.html, urls), cover.cover.mediaId, ctx.config, account);
    const hash = payloadHash(article);
    const client = await ctx.clientFor(account);
    const call = callFor(account);
    const record = (fields: Partial<LockPost>) => {
      entry = lockAccount.posts[post.source] = {
        ...(lockAccount.posts[post.source] ?? { status: 'draft', updatedAt: '' }),
        title: rendered.title,
        payloadHash: hash,
        fingerprint,
        inputs,
        thumbMediaId: cover.cover.mediaId,
        renderer: RENDERER_VERSION,
        theme: `${rendered.theme}@${themeVersion.slice(0, 12)}`,
        status: 'draft',
        updatedAt: new Date().toISOString(),
        ...fields,
      };
    };

    // A draft/add whose answer was lost (the process died): adopt the draft if WeChat has it, instead of adding twice.
    if (entry?.pending?.op === 'draft-add' && !entry.mediaId) {
      const found = await call(() => findDraft(client, entry!.pending!));
      if (found) {
        entry = lockAccount.posts[post.source] = { ...entry, mediaId: found, payloadHash: undefined, pending: undefined };
        await ctx.lock.save();
      }
    }

    ctx.onEvent?.({ type: 'post', source: post.source, phase: 'draft' });
    if (entry?.mediaId && entry.status === 'draft') {
      // --force sends every draft again (it also finds drafts deleted in WeChat: they answer 40007).
      if (entry.payloadHash === hash && !ctx.force) {
        // Same payload (e.g. only whitespace changed in the source): remember the new fingerprint, send nothing.
        if (entry.fingerprint !== fingerprint) {
          record({ updatedAt: entry.updatedAt });
          await ctx.lock.save();
        }
        result.mediaId = entry.mediaId;
        return withVerify(result, client, call, article);
      }
      try {
        await call(() => client.draft.update(entry!.mediaId!, 0, article));
        record({ mediaId: entry.mediaId });
        await ctx.lock.save();
        result.status = 'UPDATED';
        result.mediaId = entry.mediaId;
        return withVerify(result, client, call, article);
      } catch (error) {
        // 40007: the draft was published or deleted in WeChat's web UI. Create it again.
        if (!(error instanceof WeChatError && error.errcode === 40007)) throw error;
        result.note = `draft ${entry.mediaId} no longer exists in WeChat (published or deleted there): created a new one`;
      }
    } else if (entry?.mediaId && entry.status === 'published') {
      result.note = `the previous draft was published${entry.articleUrl ? ` (${entry.articleUrl})` : ''}: created a new draft`;
    }

    // draft/add, with a pending marker first so that a crash between WeChat's answer and our save cannot duplicate it.
    record({ mediaId: undefined, payloadHash: undefined, pending: { op: 'draft-add', title: rendered.title, thumbMediaId: cover.cover.mediaId, startedAt: Math.floor(Date.now() / 1000) } });
    await ctx.lock.save();
    const { media_id } = await call(() => client.draft.add([article]));
    record({ mediaId: media_id, pending: undefined });
    await ctx.lock.save();
    result.status = 'CREATED';
    result.mediaId = media_id;
    return withVerify(result, client, call, article);
  }

  async function withVerify(result: PostResult, client: WeChatClient, call: Limiter, article: { content: string; title: string }): Promise<PostResult> {
    if (!ctx.verify || !result.mediaId) return result;
    ctx.onEvent?.({ type: 'post', source: result.source, phase: 'verify' });
    const [{ verifyDraft }, stored] = await Promise.all([import('./verify.js'), call(() => client.draft.get(result.mediaId!))]);
    result.verify = verifyDraft(article, stored.news_item[0]);
    return result;
  }

  async function planOnly(
    result: PostResult,
    rendered: RenderedPost,
    account: ResolvedAccount,
    refs: ImageRef[],
    sources: ImageBytes[],
    coverSource: ImageBytes,
    entry: LockPost | undefined,
    uploader: Uploader,
  ): Promise<PostResult> {
    const urls: (string | undefined)[] = sources.map((s) => (s.remote ? undefined : uploader.knownBodyImage(s.sha256)?.url));
    const missing = new Map<string, number>();
    sources.forEach((s, i) => {
      if (urls[i] === undefined && !s.remote) missing.set(s.sha256, s.data.length);
    });
    const coverId = coverSource.remote ? undefined : uploader.knownCover(coverSource.sha256)?.mediaId;
    if (!coverId && !coverSource.remote) missing.set(`cover:${coverSource.sha256}`, coverSource.data.length);
    result.pendingUploads = { count: missing.size, bytes: [...missing.values()].reduce((a, b) => a + b, 0) };
    const remote = new Set(refs.filter((_, i) => sources[i]!.remote).map((ref) => ref.src.trim()));
    if (coverSource.remote) remote.add(rendered.cover!.src.trim());
    // Unknown until downloaded (a plan has no network): they may turn out to be uploaded already.
    if (remote.size > 0) result.pendingDownloads = remote.size;
    result.images.reused = urls.filter(Boolean).length;
    result.cover = coverId ? 'reused' : undefined;
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
    const article = buildArticle(rendered, substituteImages(rendered.html, urls as string[]), coverId!, ctx.config, account);
    result.status = payloadHash(article) === entry.payloadHash ? 'UNCHANGED' : 'UPDATED';
    return result;
  }
}

/** Config keys that change the rendered payload (not concurrency, credentials or output folders). */
function outputRelevantConfig(config: WxmpConfig): unknown {
  const { include, exclude, outDir, apiBase, proxy, accounts, defaultAccount, concurrency, lint, retry, ...relevant } = config;
  void [include, exclude, outDir, apiBase, proxy, accounts, defaultAccount, concurrency, lint, retry];
  return relevant;
}

function collectInputs(root: string, refs: ImageRef[], sources: ImageBytes[]): Record<string, string> {
  const inputs: Record<string, string> = {};
  refs.forEach((ref, i) => {
    if (ref.kind === 'local' && ref.path) inputs[path.relative(root, ref.path).split(path.sep).join('/')] = sources[i]!.sha256;
  });
  return inputs;
}

/** Looks for a draft created by an interrupted draft/add: same title and cover, created after the attempt started. */
async function findDraft(client: WeChatClient, pending: NonNullable<LockPost['pending']>): Promise<string | undefined> {
  const slack = 120;
  for (let offset = 0; ; offset += 20) {
    const page = await client.draft.batchget({ offset, count: 20, noContent: true });
    for (const item of page.item) {
      const article = item.content.news_item[0];
      if (article && article.title === pending.title && article.thumb_media_id === pending.thumbMediaId && item.update_time >= pending.startedAt - slack) {
        return item.media_id;
      }
    }
    if (page.item.length < 20 || offset + 20 >= page.total_count) return undefined;
  }
}

/** A request not sent because the account already failed in a way every call would. */
export class AccountHaltedError extends Error {
  constructor(reason: string) {
    super(`not attempted: ${reason}`);
    this.name = 'AccountHaltedError';
  }
}

/** The first error of a post, with its position: the row of the final table points at it. */
function firstError(messages: Problem[]): NonNullable<PostResult['error']> {
  const error = messages.find(isError);
  if (!error) return { message: 'invalid post' };
  return { message: error.reason, line: error.line ?? undefined, column: error.column ?? undefined };
}

export function describeError(error: unknown): NonNullable<PostResult['error']> {
  if (error instanceof WeChatError) {
    return { message: `errcode ${error.errcode}: ${error.errmsg}`, errcode: error.errcode, errmsg: error.errmsg, hint: error.hint };
  }
  if (error instanceof WeChatTransportError) return { message: error.message.split('\n')[0]!, hint: error.hint };
  if (error instanceof ImageSourceError) return { message: error.message, line: error.ref.line, column: error.ref.column };
  if (error instanceof Error) return { message: error.message.split('\n')[0]! };
  return { message: String(error) };
}

export type { Limiter };
