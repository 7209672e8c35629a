import { ApiBaseError, checkApiBase } from '../config/api-base.js';
import type { WxmpConfig } from '../config/schema.js';

/** An account ready to be called. The secret is held here and never printed. */
export interface ResolvedAccount {
  /** Name in the config's `accounts` (`default` for WECHAT_APP_ID/WECHAT_APP_SECRET, `sandbox` in sandbox mode). */
  name: string;
  appId: string;
  appSecret: string;
  apiBase?: string;
  proxy?: string;
  /** Default author for this account's posts. */
  author?: string;
}

export type AccountSetup =
  | { mode: 'live'; accounts: Map<string, ResolvedAccount>; defaultName?: string }
  | { mode: 'sandbox'; reason: string }
  | { mode: 'error'; message: string };

/** The environment variable holding an account's AppSecret: `appSecretEnv`, or `WECHAT_APP_SECRET_<NAME>`. */
export function secretEnvName(name: string, explicit?: string): string {
  return explicit ?? `WECHAT_APP_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;
}

/** Where an account's requests go. */
interface Transport {
  apiBase?: string;
  proxy?: string;
}

/** An account's own settings (none for the WECHAT_APP_ID account). */
interface OwnTransport {
  name: string;
  apiBase?: string;
  proxy?: string;
}

/** The API base and where it was set (for error messages): the real environment wins, then the account, then the config. */
function pickApiBase(config: WxmpConfig, env: NodeJS.ProcessEnv, own?: OwnTransport): { value?: string; from: string } {
  if (env.WXMP_API_BASE) return { value: env.WXMP_API_BASE, from: 'WXMP_API_BASE' };
  if (own?.apiBase) return { value: own.apiBase, from: `accounts.${own.name}.apiBase` };
  return { value: config.apiBase, from: 'apiBase in the config' };
}

/**
 * The API base and proxy of an account, checked before any credential is sent: a base that would leak the AppSecret
 * is an error naming where it was set. `env` is the real environment: `.env` cannot set these (docs/security.md,
 * "Where credentials go").
 */
function resolveTransport(config: WxmpConfig, env: NodeJS.ProcessEnv, own?: OwnTransport): Transport | { error: string } {
  const proxy = env.WXMP_PROXY || own?.proxy || config.proxy || undefined;
  const apiBase = pickApiBase(config, env, own);
  if (!apiBase.value) return { proxy };
  try {
    checkApiBase(apiBase.value, proxy);
  } catch (error) {
    if (error instanceof ApiBaseError) return { error: `${apiBase.from}: ${error.message}` };
    throw error;
  }
  return { apiBase: apiBase.value, proxy };
}

/**
 * Finds the credentials of every configured account. Secrets come from the environment only (`.env` is loaded into it
 * beforehand). With no credentials at all, the answer is the sandbox (the embedded emulator).
 */
export function resolveAccounts(config: WxmpConfig, env: NodeJS.ProcessEnv): AccountSetup {
  const names = Object.keys(config.accounts);

  if (names.length > 0) {
    const accounts = new Map<string, ResolvedAccount>();
    const missing: string[] = [];
    for (const name of names) {
      const account = config.accounts[name]!;
      const variable = secretEnvName(name, account.appSecretEnv);
      // A single account may also use the plain WECHAT_APP_SECRET.
      const secret = env[variable] || (names.length === 1 ? env.WECHAT_APP_SECRET : undefined);
      if (!secret) {
        missing.push(`${name} (${account.appId}): set ${variable}${names.length === 1 ? ' or WECHAT_APP_SECRET' : ''}`);
        continue;
      }
      const transport = resolveTransport(config, env, { name, apiBase: account.apiBase, proxy: account.proxy });
      if ('error' in transport) return { mode: 'error', message: transport.error };
      accounts.set(name, { name, appId: account.appId, appSecret: secret, ...transport, author: account.author });
    }
    if (missing.length) return { mode: 'error', message: `No AppSecret for account ${missing.join('; ')}` };
    const defaultName = config.defaultAccount ?? (names.length === 1 ? names[0] : undefined);
    if (config.defaultAccount && !accounts.has(config.defaultAccount)) {
      return { mode: 'error', message: `defaultAccount "${config.defaultAccount}" is not in accounts (${names.join(', ')})` };
    }
    return { mode: 'live', accounts, defaultName };
  }

  const appId = env.WECHAT_APP_ID?.trim();
  const appSecret = env.WECHAT_APP_SECRET?.trim();
  if (appId && appSecret) {
    const transport = resolveTransport(config, env);
    if ('error' in transport) return { mode: 'error', message: transport.error };
    const account: ResolvedAccount = { name: 'default', appId, appSecret, ...transport };
    return { mode: 'live', accounts: new Map([['default', account]]), defaultName: 'default' };
  }
  if (appId && !appSecret) return { mode: 'error', message: 'WECHAT_APP_ID is set but WECHAT_APP_SECRET is not (environment or .env)' };
  if (!appId && appSecret) return { mode: 'error', message: 'WECHAT_APP_SECRET is set but WECHAT_APP_ID is not (environment or .env)' };
  return { mode: 'sandbox', reason: 'no WECHAT_APP_ID / WECHAT_APP_SECRET and no accounts in the config' };
}

/**
 * For a plan without secrets: the configured AppIDs (or WECHAT_APP_ID) are enough to read the lock, since a plan sends
 * nothing. Undefined when there is not even an AppID.
 */
export function planAccounts(config: WxmpConfig, env: NodeJS.ProcessEnv): Extract<AccountSetup, { mode: 'live' }> | undefined {
  const names = Object.keys(config.accounts);
  if (names.length) {
    const accounts = new Map(names.map((name) => [name, { name, appId: config.accounts[name]!.appId, appSecret: '', author: config.accounts[name]!.author }]));
    return { mode: 'live', accounts, defaultName: config.defaultAccount ?? (names.length === 1 ? names[0] : undefined) };
  }
  const appId = env.WECHAT_APP_ID?.trim();
  if (appId) return { mode: 'live', accounts: new Map([['default', { name: 'default', appId, appSecret: '' }]]), defaultName: 'default' };
  return undefined;
}
