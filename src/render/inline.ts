/**
 * Theme template + CSS inlining: the last step of the renderer. WeChat keeps only inline `style` attributes (no
 * `<style>`, no `class`: docs/wechat-api.md §12), so the theme CSS is inlined with juice, then in the same DOM every class
 * is removed, every style goes through the WeChat style whitelist, and redundant declarations are dropped
 * (src/render/inline/optimise.ts). The HTML is parsed once and serialized once.
 */
import { load } from 'cheerio/slim';
import juice from 'juice';
import { filterStyleDeclarations } from './sanitize/styles.js';
import { indexedCheerio } from './inline/indexed-select.js';
import { optimiseTree, type DomNode, type OptimiseStats } from './inline/optimise.js';
import { CONTENT_PLACEHOLDER, type Theme } from './theme.js';

interface InlineResult {
  /** Final article HTML: styles inlined, no classes. */
  html: string;
  /** The template with the body in place: what juice receives. */
  preInlineHtml: string;
}

/**
 * juice options: only inline. Nothing may add a `<style>` (WeChat drops it), attributes such as `width`/`bgcolor`
 * would only duplicate the styles, and themes use neither CSS variables nor pseudo-elements.
 */
const JUICE_OPTIONS = {
  applyStyleTags: false,
  removeStyleTags: true,
  insertPreservedExtraCss: false,
  preserveMediaQueries: false,
  preserveFontFaces: false,
  preserveKeyFrames: false,
  preservePseudos: false,
  preserveImportant: false,
  inlinePseudoElements: false,
  applyWidthAttributes: false,
  applyHeightAttributes: false,
  applyAttributesTableElements: false,
  resolveCSSVariables: false,
  // rehype-stringify writes `"` in attribute values as `&#x22;`: decode before juice parses a style attribute.
  decodeStyleAttributes: true,
  xmlMode: false,
} as const;

/**
 * The parser options juice itself uses (lib/cheerio.js): htmlparser2, entities kept as written, so the text
 * rehype-stringify produced passes through byte for byte.
 */
const CHEERIO_OPTIONS = { xml: { decodeEntities: false, xmlMode: false } };

/** Puts the body into the theme template (a function replacement: `$&` in the body must stay literal). */
export function fillTemplate(template: string, bodyHtml: string): string {
  const at = template.indexOf(CONTENT_PLACEHOLDER);
  if (at < 0) return template + bodyHtml;
  return template.slice(0, at) + bodyHtml + template.slice(at + CONTENT_PLACEHOLDER.length);
}

/**
 * juice parses its whole stylesheet with mensch on every call (and each element's existing `style` too). The
 * result is a pure function of the CSS text that juice only reads, so it is memoized: each theme's CSS is parsed
 * once per process. juice reaches the parser through its shared `utils` object, which is where this hooks in.
 */
const juiceUtils = (juice as unknown as { utils: { parseCSS: ((css: string) => unknown) & { wxmpMemo?: true } } }).utils;
if (!juiceUtils.parseCSS.wxmpMemo) {
  const parseCSS = juiceUtils.parseCSS;
  const parsed = new Map<string, unknown>();
  juiceUtils.parseCSS = Object.assign(
    (css: string) => {
      let rules = parsed.get(css);
      if (rules === undefined) {
        rules = parseCSS(css);
        if (parsed.size >= 2_000) parsed.clear();
        parsed.set(css, rules);
      }
      return rules;
    },
    { wxmpMemo: true as const },
  );
}

export function inlineArticle(bodyHtml: string, theme: Theme): InlineResult {
  return inlineArticleWithStats(bodyHtml, theme);
}

/** `inlineArticle` plus counts of what the optimiser did (for tests and the benchmark). */
export function inlineArticleWithStats(bodyHtml: string, theme: Theme): InlineResult & { stats: OptimiseStats } {
  const preInlineHtml = fillTemplate(theme.template, bodyHtml);
  const $ = load(preInlineHtml, CHEERIO_OPTIONS, false);
  // juice queries the document once per theme selector: answer from an index instead of a full walk each time.
  juice.juiceDocument(indexedCheerio($), { ...JUICE_OPTIONS, extraCss: theme.css });
  const stats = optimiseTree($.root()[0]!.children as unknown as DomNode[], filterStyleDeclarations);
  return { html: $.html(), preInlineHtml, stats };
}
