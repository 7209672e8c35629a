/**
 * After juice: one walk over the DOM that removes every `class`, filters each `style` through the WeChat style
 * whitelist, and drops what the element would get anyway, so the inlined article stays small (WeChat counts the
 * HTML against its 1 MB / 20,000-character limits, docs/wechat-api.md §12, and juice alone grows HTML ~3.5×):
 *
 * - inherited properties (color, font-*, line-height, letter-spacing, text-align…) whose value equals what the
 *   element already inherits from its parent: the theme puts the shared text style on the article root, and juice
 *   copies nothing else onto children, but rules such as `th { color }` inside a same-coloured table still repeat;
 * - declarations equal to the tag's initial value where neither the browser nor WeChat styles that tag
 *   (`margin:0` on a section, `display:inline` on a span, `text-decoration:none` outside links…);
 * - and it shortens values (`#333333`→`#333`, `0px`→`0`).
 *
 * Tags the browser styles itself (links, headings, code, strong…) always keep what the theme says about those
 * properties, and their children do not inherit a value we can predict unless the tag sets it.
 */
import { detach } from '../../util/detach.js';
import { decodeAttributeEntities, foldBoxLonghands, parseDeclarations, printDeclarations, shortenValue, type Declaration } from './declarations.js';

/** The subset of domhandler's node shape the walk needs (cheerio's DOM, parsed by htmlparser2). */
export interface DomNode {
  type: string;
  name?: string;
  attribs?: Record<string, string>;
  children?: DomNode[];
  parent?: DomNode | null;
  prev?: DomNode | null;
  next?: DomNode | null;
}

type StyleFilter = (style: string) => string;

/** Inherited CSS properties that themes set. */
const INHERITED = new Set([
  'color',
  'font-family',
  'font-size',
  'font-style',
  'font-variant',
  'font-weight',
  'letter-spacing',
  'line-height',
  'text-align',
  'text-indent',
  'text-transform',
  'white-space',
  'word-spacing',
  'word-break',
  'word-wrap',
  'overflow-wrap',
  'visibility',
  'caret-color',
  'list-style-type',
  'list-style-position',
  'text-justify',
  'hyphens',
  'direction',
  'cursor',
]);

/** Inherited properties whose `em`/`%` values resolve against the element's own font size before inheriting. */
const FONT_RELATIVE = new Set(['line-height', 'letter-spacing', 'word-spacing', 'text-indent']);

const MONO = ['font-family', 'font-size'];
const FONT_ALL = ['font-family', 'font-size', 'font-style', 'font-weight', 'font-variant', 'line-height', 'white-space', 'text-align', 'color'];
const HEADING = ['font-size', 'font-weight'];

/**
 * Inherited properties the user agent (or WeChat's page CSS) sets on a tag, so the tag does not simply inherit
 * them: `a` has its own colour, `code` is monospace, `table` resets fonts in quirks mode, `th` is bold and centred…
 */
const UA_SETS: Record<string, readonly string[]> = {
  a: ['color', 'cursor'],
  h1: HEADING,
  h2: HEADING,
  h3: HEADING,
  h4: HEADING,
  h5: HEADING,
  h6: HEADING,
  strong: ['font-weight'],
  b: ['font-weight'],
  em: ['font-style'],
  i: ['font-style'],
  cite: ['font-style'],
  var: ['font-style'],
  dfn: ['font-style'],
  address: ['font-style'],
  code: MONO,
  kbd: MONO,
  samp: MONO,
  tt: MONO,
  pre: [...MONO, 'white-space'],
  th: ['font-weight', 'text-align'],
  caption: ['text-align'],
  center: ['text-align'],
  table: FONT_ALL,
  sup: ['font-size'],
  sub: ['font-size'],
  small: ['font-size'],
  big: ['font-size'],
  rt: ['font-size'],
  mark: ['color'],
  hr: ['color'],
  font: ['color', 'font-family', 'font-size'],
  summary: ['cursor'],
};

