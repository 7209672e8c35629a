/**
 * The scroll-hint estimates against a real layout (docs/themes.md, "Scroll hints"): the golden fixtures of
 * test/fixtures/scroll-hints/ are built as posts with `wxmp build` (the compiled CLI, as a process), once per shipped
 * theme, and opened in headless Chromium in the preview's 375 px phone frames. For every box that scrolls sideways
 * (computed `overflow-x: auto`), a hint must follow exactly when the box is wider than the screen, and no element
 * may stick out of the 375 px screen (wide content scrolls inside its own box).
 *
 * Chromium is Debian's (`apt-get install chromium`), as in preview.test.ts; without it the suite is skipped locally.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixtures = path.join(repo, 'test/fixtures/scroll-hints');
const CHROMIUM = '/usr/bin/chromium';
const THEMES = ['default', 'github', 'ink', 'night-code'];
const HINTS = ['左右滑动查看 →', 'Scroll sideways →'];

const haveChromium = existsSync(CHROMIUM);

/** A posts repo holding every fixture case that renders with the default settings (no options.json). */
function fixtureRepo(root: string): string[] {
  rmSync(root, { recursive: true, force: true });
  mkdirSync(path.join(root, 'posts'), { recursive: true });
  writeFileSync(path.join(root, 'wxmp.config.json'), '{}\n');
  const cases = readdirSync(fixtures).filter((name) => !existsSync(path.join(fixtures, name, 'options.json')));
  for (const name of cases) cpSync(path.join(fixtures, name, 'input.md'), path.join(root, 'posts', `${name}.md`));
  return cases;
}

interface Box {
  tag: string;
  text: string;
  overflows: boolean;
  hinted: boolean;
}

interface Frame {
  source: string;
  boxes: Box[];
  /** Elements whose right edge passes the screen's, outside any scroll box. */
  outside: string[];
}

describe.skipIf(!haveChromium && !process.env.CI)('scroll hints in headless Chromium at 375 px', () => {
  let browser: Browser;
  const root = path.join(repo, 'test/.tmp/scroll-hints-repo');
  let cases: string[] = [];

  beforeAll(async () => {
    if (!existsSync(path.join(repo, 'dist/cli/main.js'))) throw new Error('dist/ is missing: run `npm run compile`');
    cases = fixtureRepo(root);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it.each(THEMES)('theme %s: a hint under exactly the boxes wider than the screen, nothing sticks out', async (theme) => {
    const out = path.join(root, `out-${theme}`);
    await run(process.execPath, [path.join(repo, 'bin/wxmp.js'), 'build', '--root', root, '--out', out, '--theme', theme, '--json'], { cwd: root });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    try {
      await page.goto(pathToFileURL(path.join(out, 'index.html')).href, { waitUntil: 'load' });
      const frames: Frame[] = await page.$$eval('.pv-frame', (nodes, hints) => nodes.map((node) => {
        const screen = (node.querySelector('.pv-screen') as HTMLElement).getBoundingClientRect();
        const article = node.querySelector('.pv-article') as HTMLElement;
        const all = Array.from(article.querySelectorAll('*')) as HTMLElement[];
        const scrollers = all.filter((el) => getComputedStyle(el).overflowX === 'auto');
        const boxes = scrollers.map((el) => {
          let hinted = false;
          for (let up: HTMLElement | null = el, k = 0; up && up !== article && k < 4; up = up.parentElement, k++) {
            if (hints.includes(up.nextElementSibling?.textContent ?? '')) hinted = true;
          }
          return { tag: el.tagName, text: el.textContent ?? '', overflows: el.scrollWidth > el.clientWidth + 1, hinted };
        });
        const outside = all
          .filter((el) => !scrollers.some((box) => box !== el && box.contains(el)))
          .filter((el) => el.getBoundingClientRect().right > screen.right + 1)
          .map((el) => `${el.tagName} ${(el.textContent ?? '').slice(0, 30)}`);
        return { source: node.getAttribute('data-source') ?? '', boxes, outside };
      }), HINTS);
      expect(frames.map((f) => path.basename(f.source, '.md')).sort()).toEqual([...cases].sort());
      // Without a CJK font (a bare CI image) Chinese shows as narrow boxes, not 1em glyphs: those boxes prove nothing.
      const cjkFont = await page.evaluate(() => {
        const probe = document.createElement('span');
        probe.style.cssText = 'font-size:20px;white-space:nowrap';
        probe.textContent = '中文中文中';
        document.body.append(probe);
        const width = probe.getBoundingClientRect().width;
        probe.remove();
        return width >= 95;
      });
      const wrong: string[] = [];
      let checked = 0;
      for (const frame of frames) {
        expect(frame.outside, `${frame.source}: sticks out of the 375 px screen`).toEqual([]);
        expect(frame.boxes.length, frame.source).toBeGreaterThan(0);
        for (const box of frame.boxes) {
          if (!cjkFont && /[\u3000-\u9fff\uff00-\uffef]/.test(box.text)) continue;
          checked++;
          if (box.hinted !== box.overflows) wrong.push(`${frame.source}: ${box.tag} "${box.text}" overflows=${box.overflows} hinted=${box.hinted}`);
        }
      }
      expect(wrong).toEqual([]);
      expect(checked).toBeGreaterThanOrEqual(cjkFont ? 20 : 10);
    } finally {
      await page.close();
    }
  }, 60_000);
});
