/**
 * The inline-CSS allowlist. WeChat honours only inline `style` (docs/wechat-api.md §12), and whatever we send must
 * not be able to fetch anything, run anything or escape the article column. So every `style` attribute — the
 * ones plugins write, the ones raw HTML brings, and (reused by the juice stage) the ones inlined from the theme
 * — goes through `filterStyleDeclarations`, which keeps only the declarations below.
 *
 * Parsing uses css-tree (a spec-conformant CSS tokenizer) instead of `split(';')`: `url("a;b")`,
 * `font-family:"A;B"` or comments split naive parsers, and a parser that reads `co/**\/lor` as `color` (as
 * mensch does) disagrees with browsers, which is exactly the kind of gap a filter must not have.
 */
import type { Declaration } from 'css-tree';
import parse from 'css-tree/parser';
import walk from 'css-tree/walker';
import type { Element, Root } from 'hast';
import type { Transformer } from 'unified';
import { visit } from 'unist-util-visit';
import { detach } from '../../util/detach.js';

/**
 * Properties WeChat article HTML keeps that themes and plugins need. Deliberately absent: `position`, `z-index`,
 * `top/left/…` (overlays), `transform`, `animation`/`transition`, `cursor`, `content`, `filter`, `mask*`,
 * `clip-path`, `list-style-image`, `border-image` (URLs), `behavior`, `-moz-binding`, custom properties,
 * and every vendor-prefixed property.
 */
const ALLOWED_PROPERTIES: ReadonlySet<string> = new Set([
  // colour and background (background-image survives only without url(): gradients)
  'color',
  'background',
  'background-color',
  'background-image',
  'background-size',
  'background-position',
  'background-repeat',
  'background-clip',
  'background-origin',
  'opacity',
  // fonts and text
  'font',
  'font-family',
  'font-size',
  'font-style',
  'font-variant',
  'font-weight',
  'line-height',
  'letter-spacing',
  'word-spacing',
  'text-align',
  'text-decoration',
  'text-decoration-line',
  'text-decoration-color',
  'text-decoration-style',
  'text-decoration-thickness',
  'text-underline-offset',
  'text-indent',
  'text-transform',
  'text-shadow',
  'text-overflow',
  'white-space',
  'word-break',
  'word-wrap',
  'overflow-wrap',
  'vertical-align',
  // box model
  'margin',
  'margin-top',
  'margin-right',
  'margin-bottom',
  'margin-left',
  'padding',
  'padding-top',
  'padding-right',
  'padding-bottom',
  'padding-left',
  'border',
  'border-top',
  'border-right',
  'border-bottom',
  'border-left',
  'border-width',
  'border-style',
  'border-color',
  'border-top-width',
  'border-right-width',
  'border-bottom-width',
  'border-left-width',
  'border-top-style',
  'border-right-style',
  'border-bottom-style',
  'border-left-style',
  'border-top-color',
  'border-right-color',
  'border-bottom-color',
  'border-left-color',
  'border-radius',
  'border-top-left-radius',
  'border-top-right-radius',
  'border-bottom-right-radius',
  'border-bottom-left-radius',
  'border-collapse',
  'border-spacing',
  'box-sizing',
  'box-shadow',
  'width',
  'height',
  'max-width',
  'min-width',
  'max-height',
  'min-height',
  'overflow',
  'overflow-x',
  'overflow-y',
  'user-select', // code line numbers: not copied with the code
  // layout: `display` is value-checked below; flexbox is used by WeChat layout editors and renders in WeChat
  'display',
  'flex',
  'flex-direction',
  'flex-wrap',
  'flex-grow',
  'flex-shrink',
  'flex-basis',
  'justify-content',
  'align-items',
  'align-self',
  'align-content',
  'gap',
  'row-gap',
  'column-gap',
  // lists and tables
  'list-style',
  'list-style-type',
  'list-style-position',
  'table-layout',
  'caption-side',
  // SVG presentation properties (MathJax `\bbox`, hand-written SVG)
  'fill',
  'stroke',
  'stroke-width',
]);

/** `display` values we let through (no `grid`: not reliable in WeChat's Android WebView of older clients). */
const ALLOWED_DISPLAY: ReadonlySet<string> = new Set([
  'block',
  'inline',
  'inline-block',
  'flex',
  'inline-flex',
  'none',
  'list-item',
  'table',
  'table-row',
  'table-cell',
  'table-row-group',
  'table-header-group',
  'table-footer-group',
  'table-caption',
]);

