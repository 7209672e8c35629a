#!/usr/bin/env node
/**
 * Render benchmark: wxmp against @wenyan-md/core over a folder of real posts (default: ../shared/corpus).
 *
 *   npm run compile && npm run bench:render [-- <dir>] [--limit N] [--theme NAME] [--engine wxmp|wenyan|both] [--json]
 *   … --stages   also time each unified plugin of the wxmp pipeline (bench/lib/stages.mjs)
 *
 * Every `.md` under the folder is read into memory first (no I/O in the timings), then rendered by each engine in
 * turn, sequentially, in this one process, after a warm-up. Printed per engine: posts/s, MB/s of Markdown input,
 * median and p95 ms per post, peak RSS; for wxmp also the inlined/pre-inline HTML size ratio and the share of the
 * time spent in the inlining step. The speed-up is computed on the posts both engines rendered.
 *
 * wenyan runs the way its own Node wrapper runs it (bench/lib/wenyan.mjs).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fg from 'fast-glob';
import { wenyanEngine } from './lib/wenyan.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const opts = { dir: path.resolve(repo, '../shared/corpus'), limit: Infinity, theme: undefined, engine: 'both', json: false, warmup: 15, stages: false, threads: 0 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--limit') opts.limit = Number(argv[++i]);
    else if (arg === '--theme') opts.theme = argv[++i];
    else if (arg === '--engine') opts.engine = argv[++i];
    else if (arg === '--warmup') opts.warmup = Number(argv[++i]);
    else if (arg === '--json') opts.json = true;
    else if (arg === '--stages') opts.stages = true;
    else if (arg === '--threads') opts.threads = Number(argv[++i]);
    else if (arg === '-h' || arg === '--help') {
      console.log('usage: node bench/render.mjs [dir] [--limit N] [--theme NAME] [--engine wxmp|wenyan|both] [--warmup N] [--stages] [--threads N] [--json]');
      process.exit(0);
    } else opts.dir = path.resolve(arg);
  }
  if (!['wxmp', 'wenyan', 'both'].includes(opts.engine)) throw new Error(`--engine must be wxmp, wenyan or both (got ${opts.engine})`);
  return opts;
}

/** Posts under `dir`: every .md except the corpus's own index and provenance notes. */
function loadPosts(dir, limit) {
  const files = fg
    .sync('**/*.{md,markdown}', { cwd: dir, absolute: true, ignore: ['**/node_modules/**', 'INDEX.md', '*/SOURCE.md'] })
    .sort();
  if (files.length === 0) throw new Error(`no .md files under ${dir}`);
  return files.slice(0, limit).map((file) => {
    const markdown = readFileSync(file, 'utf8');
    return { file, rel: path.relative(dir, file), markdown, bytes: Buffer.byteLength(markdown) };
  });
}

const quantile = (sorted, q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN);
const sum = (values) => values.reduce((a, b) => a + b, 0);

/** Renders every post with `render`, after `warmup` untimed posts; per-post time, failures, RSS high-water mark. */
async function runEngine(name, posts, render, warmup) {
  for (const post of posts.slice(0, warmup)) {
    try {
      await render(post);
    } catch {
      // counted in the timed run
    }
  }
  globalThis.gc?.();
  const results = new Map();
  let peakRss = process.memoryUsage.rss();
  const started = performance.now();
  for (const post of posts) {
    const t0 = performance.now();
    try {
      const extra = await render(post);
      // An engine that does extra untimed work after rendering reports its own render time as `ms`.
      results.set(post.file, { ms: performance.now() - t0, ok: true, ...extra });
    } catch (error) {
      results.set(post.file, { ms: performance.now() - t0, ok: false, error: String(error?.message ?? error).split('\n')[0] });
    }
    const rss = process.memoryUsage.rss();
    if (rss > peakRss) peakRss = rss;
  }
  return { name, results, wallMs: performance.now() - started, peakRss };
}

function stats(run, posts, only) {
  const chosen = posts.filter((p) => (only ? only.has(p.file) : run.results.get(p.file)?.ok));
  const times = chosen.map((p) => run.results.get(p.file).ms).sort((a, b) => a - b);
  const totalMs = sum(times);
  const bytes = sum(chosen.map((p) => p.bytes));
  return {
    posts: chosen.length,
    failed: [...run.results.values()].filter((r) => !r.ok).length,
    totalMs,
    postsPerSec: chosen.length / (totalMs / 1000),
    mbPerSec: bytes / 1e6 / (totalMs / 1000),
    medianMs: quantile(times, 0.5),
    p95Ms: quantile(times, 0.95),
    maxMs: times[times.length - 1],
    peakRssMb: run.peakRss / 2 ** 20,
  };
}

