import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import pc from 'picocolors';
import type { IndexEntry, PreviewEntry } from '../../preview/page.js';
import type { RenderCache, RenderKeyParts, RenderSummary } from '../../render/cache.js';
import type { BuildOutputs } from '../build-outputs.js';
import type { Post } from '../../content/post.js';
import type { PoolRenderResult, RenderJob, RenderPool } from '../../render/pool.js';
import type { WxmpConfig } from '../../config/schema.js';
import type { RenderedPost } from '../../render/render.js';
import { problemToJson } from '../../util/messages.js';
import { countBySeverity, formatBytes, plural, printJson, printProblems } from '../output.js';

interface BuildOptions {
  root?: string;
  config?: string;
  out?: string;
  json?: boolean;
  theme?: string;
  quiet?: boolean;
  watch?: boolean;
  /** `--no-cache` sets false: render every post, neither reading nor writing the render cache. */
  cache?: boolean;
}

/**
 * `--watch`: what one run leaves for the next. Posts outside `only` are not rendered again: their index entry is
 * reused and their files stay as written. `deps` maps each rendered post to the files it read (src/dev/build-watch.ts).
 */
export interface BuildMemo {
  only?: Set<string>;
  entries: Map<string, IndexEntry>;
  deps: Map<string, string[]>;
}

export function registerBuildCommand(program: Command): void {
  program
    .command('build')
    .description('Render posts to WeChat HTML and a preview page (no credentials, no network)')
    .argument('[posts...]', 'post files or globs, relative to the root (default: the config\'s include)')
    .option('--root <dir>', 'the posts repo', process.cwd())
    .option('--config <file>', 'config file (default: wxmp.config.ts in the root)')
    .option('--out <dir>', 'output folder (default: the config\'s outDir, "out")')
    .option('--theme <name>', 'theme for every post (overrides config and front matter)')
    .option('--json', 'print a JSON report instead of text')
    .option('-q, --quiet', 'print only problems and the summary')
    .option('--no-cache', 'render every post again: do not read or write the render cache (.wxmp/cache/render/)')
    .option('-w, --watch', 'keep running: re-render the posts a saved file affects, rewrite their files and the index')
    .addHelpText(
      'after',
      `
Writes, per post, <out>/<name>.html (exactly the HTML WeChat receives) and <name>.preview.html (a phone-width page),
plus <out>/index.html previewing every post, with local images shown from disk.
A post whose content, included files, images, theme and config are unchanged since a previous build is not rendered
again: its result comes from .wxmp/cache/render/ (bounded, safe to delete; --no-cache bypasses it).
Exit code 1 when any post has an error.

Examples:
  wxmp build                              # every post of the config's include (posts/**/*.md)
  wxmp build --root ~/blog 'content/**/*.md' --theme github
  wxmp build --json | jq '.posts[] | select(.messages | length > 0)'`,
    )
    .action(async (patterns: string[], options: BuildOptions) => {
      if (options.watch) {
        const { watchBuild } = await import('../../dev/build-watch.js');
        process.exitCode = await watchBuild(patterns, options, runBuild);
      } else process.exitCode = await runBuild(patterns, options);
    });
}

