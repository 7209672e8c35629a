/**
 * End-to-end check of the preview page in headless Chromium: runs `wxmp build` on the sample posts as a process,
 * opens the index page from disk (file://), and checks that every post's phone frame rendered with its title,
 * that local images loaded, that nothing overflows the phone column, and that the console stayed clean.
 * Screenshots go to test/.tmp/ (git-ignored).
 *
 * Chromium is Debian's (`apt-get install chromium`; CI's .ci/run installs it). Without it the suite is skipped
 * locally with a message, and fails in CI.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuildJson } from '../helpers/cli.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tmpRoot = path.join(repo, 'test/.tmp');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const THEMES = ['default', 'github', 'ink', 'night-code'];

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && !process.env.CI) {
  console.warn(`[preview browser test] skipped: ${CHROMIUM} not found. Install it with: apt-get update && apt-get install -y chromium`);
}

interface BuiltPost {
  source: string;
  title: string;
  output: string;
}

/** Runs `wxmp build --json` on the repo's sample posts into `out`; returns the posts it rendered. */
async function build(out: string, theme?: string): Promise<BuiltPost[]> {
  rmSync(out, { recursive: true, force: true });
  // Exit code 1 ("a post has an error", which the sample posts may show on purpose) is still a build.
  const report = await runBuildJson<{ posts: (BuiltPost & { skipped?: boolean })[] }>(['--root', repo, '--out', out, ...(theme ? ['--theme', theme] : [])]);
  return report.posts.filter((p) => !p.skipped);
}

interface PageProblems {
  console: string[];
  failedRequests: string[];
}

async function open(browser: Browser, file: string): Promise<{ page: Page; problems: PageProblems }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const problems: PageProblems = { console: [], failedRequests: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') problems.console.push(message.text());
  });
  page.on('pageerror', (error) => problems.console.push(String(error)));
  page.on('requestfailed', (request) => problems.failedRequests.push(request.url()));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, problems };
}

describe.skipIf(!haveChromium && !process.env.CI)('preview page in headless Chromium', () => {
  let browser: Browser;
  const out = path.join(tmpRoot, 'preview');
  let posts: BuiltPost[] = [];

  beforeAll(async () => {
    if (!existsSync(path.join(repo, 'dist/cli/main.js'))) {
      throw new Error('dist/ is missing: run `npm run compile` (npm test does it first)');
    }
    mkdirSync(tmpRoot, { recursive: true });
    posts = await build(out);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('builds at least one post', () => {
    expect(posts.length).toBeGreaterThan(0);
    expect(existsSync(path.join(out, 'index.html'))).toBe(true);
  });

  it('shows every post in its own phone-width frame, with its title and a non-empty article', async () => {
    const { page, problems } = await open(browser, path.join(out, 'index.html'));
    try {
      expect(await page.title()).toMatch(/wxmp preview/);
      const frames = await page.$$eval('.pv-frame', (nodes) =>
        nodes.map((node) => {
          const screen = node.querySelector('.pv-screen') as HTMLElement;
          const article = node.querySelector('.pv-article') as HTMLElement;
          return {
            source: node.getAttribute('data-source'),
            title: node.querySelector('.pv-title')?.textContent ?? '',
            width: screen.getBoundingClientRect().width,
            text: article.innerText.trim().length,
            height: article.getBoundingClientRect().height,
            // Anything wider than the phone column (code blocks and tables scroll inside their own box).
            overflow: article.scrollWidth - article.clientWidth,
          };
        }),
      );
      expect(frames.map((f) => f.source).sort()).toEqual(posts.map((p) => p.source).sort());
      for (const post of posts) {
        const frame = frames.find((f) => f.source === post.source)!;
        expect(frame.title, post.source).toBe(post.title || post.source);
        expect(frame.width, post.source).toBeGreaterThanOrEqual(375);
        expect(frame.width, post.source).toBeLessThanOrEqual(414);
        expect(frame.text, post.source).toBeGreaterThan(20);
        expect(frame.height, post.source).toBeGreaterThan(100);
        expect(frame.overflow, `${post.source} overflows the phone column`).toBeLessThanOrEqual(1);
      }
      expect(problems.console).toEqual([]);
      expect(problems.failedRequests).toEqual([]);
      await page.screenshot({ path: path.join(tmpRoot, 'preview-default.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });

  it('loads every local image', async () => {
    const { page, problems } = await open(browser, path.join(out, 'index.html'));
    try {
      const images = await page.$$eval('.pv-article img', (nodes) =>
        (nodes as HTMLImageElement[]).map((img) => ({ src: img.getAttribute('src') ?? '', complete: img.complete, width: img.naturalWidth })),
      );
      const local = images.filter((img) => !/^(https?:)?\/\//.test(img.src) && !img.src.startsWith('data:'));
      expect(local.length).toBeGreaterThan(0);
      for (const img of local) expect(img.width, `image ${img.src} did not load`).toBeGreaterThan(0);
      expect(problems.failedRequests).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('links each frame to a post page that renders on its own', async () => {
    const { page } = await open(browser, path.join(out, 'index.html'));
    const hrefs = await page.$$eval('.pv-frame .pv-open', (links) => links.map((a) => a.getAttribute('href') ?? ''));
    await page.close();
    expect(hrefs.length).toBe(posts.length);
    const first = await open(browser, path.join(out, decodeURIComponent(hrefs[0]!)));
    try {
      expect(await first.page.$$eval('.pv-frame', (nodes) => nodes.length)).toBe(1);
      expect((await first.page.innerText('.pv-article')).trim().length).toBeGreaterThan(20);
      expect(first.problems.console).toEqual([]);
    } finally {
      await first.page.close();
    }
  });

  it.each(THEMES.filter((t) => t !== 'default'))('renders the posts with theme %s', async (theme) => {
    const themeOut = path.join(tmpRoot, `preview-${theme}`);
    const built = await build(themeOut, theme);
    expect(built.length).toBe(posts.length);
    const { page, problems } = await open(browser, path.join(themeOut, 'index.html'));
    try {
      const frames = await page.$$eval('.pv-article', (nodes) =>
        nodes.map((n) => ({ text: (n as HTMLElement).innerText.trim().length, overflow: n.scrollWidth - n.clientWidth })),
      );
      expect(frames).toHaveLength(posts.length);
      for (const frame of frames) {
        expect(frame.text).toBeGreaterThan(20);
        expect(frame.overflow).toBeLessThanOrEqual(1);
      }
      expect(problems.console).toEqual([]);
      await page.screenshot({ path: path.join(tmpRoot, `preview-${theme}.png`), fullPage: true });
    } finally {
      await page.close();
    }
  }, 60_000);
});
