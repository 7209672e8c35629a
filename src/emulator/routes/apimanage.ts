/** API management: quotas and quota resets, domain IPs — wechat-api.md §3. */
import { EmuError } from '../errors.js';
import { json, ok, stringField, type EmuAccount, type EmuContext, type Route } from '../router.js';
import { hashSecret } from '../server.js';

const CLEARS_PER_MONTH = 10; // clear_quota: 10/month, shared with v2 (§3)
const PATH_CLEARS_PER_MONTH = 50; // openapi/quota/clear: 50/month (§3)

function clearAll(account: EmuAccount): void {
  const q = account.state.quota;
  if (q.clearCount >= CLEARS_PER_MONTH) throw new EmuError(48006);
  q.clearCount += 1;
  q.used = {};
}

function cgiPath(ctx: EmuContext, value: unknown): string {
  const path = stringField(value);
  if (!path) throw new EmuError(47001);
  if (path.startsWith('/sns/')) throw new EmuError(76022, 'could not use this cgi_path，no permission');
  if (!path.startsWith('/') || !ctx.quota.known(path)) throw new EmuError(76021);
  return path;
}

const FAKE_IPS = { ip_list: ['101.89.47.18', '101.91.34.103', '101.91.37.19', '58.251.80.32'] };

export const apiManageRoutes: Route[] = [
  {
    method: 'POST',
    path: '/cgi-bin/openapi/quota/get',
    auth: 'token',
    body: 'json',
    handle(req, ctx) {
      const path = cgiPath(ctx, req.json.cgi_path);
      const limit = ctx.quota.limit(path);
      const used = Math.min(ctx.quota.used(path), limit);
      return ok({
        quota: { daily_limit: limit, used, remain: limit - used },
        rate_limit: { call_count: 0, refresh_second: 60 },
        component_rate_limit: { call_count: 0, refresh_second: 60 },
      });
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/clear_quota',
    auth: 'token',
    body: 'json',
    handle(req, ctx) {
      if (stringField(req.json.appid) !== ctx.account.appId) throw new EmuError(40013);
      clearAll(ctx.account);
      return ok();
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/clear_quota/v2',
    auth: 'none',
    body: 'none',
    handle(req, ctx) {
      // The doc example passes appid/appsecret in the query string; its table calls them the body — accept both.
      let body: Record<string, unknown> = {};
      try {
        const parsed: unknown = req.rawBody.length ? JSON.parse(req.rawBody.toString('utf8')) : {};
        if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
      } catch {
        /* form-encoded or empty: the query string carries the parameters */
      }
      const appId = req.query.get('appid') ?? stringField(body.appid);
      const secret = req.query.get('appsecret') ?? stringField(body.appsecret);
      if (!appId) throw new EmuError(41002);
      if (!secret) throw new EmuError(41004);
      const account = ctx.findAccount(appId);
      if (!account) throw new EmuError(40013);
      if (account.state.secretHash !== hashSecret(secret)) throw new EmuError(40125);
      clearAll(account);
      return ok();
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/openapi/quota/clear',
    auth: 'token',
    body: 'json',
    handle(req, ctx) {
      const path = cgiPath(ctx, req.json.cgi_path);
      const q = ctx.account.state.quota;
      if (q.pathClearCount >= PATH_CLEARS_PER_MONTH) throw new EmuError(48006);
      q.pathClearCount += 1;
      delete q.used[path];
      return ok();
    },
  },
  { method: 'GET', path: '/cgi-bin/get_api_domain_ip', auth: 'token', body: 'none', handle: () => json(FAKE_IPS) },
  { method: 'GET', path: '/cgi-bin/getcallbackip', auth: 'token', body: 'none', handle: () => json(FAKE_IPS) },
];
