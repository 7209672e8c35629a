/**
 * Themes: one folder per theme under `templates/<name>/` holding `theme.css` (styles for the `wx-*` class
 * vocabulary of src/render/types.ts and plain tags), `template.html` (the article wrapper with a single
 * `{{content}}` placeholder) and `theme.json` (`{"name","description","version"}`).
 *
 * Code themes are single files, `templates/code-themes/<name>.css`: the code block's background and text and the
 * `hljs-*` token colours, appended after the article theme's CSS (withCodeTheme) so that juice inlines them over it.
 * `code-themes/` holds no theme.css, so it is never listed as an article theme. The render cache's key covers every
 * code theme's CSS (cache.ts); the sync's fingerprint has the code theme's name (config, front matter) but only the
 * article theme's files: a change to a shipped code theme's colours bumps RENDERER_VERSION, and drafts made with a
 * project's own code theme that was edited in place are re-sent with `wxmp sync --force`.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { sha256 } from '../util/hash.js';
import { packageRoot } from '../util/package-root.js';

export interface Theme {
  name: string;
  /** From theme.json; empty when the theme does not describe itself. */
  description: string;
  css: string;
  template: string;
  /** Short hash of css + template: changes whenever the rendered output of the theme may change. */
  version: string;
}

/** The placeholder in template.html that the rendered article body replaces. */
export const CONTENT_PLACEHOLDER = '{{content}}';

/** The themes shipped with the package (`templates/` at the package root; same depth from src/ and dist/). */
export const defaultTemplatesDir = path.join(packageRoot(), 'templates');

const THEME_NAME = /^[a-z0-9][a-z0-9._-]*$/i;

/** A theme that cannot be used (unknown, broken or outside the project): the user's to fix, with the message saying how. */
export class ThemeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ThemeError';
  }
}

/** A theme name is a plain folder name (a post's `theme:` can never be a path). */
export function isThemeName(name: string): boolean {
  return THEME_NAME.test(name);
}


/** Theme names (folders holding a theme.css) under `templatesDir`, sorted. */
export async function listThemes(templatesDir: string = defaultTemplatesDir): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(templatesDir, { withFileTypes: true });
  } catch {
    return [];
  }
  const names: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || !THEME_NAME.test(entry.name)) continue;
    if (await isFile(path.join(templatesDir, entry.name, 'theme.css'))) names.push(entry.name);
  }
  return names.sort();
}

/**
 * What was read from a few files, kept while none of them changes (size and mtime, checked on each use): a build
 * reads each theme once, and a long-running `wxmp serve` or `wxmp dev` still sees a theme edited under it. A failed
 * read is not kept: the user may fix the theme and retry in the same process.
 */
class FileBackedCache<T> {
  private readonly entries = new Map<string, { stamp: string; value: Promise<T> }>();

