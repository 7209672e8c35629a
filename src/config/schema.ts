import * as z from 'zod'; // a namespace import lets esbuild keep only what is used (`{ z }` keeps all of zod: 755 kB against 170 kB)

/** Front-matter keys that mean the same thing in other blog engines (Hugo, Hexo, VuePress, Jekyll…). */
export const defaultFrontMatterAliases: Record<string, string[]> = {
  title: [],
  author: ['authors'],
  digest: ['description', 'summary', 'excerpt', 'abstract'],
  cover: ['banner', 'image', 'thumbnail', 'cover_image', 'featured_image', 'featuredImage', 'heroImage'],
  source_url: ['canonical', 'canonical_url', 'canonicalURL', 'original_url'],
};

const accountSchema = z
  .object({
    /** The account's AppID (开发者ID). Not a secret. */
    appId: z.string().min(1),
    /** Name of the environment variable holding the AppSecret (default: WECHAT_APP_SECRET_<NAME>). */
    appSecretEnv: z.string().optional(),
    /** API origin for this account (an emulator or a fixed-IP relay). */
    apiBase: z.string().url().optional(),
    proxy: z.string().optional(),
    /** Default author for this account's posts. */
    author: z.string().optional(),
  })
  .strict();

const renderSchema = z
  .object({
    /** What happens to links outside mp.weixin.qq.com (WeChat does not make them clickable). */
    links: z.enum(['references', 'text', 'keep']).default('references'),
    /** Insert a space between Chinese and Latin letters/digits. Per post: `cjk_spacing: false`. */
    cjkSpacing: z.boolean().default(true),
    /** Render TeX math (`$…$`, `$$…$$`) to SVG. */
    math: z.boolean().default(true),
    tabSize: z.number().int().min(1).max(16).default(4),
    codeLineNumbers: z.boolean().default(false),
    /**
     * A Mac-style window bar (three coloured dots) at the top of every code block. Per post: `code_window_bar: true`.
     * Unset means off (optional, so that configs without it keep their sync fingerprints).
     */
    codeWindowBar: z.boolean().optional(),
    /**
     * Read MkDocs syntax: Material blocks (`!!! note`, `??? tip`, `=== "Tab"` with indented bodies) as alerts and
     * labelled blocks, and a meta-data block (`author: …` lines at the top, no `---`) as front matter.
     */
    mkdocs: z.boolean().default(true),
    /**
     * A "左右滑动查看 →" / "Scroll sideways →" caption under code, tables and formulas wider than a phone: in the
     * post's language (`auto`), always Chinese or English, or `off` (docs/themes.md). Unset means `auto` (optional, so
     * that configs without it keep their sync fingerprints).
     */
    scrollHints: z.enum(['auto', 'zh', 'en', 'off']).optional(),
  })
  .strict();

const lintSchema = z
  .object({
    /** Hard limit on title length in characters (WeChat answers 45003 above it; observed 64). */
    titleMax: z.number().int().positive().default(64),
    /** Warn above this many characters (the documented 32; longer titles are cut in chat lists). */
    titleWarn: z.number().int().positive().default(32),
    authorMax: z.number().int().positive().default(16),
    digestMax: z.number().int().positive().default(128),
    /** Documented: content must be under 20,000 characters and under 1 MB. */
    maxTextChars: z.number().int().positive().default(20_000),
    maxHtmlBytes: z.number().int().positive().default(1_000_000),
  })
  .strict();

/**
 * Limits checked before a post is parsed (docs/security.md): pathological Markdown (a 10,000-deep list, 100,000 `>`
 * on a line) makes the parser slow in the square of its size, so such a post is refused with the numbers in the error
 * instead of hanging a build. Real posts are far below them (the largest of our corpus: 126 KB, lines of 2,300
 * characters, nesting 8); raise one here for a post that needs it.
 */
const limitsSchema = z
  .object({
    /**
     * A post file larger than this many bytes is refused before it is read. WeChat takes under 20,000 characters of
     * text and 1 MB of HTML per article (docs/wechat-api.md), so a larger post could not be published anyway.
     */
    postBytes: z.number().int().positive().default(1024 * 1024),
    /** Longest line, in characters. */
    lineChars: z.number().int().positive().default(20_000),
    /** Deepest nesting of block quotes, list items and indented blocks on one line. */
    nesting: z.number().int().positive().default(64),
    /** Formulas rendered per post (the most in our corpus: about 1,400); the rest stay TeX, with an error. */
    formulas: z.number().int().positive().default(3_000),
    /** A local or remote image (or cover) larger than this many bytes is refused before it is read. */
    imageBytes: z.number().int().positive().default(20 * 1024 * 1024),
  })
  .strict();

