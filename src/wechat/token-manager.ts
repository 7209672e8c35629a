import { WeChatClientError } from './errors.js';
import type { CachedToken, TokenCacheKey, TokenCacheStore, WeChatEvent } from './types.js';

/** Reuse a token until less than this remains (stable_token pre-rotates in the last 5 minutes, docs/wechat-api.md §2.2). */
const REFRESH_MARGIN_MS = 5 * 60 * 1000;

export interface FetchedToken {
  accessToken: string;
  expiresIn: number;
}

interface TokenManagerOptions {
  key: TokenCacheKey;
  store: TokenCacheStore | undefined;
  source: CachedToken['source'];
  /** Fetch a token from WeChat; `force` = stable_token force_refresh. */
  fetch: (force: boolean) => Promise<FetchedToken>;
  now: () => number;
  emit: (event: WeChatEvent) => void;
  /** Called with every token obtained, so it can be redacted everywhere. */
  remember: (token: string) => void;
  maxForceRefreshes: number;
}

/** Force refreshes per process and account: WeChat allows 20 a day, so a bug must not burn them in a loop. */
const forceRefreshCounts = new Map<string, number>();

/**
 * Holds the access token of one account: memory → disk cache → WeChat, with at most one fetch in flight per process and
 * account (concurrent callers await the same promise).
 */
export class TokenManager {
  private current: CachedToken | undefined;
  private inflight: Promise<string> | undefined;
  private readonly endpoint: string;

  constructor(private readonly o: TokenManagerOptions) {
    this.endpoint = o.source === 'stable_token' ? 'cgi-bin/stable_token' : 'cgi-bin/token';
  }

  /** A token with more than 5 minutes left. */
  async get(): Promise<string> {
    if (this.current && this.isFresh(this.current)) return this.current.accessToken;
    return this.singleFlight(() => this.load());
  }

  /**
   * A business call answered 40001/40014/42001 for `rejected`. Drop it and fetch a new token once (normal mode); only if
   * WeChat hands back the same token, force-refresh once. Concurrent callers share one recovery.
   */
  async recover(rejected: string): Promise<void> {
    if (this.inflight) await this.inflight.catch(() => undefined);
    if (this.current && this.current.accessToken !== rejected) return; // already replaced by another caller
    await this.singleFlight(async () => {
      if (this.current && this.current.accessToken !== rejected) return this.current.accessToken;
      this.current = undefined;
      const started = this.o.now();
      await this.o.store?.remove(this.o.key).catch(() => undefined);
      this.o.emit({ type: 'token', endpoint: this.endpoint, action: 'invalidate', ms: this.o.now() - started });
      const renewed = await this.fetchAndStore(false);
      if (renewed !== rejected || this.o.source !== 'stable_token') return renewed;
      return this.fetchAndStore(true);
    });
  }

  /** Forget the in-memory token (the disk cache is kept). */
  forget(): void {
    this.current = undefined;
  }

  private isFresh(token: CachedToken): boolean {
    return token.expiresAt - this.o.now() > REFRESH_MARGIN_MS;
  }

  private singleFlight(task: () => Promise<string>): Promise<string> {
    if (!this.inflight) {
      this.inflight = task().finally(() => {
        this.inflight = undefined;
      });
    }
    return this.inflight;
  }

  private async load(): Promise<string> {
    if (this.o.store) {
      const started = this.o.now();
      const cached = await this.o.store.read(this.o.key).catch(() => undefined);
      if (cached && this.isFresh(cached)) {
        this.current = cached;
        this.o.remember(cached.accessToken);
        this.o.emit({
          type: 'token',
          endpoint: this.endpoint,
          action: 'disk',
          ms: this.o.now() - started,
          expiresIn: Math.round((cached.expiresAt - this.o.now()) / 1000),
        });
        return cached.accessToken;
      }
    }
    return this.fetchAndStore(false);
  }

  private async fetchAndStore(force: boolean): Promise<string> {
    if (force) this.countForceRefresh();
    const started = this.o.now();
    const fetched = await this.o.fetch(force);
    this.o.remember(fetched.accessToken);
    const token: CachedToken = {
      accessToken: fetched.accessToken,
      expiresAt: this.o.now() + fetched.expiresIn * 1000,
      source: this.o.source,
    };
    this.current = token;
    this.o.emit({
      type: 'token',
      endpoint: this.endpoint,
      action: force ? 'force-refresh' : 'fetch',
      ms: this.o.now() - started,
      expiresIn: fetched.expiresIn,
    });
    // A cache that cannot be written only costs a token fetch next time.
    await this.o.store?.write(this.o.key, token).catch(() => undefined);
    return token.accessToken;
  }

  private countForceRefresh(): void {
    const id = `${this.o.key.apiBase}|${this.o.key.appId}`;
    const used = forceRefreshCounts.get(id) ?? 0;
    if (used >= this.o.maxForceRefreshes) {
      throw new WeChatClientError(
        `refusing to force-refresh the access token again: already done ${used} time(s) in this process and WeChat allows 20 a day. ` +
          'WeChat keeps rejecting fresh tokens — check that no other system resets the AppSecret or calls cgi-bin/token in a loop.',
        this.endpoint,
      );
    }
    forceRefreshCounts.set(id, used + 1);
  }
}
