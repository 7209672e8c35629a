/**
 * `wxmp dev` with credentials, against the emulator (in-process, no browser): the page's "upload images first" puts
 * the post's images on the account through the sync's uploader, the copied HTML then uses their WeChat URLs, and
 * "sync this post" afterwards reuses every image (no second upload). Statuses follow: new → in sync.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../src/dev/server.js';
import { startEmulator } from '../../src/emulator/index.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const APP = { appId: 'wxdevupload000001', appSecret: 'dev-upload-secret-0123456789abcdef' };

describe('wxmp dev: upload images, copy with WeChat URLs, then sync reuses them', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'wxmp-dev-upload-'));
  const saved = { ...process.env };
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let server: DevServer;

  beforeAll(async () => {
    mkdirSync(path.join(root, 'posts'), { recursive: true });
    cpSync(path.join(repo, 'posts'), path.join(root, 'posts'), { recursive: true });
    cpSync(path.join(repo, 'wxmp.config.ts'), path.join(root, 'wxmp.config.ts'));
    // A code theme: the studio's "in sync" must use the sync's own theme version (postThemeVersion), code theme included.
    const post = path.join(root, 'posts', 'hello-wxmp.md');
    writeFileSync(post, readFileSync(post, 'utf8').replace(/^title: .*$/m, '$&\ncode_theme: github-dark'));
    emulator = await startEmulator({ accounts: [{ ...APP, name: 'dev', verified: true }] });
    Object.assign(process.env, { WECHAT_APP_ID: APP.appId, WECHAT_APP_SECRET: APP.appSecret, WXMP_API_BASE: emulator.url, XDG_CACHE_HOME: path.join(root, '.cache') });
    delete process.env.WXMP_PROXY;
    delete process.env.GITHUB_ACTIONS;
    server = await startDevServer({ root, port: 0, watch: false });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await emulator?.close();
    process.env = saved;
    rmSync(root, { recursive: true, force: true });
  });

  const api = async (p: string, init?: RequestInit) => {
    const res = await fetch(new URL(p, server.url), init);
    return { status: res.status, json: (await res.json()) as Record<string, any> };
  };
  const action = (p: string, source: string) =>
    api(p, { method: 'POST', headers: { 'content-type': 'application/json', 'x-wxmp-token': server.token }, body: JSON.stringify({ source }) });

  it('offers the upload, uploads, and copies WeChat URLs', async () => {
    const source = 'posts/hello-wxmp.md';
    const before = await api(`/api/post?src=${encodeURIComponent(source)}`);
    expect(before.json.copy.canUpload).toBe(true);
    expect(before.json.copy.images.length).toBeGreaterThan(0);
    expect(before.json.copy.images.every((i: { survives: boolean }) => !i.survives)).toBe(true);
    const upload = await action('/api/upload', source);
    expect(upload.status, JSON.stringify(upload.json)).toBe(200);
    expect(upload.json.failed).toEqual([]);
    expect(upload.json.uploaded.length).toBe(before.json.copy.images.length);
    const after = await api(`/api/post?src=${encodeURIComponent(source)}`);
    expect(after.json.copy.images.every((i: { survives: boolean }) => i.survives)).toBe(true);
    for (const image of upload.json.uploaded) expect(after.json.copy.html).toContain(image.url.replace(/&/g, '&amp;'));
    expect(after.json.copy.html).not.toContain('/files/');

    const sync = await action('/api/sync', source);
    expect(sync.status, JSON.stringify(sync.json)).toBe(200);
    expect(sync.json.mode).toBe('live');
    const [result] = sync.json.results;
    expect(result.status).toBe('CREATED');
    expect(result.images.uploaded).toBe(0);
    expect(result.images.reused).toBe(before.json.copy.images.length);
    const index = await api('/api/posts');
    expect(index.json.posts.find((p: { source: string }) => p.source === source).status).toBe('in sync');
  }, 120_000);
});
