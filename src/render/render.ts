import { createHash } from 'node:crypto';
import path from 'node:path';
import { VFile } from 'vfile';
import { resolveConfig } from '../config/load.js';
import type { WxmpConfig } from '../config/schema.js';
import { lineOfKey } from '../content/front-matter.js';
import { convertMkdocsBlocks } from '../content/mkdocs.js';
import { mkdocsNavTitle } from '../content/mkdocs-nav.js';
import { parsePost, type Post } from '../content/post.js';
import { isError, problem, type Problem } from '../util/messages.js';
import { articleAuthor, articleCover, articleDigest, articleTitle, wantsNavTitle } from './article-meta.js';
import { inlineArticle } from './inline.js';
import { lintArticle } from './lint.js';
import { themeMetrics } from './plugins/rehype/scroll-hints/metrics.js';
import { getProcessor } from './processor.js';
import type { RenderedPost, RenderOptions } from './rendered.js';
import { resolveCodeTheme, resolveTheme } from './resolve-theme.js';
import { ThemeError, withCodeTheme, type CodeTheme, type Theme } from './theme.js';
import { defaultRenderSettings, type ImageResolver, type RenderSettings } from './types.js';

export { RENDERER_VERSION, builtinTemplatesDir, resolveTheme } from './resolve-theme.js';
export type { RenderedPost, RenderOptions } from './rendered.js';

/** Plugin messages that are errors: the post would be published broken. */
const ERROR_RULES = new Set(['math-too-many', 'image-missing', 'image-no-src', 'image-outside-root', 'snippet-missing', 'snippet-outside-root', 'mermaid-syntax']);

/** Per-post render settings: config defaults, then the post's front matter. */
function settingsFor(post: Post, root: string, config: WxmpConfig, resolveImage?: ImageResolver): RenderSettings {
  return {
    ...defaultRenderSettings,
    baseDir: path.dirname(post.path),
    staticDir: config.staticDir ? path.resolve(root, config.staticDir) : undefined,
    links: post.meta.links ?? config.render.links,
    cjkSpacing: post.meta.cjk_spacing ?? config.render.cjkSpacing,
    math: post.meta.math ?? config.render.math,
    maxFormulas: config.limits.formulas,
    tabSize: config.render.tabSize,
    codeLineNumbers: config.render.codeLineNumbers,
    codeWindowBar: post.meta.code_window_bar ?? config.render.codeWindowBar ?? false,
    rootDir: root,
    snippets: config.render.mkdocs,
    mermaid: config.mermaid,
    resolveImage,
  };
}

/** Scroll hints in the config's language, sized for the post's theme. */
function scrollHintsFor(config: WxmpConfig, theme: Theme): RenderSettings['scrollHints'] {
  const language = config.render.scrollHints ?? 'auto';
  if (language === 'off') return { language };
  return { language, metrics: themeMetrics(theme.css) };
}

/** Renders one loaded post to WeChat HTML, with lint messages. Never throws for content problems. */
export async function renderPost(post: Post, options: RenderOptions): Promise<RenderedPost> {
  const { config, root } = options;
  const { theme, problems: themeProblems } = await themeFor(post, options);
  if (post.blocked) return unrenderedPost(post, theme);

  const settings = settingsFor(post, root, config, options.resolveImage);
  settings.scrollHints = scrollHintsFor(config, theme);
  const file = postFile(post, settings, options);
  let bodyHtml: string;
  let inlined: ReturnType<typeof inlineArticle>;
  try {
    await getProcessor().process(file);
    bodyHtml = String(file.value);
    inlined = inlineArticle(bodyHtml, theme);
  } catch (error) {
    // One post that defeats a plugin (a stack overflow on a deep tree the limits let through) is one error at its
    // file, never the end of a build of hundreds (docs/security.md).
    const reason = error instanceof RangeError ? `${error.message}: the post nests too deeply` : (error as Error).message;
    return unrenderedPost(post, theme, problem(post.source, `Cannot render this post: ${reason}`, { line: 1 }, 'render-failed', 'error'));
  }
  const { html, preInlineHtml } = inlined;

  // Title, digest, author and cover: the rules are in article-meta.ts.
  const text = file.data.text ?? '';
  const headingTitle = file.data.headingTitle;
  const navTitle = wantsNavTitle(post, headingTitle, config) ? mkdocsNavTitle(root, post.path) : undefined;
  const digest = articleDigest(post, text, file.data.digestText, config.lint.digestMax);
  const author = articleAuthor(post, config);
  const images = file.data.images ?? [];

  const rendered: RenderedPost = {
    source: post.source,
    title: articleTitle(post, headingTitle, navTitle?.title),
    author: author.author,
    authorShortened: author.shortened,
    digest: digest.digest,
    digestDerived: digest.derived,
    digestShortened: digest.shortened,
    html,
    bodyHtml,
    preInlineHtml,
    images,
    cover: articleCover(post, images, root, config, settings),
    linkRefs: file.data.linkRefs ?? [],
    includes: [...(file.data.includes ?? []), ...(navTitle ? [navTitle.file] : [])],
    mathCount: file.data.mathCount ?? 0,
    theme: theme.name,
    themeVersion: theme.version,
    meta: post.meta,
    messages: [],
    sizes: {
      markdownBytes: Buffer.byteLength(post.raw),
      textChars: [...text].length,
      bodyHtmlBytes: Buffer.byteLength(bodyHtml),
      preInlineBytes: Buffer.byteLength(preInlineHtml),
      htmlBytes: Buffer.byteLength(html),
    },
    htmlHash: createHash('sha256').update(html).digest('hex'),
    ok: true,
  };
  const pluginMessages = file.messages.map((message) => {
    message.file = post.source;
    // Plugins report with `file.message` (a warning); some problems must stop the post from being sent.
    if (message.ruleId && ERROR_RULES.has(message.ruleId)) message.fatal = true;
    return message;
  });
  rendered.messages = [...post.messages, ...themeProblems, ...pluginMessages, ...(await lintArticle(rendered, post, config))];
  rendered.messages.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  rendered.ok = !rendered.messages.some(isError);
  return rendered;
}

