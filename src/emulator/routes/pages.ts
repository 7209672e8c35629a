/**
 * The emulator's HTML pages and served media: the index of drafts and published articles (`/`, `/__emulator`),
 * phone-width draft previews, published article pages (`/s?__biz=…&mid=…&idx=…`, the URLs freepublish reports) and
 * uploaded images (`/mmbiz_<fmt>/<id>/0`, the URLs uploadimg / add_material return). Markup in ../pages.ts.
 */
import { raw, type EmuContext, type EmuResult, type Route } from '../router.js';
import { servedMediaId } from '../logic/media-files.js';
import { settleAll } from '../logic/publish.js';
import { draftPage, indexPage, notFoundPage } from '../pages.js';
import type { AccountState } from '../state.js';
import { adminRoute } from './admin.js';

const HTML_TYPE = 'text/html; charset=utf-8';

function html(body: string, status = 200): EmuResult {
  return raw(body, HTML_TYPE, status);
}

/** Every active account, its publish jobs settled by the emulator clock. */
function settledAccounts(ctx: EmuContext): AccountState[] {
  const accounts = ctx.accounts().map((a) => a.state);
  settleAll(accounts, ctx.now(), ctx.config.publishDelayMs, ctx.origin);
  return accounts;
}

const index = (_req: unknown, ctx: EmuContext): EmuResult => html(indexPage(settledAccounts(ctx)));

export const pageRoutes: Route[] = [
  adminRoute('GET', '/', index),
  adminRoute('GET', '/__emulator', index),
  adminRoute('GET', '/s', (req, ctx) => {
    const accounts = settledAccounts(ctx);
    const mid = Number(req.query.get('mid'));
    const idx = Number(req.query.get('idx') ?? '1');
    for (const acc of accounts) {
      for (const pub of Object.values(acc.published)) {
        const item = pub.items[idx - 1];
        if (pub.publishId !== mid || !item) continue;
        if (item.isDeleted) return html(notFoundPage('该内容已被发布者删除 (deleted by the publisher)'), 404);
        return html(draftPage(acc, [item.article], 'published article', ctx.origin));
      }
    }
    return html(notFoundPage('No such published article.'), 404);
  }),
  adminRoute('GET', '/__emulator/drafts/:mediaId', (req, ctx) => {
    const id = req.params.mediaId!;
    for (const acc of settledAccounts(ctx)) {
      const draft = acc.drafts[id];
      if (!draft) continue;
      const idx = Number(req.query.get('idx') ?? '0');
      const articles = idx >= 1 && idx <= draft.articles.length ? [draft.articles[idx - 1]!] : draft.articles;
      return html(draftPage(acc, articles, `draft preview (${acc.name})`, ctx.origin));
    }
    return html(notFoundPage(`No draft ${id} (published drafts leave the draft box).`), 404);
  }),
  adminRoute('GET', '/mmbiz_:fmt/:id/:size', async (req, ctx) => {
    const mediaId = servedMediaId(req.path);
    const media = mediaId ? ctx.store.state.media[mediaId] : undefined;
    const data = media ? await ctx.store.getBlob(media.blob) : undefined;
    if (!media || !data) return raw('no such media', 'text/plain', 404);
    return raw(data, media.mime);
  }),
];
