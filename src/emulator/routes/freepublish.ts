/** Publishing (发布能力) — wechat-api.md §6. */
import { EmuError } from '../errors.js';
import { intField, json, ok, stringField, type EmuContext, type Route } from '../router.js';
import { articleView } from '../articles.js';
import { createJob, reportedStatus, settlePublishes } from '../publish.js';
import { noContent, pageRange } from './draft.js';
import type { PublishedArticle } from '../state.js';

/**
 * 53501 "频繁请求发布": WeChat publishes no threshold. EMU: more than 10 submits within 60 s from one account is
 * "too frequent" — far above what a publishing tool needs, low enough to catch a retry loop.
 */
const SUBMIT_WINDOW_MS = 60_000;
const SUBMITS_PER_WINDOW = 10;

/** freepublish/* are "仅认证" APIs: unverified accounts get 48001 (§1 "Verification-gated APIs"). */
function verifiedAccount(ctx: EmuContext): void {
  if (!ctx.account.flags.verified) throw new EmuError(48001);
  settlePublishes(ctx.account.state, ctx.now(), ctx.config.publishDelayMs, ctx.origin);
}

function publishedOf(ctx: EmuContext, articleId: unknown): PublishedArticle {
  const id = stringField(articleId);
  const pub = id ? ctx.account.state.published[id] : undefined;
  if (!pub) throw new EmuError(53600);
  return pub;
}

function newsItems(ctx: EmuContext, pub: PublishedArticle, withContent: boolean): Record<string, unknown>[] {
  return pub.items.map((i) => articleView(ctx, i.article, i.url, withContent, { is_deleted: i.isDeleted }));
}

export const freepublishRoutes: Route[] = [
  {
    method: 'POST',
    path: '/cgi-bin/freepublish/submit',
    auth: 'token',
    body: 'json',
    handle(req, ctx) {
      verifiedAccount(ctx);
      const acc = ctx.account.state;
      const mediaId = stringField(req.json.media_id);
      if (mediaId === undefined) throw new EmuError(47001);
      const draft = acc.drafts[mediaId];
      if (!draft) throw new EmuError(40007);
      const now = ctx.now();
      acc.recentSubmits = acc.recentSubmits.filter((t) => now - t < SUBMIT_WINDOW_MS);
      if (acc.recentSubmits.length >= SUBMITS_PER_WINDOW) throw new EmuError(53501);
      acc.recentSubmits.push(now);
      const outcomes = ctx.faults.publishOutcome;
      const outcome = outcomes[mediaId] ?? outcomes['*'] ?? 0;
      const job = createJob(acc, mediaId, draft.articles, now, outcome);
      // publish_id / msg_data_id are JSON ints on the live API (§1 "Integers vs strings").
      return ok({ publish_id: job.publishId, msg_data_id: job.msgDataId });
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/freepublish/get',
    auth: 'token',
    body: 'json',
    handle(req, ctx) {
      verifiedAccount(ctx);
      const publishId = intField(req.json.publish_id);
      if (publishId === undefined) throw new EmuError(40002, 'invalid argument');
      const acc = ctx.account.state;
      const job = acc.publishJobs[String(publishId)];
      if (!job) throw new EmuError(53502);
      const status = reportedStatus(acc, job);
      const body: Record<string, unknown> = { publish_id: job.publishId, publish_status: status };
      const pub = job.articleId ? acc.published[job.articleId] : undefined;
      if (pub) {
        body.article_id = pub.articleId;
        body.article_detail = { count: pub.items.length, item: pub.items.map((i, idx) => ({ idx: idx + 1, article_url: i.url })) };
      }
      body.fail_idx = job.failIdx;
      return json(body);
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/freepublish/getarticle',
    auth: 'token',
    body: 'json',
    handle(req, ctx) {
      verifiedAccount(ctx);
      const pub = publishedOf(ctx, req.json.article_id);
      return json({ news_item: newsItems(ctx, pub, true) });
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/freepublish/batchget',
    auth: 'token',
    body: 'json',
    handle(req, ctx) {
      verifiedAccount(ctx);
      const { offset, count } = pageRange(req);
      const withContent = !noContent(req.json.no_content);
      // Only successfully published (and not wholly deleted) items are listed.
      const all = Object.values(ctx.account.state.published)
        .filter((p) => p.items.some((i) => !i.isDeleted))
        .reverse()
        .sort((a, b) => b.updateTime - a.updateTime);
      const page = all.slice(offset, offset + count);
      return json({
        total_count: all.length,
        item_count: page.length,
        item: page.map((p) => ({ article_id: p.articleId, content: { news_item: newsItems(ctx, p, withContent) }, update_time: p.updateTime })),
      });
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/freepublish/delete',
    auth: 'token',
    body: 'json',
    handle(req, ctx) {
      verifiedAccount(ctx);
      const pub = publishedOf(ctx, req.json.article_id);
      // index is 1-based; omitted or 0 deletes every article (→ freepublish/get reports status 5).
      const index = req.json.index === undefined || req.json.index === null ? 0 : intField(req.json.index);
      if (index === undefined || index < 0 || index > pub.items.length) throw new EmuError(40060);
      if (index === 0) for (const item of pub.items) item.isDeleted = true;
      else pub.items[index - 1]!.isDeleted = true;
      return ok();
    },
  },
];
