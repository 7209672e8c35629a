/**
 * Daily API quotas (docs/wechat-api.md §3.1): per account, per API, per Beijing day; limits from the route's
 * `dailyLimit`, overridable by options.dailyLimits; faults.exhaustedQuota forces 45009.
 */
import { beijingDay, beijingMonth } from '../clock.js';
import { EmuError } from '../errors.js';
import type { Route } from '../router.js';
import type { AccountState } from '../state.js';
import type { FaultConfig } from '../types.js';

/** Default daily limit for APIs whose limit WeChat does not publish (docs/wechat-api.md §3.1 lists only some). */
export const DEFAULT_DAILY_LIMIT = 100_000;

export function normalisePath(p: string): string {
  const withSlash = p.startsWith('/') ? p : `/${p}`;
  return withSlash.split('?')[0]!;
}

export class Quotas {
  constructor(
    private readonly apiRoutes: readonly Route[],
    private readonly overrides: Readonly<Record<string, number>> | undefined,
    private readonly faults: () => FaultConfig,
    private readonly now: () => number,
  ) {}

  /** The account's counters, reset when the Beijing day (and the month of the clear counters) changed. */
  of(acc: AccountState): AccountState['quota'] {
    const now = this.now();
    const day = beijingDay(now);
    if (acc.quota.day !== day) {
      acc.quota.day = day;
      acc.quota.used = {};
    }
    const month = beijingMonth(now);
    if (acc.quota.clearMonth !== month) {
      acc.quota.clearMonth = month;
      acc.quota.clearCount = 0;
      acc.quota.pathClearCount = 0;
    }
    return acc.quota;
  }

  /** The daily limit of an API path; undefined for a path the emulator does not serve. */
  dailyLimit(path: string): number | undefined {
    const route = this.apiRoutes.find((r) => r.path === path);
    if (!route) return undefined;
    return this.overrides?.[path] ?? route.dailyLimit ?? DEFAULT_DAILY_LIMIT;
  }

  /** Counts a call against the account's daily quota; throws 45009 when exhausted. */
  charge(acc: AccountState, path: string): void {
    const quota = this.of(acc);
    const limit = this.dailyLimit(path) ?? DEFAULT_DAILY_LIMIT;
    const used = quota.used[path] ?? 0;
    if (this.faults().exhaustedQuota.some((p) => normalisePath(p) === path) || used >= limit) throw new EmuError(45009);
    quota.used[path] = used + 1;
  }
}