/**
 * Anything that loads a resource or runs code, checked on the value after CSS escapes and comments are
 * resolved and whitespace removed (so `u\72l(`, `url (`, `exp/**\/ression(` are caught too).
 */
const FORBIDDEN_VALUE =
  /url\(|image\(|image-set\(|cross-fade\(|element\(|src\(|expression\(|javascript:|vbscript:|livescript:|@import|behavior|-moz-binding|[{}<>]/;

/** Decodes CSS escapes (`\75`, `\000075 `, `\u`) so the forbidden-value check sees what a browser sees. */
function decodeCssEscapes(value: string): string {
  if (!value.includes('\\')) return value;
  return value.replace(/\\([0-9a-fA-F]{1,6})[ \t\n\r\f]?|\\([\s\S])/g, (_, hex: string | undefined, char: string | undefined) => {
    if (hex !== undefined) {
      const cp = Number.parseInt(hex, 16);
      return cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? '\ufffd' : String.fromCodePoint(cp);
    }
    return char === '\n' ? '' : (char ?? '');
  });
}

/**
 * Whether quotes and parentheses are closed. CSS closes them implicitly at the end of a style attribute, but our
 * output is concatenated with other declarations later (juice), where `color:"x` or `rgb(1,2` would swallow them.
 */
function isBalanced(value: string): boolean {
  const unquoted = value.replace(/"(?:[^"\\\n]|\\[\s\S])*"|'(?:[^'\\\n]|\\[\s\S])*'/g, '');
  if (/["']/.test(unquoted)) return false;
  let depth = 0;
  for (const char of unquoted) {
    if (char === '(') depth++;
    else if (char === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

function isSafeValue(property: string, value: string): boolean {
  if (value === '' || !isBalanced(value)) return false;
  const probe = decodeCssEscapes(value.replace(/\/\*[\s\S]*?(?:\*\/|$)/g, ''))
    .toLowerCase()
    .replace(/[\s\u0000-\u001f\u007f]+/g, '');
  if (FORBIDDEN_VALUE.test(probe)) return false;
  if (property === 'display') return ALLOWED_DISPLAY.has(probe);
  return true;
}

/** Collapses runs of whitespace (newlines from pretty-printed HTML) and drops comments outside strings. */
function normaliseValue(value: string): string {
  return value
    .replace(/\/\*[\s\S]*?(?:\*\/|$)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const MEMO_LIMIT = 10_000;
const memo = new Map<string, string>();

function filterUncached(style: string): string {
  const kept: string[] = [];
  let ast;
  try {
    ast = parse(style, { context: 'declarationList', parseValue: false, parseCustomProperty: false });
  } catch {
    return '';
  }
  walk(ast, {
    visit: 'Declaration',
    enter(node: Declaration) {
      const property = node.property.toLowerCase();
      if (!ALLOWED_PROPERTIES.has(property)) return;
      if (node.value.type !== 'Raw') return;
      const value = normaliseValue((node.value as { value: string }).value);
      if (!isSafeValue(property, value)) return;
      // `!ie`-style hacks (important as a string) are dropped with the declaration.
      if (typeof node.important === 'string') return;
      kept.push(`${property}:${value}${node.important ? '!important' : ''}`);
    },
  });
  return kept.join(';');
}

/**
 * Keeps only allowlisted, resource-free declarations of an inline `style` value and re-serialises them as
 * `prop:value;prop:value` (lower-case property names, collapsed whitespace, no trailing `;`). Pure and memoized
 * by input string; returns `''` when nothing survives.
 */
export function filterStyleDeclarations(style: string): string {
  const cached = memo.get(style);
  if (cached !== undefined) return cached;
  const key = detach(style); // the result may be the input itself: neither may hold the page it was parsed from
  const result = filterUncached(key);
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, result);
  return result;
}

/**
 * Applies `filterStyleDeclarations` to every `style` attribute (HTML and SVG alike) and removes the attribute
 * when nothing is left. Runs after rehype-sanitize, which lets `style` through unchecked. Also removes the empty
 * `class` lists rehype-sanitize leaves when it filtered out every class (`class=""`).
 */
export function rehypeFilterStyles(): Transformer<Root> {
  return (tree) => {
    visit(tree, 'element', (node: Element) => {
      const { style, className } = node.properties;
      if (Array.isArray(className) && className.length === 0) delete node.properties.className;
      if (style === undefined || style === null) return;
      const filtered = typeof style === 'string' ? filterStyleDeclarations(style) : '';
      if (filtered === '') delete node.properties.style;
      else node.properties.style = filtered;
    });
  };
}