  async get(key: string, files: string[], read: () => Promise<T>): Promise<T> {
    const stamp = (await Promise.all(files.map((file) => stat(file).then((s) => `${s.size}:${s.mtimeMs}`, () => '-')))).join('|');
    const hit = this.entries.get(key);
    if (hit && hit.stamp === stamp) return hit.value;
    const value = read();
    this.entries.set(key, { stamp, value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}

/** The files a theme is read from. */
function themeFiles(name: string, templatesDir: string): string[] {
  return ['theme.css', 'template.html', 'theme.json'].map((file) => path.join(templatesDir, name, file));
}

const cache = new FileBackedCache<Theme>();

/** Loads `templatesDir/<name>/`; kept while its files are unchanged, so a build of many posts reads each theme once. */
export function loadTheme(name: string, templatesDir: string = defaultTemplatesDir): Promise<Theme> {
  const dir = path.resolve(templatesDir);
  return cache.get(`${dir}\0${name}`, themeFiles(name, dir), () => readTheme(name, dir));
}

/** Forgets cached themes and code themes (for watch mode after a theme file changed). */
export function clearThemeCache(): void {
  cache.clear();
  versionCache.clear();
  codeThemeCache.clear();
}

/** The folder of code themes inside a templates folder. */
export const CODE_THEMES_DIR = 'code-themes';

export interface CodeTheme {
  name: string;
  css: string;
  /** Short hash of the CSS. */
  version: string;
}

const codeThemeCache = new FileBackedCache<CodeTheme>();

/** Code theme names (`code-themes/<name>.css`) under `templatesDir`, sorted. */
export async function listCodeThemes(templatesDir: string = defaultTemplatesDir): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(path.join(templatesDir, CODE_THEMES_DIR), { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.css') && THEME_NAME.test(entry.name.slice(0, -4)))
    .map((entry) => entry.name.slice(0, -4))
    .sort();
}

/** Loads `templatesDir/code-themes/<name>.css`; cached like loadTheme. An unknown name is a ThemeError listing the known ones. */
export function loadCodeTheme(name: string, templatesDir: string = defaultTemplatesDir): Promise<CodeTheme> {
  const dir = path.join(path.resolve(templatesDir), CODE_THEMES_DIR);
  return codeThemeCache.get(`${dir}\0${name}`, [path.join(dir, `${name}.css`)], () => readCodeTheme(name, dir));
}

async function readCodeTheme(name: string, dir: string): Promise<CodeTheme> {
  const file = path.join(dir, `${name}.css`);
  const css = THEME_NAME.test(name) ? await readOptional(file) : undefined;
  if (css === undefined) {
    const available = await listCodeThemes(path.dirname(dir));
    throw new ThemeError(
      `Unknown code theme "${name}" in ${dir}. ` + (available.length ? `Available code themes: ${available.join(', ')}.` : 'That folder holds no code theme (no *.css).'),
    );
  }
  return { name, css, version: shortHash(css) };
}

/**
 * The article theme with a code theme's CSS after its own (same selectors, later rules win when juice inlines them), and
 * a version that changes with either.
 */
export function withCodeTheme(theme: Theme, codeTheme: CodeTheme | undefined): Theme {
  if (!codeTheme) return theme;
  return { ...theme, css: `${theme.css}\n/* code theme: ${codeTheme.name} */\n${codeTheme.css}`, version: shortHash(theme.version, codeTheme.version) };
}

const versionCache = new FileBackedCache<string>();

/**
 * A theme's version without loading it: a hash of its files as written. The sync's freshness check compares it for
 * every post, so it must not load the template sanitizer (css-tree, parse5: ~170 modules) when nothing changed.
 */
export function loadThemeVersion(name: string, templatesDir: string = defaultTemplatesDir): Promise<string> {
  const dir = path.resolve(templatesDir);
  return versionCache.get(`${dir}\0${name}`, themeFiles(name, dir), () => readThemeFiles(name, dir).then(({ css, template }) => themeVersion(css, template)));
}

/** Short hash of a theme's CSS and its template as written (before sanitizing: the same files give the same version). */
function themeVersion(css: string, template: string | undefined): string {
  return shortHash(css, template ?? '');
}

/** The first 12 hex digits of the SHA-256 of the parts joined by NUL: the versions of themes and code themes. */
function shortHash(...parts: string[]): string {
  return sha256(parts.join('\0')).slice(0, 12);
}

async function readThemeFiles(name: string, dir: string): Promise<{ themeDir: string; css: string; template?: string; meta?: string }> {
  const themeDir = path.join(dir, name);
  if (!THEME_NAME.test(name) || !(await isFile(path.join(themeDir, 'theme.css')))) {
    const available = await listThemes(dir);
    throw new ThemeError(
      `Unknown theme "${name}" in ${dir}. ` +
        (available.length ? `Available themes: ${available.join(', ')}.` : 'That folder holds no theme (no */theme.css).'),
    );
  }
  const [css, template, meta] = await Promise.all([
    readFile(path.join(themeDir, 'theme.css'), 'utf8'),
    readOptional(path.join(themeDir, 'template.html')),
    readOptional(path.join(themeDir, 'theme.json')),
  ]);
  return { themeDir, css, template, meta };
}

async function readTheme(name: string, dir: string): Promise<Theme> {
  const { themeDir, css, template, meta } = await readThemeFiles(name, dir);
  const written = (template ?? `<section class="wx-article">${CONTENT_PLACEHOLDER}</section>`).trim();
  // wxmp's own templates are already what the sanitizer returns (test/render/theme.test.ts checks it), so only a
  // project's theme loads the sanitizer and its HTML parser (parse5: ~20 ms of a one-post build's start-up). Loaded
  // here, not at the top: the sync's freshness check uses loadThemeVersion and never loads the sanitizer.
  const html = path.resolve(dir) === path.resolve(defaultTemplatesDir) ? written : (await import('./sanitize/template.js')).sanitizeTemplate(written);
  const count = html.split(CONTENT_PLACEHOLDER).length - 1;
  if (count !== 1) {
    throw new ThemeError(
      `Theme "${name}": ${path.join(themeDir, 'template.html')} must contain ${CONTENT_PLACEHOLDER} exactly once (found ${count}).`,
    );
  }
  let description = '';
  if (meta !== undefined) {
    try {
      const parsed = JSON.parse(meta) as { description?: unknown };
      if (typeof parsed.description === 'string') description = parsed.description;
    } catch (error) {
      throw new ThemeError(`Theme "${name}": ${path.join(themeDir, 'theme.json')} is not valid JSON (${(error as Error).message}).`);
    }
  }
  return { name, description, css, template: html, version: themeVersion(css, template) };
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
