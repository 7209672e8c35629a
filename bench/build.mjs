#!/usr/bin/env node
/**
 * Whole-corpus `wxmp build` benchmark, as a process (what users run):
 *   1. first build (empty render cache),
 *   2. the same again with nothing changed,
 *   3. again with one post changed,
 * each with its wall time, posts rendered / from the cache (the --json report) and peak RSS of the process.
 *
 *   node bench/build.mjs [--dir ../shared/corpus] [--keep] [--no-mermaid]
 *
 * The corpus is copied to a temp folder first (the build writes .wxmp/cache/ and out/ under its root, and step 3 edits
 * a post), so the shared corpus is never written. Posts: every .md except the corpus notes (INDEX.md, SOURCE.md, licences; a Hugo bundle's index.md is a post). Peak
 * RSS comes from `/usr/bin/time -v` (worker threads are in the same process, so they are included); "?" without it.
 * Run `npm run compile` first: the CLI runs from dist/.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir, availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { listPosts } from './lib/corpus.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(repo, 'bin', 'wxmp.js');
const args = process.argv.slice(2);
const dir = path.resolve(args.includes('--dir') ? args[args.indexOf('--dir') + 1] : path.join(repo, '../shared/corpus'));
const keep = args.includes('--keep');
// --no-mermaid: leave ```mermaid fences as code (no Chromium drawing), as builds before diagrams existed did.
const noMermaid = args.includes('--no-mermaid');


const work = mkdtempSync(path.join(tmpdir(), 'wxmp-build-bench-'));
const root = path.join(work, 'corpus');
cpSync(dir, root, { recursive: true });
const posts = listPosts(root);
const out = path.join(work, 'out');
writeFileSync(path.join(work, 'no-mermaid.json'), '{ "mermaid": false }\n');
const timeV = existsSync('/usr/bin/time');

function build(label) {
  const config = noMermaid ? ['--config', path.join(work, 'no-mermaid.json')] : [];
  const argv = [bin, 'build', '--root', root, '--out', out, '--json', ...config, ...posts];
  const rssFile = path.join(work, 'time.txt');
  const start = process.hrtime.bigint();
  const result = timeV
    ? spawnSync('/usr/bin/time', ['-v', '-o', rssFile, process.execPath, ...argv], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, NO_COLOR: '1' } })
    : spawnSync(process.execPath, argv, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, NO_COLOR: '1' } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  let report;
  try {
    report = JSON.parse(result.stdout);
  } catch {
    throw new Error(`${label}: no JSON report (exit ${result.status}): ${result.stderr.slice(-2000)}`);
  }
  let rssMb;
  if (timeV) {
    const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(rssFile, 'utf8'))?.[1];
    rssMb = kb ? Number(kb) / 1024 : undefined;
  }
  const s = report.summary;
  return { step: label, seconds: ms / 1000, posts: s.posts, rendered: s.rendered ?? s.posts, cached: s.cached ?? 0, errors: s.errors, peakRssMb: rssMb };
}

const rows = [];
try {
  rows.push(build('first build (empty cache)'));
  rows.push(build('again, nothing changed'));
  const changed = path.join(root, posts.find((p) => p.includes('zh-hugo')) ?? posts[0]);
  appendFileSync(changed, '\n\n一段新加的文字，用来测一篇文章改动后的构建。\n');
  rows.push(build(`again, one post changed (${path.relative(root, changed)})`));
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true });
}

const cacheNote = keep ? `kept: ${work}` : '';
console.log(`corpus ${dir}: ${posts.length} posts${noMermaid ? ' (mermaid: false)' : ''}; node ${process.version}; ${availableParallelism()} cores; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} ${cacheNote}\n`);
const header = ['step', 'wall s', 'posts', 'rendered', 'cached', 'errors', 'peak RSS MB'];
const lines = rows.map((r) => [r.step, r.seconds.toFixed(2), String(r.posts), String(r.rendered), String(r.cached), String(r.errors), r.peakRssMb ? r.peakRssMb.toFixed(0) : '?']);
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
const fmt = (cells) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
console.log(fmt(header));
console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
for (const line of lines) console.log(fmt(line));
