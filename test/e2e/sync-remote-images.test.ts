/**
 * Remote images (on hosts other than WeChat's) during sync and plan, against a local image server and the emulator:
 * downloaded once per URL, never by a plan, and an unreachable host is not asked again for every image it serves. The
 * image server is on 127.0.0.1, which a post may only reach when the config allow-lists it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { makeImage, makeRepo } from '../helpers/repo.js';

const APP = { appId: 'wxe2e0000000000003', appSecret: 'remote-images-secret-0123456789' };

let emulator: RunningEmulator;
let server: Server;
let origin: string;
let cacheHome: string;
const hits: string[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ accounts: [APP] });
  cacheHome = mkdtempSync(path.join(tmpdir(), 'wxmp-cache-'));
  const logo = await makeImage(42, 'png', 120, 60);
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/logo.png') res.writeHead(200, { 'content-type': 'image/png' }).end(logo);
    else res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  DEAD = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise((resolve) => closed.close(resolve));
});
afterAll(async () => {
  await emulator.close();
  await new Promise((resolve) => server.close(resolve));
  rmSync(cacheHome, { recursive: true, force: true });
});

const env = () => cleanEnv({ WXMP_API_BASE: emulator.url, WECHAT_APP_ID: APP.appId, WECHAT_APP_SECRET: APP.appSecret, XDG_CACHE_HOME: cacheHome });
// A port nothing listens on (taken, then released): connections to it are refused at once.
let DEAD: string;

function post(title: string, ...images: string[]): string {
  return `---\ntitle: ${title}\n---\n\n正文。\n\n${images.map((src) => `![图](${src})`).join('\n\n')}\n`;
}

/** The posts repo, with 127.0.0.1 (the image server's host) allow-listed unless `allowLocal` is false. */
async function repo(allowLocal = true): Promise<string> {
  const root = await makeRepo({
    posts: 0,
    extra: {
      'a.md': post('甲：远程图片', `${origin}/logo.png`),
      'b.md': post('乙：同一张远程图片', `${origin}/logo.png`),
      'c.md': post('丙：主机不可达', `${DEAD}/one.png`),
      'd.md': post('丁：404', `${origin}/gone.png`),
      'e.md': post('戊：同一个不可达主机', `${DEAD}/two.png`),
    },
  });
  if (allowLocal) writeFileSync(path.join(root, 'wxmp.config.mjs'), "export default { remoteImages: { allowHosts: ['127.0.0.1'] } };\n");
  return root;
}

describe('remote images', () => {
  it('plan lists remote images without downloading them', async () => {
    const root = await repo();
    hits.length = 0;
    const result = await runCli(['plan', '--root', root, '--json'], { env: cleanEnv({ XDG_CACHE_HOME: cacheHome }) });
    const report = JSON.parse(result.stdout);
    expect(hits).toEqual([]);
    expect(report.requests).toBe(0);
    const a = report.posts.find((p: { source: string }) => p.source === 'posts/a.md');
    expect(a).toMatchObject({ status: 'CREATED', pendingDownloads: 1 });
    const human = await runCli(['plan', '--root', root], { env: cleanEnv({ XDG_CACHE_HOME: cacheHome }) });
    expect(human.stdout + human.stderr).toMatch(/posts\/a\.md.*1 remote image\(s\) to download first/);
    expect(hits).toEqual([]);
  });

  it('sync downloads each URL once, reports failures at their line, and gives up on a dead host once', async () => {
    const root = await repo();
    hits.length = 0;
    emulator.control.resetRequests();
    const result = await runCli(['sync', '--root', root, '--json', '--concurrency', '1'], { env: env() });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    const byPost = Object.fromEntries(report.posts.map((p: { source: string }) => [p.source, p]));
    expect(byPost['posts/a.md'].status).toBe('CREATED');
    expect(byPost['posts/b.md'].status).toBe('CREATED');
    // Two posts, one download; the bytes are uploaded once as a body image and once as the (shared) cover.
    expect(hits.filter((url) => url === '/logo.png')).toHaveLength(1);
    expect(emulator.control.requests().filter((r) => r.path === '/cgi-bin/media/uploadimg')).toHaveLength(1);
    const dead = DEAD.replace('http://', '');
    expect(byPost['posts/c.md'].error).toMatchObject({ line: 7, message: `Cannot download image \`${DEAD}/one.png\`: ECONNREFUSED` });
    expect(byPost['posts/d.md'].error).toMatchObject({ line: 7, message: expect.stringMatching(/HTTP 404/) });
    expect(byPost['posts/e.md'].error).toMatchObject({
      line: 7,
      message: `Cannot download image \`${DEAD}/two.png\`: ECONNREFUSED (host ${dead} failed earlier in this run)`,
    });
  });

  it('refuses an image on a loopback address without the allow-list, at its line, without asking the server', async () => {
    const root = await makeRepo({ posts: 0, extra: { 'local.md': post('己：本机图片', `${origin}/x.png`) } });
    hits.length = 0;
    const result = await runCli(['sync', '--root', root, '--json'], { env: env() });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    const refusal =
      `Refused to download image \`${origin}/x.png\`: 127.0.0.1 is a loopback address ` +
      '(posts may not reach internal addresses; allow a host with remoteImages.allowHosts in wxmp.config.ts)';
    expect(report.posts).toEqual([expect.objectContaining({ source: 'posts/local.md', error: expect.objectContaining({ line: 7, message: refusal }) })]);
    const human = await runCli(['sync', '--root', root], { env: env() });
    expect(human.code).toBe(1);
    expect(human.stdout + human.stderr).toContain(`posts/local.md:7`);
    expect(human.stdout + human.stderr).toContain(refusal);
    expect(hits).toEqual([]);
  });
});
