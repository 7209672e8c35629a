/**
 * An account session: everything a command needs to talk to the 公众号 accounts of a project, opened in one call.
 * `sync`, `plan` and `reconcile` open one (and so will the account commands, `wxmp serve` and `wxmp dev`) instead of
 * wiring accounts, clients, rate limits and the lock file themselves.
 *
 * Opening resolves the accounts (config `accounts`, or WECHAT_APP_ID/WECHAT_APP_SECRET, or the sandbox when there are
 * none) and loads the lock file. Clients are created on first use — a sync where nothing changed never loads the HTTP
 * client nor starts the sandbox's emulator — and every call to an account goes through its caller (a shared
 * concurrency limit, and no further request after an errcode every request would meet). Every "unknown account / no
 * credentials" message is written here.
 */
import path from 'node:path';
import type { WxmpConfig } from '../config/schema.js';
import { LOCK_FILE, LockStore } from '../sync/lock.js';
import { sandboxDir, SANDBOX_ACCOUNT, startSandbox, type Sandbox } from '../sync/sandbox.js';
import { Uploader } from '../sync/uploader.js';
import { createLimiter, type Limiter } from '../util/limiter.js';
import { acquireProcessLock } from '../util/process-lock.js';
import type { WeChatClient } from '../wechat/client.js';
import { planAccounts, resolveAccounts, type ResolvedAccount } from './accounts.js';
import { createAccountCaller, type AccountCaller } from './caller.js';

/** A session that cannot be opened as asked: the message says what to set. */
export class SessionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SessionError';
  }
}

export interface OpenSessionOptions {
  root: string;
  config: WxmpConfig;
  /** The real environment (after `.env` was loaded: it may hold secrets, never the API base). Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Use the embedded emulator even when credentials are configured (`--sandbox`). */
  sandbox?: boolean;
  /**
   * Read only (a plan): no secret is needed — the configured AppIDs are enough to read the lock — no client is ever
   * created, and no request is made.
   */
  readOnly?: boolean;
  /** Refuse the sandbox fallback: the command needs a real account (`reconcile`, `publish`…). Names the command. */
  requireCredentials?: string;
  /** Parallel requests over all accounts (default: config `concurrency`). */
  concurrency?: number;
  /**
   * Where live clients cache access tokens: a folder, or false for none (tests, short-lived tools). Default: the user
   * cache folder (`~/.cache/wxmp/tokens`), never the posts repo. The sandbox keeps its tokens with its state.
   */
  tokenCache?: string | false;
}

export type SessionMode = 'live' | 'sandbox';

export class AccountSession {
  /** Requests sent so far (every attempt, retries included). */
  requests = 0;
  /** The embedded emulator, once the sandbox's first client started it. */
  sandbox?: Sandbox;
  private sandboxStarting?: Promise<Sandbox>;
  private readonly clients = new Map<string, Promise<WeChatClient>>();
  private readonly callers = new Map<string, AccountCaller>();
  private readonly uploaders = new Map<string, Uploader>();
  private readonly net: Limiter;
  private releaseRunLock?: () => void;

  constructor(
    readonly root: string,
    readonly config: WxmpConfig,
    readonly mode: SessionMode,
    readonly accounts: ReadonlyMap<string, ResolvedAccount>,
    readonly defaultName: string | undefined,
    readonly lock: LockStore,
    readonly readOnly: boolean,
    concurrency: number,
    private readonly tokenCache?: string | false,
  ) {
    this.net = createLimiter(concurrency);
  }

  /** The lock file's path relative to the root, with `/` (for reports). */
  get lockFileLabel(): string {
    return path.relative(this.root, this.lock.file).split(path.sep).join('/');
  }

  /** The account a post (or a command's `--account`) names, the default one without a name, or why there is none. */
  account(name?: string): ResolvedAccount | { error: string } {
    if (this.mode === 'sandbox') return this.accounts.get('sandbox')!;
    const key = name ?? this.defaultName;
    const names = [...this.accounts.keys()].join(', ');
    if (!key) return { error: `no account: add \`account:\` to the front matter or \`defaultAccount\` to the config (accounts: ${names})` };
    return this.accounts.get(key) ?? { error: `unknown account "${key}" (configured: ${names || 'none'})` };
  }

  /** The account's client, created on first use (the sandbox's emulator starts with the first one). */
  client(account: ResolvedAccount): Promise<WeChatClient> {
    if (this.readOnly) return Promise.reject(new Error('internal: a read-only session has no client'));
    let client = this.clients.get(account.appId);
    if (!client) {
      client = this.createClient(account);
      this.clients.set(account.appId, client);
    }
    return client;
  }

  /** Runs a request to the account under the session's concurrency limit and its halt rule. */
  call(account: ResolvedAccount): Limiter {
    return this.callerFor(account).call;
  }

  /** Why no request is sent to the account any more (an earlier fatal errcode), or undefined. */
  haltReason(account: ResolvedAccount): string | undefined {
    return this.callers.get(account.appId)?.haltReason();
  }

  /** The account's image uploader (once per content hash, recorded in the lock). Read-only sessions only look up. */
  uploader(account: ResolvedAccount): Uploader {
    let uploader = this.uploaders.get(account.appId);
    if (!uploader) {
      uploader = new Uploader(this.readOnly ? undefined : () => this.client(account), this.lock, account.appId, this.call(account));
      this.uploaders.set(account.appId, uploader);
    }
    return uploader;
  }

