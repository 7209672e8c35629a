import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../util/atomic-write.js';
import { stableStringify } from '../util/hash.js';

/**
 * `wxmp.lock.json`: what wxmp has put on each WeChat account, so that a sync is idempotent across runs and machines.
 * Meant to be committed: sorted keys and stable formatting (small diffs), no secrets, no article bodies.
 */
export const LOCK_VERSION = 1;
export const LOCK_FILE = 'wxmp.lock.json';

/** A body image uploaded through media/uploadimg (or add_material for animated GIFs). Keyed by sha256 of the source bytes. */
export interface LockImage {
  url: string;
  via: 'uploadimg' | 'material';
  /** For `material` uploads. */
  mediaId?: string;
  /** What was done to make WeChat accept it (`webp→png`, `jpeg 2.3 MB→780 KB`…). */
  conversion?: string;
  /** Bytes uploaded. */
  bytes: number;
  uploadedAt: string;
}

/** A cover uploaded as a permanent image material (its media_id is the draft's thumb_media_id). */
export interface LockCover {
  mediaId: string;
  url?: string;
  conversion?: string;
  bytes: number;
  uploadedAt: string;
}

/** An upload or draft creation that was started but whose result was not recorded (the process died). */
export interface LockPending {
  /** `draft/add`: matched later by title and cover in the draft box; `material`: by file name in the library. */
  op: 'draft-add' | 'material';
  title?: string;
  thumbMediaId?: string;
  filename?: string;
  /** Epoch seconds. */
  startedAt: number;
}

export type PostStatus = 'draft' | 'published' | 'missing';

export interface LockPost {
  /** The draft's media_id. */
  mediaId?: string;
  title?: string;
  /** sha256 of the exact draft/add article payload (after image URLs are substituted). */
  payloadHash?: string;
  /** sha256 of everything the payload is made from (source, local images, theme, renderer, config). */
  fingerprint?: string;
  /** Local files the post used (relative to the root) → sha256: checked for changes without rendering. */
  inputs?: Record<string, string>;
  thumbMediaId?: string;
  renderer?: string;
  theme?: string;
  status: PostStatus;
  updatedAt: string;
  publishId?: string;
  articleId?: string;
  articleUrl?: string;
  pending?: LockPending;
}

export interface LockAccount {
  images: Record<string, LockImage>;
  covers: Record<string, LockCover>;
  /** Pending permanent-material uploads by sha256 (see LockPending). */
  pendingUploads?: Record<string, LockPending>;
  posts: Record<string, LockPost>;
}

export interface LockData {
  version: number;
  accounts: Record<string, LockAccount>;
}

export class LockFileError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
    this.name = 'LockFileError';
  }
}

/** The lock file in memory, saved atomically (temp + rename) after every remote change; saves are serialized. */
export class LockStore {
  private chain: Promise<void> = Promise.resolve();
  private dirty = false;
  /** Number of writes to disk (for tests and benchmarks). */
  writes = 0;

  private constructor(
    readonly file: string,
    readonly data: LockData,
  ) {}

  static empty(file: string): LockStore {
    return new LockStore(file, { version: LOCK_VERSION, accounts: {} });
  }

  static async load(file: string): Promise<LockStore> {
    if (!existsSync(file)) return LockStore.empty(file);
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      throw new LockFileError(
        `${file}: not valid JSON (${(error as Error).message}). If it has git conflict markers, resolve them (keep both sides' entries) or delete the file and run \`wxmp reconcile\`.`,
        file,
      );
    }
    const data = parsed as Partial<LockData>;
    if (!data || typeof data !== 'object' || typeof data.accounts !== 'object' || data.accounts === null) {
      throw new LockFileError(`${file}: not a wxmp lock file (no "accounts")`, file);
    }
    if (data.version !== LOCK_VERSION) {
      throw new LockFileError(`${file}: lock version ${String(data.version)} is not supported by this wxmp (expects ${LOCK_VERSION}); upgrade wxmp`, file);
    }
    for (const account of Object.values(data.accounts)) {
      account.images ??= {};
      account.covers ??= {};
      account.posts ??= {};
    }
    return new LockStore(file, data as LockData);
  }

  account(appId: string): LockAccount {
    const accounts = this.data.accounts;
    accounts[appId] ??= { images: {}, covers: {}, posts: {} };
    return accounts[appId];
  }

  /** Read-only lookup that does not create the account. */
  peekAccount(appId: string): LockAccount | undefined {
    return this.data.accounts[appId];
  }

  /** Merges `fields` into a post's entry for an account and saves: once resolved, the entry is on disk. */
  async recordPost(appId: string, source: string, fields: Partial<LockPost>): Promise<LockPost> {
    const posts = this.account(appId).posts;
    const entry: LockPost = { ...(posts[source] ?? { status: 'draft', updatedAt: '' }), ...fields };
    posts[source] = entry;
    await this.save();
    return entry;
  }

  /** Replaces a post's entry for an account (nothing of the old entry is kept) and saves. */
  async replacePost(appId: string, source: string, entry: LockPost): Promise<LockPost> {
    this.account(appId).posts[source] = entry;
    await this.save();
    return entry;
  }

  /**
   * Before a draft/add: the entry without a media_id, with a pending marker. A crash between WeChat's answer and the
   * save of `recordDraft` leaves the marker, and the next run finds the draft (`findPendingDraft`) instead of adding a
   * second one.
   */
  markPending(appId: string, source: string, fields: Partial<LockPost>, pending: LockPending): Promise<LockPost> {
    return this.recordPost(appId, source, { ...fields, mediaId: undefined, payloadHash: undefined, pending });
  }

  /** After a draft/add or draft/update: the draft's media_id and what was sent; any pending marker is cleared. */
  recordDraft(appId: string, source: string, mediaId: string, fields: Partial<LockPost>): Promise<LockPost> {
    return this.recordPost(appId, source, { ...fields, mediaId, pending: undefined });
  }

  /** A draft of an interrupted draft/add, found in the draft box: adopted, its payload unknown (the next sync updates it). */
  adoptDraft(appId: string, source: string, mediaId: string): Promise<LockPost> {
    return this.recordPost(appId, source, { mediaId, payloadHash: undefined, pending: undefined });
  }

  serialize(): string {
    const data = this.data;
    // Drop empty pending maps so that a clean lock has no noise.
    for (const account of Object.values(data.accounts)) {
      if (account.pendingUploads && Object.keys(account.pendingUploads).length === 0) delete account.pendingUploads;
    }
    return `${stableStringify(data, 2)}\n`;
  }

  /**
   * Persists the current state. Concurrent calls are serialized and coalesced: a write that starts after a change
   * includes it, so awaiting `save()` guarantees that everything changed before the call is on disk.
   */
  save(): Promise<void> {
    this.dirty = true;
    const run = this.chain.then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      await writeFileAtomic(this.file, this.serialize());
      this.writes++;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }
}
