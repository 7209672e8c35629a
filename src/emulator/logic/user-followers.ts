/**
 * Scripted followers of one emulated account (docs/wechat-api.md §9).
 *
 * The list is `generatedCount` deterministic openids (so `user/get` paging over 10 000 per page is testable without
 * persisting 25 000 records) followed by a few named test followers with memorable openids and 微信号 (for
 * `mass/preview` `towxname`). Only what changed (unsubscribes, new followers, remarks, tags) is stored, so the
 * persisted state stays small: {@link FollowerState} is plain JSON.
 */
import { createHash } from 'node:crypto';

/** OpenID format: 28 chars of `[A-Za-z0-9_-]` (wechatpy `OPENID_RE = ^[\w\-]{28}$`; docs/wechat-api.md §9). */
export const OPENID_PATTERN = /^[A-Za-z0-9_-]{28}$/;
export const DEFAULT_GENERATED_FOLLOWERS = 25_000;
/** `user/get` returns at most 10 000 openids per call (§9). */
export const USER_GET_PAGE_SIZE = 10_000;

export interface NamedFollowerSeed {
  /** Short name used in tests and in the admin API (`alice`). */
  name: string;
  openid: string;
  /** 微信号 accepted by `message/mass/preview` `towxname`. */
  wxname: string;
  subscribed: boolean;
}

/**
 * Named followers every account starts with. `o6_bmjrPTlm6_2sgVt7hMZOPfL2M` is the openid of WeChat's own doc
 * examples, so snippets copied from the docs work against the sandbox; `carol` has unfollowed (43004 / the
 * `subscribe:0` shape of `user/info`).
 */
