/** `cgi-bin/token` (GET, query) and `cgi-bin/stable_token` (POST JSON) — wechat-api.md §2. */
import { EmuError } from '../errors.js';
import { json, type EmuContext, type EmuRequest, type Route } from '../router.js';
import { hashSecret } from '../server.js';
import { issueStableToken, issueToken } from '../tokens.js';
import type { AccountState } from '../state.js';

/** Validates grant_type/appid/secret and the IP whitelist; returns the account. */
function authenticateApp(
  ctx: EmuContext,
  req: EmuRequest,
  grantType: unknown,
  appId: unknown,
  secret: unknown,
): AccountState {
  if (grantType !== 'client_credential') throw new EmuError(40002);
  if (typeof appId !== 'string' || appId === '') throw new EmuError(41002);
  if (typeof secret !== 'string' || secret === '') throw new EmuError(41004);
  const account = ctx.findAccount(appId);
  if (!account) throw new EmuError(40013);
  if (account.state.secretHash !== hashSecret(secret)) throw new EmuError(40125);
  const whitelist = account.flags.ipWhitelist;
  if (whitelist && whitelist.length > 0) {
    const v4 = req.ip.replace(/^::ffff:/, '');
    if (!whitelist.includes(v4) && !whitelist.includes(req.ip)) {
      const v6 = req.ip.includes(':') ? req.ip : `::ffff:${req.ip}`;
      throw new EmuError(40164, `invalid ip ${v4} ipv6 ${v6}, not in whitelist`);
    }
  }
  return account.state;
}

export const tokenRoutes: Route[] = [
  {
    method: 'GET',
    path: '/cgi-bin/token',
    auth: 'none',
    body: 'none',
    dailyLimit: 2000, // 获取access_token 2000/day (wechat-api.md §2.1)
    handle(req, ctx) {
      const q = req.query;
      const acc = authenticateApp(ctx, req, q.get('grant_type'), q.get('appid'), q.get('secret'));
      return json(issueToken(acc, ctx.now()));
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/stable_token',
    auth: 'none',
    body: 'json',
    dailyLimit: 500_000, // wechat-api.md §2.2
    handle(req, ctx) {
      const b = req.json;
      const acc = authenticateApp(ctx, req, b.grant_type, b.appid, b.secret);
      const force = b.force_refresh === true || b.force_refresh === 'true' || b.force_refresh === 1;
      const out = issueStableToken(acc, ctx.now(), force);
      if ('errcode' in out) throw new EmuError(out.errcode);
      return json(out);
    },
  },
];
