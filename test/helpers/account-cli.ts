import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { cleanEnv } from './cli.js';
import { makeRepo } from './repo.js';

export interface AccountCliWorld {
  emulator: RunningEmulator;
  /** An empty posts repo (the account commands need a root for its config and .env). */
  root: string;
  /** The CLI's environment: the account's credentials, the emulator as API base, a private token cache. */
  env: NodeJS.ProcessEnv;
}

/** A fresh emulator serving `app` (publishing at once) and an empty repo, for account commands run as processes. */
export async function startAccountCli(app: { appId: string; appSecret: string }): Promise<AccountCliWorld> {
  const emulator = await startEmulator({ accounts: [app], publishDelayMs: 0 });
  const root = await makeRepo({ posts: 0 });
  const env = cleanEnv({ WXMP_API_BASE: emulator.url, WECHAT_APP_ID: app.appId, WECHAT_APP_SECRET: app.appSecret, XDG_CACHE_HOME: `${root}/.cache` });
  return { emulator, root, env };
}
