/**
 * freepublish state machine (wechat-api.md §6.5): submit → status 1 → after publishDelayMs (emulator clock) the
 * scripted outcome (default 0 = success). Settled lazily whenever state is read, so the clock alone drives it.
 */
import { randomBytes } from 'node:crypto';
import type { AccountState, PublishJob, StoredArticle } from './state.js';
import type { PublishOutcome } from './types.js';

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
