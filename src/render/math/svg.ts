/**
 * Turns MathJax's SVG (HAST from engine.ts) into an `<svg>` WeChat keeps and sizes correctly:
 *  - no `id` and nothing that references one (`href`, `xlink:href`, `<a>` wrappers from `\eqref`), no `data-*`
 *    (MathJax's `data-mml-node`, `data-c`… are a third of the bytes and WeChat drops them anyway);
 *  - size in `style` (WeChat's editor may drop `width`/`height` attributes, mdnice/doocs move them to style too),
 *    converted from `ex` to `em` so it does not depend on the x-height of whatever font WeChat uses;
 *  - `overflow:visible` like MathJax's own CSS: glyph overhangs (italic f, integral signs) leave the viewBox.
 */
import type { Element, ElementContent, Properties } from 'hast';
import svgpath from 'svgpath';
import { EM_PX, EX_PX } from './engine.js';

const EM_PER_EX = EX_PX / EM_PX;

/** `1.912ex` → `0.956em` (3 decimals, like MathJax); other units are left alone. */
export function exToEm(value: string): string {
  return value.replace(/(-?\d*\.?\d+)ex\b/g, (_, n: string) => `${formatNumber(Number(n) * EM_PER_EX)}em`);
}

function formatNumber(n: number): string {
  const rounded = Math.round(n * 1000) / 1000;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

/** Reads MathJax's own `style` (`vertical-align: -0.186ex; min-width: 18.1ex;`) into ordered pairs. */
function parseSimpleStyle(style: unknown): [string, string][] {
  if (typeof style !== 'string') return [];
  const pairs: [string, string][] = [];
  for (const part of style.split(';')) {
    const colon = part.indexOf(':');
    if (colon < 0) continue;
    const name = part.slice(0, colon).trim().toLowerCase();
    const value = part.slice(colon + 1).trim();
    if (name && value) pairs.push([name, value]);
  }
  return pairs;
}

function cleanProperties(properties: Properties): void {
  for (const key of Object.keys(properties)) {
    if (key === 'id' || key === 'href' || key === 'xLinkHref' || key === 'className' || key.startsWith('data')) {
      delete properties[key];
    }
  }
}

/** Compacted path data by MathJax's original: a post repeats the same few hundred glyph outlines thousands of times. */
const compactPaths = new Map<string, string>();
const COMPACT_PATHS_LIMIT = 20_000;

/**
 * MathJax's glyph outlines in relative commands (`q1 3 2 8t5 22` instead of `Q24 290 25 295T30 317`): about a
 * quarter fewer bytes with the same integer coordinates, so the same drawing. Every glyph is an inline path (WeChat
 * strips <defs>/<use>), so path data is ~80 % of a math-heavy post's HTML and counts against WeChat's 1 MB limit.
 */
export function compactPathData(d: string): string {
  let compact = compactPaths.get(d);
  if (compact === undefined) {
    // round(3) only trims float noise: MathJax's font coordinates are integers, and svgpath carries rounding errors
    // to the next segment, so relative coordinates never drift.
    compact = svgpath(d).rel().round(3).toString();
    if (compact.length > d.length) compact = d;
    if (compactPaths.size >= COMPACT_PATHS_LIMIT) compactPaths.clear();
    compactPaths.set(d, compact);
  }
  return compact;
}

/** Shapes that draw something (an SVG made only of empty groups shows nothing). */
const DRAWING_TAGS = new Set(['path', 'rect', 'line', 'polyline', 'polygon', 'circle', 'ellipse', 'text']);

/**
 * Removes ids/data/links in place and sheds dead weight: `<a>` wrappers (from `\eqref`) and attribute-less `<g>`
 * are unwrapped (a group without transform/fill/style changes nothing), empty `<g>`/`<text>` and `<path d="">` (MathJax's
 * spaces) are dropped. MathJax's `<g data-mml-node>` nesting is most of the element count of a formula.
 */
function cleanChildren(children: ElementContent[]): ElementContent[] {
  const out: ElementContent[] = [];
  for (const child of children) {
    delete child.position;
    if (child.type === 'element') {
      cleanProperties(child.properties);
      child.children = cleanChildren(child.children);
      const bare = Object.keys(child.properties).length === 0;
      if (child.tagName === 'a' || (child.tagName === 'g' && bare)) out.push(...child.children);
      else if ((child.tagName === 'g' || child.tagName === 'text') && child.children.length === 0) continue;
      else if (child.tagName === 'path' && !child.properties.d) continue;
      else {
        if (child.tagName === 'path' && typeof child.properties.d === 'string') {
          child.properties.d = compactPathData(child.properties.d);
        }
        out.push(child);
      }
    } else if (child.type === 'text') {
      out.push(child);
    }
  }
  return out;
}

/** Whether the SVG draws anything (a formula that only defines macros renders to an empty box). */
export function drawsSomething(element: Element): boolean {
  return element.children.some(
    (child) => child.type === 'element' && (DRAWING_TAGS.has(child.tagName) || drawsSomething(child)),
  );
}

interface SvgOptions {
  display: boolean;
  /** Accessible name: the TeX source. */
  label: string;
}

/** Cleans MathJax's `<svg>` in place and returns it (see the module comment). */
export function prepareMathSvg(svg: Element, options: SvgOptions): Element {
  const mathjaxStyle = parseSimpleStyle(svg.properties.style);
  const width = typeof svg.properties.width === 'string' ? exToEm(svg.properties.width) : undefined;
  const height = typeof svg.properties.height === 'string' ? exToEm(svg.properties.height) : undefined;

  cleanProperties(svg.properties);
  delete svg.properties.focusable;
  delete svg.properties.xmlnsXLink;
  delete svg.properties.style;
  svg.children = cleanChildren(svg.children);
  delete svg.position;

  const style: string[] = [];
  for (const [name, value] of mathjaxStyle) style.push(`${name}:${exToEm(value)}`);
  if (width) style.push(`width:${width}`);
  if (height) style.push(`height:${height}`);
  style.push('overflow:visible');
  // Display math scrolls inside its section instead of being squeezed by a max-width:100% from WeChat or a theme.
  if (options.display) style.push('max-width:none');

  const { xmlns, viewBox, preserveAspectRatio, width: _w, height: _h, ...rest } = svg.properties;
  // A stable attribute order keeps golden files readable: box first, then accessibility, then style.
  const properties: Properties = { xmlns, width, height, viewBox, preserveAspectRatio, ...rest };
  properties.role = 'img';
  properties.ariaLabel = options.label;
  properties.style = style.join(';');
  for (const key of Object.keys(properties)) if (properties[key] === undefined) delete properties[key];
  svg.properties = properties;
  return svg;
}

function copyProperties(properties: Properties): Properties {
  const copy: Properties = {};
  for (const [key, value] of Object.entries(properties)) copy[key] = Array.isArray(value) ? [...value] : value;
  return copy;
}

/** Deep copy of a HAST element (cached SVGs are handed out as copies: later plugins mutate the tree). */
export function cloneElement(element: Element): Element {
  return {
    type: 'element',
    tagName: element.tagName,
    properties: copyProperties(element.properties),
    children: element.children.map((child) =>
      child.type === 'element' ? cloneElement(child) : { ...child },
    ) as ElementContent[],
  };
}