/** Non-inherited declarations that restate the initial value on tags neither the browser nor WeChat styles. */
const PLAIN_TAGS = new Set(['section', 'span', 'div', 'strong', 'b', 'em', 'i', 'code', 'a', 'img', 'sup', 'sub', 'mark', 'del', 's', 'small', 'li', 'tr', 'tbody', 'thead', 'svg']);
const INLINE_TAGS = new Set(['span', 'strong', 'b', 'em', 'i', 'code', 'a', 'sup', 'sub', 'mark', 'del', 's', 'small', 'kbd', 'abbr', 'u', 'label']);
const BLOCK_TAGS = new Set(['section', 'div', 'p', 'blockquote', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'pre', 'ul', 'ol', 'figure', 'figcaption', 'header', 'footer', 'article', 'aside', 'nav', 'address']);
const DECORATED_TAGS = new Set(['a', 'u', 'ins', 'del', 's', 'strike', 'abbr', 'acronym']);
const ZERO = /^(?:0(?: 0){0,3}|none)$/;

function isInitialValue(tag: string, d: Declaration): boolean {
  switch (d.prop) {
    case 'margin':
    case 'padding':
    case 'margin-top':
    case 'margin-right':
    case 'margin-bottom':
    case 'margin-left':
    case 'padding-top':
    case 'padding-right':
    case 'padding-bottom':
    case 'padding-left':
      return PLAIN_TAGS.has(tag) && d.value === '0' || (d.value === '0' && d.prop.startsWith('padding') && tag === 'p');
    case 'border':
      return PLAIN_TAGS.has(tag) && ZERO.test(d.value);
    case 'background':
    case 'background-color':
      return tag !== 'mark' && (d.value === 'transparent' || d.value === 'none');
    case 'background-image':
      return d.value === 'none';
    case 'text-decoration':
    case 'text-decoration-line':
      // `none` cannot remove a decoration an ancestor draws, so outside decorated tags it never does anything.
      return d.value === 'none' && !DECORATED_TAGS.has(tag);
    case 'display':
      return (d.value === 'inline' && INLINE_TAGS.has(tag)) || (d.value === 'block' && BLOCK_TAGS.has(tag));
    case 'vertical-align':
      return d.value === 'baseline' && INLINE_TAGS.has(tag) && tag !== 'sup' && tag !== 'sub';
    case 'float':
      return d.value === 'none';
    case 'text-shadow':
    case 'box-shadow':
      return d.value === 'none';
    default:
      return false;
  }
}

/** Computed values flowing down the tree; `font-size` holds px when known. Unknown values are unique symbols. */
type Inherited = Record<string, string>;

let unknownCounter = 0;
function unknown(): string {
  return `\u0000${++unknownCounter}`;
}

function parsePx(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const m = /^(-?[\d.]+)px$/.exec(value);
  return m ? Number(m[1]) : undefined;
}

/** `1.5em` at 16px → `24px`; unknown (unique) when it cannot be resolved. */
function resolveFontSize(value: string, parent: string | undefined): string {
  if (/^[\d.]+px$/.test(value)) return value;
  const m = /^([\d.]+)(em|%)$/.exec(value);
  const base = parsePx(parent);
  if (m && base !== undefined) {
    const px = base * Number(m[1]) * (m[2] === '%' ? 0.01 : 1);
    return `${Math.round(px * 1000) / 1000}px`;
  }
  return unknown();
}

function isFontRelative(value: string): boolean {
  return /(?:\d|\.)(?:em|%|ex|ch)\b|%$/.test(value);
}

/** The inherited value of `prop` as children see it (font-relative values are tied to the font size they used). */
function inheritedKey(prop: string, value: string, fontSize: string | undefined): string {
  return FONT_RELATIVE.has(prop) && isFontRelative(value) ? `${value}@${fontSize ?? unknown()}` : value;
}

export interface OptimiseStats {
  /** Declarations juice produced (after the WeChat filter). */
  declarations: number;
  /** Declarations dropped as inherited or initial. */
  dropped: number;
}

/**
 * Walks `nodes` (the article DOM after juice): removes `class`, filters and optimises `style` in place.
 * `filter` is the WeChat style whitelist; its results are cached per distinct style string.
 */
export function optimiseTree(nodes: DomNode[], filter: StyleFilter): OptimiseStats {
  const stats: OptimiseStats = { declarations: 0, dropped: 0 };
  const root: Inherited = Object.create(null) as Inherited;
  for (const node of nodes) visit(node, root, filter, stats);
  return stats;
}

