/**
 * `account/getaccountbasicinfo` (wechat-api.md §3): a third-party-platform API ("权限集 3", called with an
 * authorizer_access_token). An account's own token is refused — `41033 invaid register type` (sic, WeChat's spelling)
 * for accounts not created through a platform — and the emulator's accounts are such accounts, so it answers that,
 * after the token checks: the refusal still proves the token was accepted. Official pages show GET (old) and POST
 * (new); both are answered.
 */
import { EmuError } from '../errors.js';
import type { Route } from '../router.js';

const refuse = (): never => {
  throw new EmuError(41033);
};

export const accountRoutes: Route[] = [
  { method: 'GET', path: '/cgi-bin/account/getaccountbasicinfo', auth: 'token', body: 'none', handle: refuse },
  { method: 'POST', path: '/cgi-bin/account/getaccountbasicinfo', auth: 'token', body: 'none', handle: refuse },
];