  /**
   * One writer at a time per repo (and per sandbox): two syncs would both create a draft for a new post. Throws
   * LockedError (from util/process-lock) when another process holds it; released by `close()`.
   */
  acquireRunLock(): void {
    if (this.readOnly || this.releaseRunLock) return;
    const file = path.join(this.root, '.wxmp', this.mode === 'sandbox' ? 'sandbox-sync.pid' : 'sync.pid');
    this.releaseRunLock = acquireProcessLock(file, `another \`wxmp sync\` on ${this.root}`);
  }

  /** Stops the sandbox's emulator (its state is written) and releases the run lock. Safe to call twice. */
  async close(): Promise<void> {
    try {
      await this.sandbox?.emulator.close();
    } finally {
      this.releaseRunLock?.();
      this.releaseRunLock = undefined;
    }
  }

  private callerFor(account: ResolvedAccount): AccountCaller {
    let caller = this.callers.get(account.appId);
    if (!caller) {
      caller = createAccountCaller(this.net, account.name);
      this.callers.set(account.appId, caller);
    }
    return caller;
  }

  private async createClient(account: ResolvedAccount): Promise<WeChatClient> {
    const { WeChatClient: Client } = await import('../wechat/client.js');
    if (this.mode === 'sandbox') this.sandbox = await (this.sandboxStarting ??= startSandbox(this.root));
    const sandbox = this.sandbox;
    return new Client({
      appId: account.appId,
      appSecret: account.appSecret,
      apiBase: sandbox ? sandbox.emulator.url : account.apiBase,
      proxy: account.proxy,
      retry: this.config.retry,
      // The sandbox keeps its tokens with its state; real tokens go to the user cache dir (never the posts repo).
      tokenCache: sandbox ? path.join(sandbox.dir, 'tokens') : this.tokenCache,
      onEvent: (event) => {
        if (event.type === 'request') this.requests++;
      },
    });
  }
}

/** The sandbox's one account: every account name of the posts maps to it. */
const SANDBOX: ResolvedAccount = { name: 'sandbox', appId: SANDBOX_ACCOUNT.appId, appSecret: SANDBOX_ACCOUNT.appSecret };

/** The accounts a committed lock file knows (AppIDs only, no secret): enough for a plan. */
function lockAccounts(lock: LockStore): { mode: 'live'; accounts: Map<string, ResolvedAccount>; defaultName?: string } | undefined {
  const appIds = Object.keys(lock.data.accounts);
  if (appIds.length === 0) return undefined;
  const name = (appId: string) => (appIds.length === 1 ? 'default' : appId);
  const accounts = new Map(appIds.map((appId) => [name(appId), { name: name(appId), appId, appSecret: '' }]));
  return { mode: 'live', accounts, defaultName: appIds.length === 1 ? 'default' : undefined };
}

/**
 * Opens a session: resolves the accounts and loads the lock file (the sandbox's own lock under `.wxmp/sandbox/`).
 * Throws SessionError with what to do when the credentials are incomplete, or when a command that needs a real
 * account finds none; LockFileError when the lock file cannot be read.
 */
export async function openSession(options: OpenSessionOptions): Promise<AccountSession> {
  const { root, config } = options;
  const env = options.env ?? process.env;
  const readOnly = options.readOnly === true;
  let setup = options.sandbox ? ({ mode: 'sandbox', reason: '--sandbox' } as const) : resolveAccounts(config, env);
  if (setup.mode === 'error' && !readOnly) throw new SessionError(setup.message);
  // The committed lock, once read to find a plan's AppIDs, is the lock the session uses.
  let rootLock: LockStore | undefined;
  if (readOnly && !options.sandbox && setup.mode !== 'live') {
    // A plan needs no secret: the configured AppIDs, else the AppIDs of the committed lock (a pull request's plan
    // runs without secrets and must compare against what the real account has), and only then the sandbox.
    setup = planAccounts(config, env) ?? lockAccounts((rootLock = await LockStore.load(path.join(root, LOCK_FILE)))) ?? { mode: 'sandbox', reason: 'no credentials' };
  }
  if (setup.mode === 'error') throw new SessionError(setup.message);
  if (setup.mode === 'sandbox' && options.requireCredentials) {
    throw new SessionError(`${options.requireCredentials} needs a real account: set WECHAT_APP_ID and WECHAT_APP_SECRET (environment or .env)`);
  }
  if (setup.mode === 'sandbox' && !readOnly && env.GITHUB_ACTIONS === 'true' && !options.sandbox) {
    throw new SessionError('no WeChat credentials in this GitHub Actions run: add WECHAT_APP_ID and WECHAT_APP_SECRET as repository secrets (or pass --sandbox to sync into a throw-away emulator)');
  }
  const sandboxMode = setup.mode === 'sandbox';
  const accounts = setup.mode === 'sandbox' ? new Map([['sandbox', SANDBOX]]) : setup.accounts;
  const defaultName = setup.mode === 'sandbox' ? 'sandbox' : setup.defaultName;
  const lock = sandboxMode ? await LockStore.load(path.join(sandboxDir(root), LOCK_FILE)) : (rootLock ?? (await LockStore.load(path.join(root, LOCK_FILE))));
  const concurrency = options.concurrency ?? config.concurrency;
  return new AccountSession(root, config, sandboxMode ? 'sandbox' : 'live', accounts, defaultName, lock, readOnly, concurrency, options.tokenCache);
}
