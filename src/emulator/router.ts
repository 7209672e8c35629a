/**
 * The route-module interface of the emulator. A route module exports `Route[]`; `routes/index.ts` collects them.
 * The server (core/dispatch.ts) does the wire work before `handle` runs: method check (43001/43002), access_token
 * (41001/40014/40001/42001), daily quota (45009), fault injection, body parsing (44002/47001/47002, multipart).
 * Handlers validate the business rules and either return a result or `throw new EmuError(errcode)` (errors.ts).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { AccountFlags, AccountState, StateStore } from './state.js';
import type { EmulatorControl, FaultConfig } from './types.js';

export type HttpMethod = 'GET' | 'POST';

export interface UploadedFile {
  field: string;
  filename: string;
  mimeType: string;
  data: Buffer;
}

export interface EmuRequest {
  method: HttpMethod;
  /** Path without query, e.g. `/cgi-bin/draft/add`. */
  path: string;
  query: URLSearchParams;
  /** Values of `:name` segments of the route path. */
  params: Record<string, string>;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** Parsed JSON object for `body: 'json'` routes; `{}` otherwise. */
  json: Record<string, unknown>;
  /** Multipart text fields (`body: 'multipart'`). */
  fields: Record<string, string>;
  /** Multipart file parts (`body: 'multipart'`). */
  files: UploadedFile[];
  /** Caller IP as the socket reports it (e.g. `::ffff:127.0.0.1`). */
  ip: string;
}

export type EmuResult =
  | { kind: 'json'; body: unknown; status?: number }
  | { kind: 'raw'; body: Buffer | string; contentType: string; status?: number; headers?: Record<string, string> };

export interface Route {
  method: HttpMethod;
  /**
   * `/cgi-bin/...`, `/datacube/...` — or, for the emulator's own routes (routes/admin*.ts, routes/pages.ts),
   * `/__emulator/...`, `/`, `/s`, `/mmbiz_...`; `:name` segments allowed.
   */
  path: string;
  /** 'token': needs `?access_token=` and gives `ctx.account`; 'none': no auth (token endpoints, admin routes). */
  auth: 'token' | 'none';
  /** 'json': POST body must be a JSON object; 'multipart': form-data; 'none': body ignored. */
  body: 'json' | 'multipart' | 'none';
  /** Default daily call limit (docs/wechat-api.md §3.1); overridable by EmulatorOptions.dailyLimits. Default 100 000. */
  dailyLimit?: number;
  /** errcode for `\uXXXX` escapes in the JSON body when unicodeEscapes is 'reject' (default 47002; menus use 40033). */
  unicodeEscapeErrcode?: number;
  handle(req: EmuRequest, ctx: EmuContext): EmuResult | Promise<EmuResult>;
}

export interface EmuAccount {
  readonly appId: string;
  readonly name: string;
  readonly flags: AccountFlags;
  /** The account's persistent state (tokens, materials, drafts, …, menu, messaging, followers, tags). */
  readonly state: AccountState;
}

export interface EmuConfig {
  /** Origin of returned media URLs (options.mediaBaseUrl or the emulator's own). */
  mediaOrigin: string;
  publishDelayMs: number;
  titleLimit: number;
}

export interface QuotaView {
  /** Calls counted today (Beijing day) for a cgi path of the current account. */
  used(path: string): number;
  limit(path: string): number;
  /** True when the path is an API the emulator serves (openapi/quota/get answers 76021 otherwise). */
  known(path: string): boolean;
}

export interface EmuContext {
  /** The authenticated account. Only for `auth: 'token'` routes — throws otherwise (use findAccount). */
  readonly account: EmuAccount;
  findAccount(appId: string): EmuAccount | undefined;
  accounts(): EmuAccount[];
  /** Emulator clock in ms (options.now + advanceTime). */
  now(): number;
  /** Emulator clock in unix seconds. */
  nowSeconds(): number;
  readonly quota: QuotaView;
  /** `http://127.0.0.1:PORT` — the emulator's own origin. */
  readonly origin: string;
  /** Emulator settings route modules may need. */
  readonly config: EmuConfig;
  readonly faults: FaultConfig;
  readonly store: StateStore;
  /** The emulator's control surface (faults, clock, request log, account flags) for the `/__emulator/*` routes. */
  readonly control: EmulatorControl;
  /** Seeded random in [0,1) (deterministic for a given faults.seed and call order). */
  random(): number;
  log(line: string): void;
}

export function json(body: unknown, status?: number): EmuResult {
  return status === undefined ? { kind: 'json', body } : { kind: 'json', body, status };
}

/** `{"errcode":0,"errmsg":"ok", ...extra}` */
export function ok(extra: Record<string, unknown> = {}): EmuResult {
  return json({ errcode: 0, errmsg: 'ok', ...extra });
}

export function raw(body: Buffer | string, contentType: string, status = 200, headers?: Record<string, string>): EmuResult {
  return headers ? { kind: 'raw', body, contentType, status, headers } : { kind: 'raw', body, contentType, status };
}

/**
 * Matches `/a/:x/b` against a path; returns params or undefined. A segment may also start with literal text before
 * its parameter (`/mmbiz_:fmt/:id/:size` matches `/mmbiz_png/abc/0`).
 */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const p = pattern.split('/');
  const s = path.split('/');
  if (p.length !== s.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const seg = p[i]!;
    const val = s[i]!;
    const colon = seg.indexOf(':');
    if (colon < 0) {
      if (seg !== val) return undefined;
      continue;
    }
    const prefix = seg.slice(0, colon);
    if (!val.startsWith(prefix) || val.length === prefix.length) return undefined;
    try {
      params[seg.slice(colon + 1)] = decodeURIComponent(val.slice(prefix.length));
    } catch {
      return undefined;
    }
  }
  return params;
}

/** Reads an int that clients may send as a JSON number or a string (docs/wechat-api.md §1 "Integers vs strings"). */
export function intField(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

export function stringField(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
