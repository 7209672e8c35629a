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

/**
 * Finds the credentials of every configured account. Secrets come from the environment only (`.env` is loaded into it
 * beforehand). With no credentials at all, the answer is the sandbox (the embedded emulator).
 */
export function resolveAccounts(config: WxmpConfig, env: NodeJS.ProcessEnv): AccountSetup {
  const apiBase = (own?: string) => env.WXMP_API_BASE || own || config.apiBase || undefined;
  const proxy = (own?: string) => env.WXMP_PROXY || own || config.proxy || undefined;
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
      accounts.set(name, { name, appId: account.appId, appSecret: secret, apiBase: apiBase(account.apiBase), proxy: proxy(account.proxy), author: account.author });
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
    const account: ResolvedAccount = { name: 'default', appId, appSecret, apiBase: apiBase(), proxy: proxy() };
    return { mode: 'live', accounts: new Map([['default', account]]), defaultName: 'default' };
  }
  if (appId && !appSecret) return { mode: 'error', message: 'WECHAT_APP_ID is set but WECHAT_APP_SECRET is not (environment or .env)' };
  if (!appId && appSecret) return { mode: 'error', message: 'WECHAT_APP_SECRET is set but WECHAT_APP_ID is not (environment or .env)' };
  return { mode: 'sandbox', reason: 'no WECHAT_APP_ID / WECHAT_APP_SECRET and no accounts in the config' };
}
