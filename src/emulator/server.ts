/**
 * The emulator core: a plain node:http server applying WeChat's wire rules (wechat-api.md §1, §14.1) before handing
 * a request to a route module.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { EmuError, newRid } from './errors.js';
import { matchPath, type EmuAccount, type EmuContext, type EmuRequest, type EmuResult, type Route } from './router.js';
import { StateStore, newAccountState, type AccountState } from './state.js';
import { beijingDay, beijingMonth, seededRandom } from './clock.js';
import { hasUnicodeEscape, keepUnicodeEscapesLiteral, parseMultipart, readBody, type BodyRead } from './wire.js';
import { createRequestGuard, isControlPath, type RequestGuard } from './guard.js';
import { BusySockets, closeIdleSockets, resolveTimeouts, serverTimeoutOptions } from './timeouts.js';
import { findTokenOwner, revokeAllTokens } from './logic/tokens.js';
import { hashSecret } from './logic/credentials.js';
import { createControl } from './core/control.js';
import type {
  AccountFlagsPatch,
  EmulatorAccountInput,
  EmulatorControl,
  EmulatorOptions,
  FaultConfig,
  RequestLogEntry,
} from './types.js';

/** Default daily limit for APIs whose limit WeChat does not publish (wechat-api.md §3.1 lists only some). */
export const DEFAULT_DAILY_LIMIT = 100_000;

export function defaultFaults(): FaultConfig {
  return { failureRate: 0, latencyMs: 0, exhaustedQuota: [], publishOutcome: {} };
}

export class EmulatorCore {
  readonly store: StateStore;
  /** WeChat API routes (`/cgi-bin/…`, `/datacube/…`): logged, charged, fault-injected. */
  readonly apiRoutes: Route[];
  /** The emulator's own routes (control endpoints, pages, served media): matched by exact method. */
  readonly pageRoutes: Route[];
  readonly control: EmulatorControl = createControl(this);
  readonly publishDelayMs: number;
  readonly titleLimit: number;
  readonly unicodeEscapes: 'reject' | 'store';
  faults: FaultConfig;
  origin = '';
  activeAccounts: EmulatorAccountInput[] = [];
  private rng: () => number;
  private log: RequestLogEntry[] = [];
  private businessCallsSinceFaults = 0;
  private server: Server | undefined;
  /** Set by listen(): the Host/Origin policy (guard.ts). */
  private guard: RequestGuard = () => 'the emulator is not listening yet';

  constructor(
    readonly options: EmulatorOptions,
    routes: Route[],
  ) {
    this.store = new StateStore(options.stateDir);
    this.apiRoutes = routes.filter((r) => !isPagePath(r.path));
    this.pageRoutes = routes.filter((r) => isPagePath(r.path));
    this.publishDelayMs = options.publishDelayMs ?? 3000;
    this.titleLimit = options.titleLimit ?? 64;
    this.unicodeEscapes = options.unicodeEscapes ?? 'reject';
    this.faults = { ...defaultFaults(), ...options.faults };
    this.rng = seededRandom(this.faults.seed ?? 20240601);
    this.activeAccounts = this.setupAccounts(options.accounts);
    this.store.markDirty();
  }

  // ---- clock -------------------------------------------------------------------------------------------------
  now(): number {
    return (this.options.now ?? Date.now)() + this.store.state.clockOffsetMs;
  }

  advanceTime(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error('advanceTime: ms must be a non-negative number');
    this.store.state.clockOffsetMs += ms;
    this.store.markDirty();
  }

  random(): number {
    return this.rng();
  }

  nextSeq(): number {
    this.store.state.seq += 1;
    this.store.markDirty();
    return this.store.state.seq;
  }

  /** Origin for URLs of served media (mediaBaseUrl or the emulator's own). */
  mediaOrigin(): string {
    return (this.options.mediaBaseUrl ?? this.origin).replace(/\/+$/, '');
  }