/** The post's body as the processor's input, with what the plugins read from `file.data`. */
function postFile(post: Post, settings: RenderSettings, options: RenderOptions): VFile {
  const { config, root } = options;
  const body = config.render.mkdocs ? convertMkdocsBlocks(post.frontMatter.body) : post.frontMatter.body;
  const file = new VFile({ value: body, path: post.source, cwd: root });
  file.data.settings = settings;
  file.data.frontMatterTitle = post.meta.title;
  file.data.titleFromHeading = config.frontMatter.titleFromHeading;
  return file;
}

/**
 * The theme of a post: `--theme`, else the post's `theme:`, else the config's. An unknown theme named by the post is an
 * error at its `theme:` line, and the post is still rendered (with the config's theme) so that its other problems show
 * in the same run; an unknown `--theme` or config theme is the user's to fix (ThemeError). The code theme, if any, is
 * appended to it (codeThemeFor).
 */
async function themeFor(post: Post, options: RenderOptions): Promise<{ theme: Theme; problems: Problem[] }> {
  const { config, root } = options;
  let theme: Theme;
  const problems: Problem[] = [];
  try {
    theme = await resolveTheme(options.theme ?? post.meta.theme ?? config.theme, root, config);
  } catch (error) {
    if (!(error instanceof ThemeError) || options.theme || !post.meta.theme) throw error;
    const at = { line: lineOfKey(post.frontMatter, 'theme'), column: 1 };
    theme = await resolveTheme(config.theme, root, config);
    problems.push(problem(post.source, error.message, at, 'theme-unknown', 'error'));
  }
  const code = await codeThemeFor(post, options);
  return { theme: withCodeTheme(theme, code.codeTheme), problems: [...problems, ...code.problems] };
}

/**
 * The code theme of a post: its `code_theme:`, else the config's `codeTheme`, else none (the theme's own colours). An
 * unknown name in the post is an error at its line (rendered with the config's code theme); in the config, a ThemeError.
 */
async function codeThemeFor(post: Post, options: RenderOptions): Promise<{ codeTheme?: CodeTheme; problems: Problem[] }> {
  const { config, root } = options;
  const name = post.meta.code_theme ?? config.codeTheme;
  if (name === undefined) return { problems: [] };
  try {
    return { codeTheme: await resolveCodeTheme(name, root, config), problems: [] };
  } catch (error) {
    if (!(error instanceof ThemeError) || !post.meta.code_theme) throw error;
    const at = { line: lineOfKey(post.frontMatter, post.keyOrigin.code_theme ?? 'code_theme'), column: 1 };
    const fallback = config.codeTheme === undefined ? undefined : await resolveCodeTheme(config.codeTheme, root, config);
    return { codeTheme: fallback, problems: [problem(post.source, error.message, at, 'code-theme-unknown', 'error')] };
  }
}

/** The result for a post that was not rendered: its messages (all errors), no HTML. */
function unrenderedPost(post: Post, theme: Theme, ...extra: Problem[]): RenderedPost {
  return {
    source: post.source,
    title: post.meta.title ?? '',
    digest: '',
    digestDerived: false,
    digestShortened: false,
    authorShortened: false,
    html: '',
    bodyHtml: '',
    preInlineHtml: '',
    images: [],
    linkRefs: [],
    includes: [],
    mathCount: 0,
    theme: theme.name,
    themeVersion: theme.version,
    meta: post.meta,
    messages: [...post.messages, ...extra],
    sizes: { markdownBytes: Buffer.byteLength(post.raw), textChars: 0, bodyHtmlBytes: 0, preInlineBytes: 0, htmlBytes: 0 },
    htmlHash: '',
    ok: false,
  };
}

/**
 * Renders a Markdown string (front matter included) without a posts repo: for library users and the REST service.
 * Relative images resolve against `options.baseDir` (default: the current directory).
 */
export async function renderMarkdown(
  markdown: string,
  options: { config?: WxmpConfig; theme?: string; baseDir?: string; fileName?: string; resolveImage?: ImageResolver } = {},
): Promise<RenderedPost> {
  const config = options.config ?? resolveConfig({});
  const baseDir = path.resolve(options.baseDir ?? process.cwd());
  const fileName = options.fileName ?? 'post.md';
  const post = parsePost(fileName, path.join(baseDir, fileName), markdown, config);
  return renderPost(post, { root: baseDir, config, theme: options.theme, resolveImage: options.resolveImage });
}
