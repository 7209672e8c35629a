/**
 * AppID + AppSecret checks (docs/wechat-api.md §2, §3): the token endpoints and `clear_quota/v2` authenticate by them
 * instead of an access_token. Secrets are only ever compared as SHA-256 hashes.
 */
import { createHash } from 'node:crypto';
import { EmuError } from '../errors.js';
import type { EmuAccount, EmuContext, EmuRequest } from '../router.js';

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** The account of `appId` when `secret` is its AppSecret: 40013 unknown appid, 40125 wrong secret. */
export function accountBySecret(ctx: EmuContext, appId: string, secret: string): EmuAccount {
  const account = ctx.findAccount(appId);
  if (!account) throw new EmuError(40013);
  if (account.state.secretHash !== hashSecret(secret)) throw new EmuError(40125);
  return account;
}

/** The token endpoints' checks: grant_type, appid, secret and the IP whitelist (40164 names the caller's IP). */
export function authenticateApp(
  ctx: EmuContext,
  req: EmuRequest,
  grantType: unknown,
  appId: unknown,
  secret: unknown,
): EmuAccount {
  if (grantType !== 'client_credential') throw new EmuError(40002);
  if (typeof appId !== 'string' || appId === '') throw new EmuError(41002);
  if (typeof secret !== 'string' || secret === '') throw new EmuError(41004);
  const account = accountBySecret(ctx, appId, secret);
  const whitelist = account.flags.ipWhitelist;
  if (whitelist && whitelist.length > 0) {
    const v4 = req.ip.replace(/^::ffff:/, '');
    if (!whitelist.includes(v4) && !whitelist.includes(req.ip)) {
      const v6 = req.ip.includes(':') ? req.ip : `::ffff:${req.ip}`;
      throw new EmuError(40164, `invalid ip ${v4} ipv6 ${v6}, not in whitelist`);
    }
  }
  return account;
}
