import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { writeFile, rename, readFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { PublishOutcome } from './types.js';
import { createMenuState, type MenuState } from './logic/menu-store.js';
import { createMessagingState, type MessagingState } from './logic/message-store.js';
import { createFollowerState, type FollowerState } from './logic/user-followers.js';
import { createTagState, type TagState } from './logic/user-tags.js';
import type { RidRecord } from './logic/rid-log.js';

/** One access token of either family (docs/wechat-api.md §2). */
export interface TokenRecord {
  token: string;
  issuedAt: number;
  expiresAt: number;
  /** Set when superseded: still accepted until then (5-minute overlap), afterwards 40001. */
  validUntil?: number;
}

export interface StableTokenState {
  current?: TokenRecord;
  previous?: TokenRecord;
  forceDay?: string;
  forceCount: number;
  lastForceAt?: number;
}

export interface MaterialRecord {
  mediaId: string;
  type: 'image' | 'voice' | 'video' | 'thumb';
  name: string;
  blob: string;
  size: number;
  /** Unix seconds. */
  updateTime: number;
  /** Served URL for images/thumbs. */
  url?: string;
  description?: { title: string; introduction: string };
}

export interface TempMediaRecord {
  mediaId: string;
  type: 'image' | 'voice' | 'video' | 'thumb';
  blob: string;
  mime: string;
  /** Unix seconds. */
  createdAt: number;
}

/** A stored draft article, already normalised (content with data-src images, digest filled in). */
export interface StoredArticle {
  article_type: 'news' | 'newspic';
  title: string;
  author: string;
  digest: string;
  content: string;
  content_source_url: string;
  thumb_media_id: string;
  show_cover_pic: number;
  need_open_comment: number;
  only_fans_can_comment: number;
  pic_crop_235_1?: string;
  pic_crop_1_1?: string;
  image_info?: { image_list: Array<{ image_media_id: string }> };
  cover_info?: unknown;
  product_info?: unknown;
}

export interface DraftRecord {
  mediaId: string;
  articles: StoredArticle[];
  createTime: number;
  /** Unix seconds. */
  updateTime: number;
}

export interface PublishJob {
  publishId: number;
  msgDataId: number;
  mediaId: string;
  /** Emulator clock ms. */
  submittedAt: number;
  outcome: PublishOutcome;
  status: number;
  articles: StoredArticle[];
  articleId?: string;
  failIdx: number[];
}

export interface PublishedArticle {
  articleId: string;
  publishId: number;
  /** Unix seconds. */
  updateTime: number;
  items: Array<{ article: StoredArticle; url: string; isDeleted: boolean }>;
}

export interface QuotaState {
  /** Beijing-time day (YYYY-MM-DD) the counters belong to. */
  day: string;
  used: Record<string, number>;
  /** Month (YYYY-MM) of the clear_quota / quota/clear counters. */
  clearMonth: string;
  clearCount: number;
  pathClearCount: number;
}

export interface AccountFlags {
  verified: boolean;
  commentPrivilege: boolean;
  productCapability: boolean;
  ipWhitelist?: string[];
}

/**
 * Everything the emulator knows about one account, one typed field per API group. The fields of §2–§6 exist from the
 * account's creation (newAccountState); those of §7–§9 are created on first use by the accessors at the end of this
 * file (menuState, messagingState, followerState, tagState) — the follower list is generated relative to the clock
 * at that moment. Analytics (§10) keep no state: their data derives from (appid, API, date) and publishJobs.
 */
export interface AccountState {
  appId: string;
  name: string;
  /** sha256 hex of the AppSecret — the real secret is never written to disk. */
  secretHash: string;
  /** Only for the generated sandbox account: its emulator-issued secret, so a restart can print it again. */
  sandboxSecret?: string;
  /** Gh-style original id used in article URLs (`__biz`). */
  biz: string;
  flags: AccountFlags;
  tokens: TokenRecord[];
  stable: StableTokenState;
  materials: Record<string, MaterialRecord>;
  tempMedia: Record<string, TempMediaRecord>;
  drafts: Record<string, DraftRecord>;
  publishJobs: Record<string, PublishJob>;
  published: Record<string, PublishedArticle>;
  /** Emulator clock ms of recent freepublish/submit calls (53501 rate limit). */
  recentSubmits: number[];
  quota: QuotaState;
  /** Custom menus (§8). */
  menu?: MenuState;
  /** Reply windows, delivered and inbound messages, mass sends (§7). */
  messaging?: MessagingState;
  /** Changes to the generated follower list (§9). */
  followers?: FollowerState;
  /** Custom user tags (§9); the tags of a follower live in its `followers` override. */
  tags?: TagState;
  /** Requests behind recent error answers, by rid, for `openapi/rid/get` (§3). */
  rids?: Record<string, RidRecord>;
}

/** A served media file (`/mmbiz_png/<id>/0`). */
export interface ServedMedia {
  blob: string;
  mime: string;
  fmt: string;
}

/**
 * `state.json`. The groups of §7–§9 are typed account fields; files written before that (same version 1) kept them
 * untyped under `account.ext` (`menu`, `messaging`, `followers`, `tags`) and are migrated on load.
 */
export interface PersistedState {
  version: 1;
  /** advanceTime() total, so virtual time survives a restart. */
  clockOffsetMs: number;
  seq: number;
  accounts: Record<string, AccountState>;
  media: Record<string, ServedMedia>;
}

const WRITE_COALESCE_MS = 50;

export function emptyState(): PersistedState {
  return { version: 1, clockOffsetMs: 0, seq: 0, accounts: {}, media: {} };
}

export interface NewAccount {
  appId: string;
  name: string;
  secretHash: string;
  biz: string;
  flags: AccountFlags;
  /** Beijing day (YYYY-MM-DD) the quota counters start on. */
  day: string;
}

/** A new account's state: everything of §2–§6 empty, the §7–§9 groups left to their accessors. */
export function newAccountState(init: NewAccount): AccountState {
  const { day, ...identity } = init;
  return {
    ...identity,
    tokens: [],
    stable: { forceCount: 0 },
    materials: {},
    tempMedia: {},
    drafts: {},
    publishJobs: {},
    published: {},
    recentSubmits: [],
    quota: { day, used: {}, clearMonth: day.slice(0, 7), clearCount: 0, pathClearCount: 0 },
  };
}

/**
 * The state store: one JSON document (atomic temp-file + rename writes, coalesced) plus uploaded bytes as files.
 * Without a stateDir everything lives in memory.
 */
export class StateStore {
  readonly state: PersistedState;
  private readonly memoryBlobs = new Map<string, Buffer>();
  private dirty = false;
  private writing: Promise<void> | null = null;

  constructor(readonly dir: string | undefined) {
    this.state = dir ? loadState(dir) : emptyState();
    if (dir) mkdirSync(join(dir, 'blobs'), { recursive: true });
  }

  /** Stores bytes and returns their blob id. */
  async putBlob(data: Buffer): Promise<string> {
    const id = randomBytes(12).toString('hex');
    if (!this.dir) {
      this.memoryBlobs.set(id, data);
      return id;
    }
    const path = join(this.dir, 'blobs', id);
    await writeFile(`${path}.tmp`, data);
    await rename(`${path}.tmp`, path);
    return id;
  }

  async getBlob(id: string): Promise<Buffer | undefined> {
    if (!/^[0-9a-f]{24}$/.test(id)) return undefined;
    if (!this.dir) return this.memoryBlobs.get(id);
    try {
      return await readFile(join(this.dir, 'blobs', id));
    } catch {
      return undefined;
    }
  }

  /** Marks the state changed; the write happens soon after (coalesced), or on flush(). */
  markDirty(): void {
    if (!this.dir) return;
    this.dirty = true;
    if (!this.writing) this.writing = this.writeLoop();
  }

  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async writeLoop(): Promise<void> {
    try {
      // A short pause lets a burst of requests share one write (the whole document is rewritten each time).
      await new Promise((r) => setTimeout(r, WRITE_COALESCE_MS));
      while (this.dirty && this.dir) {
        this.dirty = false;
        const file = join(this.dir, 'state.json');
        const text = JSON.stringify(this.state);
        await mkdir(this.dir, { recursive: true });
        await writeFile(`${file}.tmp`, text);
        await rename(`${file}.tmp`, file);
      }
    } finally {
      this.writing = null;
    }
  }
}

function loadState(dir: string): PersistedState {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'state.json');
  if (!existsSync(file)) return emptyState();
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as LegacyState;
  if (parsed.version !== 1) throw new Error(`${file}: unsupported emulator state version ${String(parsed.version)}`);
  return withTypedGroups(parsed);
}

