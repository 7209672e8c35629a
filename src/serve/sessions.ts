/**
 * The account sessions `wxmp serve` talks through — the same `AccountSession` as the CLI: one per account, opened on
 * its first request and kept (clients, token, concurrency limit, halt rule, uploader and its lock), closed on
 * shutdown.
 *
 * - The project's session (`--root`: config `accounts` / WECHAT_APP_ID+SECRET, else the sandbox) serves requests that
 *   name no account while no account is stored. Its lock file is the project's `wxmp.lock.json`.
 * - An account from the accounts file or a request's `appid`+`secret` gets a session of its own, whose upload cache
 *   (a lock file) lives in the state folder per AppID, so sessions never write one another's lock file. One session
 *   per AppID: a different secret for the same AppID replaces it.
 *
 * The API base is the session's rule, as for every command: `WXMP_API_BASE` from the real environment, checked by
 * `checkApiBase` (https, or http to this machine only).
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { openSession, type AccountSession, type ResolvedAccount } from '../account/index.js';
import type { WxmpConfig } from '../config/schema.js';
import type { Uploader } from '../sync/uploader.js';
import type { Limiter } from '../util/limiter.js';
import type { WeChatClient } from '../wechat/client.js';
import { ApiError } from './errors.js';

/** One account, ready to call. */
export interface AccountTarget {
  session: AccountSession;
  account: ResolvedAccount;
  /** Where the account came from, for logs and answers: `project`, `stored`, `request`. */
  source: 'project' | 'stored' | 'request';
  client(): Promise<WeChatClient>;
  call: Limiter;
  uploader: Uploader;
}

export interface SessionPoolOptions {
  root: string;
  config: WxmpConfig;
  /** The real environment (API base, proxy; the project's credentials). */
  env: NodeJS.ProcessEnv;
  /** Where the sessions of stored and per-request accounts keep their upload cache. */
  stateDir: string;
  tokenCache?: string | false;
  /** Sessions kept for per-request credentials at most (the oldest is closed past it). Default 32. */
  maxSessions?: number;
  /** After an errcode that halts an account, a new session is tried this much later. Default 60 s. */
  haltCooldownMs?: number;
}

interface Entry {
  key: string;
  session: Promise<AccountSession>;
  haltSeen?: number;
}

/** Which AppIDs a folder name may hold: anything else is hashed. */
const SAFE_DIR = /^[A-Za-z0-9_-]{1,64}$/;

export class SessionPool {
  private project?: Entry;
  private readonly byAppId = new Map<string, Entry>();
  private closed = false;

  constructor(private readonly options: SessionPoolOptions) {}

  /** The project's session (config/env accounts, else the sandbox) and its default account. */
  async forProject(): Promise<AccountTarget> {
    this.assertOpen();
    let entry = this.project;
    if (entry && (await this.expired(entry))) {
      this.project = undefined;
      await closeQuietly(entry.session);
      entry = undefined;
    }
    if (!entry) {
      entry = { key: 'project', session: openSession({ root: this.options.root, config: this.options.config, env: this.options.env, tokenCache: this.options.tokenCache }) };
      this.project = entry;
      entry.session.catch(() => {
        if (this.project === entry) this.project = undefined;
      });
    }
    const session = await entry.session;
    const account = session.account();
    if ('error' in account) throw new ApiError(400, `${account.error}; or send appid and secret, or store an account (POST /api/accounts)`);
    return target(session, account, 'project');
  }

  /** A session for one AppID and secret (a stored account, or credentials sent with the request). */
  async forCredentials(appid: string, secret: string, source: 'stored' | 'request'): Promise<AccountTarget> {
    this.assertOpen();
    const key = createHash('sha256').update(`${appid}\0${secret}`).digest('hex');
    let entry = this.byAppId.get(appid);
    if (entry && (entry.key !== key || (await this.expired(entry)))) {
      this.byAppId.delete(appid);
      await closeQuietly(entry.session);
      entry = undefined;
    }
    if (!entry) {
      entry = { key, session: this.openFor(appid, secret) };
      this.byAppId.set(appid, entry);
      const opened = entry;
      entry.session.catch(() => {
        if (this.byAppId.get(appid) === opened) this.byAppId.delete(appid);
      });
      await this.trim();
    } else {
      // Most recently used last: the oldest are closed first when there are too many.
      this.byAppId.delete(appid);
      this.byAppId.set(appid, entry);
    }
    const session = await entry.session;
    const account = session.account();
    if ('error' in account) throw new Error(`internal: ${account.error}`);
    return target(session, account, source);
  }

  /** Closes an AppID's session (its account was changed or removed). */
  async evict(appid: string): Promise<void> {
    const entry = this.byAppId.get(appid);
    if (!entry) return;
    this.byAppId.delete(appid);
    await closeQuietly(entry.session);
  }

  /** Sessions open now (for the status endpoint and tests). */
  get size(): number {
    return this.byAppId.size + (this.project ? 1 : 0);
  }

  async closeAll(): Promise<void> {
    this.closed = true;
    const entries = [...this.byAppId.values(), ...(this.project ? [this.project] : [])];
    this.byAppId.clear();
    this.project = undefined;
    await Promise.all(entries.map((entry) => closeQuietly(entry.session)));
  }

  private openFor(appid: string, secret: string): Promise<AccountSession> {
    const dir = SAFE_DIR.test(appid) ? appid : createHash('sha256').update(appid).digest('hex').slice(0, 32);
    // No configured accounts: the session takes WECHAT_APP_ID/SECRET, and the API base from the real environment.
    const config: WxmpConfig = { ...this.options.config, accounts: {}, defaultAccount: undefined };
    const env: NodeJS.ProcessEnv = { ...this.options.env, WECHAT_APP_ID: appid, WECHAT_APP_SECRET: secret };
    return openSession({ root: path.join(this.options.stateDir, dir), config, env, tokenCache: this.options.tokenCache });
  }

  /** A session whose account was halted (bad secret, quota) is replaced after the cooldown: a server lives long. */
  private async expired(entry: Entry): Promise<boolean> {
    let session: AccountSession;
    try {
      session = await entry.session;
    } catch {
      return true;
    }
    const account = session.account();
    if ('error' in account || !session.haltReason(account)) return false;
    const now = Date.now();
    entry.haltSeen ??= now;
    return now - entry.haltSeen >= (this.options.haltCooldownMs ?? 60_000);
  }

  private async trim(): Promise<void> {
    const max = this.options.maxSessions ?? 32;
    while (this.byAppId.size > max) {
      const [oldest, entry] = this.byAppId.entries().next().value as [string, Entry];
      this.byAppId.delete(oldest);
      await closeQuietly(entry.session);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new ApiError(503, 'the service is shutting down');
  }
}

function target(session: AccountSession, account: ResolvedAccount, source: AccountTarget['source']): AccountTarget {
  return { session, account, source, client: () => session.client(account), call: session.call(account), uploader: session.uploader(account) };
}

async function closeQuietly(session: Promise<AccountSession>): Promise<void> {
  try {
    await (await session).close();
  } catch {
    // A session that never opened, or an emulator that was already stopped: nothing to release.
  }
}
