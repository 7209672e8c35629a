/**
 * The model behind `wxmp dev`: the project's posts, their latest render per theme, what each one reads (its
 * dependencies), its status against the lock file, and the actions (sync one post, upload its images). The server
 * (server.ts) is a thin HTTP face over it; `wxmp build --watch` uses the same dependency tracking.
 *
 * A change on disk re-renders only the posts that read the changed file (the post, its images, its `--8<--`
 * snippets, mkdocs.yml for a nav title); a theme, config or mkdocs.yml change re-renders everything. Listeners hear
 * `post` (one post has a new render) and `index` (titles, statuses or the post list changed).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ResolvedAccount } from '../account/accounts.js';
import type { AccountSession } from '../account/session.js';
import { loadConfig, CONFIG_FILES } from '../config/load.js';
import { loadDotEnv } from '../config/env.js';
import type { WxmpConfig } from '../config/schema.js';
import { discoverPosts } from '../content/discover.js';
import { isWithin } from '../content/local-files.js';
import { loadPost, toSource } from '../content/post.js';
import { substituteImages } from '../render/placeholders.js';
import { renderJob, type PoolRenderResult } from '../render/pool.js';
import type { RenderedPost } from '../render/rendered.js';
import { builtinTemplatesDir, postThemeVersion } from '../render/resolve-theme.js';
import { clearThemeCache, listThemes } from '../render/theme.js';
import type { ImageRef } from '../render/types.js';
import { LOCK_FILE } from '../sync/lock.js';
import { FileHashCache } from '../sync/file-hashes.js';
import { configHashOf, isFresh } from '../sync/stages/freshness.js';
import { isError, problemToJson, type JsonProblem } from '../util/messages.js';
import { globBase } from './watcher.js';

export type DevStatus = 'new' | 'changed' | 'in sync' | 'error' | 'draft';

export interface DevIndexEntry {
  source: string;
  title: string;
  status: DevStatus;
  /** Why the status is `error`, when the lock or the account is the reason rather than a lint error. */
  statusNote?: string;
  errors: number;
  warnings: number;
  theme: string;
  version: number;
}

export interface DevRender {
  source: string;
  version: number;
  /** The theme asked for (undefined: the post's own, from front matter or config). */
  themeOverride?: string;
  rendered: RenderedPost;
  /** Uploadable images in placeholder order (local files, data: URIs, remote URLs). */
  refs: ImageRef[];
  /** The article with local images served by the dev server (`/files/…`). */
  previewHtml: string;
}

/** A post's render failed outright (not a lint error: an exception). */
export interface DevRenderFailure {
  source: string;
  version: number;
  error: string;
}

export type DevEvent = { type: 'post'; source: string; version: number } | { type: 'index' };

interface PostState {
  file: string;
  source: string;
  version: number;
  renders: Map<string, Promise<DevRender | DevRenderFailure>>;
  /** Absolute paths the last render read. */
  deps: Set<string>;
  entry?: DevIndexEntry;
}

export interface DevStudioOptions {
  root: string;
  config?: string;
  /** The environment accounts are resolved from (default process.env, after `.env`). */
  env?: NodeJS.ProcessEnv;
}

/** The URL path the dev server serves a file of the project under. */
export function fileUrl(root: string, file: string): string {
  return `/files/${path.relative(root, file).split(path.sep).map(encodeURIComponent).join('/')}`;
}

export class DevStudio {
  root: string;
  config!: WxmpConfig;
  configFile?: string;
  readonly posts = new Map<string, PostState>();
  private readonly listeners = new Set<(event: DevEvent) => void>();
  private readonly hashes = new FileHashCache();
  private statusSession?: Promise<AccountSession | undefined>;
  private themeNames?: Promise<string[]>;
  /** Remote image URL → sha256, learnt when the dev server uploaded it (for the copied HTML). */
  readonly remoteShas = new Map<string, string>();

  private constructor(private readonly options: DevStudioOptions) {
    this.root = path.resolve(options.root);
  }

  /** Loads the project, renders every post once and computes the statuses. */
  static async open(options: DevStudioOptions): Promise<DevStudio> {
    const studio = new DevStudio(options);
    loadDotEnv(studio.root);
    await studio.loadProject();
    await studio.renderAll();
    return studio;
  }

