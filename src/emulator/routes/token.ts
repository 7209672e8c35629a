/** `cgi-bin/token` (GET, query) and `cgi-bin/stable_token` (POST JSON) — docs/wechat-api.md §2. */
import { EmuError } from '../errors.js';
import { json, type Route } from '../router.js';
import { authenticateApp } from '../logic/credentials.js';
import { issueStableToken, issueToken } from '../logic/tokens.js';

export const tokenRoutes: Route[] = [
  {
    method: 'GET',
    path: '/cgi-bin/token',
    auth: 'none',
    body: 'none',
    dailyLimit: 2000, // 获取access_token 2000/day (docs/wechat-api.md §2.1)
    handle(req, ctx) {
      const q = req.query;
      const account = authenticateApp(ctx, req, q.get('grant_type'), q.get('appid'), q.get('secret'));
      return json(issueToken(account.state, ctx.now()));
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/stable_token',
    auth: 'none',
    body: 'json',
    dailyLimit: 500_000, // docs/wechat-api.md §2.2
    handle(req, ctx) {
      const b = req.json;
      const account = authenticateApp(ctx, req, b.grant_type, b.appid, b.secret);
      const force = b.force_refresh === true || b.force_refresh === 'true' || b.force_refresh === 1;
      const out = issueStableToken(account.state, ctx.now(), force);
      if ('errcode' in out) throw new EmuError(out.errcode);
      return json(out);
    },
  },
];
