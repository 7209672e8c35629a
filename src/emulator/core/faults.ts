/**
 * Fault injection (options.faults, `/__emulator/faults`): random `-1 system error` answers and HTTP 503s from a
 * seeded generator, added latency, and revoking every token at the Nth business call.
 */
import { seededRandom } from '../clock.js';
import { EmuError } from '../errors.js';
import type { FaultConfig } from '../types.js';

export function defaultFaults(): FaultConfig {
  return { failureRate: 0, latencyMs: 0, exhaustedQuota: [], publishOutcome: {} };
}

/** An injected gateway failure: answered as HTTP 503 with an HTML body, not as WeChat JSON. */
export class InjectedHttpFailure extends Error {}

export class FaultInjector {
  config: FaultConfig;
  private rng: () => number;
  private businessCalls = 0;

  constructor(initial: Partial<FaultConfig> | undefined) {
    this.config = { ...defaultFaults(), ...initial };
    this.rng = seededRandom(this.config.seed ?? 20240601);
  }

  /** Merges a partial config; a new seed restarts the generator, a new revokeTokensAtCall restarts the count. */
  set(patch: Partial<FaultConfig>): void {
    this.config = { ...this.config, ...patch };
    if (patch.seed !== undefined) this.rng = seededRandom(patch.seed);
    if ('revokeTokensAtCall' in patch) this.businessCalls = 0;
  }

  random(): number {
    return this.rng();
  }

  /** The configured latency (real wall-clock time). */
  async delay(): Promise<void> {
    if (this.config.latencyMs > 0) await new Promise((r) => setTimeout(r, this.config.latencyMs));
  }

  /** Throws an injected failure at the configured rate: a quarter as HTTP 503, the rest as WeChat's -1. */
  maybeFail(): void {
    if (this.config.failureRate <= 0) return;
    if (this.rng() >= this.config.failureRate) return;
    if (this.rng() < 0.25) throw new InjectedHttpFailure();
    throw new EmuError(-1);
  }

  /** Counts a business (access_token) call; true when this is the call that revokes every token. */
  businessCall(): boolean {
    this.businessCalls += 1;
    const at = this.config.revokeTokensAtCall;
    return at !== undefined && this.businessCalls === at;
  }
}