async function wxmpEngine(theme) {
  const lib = await import(path.join(repo, 'dist/index.js')).catch((error) => {
    throw new Error(`cannot import dist/index.js (${error.message}): run \`npm run compile\` first`);
  });
  const { inlineArticle } = await import(path.join(repo, 'dist/render/inline.js'));
  const { loadTheme, builtinTemplatesDir } = lib;
  const noDiagrams = lib.resolveConfig({ mermaid: false });
  return async (post) => {
    const start = performance.now();
    const rendered = await lib.renderMarkdown(post.markdown, {
      baseDir: path.dirname(post.file),
      fileName: path.basename(post.file),
      theme,
      // wenyan does not draw diagrams either; and drawing would cache PNGs inside the corpus (the post's folder is the root).
      config: noDiagrams,
    });
    const ms = performance.now() - start;
    // Time the inlining step alone on the same body (the pipeline does not report its parts).
    const themeObj = await loadTheme(rendered.theme, builtinTemplatesDir);
    const t0 = performance.now();
    inlineArticle(rendered.bodyHtml, themeObj);
    const inlineMs = performance.now() - t0;
    return {
      ms,
      preInlineBytes: rendered.sizes.preInlineBytes,
      htmlBytes: rendered.sizes.htmlBytes,
      inlineMs,
    };
  };
}

async function wenyanPostEngine() {
  const render = await wenyanEngine();
  return async (post) => ({ htmlBytes: Buffer.byteLength(await render(post.markdown)) });
}

const fmt = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

