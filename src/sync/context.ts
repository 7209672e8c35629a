/**
 * What the sync stages share: the run's context (one account session, the caches, the options) and the result of a
 * post for one account. Each stage in `stages/` takes the context and the post's data and returns data; none keeps
 * state of its own.
 */
import type { AccountSession } from '../account/session.js';
import type { Problem } from '../util/messages.js';
import { isError } from '../util/messages.js';
import type { RenderPool } from '../render/pool.js';
import { WeChatError, WeChatTransportError } from '../wechat/errors.js';
import type { PostMeta } from '../content/post.js';
import type { FileHashCache } from './file-hashes.js';
import { ImageSourceError, type Downloader } from './image-source.js';
import type { VerifyReport } from './verify.js';

export type SyncStatus = 'CREATED' | 'UPDATED' | 'UNCHANGED' | 'SKIPPED' | 'FAILED';

export interface PostResult {
  source: string;
  /** Account name (config `accounts`), `default` or `sandbox`. */
  account: string;
  appId?: string;
  status: SyncStatus;
  title?: string;
  mediaId?: string;
  /** Why, in a few words: `draft was deleted in WeChat: created a new one`, `draft: true`… */
  note?: string;
  images: { uploaded: number; reused: number; bytes: number };
  cover?: 'uploaded' | 'reused';
  /** Lint messages and the error, as file:line:column messages. */
  messages: Problem[];
  error?: SyncError;
  verify?: VerifyReport;
  /** Dry run: the images that would be uploaded. */
  pendingUploads?: { count: number; bytes: number };
  /** Plan only: remote images (and cover) the sync would download first; a plan makes no network access. */
  pendingDownloads?: number;
  /** With `collectImages`: each image URL in the draft → the original bytes (for sandbox previews). */
  imageBytes?: Map<string, Buffer>;
}

/** Why a post failed for an account: the WeChat errcode and errmsg verbatim when there is one, and what to do. */
export interface SyncError {
  message: string;
  errcode?: number;
  errmsg?: string;
  hint?: string;
  line?: number;
  column?: number;
}

export type SyncEvent =
  | { type: 'start'; total: number }
  | { type: 'post'; source: string; phase: 'check' | 'render' | 'upload' | 'draft' | 'verify' }
  | { type: 'result'; result: PostResult; done: number; total: number };

export interface SyncOptions {
  /** Render every post and send every draft again (draft/update), even when nothing changed. */
  force?: boolean;
  /** Read every written draft back and report what WeChat changed. */
  verify?: boolean;
  /** Render on worker threads (the renderer loads only when a post needs rendering: a no-op sync never pays for it). */
  renderPool?: RenderPool;
  /** Keep each written draft's image bytes by URL in the result (sandbox previews). */
  collectImages?: boolean;
  /** Posts in flight at once (default: config `concurrency`). */
  concurrency?: number;
  onEvent?: (event: SyncEvent) => void;
}

/** The run's shared context, built once by the engine. A read-only session makes the run a plan. */
export interface SyncContext {
  session: AccountSession;
  hashes: FileHashCache;
  downloader: Downloader;
  options: SyncOptions;
  /** The version hash of a post's theme and code theme (postThemeVersion; cached: each is read once per run). */
  themeVersion(meta: Pick<PostMeta, 'theme' | 'code_theme'>): Promise<string>;
  /** Hash of the config keys that change the payload (part of every fingerprint). */
  configHash: string;
}

/** Sends a progress event, if anyone listens. */
export function emit(ctx: SyncContext, event: SyncEvent): void {
  ctx.options.onEvent?.(event);
}

/** The first error of a post, with its position: the row of the final table points at it. */
export function firstError(messages: Problem[]): SyncError {
  const error = messages.find(isError);
  if (!error) return { message: 'invalid post' };
  return { message: error.reason, line: error.line ?? undefined, column: error.column ?? undefined };
}

export function describeError(error: unknown): SyncError {
  if (error instanceof WeChatError) {
    return { message: `errcode ${error.errcode}: ${error.errmsg}`, errcode: error.errcode, errmsg: error.errmsg, hint: error.hint };
  }
  if (error instanceof WeChatTransportError) return { message: error.message.split('\n')[0]!, hint: error.hint };
  if (error instanceof ImageSourceError) return { message: error.message, line: error.ref.line, column: error.ref.column };
  if (error instanceof Error) return { message: error.message.split('\n')[0]! };
  return { message: String(error) };
}
