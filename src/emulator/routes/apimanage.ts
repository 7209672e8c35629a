/** API management: quotas and quota resets, rid look-ups, domain IPs, callback check — docs/wechat-api.md §3. */
import { EmuError } from '../errors.js';
import { json, ok, stringField, type Route } from '../router.js';
import { accountBySecret } from '../logic/credentials.js';
import { callbackCheck } from '../logic/callback-check.js';
import { lookupRid } from '../logic/rid-log.js';
import { cgiPath, clearAllQuota, clearPathQuota, clearQuotaV2Credentials, quotaView } from '../logic/api-manage.js';

const FAKE_IPS = { ip_list: ['101.89.47.18', '101.91.34.103', '101.91.37.19', '58.251.80.32'] };

export const apiManageRoutes: Route[] = [
  {
    method: 'POST',
    path: '/cgi-bin/openapi/quota/get',
    auth: 'token',
    body: 'json',
    handle: (req, ctx) => ok(quotaView(ctx, cgiPath(ctx, req.json.cgi_path))),
  },
  {
    method: 'POST',
    path: '/cgi-bin/clear_quota',
    auth: 'token',
    body: 'json',
    handle(req, ctx) {
      if (stringField(req.json.appid) !== ctx.account.appId) throw new EmuError(40013);
      clearAllQuota(ctx.account.state);
      return ok();
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/clear_quota/v2',
    auth: 'none',
    body: 'none',
    handle(req, ctx) {
      const { appId, secret } = clearQuotaV2Credentials(req.query, req.rawBody);
      if (!appId) throw new EmuError(41002);
      if (!secret) throw new EmuError(41004);
      clearAllQuota(accountBySecret(ctx, appId, secret).state);
      return ok();
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/openapi/quota/clear',
    auth: 'token',
    body: 'json',
    handle(req, ctx) {
      clearPathQuota(ctx.account.state, cgiPath(ctx, req.json.cgi_path));
      return ok();
    },
  },
  { method: 'GET', path: '/cgi-bin/get_api_domain_ip', auth: 'token', body: 'none', handle: () => json(FAKE_IPS) },
  { method: 'GET', path: '/cgi-bin/getcallbackip', auth: 'token', body: 'none', handle: () => json(FAKE_IPS) },
  {
    method: 'POST',
    path: '/cgi-bin/openapi/rid/get',
    auth: 'token',
    body: 'json',
    handle: (req, ctx) =>
      ok({ request: lookupRid(ctx.account.state, ctx.accounts().map((a) => a.state), req.json.rid, ctx.now()) }),
  },
  {
    method: 'POST',
    path: '/cgi-bin/callback/check',
    auth: 'token',
    body: 'json',
    handle: (req) => json(callbackCheck(req.json)),
  },
];
