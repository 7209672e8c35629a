/**
 * The render cache of `wxmp build`: `.wxmp/cache/render/<key>.json`, one file per rendered post.
 *
 * Two levels, because what a render reads is only known once it has run:
 * - the key is a hash of what is known before rendering — the post's path and raw content, the theme's files, every
 *   code theme's CSS (built-in and the project's; which one a post uses is in its front matter or the config), the
 *   payload-relevant config, the `--theme` flag and image mode, wxmp's version, RENDERER_VERSION and the compiled
 *   renderer's stamp;
 * - the entry records every file the render read (local images, `--8<--` snippets, mkdocs.yml) with its sha256 (null:
 *   did not exist); a lookup re-hashes them (FileHashCache: size+mtime, so an unchanged file is not read again) and
 *   any difference is a miss.
 *
 * Light on purpose: a hit loads nothing of the renderer (no unified, no MathJax, no sanitizer). Bounded (oldest
 * entries evicted past `maxEntries` or `maxBytes`), written atomically (temp + rename), and safe to delete at any time.
 */
import { existsSync, statSync } from 'node:fs';
import { readdir, readFile, rm, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { WxmpConfig } from '../config/schema.js';
import { resolveInside } from '../content/local-files.js';
import { FileHashCache } from '../sync/file-hashes.js';
import { configHashOf } from '../sync/stages/freshness.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { isBundled, packageRoot, packageVersion } from '../util/package-root.js';
import { sha256, stableStringify } from '../util/hash.js';
import { problem, problemToJson, type JsonProblem } from '../util/messages.js';
import type { RenderedPost } from './rendered.js';
import { builtinTemplatesDir, RENDERER_VERSION } from './resolve-theme.js';
import { CODE_THEMES_DIR, isThemeName } from './theme.js';
import type { ImageRef } from './types.js';

/** Bumped when the entry format or the key's recipe changes. */
const CACHE_FORMAT = '2';

export const DEFAULT_MAX_ENTRIES = 2000;
export const DEFAULT_MAX_BYTES = 200 * 1024 * 1024;

export function renderCacheDir(root: string): string {
  return path.join(root, '.wxmp', 'cache', 'render');
}

/** Same file as the sync's (src/sync/engine.ts fileHashCacheFile), without importing the sync engine. */
function fileHashesFile(root: string): string {
  return path.join(root, '.wxmp', 'cache', 'file-hashes.json');
}

/**
 * A render as stored: messages as plain JSON (VFileMessage instances do not survive JSON or thread cloning), and
 * without the intermediate `bodyHtml` / `preInlineHtml` (empty on a hit: `wxmp build` writes `html`; with math they
 * are megabytes each).
 */
export type StoredRender = Omit<RenderedPost, 'messages'> & { messages: JsonProblem[] };

export function renderedToJson(rendered: RenderedPost): StoredRender {
  return { ...rendered, bodyHtml: '', preInlineHtml: '', messages: rendered.messages.map(problemToJson) };
}

export function renderedFromJson(stored: StoredRender): RenderedPost {
  const messages = stored.messages.map((m) =>
    problem(m.file, m.message, { line: m.line ?? undefined, column: m.column ?? undefined }, m.ruleId ?? 'wxmp', m.severity),
  );
  return { ...stored, messages };
}

/** A render without its HTML (title, digest, images, messages, sizes…): see RenderCache.getSummary. */
export type RenderSummary = Omit<RenderedPost, 'html' | 'bodyHtml' | 'preInlineHtml'>;

const SUMMARY_SUFFIX = '.summary.json';

/** A render without its HTML strings. */
export function summaryOf(rendered: RenderedPost): RenderSummary {
  const { html, bodyHtml, preInlineHtml, ...summary } = rendered;
  void [html, bodyHtml, preInlineHtml];
  return summary;
}

interface Entry {
  v: string;
  key: string;
  /** Files the render read, relative to the root (`/`-separated) → sha256, or null when it did not exist. */
  inputs: Record<string, string | null>;
  rendered: StoredRender;
}

export interface RenderKeyParts {
  /** The post's path relative to the root (it appears in messages and resolves relative images). */
  source: string;
  raw: string;
  /** `--theme`, else the post's `theme:`, else the config's. */
  theme: string;
  /** `--theme` itself (an unknown post theme falls back to the config's; an unknown `--theme` fails). */
  themeFlag?: string;
  /** How image sources are rewritten (ImageMode of the pool), as given to the renderer. */
  images: unknown;
}

interface RenderCacheOptions {
  maxEntries?: number;
  maxBytes?: number;
  /** wxmp's version (package.json). */
  version?: string;
}

function wxmpVersion(): string {
  try {
    return packageVersion();
  } catch {
    return 'unknown';
  }
}

/**
 * When the compiled renderer was written: a development checkout recompiled after a renderer change gets a new stamp,
 * so its cache does not serve output of the previous code (an installed package's stamp never changes).
 */
function rendererStamp(): string {
  // In the CLI bundle the renderer is in chunks written together with the worker entry (scripts/bundle.mjs).
  const candidates = isBundled ? [path.join(packageRoot(), 'dist/bundle/worker.js')] : ['render.js', 'render.ts'].map((name) => fileURLToPath(new URL(`./${name}`, import.meta.url)));
  for (const file of candidates) {
    const info = statSync(file, { throwIfNoEntry: false });
    if (info) return `${path.basename(file)}@${info.mtimeMs}`;
  }
  return '';
}

export class RenderCache {
  readonly dir: string;
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly base: string;
  private readonly themeHashes = new Map<string, Promise<string | undefined>>();
  private written = 0;
  /** Lookups answered from the cache / written to it in this process. */
  hits = 0;
  misses = 0;

  private constructor(
    readonly root: string,
    private readonly config: WxmpConfig,
    readonly hashes: FileHashCache,
    options: RenderCacheOptions,
    codeThemes: string,
  ) {
    this.dir = renderCacheDir(root);
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    const { lint, limits, frontMatter } = config;
    this.base = sha256(
      stableStringify({
        v: CACHE_FORMAT,
        wxmp: options.version ?? wxmpVersion(),
        renderer: RENDERER_VERSION,
        stamp: rendererStamp(),
        root,
        // The payload-relevant config, plus what changes a build's messages (lint, limits).
        config: configHashOf(config),
        messages: { lint, limits, frontMatter },
        codeThemes,
      }),
    );
  }

  static async open(root: string, config: WxmpConfig, options: RenderCacheOptions & { hashes?: FileHashCache } = {}): Promise<RenderCache> {
    const hashes = options.hashes ?? (await FileHashCache.load(fileHashesFile(root)));
    const resolved = path.resolve(root);
    return new RenderCache(resolved, config, hashes, options, await codeThemesHash(resolved, config));
  }

  /** The key of a post's render, or undefined when its theme cannot be read (then it is rendered, not cached). */
  async keyOf(parts: RenderKeyParts): Promise<string | undefined> {
    const [theme, fallback] = await Promise.all([this.themeHash(parts.theme), this.themeHash(this.config.theme)]);
    if (!theme) return undefined;
    return sha256(
      stableStringify({
        base: this.base,
        source: parts.source,
        raw: sha256(parts.raw),
        theme: parts.theme,
        themeVersion: theme,
        fallbackTheme: fallback ?? null,
        themeFlag: parts.themeFlag ?? null,
        images: parts.images,
      }),
    );
  }

  /** The stored render for the key, when every file it read is unchanged. */
  async get(key: string): Promise<RenderedPost | undefined> {
    const entry = await this.readEntry(key, this.fileOf(key), (bytes) => gunzipSync(bytes).toString('utf8'));
    if (!entry) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    return renderedFromJson(entry.rendered);
  }

  /**
   * The stored render without its HTML, when every file it read is unchanged: what a build needs for a post whose
   * output files are already written (src/cli/build-outputs.ts), read from a small sidecar instead of the gzipped entry.
   */
  async getSummary(key: string): Promise<RenderSummary | undefined> {
    const entry = await this.readEntry(key, this.summaryFileOf(key), (bytes) => bytes.toString('utf8'));
    if (!entry) return undefined;
    this.hits++;
    return summaryOf(renderedFromJson(entry.rendered));
  }

  /** An entry (or its summary) stored for the key whose read files are all unchanged; the entry counts as used. */
  private async readEntry(key: string, file: string, decode: (bytes: Buffer) => string): Promise<Entry | undefined> {
    let entry: Entry;
    try {
      entry = JSON.parse(decode(await readFile(file))) as Entry;
    } catch {
      return undefined;
    }
    if (entry.v !== CACHE_FORMAT || entry.key !== key || !(await this.inputsUnchanged(entry.inputs))) return undefined;
    // Recently used entries are evicted last (eviction ranks the gzipped entries).
    const now = new Date();
    await utimes(this.fileOf(key), now, now).catch(() => undefined);
    return entry;
  }

  /** Stores a render under its key, with the hashes of every file it read (and its summary beside it). */
  async set(key: string, rendered: RenderedPost): Promise<void> {
    const inputs: Record<string, string | null> = {};
    for (const abs of inputsOf(rendered, this.root)) inputs[this.relative(abs)] = (await this.hashes.hash(abs)) ?? null;
    const entry: Entry = { v: CACHE_FORMAT, key, inputs, rendered: renderedToJson(rendered) };
    // Gzip (fast level): formula SVGs make a math-heavy post's HTML megabytes, mostly repeated path data.
    await writeFileAtomic(this.fileOf(key), gzipSync(JSON.stringify(entry), { level: 1 }));
    await writeFileAtomic(this.summaryFileOf(key), JSON.stringify({ ...entry, rendered: { ...entry.rendered, html: '' } }));
    this.written++;
  }

  /** Evicts the oldest entries past the bounds (only after something was written) and saves the file hashes. */
  async close(): Promise<void> {
    await this.hashes.save().catch(() => undefined);
    if (this.written > 0) await this.prune();
  }

  async prune(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return;
    }
    const entries: { file: string; size: number; mtimeMs: number }[] = [];
    const present = new Set(names);
    for (const name of names) {
      const file = path.join(this.dir, name);
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) continue;
      // A temp file left by a killed process.
      if (name.endsWith('.tmp')) {
        if (Date.now() - info.mtimeMs > 60_000) await rm(file, { force: true });
        continue;
      }
      if (name.endsWith('.json.gz')) entries.push({ file, size: info.size, mtimeMs: info.mtimeMs });
      // A summary whose entry is gone (evicted, or a process killed between the two writes).
      else if (name.endsWith(SUMMARY_SUFFIX) && !present.has(name.slice(0, -SUMMARY_SUFFIX.length) + '.json.gz')) await rm(file, { force: true });
    }
    entries.sort((a, b) => b.mtimeMs - a.mtimeMs);
    let bytes = 0;
    for (const [i, entry] of entries.entries()) {
      bytes += entry.size;
      if (i >= this.maxEntries || bytes > this.maxBytes) {
        await rm(entry.file, { force: true });
        await rm(entry.file.slice(0, -'.json.gz'.length) + SUMMARY_SUFFIX, { force: true });
      }
    }
  }

  private fileOf(key: string): string {
    return path.join(this.dir, `${key}.json.gz`);
  }

  private summaryFileOf(key: string): string {
    return path.join(this.dir, `${key}${SUMMARY_SUFFIX}`);
  }

  private relative(abs: string): string {
    return path.relative(this.root, abs).split(path.sep).join('/');
  }

  private async inputsUnchanged(inputs: Record<string, string | null>): Promise<boolean> {
    for (const [rel, digest] of Object.entries(inputs)) {
      if (((await this.hashes.hash(path.resolve(this.root, rel))) ?? null) !== digest) return false;
    }
    return true;
  }

  /**
   * The theme's version for the key: a hash of its files as found by resolveTheme (the project's templatesDir first,
   * then the built-in themes). Read raw, without loading the template sanitizer; undefined when the theme is unknown.
   */
  private themeHash(name: string): Promise<string | undefined> {
    let hash = this.themeHashes.get(name);
    if (!hash) {
      hash = readThemeHash(name, this.root, this.config);
      this.themeHashes.set(name, hash);
    }
    return hash;
  }
}

