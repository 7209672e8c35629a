/**
 * Request dispatch: an HTTP request through the Host/Origin guard to a route, with WeChat's wire rules applied
 * (docs/wechat-api.md §1, §14.1) before the handler runs, and the answer written back.
 *
 * - The emulator's own paths (control endpoints, pages, served media) go to its page routes (routes/admin*.ts,
 *   routes/pages.ts): exact method, trailing slashes ignored, not logged, no quota or faults.
 * - Everything else is an API path: verb (43001/43002), latency and failure faults, access_token, body parsing,
 *   daily quota, then the handler; every call is logged.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EmuError, newRid } from '../errors.js';
import { isControlPath, type RequestGuard } from '../guard.js';
import { matchPath, type EmuResult, type Route } from '../router.js';
import type { AccountState } from '../state.js';
import type { EmulatorCore } from '../server.js';
import { readBody, type BodyRead } from '../wire.js';
import { loggedBody, loggedUrl, rememberRid } from '../logic/rid-log.js';
import { handlerContext } from './context.js';
import { InjectedHttpFailure } from './faults.js';
import { sendJson, sendResult } from './http.js';
import { authenticate, bodyData, parseRequest } from './request.js';

/** The emulator's own paths (control endpoints, HTML pages, served media) as opposed to WeChat API paths. */
export function isPagePath(path: string): boolean {
  return isControlPath(path) || path.startsWith('/mmbiz_') || path === '/s' || path === '/';
}

interface Matched {
  route: Route;
  params: Record<string, string>;
}

/** One request on its way through dispatch(). */
interface Call extends Matched {
  req: IncomingMessage;
  url: URL;
  body: BodyRead;
  /** API calls are logged, charged and fault-injected; the emulator's own routes are not. */
  logged: boolean;
  /** The account the call turned out to act for (logged with it). */
  appId?: string;
  /** performance.now() when the call was matched (cost_in_ms of openapi/rid/get). */
  startedAt?: number;
}

export class Dispatcher {
  /** Set by EmulatorCore.listen(): the Host/Origin policy (guard.ts). */
  guard: RequestGuard = () => 'the emulator is not listening yet';

  constructor(private readonly core: EmulatorCore) {}

