/**
 * The renderer: Markdown → WeChat HTML (sanitized, themed, styles inlined), with lint messages, themes, and the pool
 * that renders on worker threads. For other folders and library users; modules of this folder import each other
 * directly.
 *
 * Heavy: importing this index loads the whole pipeline (unified, MathJax, highlight.js, juice, cheerio). Code that
 * must start fast imports the light modules directly instead, as the CLI does: resolve-theme.ts (themes and
 * RENDERER_VERSION, no renderer loaded), theme.ts, pool.ts (loads render.ts on the first render), placeholders.ts, and
 * the type modules types.ts and rendered.ts (type-only imports cost nothing at run time, from here or from there).
 * sanitize/template.ts (the theme-template sanitizer, which theme.ts loads when it reads a theme) is not re-exported
 * either: it would load a second HTML parser with the library.
 */
export { renderMarkdown, renderPost } from './render.js';
export type { RenderedPost, RenderOptions } from './rendered.js';
export { builtinTemplatesDir, RENDERER_VERSION, resolveTheme } from './resolve-theme.js';
export { createProcessor } from './processor.js';
export { clearThemeCache, listThemes, loadTheme, ThemeError, type Theme } from './theme.js';
export type { ImageKind, ImageRef, ImageResolver, LinkMode, LinkRef, RenderSettings } from './types.js';
export { POOL_THRESHOLD, RenderPool, renderJob, resolverFor, type ImageMode, type PoolRenderResult, type RenderJob } from './pool.js';
export { imagePlaceholder, substituteImages } from './placeholders.js';