async function readThemeHash(name: string, root: string, config: WxmpConfig): Promise<string | undefined> {
  if (!isThemeName(name)) return undefined;
  let dir = path.join(builtinTemplatesDir, name);
  if (config.templatesDir) {
    const own = path.join(path.resolve(root, config.templatesDir), name);
    if (existsSync(own)) {
      if (resolveInside(own, [root]).status === 'outside') return undefined;
      dir = own;
    }
  }
  const read = (file: string) => readFile(path.join(dir, file)).catch(() => undefined);
  const [css, template, meta] = await Promise.all([read('theme.css'), read('template.html'), read('theme.json')]);
  if (!css) return undefined;
  return sha256(stableStringify({ dir, css: sha256(css), template: template ? sha256(template) : null, meta: meta ? sha256(meta) : null }));
}

/**
 * A hash of every code theme's CSS a render may append (`code-themes/*.css`, built-in and in the project's
 * templatesDir): a post's code theme is named in its front matter or the config (both already in the key), so only the
 * files' content is missing. Small files, read once per cache.
 */
async function codeThemesHash(root: string, config: WxmpConfig): Promise<string> {
  const dirs = [path.join(builtinTemplatesDir, CODE_THEMES_DIR)];
  if (config.templatesDir) {
    const own = path.join(path.resolve(root, config.templatesDir), CODE_THEMES_DIR);
    if (existsSync(own) && resolveInside(own, [root]).status === 'inside') dirs.push(own);
  }
  const files: Record<string, string> = {};
  for (const dir of dirs) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith('.css')).sort()) {
      const css = await readFile(path.join(dir, name)).catch(() => undefined);
      if (css) files[path.join(dir, name)] = sha256(css);
    }
  }
  return sha256(stableStringify(files));
}

/** Every file a render read: local images (and the cover), included snippets, and where mkdocs.yml is looked for. */
export function inputsOf(rendered: RenderedPost, root: string): string[] {
  const images: ImageRef[] = [...rendered.images, ...(rendered.cover ? [rendered.cover] : [])];
  const files = new Set<string>([
    ...rendered.includes,
    ...images.flatMap((ref) => (ref.kind === 'local' && ref.path ? [ref.path] : [])),
    // A nav title can come from an mkdocs.yml that appears later (src/content/mkdocs-nav.ts looks in the root and its parent).
    ...[root, path.dirname(root)].flatMap((dir) => ['mkdocs.yml', 'mkdocs.yaml'].map((name) => path.join(dir, name))),
  ]);
  return [...files];
}
