/** Quota look-ups and resets (docs/wechat-api.md §3): monthly reset budgets and the cgi_path argument. */
import { EmuError } from '../errors.js';
import { stringField, type EmuContext } from '../router.js';
import type { AccountState } from '../state.js';

const CLEARS_PER_MONTH = 10; // clear_quota: 10/month, shared with v2 (§3)
const PATH_CLEARS_PER_MONTH = 50; // openapi/quota/clear: 50/month (§3)

/** `clear_quota` and `clear_quota/v2`: every counter of the day back to 0; 48006 past the monthly budget. */
export function clearAllQuota(account: AccountState): void {
  const q = account.quota;
  if (q.clearCount >= CLEARS_PER_MONTH) throw new EmuError(48006);
  q.clearCount += 1;
  q.used = {};
}

/** `openapi/quota/clear`: one API's counter back to 0; 48006 past the monthly budget. */
export function clearPathQuota(account: AccountState, path: string): void {
  const q = account.quota;
  if (q.pathClearCount >= PATH_CLEARS_PER_MONTH) throw new EmuError(48006);
  q.pathClearCount += 1;
  delete q.used[path];
}

/** The `cgi_path` argument: 47001 missing, 76022 for /sns/ paths, 76021 for a path the emulator does not serve. */
export function cgiPath(ctx: EmuContext, value: unknown): string {
  const path = stringField(value);
  if (!path) throw new EmuError(47001);
  if (path.startsWith('/sns/')) throw new EmuError(76022);
  if (!path.startsWith('/') || !ctx.quota.known(path)) throw new EmuError(76021);
  return path;
}

/** `openapi/quota/get`: the day's limit and use of one API. */
export function quotaView(ctx: EmuContext, path: string): Record<string, unknown> {
  const limit = ctx.quota.limit(path);
  const used = Math.min(ctx.quota.used(path), limit);
  return {
    quota: { daily_limit: limit, used, remain: limit - used },
    rate_limit: { call_count: 0, refresh_second: 60 },
    component_rate_limit: { call_count: 0, refresh_second: 60 },
  };
}

/** clear_quota/v2 reads appid/appsecret from the query (doc example) or a JSON body (doc table): both accepted. */
export function clearQuotaV2Credentials(query: URLSearchParams, rawBody: Buffer): { appId?: string; secret?: string } {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = rawBody.length ? JSON.parse(rawBody.toString('utf8')) : {};
    if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
  } catch {
    /* form-encoded or empty: the query string carries the parameters */
  }
  const appId = query.get('appid') ?? stringField(body.appid);
  const secret = query.get('appsecret') ?? stringField(body.appsecret);
  return { ...(appId ? { appId } : {}), ...(secret ? { secret } : {}) };
}