  on(listener: (event: DevEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: DevEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure (a closed connection) is its own.
      }
    }
  }

  private async loadProject(): Promise<void> {
    const loaded = await loadConfig(this.root, this.options.config);
    this.config = loaded.config;
    this.configFile = loaded.file;
    this.themeNames = undefined;
    await this.discover();
  }

  /** Finds the posts again (a post added or removed); keeps the state of the ones still there. */
  private async discover(): Promise<boolean> {
    const files = await discoverPosts({ root: this.root, include: this.config.include, exclude: this.config.exclude });
    const seen = new Set<string>();
    let changed = false;
    for (const file of files) {
      const source = toSource(this.root, file);
      seen.add(source);
      if (!this.posts.has(source)) {
        this.posts.set(source, { file, source, version: 0, renders: new Map(), deps: new Set([file]) });
        changed = true;
      }
    }
    for (const source of [...this.posts.keys()]) {
      if (!seen.has(source)) {
        this.posts.delete(source);
        changed = true;
      }
    }
    return changed;
  }

  private async renderAll(): Promise<void> {
    await Promise.all([...this.posts.values()].map((state) => this.refresh(state)));
  }

  /** Themes a post can be shown in: the project's (config `templatesDir`) and the built-in ones. */
  themes(): Promise<string[]> {
    this.themeNames ??= (async () => {
      const names = new Set(await listThemes(builtinTemplatesDir));
      if (this.config.templatesDir) for (const name of await listThemes(path.resolve(this.root, this.config.templatesDir))) names.add(name);
      return [...names].sort();
    })();
    return this.themeNames;
  }

  /** Folders a watcher should cover (recursively): the posts' folders, themes and the static folder. */
  watchFolders(): string[] {
    const folders = this.config.include.map((pattern) => globBase(pattern)).filter((base) => base !== '');
    if (this.config.templatesDir) folders.push(this.config.templatesDir);
    if (this.config.staticDir) folders.push(this.config.staticDir);
    if (existsSync(path.join(this.root, 'templates'))) folders.push('templates');
    return folders;
  }

  /** Every file some post read (for watches on folders outside the watched ones). */
  dependencies(): Set<string> {
    const all = new Set<string>();
    for (const state of this.posts.values()) for (const dep of state.deps) all.add(dep);
    return all;
  }

  /** The latest render of a post in a theme (rendered on demand, then cached until something it reads changes). */
  render(source: string, theme?: string): Promise<DevRender | DevRenderFailure> | undefined {
    const state = this.posts.get(source);
    if (!state) return undefined;
    const key = theme ?? '';
    let pending = state.renders.get(key);
    if (!pending) {
      pending = this.renderState(state, theme);
      state.renders.set(key, pending);
    }
    return pending;
  }

  private async renderState(state: PostState, theme: string | undefined): Promise<DevRender | DevRenderFailure> {
    const version = state.version;
    let result: PoolRenderResult;
    try {
      result = await renderJob({ file: state.file, theme, images: { kind: 'placeholders' } }, this.root, this.config);
    } catch (error) {
      return { source: state.source, version, error: error instanceof Error ? error.message : String(error) };
    }
    const { rendered, placeholderRefs: refs } = result;
    if (theme === undefined && version === state.version) {
      const deps = new Set<string>([state.file, ...rendered.includes]);
      for (const ref of [...rendered.images, ...(rendered.cover ? [rendered.cover] : [])]) if (ref.kind === 'local' && ref.path) deps.add(ref.path);
      state.deps = deps;
    }
    const previewHtml = substituteImages(rendered.html, refs.map((ref) => this.previewUrl(ref)));
    return { source: state.source, version, themeOverride: theme, rendered, refs, previewHtml };
  }

  /** Where the page shows an image from: local files through the server, the rest as written. */
  previewUrl(ref: ImageRef): string {
    if (ref.kind === 'local' && ref.path && ref.exists) return fileUrl(this.root, ref.path);
    return ref.src;
  }

  /** Re-renders a post in its own theme, recomputes its index entry, and tells the listeners. */
  private async refresh(state: PostState, bump = false): Promise<void> {
    if (bump) {
      state.version++;
      state.renders.clear();
    }
    const version = state.version;
    const result = await this.render(state.source);
    if (!result || version !== state.version) return;
    state.entry = await this.entryOf(state, result);
  }

  private async entryOf(state: PostState, result: DevRender | DevRenderFailure): Promise<DevIndexEntry> {
    if ('error' in result) {
      return { source: state.source, title: state.source, status: 'error', statusNote: result.error, errors: 1, warnings: 0, theme: this.config.theme, version: state.version };
    }
    const { rendered } = result;
    const errors = rendered.messages.filter(isError).length;
    const warnings = rendered.messages.filter((m) => m.fatal === false).length;
    const base = { source: state.source, title: rendered.title || state.source, errors, warnings, theme: rendered.theme, version: state.version };
    if (rendered.meta.draft === true) return { ...base, status: 'draft' };
    if (errors > 0) return { ...base, status: 'error' };
    try {
      const status = await this.lockStatus(state, rendered);
      return { ...base, ...status };
    } catch (error) {
      return { ...base, status: 'error', statusNote: error instanceof Error ? error.message : String(error) };
    }
  }

  /** new / changed / in sync against the lock file, over every account the post goes to (sync's freshness stage). */
  private async lockStatus(state: PostState, rendered: RenderedPost): Promise<{ status: DevStatus; statusNote?: string }> {
    const session = await this.readSession();
    if (!session) return { status: 'new', statusNote: 'no lock file could be read' };
    const post = await loadPost(state.file, this.root, this.config);
    const themeVersion = await postThemeVersion(post.meta, this.root, this.config).catch(() => 'unknown');
    const configHash = configHashOf(this.config);
    let anyEntry = false;
    let allFresh = true;
    for (const name of post.meta.account ?? [undefined]) {
      const account = session.account(name);
      if ('error' in account) return { status: 'error', statusNote: account.error };
      const entry = session.lock.peekAccount(account.appId)?.posts[post.source];
      if (!entry) {
        allFresh = false;
        continue;
      }
      anyEntry = true;
      if (!(await isFresh(entry, { post, account, themeVersion, configHash }, this.root, this.hashes))) allFresh = false;
    }
    void rendered;
    if (!anyEntry) return { status: 'new' };
    return { status: allFresh ? 'in sync' : 'changed' };
  }

  /** A read-only session (no request, no secret needed): accounts and the lock file, for statuses. */
  readSession(): Promise<AccountSession | undefined> {
    this.statusSession ??= (async () => {
      const { openSession } = await import('../account/session.js');
      try {
        return await openSession({ root: this.root, config: this.config, readOnly: true, env: this.options.env });
      } catch {
        return undefined;
      }
    })();
    return this.statusSession;
  }

  /** After a sync or an upload (or the lock file changed on disk): statuses again. */
  async refreshStatuses(): Promise<void> {
    this.statusSession = undefined;
    await Promise.all(
      [...this.posts.values()].map(async (state) => {
        const result = await this.render(state.source);
        if (result) state.entry = await this.entryOf(state, result);
      }),
    );
    this.emit({ type: 'index' });
  }

  index(): DevIndexEntry[] {
    return [...this.posts.values()].map(
      (state) => state.entry ?? { source: state.source, title: state.source, status: 'new', errors: 0, warnings: 0, theme: this.config.theme, version: state.version },
    );
  }

  /** The account a post goes to first (where its images are uploaded). */
  async accountOf(source: string, session: AccountSession): Promise<ResolvedAccount | { error: string }> {
    const state = this.posts.get(source);
    if (!state) return { error: `unknown post ${source}` };
    const post = await loadPost(state.file, this.root, this.config);
    return session.account(post.meta.account?.[0]);
  }

  /** Handles a batch of changed paths from the watcher: re-renders what they affect, then tells the listeners. */
  async handleChanges(paths: Iterable<string>): Promise<void> {
    const changed = [...paths].map((p) => path.resolve(p));
    const configFiles = new Set([...CONFIG_FILES.map((f) => path.join(this.root, f)), path.join(this.root, 'mkdocs.yml'), ...(this.configFile ? [this.configFile] : [])]);
    const themeDirs = [builtinTemplatesDir, path.join(this.root, 'templates'), ...(this.config.templatesDir ? [path.resolve(this.root, this.config.templatesDir)] : [])];
    const lockFiles = new Set([path.join(this.root, LOCK_FILE), path.join(this.root, '.wxmp', 'sandbox', LOCK_FILE)]);

    if (changed.some((p) => configFiles.has(p))) {
      clearThemeCache();
      await this.loadProject();
      for (const state of this.posts.values()) {
        state.version++;
        state.renders.clear();
      }
      this.statusSession = undefined;
      await this.renderAll();
      for (const state of this.posts.values()) this.emit({ type: 'post', source: state.source, version: state.version });
      this.emit({ type: 'index' });
      return;
    }

    const affected = new Set<PostState>();
    if (changed.some((p) => themeDirs.some((dir) => isWithin(p, dir)))) {
      clearThemeCache();
      this.themeNames = undefined;
      for (const state of this.posts.values()) affected.add(state);
    }
    const markdown = changed.filter((p) => /\.(md|markdown)$/i.test(p));
    const listChanged = markdown.some((p) => !this.posts.has(toSource(this.root, p)) || !existsSync(p)) ? await this.discover() : false;
    for (const state of this.posts.values()) {
      if (changed.some((p) => state.deps.has(p) || p === state.file)) affected.add(state);
      else if (state.version === 0 && !state.entry) affected.add(state);
    }
    // The page hears about a new render as soon as it exists; the lock status (file hashes) follows.
    await Promise.all(
      [...affected].map(async (state) => {
        state.version++;
        state.renders.clear();
        const version = state.version;
        const result = await this.render(state.source);
        if (!result || version !== state.version) return;
        this.emit({ type: 'post', source: state.source, version });
        state.entry = await this.entryOf(state, result);
      }),
    );
    if (changed.some((p) => lockFiles.has(p))) {
      await this.refreshStatuses();
      return;
    }
    if (affected.size > 0 || listChanged) this.emit({ type: 'index' });
  }
}

export function problemsOf(rendered: RenderedPost): JsonProblem[] {
  return rendered.messages.map(problemToJson);
}
