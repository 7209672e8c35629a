/**
 * The rehype-sanitize schema for WeChat article HTML: a written allowlist, not `defaultSchema` plus tweaks
 * (GitHub's schema allows `id`, `name`, `input`, `details` and data attributes we must not send).
 *
 * What WeChat keeps (docs/wechat-api.md §12): no JS (`<script>`, `on*`, `javascript:`), no `<style>`/`<link>`/`<iframe>`/
 * forms, no `class`/`id` honoured, inline `style` honoured, SVG allowed with a whitelist (no `id`, `defs`, `use`,
 * `url(#…)`, `foreignObject`, animation). Elements outside the list are *unwrapped* (their text stays: `<font>`,
 * `<center>`, `<details>`, `<summary>`, `<kbd>`, `<mark>`, `<abbr>`…); only the elements in `strip` lose their
 * content, because that content is code or markup-as-text, never prose.
 *
 * `style` passes here unchecked and is filtered by `rehypeFilterStyles` (styles.ts), which runs right after.
 * `class` survives only with our own prefixes (CLASS_PREFIXES): themes target them, a later step removes them.
 */
import type { Schema } from 'hast-util-sanitize';
import { CLASS_PREFIXES } from '../types.js';

type PropertyDefinition = NonNullable<Schema['attributes']>[string][number];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Matches one class name that starts with one of our prefixes (`wx-list`, `hljs-keyword`). */
export const ALLOWED_CLASS = new RegExp(`^(?:${CLASS_PREFIXES.map(escapeRegExp).join('|')})[\\w-]*$`);

/** HTML elements kept as they are. */
const HTML_TAGS = [
  'section',
  'div', // unknown whether WeChat keeps it; allowing it is never worse than unwrapping, which would glue blocks together
  'p',
  'span',
  'br',
  'hr',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'strong',
  'b',
  'em',
  'i',
  'u',
  'del',
  's',
  'sup',
  'sub',
  'pre',
  'code',
  'ul',
  'ol',
  'li',
  'table',
  'caption',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'th',
  'td',
  'img',
  'a',
  'figure',
  'figcaption',
];

/**
 * SVG elements MathJax's SVG output emits with `fontCache: 'none'` (g, path, rect, line, polygon, ellipse, text,
 * nested svg for stretchy characters and tags), plus the other basic shapes. No `defs`, `use`, `symbol`,
 * `image`, `foreignObject`, `animate*`, `set`, `filter`, `mask`, `clipPath`, `pattern`, `*Gradient`, `script`.
 */
const SVG_TAGS = ['svg', 'g', 'path', 'rect', 'line', 'polyline', 'polygon', 'circle', 'ellipse', 'text', 'tspan'];

/** Paint values that do not reference anything (`url(#gradient)` would need ids, which WeChat strips). */
const PAINT: RegExp = /^(?![\s\S]*url\s*\()[\s\S]*$/i;

/** Geometry and presentation attributes of the SVG elements above (hast property names). */
const SVG_ATTRIBUTES: PropertyDefinition[] = [
  'transform',
  'd',
  'x',
  'y',
  'x1',
  'y1',
  'x2',
  'y2',
  'cx',
  'cy',
  'r',
  'rx',
  'ry',
  'dx',
  'dy',
  'width',
  'height',
  'points',
  ['fill', PAINT],
  ['stroke', PAINT],
  'strokeWidth',
  'strokeDashArray',
  'strokeDashOffset',
  'strokeLineCap',
  'strokeLineJoin',
  'strokeMiterLimit',
  'strokeOpacity',
  'fillOpacity',
  'fillRule',
  'opacity',
  'fontFamily',
  'fontSize',
  'fontStyle',
  'fontWeight',
  'textAnchor',
];

const svgAttributes: Record<string, PropertyDefinition[]> = Object.fromEntries(
  SVG_TAGS.map((tag) => [tag, SVG_ATTRIBUTES]),
);

export const wechatSanitizeSchema: Schema = {
  tagNames: [...HTML_TAGS, ...SVG_TAGS],
  attributes: {
    '*': ['style', ['className', ALLOWED_CLASS]],
    a: ['href', 'title'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    ol: ['start'],
    td: ['align', 'colSpan', 'rowSpan'],
    th: ['align', 'colSpan', 'rowSpan'],
    ...svgAttributes,
    // The root <svg>: its box and the accessible name the math plugin writes (see plugins/rehype/rehype-math-svg.ts).
    svg: [...SVG_ATTRIBUTES, 'xmlns', 'viewBox', 'preserveAspectRatio', 'role', 'ariaLabel', 'ariaHidden'],
  },
  // Links and images over http(s) only (relative URLs always pass): no javascript:, vbscript:, data:, mailto:.
  // data: images are dropped too: WeChat filters every image that is not on its mmbiz CDN anyway.
  protocols: {
    href: ['http', 'https'],
    src: ['http', 'https'],
  },
  // Table parts outside a table would break out of their context: unwrap them (defaultSchema does the same).
  ancestors: {
    caption: ['table'],
    tbody: ['table'],
    td: ['table'],
    th: ['table'],
    thead: ['table'],
    tfoot: ['table'],
    tr: ['table'],
  },
  // Removed with their content: code, styles, and elements whose content is raw text or fallback markup.
  strip: ['script', 'style', 'template', 'noscript', 'iframe', 'noembed', 'noframes', 'xmp', 'plaintext', 'title'],
  // We allow neither `id` nor `name`, so there is nothing to prefix.
  clobber: [],
  clobberPrefix: '',
  required: {},
  allowComments: false,
  allowDoctypes: false,
};
