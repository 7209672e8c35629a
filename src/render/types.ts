/**
 * Shared types of the render pipeline. Plugins read per-post settings from `file.data.settings`
 * (the unified processor is built once and frozen, so per-post options cannot be plugin options)
 * and write what they collect (image references, link references, math count…) to `file.data`.
 */

/** How links to pages outside mp.weixin.qq.com are rendered (WeChat drops or disables them). */
export type LinkMode =
  /** Keep the link text, add a superscript `[n]` and list the URLs as numbered references at the end. */
  | 'references'
  /** Keep the link text only. */
  | 'text'
  /** Keep `<a href>` as is (WeChat may answer 45166 or make it unclickable). */
  | 'keep';

/** Where an image reference points. */
export type ImageKind = 'local' | 'remote' | 'wechat' | 'data';

export interface ImageRef {
  /** The reference exactly as written in the Markdown / HTML (`./a.png`, `/img/x.png`, `https://…`). */
  src: string;
  kind: ImageKind;
  /** Absolute path on disk for `local` images (resolved against the post's folder or the static folder). */
  path?: string;
  /** Whether `path` exists (only for `local`; false when refused). */
  exists?: boolean;
  /** Why a local reference may not be read (outside the project, a `file:` URL…): an error on the post. */
  refused?: string;
  alt?: string;
  title?: string;
  /** 1-based position in the source file (front matter included). */
  line?: number;
  column?: number;
}

/**
 * Maps an image reference to the URL that goes into the final HTML (`undefined`: keep `src` as is).
 * `wxmp build` maps local files to paths the preview page can show; `wxmp sync` maps them to mmbiz URLs.
 */
export type ImageResolver = (ref: ImageRef) => string | undefined;

/** Per-post rendering settings (config defaults merged with the post's front matter). */
export interface RenderSettings {
  /** Absolute folder of the post: relative image paths resolve against it. */
  baseDir: string;
  /** Absolute folder that site-absolute paths (`/images/a.png`) resolve against (Hugo `static/`, VuePress `public/`). */
  staticDir?: string;
  links: LinkMode;
  /** Insert spaces between CJK and Latin/digits (盘古之白). */
  cjkSpacing: boolean;
  /** Render `$…$` / `$$…$$` to SVG. */
  math: boolean;
  /** Formulas past this many stay TeX, with one error (config `limits.formulas`). */
  maxFormulas?: number;
  /** Spaces per tab when expanding tabs in code blocks. */
  tabSize: number;
  /** Show line numbers in code blocks. */
  codeLineNumbers: boolean;
  /** A Mac-style window bar (three coloured dots) at the top of code blocks. */
  codeWindowBar: boolean;
  /**
   * The project root: `--8<--` snippet paths resolve against it, and every local file a post reads (images, cover,
   * snippets) must stay inside it or `staticDir` (docs/security.md).
   */
  rootDir?: string;
  /** Expand `--8<-- "file"` lines in code blocks (pymdownx.snippets; config `render.mkdocs`). */
  snippets?: boolean;
  /** Draw ```mermaid fences as PNG images (config `mermaid`; `false`: keep them as code blocks). Default: on. */
  mermaid?: { theme: string; browser?: string } | false;
  resolveImage?: ImageResolver;
  /** "Scroll sideways" captions under boxes wider than a phone (rehype-scroll-hints; docs/themes.md). */
  scrollHints?: ScrollHintSettings;
}

/** Language of the scroll hints: the post's (`auto`: CJK share of its text), a fixed one, or none (`off`). */
export type ScrollHintLanguage = 'auto' | 'zh' | 'en' | 'off';

export interface ScrollHintSettings {
  language: ScrollHintLanguage;
  /** The theme's sizes that decide what fits a phone (default: the shipped themes'). */
  metrics?: ThemeMetrics;
}

/** Font sizes and horizontal paddings of a theme, in CSS pixels (read from its theme.css). */
export interface ThemeMetrics {
  /** `.wx-article` font size, horizontal padding and letter spacing. */
  bodyPx: number;
  articlePaddingPx: number;
  letterSpacingPx: number;
  /** `.wx-code-body` font size and horizontal padding. */
  codePx: number;
  codePaddingPx: number;
  /** `table` font size, code in cells (`td .wx-inline-code`), and the cells' horizontal padding. */
  tablePx: number;
  tableCodePx: number;
  cellPaddingPx: number;
}

export const defaultRenderSettings: RenderSettings = {
  baseDir: process.cwd(),
  links: 'references',
  cjkSpacing: true,
  math: true,
  tabSize: 4,
  codeLineNumbers: false,
  codeWindowBar: false,
};

export interface LinkRef {
  url: string;
  /** 1-based reference number shown in the text. */
  index: number;
  text: string;
}

declare module 'vfile' {
  interface DataMap {
    settings: RenderSettings;
    /** Images found in the post, in document order (filled by the images plugin). */
    images: ImageRef[];
    /** External links turned into numbered references (filled by the link-references plugin). */
    linkRefs: LinkRef[];
    /** Number of formulas rendered (filled by the math plugin). */
    mathCount: number;
    /** 1-based line where the Markdown body starts in the original file (front matter lines before it). */
    bodyLineOffset: number;
  }
}

/** Class-name prefixes our plugins may emit; the sanitizer keeps only these, and they are removed after inlining. */
export const CLASS_PREFIXES = ['wx-', 'hljs'] as const;

/*
 * Class vocabulary: the hooks the plugins emit and the themes in templates/<name>/theme.css style.
 * Classes exist only between the plugins and juice; they are removed from the final HTML.
 *
 *   article root (template)   <section class="wx-article">
 *   code block                <section class="wx-code"><pre class="wx-pre"><code class="wx-code-body">…<span class="hljs-keyword">…
 *                             optional <span class="wx-code-lang">rust</span>, line numbers <span class="wx-code-ln">,
 *                             window bar <section class="wx-code-bar"> (the dots and the label in it)
 *   inline code               <code class="wx-inline-code">
 *   lists                     <section class="wx-list wx-list-ul|wx-list-ol wx-list-depth-N"> with items
 *                             <section class="wx-li"><span class="wx-li-marker">•</span><span class="wx-li-body">…
 *   task item                 item also has class wx-task; marker <span class="wx-task-box">☐|☑</span>
 *   table                     <section class="wx-table-wrap"><table class="wx-table">…
 *   footnotes                 <sup class="wx-fnref">[1]</sup>; <section class="wx-footnotes"><p class="wx-footnotes-title">
 *                             items <section class="wx-footnote">
 *   alerts                    <section class="wx-alert wx-alert-note|tip|important|warning|caution">
 *                             <p class="wx-alert-title">Note</p>…
 *   link references           <sup class="wx-linkref">[1]</sup>; <section class="wx-references">
 *                             <p class="wx-references-title">; items <p class="wx-reference">[1] text: <span class="wx-reference-url">url</span>
 *   images                    <section class="wx-figure"><img class="wx-img"><span class="wx-figcaption">caption</span></section>
 *                             (inline images inside text stay <img class="wx-img">)
 *   math                      <section class="wx-math-display"><svg…></section>, <span class="wx-math-inline"><svg…></span>
 *   scroll hint               <section class="wx-scroll-hint">左右滑动查看 →</section> right after a code block, table
 *                             or display formula wider than a phone
 */