  /** The server's request handler: never rejects (an unexpected error is answered 500 and logged). */
  async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.handle(req, res);
    } catch (err) {
      this.answerInternalError(res, err);
    }
  }

  private answerInternalError(res: ServerResponse, err: unknown): void {
    this.core.options.log?.(`emulator: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    if (!res.headersSent) sendJson(res, 500, { errcode: -1, errmsg: `system error rid: ${newRid(this.core.now())}` });
    else res.end();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator.local');
    const path = url.pathname;
    const refusal = this.guard(path, req.headers);
    if (refusal) {
      this.refuse(req, res, path, refusal);
      return;
    }
    const body = await readBody(req);
    if (isPagePath(path) && (await this.handlePage(req, res, url, body))) return;

    const match = this.findApiRoute(path, req.method);
    if (!match) {
      // Unknown API path (docs/wechat-api.md §13 #10): WeChat documents no answer for it; the emulator answers as
      // WeChat does for an API the account may not call — HTTP 200 `48001 api unauthorized` (§1) — naming the path.
      // A non-retryable business errcode: SDKs read -1 or HTTP 5xx as "busy, retry", and wxmp treats 48001 as fatal.
      this.record(req.method ?? 'GET', path, 200, 48001);
      const errmsg = `api unauthorized (emulator: no such API ${path}) rid: ${newRid(this.core.now())}`;
      sendJson(res, 200, { errcode: 48001, errmsg });
      return;
    }
    await this.dispatch(res, { ...match, req, url, body, logged: true, startedAt: performance.now() });
  }

  /** HTTP 403 for a request the guard refused; the connection is closed so an unread body is not drained. */
  private refuse(req: IncomingMessage, res: ServerResponse, path: string, reason: string): void {
    this.core.options.log?.(`emulator: refused ${req.method ?? 'GET'} ${path}: ${reason}`);
    res.setHeader('Connection', 'close');
    // Control endpoints and pages answer errors as {"error"}; API paths in WeChat's shape, like the unknown-path 404.
    if (isPagePath(path)) sendJson(res, 403, { error: reason });
    else sendJson(res, 403, { errcode: -1, errmsg: `emulator: ${reason} rid: ${newRid(this.core.now())}` });
  }

  /**
   * The emulator's own routes, matched by exact method (HEAD as GET) and without trailing slashes. An unknown
   * `/__emulator` path is a 404 `{"error"}`; false for any other unknown path (answered as an unknown API path).
   */
  private async handlePage(req: IncomingMessage, res: ServerResponse, url: URL, body: BodyRead): Promise<boolean> {
    if (body.kind !== 'complete') {
      const tooLarge = body.kind === 'too-large';
      sendJson(res, tooLarge ? 413 : 400, { error: tooLarge ? 'request body too large' : 'request body incomplete' });
      return true;
    }
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
    for (const route of this.core.pageRoutes) {
      const params = route.method === method ? matchPath(route.path, path) : undefined;
      if (!params) continue;
      await this.dispatch(res, { route, params, req, url, body, logged: false });
      return true;
    }
    if (!isControlPath(path)) return false;
    sendJson(res, 404, { error: `no such emulator endpoint: ${req.method ?? 'GET'} ${path}` });
    return true;
  }

  /** The API route for a path: exact method first, else any method (then the verb check answers 43001/43002). */
  private findApiRoute(path: string, method: string | undefined): Matched | undefined {
    let fallback: Matched | undefined;
    for (const route of this.core.apiRoutes) {
      const params = matchPath(route.path, path);
      if (!params) continue;
      if (route.method === method || (method === 'HEAD' && route.method === 'GET')) return { route, params };
      fallback ??= { route, params };
    }
    return fallback;
  }

  /** Runs a matched call and writes its answer: the handler's result, an errcode body, or an injected 503. */
  private async dispatch(res: ServerResponse, call: Call): Promise<void> {
    const method = call.req.method === 'HEAD' ? 'GET' : (call.req.method ?? 'GET');
    let result: EmuResult;
    try {
      result = await this.run(call, method);
    } catch (err) {
      if (err instanceof InjectedHttpFailure) {
        this.record(method, call.url.pathname, 503, -1, call.appId);
        res.writeHead(503, { 'Content-Type': 'text/html' });
        res.end('<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>');
        return;
      }
      if (!(err instanceof EmuError)) throw err;
      const rid = newRid(this.core.now());
      result = { kind: 'json', body: { errcode: err.errcode, errmsg: `${err.errmsg} rid: ${rid}`, ...err.extra } };
      if (call.logged) this.rememberRid(call, rid, result.body);
    }
    this.core.store.markDirty();
    if (call.logged) {
      const errcode = result.kind === 'json' ? errcodeOf(result.body) : undefined;
      this.record(method, call.url.pathname, result.status ?? 200, errcode, call.appId);
    }
    sendResult(res, result);
  }

  /** The wire rules in WeChat's order, then the handler. Sets call.appId once the account is known. */
  private async run(call: Call, method: string): Promise<EmuResult> {
    const { route, url, logged } = call;
    const { faults, accounts, quotas } = this.core;
    if (logged) await faults.delay();
    if (method !== route.method) throw new EmuError(route.method === 'GET' ? 43001 : 43002);
    const data = bodyData(call.body, route);

    if (logged) faults.maybeFail();
    let account: AccountState | undefined;
    if (route.auth === 'token') {
      if (faults.businessCall()) accounts.revokeAllTokens();
      account = authenticate(url.searchParams.get('access_token'), accounts.states(), this.core.now());
      call.appId = account.appId;
    }

    const emuReq = await parseRequest({ ...call, body: data, unicodeEscapes: this.core.unicodeEscapes });
    if (route.auth === 'none' && logged) {
      // Token endpoints and clear_quota/v2 authenticate by appid: charge that account's quota when it exists.
      const claimed = url.searchParams.get('appid') ?? (typeof emuReq.json.appid === 'string' ? emuReq.json.appid : undefined);
      const acc = claimed ? accounts.get(claimed) : undefined;
      if (acc) {
        call.appId = acc.appId;
        quotas.charge(acc, route.path);
      }
    } else if (account && logged) {
      quotas.charge(account, route.path);
    }
    return route.handle(emuReq, handlerContext(this.core, account));
  }

  /** The request behind an error answer of an authenticated account, for `openapi/rid/get` (logic/rid-log.ts). */
  private rememberRid(call: Call, rid: string, body: unknown): void {
    const acc = call.appId ? this.core.accounts.get(call.appId) : undefined;
    if (!acc || call.body.kind !== 'complete') return;
    const now = this.core.now();
    rememberRid(
      acc,
      rid,
      {
        invokeTime: Math.floor(now / 1000),
        costMs: call.startedAt === undefined ? 0 : Math.max(0, Math.round(performance.now() - call.startedAt)),
        requestUrl: loggedUrl(call.url),
        requestBody: loggedBody(call.body.data, call.req.headers['content-type']),
        responseBody: JSON.stringify(body),
        clientIp: (call.req.socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
      },
      now,
    );
  }

  private record(method: string, path: string, status: number, errcode?: number, appId?: string): void {
    this.core.log.record({ method, path, status, at: this.core.now(), ...(errcode !== undefined ? { errcode } : {}), ...(appId ? { appId } : {}) });
  }
}

function errcodeOf(body: unknown): number | undefined {
  if (typeof body === 'object' && body !== null && 'errcode' in body) {
    const code = (body as { errcode: unknown }).errcode;
    return typeof code === 'number' ? code : undefined;
  }
  return undefined;
}