function printTable(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  for (const [i, row] of rows.entries()) {
    console.log(row.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const posts = loadPosts(opts.dir, opts.limit);
  const totalMb = sum(posts.map((p) => p.bytes)) / 1e6;
  // MathJax loads some TeX extensions asynchronously and rejects when it cannot (wenyan sets no loader): count them.
  let unhandled = 0;
  process.on('unhandledRejection', () => {
    unhandled++;
  });
  if (!opts.json) console.log(`corpus: ${opts.dir}\nposts: ${posts.length} (${fmt(totalMb, 2)} MB of Markdown), warm-up: ${opts.warmup} posts per engine\n`);

  const stageTimer = opts.stages && opts.engine !== 'wenyan' ? (await import('./lib/stages.mjs')).installStageTimer() : undefined;
  const runs = {};
  if (opts.engine !== 'wenyan') runs.wxmp = await runEngine('wxmp', posts, await wxmpEngine(opts.theme), opts.warmup);
  if (opts.engine !== 'wxmp') runs.wenyan = await runEngine('wenyan', posts, await wenyanPostEngine(), opts.warmup);
  const threaded = opts.threads > 1 && opts.engine !== 'wenyan' ? await runThreaded(opts, posts) : undefined;

  const report = { dir: opts.dir, posts: posts.length, markdownMb: totalMb, engines: {} };
  for (const [name, run] of Object.entries(runs)) report.engines[name] = stats(run, posts);

  if (runs.wxmp) {
    const ok = posts.map((p) => runs.wxmp.results.get(p.file)).filter((r) => r.ok);
    const ratios = ok.map((r) => r.htmlBytes / r.preInlineBytes).sort((a, b) => a - b);
    report.wxmpSize = {
      ratioTotal: sum(ok.map((r) => r.htmlBytes)) / sum(ok.map((r) => r.preInlineBytes)),
      ratioMedian: quantile(ratios, 0.5),
      ratioP95: quantile(ratios, 0.95),
      ratioMax: ratios[ratios.length - 1],
      worst: posts
        .filter((p) => runs.wxmp.results.get(p.file).ok)
        .map((p) => ({ post: p.rel, ratio: runs.wxmp.results.get(p.file).htmlBytes / runs.wxmp.results.get(p.file).preInlineBytes }))
        .sort((a, b) => b.ratio - a.ratio)
        .slice(0, 3),
      inlineMsTotal: sum(ok.map((r) => r.inlineMs)),
      inlineShare: sum(ok.map((r) => r.inlineMs)) / sum(ok.map((r) => r.ms)),
    };
  }
  if (runs.wxmp && runs.wenyan) {
    const both = new Set(posts.filter((p) => runs.wxmp.results.get(p.file).ok && runs.wenyan.results.get(p.file).ok).map((p) => p.file));
    const a = stats(runs.wxmp, posts, both);
    const b = stats(runs.wenyan, posts, both);
    report.common = { posts: both.size, wxmp: a, wenyan: b, speedup: a.postsPerSec / b.postsPerSec };
  }
  report.failures = Object.fromEntries(
    Object.entries(runs).map(([name, run]) => [
      name,
      posts.filter((p) => !run.results.get(p.file).ok).map((p) => ({ post: p.rel, error: run.results.get(p.file).error })),
    ]),
  );
  report.unhandledRejections = unhandled;
  if (stageTimer && runs.wxmp) {
    // Includes the warm-up posts: shares are of the wxmp render time of warm-up + timed posts.
    const warm = posts.slice(0, opts.warmup).reduce((n, p) => n + (runs.wxmp.results.get(p.file)?.ms ?? 0), 0);
    const total = sum([...runs.wxmp.results.values()].map((r) => r.ms)) + warm;
    report.stages = stageTimer.report().map(([stage, ms]) => ({ stage, ms, share: ms / total }));
  }

  if (opts.json) {
    console.log(JSON.stringify(report, null, 2));
    return;
  }
  const names = Object.keys(report.engines);
  const rows = [['', ...names]];
  const row = (label, get) => rows.push([label, ...names.map((n) => get(report.engines[n], n))]);
  row('posts rendered', (s) => s.posts);
  row('posts failed', (s) => s.failed);
  row('posts/s', (s) => fmt(s.postsPerSec, 2));
  row('MB/s (Markdown in)', (s) => fmt(s.mbPerSec, 3));
  row('median ms/post', (s) => fmt(s.medianMs));
  row('p95 ms/post', (s) => fmt(s.p95Ms));
  row('max ms/post', (s) => fmt(s.maxMs));
  row('peak RSS MB', (s) => fmt(s.peakRssMb, 0));
  printTable(rows);
  if (report.wxmpSize) {
    const z = report.wxmpSize;
    console.log(`\nwxmp inlined/pre-inline HTML size: total ${fmt(z.ratioTotal, 2)}×, median ${fmt(z.ratioMedian, 2)}×, p95 ${fmt(z.ratioP95, 2)}×, max ${fmt(z.ratioMax, 2)}× (target ≤ 2×)`);
    console.log(`  largest ratios: ${z.worst.map((w) => `${w.post} ${fmt(w.ratio, 2)}×`).join(', ')}`);
    console.log(`wxmp inlining step (juice + optimiser): ${fmt(z.inlineMsTotal / 1000, 2)} s in all, ${fmt(100 * z.inlineShare)}% of the render time`);
  }
  if (report.stages) {
    console.log('\nwxmp time per pipeline stage (all posts, warm-up included):');
    printTable([['stage', 'total s', 'share'], ...report.stages.map((s) => [s.stage, fmt(s.ms / 1000, 2), `${fmt(100 * s.share)}%`])]);
  }
  if (report.common) {
    const c = report.common;
    console.log(
      `\non the ${c.posts} posts both rendered: wxmp ${fmt(c.wxmp.postsPerSec, 2)} posts/s, wenyan ${fmt(c.wenyan.postsPerSec, 2)} posts/s → speed-up ${fmt(c.speedup, 1)}× (target ≥ 10×)`,
    );
  }
  for (const [name, failures] of Object.entries(report.failures)) {
    if (failures.length) console.log(`\n${name} failed on ${failures.length}: ${failures.slice(0, 5).map((f) => `${f.post} (${f.error})`).join('; ')}${failures.length > 5 ? '; …' : ''}`);
  }
  if (threaded) {
    const wenyanRate = report.engines.wenyan?.postsPerSec;
    console.log(
      `\nwxmp on ${threaded.threads} worker threads (RenderPool, largest posts first): ${posts.length} posts in ${fmt(threaded.seconds, 1)} s = ${fmt(threaded.postsPerSec, 2)} posts/s${wenyanRate ? ` (${fmt(threaded.postsPerSec / wenyanRate, 1)}× wenyan's one-thread rate)` : ''}${threaded.failed ? `, ${threaded.failed} failed` : ''}`,
    );
  }
  if (unhandled) console.log(`\n${unhandled} unhandled promise rejections (MathJax asynchronous extension loads) were ignored.`);
}

/** The same posts through the product's RenderPool (what `wxmp build`/`sync` use from 8 posts on), wall-clock timed. */
async function runThreaded(opts, posts) {
  const { RenderPool } = await import(path.join(repo, 'dist/render/pool.js'));
  const { resolveConfig } = await import(path.join(repo, 'dist/config/load.js'));
  const pool = new RenderPool({ root: opts.dir, config: resolveConfig({ mermaid: false, ...(opts.theme ? { theme: opts.theme } : {}) }), size: opts.threads });
  const bySize = [...posts].sort((a, b) => b.bytes - a.bytes);
  // Warm the threads (each loads the renderer once), untimed.
  await Promise.all(bySize.slice(-opts.threads * 2).map((p) => pool.render({ file: p.file, images: { kind: 'keep' } }).catch(() => undefined)));
  const start = performance.now();
  const results = await Promise.allSettled(bySize.map((p) => pool.render({ file: p.file, images: { kind: 'keep' } })));
  const seconds = (performance.now() - start) / 1000;
  await pool.close();
  return { threads: pool.size, seconds, postsPerSec: posts.length / seconds, failed: results.filter((r) => r.status === 'rejected').length };
}

main().catch((error) => {
  console.error(`bench:render: ${error.message}`);
  process.exit(1);
});
