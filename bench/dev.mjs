// `wxmp dev`: save → updated DOM, in Chromium. Runs `wxmp dev` as a process on a copy of posts/, opens each post's
// page, then appends a unique line to the post N times and measures from just before the write to the moment a
// MutationObserver in the page sees the line in the article (both clocks in epoch ms on this machine).
// Target: median ≤ 150 ms. Usage: npm run compile && node bench/dev.mjs [rounds=8]
import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rounds = Number(process.argv[2] ?? 8);
const root = path.join(repo, 'bench/.tmp/dev');
if (!existsSync(path.join(repo, 'dist/cli/main.js'))) throw new Error('run `npm run compile` first');
rmSync(root, { recursive: true, force: true });
mkdirSync(root, { recursive: true });
cpSync(path.join(repo, 'posts'), path.join(root, 'posts'), { recursive: true });
cpSync(path.join(repo, 'wxmp.config.ts'), path.join(root, 'wxmp.config.ts'));

const env = { ...process.env, NO_COLOR: '1' };
delete env.WECHAT_APP_ID;
delete env.WECHAT_APP_SECRET;
const started = performance.now();
const child = spawn(process.execPath, [path.join(repo, 'bin/wxmp.js'), 'dev', '--root', root, '--port', '0'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  let buffer = '';
  child.stdout.on('data', (chunk) => {
    buffer += chunk;
    const match = /http:\/\/\S+\//.exec(buffer);
    if (match) resolve(match[0]);
  });
  child.once('exit', (code) => reject(new Error(`wxmp dev exited with ${code}`)));
});
console.log(`wxmp dev ready in ${Math.round(performance.now() - started)} ms at ${url}`);

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const all = [];
try {
  const posts = await (await fetch(`${url}api/posts`)).json();
  for (const { source } of posts.posts) {
    const page = await browser.newPage();
    await page.goto(`${url}post?src=${encodeURIComponent(source)}`);
    await page.waitForFunction(() => window.wxmpStudio && window.wxmpStudio.version >= 0);
    const times = [];
    for (let i = 0; i < rounds; i++) {
      const marker = `bench-${i}-${Date.now()}`;
      const seen = page.evaluate(
        (m) =>
          new Promise((resolve) => {
            const article = document.getElementById('article');
            const observer = new MutationObserver(() => {
              if (article.textContent.includes(m)) {
                observer.disconnect();
                resolve(performance.timeOrigin + performance.now());
              }
            });
            observer.observe(article, { childList: true, subtree: true, characterData: true });
          }),
        marker,
      );
      await new Promise((r) => setTimeout(r, 150)); // let the observer attach and the previous round settle
      const t0 = performance.timeOrigin + performance.now();
      appendFileSync(path.join(root, source), `\n\n${marker}\n`);
      const t1 = await seen;
      times.push(t1 - t0);
    }
    all.push(...times);
    console.log(`${source.padEnd(36)} median ${median(times).toFixed(0).padStart(4)} ms  (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)}, n=${times.length})`);
    await page.close();
  }
  const m = median(all);
  console.log(`\nAll posts: median ${m.toFixed(0)} ms over ${all.length} saves — target ≤ 150 ms: ${m <= 150 ? 'met' : 'NOT met'}`);
} finally {
  await browser.close();
  child.kill('SIGTERM');
  rmSync(root, { recursive: true, force: true });
}
