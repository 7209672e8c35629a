#!/usr/bin/env node
// npm run compile && node bench/serve.mjs [-- --duration 5 --connections 20]
//
// Runs `node bin/wxmp.js serve` as a process in front of `wxmp emulator` (a process too), loads it with autocannon (loopback
// only, bounded in time) and prints requests/s, latency and the service's memory (RSS, from /proc) after each phase:
//  1. GET /api/health                   the bare stack (guards, routing, JSON)
//  2. POST /api/render                  Markdown → WeChat HTML, no account
//  3. GET /api/draft/list               through the account session to the emulator
//  4. POST /api/upload/thumb            the same cover again and again (answered from the upload cache)
//  5. malformed JSON                    400s
//  6. oversized JSON (5 MB)             413s, refused from Content-Length before reading
//  7. oversized uploads (12 MB)         413s
//  8. unknown Host (DNS rebinding)      403s
// It fails (exit 1) when the service died, answered a 5xx to bad input, or grew past --max-rss MB.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import sharp from 'sharp';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(path.join(repo, 'dist/cli/main.js'))) {
  console.error('bench/serve.mjs: run `npm run compile` first');
  process.exit(1);
}

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []),
);
const DURATION = Number(args.duration ?? 5);
const CONNECTIONS = Number(args.connections ?? 20);
const MAX_RSS_MB = Number(args['max-rss'] ?? 600);
const APP = { appId: 'wxbench00000000001', appSecret: 'bench-secret-0123456789abcdef0123' };

const work = mkdtempSync(path.join(tmpdir(), 'wxmp-bench-serve-'));
/** Starts `wxmp …` as a process and waits for the URL its banner prints. */
function startWxmp(args, env, pattern) {
  const proc = spawn(process.execPath, [path.join(repo, 'bin/wxmp.js'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  const url = new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no banner from wxmp ${args[0]}:\n${out}\n${err}`)), 30_000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = pattern.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
  return { proc, url, stderr: () => err };
}

// The emulator runs as a process of its own: in this process it would share the event loop with autocannon.
const emu = startWxmp(['emulator', '--port', '0', '--app-id', APP.appId, '--app-secret', APP.appSecret, '--publish-delay', '0'], { ...process.env, NO_COLOR: '1' }, /API base\s+(http:\/\/127\.0\.0\.1:\d+)/);
const emulatorUrl = await emu.url;
const env = { ...process.env, WXMP_API_BASE: emulatorUrl, XDG_CONFIG_HOME: path.join(work, 'config'), XDG_CACHE_HOME: path.join(work, 'cache'), NO_COLOR: '1' };
for (const key of Object.keys(env)) if (/^(WECHAT_|WXMP_SERVE_)/.test(key)) delete env[key];
const served = startWxmp(['serve', '--root', work, '--port', '0', '--quiet'], env, /(http:\/\/127\.0\.0\.1:\d+)\/api\s/);
const child = served.proc;
let exited = false;
child.on('exit', () => (exited = true));
const base = await served.url;

const rssMb = () => {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
};

async function post(pathname, body, headers = { 'content-type': 'application/json' }) {
  const res = await fetch(base + pathname, { method: 'POST', headers, body });
  return res.json();
}
await post('/api/accounts', JSON.stringify({ name: 'bench', appid: APP.appId, secret: APP.appSecret }));
const cover = await sharp({ create: { width: 300, height: 128, channels: 3, background: { r: 200, g: 80, b: 40 } } }).jpeg().toBuffer();
const boundary = 'wxmpbenchboundary';
const multipart = (data, name) =>
  Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`), data, Buffer.from(`\r\n--${boundary}--\r\n`)]);
const first = await post('/api/upload/thumb', multipart(cover, 'cover.jpg'), { 'content-type': `multipart/form-data; boundary=${boundary}` });
if (!first.success) throw new Error(`upload failed: ${JSON.stringify(first)}`);
const rssStart = rssMb();

const markdown = `---\ntitle: 压测\n---\n\n# 标题\n\n${'这是一段正文，含 **粗体**、\`code\` 和[链接](https://example.com)。\n\n'.repeat(20)}\`\`\`js\nconsole.log(1)\n\`\`\`\n`;
const bigPng = Buffer.alloc(12 * 1024 * 1024, 7);
bigPng.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const phases = [
  { name: 'GET /api/health', opts: { path: '/api/health' }, expect: 200 },
  { name: 'POST /api/render', opts: { path: '/api/render', method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ markdown }) }, expect: 200 },
  { name: 'GET /api/draft/list', opts: { path: '/api/draft/list?count=5' }, expect: 200 },
  { name: 'POST /api/upload/thumb (cached)', opts: { path: '/api/upload/thumb', method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body: multipart(cover, 'cover.jpg') }, expect: 200, allow503: true },
  { name: 'malformed JSON', opts: { path: '/api/draft/create', method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"title": "x", "content": ' }, expect: 400 },
  { name: 'oversized JSON (5 MB)', opts: { path: '/api/render', method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ markdown: 'x'.repeat(5 * 1024 * 1024) }) }, expect: 413, connections: 4 },
  { name: 'oversized upload (12 MB)', opts: { path: '/api/upload/image', method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body: multipart(bigPng, 'big.png') }, expect: 413, connections: 4 },
  { name: 'unknown Host', opts: { path: '/api/health', headers: { host: 'evil.example' } }, expect: 403 },
];

