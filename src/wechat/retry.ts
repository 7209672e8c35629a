import type { RetryOptions } from './types.js';

/** Transient errcodes worth retrying: system busy, per-minute quota, customer-service system error (docs/wechat-api.md §11). */
export const TRANSIENT_ERRCODES: ReadonlySet<number> = new Set([-1, 45011, 61450]);
/** The token was revoked, malformed or expired: refresh it and retry the call once (§2.3). */
export const TOKEN_ERRCODES: ReadonlySet<number> = new Set([40001, 40014, 42001]);
/**
 * Calls whose repetition has visible effects (a second publish, a second message to followers). A transient failure may
 * have happened after WeChat acted, so they are never retried automatically (§15; GZH's double-publish bug).
 */
const NON_IDEMPOTENT: readonly RegExp[] = [
  /^cgi-bin\/freepublish\/submit$/,
  /^cgi-bin\/message\/mass\//,
  /^cgi-bin\/message\/custom\/send$/,
];

export function isIdempotent(endpoint: string): boolean {
  return !NON_IDEMPOTENT.some((pattern) => pattern.test(endpoint));
}

export interface RetryPolicy {
  attempts: number;
  delayFor(attempt: number): number;
}

/** Exponential backoff with "equal jitter": half the delay fixed, half random. */
export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  const attempts = Math.max(1, Math.floor(options.attempts ?? 4));
  const base = Math.max(0, options.baseDelayMs ?? 400);
  const max = Math.max(base, options.maxDelayMs ?? 8000);
  const random = options.random ?? Math.random;
  return {
    attempts,
    delayFor(attempt: number): number {
      const ceiling = Math.min(max, base * 2 ** (attempt - 1));
      return Math.round(ceiling / 2 + (ceiling / 2) * random());
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
