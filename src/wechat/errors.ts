import { hintFor } from './hints.js';

/**
 * Errcodes after which further calls fail the same way (quota, credentials, permissions, IP whitelist): never retried,
 * and a batch run (sync) should stop instead of trying the next item.
 */
export const FATAL_ERRCODES: ReadonlySet<number> = new Set([
  45009, 40013, 40125, 48001, 40164, 40243, 41002, 41004, 48004, 50002, 50004, 50007, 53500, 89506, 89507,
]);

/** WeChat answered with `errcode` ≠ 0. `errmsg` is WeChat's text (credentials redacted, otherwise verbatim). */
export class WeChatError extends Error {
  override readonly name = 'WeChatError';
  readonly errcode: number;
  readonly errmsg: string;
  /** Path only, e.g. `cgi-bin/draft/add` — never the URL with its token. */
  readonly endpoint: string;
  /** What the user should do about it. */
  readonly hint: string;
  /** The call was not idempotent and failed in a way that leaves its effect unknown (e.g. -1 on freepublish/submit). */
  readonly outcomeUnknown: boolean;
  /** How many times the request was sent. */
  readonly attempts: number;

  constructor(init: { errcode: number; errmsg: string; endpoint: string; attempts?: number; outcomeUnknown?: boolean }) {
    const hint = withOutcomeNote(hintFor(init.errcode, init.errmsg, init.endpoint), init);
    super(`${init.endpoint}: errcode ${init.errcode} ${init.errmsg}\n  hint: ${hint}`);
    this.errcode = init.errcode;
    this.errmsg = init.errmsg;
    this.endpoint = init.endpoint;
    this.hint = hint;
    this.attempts = init.attempts ?? 1;
    this.outcomeUnknown = init.outcomeUnknown ?? false;
  }

  /** Further calls will fail the same way: stop the run (45009 quota, 40125 secret, 48001 permission, 40164 IP…). */
  get fatal(): boolean {
    return FATAL_ERRCODES.has(this.errcode);
  }
}

/** The request did not produce a WeChat answer: network failure, timeout, non-2xx HTTP status, unreadable body. */
export class WeChatTransportError extends Error {
  override readonly name = 'WeChatTransportError';
  readonly endpoint: string;
  /** HTTP status when the server answered outside 2xx. */
  readonly status: number | undefined;
  /** Node/undici error code (`ECONNREFUSED`, `UND_ERR_CONNECT_TIMEOUT`, `ETIMEDOUT`…) when there was no answer. */
  readonly code: string | undefined;
  readonly hint: string;
  readonly outcomeUnknown: boolean;
  readonly attempts: number;

  constructor(init: {
    message: string;
    endpoint: string;
    status?: number;
    code?: string;
    attempts?: number;
    outcomeUnknown?: boolean;
  }) {
    const hint = withOutcomeNote(transportHint(init.status, init.code), init);
    super(`${init.endpoint}: ${init.message}\n  hint: ${hint}`);
    this.endpoint = init.endpoint;
    this.status = init.status;
    this.code = init.code;
    this.hint = hint;
    this.attempts = init.attempts ?? 1;
    this.outcomeUnknown = init.outcomeUnknown ?? false;
  }
}

/** Refused before calling WeChat: invalid input (date spans, file types) or a safety bound (force refreshes). */
export class WeChatClientError extends Error {
  override readonly name = 'WeChatClientError';
  readonly endpoint: string | undefined;
  constructor(message: string, endpoint?: string) {
    super(endpoint ? `${endpoint}: ${message}` : message);
    this.endpoint = endpoint;
  }
}

/** `freepublish/get` reported a final status other than success, or the wait timed out. */
export class WeChatPublishError extends Error {
  override readonly name = 'WeChatPublishError';
  readonly publishId: string;
  /** publish_status (2 原创失败, 3 常规失败, 4 审核不通过, 5 用户删除, 6 系统封禁; 1 still publishing on timeout). */
  readonly status: number;
  /** 1-based indices of the failing articles (statuses 2 and 4). */
  readonly failIdx: number[];
  readonly timedOut: boolean;
  readonly hint: string;