const remoteImagesSchema = z
  .object({
    /**
     * Hosts whose images may be downloaded although they resolve to a loopback, private or link-local address (an
     * intranet image server): `['img.corp.example', '10.0.0.5']`. Everything else on those ranges is refused.
     */
    allowHosts: z.array(z.string().min(1)).default([]),
    /** Give up a download after this many milliseconds (redirects included). */
    timeoutMs: z.number().int().positive().default(30_000),
  })
  .strict();

/**
 * ```mermaid fences drawn as PNG images in a headless Chromium (README, "Mermaid diagrams"). `mermaid: false` keeps
 * them as code blocks.
 */
const mermaidSchema = z
  .object({
    /** Mermaid's theme: `default` (blue-violet) or `neutral` (grey, prints well), also `forest` and `base`. */
    theme: z.enum(['default', 'neutral', 'forest', 'base']).default('default'),
    /**
     * The Chromium or Chrome program to draw with (a path outside the project). Env WXMP_CHROMIUM wins; neither set:
     * the usual install places (/usr/bin/chromium, /usr/bin/chromium-browser, /usr/bin/google-chrome, macOS Chrome).
     */
    browser: z.string().min(1).optional(),
  })
  .strict();

export const configSchema = z
  .object({
    /** Globs of posts, relative to the root. */
    include: z.array(z.string()).min(1).default(['posts/**/*.md']),
    exclude: z.array(z.string()).default(['**/node_modules/**', '**/README.md', '**/_*.md']),
    /** Folder that site-absolute paths (`/images/a.png`) resolve against: Hugo `static`, VuePress `public`. */
    staticDir: z.string().optional(),
    /** Extra folder of themes (each `<name>/theme.css` + `template.html`); the built-in themes stay available. */
    templatesDir: z.string().optional(),
    theme: z.string().default('default'),
    /**
     * Code highlight colours chosen apart from the theme: a built-in code theme (`templates/code-themes/<name>.css`:
     * github, github-dark, atom-one-light, atom-one-dark, dracula, monokai) or `<templatesDir>/code-themes/<name>.css`.
     * Unset: the theme's own colours. Per post: `code_theme: dracula`.
     */
    codeTheme: z.string().trim().min(1).optional(),
    /** Default author when a post has none. */
    author: z.string().optional(),
    /** Cover used when a post has no `cover` and no image. */
    defaultCover: z.string().optional(),
    /** "阅读原文" link: a template with {slug} (file name without extension), {path} (relative path without extension). */
    sourceUrl: z.string().optional(),
    /** Open comments on new drafts (needs the comment privilege, else WeChat answers 88000). */
    comments: z.boolean().default(false),
    fansOnlyComments: z.boolean().default(false),
    frontMatter: z
      .object({
        aliases: z.record(z.string(), z.array(z.string())).default(defaultFrontMatterAliases),
        /** Without a `title`, use the first `# heading` (and remove it from the body, WeChat shows the title). */
        titleFromHeading: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    render: renderSchema.prefault({}),
    lint: lintSchema.prefault({}),
    limits: limitsSchema.prefault({}),
    remoteImages: remoteImagesSchema.prefault({}),
    /**
     * Draw ```mermaid fences as images; `false` keeps them as code blocks. Unset means on with the defaults (optional, so
     * that configs without it keep their sync fingerprints).
     */
    mermaid: z.union([z.literal(false), mermaidSchema]).optional(),
    /** Output folder of `wxmp build`, relative to the root. */
    outDir: z.string().default('out'),
    /** API origin (default https://api.weixin.qq.com). Env WXMP_API_BASE wins. */
    apiBase: z.string().url().optional(),
    /** HTTP proxy for API calls (a fixed-IP relay for the IP whitelist). Env WXMP_PROXY wins. */
    proxy: z.string().optional(),
    /** Several accounts: name → AppID; secrets come from the environment only. */
    accounts: z.record(z.string(), accountSchema).default({}),
    /** Account used by posts without `account:` (default: the only one, or WECHAT_APP_ID). */
    defaultAccount: z.string().optional(),
    /** Retries of transient WeChat failures (-1, 45011, 5xx, network): never for publish or sends. */
    retry: z
      .object({
        attempts: z.number().int().min(1).max(20).default(4),
        baseDelayMs: z.number().int().min(0).default(400),
        maxDelayMs: z.number().int().min(0).default(8000),
      })
      .strict()
      .prefault({}),
    /** Parallel uploads/draft writes during sync. */
    concurrency: z.number().int().min(1).max(32).default(4),
  })
  .strict();

/** What a user writes in wxmp.config.ts. */
export type WxmpUserConfig = z.input<typeof configSchema>;
/** The validated config with defaults applied. */
export type WxmpConfig = z.output<typeof configSchema>;
export type AccountConfig = z.output<typeof accountSchema>;

/** Typed helper for `wxmp.config.ts` (like Vite's): `export default defineConfig({ theme: 'github' })`. */
export function defineConfig(config: WxmpUserConfig): WxmpUserConfig {
  return config;
}
