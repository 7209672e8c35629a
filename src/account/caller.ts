import type { Limiter } from '../util/limiter.js';
import { WeChatError } from '../wechat/errors.js';

/** A request not sent because the account already failed in a way every call would. */
export class AccountHaltedError extends Error {
  constructor(reason: string) {
    super(`not attempted: ${reason}`);
    this.name = 'AccountHaltedError';
  }
}

/** Calls to one account: bounded by the shared limiter, and stopped for good after a fatal errcode. */
export interface AccountCaller {
  /** Runs one request (or a few that belong together) under the limit; rejects with AccountHaltedError once halted. */
  call: Limiter;
  /** Why no further call is sent to this account, once one failed with an errcode every call would meet. */
  haltReason(): string | undefined;
}

/**
 * Every request to an account goes through its caller: bounded concurrency (shared by all accounts of a run), and once
 * a call fails in a way every later call would too (quota, credentials, IP whitelist: `WeChatError.fatal`, see
 * docs/wechat-api.md §11), no new request is sent to that account.
 */
export function createAccountCaller(net: Limiter, accountName: string): AccountCaller {
  let halt: string | undefined;
  const call = <T>(task: () => Promise<T>): Promise<T> =>
    net(async () => {
      if (halt) throw new AccountHaltedError(halt);
      try {
        return await task();
      } catch (error) {
        if (error instanceof WeChatError && error.fatal && !halt) {
          halt = `an earlier call to ${accountName} failed with errcode ${error.errcode}, which every call would`;
        }
        throw error;
      }
    });
  return { call, haltReason: () => halt };
}
