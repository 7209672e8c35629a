/**
 * What the dev page can do besides showing: the HTML to copy into the mp.weixin.qq.com editor (images as their mmbiz
 * URLs where they were uploaded), uploading a post's images first, and syncing one post. Uploads and syncs go through
 * an account session exactly as `wxmp sync` does — the same uploader, hash cache, lock file and run lock — so a later
 * sync finds the images already uploaded and the draft current.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { resolveAccounts } from '../account/accounts.js';
import type { AccountSession } from '../account/session.js';
import { resultToJson } from '../cli/sync-report.js';
import { substituteImages } from '../render/placeholders.js';
import type { ImageKind } from '../render/types.js';
import { fileHashCacheFile, syncPosts } from '../sync/engine.js';
import { FileHashCache } from '../sync/file-hashes.js';
import { Downloader, readImage } from '../sync/image-source.js';
import { sandboxPreviewFile, writeSandboxPreview } from '../sync/sandbox.js';
import { fileUrl, type DevRender, type DevStudio } from './studio.js';

export interface CopyImage {
  src: string;
  kind: ImageKind;
  line: number | null;
  /** The URL in the copied HTML. */
  url: string;
  /** Whether the image survives a paste into the WeChat editor (hosted by WeChat). */
  survives: boolean;
  note?: string;
}

export interface CopyPayload {
  html: string;
  images: CopyImage[];
  /** Credentials are configured: the page offers to upload the images first. */
  canUpload: boolean;
}

/** Credentials for a real account are configured (the environment after `.env`, or the config's accounts). */
export function hasCredentials(studio: DevStudio, env: NodeJS.ProcessEnv = process.env): boolean {
  return resolveAccounts(studio.config, env).mode === 'live';
}

/** The article as it should be pasted: uploaded images as their WeChat URLs, the others listed as lost. */
export async function copyPayload(studio: DevStudio, render: DevRender, origin: string): Promise<CopyPayload> {
  const canUpload = hasCredentials(studio);
  const session = canUpload ? await studio.readSession() : undefined;
  let known: ((sha: string) => string | undefined) | undefined;
  if (session && session.mode === 'live') {
    const account = await studio.accountOf(render.source, session);
    if (!('error' in account)) known = (sha) => session.lock.peekAccount(account.appId)?.images[sha]?.url;
  }
  const hashes = new FileHashCache();
  const images: CopyImage[] = [];
  for (const ref of render.refs) {
    let sha: string | undefined;
    if (ref.kind === 'local' && ref.path) sha = await hashes.hash(ref.path);
    else if (ref.kind === 'data') sha = await readImage(ref).then((b) => b.sha256, () => undefined);
    else if (ref.kind === 'remote') sha = studio.remoteShas.get(ref.src);
    const uploaded = sha && known ? known(sha) : undefined;
    const base = { src: ref.kind === 'data' ? `${ref.src.slice(0, 40)}…` : ref.src, kind: ref.kind, line: ref.line ?? null };
    if (uploaded) images.push({ ...base, url: uploaded, survives: true });
    else if (ref.kind === 'local' && ref.path) images.push({ ...base, url: origin + fileUrl(studio.root, ref.path), survives: false, note: 'a file on this machine: the editor cannot reach it' });
    else if (ref.kind === 'remote') images.push({ ...base, url: ref.src, survives: false, note: 'hosted elsewhere: the editor may refuse or fail to fetch it' });
    else images.push({ ...base, url: ref.src, survives: false, note: 'a data: URI: the editor drops it' });
  }
  return { html: substituteImages(render.rendered.html, images.map((i) => i.url)), images, canUpload };
}

export interface UploadReport {
  account: string;
  uploaded: { src: string; url: string; fresh: boolean }[];
  failed: { src: string; line: number | null; message: string }[];
}

/** Opens a writing session like `wxmp sync` (run lock included); throws with a message the page can show. */
async function openWritingSession(studio: DevStudio): Promise<AccountSession> {
  const { openSession } = await import('../account/session.js');
  const session = await openSession({ root: studio.root, config: studio.config });
  try {
    session.acquireRunLock();
  } catch (error) {
    await session.close();
    throw error;
  }
  return session;
}

/** Uploads a post's images with the account's uploader (once per content hash, recorded in the lock). */
export async function uploadImages(studio: DevStudio, source: string): Promise<UploadReport> {
  const render = await studio.render(source);
  if (!render) throw new Error(`unknown post ${source}`);
  if ('error' in render) throw new Error(`the post does not render: ${render.error}`);
  const session = await openWritingSession(studio);
  const hashes = await FileHashCache.load(fileHashCacheFile(studio.root));
  try {
    if (session.mode !== 'live') throw new Error('no WeChat credentials configured: images can only be uploaded to a real account');
    const account = await studio.accountOf(source, session);
    if ('error' in account) throw new Error(account.error);
    const uploader = session.uploader(account);
    const downloader = new Downloader({ ...studio.config.remoteImages, maxBytes: studio.config.limits.imageBytes });
    const report: UploadReport = { account: account.name, uploaded: [], failed: [] };
    for (const ref of render.refs) {
      try {
        const bytes = await readImage(ref, hashes, downloader, studio.config.limits.imageBytes);
        if (ref.kind === 'remote') studio.remoteShas.set(ref.src, bytes.sha256);
        const { image, fresh } = await uploader.bodyImage(bytes, ref);
        report.uploaded.push({ src: ref.src, url: image.url, fresh });
      } catch (error) {
        report.failed.push({ src: ref.src, line: ref.line ?? null, message: error instanceof Error ? error.message : String(error) });
      }
    }
    return report;
  } finally {
    await hashes.save();
    await session.close();
    await studio.refreshStatuses();
  }
}

export interface SyncReportJson {
  mode: 'live' | 'sandbox';
  results: ReturnType<typeof resultToJson>[];
  /** Sandbox: the dev server's URL of the draft's preview page. */
  preview?: string;
}

/** Syncs one post through the engine with the project's session, lock file and messages. */
export async function syncOne(studio: DevStudio, source: string): Promise<SyncReportJson> {
  const state = studio.posts.get(source);
  if (!state) throw new Error(`unknown post ${source}`);
  const session = await openWritingSession(studio);
  try {
    const sandbox = session.mode === 'sandbox';
    const results = await syncPosts([state.file], session, { collectImages: sandbox });
    let preview: string | undefined;
    if (sandbox) {
      const result = results.find((r) => r.mediaId);
      if (result?.mediaId && result.imageBytes && session.sandbox) {
        const { buildPostPage } = await import('../preview/page.js');
        const client = await session.client(session.accounts.get('sandbox')!);
        const file = await writeSandboxPreview(session.sandbox, client, result.mediaId, result.imageBytes, (entry) => buildPostPage({ ...entry, href: '', errors: 0, warnings: 0 }), source);
        preview = `/sandbox/preview/${encodeURIComponent(path.basename(file))}`;
      } else if (result?.mediaId && existsSync(sandboxPreviewFile(path.join(studio.root, '.wxmp', 'sandbox'), source))) {
        const file = sandboxPreviewFile(path.join(studio.root, '.wxmp', 'sandbox'), source);
        preview = `/sandbox/preview/${encodeURIComponent(path.basename(file))}`;
      }
    }
    return { mode: session.mode, results: results.map(resultToJson), ...(preview ? { preview } : {}) };
  } finally {
    await session.close();
    await studio.refreshStatuses();
  }
}