export async function runBuild(patterns: string[], options: BuildOptions, memo?: BuildMemo): Promise<number> {
  // Loaded here, not at start-up: `wxmp --help` and the other commands do not pay for them (bench/startup.mjs). The
  // renderer itself loads only on a cache miss.
  const [{ loadProject, noPostsMessage, selectPosts }, { loadPost }, poolModule, preview, { RenderCache, summaryOf }, { BuildOutputs }] = await Promise.all([
    import('../project.js'),
    import('../../content/post.js'),
    import('../../render/pool.js'),
    import('../../preview/page.js'),
    import('../../render/cache.js'),
    import('../build-outputs.js'),
  ]);
  const project = await loadProject(options);
  const { root, config } = project;
  const outDir = path.resolve(root, options.out ?? config.outDir);
  const files = await selectPosts(project, patterns);
  if (files.length === 0) {
    process.stderr.write(`wxmp: ${noPostsMessage(patterns, config.include, root)}\n`);
    return 1;
  }
  await mkdir(outDir, { recursive: true });
  const names = outputNames(files.map((f) => path.relative(root, f)));
  // The preview shows local images from disk: paths relative to the output folder (every page sits at its top).
  const images = { kind: 'relative-to', dir: outDir } as const;
  const posts = await Promise.all(files.map((file) => loadPost(file, root, config)));
  const cache = options.cache === false ? undefined : await RenderCache.open(root, config);
  // A large build's index loads each post page lazily (INLINE_ARTICLES_MAX): an unchanged post whose files are still
  // as written is then neither read from the cache nor written again.
  const lean = posts.length > preview.INLINE_ARTICLES_MAX;
  const outputs = cache && lean ? await BuildOutputs.open(root, outDir) : undefined;
  const filesOf = (name: string) => [path.join(outDir, `${name}.html`), path.join(outDir, `${name}.preview.html`)];
  // The posts to render, and what the cache already holds for them (looked up before any renderer module loads).
  const wanted = posts.map((post) => post.meta.draft !== true && !(memo?.only && !memo.only.has(post.source) && memo.entries.has(post.source)));
  const { keys, hits, summaries } = await lookUp(posts, wanted, cache, outputs, (post) => ({
    source: post.source,
    raw: post.raw,
    theme: options.theme ?? post.meta.theme ?? config.theme,
    themeFlag: options.theme,
    images,
  }), names, filesOf);
  const { pool, renders, stores } = startRenders(poolModule, posts, { wanted, keys, hits, summaries }, cache, { root, config, theme: options.theme, images });

  /**
   * Writes a rendered post's files as soon as its render is done, in whatever order renders finish (largest first on
   * threads), and keeps only what the index and the report need: the build never holds every article's HTML at once.
   */
  const writeRendered = async (i: number, { rendered, cached }: PoolRenderResult & { cached?: boolean }): Promise<Built> => {
    const post = posts[i]!;
    const name = names[i]!;
    const full: PreviewEntry = { ...indexEntryOf(rendered, post.source, name), html: rendered.html };
    const files = filesOf(name);
    await writeFile(files[0]!, rendered.html);
    // Every page sits at the top of the output folder, next to index.html.
    await writeFile(files[1]!, preview.buildPostPage(full, { indexHref: 'index.html' }));
    const key = keys[i];
    if (key) await outputs?.record(name, key, files);
    else outputs?.forget(name);
    // A large build's index does not show the article: nothing keeps its HTML once it is written.
    return lean ? { rendered: summaryOf(rendered), entry: indexEntryOf(rendered, post.source, name), cached } : { rendered, entry: full, cached };
  };
  const built: (Promise<Built> | undefined)[] = renders.map((render, i) => render?.then((result) => writeRendered(i, result)));
  renders.length = 0; // the chains above hold each render only until its files are written
  for (const b of built) b?.catch(() => undefined); // awaited in order below

  const results: BuildResult[] = [];
  const entries: IndexEntry[] = [];
  try {
    for (const [i, post] of posts.entries()) {
      const name = names[i]!;
      const pending = built[i];
      const summary = summaries[i];
      if (!summary && !pending) {
        const kept = post.meta.draft === true ? undefined : memo?.entries.get(post.source);
        if (kept) entries.push(kept);
        else {
          results.push({ source: post.source, output: '', skipped: true });
          if (!options.json && !options.quiet) process.stderr.write(`${pc.dim('skip')} ${post.source} ${pc.dim('(draft: true)')}\n`);
        }
        continue;
      }
      // A summary: written by an earlier build from the same cache key, and unchanged since.
      const done: Built = summary ? { rendered: summary, entry: indexEntryOf(summary, post.source, name), cached: true } : await pending!;
      built[i] = undefined;
      entries.push(done.entry);
      memo?.entries.set(post.source, done.entry);
      memo?.deps.set(post.source, depsOf(post.path, done.rendered));
      results.push(report({ rendered: done.rendered, source: post.source, output: outputOf(root, outDir, name), ...(done.cached ? { cached: true } : {}) }, name, options));
    }
  } finally {
    await pool.close();
    await Promise.all(stores);
    await cache?.close();
    await outputs?.save().catch(() => undefined);
  }

  const indexFile = path.join(outDir, 'index.html');
  await writeFile(indexFile, preview.buildPreviewPage(entries, { title: `wxmp preview — ${path.basename(root)}` }));
  return printBuildReport(results, root, indexFile, options);
}

/**
 * What the render cache holds for each wanted post: its key, and either the summary (its output files are still as an
 * earlier build wrote them from that key: nothing to read or write) or the whole render. Looked up before any renderer
 * module loads.
 */
