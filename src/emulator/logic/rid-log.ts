/**
 * `openapi/rid/get` (docs/wechat-api.md §3): every error answer of an authenticated call carries a `rid`
 * (`xxxxxxxx-xxxxxxxx-xxxxxxxx`, the first part the unix time in hex); the request behind it can be looked up for
 * 7 days by the same account. Kept in `AccountState.rids` (persisted, at most {@link RID_LOG_LIMIT} per account).
 * Errors before the token check (41001, 40001, …) belong to no account, so their rids are not found (76001), and
 * successful answers carry no rid, as on WeChat.
 */
import { EmuError } from '../errors.js';
import { ridLog, type AccountState } from '../state.js';

export const RID_LOG_LIMIT = 1_000;
export const RID_TTL_MS = 7 * 86_400_000;
const RID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/;

export interface RidRecord {
  /** Unix seconds. */
  invokeTime: number;
  costMs: number;
  /** Path and query string, without the access_token. */
  requestUrl: string;
  requestBody: string;
  responseBody: string;
  clientIp: string;
}

/** Keep the request behind an error answer (dispatch does this for authenticated API calls). */
export function rememberRid(acc: AccountState, rid: string, record: RidRecord, nowMs: number): void {
  const log = ridLog(acc);
  log[rid] = record;
  const keys = Object.keys(log);
  for (const key of keys) if (nowMs - log[key]!.invokeTime * 1000 > RID_TTL_MS) delete log[key];
  const left = Object.keys(log);
  for (const key of left.slice(0, Math.max(0, left.length - RID_LOG_LIMIT))) delete log[key];
}

/** The URL as logged: the query without `access_token`. */
export function loggedUrl(url: URL): string {
  const query = new URLSearchParams(url.searchParams);
  query.delete('access_token');
  const rest = query.toString();
  return rest ? `${url.pathname}?${rest}` : url.pathname;
}

/** Request bodies are logged as UTF-8 text, cut at 4 KiB; multipart uploads only by their size. */
export function loggedBody(raw: Buffer, contentType: string | undefined): string {
  if (/multipart\//i.test(contentType ?? '')) return `<multipart body, ${raw.length} bytes>`;
  return raw.subarray(0, 4096).toString('utf8');
}

/**
 * `{"rid"}` → the request. 76002 malformed rid; 76003 a rid of another account; 76004 older than 7 days (by the log
 * or by the time in the rid); 76001 not found.
 */
export function lookupRid(acc: AccountState, others: readonly AccountState[], rid: unknown, nowMs: number): Record<string, unknown> {
  if (typeof rid !== 'string' || !RID_PATTERN.test(rid)) throw new EmuError(76002);
  const rec = acc.rids?.[rid];
  const issuedMs = rec ? rec.invokeTime * 1000 : parseInt(rid.slice(0, 8), 16) * 1000;
  if (nowMs - issuedMs > RID_TTL_MS) throw new EmuError(76004);
  if (!rec) {
    if (others.some((o) => o !== acc && o.rids?.[rid])) throw new EmuError(76003);
    throw new EmuError(76001);
  }
  return {
    invoke_time: rec.invokeTime,
    cost_in_ms: rec.costMs,
    request_url: rec.requestUrl,
    request_body: rec.requestBody,
    response_body: rec.responseBody,
    client_ip: rec.clientIp,
  };
}
