#!/usr/bin/env node
/**
 * Batch benchmark (issue 12): `wxmp build` of 24 mixed corpus posts as a process, against @wenyan-md/core rendering the
 * same 24 in its own process (bench/lib/wenyan-build.mjs). Both start cold, read the posts from disk and write one HTML
 * file per post; wall time and peak RSS are the whole process's (start-up, module loading and worker threads included).
 *
 *   npm run bench:batch [-- --runs 3] [--dir ../shared/corpus] [--count 24]
 *
 * The posts: the same number from each sub-corpus, evenly spaced in path order (so each run picks the same ones).
 * wxmp runs with --no-cache (every post rendered) and `mermaid: false` (wenyan draws no diagrams). The corpus is copied
 * to a temp folder first, so nothing is written into it. Runs alternate between the engines; medians are printed.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { listPosts } from './lib/corpus.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const runs = Number(option('--runs', 3));
const count = Number(option('--count', 24));
const dir = path.resolve(option('--dir', path.join(repo, '../shared/corpus')));


const work = mkdtempSync(path.join(tmpdir(), 'wxmp-batch-bench-'));
const root = path.join(work, 'corpus');
cpSync(dir, root, { recursive: true });
const groups = new Map();
for (const post of listPosts(root)) {
  const group = post.split('/')[0];
  groups.set(group, [...(groups.get(group) ?? []), post]);
}
const perGroup = Math.ceil(count / groups.size);
const posts = [...groups.values()].flatMap((list) => Array.from({ length: Math.min(perGroup, list.length) }, (_, k) => list[Math.floor((k * list.length) / perGroup)])).slice(0, count);
const config = path.join(work, 'wxmp.config.json');
writeFileSync(config, `${JSON.stringify({ mermaid: false })}\n`);
const timeV = existsSync('/usr/bin/time');

function run(engine) {
  const out = path.join(work, `out-${engine}`);
  rmSync(out, { recursive: true, force: true });
  const argv =
    engine === 'wxmp'
      ? [path.join(repo, 'bin/wxmp.js'), 'build', '--root', root, '--config', config, '--out', out, '--no-cache', '-q', ...posts]
      : [path.join(repo, 'bench/lib/wenyan-build.mjs'), out, ...posts.map((p) => path.join(root, p))];
  const rssFile = path.join(work, 'time.txt');
  const start = process.hrtime.bigint();
  const result = timeV
    ? spawnSync('/usr/bin/time', ['-v', '-o', rssFile, process.execPath, ...argv], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
    : spawnSync(process.execPath, argv, { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  // wxmp exits 1 when a post has an error (real posts are too long for WeChat…): the files are still written.
  if (result.status !== 0 && !(engine === 'wxmp' && result.status === 1)) throw new Error(`${engine} exited ${result.status}: ${result.stderr.slice(-2000)}`);
  const written = readdirSync(out).filter((f) => f.endsWith('.html') && !f.endsWith('.preview.html') && f !== 'index.html').length;
  const kb = timeV ? /Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(rssFile, 'utf8'))?.[1] : undefined;
  return { seconds, rssMb: kb ? Number(kb) / 1024 : undefined, written };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const samples = { wxmp: [], wenyan: [] };
try {
  for (let r = 0; r < runs; r++) for (const engine of ['wxmp', 'wenyan']) samples[engine].push(run(engine));
} finally {
  rmSync(work, { recursive: true, force: true });
}

console.log(`${posts.length} posts (${[...groups.keys()].map((g) => `${posts.filter((p) => p.startsWith(`${g}/`)).length} ${g}`).join(', ')}); node ${process.version}; ${availableParallelism()} cores; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; median of ${runs}\n`);
console.log('| engine (own process) | wall s | peak RSS MB | HTML files |');
console.log('|---|---:|---:|---:|');
const row = {};
for (const engine of ['wxmp', 'wenyan']) {
  row[engine] = median(samples[engine].map((s) => s.seconds));
  const rss = samples[engine].every((s) => s.rssMb) ? median(samples[engine].map((s) => s.rssMb)).toFixed(0) : '?';
  console.log(`| ${engine === 'wxmp' ? 'wxmp build' : '@wenyan-md/core'} | ${row[engine].toFixed(2)} | ${rss} | ${samples[engine][0].written} |`);
}
console.log(`\nwxmp is ${(row.wenyan / row.wxmp).toFixed(1)}× faster (target ≥ 2.5×, stretch ≥ 5×)`);
