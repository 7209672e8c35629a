import { ProxyAgent, type Dispatcher } from 'undici';
import { AccountApi } from './api/account.js';
import type { ApiContext } from './api/context.js';
import { DatacubeApi } from './api/datacube.js';
import { DraftApi } from './api/draft.js';
import { FreepublishApi } from './api/freepublish.js';
import { MaterialApi } from './api/material.js';
import { MediaApi } from './api/media.js';
import { MenuApi } from './api/menu.js';
import { MessageApi } from './api/message.js';
import { OpenApi } from './api/openapi.js';
import { UserApi } from './api/user.js';
import { WeChatClientError, WeChatError, WeChatTransportError } from './errors.js';
import { prepareUpload, type UploadFile } from './filetype.js';
import { NetworkFailure, sendHttp, type HttpResponse } from './http.js';
import { encodeJson, parseJson } from './json.js';
import { Redactor } from './redact.js';
import { TOKEN_ERRCODES, TRANSIENT_ERRCODES, isIdempotent, retryPolicy, sleep, type RetryPolicy } from './retry.js';
import { DEFAULT_API_BASE, FileTokenCache, defaultTokenCacheDir } from './token-cache.js';
import { TokenManager, type FetchedToken } from './token-manager.js';
import type { BinaryResponse, CallOptions, HttpMethod, TokenCacheStore, WeChatClientOptions, WeChatEvent } from './types.js';

const DEFAULT_TIMEOUT_MS = 30_000;

interface Exchange {
  endpoint: string;
  method: HttpMethod;
  query: CallOptions['query'];
  token: string | undefined;
  json: string | undefined;
  upload: { file: UploadFile; fields?: Record<string, string> } | undefined;
  idempotent: boolean;
  responseType: 'json' | 'bytes-or-json';
}

interface Failure {
  retryable: boolean;
  /** The request may have been acted on (matters for non-idempotent calls). */
  indeterminate: boolean;
  reason: string;
  build(attempts: number, outcomeUnknown: boolean): Error;
}

/**
 * Typed client for the WeChat Official Account API (docs/wechat-api.md). One instance per account; API groups are
 * properties (`client.draft.add(…)`), anything else goes through `client.call(…)`.
 */
export class WeChatClient implements ApiContext {
  readonly appId: string;
  readonly apiBase: string;
  readonly media: MediaApi;
  readonly material: MaterialApi;
  readonly draft: DraftApi;
  readonly freepublish: FreepublishApi;
  readonly message: MessageApi;
  readonly menu: MenuApi;
  readonly user: UserApi;
  readonly datacube: DatacubeApi;
  readonly openapi: OpenApi;
  readonly account: AccountApi;

  private readonly appSecret: string;
  private readonly redactor = new Redactor();
  private readonly tokens: TokenManager;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly dispatcher: Dispatcher | undefined;
  private readonly ownsDispatcher: boolean;
  private readonly onEvent: ((event: WeChatEvent) => void) | undefined;
  private readonly clock: () => number;

  constructor(options: WeChatClientOptions) {
    if (!options.appId) throw new WeChatClientError('appId is required (WECHAT_APP_ID)');
    if (!options.appSecret) throw new WeChatClientError('appSecret is required (WECHAT_APP_SECRET)');
    this.appId = options.appId;
    this.appSecret = options.appSecret;
    this.redactor.add(options.appSecret);
    this.apiBase = normalizeApiBase(options.apiBase ?? DEFAULT_API_BASE);
    this.retry = retryPolicy(options.retry);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.onEvent = options.onEvent;
    this.clock = options.now ?? Date.now;
    if (options.dispatcher) {
      this.dispatcher = options.dispatcher;
      this.ownsDispatcher = false;
    } else {
      this.dispatcher = options.proxy ? new ProxyAgent(options.proxy) : undefined;
      this.ownsDispatcher = Boolean(options.proxy);
    }
    const useStable = options.useStableToken ?? true;
    this.tokens = new TokenManager({
      key: { appId: this.appId, appSecret: this.appSecret, apiBase: this.apiBase },
      store: tokenStore(options.tokenCache),
      source: useStable ? 'stable_token' : 'token',
      fetch: (force) => (useStable ? this.fetchStableToken(force) : this.fetchToken()),
      now: this.clock,
      emit: (event) => this.emit(event),
      remember: (token) => this.redactor.add(token),
      maxForceRefreshes: options.maxForceRefreshes ?? 2,
    });
    this.media = new MediaApi(this);
    this.material = new MaterialApi(this);
    this.draft = new DraftApi(this);
    this.freepublish = new FreepublishApi(this);
    this.message = new MessageApi(this);
    this.menu = new MenuApi(this);
    this.user = new UserApi(this);
    this.datacube = new DatacubeApi(this);
    this.openapi = new OpenApi(this);
    this.account = new AccountApi(this);
  }

