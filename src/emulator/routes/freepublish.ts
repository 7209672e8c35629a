/** Publishing (发布能力) — docs/wechat-api.md §6. */
import { EmuError } from '../errors.js';
import { json, ok, type EmuContext, type Route } from '../router.js';
import { isSet } from '../logic/articles.js';
import {
  deletePublished,
  publishStatusView,
  publishedNewsItems,
  publishedOf,
  settleFor,
  submitPublish,
} from '../logic/publish.js';
import { newestFirst, pageOf, pageRange } from '../logic/paging.js';

/** freepublish/* are "仅认证" APIs: unverified accounts get 48001 (§1 "Verification-gated APIs"). */
function verifiedAccount(ctx: EmuContext): void {
  if (!ctx.account.flags.verified) throw new EmuError(48001);
  settleFor(ctx);
}

export const freepublishRoutes: Route[] = [
  {
    method: 'POST',
    path: '/cgi-bin/freepublish/submit',
    auth: 'token',
    body: 'json',
    handle(req, ctx) {
      verifiedAccount(ctx);
      const job = submitPublish(ctx.account.state, req.json.media_id, ctx.now(), ctx.faults.publishOutcome);
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
      return json(publishStatusView(ctx.account.state, req.json.publish_id));
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/freepublish/getarticle',
    auth: 'token',
    body: 'json',
    handle(req, ctx) {
      verifiedAccount(ctx);
      const pub = publishedOf(ctx.account.state, req.json.article_id);
      return json({ news_item: publishedNewsItems(ctx, pub, true) });
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/freepublish/batchget',
    auth: 'token',
    body: 'json',
    handle(req, ctx) {
      verifiedAccount(ctx);
      const range = pageRange(req.json);
      const withContent = !isSet(req.json.no_content);
      // Only successfully published (and not wholly deleted) items are listed.
      const listed = Object.values(ctx.account.state.published).filter((p) => p.items.some((i) => !i.isDeleted));
      return json(
        pageOf(newestFirst(listed), range, (p) => ({
          article_id: p.articleId,
          content: { news_item: publishedNewsItems(ctx, p, withContent) },
          update_time: p.updateTime,
        })),
      );
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/freepublish/delete',
    auth: 'token',
    body: 'json',
    handle(req, ctx) {
      verifiedAccount(ctx);
      deletePublished(publishedOf(ctx.account.state, req.json.article_id), req.json.index);
      return ok();
    },
  },
];
