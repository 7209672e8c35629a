#!/usr/bin/env node
/**
 * README screenshots: builds one of the repo's sample posts with `wxmp build` (the compiled CLI: run `npm run compile`
 * first) and writes docs/images/post-light.png and docs/images/post-dark.png — the post as a 375 px phone shows it
 * (WeChat's 16 px side margins, device scale 2), cropped to its first 1600 CSS px. Dark is the dev studio's simulation
 * (docs/dev.md): `filter: invert(.88) hue-rotate(180deg)` on the article over WeChat's dark page (#191919), images
 * inverted back.
 *
 *   node scripts/screenshots.mjs [--post posts/hello-wxmp.md] [--theme default]
 *
 * Needs Chromium at /usr/bin/chromium (or CHROMIUM=…) and playwright-core (a dev dependency). The PNGs are
 * re-encoded with sharp as palette PNGs to stay small.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { chromium } from 'playwright-core';
import sharp from 'sharp';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { post: { type: 'string', default: 'posts/hello-wxmp.md' }, theme: { type: 'string', default: 'default' } } });
const WIDTH = 375;
const HEIGHT = 1600;
const SCALE = 2;
const out = path.join(repo, 'test/.tmp/screenshots');
const images = path.join(repo, 'docs/images');

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
mkdirSync(images, { recursive: true });

let stdout;
try {
  ({ stdout } = await promisify(execFile)(process.execPath, [path.join(repo, 'bin/wxmp.js'), 'build', '--root', repo, values.post, '--out', out, '--theme', values.theme, '--no-cache', '--json'], { cwd: repo, maxBuffer: 64 * 1024 * 1024 }));
} catch (error) {
  // Exit code 1 is a lint error in the post; its HTML is still written.
  if (error.code !== 1 || !error.stdout) throw error;
  stdout = error.stdout;
}
const post = JSON.parse(stdout).posts[0];
if (!post?.output) throw new Error(`nothing built for ${values.post}`);
const html = readFileSync(path.resolve(repo, post.output), 'utf8');
const escape = (s) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** WeChat's reading page: the title, then the article with 16 px side margins; dark as the dev studio draws it. */
function page(dark) {
  return `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=${WIDTH}"><style>
body{margin:0;background:${dark ? '#191919' : '#fff'}}
.head{padding:20px 16px 4px}
.title{margin:0 0 12px;font:700 22px/1.4 -apple-system,BlinkMacSystemFont,"Helvetica Neue","PingFang SC","Microsoft YaHei",Arial,sans-serif;color:${dark ? '#d4d4d4' : '#222'}}
.article{padding:8px 16px 32px}
${dark ? '.article{filter:invert(.88) hue-rotate(180deg)} .article img{filter:invert(1) hue-rotate(180deg)}' : ''}
</style></head><body><header class="head"><h1 class="title">${escape(post.title ?? '')}</h1></header><div class="article">${html}</div></body></html>`;
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
try {
  for (const mode of ['light', 'dark']) {
    const file = path.join(out, `page-${mode}.html`);
    writeFileSync(file, page(mode === 'dark'));
    const tab = await browser.newPage({ viewport: { width: WIDTH, height: HEIGHT }, deviceScaleFactor: SCALE });
    await tab.route(/^https?:/, (route) => route.abort());
    await tab.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const cjk = await tab.evaluate(() => {
      const probe = Object.assign(document.createElement('span'), { textContent: '中文中文中' });
      probe.style.cssText = 'font-size:20px;white-space:nowrap';
      document.body.append(probe);
      const width = probe.getBoundingClientRect().width;
      probe.remove();
      return width >= 95;
    });
    if (!cjk && mode === 'light') console.warn('warning: no CJK font installed (e.g. fonts-noto-cjk): Chinese text shows as boxes');
    const png = await tab.screenshot({ clip: { x: 0, y: 0, width: WIDTH, height: HEIGHT } });
    await tab.close();
    const target = path.join(images, `post-${mode}.png`);
    await sharp(png).png({ palette: true, quality: 90, compressionLevel: 9, effort: 10 }).toFile(target);
    console.log(`${path.relative(repo, target)}  ${Math.round(statSync(target).size / 1024)} KB`);
  }
} finally {
  await browser.close();
}
