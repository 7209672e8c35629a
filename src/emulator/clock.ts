/** Beijing time (UTC+8) calendar helpers: WeChat's daily quotas and analytics days follow China time. */
const BEIJING_OFFSET_MS = 8 * 3600 * 1000;

export function beijingDay(ms: number): string {
  return new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}

export function beijingMonth(ms: number): string {
  return beijingDay(ms).slice(0, 7);
}

/** mulberry32 — small, seedable PRNG for deterministic fault injection. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The emulator clock: a base clock (options.now, else Date.now) plus the persisted advanceTime() total. */
export class EmulatorClock {
  constructor(
    private readonly base: () => number,
    private readonly offset: { clockOffsetMs: number },
    private readonly changed: () => void,
  ) {}

  now(): number {
    return this.base() + this.offset.clockOffsetMs;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error('advanceTime: ms must be a non-negative number');
    this.offset.clockOffsetMs += ms;
    this.changed();
  }
}
