/** Public option/handle types of the emulator (see docs/emulator.md). */

export interface EmulatorAccountInput {
  appId: string;
  appSecret: string;
  name?: string;
  /** Verified (认证) account; unverified → 48001 on freepublish/*, mass send/preview, custom send. Default true. */
  verified?: boolean;
  /** 留言 privilege; without it need_open_comment=1 → 88000. Default true. */
  commentPrivilege?: boolean;
  /** 带货 capability; without it product_info → 53406. Default false. */
  productCapability?: boolean;
  /** API IP whitelist for the token endpoints; unset = any caller. */
  ipWhitelist?: string[];
}

export type PublishOutcome = 0 | 2 | 3 | 4;

export interface FaultConfig {
  /** 0..1: business calls answer `-1 system error` (a quarter of those as HTTP 503 instead). */
  failureRate: number;
  /** Added to every API response (real wall-clock ms). */
  latencyMs: number;
  /** Invalidate all tokens when the Nth business call (counted from when this is set) arrives. */
  revokeTokensAtCall?: number;
  /** cgi paths (`/cgi-bin/draft/add`) answering 45009. */
  exhaustedQuota: string[];
  /** Scripted freepublish outcome per draft media_id, or '*' for every draft. Default 0 (success). */
  publishOutcome: Record<string, PublishOutcome>;
  /** Seed of the failure-injection random generator. */
  seed?: number;
}

export interface EmulatorOptions {
  /** 0 = random free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /**
   * Host names the emulator also answers to, besides localhost, IP addresses, `host` and mediaBaseUrl's host
   * (e.g. a docker-compose service name). Other `Host` headers get HTTP 403 (DNS-rebinding protection).
   */
  allowedHosts?: string[];
  /** Connection timeouts (slowloris protection); defaults 10 s headers, 60 s request, 5 s keep-alive, 30 s idle. */
  timeouts?: EmulatorTimeouts;
  /** Persist state (JSON + uploaded bytes) here; omitted = in memory only. */
  stateDir?: string;
  /** Omitted = the accounts persisted in stateDir, else one generated sandbox account. */
  accounts?: EmulatorAccountInput[];
  /** Millisecond clock (tests); advanceTime() adds on top of it. Default Date.now. */
  now?: () => number;
  /** How long a freepublish job stays in status 1 (emulator clock). Default 3000. */
  publishDelayMs?: number;
  faults?: Partial<FaultConfig>;
  /** Draft title limit in characters: 64 (observed, default) or 32 (doc-strict). docs/wechat-api.md §5.1. */
  titleLimit?: number;
  /** What to do with `\uXXXX` escapes in JSON bodies: reject with 47002 (default) or store them literally. */
  unicodeEscapes?: 'reject' | 'store';
  /** Origin used in returned media URLs instead of the emulator's own (e.g. a reverse proxy). */
  mediaBaseUrl?: string;
  /** Per-API daily limit overrides, keyed by cgi path (`/cgi-bin/token`). */
  dailyLimits?: Record<string, number>;
  log?: (line: string) => void;
}

/** Server timeouts in ms; 0 disables one (except headersMs). */
export interface EmulatorTimeouts {
  /** Time to receive the request headers (node's headersTimeout); answered 408. Default 10 000. */
  headersMs?: number;
  /** Time to receive the whole request, body included (node's requestTimeout); answered 408. Default 60 000. */
  requestMs?: number;
  /** How long an idle keep-alive connection stays open after a response. Default 5 000. */
  keepAliveMs?: number;
  /** A socket without traffic for this long, and with no request being handled, is closed. Default 30 000. */
  idleMs?: number;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  /** Present when the call failed (errcode ≠ 0, or -1 for an injected HTTP 503). */
  errcode?: number;
  /** Emulator clock, ms. */
  at: number;
  /** The account the call authenticated as, when known. */
  appId?: string;
  status: number;
}

export interface AccountFlagsPatch {
  verified?: boolean;
  commentPrivilege?: boolean;
  productCapability?: boolean;
  ipWhitelist?: string[] | null;
}

export interface EmulatorStateSummary {
  now: number;
  accounts: Array<{
    appId: string;
    name: string;
    verified: boolean;
    commentPrivilege: boolean;
    productCapability: boolean;
    drafts: Array<{ mediaId: string; titles: string[]; updateTime: number }>;
    materials: Record<string, number>;
    tempMedia: number;
    published: Array<{ articleId: string; publishId: number; titles: string[]; deleted: boolean }>;
    publishJobs: Array<{ publishId: number; status: number; mediaId: string }>;
    quotaUsed: Record<string, number>;
  }>;
  requests: { total: number; byPath: Record<string, number> };
}

export interface EmulatorControl {
  setFaults(f: Partial<FaultConfig>): void;
  faults(): FaultConfig;
  requests(): RequestLogEntry[];
  /** Number of logged calls per path. */
  requestCounts(): Record<string, number>;
  resetRequests(): void;
  advanceTime(ms: number): void;
  /** Current emulator clock (ms). */
  now(): number;
  revokeAllTokens(): void;
  setAccountFlags(appId: string, flags: AccountFlagsPatch): void;
  state(): EmulatorStateSummary;
  /** Write pending state to stateDir now. */
  flush(): Promise<void>;
}

export interface RunningEmulator {
  url: string;
  port: number;
  accounts: EmulatorAccountInput[];
  control: EmulatorControl;
  close(): Promise<void>;
}