const rows = [];
let failed = false;
let peak = rssStart;
for (const phase of phases) {
  const statuses = {};
  const { path: pathname, ...opts } = phase.opts;
  // One request first: the first render loads the renderer, the first list fetches a token.
  await fetch(base + pathname, { method: opts.method ?? 'GET', headers: opts.headers, body: opts.body }).then((r) => r.arrayBuffer(), () => undefined);
  const instance = autocannon({ url: base + pathname, connections: phase.connections ?? CONNECTIONS, duration: DURATION, ...opts });
  instance.on('response', (_client, statusCode) => (statuses[statusCode] = (statuses[statusCode] ?? 0) + 1));
  const sampler = setInterval(() => {
    if (!exited) peak = Math.max(peak, rssMb());
  }, 200);
  const result = await instance;
  clearInterval(sampler);
  const rss = exited ? NaN : rssMb();
  peak = Math.max(peak, rss || 0);
  const unexpected = Object.entries(statuses).filter(([s]) => Number(s) !== phase.expect && !(phase.allow503 && s === '503'));
  const fiveXX = Object.entries(statuses).filter(([s]) => Number(s) >= 500 && !(phase.allow503 && s === '503'));
  if (exited || fiveXX.length || unexpected.length) failed = true;
  rows.push({
    phase: phase.name,
    'req/s': Math.round(result.requests.average),
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    requests: result.requests.total,
    statuses: Object.entries(statuses).map(([s, n]) => `${s}×${n}`).join(' '),
    errors: result.errors + result.timeouts,
    'RSS MB': Number.isNaN(rss) ? 'DEAD' : Math.round(rss),
  });
}

console.table(rows);
console.log(`RSS: ${Math.round(rssStart)} MB at start, peak ${Math.round(peak)} MB (limit ${MAX_RSS_MB} MB); process ${exited ? 'DIED' : 'still up'}`);
if (peak > MAX_RSS_MB) failed = true;
const health = exited ? undefined : await fetch(`${base}/api/health`).then((r) => r.status, () => 0);
console.log(`after the load: GET /api/health → ${health ?? 'no process'}`);
if (health !== 200) failed = true;

child.kill('SIGTERM');
await new Promise((resolve) => (exited ? resolve() : child.on('exit', resolve)));
emu.proc.kill('SIGTERM');
await new Promise((resolve) => emu.proc.on('exit', resolve));
rmSync(work, { recursive: true, force: true });
if (failed) {
  console.error('bench/serve.mjs: FAILED (see the table: unexpected statuses, a 5xx to bad input, a dead process or memory over the limit)');
  if (served.stderr().trim()) console.error(served.stderr().slice(-4000));
  process.exit(1);
}