const parsedCache = new Map<string, Declaration[]>();
const PARSED_CACHE_MAX = 20_000;

function filteredDeclarations(style: string, filter: StyleFilter): Declaration[] {
  let decls = parsedCache.get(style);
  if (!decls) {
    const key = detach(style); // an attribute value views the whole page htmlparser2 read: keep neither alive
    decls = parseDeclarations(filter(decodeAttributeEntities(key)));
    for (const d of decls) d.value = shortenValue(d.prop, d.value);
    decls = foldBoxLonghands(decls);
    if (parsedCache.size >= PARSED_CACHE_MAX) parsedCache.clear();
    parsedCache.set(key, decls);
  }
  return decls;
}

function visit(node: DomNode, inherited: Inherited, filter: StyleFilter, stats: OptimiseStats): void {
  if (node.type !== 'tag' && node.type !== 'script' && node.type !== 'style') return;
  const attribs = node.attribs!;
  const tag = node.name!;
  if ('class' in attribs) delete attribs.class;

  let ctx = inherited;
  const uaSets = UA_SETS[tag];
  const style = attribs.style;
  let declared: Declaration[] | undefined;
  if (style !== undefined) {
    declared = filteredDeclarations(style, filter);
    stats.declarations += declared.length;
  }

  if (declared && declared.length > 0) {
    const ownFontSizeDecl = declared.find((d) => d.prop === 'font-size');
    const fontSize = ownFontSizeDecl ? resolveFontSize(ownFontSizeDecl.value, inherited['font-size']) : uaSets?.includes('font-size') ? unknown() : inherited['font-size'];
    const kept: Declaration[] = [];
    let childCtx: Inherited | undefined;
    for (const d of declared) {
      if (INHERITED.has(d.prop)) {
        const ua = uaSets?.includes(d.prop) ?? false;
        const key = d.prop === 'font-size' ? fontSize! : inheritedKey(d.prop, d.value, fontSize);
        if (!d.important && !ua && (d.value === 'inherit' || inherited[d.prop] === key)) {
          stats.dropped++;
          continue;
        }
        childCtx ??= Object.create(inherited) as Inherited;
        childCtx[d.prop] = d.value === 'inherit' ? (inherited[d.prop] ?? unknown()) : key;
      } else if (!d.important && isInitialValue(tag, d)) {
        stats.dropped++;
        continue;
      }
      kept.push(d);
    }
    if (uaSets) {
      for (const prop of uaSets) {
        if (!declared.some((d) => d.prop === prop)) {
          childCtx ??= Object.create(inherited) as Inherited;
          childCtx[prop] = unknown();
        }
      }
    }
    if (childCtx) {
      if (fontSize !== inherited['font-size']) childCtx['font-size'] = fontSize ?? unknown();
      ctx = childCtx;
    }
    if (kept.length > 0) attribs.style = printDeclarations(kept);
    else delete attribs.style;
  } else {
    if (style !== undefined) delete attribs.style;
    if (uaSets) {
      ctx = Object.create(inherited) as Inherited;
      for (const prop of uaSets) ctx[prop] = unknown();
    }
  }

  const children = node.children;
  if (children) {
    let bare = false;
    for (const child of children) {
      visit(child, ctx, filter, stats);
      if (child.name === 'span' && child.type === 'tag' && isEmptyObject(child.attribs!)) bare = true;
    }
    if (bare) unwrapBareSpans(node);
  }
}

function isEmptyObject(object: Record<string, string>): boolean {
  for (const _ in object) return false;
  return true;
}

/**
 * A `<span>` left without attributes (a token class no theme colours, a hook the theme did not style) does
 * nothing: its children take its place. Keeps domhandler's parent/sibling links consistent.
 */
function unwrapBareSpans(node: DomNode): void {
  const out: DomNode[] = [];
  for (const child of node.children!) {
    if (child.type === 'tag' && child.name === 'span' && isEmptyObject(child.attribs!)) {
      for (const grandchild of child.children ?? []) out.push(grandchild);
    } else {
      out.push(child);
    }
  }
  for (let i = 0; i < out.length; i++) {
    const child = out[i]!;
    child.parent = node;
    child.prev = out[i - 1] ?? null;
    child.next = out[i + 1] ?? null;
  }
  node.children = out;
}
