#!/usr/bin/env node
// npm run bench:sync [-- --posts 200 --images 60 --latency 20 --noop 1000 --concurrency 4]
//
// Runs the compiled CLI (`node bin/wxmp.js sync`) as a process against the in-process emulator and prints:
//  1. a first sync of N posts / M images with injected latency: requests made vs the lower bound
//     (1 token + unique images + covers + posts), wall time vs requests ÷ concurrency × latency;
//  2. a no-op resync of 1,000 posts: requests (must be 0) and wall time (target < 1 s);
//  3. a one-post edit: requests (1 draft/update plus its new images, plus the token).
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { startEmulator } = await import(path.join(repo, 'dist/index.js'));

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []),
);
const N = Number(args.posts ?? 200);
const M = Number(args.images ?? 60);
const LATENCY = Number(args.latency ?? 20);
const NOOP = Number(args.noop ?? 1000);
const CONCURRENCY = Number(args.concurrency ?? 4);
const APP = { appId: 'wxbench00000000001', appSecret: 'bench-secret-0123456789abcdef0123' };
const work = path.join(tmpdir(), `wxmp-bench-sync-${process.pid}`);

async function image(seed, width = 120) {
  const c = (k) => (seed * k) % 256;
  return sharp({ create: { width, height: 80, channels: 3, background: { r: c(53), g: c(97), b: c(151) } } }).png().toBuffer();
}

/** N posts using M distinct body images (each post: 2 images from the pool) and one cover per 10 posts. */
async function makeRepo(dir, posts, images) {
  mkdirSync(path.join(dir, 'posts', 'img'), { recursive: true });
  for (let i = 0; i < images; i++) writeFileSync(path.join(dir, 'posts', 'img', `p${i}.png`), await image(i + 1));
  const covers = Math.ceil(posts / 10);
  for (let c = 0; c < covers; c++) writeFileSync(path.join(dir, 'posts', 'img', `cover${c}.png`), await image(10_000 + c));
  for (let i = 0; i < posts; i++) writeFileSync(path.join(dir, 'posts', `post-${String(i).padStart(4, '0')}.md`), post(i, images));
  return { covers };
}

function post(i, images, extra = '') {
  return `---\ntitle: 基准测试文章 ${i}\ncover: ./img/cover${Math.floor(i / 10)}.png\n---\n\n## 第 ${i} 篇\n\n这是一段中文正文，混有 English 和 \`code\`，还有一个[链接](https://example.com/${i})。\n\n![图一](./img/p${i % images}.png)\n\n- 列表一\n  - 嵌套\n\n\`\`\`js\nconsole.log(${i});\n\`\`\`\n\n![图二](./img/p${(i * 7 + 3) % images}.png)\n${extra}`;
}

function run(root, emulator) {
  const env = { ...process.env, WXMP_API_BASE: emulator.url, WECHAT_APP_ID: APP.appId, WECHAT_APP_SECRET: APP.appSecret, XDG_CACHE_HOME: path.join(work, 'cache'), NO_COLOR: '1' };
  for (const k of Object.keys(env)) if (/^GITHUB_/.test(k)) delete env[k];
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repo, 'bin/wxmp.js'), 'sync', '--root', root, '--json', '--concurrency', String(CONCURRENCY)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) return reject(new Error(`sync exited ${code}: ${err.slice(-2000)}`));
      resolve({ ms, report: JSON.parse(out) });
    });
  });
}

const requestsOf = (emulator) => emulator.control.requests().length;
const byPath = (emulator) => Object.entries(emulator.control.requestCounts()).map(([p, n]) => `${p.replace('/cgi-bin/', '')} ${n}`).join(', ');
const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
console.log(`wxmp sync benchmark — Node ${process.version}, ${CONCURRENCY} concurrent requests, CLI run as a process\n`);

// 1. First sync with latency.
{
  const root = path.join(work, 'first');
  const { covers } = await makeRepo(root, N, M);
  const emulator = await startEmulator({ accounts: [APP], faults: { latencyMs: LATENCY } });
  const { ms, report } = await run(root, emulator);
  const requests = requestsOf(emulator);
  const lower = 1 + M + covers + N;
  const ideal = (requests / CONCURRENCY) * LATENCY;
  console.log(`1. First sync: ${N} posts, ${M} distinct images, ${covers} covers, ${LATENCY} ms latency per request`);
  console.log(`   created ${report.summary.CREATED}, failed ${report.summary.FAILED}`);
  console.log(`   requests: ${requests} (lower bound 1 token + ${M} images + ${covers} covers + ${N} drafts = ${lower}) — ${byPath(emulator)}`);
  console.log(`   wall time: ${fmt(ms)} (requests ÷ concurrency × latency = ${fmt(ideal)}; ratio ${(ms / ideal).toFixed(2)})\n`);
  await emulator.close();
}

// 2 and 3. No-op resync of 1,000 posts, then a one-post edit.
{
  const root = path.join(work, 'noop');
  await makeRepo(root, NOOP, M);
  const emulator = await startEmulator({ accounts: [APP] });
  const first = await run(root, emulator);
  console.log(`2. No-op resync of ${NOOP} posts (after a first sync of them: ${fmt(first.ms)})`);
  emulator.control.resetRequests();
  const times = [];
  let report;
  for (let i = 0; i < 3; i++) {
    const r = await run(root, emulator);
    times.push(r.ms);
    report = r.report;
  }
  times.sort((a, b) => a - b);
  console.log(`   unchanged ${report.summary.UNCHANGED} of ${NOOP}; requests: ${requestsOf(emulator)} (must be 0)`);
  console.log(`   wall time (whole CLI process, best/median of 3): ${fmt(times[0])} / ${fmt(times[1])} (target < 1 s)\n`);

  const newImage = path.join(root, 'posts', 'img', 'edit.png');
  writeFileSync(newImage, await image(424242, 121)); // a width no other image has: new bytes, a real upload
  const edited = Math.floor(NOOP / 2);
  writeFileSync(path.join(root, 'posts', `post-${String(edited).padStart(4, '0')}.md`), post(edited, M, '\n新增的一段。\n\n![新图](./img/edit.png)\n'));
  emulator.control.resetRequests();
  const edit = await run(root, emulator);
  console.log(`3. One-post edit (one new image) among ${NOOP} posts (the access token is still cached from the first sync)`);
  console.log(`   updated ${edit.report.summary.UPDATED}; requests: ${requestsOf(emulator)} — ${byPath(emulator)}`);
  console.log(`   wall time: ${fmt(edit.ms)}`);
  await emulator.close();
}
rmSync(work, { recursive: true, force: true });