  // ---- accounts ----------------------------------------------------------------------------------------------
  private setupAccounts(inputs: EmulatorAccountInput[] | undefined): EmulatorAccountInput[] {
    const state = this.store.state;
    if (inputs && inputs.length > 0) {
      for (const input of inputs) this.upsertAccount(input);
      return inputs.map((a) => ({ ...a }));
    }
    const persisted = Object.values(state.accounts);
    if (persisted.length > 0) {
      return persisted.map((a) => ({
        appId: a.appId,
        appSecret: a.sandboxSecret ?? '(set when the account was created)',
        name: a.name,
        ...a.flags,
      }));
    }
    // Real AppIDs are `wx` + 16 hex, AppSecrets 32 hex.
    const sandbox: EmulatorAccountInput = {
      appId: `wx${randomBytes(8).toString('hex')}`,
      appSecret: randomBytes(16).toString('hex'),
      name: 'wxmp sandbox',
    };
    const acc = this.upsertAccount(sandbox);
    acc.sandboxSecret = sandbox.appSecret;
    return [{ ...sandbox, verified: true, commentPrivilege: true, productCapability: false }];
  }

  private upsertAccount(input: EmulatorAccountInput): AccountState {
    const accounts = this.store.state.accounts;
    const flags = {
      verified: input.verified ?? true,
      commentPrivilege: input.commentPrivilege ?? true,
      productCapability: input.productCapability ?? false,
      ...(input.ipWhitelist ? { ipWhitelist: [...input.ipWhitelist] } : {}),
    };
    const existing = accounts[input.appId];
    if (existing) {
      existing.secretHash = hashSecret(input.appSecret);
      existing.flags = flags;
      if (input.name) existing.name = input.name;
      return existing;
    }
    const created = newAccountState({
      appId: input.appId,
      name: input.name ?? input.appId,
      secretHash: hashSecret(input.appSecret),
      biz: Buffer.from(String(3000000000 + Math.floor(Math.random() * 900000000))).toString('base64'),
      flags,
      day: beijingDay(this.now()),
    });
    accounts[input.appId] = created;
    return created;
  }

  isActive(appId: string): boolean {
    return this.activeAccounts.some((a) => a.appId === appId);
  }

  account(appId: string): AccountState | undefined {
    return this.isActive(appId) ? this.store.state.accounts[appId] : undefined;
  }

  accountStates(): AccountState[] {
    return this.activeAccounts.map((a) => this.store.state.accounts[a.appId]).filter((a): a is AccountState => !!a);
  }

  setAccountFlags(appId: string, patch: AccountFlagsPatch): void {
    const acc = this.account(appId);
    if (!acc) throw new Error(`unknown account ${appId}`);
    if (patch.verified !== undefined) acc.flags.verified = patch.verified;
    if (patch.commentPrivilege !== undefined) acc.flags.commentPrivilege = patch.commentPrivilege;
    if (patch.productCapability !== undefined) acc.flags.productCapability = patch.productCapability;
    if (patch.ipWhitelist === null) delete acc.flags.ipWhitelist;
    else if (patch.ipWhitelist) acc.flags.ipWhitelist = [...patch.ipWhitelist];
    this.store.markDirty();
  }

  // ---- faults, log ------------------------------------------------------------------------------------------
  setFaults(patch: Partial<FaultConfig>): void {
    this.faults = { ...this.faults, ...patch };
    if (patch.seed !== undefined) this.rng = seededRandom(patch.seed);
    if ('revokeTokensAtCall' in patch) this.businessCallsSinceFaults = 0;
  }

  requests(): RequestLogEntry[] {
    return this.log.map((e) => ({ ...e }));
  }

  requestCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const e of this.log) counts[e.path] = (counts[e.path] ?? 0) + 1;
    return counts;
  }

  resetRequests(): void {
    this.log = [];
  }

  revokeAllTokens(): void {
    for (const acc of Object.values(this.store.state.accounts)) revokeAllTokens(acc);
    this.store.markDirty();
  }

  // ---- quotas ------------------------------------------------------------------------------------------------
  /** Resets the per-day counters when the Beijing day changed. */
  quotaOf(acc: AccountState): AccountState['quota'] {
    const now = this.now();
    const day = beijingDay(now);
    if (acc.quota.day !== day) {
      acc.quota.day = day;
      acc.quota.used = {};
    }
    const month = beijingMonth(now);
    if (acc.quota.clearMonth !== month) {
      acc.quota.clearMonth = month;
      acc.quota.clearCount = 0;
      acc.quota.pathClearCount = 0;
    }
    return acc.quota;
  }

  dailyLimit(path: string): number | undefined {
    const route = this.apiRoutes.find((r) => r.path === path);
    if (!route) return undefined;
    return this.options.dailyLimits?.[path] ?? route.dailyLimit ?? DEFAULT_DAILY_LIMIT;
  }

  /** Counts a call against the account's daily quota; throws 45009 when exhausted. */
  chargeQuota(acc: AccountState, path: string): void {
    const quota = this.quotaOf(acc);
    const limit = this.dailyLimit(path) ?? DEFAULT_DAILY_LIMIT;
    const used = quota.used[path] ?? 0;
    if (this.faults.exhaustedQuota.some((p) => normalisePath(p) === path) || used >= limit) throw new EmuError(45009);
    quota.used[path] = used + 1;
  }

  // ---- HTTP --------------------------------------------------------------------------------------------------
  async listen(port: number, host: string): Promise<number> {
    const timeouts = resolveTimeouts(this.options.timeouts);
    this.guard = createRequestGuard({
      boundHost: host,
      allowedHosts: this.options.allowedHosts ?? [],
      ...(this.options.mediaBaseUrl ? { mediaBaseUrl: this.options.mediaBaseUrl } : {}),
      ownOrigin: () => this.origin,
    });
    const busy = new BusySockets();
    const server = createServer(serverTimeoutOptions(timeouts), (req, res) => {
      const socket = req.socket;
      busy.enter(socket);
      this.handle(req, res)
        .catch((err: unknown) => this.answerInternalError(res, err))
        .finally(() => busy.leave(socket));
    });
    closeIdleSockets(server, timeouts.idleMs, busy);
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const addr = server.address();
    const actualPort = typeof addr === 'object' && addr ? addr.port : port;
    const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
    this.origin = `http://${urlHost}:${actualPort}`;
    return actualPort;
  }

  private answerInternalError(res: ServerResponse, err: unknown): void {
    this.options.log?.(`emulator: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    if (!res.headersSent) sendJson(res, 500, { errcode: -1, errmsg: `system error rid: ${newRid(this.now())}` });
    else res.end();
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
    await this.store.flush();
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

    const match = this.findRoute(path, req.method);
    if (!match) {
      // Unknown API path. Real WeChat's answer for an invalid cgi path is not documented (wechat-api.md has no
      // source); we answer HTTP 404 so a typo or an API the emulator lacks surfaces as a transport failure in any
      // client, instead of a plausible-looking business errcode (48001 would wrongly suggest a permission problem).
      this.record(req.method ?? 'GET', path, 404, -1);
      sendJson(res, 404, { errcode: -1, errmsg: `emulator: no such API ${path} rid: ${newRid(this.now())}` });
      return;
    }
    await this.dispatch(match.route, match.params, req, res, url, body, true);
  }

  /** HTTP 403 for a request the guard refused; the connection is closed so an unread body is not drained. */
  private refuse(req: IncomingMessage, res: ServerResponse, path: string, reason: string): void {
    this.options.log?.(`emulator: refused ${req.method ?? 'GET'} ${path}: ${reason}`);
    res.setHeader('Connection', 'close');
    // Control endpoints and pages answer errors as {"error"}; API paths in WeChat's shape, like the unknown-path 404.
    if (isPagePath(path)) sendJson(res, 403, { error: reason });
    else sendJson(res, 403, { errcode: -1, errmsg: `emulator: ${reason} rid: ${newRid(this.now())}` });
  }

  /**
   * The emulator's own routes: control endpoints, pages and served media, matched by exact method (HEAD as GET) and
   * without trailing slashes. An unknown `/__emulator` path is a 404 `{"error"}`; false for any other unknown path
   * (the caller answers it as an unknown API path).
   */
  private async handlePage(req: IncomingMessage, res: ServerResponse, url: URL, body: BodyRead): Promise<boolean> {
    if (body.kind !== 'complete') {
      const tooLarge = body.kind === 'too-large';
      sendJson(res, tooLarge ? 413 : 400, { error: tooLarge ? 'request body too large' : 'request body incomplete' });
      return true;
    }
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
    for (const route of this.pageRoutes) {
      const params = route.method === method ? matchPath(route.path, path) : undefined;
      if (!params) continue;
      await this.dispatch(route, params, req, res, url, body, false);
      return true;
    }
    if (!isControlPath(path)) return false;
    sendJson(res, 404, { error: `no such emulator endpoint: ${req.method ?? 'GET'} ${path}` });
    return true;
  }

  /** Finds the route for a path: exact method first, else any method (then the verb check answers 43001/43002). */
  private findRoute(path: string, method: string | undefined): { route: Route; params: Record<string, string> } | undefined {
    let fallback: { route: Route; params: Record<string, string> } | undefined;
    for (const route of this.apiRoutes) {
      const params = matchPath(route.path, path);
      if (!params) continue;
      if (route.method === method || (method === 'HEAD' && route.method === 'GET')) return { route, params };
      fallback ??= { route, params };
    }
    return fallback;
  }

  private async dispatch(
    route: Route,
    params: Record<string, string>,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    body: BodyRead,
    logged: boolean,
  ): Promise<void> {
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
    let appId: string | undefined;
    let result: EmuResult;
    try {
      if (this.faults.latencyMs > 0 && logged) await sleep(this.faults.latencyMs);
      if (method !== route.method) throw new EmuError(route.method === 'GET' ? 43001 : 43002);
      const data = bodyData(body, route);

      if (logged) this.injectFailure();
      let account: AccountState | undefined;
      if (route.auth === 'token') {
        this.businessCallsSinceFaults += 1;
        const at = this.faults.revokeTokensAtCall;
        if (at !== undefined && this.businessCallsSinceFaults === at) this.revokeAllTokens();
        account = this.authenticate(url.searchParams.get('access_token'));
        appId = account.appId;
      }

      const emuReq = await this.buildRequest(route, params, req, url, data);
      if (route.auth === 'none' && logged) {
        // Token endpoints and clear_quota/v2 authenticate by appid: charge that account's quota when it exists.
        const claimed = url.searchParams.get('appid') ?? (typeof emuReq.json.appid === 'string' ? emuReq.json.appid : undefined);
        const acc = claimed ? this.account(claimed) : undefined;
        if (acc) {
          appId = acc.appId;
          this.chargeQuota(acc, route.path);
        }
      } else if (account && logged) {
        this.chargeQuota(account, route.path);
      }
      result = await route.handle(emuReq, this.context(account));
    } catch (err) {
      if (err instanceof InjectedHttpFailure) {
        this.record(method, url.pathname, 503, -1, appId);
        res.writeHead(503, { 'Content-Type': 'text/html' });
        res.end('<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>');
        return;
      }
      if (!(err instanceof EmuError)) throw err;
      result = { kind: 'json', body: { errcode: err.errcode, errmsg: `${err.errmsg} rid: ${newRid(this.now())}`, ...err.extra } };
    }
    this.store.markDirty();
    const status = result.status ?? 200;
    if (logged) {
      const errcode = result.kind === 'json' ? errcodeOf(result.body) : undefined;
      this.record(method, url.pathname, status, errcode, appId);
    }
    if (result.kind === 'json') sendJson(res, status, result.body);
    else {
      res.writeHead(status, { 'Content-Type': result.contentType, ...result.headers });
      res.end(result.body);
    }
  }

  private record(method: string, path: string, status: number, errcode?: number, appId?: string): void {
    const entry: RequestLogEntry = { method, path, at: this.now(), status };
    if (errcode !== undefined && errcode !== 0) entry.errcode = errcode;
    if (appId) entry.appId = appId;
    this.log.push(entry);
  }

  private injectFailure(): void {
    if (this.faults.failureRate <= 0) return;
    if (this.rng() >= this.faults.failureRate) return;
    // A quarter of the injected failures look like a gateway hiccup (HTTP 503), the rest like WeChat's -1.
    if (this.rng() < 0.25) throw new InjectedHttpFailure();
    throw new EmuError(-1);
  }

  /** 41001 missing, 40014 malformed, 40001 unknown/rotated/revoked, 42001 expired (wechat-api.md §2.3). */
  private authenticate(token: string | null): AccountState {
    if (token === null || token === '') throw new EmuError(41001);
    if (!/^[A-Za-z0-9_-]{16,512}$/.test(token)) throw new EmuError(40014);
    const owner = findTokenOwner(this.accountStates(), token, this.now());
    if (owner.kind === 'unknown') throw new EmuError(40001);
    if (owner.kind === 'expired') throw new EmuError(42001);
    return owner.account;
  }

  private async buildRequest(
    route: Route,
    params: Record<string, string>,
    req: IncomingMessage,
    url: URL,
    body: Buffer,
  ): Promise<EmuRequest> {
    const emuReq: EmuRequest = {
      method: route.method,
      path: url.pathname,
      query: url.searchParams,
      params,
      headers: req.headers,
      rawBody: body,
      json: {},
      fields: {},
      files: [],
      ip: req.socket.remoteAddress ?? '',
    };
    if (route.method !== 'POST' || route.body === 'none') return emuReq;
    if (body.length === 0) throw new EmuError(44002);
    if (route.body === 'multipart') {
      const parsed = await parseMultipart(req.headers, body);
      if (!parsed) throw new EmuError(41005);
      emuReq.fields = parsed.fields;
      emuReq.files = parsed.files;
      return emuReq;
    }
    let text = body.toString('utf8');
    if (hasUnicodeEscape(text)) {
      if (this.unicodeEscapes === 'reject') throw new EmuError(route.unicodeEscapeErrcode ?? 47002);
      text = keepUnicodeEscapesLiteral(text);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new EmuError(47001);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new EmuError(47001);
    emuReq.json = parsed as Record<string, unknown>;
    return emuReq;
  }

  context(account: AccountState | undefined): EmuContext {
    const core = this;
    const wrap = (a: AccountState): EmuAccount => ({ appId: a.appId, name: a.name, flags: a.flags, state: a });
    return {
      get account(): EmuAccount {
        if (!account) throw new Error('ctx.account is only available on auth:"token" routes');
        return wrap(account);
      },
      findAccount: (appId) => {
        const a = core.account(appId);
        return a ? wrap(a) : undefined;
      },
      accounts: () => core.accountStates().map(wrap),
      now: () => core.now(),
      nowSeconds: () => Math.floor(core.now() / 1000),
      quota: {
        used: (path) => (account ? (core.quotaOf(account).used[path] ?? 0) : 0),
        limit: (path) => core.dailyLimit(path) ?? DEFAULT_DAILY_LIMIT,
        known: (path) => core.dailyLimit(path) !== undefined,
      },
      origin: core.origin,
      config: { mediaOrigin: core.mediaOrigin(), publishDelayMs: core.publishDelayMs, titleLimit: core.titleLimit },
      faults: core.faults,
      store: core.store,
      control: core.control,
      random: () => core.rng(),
      log: (line) => core.options.log?.(line),
    };
  }
}

class InjectedHttpFailure extends Error {}

/** The emulator's own paths (control endpoints, HTML pages, served media) as opposed to WeChat API paths. */
function isPagePath(path: string): boolean {
  return isControlPath(path) || path.startsWith('/mmbiz_') || path === '/s' || path === '/';
}

export function normalisePath(p: string): string {
  const withSlash = p.startsWith('/') ? p : `/${p}`;
  return withSlash.split('?')[0]!;
}

function errcodeOf(body: unknown): number | undefined {
  if (typeof body === 'object' && body !== null && 'errcode' in body) {
    const code = (body as { errcode: unknown }).errcode;
    return typeof code === 'number' ? code : undefined;
  }
  return undefined;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  // Raw UTF-8, never \u-escaped (JSON.stringify keeps non-ASCII as is).
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * The bytes of a fully read body. A body over MAX_BODY_BYTES → 45001; a body cut off by the client → 41005 on upload
 * routes (the media data is missing), 47001 elsewhere — answered only if the socket is still open.
 */
function bodyData(body: BodyRead, route: Route): Buffer {
  if (body.kind === 'complete') return body.data;
  if (body.kind === 'too-large') throw new EmuError(45001);
  throw new EmuError(route.body === 'multipart' ? 41005 : 47001);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
