/**
 * Publishing (docs/wechat-api.md §6) and the freepublish state machine (§6.5): submit → status 1 → after publishDelayMs
 * (emulator clock) the scripted outcome (default 0 = success). Jobs are settled lazily whenever state is read, so the
 * clock alone drives them — there is no timer.
 */
import { randomBytes } from 'node:crypto';
import { EmuError } from '../errors.js';
import { intField, stringField, type EmuContext } from '../router.js';
import type { AccountState, PublishJob, PublishedArticle, StoredArticle } from '../state.js';
import type { PublishOutcome } from '../types.js';
import { articleView } from './articles.js';

/** Real publish_ids look like 2247483949 (GZH) — `mid` in article URLs. */
const PUBLISH_ID_BASE = 2_247_483_648;

export function allocatePublishId(acc: AccountState): number {
  const used = Object.values(acc.publishJobs).map((j) => j.publishId);
  return used.length === 0 ? PUBLISH_ID_BASE + 1 + Math.floor(Math.random() * 500) : Math.max(...used) + 1 + Math.floor(Math.random() * 3);
}

export function createJob(
  acc: AccountState,
  mediaId: string,
  articles: StoredArticle[],
  now: number,
  outcome: PublishOutcome,
): PublishJob {
  const publishId = allocatePublishId(acc);
  const job: PublishJob = {
    publishId,
    msgDataId: publishId,
    mediaId,
    submittedAt: now,
    outcome,
    status: 1,
    articles: structuredClone(articles),
    failIdx: [],
  };
  acc.publishJobs[String(publishId)] = job;
  return job;
}

export function articleUrl(origin: string, acc: AccountState, publishId: number, idx: number): string {
  return `${origin}/s?__biz=${encodeURIComponent(acc.biz)}&mid=${publishId}&idx=${idx}&sn=${randomBytes(16).toString('hex')}#rd`;
}

/** Resolves every job whose delay has passed. */
export function settlePublishes(acc: AccountState, now: number, delayMs: number, origin: string): void {
  for (const job of Object.values(acc.publishJobs)) {
    if (job.status !== 1 || now < job.submittedAt + delayMs) continue;
    job.status = job.outcome;
    if (job.outcome === 0) {
      const articleId = randomBytes(33).toString('base64url');
      job.articleId = articleId;
      acc.published[articleId] = {
        articleId,
        publishId: job.publishId,
        updateTime: Math.floor((job.submittedAt + delayMs) / 1000),
        items: job.articles.map((article, i) => ({ article, url: articleUrl(origin, acc, job.publishId, i + 1), isDeleted: false })),
      };
      // "上传到草稿箱中的素材被群发或发布后，该素材将从草稿箱中移除" (§5.1).
      delete acc.drafts[job.mediaId];
    } else if (job.outcome === 2 || job.outcome === 4) {
      // 原创失败 / 审核不通过 name the failing articles (1-based); the emulator fails them all.
      job.failIdx = job.articles.map((_, i) => i + 1);
    }
  }
}

/** Status as freepublish/get reports it: 5 once every article of a successful publish was deleted. */
export function reportedStatus(acc: AccountState, job: PublishJob): number {
  if (job.status === 0 && job.articleId) {
    const pub = acc.published[job.articleId];
    if (pub && pub.items.every((i) => i.isDeleted)) return 5;
  }
  return job.status;
}

/** Settles the current account's publish jobs by the emulator clock (routes call it before reading state). */
export function settleFor(ctx: EmuContext): void {
  settlePublishes(ctx.account.state, ctx.now(), ctx.config.publishDelayMs, ctx.origin);
}

/** Settles every active account's jobs (the pages and the state summary read them all). */
export function settleAll(accounts: readonly AccountState[], now: number, delayMs: number, origin: string): void {
  for (const acc of accounts) settlePublishes(acc, now, delayMs, origin);
}

/**
 * 53501 "频繁请求发布": WeChat publishes no threshold. EMU: more than 10 submits within 60 s from one account is
 * "too frequent" — far above what a publishing tool needs, low enough to catch a retry loop.
 */
const SUBMIT_WINDOW_MS = 60_000;
const SUBMITS_PER_WINDOW = 10;

/** `freepublish/submit`: a draft of the account (40007), within the submit rate (53501) → a new job. */
export function submitPublish(
  acc: AccountState,
  mediaIdValue: unknown,
  now: number,
  outcomes: Readonly<Record<string, PublishOutcome>>,
): PublishJob {
  const mediaId = stringField(mediaIdValue);
  if (mediaId === undefined) throw new EmuError(47001);
  const draft = acc.drafts[mediaId];
  if (!draft) throw new EmuError(40007);
  acc.recentSubmits = acc.recentSubmits.filter((t) => now - t < SUBMIT_WINDOW_MS);
  if (acc.recentSubmits.length >= SUBMITS_PER_WINDOW) throw new EmuError(53501);
  acc.recentSubmits.push(now);
  const outcome = outcomes[mediaId] ?? outcomes['*'] ?? 0;
  return createJob(acc, mediaId, draft.articles, now, outcome);
}

/** `freepublish/get`'s body for a publish_id (53502 unknown). */
export function publishStatusView(acc: AccountState, publishIdValue: unknown): Record<string, unknown> {
  const publishId = intField(publishIdValue);
  if (publishId === undefined) throw new EmuError(40002, 'invalid argument');
  const job = acc.publishJobs[String(publishId)];
  if (!job) throw new EmuError(53502);
  const body: Record<string, unknown> = { publish_id: job.publishId, publish_status: reportedStatus(acc, job) };
  const pub = job.articleId ? acc.published[job.articleId] : undefined;
  if (pub) {
    body.article_id = pub.articleId;
    body.article_detail = { count: pub.items.length, item: pub.items.map((i, idx) => ({ idx: idx + 1, article_url: i.url })) };
  }
  body.fail_idx = job.failIdx;
  return body;
}

/** A published article of the account by article_id; 53600 otherwise. */
export function publishedOf(acc: AccountState, articleId: unknown): PublishedArticle {
  const id = stringField(articleId);
  const pub = id ? acc.published[id] : undefined;
  if (!pub) throw new EmuError(53600);
  return pub;
}

/** `freepublish/delete`: a 1-based `index` (40060); omitted or 0 deletes every article (→ status 5). */
export function deletePublished(pub: PublishedArticle, indexValue: unknown): void {
  const index = indexValue === undefined || indexValue === null ? 0 : intField(indexValue);
  if (index === undefined || index < 0 || index > pub.items.length) throw new EmuError(40060);
  if (index === 0) for (const item of pub.items) item.isDeleted = true;
  else pub.items[index - 1]!.isDeleted = true;
}

/** The `news_item` list of freepublish/getarticle and batchget. */
export function publishedNewsItems(ctx: EmuContext, pub: PublishedArticle, withContent: boolean): Record<string, unknown>[] {
  return pub.items.map((i) => articleView(ctx, i.article, i.url, withContent, { is_deleted: i.isDeleted }));
}