/** state.json as older versions wrote it: the §7–§9 groups under `account.ext`, an unused global `ext`. */
interface LegacyState extends Omit<PersistedState, 'accounts'> {
  accounts: Record<string, AccountState & { ext?: Record<string, unknown> }>;
  ext?: unknown;
}

const LEGACY_GROUPS = ['menu', 'messaging', 'followers', 'tags'] as const;

/** Moves legacy `account.ext.<group>` into the typed fields (a typed field already present wins). */
function withTypedGroups(loaded: LegacyState): PersistedState {
  const { ext: _unused, accounts, ...rest } = loaded;
  const migrated: Record<string, AccountState> = {};
  for (const [appId, { ext = {}, ...account }] of Object.entries(accounts)) {
    const typed: Record<string, unknown> = account;
    for (const key of LEGACY_GROUPS) if (ext[key] !== undefined) typed[key] ??= ext[key];
    migrated[appId] = account;
  }
  return { ...emptyState(), ...rest, accounts: migrated };
}

// ---- per-group state of §7–§9, created on first use: the one place it is initialised ----------------------------

export function menuState(acc: AccountState): MenuState {
  return (acc.menu ??= createMenuState());
}

export function messagingState(acc: AccountState): MessagingState {
  return (acc.messaging ??= createMessagingState());
}

/** The follower list is generated as of `nowMs` (followers spread over the three years before it). */
export function followerState(acc: AccountState, nowMs: number): FollowerState {
  return (acc.followers ??= createFollowerState(acc.appId, { nowMs }));
}

export function tagState(acc: AccountState): TagState {
  return (acc.tags ??= createTagState());
}

export function ridLog(acc: AccountState): Record<string, RidRecord> {
  return (acc.rids ??= {});
}