  now(): number {
    return this.clock();
  }

  /** Redact access tokens and the AppSecret from any text (for callers that log their own messages). */
  redact(text: string): string {
    return this.redactor.redact(text);
  }

  /** Release the proxy connection pool, if this client created one. */
  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher?.close();
  }

  /**
   * Call any endpoint. Adds the access token, retries transient failures with backoff (idempotent calls only), refreshes
   * the token once on 40001/40014/42001, and throws WeChatError for `errcode` ≠ 0.
   */
  async call<T = unknown>(options: CallOptions): Promise<T> {
    const endpoint = normalizeEndpoint(options.path);
    const method: HttpMethod = options.method ?? (options.json !== undefined || options.multipart ? 'POST' : 'GET');
    const auth = options.auth ?? true;
    const exchange: Exchange = {
      endpoint,
      method,
      query: options.query,
      token: undefined,
      json: options.json !== undefined ? encodeJson(options.json) : undefined,
      upload: options.multipart
        ? { file: await prepareUpload(options.multipart.file, endpoint), fields: options.multipart.fields }
        : undefined,
      idempotent: options.idempotent ?? isIdempotent(endpoint),
      responseType: options.responseType ?? 'json',
    };
    let recovered = false;
    for (;;) {
      const token = auth ? await this.tokens.get() : undefined;
      try {
        return (await this.exchange({ ...exchange, token })) as T;
      } catch (error) {
        // Token rejected: one refresh and one retry, for every call — WeChat did not act on a call it refused to
        // authenticate, so this is safe even for freepublish/submit (§2.3).
        if (token && !recovered && error instanceof WeChatError && TOKEN_ERRCODES.has(error.errcode)) {
          recovered = true;
          this.emit({ type: 'retry', endpoint, attempt: error.attempts + 1, delayMs: 0, reason: `token ${error.errcode}` });
          await this.tokens.recover(token);
          continue;
        }
        throw error;
      }
    }
  }

  private async exchange(x: Exchange): Promise<unknown> {
    const maxAttempts = x.idempotent ? this.retry.attempts : 1;
    for (let attempt = 1; ; attempt++) {
      const url = this.buildUrl(x);
      this.emit({ type: 'request', method: x.method, endpoint: x.endpoint, url: this.redact(url), attempt });
      const started = this.clock();
      let failure: Failure;
      try {
        const res = await sendHttp({
          method: x.method,
          url,
          json: x.json,
          multipart: x.upload,
          timeoutMs: this.timeoutMs,
          dispatcher: this.dispatcher,
        });
        const outcome = this.interpret(x, res);
        this.emit({
          type: 'response',
          method: x.method,
          endpoint: x.endpoint,
          status: res.status,
          ...(outcome.errcode !== undefined ? { errcode: outcome.errcode } : {}),
          ms: this.clock() - started,
          attempt,
        });
        if (!outcome.failure) return outcome.value;
        failure = outcome.failure;
      } catch (error) {
        if (!(error instanceof NetworkFailure)) throw error;
        const message = this.redact(error.message);
        failure = {
          retryable: true,
          indeterminate: true,
          reason: error.code,
          build: (attempts, outcomeUnknown) =>
            new WeChatTransportError({ message: `${error.code}: ${message}`, endpoint: x.endpoint, code: error.code, attempts, outcomeUnknown }),
        };
      }
      if (failure.retryable && attempt < maxAttempts) {
        const delayMs = this.retry.delayFor(attempt);
        this.emit({ type: 'retry', endpoint: x.endpoint, attempt: attempt + 1, delayMs, reason: failure.reason });
        await sleep(delayMs);
        continue;
      }
      throw failure.build(attempt, !x.idempotent && failure.indeterminate);
    }
  }

  private interpret(x: Exchange, res: HttpResponse): { value?: unknown; errcode?: number; failure?: Failure } {
    const endpoint = x.endpoint;
    if (res.status < 200 || res.status > 299) {
      const snippet = this.redact(Buffer.from(res.body.subarray(0, 200)).toString('utf8')).replace(/\s+/g, ' ').trim();
      return {
        failure: {
          retryable: res.status >= 500,
          indeterminate: res.status >= 500,
          reason: `HTTP ${res.status}`,
          build: (attempts, outcomeUnknown) =>
            new WeChatTransportError({
              message: `HTTP ${res.status}${snippet ? ` ${snippet}` : ''}`,
              endpoint,
              status: res.status,
              attempts,
              outcomeUnknown,
            }),
        },
      };
    }
    if (x.responseType === 'bytes-or-json' && !looksLikeJson(res)) {
      const binary: BinaryResponse = { kind: 'bytes', data: res.body, contentType: res.contentType || 'application/octet-stream' };
      return { value: binary };
    }
    const text = Buffer.from(res.body).toString('utf8');
    let payload: unknown;
    try {
      payload = parseJson(text);
    } catch {
      const snippet = this.redact(text.slice(0, 120)).replace(/\s+/g, ' ');
      return {
        failure: {
          retryable: false,
          indeterminate: true,
          reason: 'invalid JSON',
          build: (attempts, outcomeUnknown) =>
            new WeChatTransportError({ message: `response is not JSON: ${snippet}`, endpoint, status: res.status, attempts, outcomeUnknown }),
        },
      };
    }
    const errcode = errcodeOf(payload);
    // Success bodies often omit errcode entirely (draft/add → {"media_id"}); only "present and ≠ 0" is an error (§1).
    if (errcode === undefined || errcode === 0) return { value: payload, errcode };
    const errmsg = this.redact(String((payload as { errmsg?: unknown }).errmsg ?? ''));
    return {
      errcode,
      failure: {
        retryable: TRANSIENT_ERRCODES.has(errcode),
        indeterminate: errcode === -1 || errcode === 61450,
        reason: `errcode ${errcode}`,
        build: (attempts, outcomeUnknown) => new WeChatError({ errcode, errmsg, endpoint, attempts, outcomeUnknown }),
      },
    };
  }

  private buildUrl(x: Exchange): string {
    const url = new URL(`${this.apiBase}/${x.endpoint}`);
    if (x.token) url.searchParams.set('access_token', x.token);
    for (const [name, value] of Object.entries(x.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return url.toString();
  }

  private emit(event: WeChatEvent): void {
    if (!this.onEvent) return;
    const safe = { ...event } as Record<string, unknown>;
    for (const [key, value] of Object.entries(safe)) if (typeof value === 'string') safe[key] = this.redact(value);
    try {
      this.onEvent(safe as WeChatEvent);
    } catch {
      // A failing progress hook must not break API calls.
    }
  }

  private async fetchStableToken(force: boolean): Promise<FetchedToken> {
    // force_refresh consumes one of 20 daily refreshes: never repeated automatically.
    const body = await this.exchange({
      endpoint: 'cgi-bin/stable_token',
      method: 'POST',
      query: undefined,
      token: undefined,
      json: encodeJson({ grant_type: 'client_credential', appid: this.appId, secret: this.appSecret, force_refresh: force }),
      upload: undefined,
      idempotent: !force,
      responseType: 'json',
    });
    return tokenFrom(body, 'cgi-bin/stable_token');
  }

  private async fetchToken(): Promise<FetchedToken> {
    const body = await this.exchange({
      endpoint: 'cgi-bin/token',
      method: 'GET',
      query: { grant_type: 'client_credential', appid: this.appId, secret: this.appSecret },
      token: undefined,
      json: undefined,
      upload: undefined,
      idempotent: true,
      responseType: 'json',
    });
    return tokenFrom(body, 'cgi-bin/token');
  }
}

function tokenFrom(body: unknown, endpoint: string): FetchedToken {
  const { access_token: accessToken, expires_in: expiresIn } = (body ?? {}) as { access_token?: unknown; expires_in?: unknown };
  if (typeof accessToken !== 'string' || !accessToken || !Number.isFinite(Number(expiresIn))) {
    throw new WeChatTransportError({ message: 'token response without access_token/expires_in', endpoint });
  }
  return { accessToken, expiresIn: Number(expiresIn) };
}

function errcodeOf(payload: unknown): number | undefined {
  if (!payload || typeof payload !== 'object' || !('errcode' in payload)) return undefined;
  const code = Number((payload as { errcode: unknown }).errcode);
  return Number.isFinite(code) ? code : undefined;
}

function looksLikeJson(res: HttpResponse): boolean {
  if (/^(image|audio|video)\//i.test(res.contentType)) return false;
  for (const byte of res.body) {
    if (byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) continue;
    return byte === 0x7b; // '{'
  }
  return false;
}

function tokenStore(option: WeChatClientOptions['tokenCache']): TokenCacheStore | undefined {
  if (option === false) return undefined;
  if (option === undefined) return new FileTokenCache(defaultTokenCacheDir());
  if (typeof option === 'string') return new FileTokenCache(option);
  return option;
}

/** `https://api.weixin.qq.com/` → `https://api.weixin.qq.com`; a relay may add a path prefix. */
export function normalizeApiBase(base: string): string {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new WeChatClientError(`invalid API base ${JSON.stringify(base)}: expected an origin like http://127.0.0.1:4000`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new WeChatClientError(`invalid API base ${JSON.stringify(base)}: only http(s) is supported`);
  }
  const pathname = url.pathname.replace(/\/+$/, '').replace(/\/cgi-bin$/, '');
  return `${url.origin}${pathname}`;
}

function normalizeEndpoint(path: string): string {
  return path.replace(/^\/+/, '').replace(/\?.*$/, '');
}
