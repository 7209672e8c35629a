/**
 * `wxmp serve`: a local REST API over wxmp's core for tools in other languages (docs/serve.md). Loaded only by the
 * `serve` command (and library users): the CLI's start-up never loads Hono.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import path from 'node:path';
import { serve } from '@hono/node-server';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { resolveAccounts } from '../account/index.js';
import { isLoopbackHost } from '../config/api-base.js';
import { loadDotEnv } from '../config/env.js';
import { loadConfig, resolveConfig } from '../config/load.js';
import type { WxmpConfig } from '../config/schema.js';
import { AccountStore, defaultAccountsFile } from './accounts-store.js';
import { createApp } from './app.js';
import { SessionPool } from './sessions.js';
import { packageVersion } from '../util/package-root.js';

export { AccountStore, defaultAccountsFile, type PublicAccount, type StoredAccount } from './accounts-store.js';
export { ApiError } from './errors.js';

export interface ServeOptions {
  /** The posts repo: its config, `.env`, themes, and local images of Markdown content (default: the current directory). */
  root?: string;
  /** Config file relative to the root (default: wxmp.config.ts if present). */
  configFile?: string;
  /** A config instead of loading one (library use, tests). */
  config?: WxmpConfig;
  /** The stored accounts (default: `$XDG_CONFIG_HOME/wxmp/accounts.json` or `~/.config/wxmp/accounts.json`). */
  accountsFile?: string;
  /** Where sessions of stored/per-request accounts keep their upload cache (default: `serve/` beside the accounts file). */
  stateDir?: string;
  /** The real environment (default process.env; `.env` in the root is loaded into it, never the API base). */
  env?: NodeJS.ProcessEnv;
  /** Interface to listen on (default 127.0.0.1). Anything but loopback needs an API key. */
  host?: string;
  /** Port (default 3001; 0 = any free port). */
  port?: number;
  /** Required as `Authorization: Bearer <key>` (default: env WXMP_SERVE_API_KEY). */
  apiKey?: string;
  /** Origins allowed to call from a browser (CORS). */
  cors?: string[];
  /** Host names to answer to besides localhost, IP addresses and the bound host. */
  allowedHosts?: string[];
  /** Access-token cache folder, or false for none (default: the user cache folder). */
  tokenCache?: string | false;
  /** Request log lines (no secrets). Default: none. */
  log?: (line: string) => void;
  maxJsonBytes?: number;
  maxConcurrentUploads?: number;
  maxInFlight?: number;
}

export interface ServeApp {
  app: OpenAPIHono<{ Variables: { started: number } }>;
  /** The web-standard handler (for tests: `fetch(new Request('http://localhost/api/health'))`). */
  fetch: (request: Request) => Promise<Response>;
  store: AccountStore;
  pool: SessionPool;
  root: string;
  accountsFile: string;
  /** What a request without an account uses while none is stored. */
  fallback: string;
  /** Closes every account session (the sandbox's emulator among them). */
  close(): Promise<void>;
}

export interface RunningServe extends ServeApp {
  url: string;
  server: Server;
  host: string;
  port: number;
  apiKeyRequired: boolean;
}

/** Refused options (a non-local bind without an API key…): the message says what to pass. */
export class ServeConfigError extends Error {
  override name = 'ServeConfigError';
}


/** Builds the app (no socket): accounts file, the project's config, the session pool. */
export async function createServeApp(options: ServeOptions = {}): Promise<ServeApp> {
  const root = path.resolve(options.root ?? process.cwd());
  const env = options.env ?? process.env;
  let config = options.config;
  if (!config) {
    loadDotEnv(root, env);
    config = (await loadConfig(root, options.configFile)).config;
  }
  config ??= resolveConfig({});
  const accountsFile = path.resolve(options.accountsFile ?? defaultAccountsFile(env));
  const store = await AccountStore.open(accountsFile);
  const pool = new SessionPool({
    root,
    config,
    env,
    stateDir: options.stateDir ? path.resolve(options.stateDir) : path.join(path.dirname(accountsFile), 'serve'),
    tokenCache: options.tokenCache,
  });
  const fallback = describeFallback(config, env);
  const host = options.host ?? '127.0.0.1';
  const apiKey = options.apiKey ?? (env.WXMP_SERVE_API_KEY || undefined);
  const app = createApp({
    root,
    config,
    store,
    pool,
    version: packageVersion(),
    host,
    allowedHosts: options.allowedHosts,
    apiKey,
    corsOrigins: options.cors,
    log: options.log,
    maxJsonBytes: options.maxJsonBytes,
    maxConcurrentUploads: options.maxConcurrentUploads,
    maxInFlight: options.maxInFlight,
    fallback,
  });
  return { app, fetch: async (request) => app.fetch(request), store, pool, root, accountsFile, fallback, close: () => pool.closeAll() };
}

/** Starts the service on host:port. A non-loopback host without an API key is refused. */
export async function startServe(options: ServeOptions = {}): Promise<RunningServe> {
  const env = options.env ?? process.env;
  const host = options.host ?? '127.0.0.1';
  const apiKey = options.apiKey ?? (env.WXMP_SERVE_API_KEY || undefined);
  if (!isLocalHost(host) && !apiKey) {
    throw new ServeConfigError(`listening on ${host} makes the API reachable from other machines: pass --api-key <key> (or set WXMP_SERVE_API_KEY), or keep the default --host 127.0.0.1`);
  }
  if (apiKey !== undefined && apiKey.length < 16) throw new ServeConfigError('the API key is too short: use at least 16 characters (e.g. `openssl rand -hex 24`)');
  const built = await createServeApp({ ...options, host, apiKey });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: built.app.fetch, port: options.port ?? 3001, hostname: host }) as Server;
    s.once('listening', () => resolve(s));
    s.once('error', reject);
  });
  // Slow or stalled clients cannot hold connections for ever.
  server.headersTimeout = 20_000;
  server.requestTimeout = 120_000;
  server.keepAliveTimeout = 5_000;
  server.maxHeadersCount = 100;
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections?.();
        // Requests still running get a moment; then their connections go.
        setTimeout(() => server.closeAllConnections?.(), 5_000).unref();
      });
      await built.close();
    })());
  return { ...built, url: `http://${urlHost}:${port}`, server, host, port, apiKeyRequired: apiKey !== undefined, close };
}

function isLocalHost(host: string): boolean {
  return isLoopbackHost(host) || host === '::1';
}

/** What requests without an account use while no account is stored: the project's accounts, else the sandbox. */
function describeFallback(config: WxmpConfig, env: NodeJS.ProcessEnv): string {
  const setup = resolveAccounts(config, env);
  if (setup.mode === 'live') {
    const names = [...setup.accounts.values()].map((a) => `${a.name} (${a.appId})`).join(', ');
    return `the project's account${setup.accounts.size === 1 ? '' : 's'}: ${names}${setup.defaultName ? `, default ${setup.defaultName}` : ', no default'}`;
  }
  if (setup.mode === 'error') return `the project's accounts, which are not usable: ${setup.message}`;
  return "the sandbox (no account stored, no credentials in the project): the built-in emulator under .wxmp/sandbox/";
}
