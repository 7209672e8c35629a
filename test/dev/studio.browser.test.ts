/**
 * `wxmp dev` in headless Chromium: the server runs in-process on a copy of the sample posts; the pages are opened in
 * Debian's chromium (as test/browser/preview.test.ts). Checks: the index lists every post and follows a change on
 * disk; saving a post swaps the article without a reload (a window marker survives); the copy button puts text/html
 * with inline styles on the clipboard; the theme picker changes the styles; no console error; no request leaves the
 * bound host. Plus the server's guards over plain HTTP: Host header, token, Origin, paths out of the root.
 */
import { appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../src/dev/server.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && !process.env.CI) console.warn(`[dev browser test] skipped: ${CHROMIUM} not found (apt-get install -y chromium)`);

function raw(server: DevServer, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe.skipIf(!haveChromium && !process.env.CI)('wxmp dev in headless Chromium', () => {
  const root = path.join(repo, 'test/.tmp', `dev-${process.pid}`);
  let server: DevServer;
  let browser: Browser;
  let context: BrowserContext;
  const consoleErrors: string[] = [];
  const foreignRequests: string[] = [];

  beforeAll(async () => {
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
    cpSync(path.join(repo, 'posts'), path.join(root, 'posts'), { recursive: true });
    cpSync(path.join(repo, 'wxmp.config.ts'), path.join(root, 'wxmp.config.ts'));
    // No credentials from the developer's environment: the sandbox.
    delete process.env.WECHAT_APP_ID;
    delete process.env.WECHAT_APP_SECRET;
    server = await startDevServer({ root, port: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    context = await browser.newContext({ viewport: { width: 1300, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: `http://127.0.0.1:${server.port}` });
    const bound = `127.0.0.1:${server.port}`;
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.host === bound || url.protocol === 'data:') return route.continue();
      foreignRequests.push(url.href);
      return route.abort();
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  async function open(url: string): Promise<Page> {
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`${url}: ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleErrors.push(`${url}: ${String(e)}`));
    await page.goto(url, { waitUntil: 'load' });
    return page;
  }

  it('lists every post with its status, and follows a change on disk', async () => {
    const page = await open(server.url);
    const rows = await page.$$eval('#posts tr', (trs) => trs.map((tr) => ({ source: tr.getAttribute('data-source'), text: tr.textContent })));
    expect(rows.map((r) => r.source).sort()).toEqual([...server.studio.posts.keys()].sort());
    expect(rows.find((r) => r.source === 'posts/hello-wxmp.md')?.text).toMatch(/new/);
    expect(rows.find((r) => r.source === 'posts/draft-idea.md')?.text).toMatch(/draft/);
    const file = path.join(root, 'posts/service-mesh-notes/index.md');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^title = .*$/m, 'title = "改过的标题 Renamed"'));
    await page.waitForFunction(() => document.querySelector('#posts')!.textContent!.includes('改过的标题 Renamed'), undefined, { timeout: 20_000 });
    await page.close();
  });

  it('swaps the article in place when the post is saved (no reload), keeping the scroll position', async () => {
    const page = await open(`${server.url}post?src=${encodeURIComponent('posts/hello-wxmp.md')}`);
    await page.waitForFunction(() => (window as unknown as { wxmpStudio: { version: number } }).wxmpStudio.version >= 0);
    expect(await page.locator('#article').innerText()).toContain('wxmp');
    expect(await page.locator('#problems li').count()).toBeGreaterThan(0);
    expect(await page.locator('#budget').innerText()).toMatch(/20,000 characters/);
    await page.evaluate(() => {
      (window as unknown as { marker: number }).marker = 4242;
      window.scrollTo(0, 300);
    });
    const marker = `保存后更新-${Date.now()}`;
    appendFileSync(path.join(root, 'posts/hello-wxmp.md'), `\n\n${marker}\n`);
    await page.waitForFunction((m) => document.getElementById('article')!.textContent!.includes(m), marker, { timeout: 20_000 });
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(4242);
    expect(await page.evaluate(() => window.scrollY)).toBe(300);
    await page.close();
  });

  it('copies the article to the clipboard as text/html with inline styles (and text/plain)', async () => {
    const page = await open(`${server.url}post?src=${encodeURIComponent('posts/hello-wxmp.md')}`);
    await page.waitForFunction(() => (window as unknown as { wxmpStudio: { version: number } }).wxmpStudio.version >= 0);
    await page.click('#copy');
    await page.waitForFunction(() => document.getElementById('out')!.textContent!.includes('Copied'));
    const clip = await page.evaluate(async () => {
      const items = await navigator.clipboard.read();
      const item = items[0]!;
      return { types: item.types, html: await (await item.getType('text/html')).text(), text: await (await item.getType('text/plain')).text() };
    });
    expect(clip.types).toEqual(expect.arrayContaining(['text/html', 'text/plain']));
    expect(clip.html).toMatch(/<(section|p|h2)[^>]* style="/);
    expect(clip.html).not.toMatch(/class="/);
    expect(clip.text).toContain('wxmp');
    // No credentials: the page lists the local images that will not survive the paste.
    expect(await page.locator('#images').innerText()).toMatch(/will not survive a paste/);
    expect(await page.locator('#upload').isHidden()).toBe(true);
    await page.close();
  });

  it('switches themes, width and dark mode', async () => {
    const page = await open(`${server.url}post?src=${encodeURIComponent('posts/hello-wxmp.md')}`);
    await page.waitForFunction(() => (window as unknown as { wxmpStudio: { version: number } }).wxmpStudio.version >= 0);
    const styleOf = () => page.$eval('#article', (a) => Array.from(a.querySelectorAll('[style]')).slice(0, 40).map((el) => el.getAttribute('style')).join('|'));
    const before = await styleOf();
    const themes = await page.$$eval('#theme option', (opts) => opts.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
    expect(themes).toEqual(expect.arrayContaining(['default', 'github', 'ink', 'night-code']));
    const updates = await page.evaluate(() => (window as unknown as { wxmpStudio: { updates: number } }).wxmpStudio.updates);
    await page.selectOption('#theme', 'ink');
    await page.waitForFunction((n) => (window as unknown as { wxmpStudio: { updates: number } }).wxmpStudio.updates > n, updates);
    expect(await styleOf()).not.toBe(before);
    expect(page.url()).toContain('theme=ink');
    const width = () => page.$eval('.dv-screen', (s) => s.getBoundingClientRect().width);
    expect(await width()).toBe(375);
    await page.click('#w-desktop');
    expect(await width()).toBe(677);
    await page.check('#dark');
    expect(await page.$eval('#frame', (f) => f.classList.contains('dv-dark'))).toBe(true);
    await page.close();
  });

  it('syncs one post into the sandbox from the page and links to the draft preview', async () => {
    const page = await open(`${server.url}post?src=${encodeURIComponent('posts/service-mesh-notes/index.md')}`);
    await page.waitForFunction(() => (window as unknown as { wxmpStudio: { version: number } }).wxmpStudio.version >= 0);
    await page.click('#sync');
    await page.waitForFunction(() => /CREATED|UPDATED|UNCHANGED|FAILED|Error|error/.test(document.getElementById('out')!.textContent!), undefined, { timeout: 60_000 });
    expect(await page.locator('#out').innerText()).toMatch(/Sandbox sync.*CREATED/s);
    const href = await page.locator('#out a').getAttribute('href');
    expect(href).toMatch(/^\/sandbox\/preview\/.+\.html$/);
    const preview = await raw(server, { path: href!, headers: { host: `127.0.0.1:${server.port}` } });
    expect(preview.status).toBe(200);
    await page.waitForFunction(() => document.getElementById('status')!.textContent === 'in sync', undefined, { timeout: 20_000 });
    await page.close();
  }, 90_000);

  it('had no console errors and no request to another host', () => {
    expect(consoleErrors).toEqual([]);
    expect(foreignRequests).toEqual([]);
  });

  it('answers only its own Host, needs the token (and its own Origin) to change anything, serves no file outside the root', async () => {
    const host = `127.0.0.1:${server.port}`;
    expect((await raw(server, { path: '/', headers: { host: `evil.example:${server.port}` } })).status).toBe(421);
    expect((await raw(server, { path: '/', headers: { host } })).status).toBe(200);
    const body = JSON.stringify({ source: 'posts/hello-wxmp.md' });
    const json = { host, 'content-type': 'application/json' };
    expect((await raw(server, { method: 'POST', path: '/api/sync', headers: json, body })).status).toBe(403);
    expect((await raw(server, { method: 'POST', path: '/api/sync', headers: { ...json, 'x-wxmp-token': 'nope' }, body })).status).toBe(403);
    expect((await raw(server, { method: 'POST', path: '/api/upload', headers: { ...json, 'x-wxmp-token': server.token, origin: 'https://evil.example' }, body })).status).toBe(403);
    writeFileSync(path.join(repo, 'test/.tmp', `outside-${process.pid}.png`), 'x');
    symlinkSync(path.join(repo, 'test/.tmp', `outside-${process.pid}.png`), path.join(root, 'posts/link-out.png'));
    for (const p of ['/files/..%2f..%2fpackage.json', '/files/%2e%2e/%2e%2e/package.json', '/files/posts/link-out.png', '/files/.env', '/files/wxmp.config.ts']) {
      expect((await raw(server, { path: p, headers: { host } })).status, p).toBe(404);
    }
    rmSync(path.join(repo, 'test/.tmp', `outside-${process.pid}.png`));
    const img = await raw(server, { path: '/files/posts/images/sync-flow.png', headers: { host } });
    expect(img.status).toBe(200);
  });
});
