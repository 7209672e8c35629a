#!/usr/bin/env node
/**
 * Start-up benchmark: median wall time of short wxmp commands run as processes, and how many modules each loads.
 *
 *   node bench/startup.mjs [--runs 5] [--json]
 *
 * Rows: a bare `node -e 0` (this machine's floor), `wxmp --version`, `wxmp --help`, `wxmp build` of one post (cold: --no-cache; and again from the render
 * cache), `wxmp plan` of the sample posts (posts/ of this repo, sandbox). Each runs `--runs` times (default 5) in a
 * temp copy of posts/, so the repo's own .wxmp/ and out/ are not touched. Modules are counted by a `node:module`
 * register() hook passed with `--import data:` (every `file:` URL resolved through the ESM loader, counted once) plus
 * the CommonJS modules in require.cache at exit (mathjax-full and other CJS packages load through require()).
 * Run `npm run compile` first: the CLI runs from dist/.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(repo, 'bin', 'wxmp.js');
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) > 0 && args.includes('--runs') ? Number(args[args.indexOf('--runs') + 1]) : 5;
const json = args.includes('--json');

// Runs in the loader's thread: counts distinct resolved file: URLs into a shared counter the main thread reads at exit.
const HOOKS = `
let counter; const seen = new Set();
export function initialize(data) { counter = new Int32Array(data.sab); }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (result.url.startsWith('file:') && !seen.has(result.url)) { seen.add(result.url); Atomics.add(counter, 0, 1); }
  return result;
}`;
const REGISTER = `
import { register, createRequire } from 'node:module';
import { isMainThread } from 'node:worker_threads';
if (isMainThread) {
  const sab = new SharedArrayBuffer(4);
  const counter = new Int32Array(sab);
  register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOKS)}), { data: { sab } });
  process.on('exit', () => {
    const cjs = Object.keys(createRequire(process.cwd() + '/').cache).length;
    process.stderr.write('\\n[wxmp-modules] ' + JSON.stringify({ esm: Atomics.load(counter, 0), cjs }) + '\\n');
  });
}`;
const importFlag = `--import=data:text/javascript,${encodeURIComponent(REGISTER)}`;

const work = mkdtempSync(path.join(tmpdir(), 'wxmp-startup-'));
cpSync(path.join(repo, 'posts'), path.join(work, 'posts'), { recursive: true });
const onePost = 'posts/hello-wxmp.md';
const env = { ...process.env, NO_COLOR: '1' };
for (const key of Object.keys(env)) if (/^(WECHAT_|WXMP_)/.test(key)) delete env[key];

const rows = [
  { name: 'wxmp --version', argv: ['--version'] },
  { name: 'wxmp --help', argv: ['--help'] },
  { name: `wxmp build (1 post, --no-cache)`, argv: ['build', '--root', work, onePost, '--no-cache', '-q'] },
  { name: `wxmp build (1 post, from the cache)`, argv: ['build', '--root', work, onePost, '-q'], prime: true },
  { name: 'wxmp plan --sandbox (sample posts)', argv: ['plan', '--root', work, '--sandbox', '-q'] },
];

function once(argv, counting) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [...(counting ? [importFlag] : []), bin, ...argv], { cwd: work, env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0 && result.status !== 1) throw new Error(`wxmp ${argv.join(' ')} exited ${result.status}: ${result.stderr}`);
  const modules = /\[wxmp-modules\] (.*)/.exec(result.stderr ?? '')?.[1];
  return { ms, modules: modules ? JSON.parse(modules) : undefined };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const results = [];
try {
  for (const row of rows) {
    if (row.prime) once(row.argv, false);
    const times = [];
    for (let i = 0; i < runs; i++) times.push(once(row.argv, false).ms);
    // Counted in a separate run: the hook itself costs time.
    const { modules } = once(row.argv, true);
    results.push({ command: row.name, medianMs: Math.round(median(times)), minMs: Math.round(Math.min(...times)), runs, esmModules: modules?.esm ?? null, cjsModules: modules?.cjs ?? null });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

// The floor on this machine: a Node process that does nothing (the rows above are only comparable across machines
// through it).
const bare = [];
for (let i = 0; i < runs; i++) {
  const start = process.hrtime.bigint();
  spawnSync(process.execPath, ['-e', '0']);
  bare.push(Number(process.hrtime.bigint() - start) / 1e6);
}
results.unshift({ command: 'node -e 0 (baseline)', medianMs: Math.round(median(bare)), minMs: Math.round(Math.min(...bare)), runs, esmModules: 0, cjsModules: 0 });

const load = loadavg().map((l) => l.toFixed(2)).join(' ');
if (json) {
  console.log(JSON.stringify({ node: process.version, loadavg: load, results }, null, 2));
} else {
  console.log(`node ${process.version}, ${runs} runs each, load average ${load}\n`);
  const header = ['command', 'median ms', 'min ms', 'ESM modules', 'CJS modules'];
  const lines = results.map((r) => [r.command, String(r.medianMs), String(r.minMs), String(r.esmModules ?? '?'), String(r.cjsModules ?? '?')]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log(fmt(header));
  console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const line of lines) console.log(fmt(line));
}
