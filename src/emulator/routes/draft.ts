/** Drafts (草稿箱) — docs/wechat-api.md §5. */
import { json, ok, type Route } from '../router.js';
import { isSet } from '../logic/articles.js';
import { addDraft, draftContent, draftOf, updateDraft } from '../logic/drafts.js';
import { settleFor } from '../logic/publish.js';
import { newestFirst, pageOf, pageRange } from '../logic/paging.js';

export const draftRoutes: Route[] = [
  {
    method: 'POST',
    path: '/cgi-bin/draft/add',
    auth: 'token',
    body: 'json',
    // draft/add has an undocumented daily quota ("新建草稿的接口超额了", §3.1); the value here is an assumption.
    dailyLimit: 10_000,
    handle: (req, ctx) => json({ media_id: addDraft(ctx, req.json.articles) }),
  },
  {
    method: 'POST',
    path: '/cgi-bin/draft/get',
    auth: 'token',
    body: 'json',
    handle: (req, ctx) => json(draftContent(ctx, draftOf(ctx, req.json.media_id), true)),
  },
  {
    method: 'POST',
    path: '/cgi-bin/draft/update',
    auth: 'token',
    body: 'json',
    handle(req, ctx) {
      updateDraft(ctx, req.json);
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
      settleFor(ctx);
      return json({ total_count: Object.keys(ctx.account.state.drafts).length });
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/draft/batchget',
    auth: 'token',
    body: 'json',
    handle(req, ctx) {
      settleFor(ctx);
      const range = pageRange(req.json);
      const withContent = !isSet(req.json.no_content);
      return json(
        pageOf(newestFirst(Object.values(ctx.account.state.drafts)), range, (d) => ({
          media_id: d.mediaId,
          content: draftContent(ctx, d, withContent),
          update_time: d.updateTime,
        })),
      );
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
