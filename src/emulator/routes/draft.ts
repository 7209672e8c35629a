/** Drafts (草稿箱) — wechat-api.md §5. */
import { EmuError } from '../errors.js';
import { intField, json, ok, type EmuContext, type EmuRequest, type Route } from '../router.js';
import { articleView, MAX_ARTICLES, validateArticle } from '../articles.js';
import { newMediaId } from '../media-files.js';
import { settlePublishes } from '../publish.js';
import type { DraftRecord } from '../state.js';

function settle(ctx: EmuContext): void {
  settlePublishes(ctx.account.state, ctx.now(), ctx.config.publishDelayMs, ctx.origin);
}

function draftOf(ctx: EmuContext, mediaId: unknown): DraftRecord {
  settle(ctx);
  if (typeof mediaId !== 'string' || !mediaId) throw new EmuError(40007);
  const d = ctx.account.state.drafts[mediaId];
  if (!d) throw new EmuError(40007);
  return d;
}

/** `no_content`: official type is 0/1, silenceper sends a JSON bool — accept both (§5.2). */
export function noContent(value: unknown): boolean {
  return value === 1 || value === true || value === '1' || value === 'true';
}

export function pageRange(req: EmuRequest): { offset: number; count: number } {
  const offset = intField(req.json.offset ?? 0);
  const count = intField(req.json.count);
  // count outside 1–20: errcode undocumented; EMU answers 40035 invalid args (§5.2).
  if (offset === undefined || offset < 0 || count === undefined || count < 1 || count > 20) throw new EmuError(40035);
  return { offset, count };
}

/** Temporary preview link returned as `url` (it is the emulator's phone-width preview page). */
function previewUrl(ctx: EmuContext, mediaId: string, idx: number): string {
  return `${ctx.origin}/__emulator/drafts/${encodeURIComponent(mediaId)}?idx=${idx + 1}`;
}

function newsItems(ctx: EmuContext, d: DraftRecord, withContent: boolean): Record<string, unknown>[] {
  return d.articles.map((a, i) => articleView(ctx, a, previewUrl(ctx, d.mediaId, i), withContent));
}

export const draftRoutes: Route[] = [
  {
    method: 'POST',
    path: '/cgi-bin/draft/add',
    auth: 'token',
    body: 'json',
    // draft/add has an undocumented daily quota ("新建草稿的接口超额了", §3.1); the value here is an assumption.
    dailyLimit: 10_000,
    handle(req, ctx) {
      const articles = req.json.articles;
      if (!Array.isArray(articles) || articles.length === 0) throw new EmuError(44003);
      if (articles.length > MAX_ARTICLES) throw new EmuError(45008);
      const multi = articles.length > 1;
      const stored = articles.map((a) => validateArticle(ctx, a, multi, 44003));
      const mediaId = newMediaId();
      const now = ctx.nowSeconds();
      ctx.account.state.drafts[mediaId] = { mediaId, articles: stored, createTime: now, updateTime: now };
      return json({ media_id: mediaId });
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/draft/get',
    auth: 'token',
    body: 'json',
    handle(req, ctx) {
      const d = draftOf(ctx, req.json.media_id);
      return json({ news_item: newsItems(ctx, d, true), create_time: d.createTime, update_time: d.updateTime });
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/draft/update',
    auth: 'token',
    body: 'json',
    handle(req, ctx) {
      const d = draftOf(ctx, req.json.media_id);
      // index is 0-based here (1-based everywhere in freepublish) — §6.4 "Index conventions".
      const index = intField(req.json.index);
      if (index === undefined || index < 0 || index >= d.articles.length) throw new EmuError(40114);
      const article = req.json.articles;
      // `articles` is ONE article object in draft/update, not an array.
      if (typeof article !== 'object' || article === null || Array.isArray(article)) throw new EmuError(47001);
      d.articles[index] = validateArticle(ctx, article, d.articles.length > 1, 47001);
      d.updateTime = ctx.nowSeconds();
      return ok();
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/draft/delete',
    auth: 'token',
    body: 'json',
    handle(req, ctx) {
      const d = draftOf(ctx, req.json.media_id);
      delete ctx.account.state.drafts[d.mediaId];
      return ok();
    },
  },
  {
    method: 'GET',
    path: '/cgi-bin/draft/count',
    auth: 'token',
    body: 'none',
    handle(_req, ctx) {
      settle(ctx);
      return json({ total_count: Object.keys(ctx.account.state.drafts).length });
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/draft/batchget',
    auth: 'token',
    body: 'json',
    handle(req, ctx) {
      settle(ctx);
      const { offset, count } = pageRange(req);
      const withContent = !noContent(req.json.no_content);
      const all = Object.values(ctx.account.state.drafts).reverse().sort((a, b) => b.updateTime - a.updateTime);
      const page = all.slice(offset, offset + count);
      return json({
        total_count: all.length,
        item_count: page.length,
        item: page.map((d) => ({
          media_id: d.mediaId,
          content: { news_item: newsItems(ctx, d, withContent), create_time: d.createTime, update_time: d.updateTime },
          update_time: d.updateTime,
        })),
      });
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/draft/switch',
    auth: 'token',
    body: 'none',
    // The draft box is always open in the emulator (the beta switch is being retired, §5.2).
    handle: () => ok({ is_open: 1 }),
  },
];
