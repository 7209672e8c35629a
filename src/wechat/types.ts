import type { Dispatcher } from 'undici';

/** An id WeChat may send as a JSON int or string (publish_id, msg_id, msg_data_id…); we always hand out strings. */
export type WeChatId = string;
/** Ids accepted on input: ints, strings or bigints (64-bit values do not fit a JS number). */
export type IdInput = string | number | bigint;

export type HttpMethod = 'GET' | 'POST';

export interface RetryOptions {
  /** Total tries for transient failures (-1, 45011, 61450, HTTP 5xx, network). Default 4. */
  attempts?: number;
  /** First backoff delay; doubles each try. Default 400 ms. */
  baseDelayMs?: number;
  /** Cap on one delay. Default 8000 ms. */
  maxDelayMs?: number;
  /** Source of randomness for jitter (tests). Default Math.random. */
  random?: () => number;
}

/** Where access tokens are kept between processes. */
export interface TokenCacheStore {
  read(key: TokenCacheKey): Promise<CachedToken | undefined>;
  write(key: TokenCacheKey, token: CachedToken): Promise<void>;
  remove(key: TokenCacheKey): Promise<void>;
}

export interface TokenCacheKey {
  appId: string;
  appSecret: string;
  apiBase: string;
}

export interface CachedToken {
  accessToken: string;
  /** Epoch ms. */
  expiresAt: number;
  source: 'stable_token' | 'token';
}

export interface WeChatClientOptions {
  appId: string;
  appSecret: string;
  /** API origin, e.g. the emulator `http://127.0.0.1:4000` or a relay. Default `https://api.weixin.qq.com`. */
  apiBase?: string;
  /** HTTP(S) proxy URL (a fixed-IP relay for the IP whitelist). */
  proxy?: string;
  /**
   * Token cache: a directory (default `$XDG_CACHE_HOME/wxmp/tokens` or `~/.cache/wxmp/tokens`), `false` for memory
   * only, or a custom store.
   */
  tokenCache?: string | false | TokenCacheStore;
  /** Use `POST cgi-bin/stable_token` (default) instead of `GET cgi-bin/token`, which invalidates other systems' tokens. */
  useStableToken?: boolean;
  retry?: RetryOptions;
  /** Per-request timeout. Default 30 000 ms. */
  timeoutMs?: number;
  /** Progress/debug hook; every payload is redacted. */
  onEvent?: (event: WeChatEvent) => void;
  /** Force refreshes of stable_token allowed per process and account (WeChat allows 20 a day). Default 2. */
  maxForceRefreshes?: number;
  /** Clock in epoch ms (tests). */
  now?: () => number;
  /** Custom undici dispatcher (advanced; overrides `proxy`). */
  dispatcher?: Dispatcher;
}

export type WeChatEvent =
  | {
      type: 'request';
      method: HttpMethod;
      /** Path only, e.g. `cgi-bin/draft/add`. */
      endpoint: string;
      /** Full URL with `access_token=***`. */
      url: string;
      attempt: number;
    }
  | {
      type: 'response';
      method: HttpMethod;
      endpoint: string;
      status: number;
      errcode?: number;
      ms: number;
      attempt: number;
    }
  | {
      type: 'retry';
      endpoint: string;
      attempt: number;
      delayMs: number;
      /** e.g. `errcode -1`, `HTTP 503`, `ECONNRESET`, `token 40001`. */
      reason: string;
    }
  | {
      type: 'token';
      endpoint: string;
      /** `disk`: loaded from the token cache; `fetch`/`force-refresh`: from WeChat; `invalidate`: dropped after 40001/40014/42001. */
      action: 'disk' | 'fetch' | 'force-refresh' | 'invalidate';
      ms: number;
      /** Seconds of validity left (never the token itself). */
      expiresIn?: number;
    };

/** A file to upload: a path on disk or bytes with an optional name. */
export type FileInput = string | { data: Uint8Array; filename?: string; contentType?: string };

export interface CallOptions {
  /** `cgi-bin/draft/add` (leading slash optional). */
  path: string;
  method?: HttpMethod;
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON body (POST). Serialized as UTF-8 with Chinese unescaped. */
  json?: unknown;
  /** Multipart body: the file goes into field `media`. */
  multipart?: { file: FileInput; fields?: Record<string, string> };
  /** Send `access_token` (default true). */
  auth?: boolean;
  /** Retry transient failures automatically. Default: true except non-idempotent endpoints. */
  idempotent?: boolean;
  /** `bytes-or-json`: binary responses (get_material of an image) come back as bytes. */
  responseType?: 'json' | 'bytes-or-json';
}

export interface BinaryResponse {
  kind: 'bytes';
  data: Uint8Array;
  contentType: string;
}
