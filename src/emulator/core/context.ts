/** The `EmuContext` a route handler gets (router.ts): the account, the clock, quotas, settings, the control surface. */
import type { EmuAccount, EmuContext } from '../router.js';
import type { AccountState } from '../state.js';
import type { EmulatorCore } from '../server.js';
import { DEFAULT_DAILY_LIMIT } from './quotas.js';

function wrap(a: AccountState): EmuAccount {
  return { appId: a.appId, name: a.name, flags: a.flags, state: a };
}

/** `account` is the authenticated account of an `auth: 'token'` route, undefined elsewhere. */
export function handlerContext(core: EmulatorCore, account: AccountState | undefined): EmuContext {
  return {
    get account(): EmuAccount {
      if (!account) throw new Error('ctx.account is only available on auth:"token" routes');
      return wrap(account);
    },
    findAccount: (appId) => {
      const a = core.accounts.get(appId);
      return a ? wrap(a) : undefined;
    },
    accounts: () => core.accounts.states().map(wrap),
    now: () => core.now(),
    nowSeconds: () => Math.floor(core.now() / 1000),
    quota: {
      used: (path) => (account ? (core.quotas.of(account).used[path] ?? 0) : 0),
      limit: (path) => core.quotas.dailyLimit(path) ?? DEFAULT_DAILY_LIMIT,
      known: (path) => core.quotas.dailyLimit(path) !== undefined,
    },
    origin: core.origin,
    config: { mediaOrigin: core.mediaOrigin(), publishDelayMs: core.publishDelayMs, titleLimit: core.titleLimit },
    faults: core.faults.config,
    store: core.store,
    control: core.control,
    random: () => core.faults.random(),
    log: (line) => core.options.log?.(line),
  };
}