async function lookUp(
  posts: Post[],
  wanted: boolean[],
  cache: RenderCache | undefined,
  outputs: BuildOutputs | undefined,
  keyParts: (post: Post) => RenderKeyParts,
  names: string[],
  filesOf: (name: string) => string[],
): Promise<{ keys: (string | undefined)[]; hits: (RenderedPost | undefined)[]; summaries: (RenderSummary | undefined)[] }> {
  const keys: (string | undefined)[] = new Array(posts.length);
  const hits: (RenderedPost | undefined)[] = new Array(posts.length);
  const summaries: (RenderSummary | undefined)[] = new Array(posts.length);
  if (!cache) return { keys, hits, summaries };
  await Promise.all(
    posts.map(async (post, i) => {
      if (!wanted[i]) return;
      const key = (keys[i] = await cache.keyOf(keyParts(post)));
      if (!key) return;
      if (outputs && (await outputs.current(names[i]!, key, filesOf(names[i]!)))) summaries[i] = await cache.getSummary(key);
      if (!summaries[i]) hits[i] = await cache.get(key);
    }),
  );
  return { keys, hits, summaries };
}

/**
 * Starts every render the build needs (none for a summary or a cache hit): on worker threads when there are enough
 * of them, largest posts first, each stored in the render cache when it is done.
 */
function startRenders(
  { RenderPool: Pool }: typeof import('../../render/pool.js'),
  posts: Post[],
  looked: { wanted: boolean[]; keys: (string | undefined)[]; hits: (RenderedPost | undefined)[]; summaries: (RenderSummary | undefined)[] },
  cache: RenderCache | undefined,
  context: { root: string; config: WxmpConfig; theme?: string; images: RenderJob['images'] },
): { pool: RenderPool; renders: (Promise<PoolRenderResult & { cached?: boolean }> | undefined)[]; stores: Promise<void>[] } {
  const { wanted, keys, hits, summaries } = looked;
  const { root, config, images } = context;
  const misses = posts.filter((_, i) => wanted[i] && !hits[i] && !summaries[i]).length;
  // The pool renders on worker threads when there are enough posts to render (defaultThreads), else in this thread, one
  // at a time; output stays in post order.
  const pool = new Pool({ root, config, batch: misses });
  const renders: (Promise<PoolRenderResult & { cached?: boolean }> | undefined)[] = new Array(posts.length);
  const stores: Promise<void>[] = [];
  // On threads, largest posts first: they then finish together instead of one large post running alone at the end.
  // In this thread, in post order, so that the report can follow the renders.
  const order = posts.map((_, i) => i);
  if (pool.threaded) order.sort((a, b) => posts[b]!.raw.length - posts[a]!.raw.length);
  for (const i of order) {
    const post = posts[i]!;
    if (!wanted[i] || summaries[i]) continue;
    const hit = hits[i];
    if (hit) {
      renders[i] = Promise.resolve({ rendered: hit, placeholderRefs: [], cached: true });
      hits[i] = undefined; // held by the promise alone, until the post's files are written
      continue;
    }
    const job = { file: post.path, theme: context.theme, images };
    const render = pool.render(job);
    const key = keys[i];
    if (cache && key) {
      // A failed write only costs a render next time.
      stores.push(render.then((r) => cache.set(key, r.rendered)).catch(() => undefined));
    }
    renders[i] = render;
  }
  // A rejected render is awaited by the build, in order; keep it from being reported as unhandled meanwhile.
  for (const r of renders) r?.catch(() => undefined);
  return { pool, renders, stores };
}

/** A post whose files are written: what the index and the report keep of it. */
interface Built {
  rendered: RenderSummary;
  entry: IndexEntry;
  cached?: boolean;
}

interface BuildResult {
  rendered?: RenderSummary;
  source: string;
  output: string;
  skipped?: boolean;
  cached?: boolean;
}

/** The index's entry for a post (without the article HTML). */
function indexEntryOf(rendered: RenderSummary, source: string, name: string): IndexEntry {
  const counts = countBySeverity(rendered.messages);
  return {
    title: rendered.title || source,
    source,
    href: `${name}.preview.html`,
    digest: rendered.digest,
    errors: counts.errors,
    warnings: counts.warnings,
    theme: rendered.theme,
    ...(rendered.author ? { author: rendered.author } : {}),
  };
}

/** The files a post's render read, for --watch. */
function depsOf(file: string, rendered: RenderSummary): string[] {
  return [file, ...rendered.includes, ...[...rendered.images, ...(rendered.cover ? [rendered.cover] : [])].flatMap((r) => (r.kind === 'local' && r.path ? [r.path] : []))];
}

function outputOf(root: string, outDir: string, name: string): string {
  return path.relative(root, path.join(outDir, `${name}.html`)).split(path.sep).join('/');
}

