/**
 * Analytics (docs/wechat-api.md §10): one POST route per datacube API, each with its maximum span. Dates are checked
 * against the emulator clock in Beijing time; data is deterministic (../logic/datacube-data.ts) and includes the
 * account's really published articles.
 */
import { EmuError } from '../errors.js';
import { json, type EmuContext, type Route } from '../router.js';
import { DATACUBE_APIS, beijingToday, validateDateRange } from '../logic/datacube-dates.js';
import { datacubeResponse, type PublishedArticleInput } from '../logic/datacube-data.js';

/** Successfully published freepublish jobs of the account, as article inputs for the generator. */
function publishedArticles(ctx: EmuContext): PublishedArticleInput[] {
  return Object.values(ctx.account.state.publishJobs)
    .filter((job) => job.status === 0)
    .map((job) => ({
      msgDataId: job.msgDataId,
      titles: job.articles.map((a) => a.title),
      day: beijingToday(job.submittedAt),
    }));
}

export const datacubeRoutes: Route[] = Object.entries(DATACUBE_APIS).map(
  ([name, api]): Route => ({
    method: 'POST',
    path: `/datacube/${name}`,
    auth: 'token',
    body: 'json',
    handle(req, ctx) {
      const now = ctx.now();
      const range = validateDateRange(req.json, api, now);
      if (!range.ok) throw new EmuError(range.errcode);
      return json(
        datacubeResponse({ appId: ctx.account.appId, name, api, days: range.days, nowMs: now, published: publishedArticles(ctx) }),
      );
    },
  }),
);