export const NAMED_TEST_FOLLOWERS: readonly NamedFollowerSeed[] = [
  { name: 'alice', openid: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M', wxname: 'alice_wx', subscribed: true },
  { name: 'bob', openid: 'oTestFollowerBob_00000000001', wxname: 'bob_wx', subscribed: true },
  { name: 'carol', openid: 'oTestFollowerCarol_000000002', wxname: 'carol_wx', subscribed: false },
];

/** Per-follower changes on top of the generated/named baseline. */
export interface FollowerOverride {
  subscribed?: boolean;
  subscribeTime?: number;
  remark?: string;
  tagIds?: number[];
  wxname?: string;
}

/** Persisted follower state of one account (JSON-serialisable). */
export interface FollowerState {
  appId: string;
  generatedCount: number;
  /** Unix seconds of the first generated follow; later ones follow at a steady pace. */
  baseSubscribeTime: number;
  /** openids added after start (admin `subscribe` of an unknown openid), in follow order. */
  added: string[];
  overrides: Record<string, FollowerOverride>;
  /** Bumped on every change so cached directories are rebuilt. */
  version?: number;
}

export interface FollowerRecord {
  openid: string;
  subscribed: boolean;
  subscribeTime: number;
  subscribeScene: string;
  qrScene: number;
  remark: string;
  tagIds: number[];
  wxname?: string;
  name?: string;
}

export function createFollowerState(appId: string, options: { generatedCount?: number; nowMs?: number } = {}): FollowerState {
  const nowSec = Math.floor((options.nowMs ?? Date.UTC(2026, 0, 1)) / 1000);
  return {
    appId,
    generatedCount: options.generatedCount ?? DEFAULT_GENERATED_FOLLOWERS,
    // Followers accumulated over roughly the last three years.
    baseSubscribeTime: nowSec - 3 * 365 * 86_400,
    added: [],
    overrides: {},
  };
}

const OPENID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function base64ish(bytes: Buffer, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += OPENID_ALPHABET[bytes[i % bytes.length]! & 63];
  return out;
}

/**
 * The i-th generated openid: `o` + a 5-char per-account prefix (real openids of one account share their first
 * characters) + 22 chars derived from (appId, i).
 */
const prefixCache = new Map<string, { prefix: string; seed: number }>();

function accountPrefix(appId: string): { prefix: string; seed: number } {
  let cached = prefixCache.get(appId);
  if (!cached) {
    const digest = createHash('sha256').update(`prefix:${appId}`).digest();
    cached = { prefix: base64ish(digest, 5), seed: digest.readUInt32LE(8) };
    prefixCache.set(appId, cached);
  }
  return cached;
}

/**
 * The i-th generated openid: `o` + a 5-char per-account prefix (real openids of one account share their first
 * characters) + 22 chars from a small integer hash of (account, i) — cheap enough to build 25 000 in a few ms.
 */
export function generatedOpenId(appId: string, index: number): string {
  const { prefix, seed } = accountPrefix(appId);
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  let body = '';
  for (let i = 0; i < 22; i++) {
    // xorshift32 steps
    h ^= h << 13;
    h >>>= 0;
    h ^= h >>> 17;
    h ^= h << 5;
    h >>>= 0;
    body += OPENID_ALPHABET[h & 63];
  }
  return `o${prefix}${body}`;
}

const generatedLists = new Map<string, readonly string[]>();

/** The generated openids of an account (shared, immutable, computed once per process). */
function generatedOpenIds(appId: string, count: number): readonly string[] {
  const key = `${appId}:${count}`;
  let list = generatedLists.get(key);
  if (!list) {
    const out: string[] = [];
    for (let i = 0; i < count; i++) out.push(generatedOpenId(appId, i));
    list = out;
    generatedLists.set(key, list);
  }
  return list;
}

export function isValidOpenId(value: unknown): value is string {
  return typeof value === 'string' && OPENID_PATTERN.test(value);
}

const SCENES = ['ADD_SCENE_QR_CODE', 'ADD_SCENE_SEARCH', 'ADD_SCENE_PROFILE_CARD', 'ADD_SCENE_ARTICLE_AD', 'ADD_SCENE_OTHERS'];

/**
 * Lookup structure over a {@link FollowerState}. Build it once per state change (it indexes 25 000 openids in a few
 * milliseconds) and use it for paging and lookups.
 */
export class FollowerDirectory {
  private readonly order: string[];
  private readonly position = new Map<string, number>();
  private readonly named = new Map<string, NamedFollowerSeed>();
  private readonly byWxname = new Map<string, string>();

  constructor(readonly state: FollowerState) {
    const order: string[] = [...generatedOpenIds(state.appId, state.generatedCount)];
    for (const seed of NAMED_TEST_FOLLOWERS) {
      order.push(seed.openid);
      this.named.set(seed.openid, seed);
    }
    for (const openid of state.added) if (!this.named.has(openid)) order.push(openid);
    this.order = order;
    order.forEach((openid, i) => this.position.set(openid, i));
    for (const openid of order) {
      const wxname = state.overrides[openid]?.wxname ?? this.named.get(openid)?.wxname;
      if (wxname) this.byWxname.set(wxname, openid);
    }
  }

  /** Has this openid ever followed the account (subscribed or not)? */
  knows(openid: string): boolean {
    return this.position.has(openid);
  }

  get(openid: string): FollowerRecord | undefined {
    const index = this.position.get(openid);
    if (index === undefined) return undefined;
    const named = this.named.get(openid);
    const override = this.state.overrides[openid] ?? {};
    const seedBytes = createHash('sha256').update(`info:${openid}`).digest();
    const record: FollowerRecord = {
      openid,
      subscribed: override.subscribed ?? named?.subscribed ?? true,
      // Generated followers follow in list order, ~one per hour; named/added ones after them.
      subscribeTime: override.subscribeTime ?? this.state.baseSubscribeTime + index * 3_600,
      subscribeScene: SCENES[seedBytes[0]! % SCENES.length]!,
      qrScene: 0,
      remark: override.remark ?? '',
      tagIds: override.tagIds ?? [],
    };
    const wxname = override.wxname ?? named?.wxname;
    if (wxname) record.wxname = wxname;
    if (named) record.name = named.name;
    return record;
  }

  openIdForWxname(wxname: string): string | undefined {
    return this.byWxname.get(wxname);
  }

  openIdForName(name: string): string | undefined {
    return NAMED_TEST_FOLLOWERS.find((f) => f.name === name)?.openid;
  }

  private subscribedCache: string[] | undefined;

  /** Subscribed openids in follow order (computed once per directory; rebuild the directory after a change). */
  subscribedOpenIds(): string[] {
    this.subscribedCache ??= this.order.filter((openid) => this.isSubscribed(openid));
    return this.subscribedCache;
  }

  isSubscribed(openid: string): boolean {
    const override = this.state.overrides[openid];
    if (override?.subscribed !== undefined) return override.subscribed;
    const named = this.named.get(openid);
    if (named) return named.subscribed;
    return this.position.has(openid);
  }
}

export interface UserGetPage {
  total: number;
  count: number;
  data?: { openid: string[] };
  next_openid: string;
}

/**
 * `user/get` paging: `next_openid` is the last openid of the page; the call after the last page answers
 * `count:0` with no `data` and an empty `next_openid` (wechatpy iterates until `data` is missing; §9).
 * An unknown `next_openid` → 40003.
 */
export function pageFollowers(
  subscribed: readonly string[],
  nextOpenId: string | undefined,
  pageSize = USER_GET_PAGE_SIZE,
): UserGetPage | { errcode: 40003 } {
  let start = 0;
  if (nextOpenId) {
    const at = subscribed.indexOf(nextOpenId);
    if (at < 0) return { errcode: 40003 };
    start = at + 1;
  }
  const page = subscribed.slice(start, start + pageSize);
  const result: UserGetPage = { total: subscribed.length, count: page.length, next_openid: page.at(-1) ?? '' };
  if (page.length > 0) result.data = { openid: page };
  return result;
}

/** Record a follow (admin `subscribe` event or `POST /__emulator/followers`). Returns the openid. */
export function subscribeFollower(state: FollowerState, directory: FollowerDirectory, openid: string, nowMs: number): string {
  if (!directory.knows(openid)) state.added.push(openid);
  const override = (state.overrides[openid] ??= {});
  override.subscribed = true;
  override.subscribeTime = Math.floor(nowMs / 1000);
  state.version = (state.version ?? 0) + 1;
  return openid;
}

export function unsubscribeFollower(state: FollowerState, openid: string): void {
  const override = (state.overrides[openid] ??= {});
  override.subscribed = false;
  state.version = (state.version ?? 0) + 1;
}

/** A fresh random-looking openid for a new follower (admin API without an explicit openid). */
export function newFollowerOpenId(state: FollowerState): string {
  return generatedOpenId(`${state.appId}:added`, state.added.length);
}
