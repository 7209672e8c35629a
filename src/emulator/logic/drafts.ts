/** The draft box (草稿箱, docs/wechat-api.md §5): adding, reading, updating and deleting drafts of the current account. */
import { EmuError } from '../errors.js';
import { intField, type EmuContext } from '../router.js';
import type { DraftRecord } from '../state.js';
import { articleView, MAX_ARTICLES, validateArticle } from './articles.js';
import { newMediaId } from './media-files.js';
import { settleFor } from './publish.js';

/** A draft of the current account (publishes settled first: a published draft leaves the box); 40007 otherwise. */
export function draftOf(ctx: EmuContext, mediaId: unknown): DraftRecord {
  settleFor(ctx);
  if (typeof mediaId !== 'string' || !mediaId) throw new EmuError(40007);
  const d = ctx.account.state.drafts[mediaId];
  if (!d) throw new EmuError(40007);
  return d;
}

/** `draft/add`: 1–8 articles (44003 / 45008), each validated and normalised; returns the new media_id. */
export function addDraft(ctx: EmuContext, articles: unknown): string {
  if (!Array.isArray(articles) || articles.length === 0) throw new EmuError(44003);
  if (articles.length > MAX_ARTICLES) throw new EmuError(45008);
  const multi = articles.length > 1;
  const stored = articles.map((a) => validateArticle(ctx, a, multi, 44003));
  const mediaId = newMediaId();
  const now = ctx.nowSeconds();
  ctx.account.state.drafts[mediaId] = { mediaId, articles: stored, createTime: now, updateTime: now };
  return mediaId;
}

/** `draft/update`: a 0-based `index` (40114) and ONE article object (47001 for an array or anything else). */
export function updateDraft(ctx: EmuContext, body: Record<string, unknown>): void {
  const d = draftOf(ctx, body.media_id);
  // index is 0-based here (1-based everywhere in freepublish) — §6.4 "Index conventions".
  const index = intField(body.index);
  if (index === undefined || index < 0 || index >= d.articles.length) throw new EmuError(40114);
  const article = body.articles;
  // `articles` is ONE article object in draft/update, not an array.
  if (typeof article !== 'object' || article === null || Array.isArray(article)) throw new EmuError(47001);
  d.articles[index] = validateArticle(ctx, article, d.articles.length > 1, 47001);
  d.updateTime = ctx.nowSeconds();
}

/** Temporary preview link returned as `url` (it is the emulator's phone-width preview page). */
function previewUrl(ctx: EmuContext, mediaId: string, idx: number): string {
  return `${ctx.origin}/__emulator/drafts/${encodeURIComponent(mediaId)}?idx=${idx + 1}`;
}

/** The `news_item` list of draft/get and draft/batchget. */
export function draftNewsItems(ctx: EmuContext, d: DraftRecord, withContent: boolean): Record<string, unknown>[] {
  return d.articles.map((a, i) => articleView(ctx, a, previewUrl(ctx, d.mediaId, i), withContent));
}

/** draft/get's body, also the `content` of a draft/batchget item. */
export function draftContent(ctx: EmuContext, d: DraftRecord, withContent: boolean): Record<string, unknown> {
  return { news_item: draftNewsItems(ctx, d, withContent), create_time: d.createTime, update_time: d.updateTime };
}
