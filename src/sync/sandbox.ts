import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunningEmulator } from '../emulator/index.js';
import { extensionOf, sniffImageFormat } from '../util/image-type.js';
import type { WeChatClient } from '../wechat/client.js';

/** The sandbox's fixed account: stable ids keep `.wxmp/sandbox/wxmp.lock.json` valid across runs. */
export const SANDBOX_ACCOUNT = { appId: 'wx5andb0x0000wxmp', appSecret: 'wxmp-sandbox-secret-not-a-real-one', name: 'wxmp sandbox' };

export interface Sandbox {
  emulator: RunningEmulator;
  dir: string;
  lockFile: string;
  previewDir: string;
}

/** The preview page of a post's sandbox draft: named after the post (`posts/a/index.md` → `posts--a--index.html`). */
export function sandboxPreviewFile(dir: string, source: string): string {
  return path.join(dir, 'preview', `${source.replace(/\.(md|markdown)$/i, '').replace(/[\\/]+/g, '--')}.html`);
}

/** Where the sandbox keeps its state: `.wxmp/sandbox/` in the posts repo (git-ignored). */
export function sandboxDir(root: string): string {
  return path.join(root, '.wxmp', 'sandbox');
}

/**
 * Starts the embedded emulator for a sync without credentials. Its state (drafts, uploads) persists in
 * `.wxmp/sandbox/emulator`, and its media URLs look like WeChat's (`http://mmbiz.qpic.cn/…`), so they do not depend on
 * the port of a given run.
 */
export async function startSandbox(root: string): Promise<Sandbox> {
  const { startEmulator } = await import('../emulator/index.js');
  const dir = sandboxDir(root);
  await mkdir(dir, { recursive: true });
  const emulator = await startEmulator({
    stateDir: path.join(dir, 'emulator'),
    accounts: [{ ...SANDBOX_ACCOUNT, verified: true, commentPrivilege: true }],
    mediaBaseUrl: 'http://mmbiz.qpic.cn',
    publishDelayMs: 1500,
  });
  return {
    emulator,
    dir,
    lockFile: path.join(dir, 'wxmp.lock.json'),
    previewDir: path.join(dir, 'preview'),
  };
}

/**
 * Writes a phone-width preview of a sandbox draft as WeChat stored it (read back with draft/get), with its images
 * served from local copies, so the link works after the sync (and the embedded emulator) has stopped.
 * `images` maps each uploaded URL to the original bytes.
 */
export async function writeSandboxPreview(
  sandbox: Sandbox,
  client: WeChatClient,
  mediaId: string,
  images: Map<string, Buffer>,
  buildPage: (entry: { title: string; html: string; digest: string; source: string }) => string,
  source: string,
): Promise<string> {
  const { news_item } = await client.draft.get(mediaId);
  const article = news_item[0];
  const mediaDir = path.join(sandbox.previewDir, 'media');
  await mkdir(mediaDir, { recursive: true });
  let html = (article?.content ?? '').replace(/\sdata-src=/g, ' src=');
  for (const [url, data] of images) {
    const ext = extensionOf(sniffImageFormat(data) ?? 'png');
    const name = `${Buffer.from(url).toString('base64url').slice(-24)}.${ext}`;
    await writeFile(path.join(mediaDir, name), data);
    const escaped = url.replace(/&/g, '&amp;');
    html = html.split(escaped).join(`media/${name}`).split(url).join(`media/${name}`);
    const http = url.replace(/^https:/, 'http:');
    html = html.split(http.replace(/&/g, '&amp;')).join(`media/${name}`);
  }
  const file = sandboxPreviewFile(sandbox.dir, source);
  await writeFile(file, buildPage({ title: article?.title ?? source, html, digest: article?.digest ?? '', source }));
  return file;
}