  constructor(init: { publishId: string; status: number; failIdx: number[]; timedOut?: boolean }) {
    const timedOut = init.timedOut ?? false;
    const hint = timedOut
      ? 'Still publishing (status 1). Publishing is asynchronous: check again later with freepublish/get, or look at 公众平台 → 内容管理 → 发表记录.'
      : publishStatusHint(init.status, init.failIdx);
    const what = timedOut ? 'timed out waiting for publish' : `publish failed: status ${init.status} (${publishStatusText(init.status)})`;
    const articles = init.failIdx.length ? `, failing article(s) ${init.failIdx.join(', ')}` : '';
    super(`freepublish ${init.publishId}: ${what}${articles}\n  hint: ${hint}`);
    this.publishId = init.publishId;
    this.status = init.status;
    this.failIdx = init.failIdx;
    this.timedOut = timedOut;
    this.hint = hint;
  }
}

/** docs/wechat-api.md §6.2 (authoritative mapping). */
export function publishStatusText(status: number): string {
  switch (status) {
    case 0: return '成功 success';
    case 1: return '发布中 publishing';
    case 2: return '原创失败 original-declaration check failed';
    case 3: return '常规失败 general failure';
    case 4: return '平台审核不通过 rejected by review';
    case 5: return '成功后用户删除所有文章 deleted by the user';
    case 6: return '成功后系统封禁所有文章 banned by the platform';
    default: return 'unknown status';
  }
}

function publishStatusHint(status: number, failIdx: number[]): string {
  const which = failIdx.length ? ` (article ${failIdx.join(', ')})` : '';
  switch (status) {
    case 2:
      return `The original-content (原创) declaration failed${which}: remove the 原创 claim or fix the flagged text, then publish again.`;
    case 3:
      return 'A general failure on WeChat\'s side: the draft should still be in 草稿箱; try publishing again later or from 公众平台.';
    case 4:
      return `The platform review rejected the content${which}: edit the article in 公众平台 → 草稿箱 to see the reason, fix it and publish again.`;
    case 5:
      return 'The article was published and later deleted by an administrator; nothing to do unless that was unexpected.';
    case 6:
      return 'The article was published and later banned by the platform; see the notice in 公众平台 → 通知中心.';
    default:
      return 'Unknown publish status: check 公众平台 → 内容管理 → 发表记录.';
  }
}

/** The hint, and after a non-idempotent call whose effect is unknown, what to check before repeating it. */
function withOutcomeNote(hint: string, { endpoint, outcomeUnknown }: { endpoint: string; outcomeUnknown?: boolean }): string {
  if (!outcomeUnknown) return hint;
  return `${hint} Not retried automatically: ${endpoint} is not idempotent and the operation may or may not have happened — check before repeating it (公众平台 → 内容管理 → 发表记录 / 群发记录, or the recipient).`;
}

function transportHint(status: number | undefined, code: string | undefined): string {
  if (status !== undefined) {
    if (status >= 500) return `WeChat (or the proxy/relay in between) answered HTTP ${status}; it is usually temporary — try again later.`;
    if (status === 407) return 'The proxy requires authentication: put the credentials in the proxy URL (http://user:pass@host:port).';
    if (status === 404) return 'Unknown path: check the API base (WXMP_API_BASE should be an origin like http://127.0.0.1:4000, without /cgi-bin).';
    return `Unexpected HTTP ${status}: check WXMP_API_BASE / the proxy settings.`;
  }
  if (code === 'ETIMEDOUT' || code?.includes('TIMEOUT')) return 'The request timed out: check the network or proxy, or raise timeoutMs.';
  if (code === 'ECONNREFUSED') return 'Connection refused: is the API base (or the emulator / proxy) running and reachable?';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'DNS lookup failed: check the network connection and WXMP_API_BASE.';
  return 'Network error talking to WeChat: check the connection and proxy settings, then try again.';
}
