import { existsSync } from 'node:fs';
import path from 'node:path';
import type { WxmpConfig } from '../config/schema.js';
import type { PostMeta } from '../content/post.js';
import { resolveInside } from '../content/local-files.js';
import { CODE_THEMES_DIR, defaultTemplatesDir, isThemeName, loadCodeTheme, loadTheme, loadThemeVersion, ThemeError, type CodeTheme, type Theme } from './theme.js';

/** Bumped when a change to the renderer changes its output: part of the sync's fingerprint. */
export const RENDERER_VERSION = '4';

/** The themes shipped with wxmp (`templates/` at the package root). */
export const builtinTemplatesDir = defaultTemplatesDir;

/** Resolves a theme by name: the config's `templatesDir` first, then the built-in themes. Light: no renderer loaded. */
export async function resolveTheme(name: string, root: string, config: WxmpConfig): Promise<Theme> {
  return loadTheme(name, themeFolder(name, root, config));
}

/**
 * The version of the theme resolveTheme would load, from its files as written (no sanitizer loaded), and of the code
 * theme appended to it when there is one: the sync's fingerprint changes when either file changes.
 */
export async function resolveThemeVersion(name: string, root: string, config: WxmpConfig, codeTheme?: string): Promise<string> {
  const version = await loadThemeVersion(name, themeFolder(name, root, config));
  return codeTheme === undefined ? version : `${version}+${(await resolveCodeTheme(codeTheme, root, config)).version}`;
}

/**
 * The theme version in a post's sync fingerprint: its theme (front matter, else the config's) with its code theme
 * (likewise). The sync, `wxmp publish` and the dev studio compare fingerprints with it, so all three call this.
 */
export function postThemeVersion(meta: Pick<PostMeta, 'theme' | 'code_theme'>, root: string, config: WxmpConfig): Promise<string> {
  return resolveThemeVersion(meta.theme ?? config.theme, root, config, meta.code_theme ?? config.codeTheme);
}

/** The templates folder a theme name resolves in: the project's when it has that theme, else the built-in one. */
function themeFolder(name: string, root: string, config: WxmpConfig): string {
  if (config.templatesDir && isThemeName(name)) {
    const userDir = path.resolve(root, config.templatesDir);
    const themeDir = path.join(userDir, name);
    if (existsSync(themeDir)) {
      // A project's theme is read like a post's images: from inside the project only (docs/security.md).
      const resolved = resolveInside(themeDir, [root]);
      if (resolved.status === 'outside') throw new ThemeError(`Theme "${name}": ${themeDir} ${resolved.reason}: not read`);
      return userDir;
    }
  }
  return builtinTemplatesDir;
}

/**
 * Resolves a code theme by name: `<templatesDir>/code-themes/<name>.css` first, then the built-in ones. An unknown name
 * is a ThemeError listing the built-in code themes.
 */
export async function resolveCodeTheme(name: string, root: string, config: WxmpConfig): Promise<CodeTheme> {
  if (config.templatesDir && isThemeName(name)) {
    const userDir = path.resolve(root, config.templatesDir);
    const file = path.join(userDir, CODE_THEMES_DIR, `${name}.css`);
    if (existsSync(file)) {
      // Read from inside the project only, like a project theme (docs/security.md).
      const resolved = resolveInside(file, [root]);
      if (resolved.status === 'outside') throw new ThemeError(`Code theme "${name}": ${file} ${resolved.reason}: not read`);
      return loadCodeTheme(name, userDir);
    }
  }
  return loadCodeTheme(name, builtinTemplatesDir);
}