/** Prints a built post's line and problems (text mode) and returns its result. */
function report(result: BuildResult & { rendered: RenderSummary }, name: string, options: BuildOptions): BuildResult {
  const { rendered, cached } = result;
  if (!options.json) {
    const counts = countBySeverity(rendered.messages);
    const mark = counts.errors ? pc.red('✗') : counts.warnings ? pc.yellow('!') : pc.green('✓');
    if (!options.quiet || counts.errors || counts.warnings) {
      process.stderr.write(`${mark} ${result.source} ${pc.dim(`→ ${name}.html  ${formatBytes(rendered.sizes.htmlBytes)}${cached ? '  (cached)' : ''}`)}\n`);
    }
    printProblems(options.quiet ? rendered.messages.filter((m) => m.fatal !== undefined) : rendered.messages);
  }
  return result;
}

function printBuildReport(results: BuildResult[], root: string, indexFile: string, options: BuildOptions): number {
  const all = results.flatMap((r) => r.rendered?.messages ?? []);
  const counts = countBySeverity(all);
  if (options.json) {
    printJson({
      root,
      index: path.relative(root, indexFile).split(path.sep).join('/'),
      posts: results.map((r) =>
        r.rendered
          ? {
              source: r.source,
              output: r.output,
              title: r.rendered.title,
              author: r.rendered.author ?? null,
              digest: r.rendered.digest,
              theme: r.rendered.theme,
              cover: r.rendered.cover?.src ?? null,
              images: r.rendered.images.map((img) => ({ src: img.src, kind: img.kind, line: img.line ?? null })),
              messages: r.rendered.messages.map(problemToJson),
              sizes: r.rendered.sizes,
              ok: r.rendered.ok,
              cached: r.cached === true,
            }
          : { source: r.source, skipped: true, reason: 'draft' },
      ),
      summary: { posts: results.length, rendered: results.filter((r) => r.rendered && !r.cached).length, cached: results.filter((r) => r.cached).length, ...counts },
    });
  } else {
    const built = results.filter((r) => r.rendered).length;
    const cachedCount = results.filter((r) => r.cached).length;
    const skipped = results.length - built;
    process.stderr.write(
      `\nBuilt ${plural(built, 'post')}${cachedCount ? ` (${cachedCount} unchanged, from the cache)` : ''}${skipped ? `, skipped ${skipped}` : ''}: ${plural(counts.errors, 'error')}, ${plural(counts.warnings, 'warning')} → ${path.relative(process.cwd(), indexFile) || indexFile}\n`,
    );
  }
  return counts.errors > 0 ? 1 : 0;
}

/**
 * Output names, flat in one folder so that every page can reach local images with the same relative paths:
 * the path below the posts' common folder with `/` → `--`; a bundle's `index.md` is named after its folder.
 * Names never collide with the overview page (`index.html`), with another post's `<name>.preview.html`, or with
 * each other, compared case-insensitively (macOS and Windows file systems): a clash gets `-2`, `-3`, ….
 */
export function outputNames(sources: string[]): string[] {
  const parts = sources.map((s) => s.split(path.sep).join('/').replace(/\.(md|markdown)$/i, '').split('/'));
  let common = 0;
  const first = parts[0] ?? [];
  while (common < first.length - 1 && parts.every((p) => p.length - 1 > common && p[common] === first[common])) common++;
  const isIndex = (seg: string): boolean => /^(_?index|readme)$/i.test(seg);
  // File names without `.html` in use: the overview page's, and each post's `<name>` and `<name>.preview`.
  const stems = new Set<string>(['index']);
  const free = (name: string): boolean => !stems.has(name.toLowerCase()) && !stems.has(`${name}.preview`.toLowerCase());
  const occupy = (name: string): string => {
    stems.add(name.toLowerCase());
    stems.add(`${name}.preview`.toLowerCase());
    return name;
  };
  const bases = parts.map((p) => {
    let segs = p.slice(common);
    // `a/index.md` is named `a`; so is a lone `a/index.md` whose folder is the common one (`wxmp build a/index.md`).
    if (segs.length > 1 && isIndex(segs[segs.length - 1]!)) segs = segs.slice(0, -1);
    else if (segs.length === 1 && isIndex(segs[0]!) && p.length > 1) segs = [p[p.length - 2]!];
    return segs.join('--').replace(/[\\:*?"<>|\s]+/g, '-') || 'post';
  });
  // Names as they are first, so that a post keeps its own name when only a later one would clash with it.
  const kept = new Set<string>();
  for (const base of new Set(bases)) if (free(base)) kept.add(occupy(base));
  return bases.map((base) => {
    if (kept.delete(base)) return base;
    let n = 2;
    while (!free(`${base}-${n}`)) n++;
    return occupy(`${base}-${n}`);
  });
}
