/**
 * rehypeMathSvg: TeX (from remark-math) → inline SVG that WeChat keeps (it has no MathJax/KaTeX and strips
 * <script>, <style>, ids, <defs> and <use>: docs/wechat-api.md §12).
 *
 * Input (remark-math + remark-rehype): `code.language-math.math-inline` inside text, and
 * `pre > code.language-math.math-display` (also ```math fences, which have no `math-display`).
 * Output: `<span class="wx-math-inline"><svg…></span>` and
 * `<section class="wx-math-display" style="…overflow-x:auto…"><svg…></section>` (see math/svg.ts for the SVG).
 *
 * Accessible text: the SVG gets `role="img"` and `aria-label` = the TeX source. WeChat's SVG whitelist may drop
 * `aria-label`; `<title>`/`<desc>` are no better (WeChat strips unknown SVG children, and a <title> shows as a
 * tooltip), so aria-label is the one cheap option, and it costs nothing when dropped.
 *
 * Performance: MathJax (mathjax-full, hundreds of modules) is imported the first time a post has a formula, so a post
 * without math neither loads nor pays for it; the transformer is asynchronous only that once.
 * One MathJax document per process (math/engine.ts) and a bounded LRU of rendered formulas keyed by
 * display/inline + TeX (plus the macros the post defined so far, see below). A TeX error is reported as a vfile
 * message (ruleId `math-error`) and the source is shown as inline code.
 *
 * Macros: `\newcommand`/`\def` in one formula apply to the later formulas of the same post (as in a browser) and
 * are forgotten before the next post. A formula that defines macros is always rendered (its side effect matters);
 * the formulas after it are cached under a key that includes those definitions.
 * Labels/`\ref` across formulas are not supported (each formula is compiled on its own, so caching is exact).
 */
import type { Element, ElementContent, Root } from 'hast';
import { toString } from 'hast-util-to-string';
import type { Transformer } from 'unified';
import { EXIT, SKIP, visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { defaultRenderSettings } from '../../types.js';
import { classList } from '../../util/class-names.js';
import { detach } from '../../../util/detach.js';

/** Structural style of the display wrapper: centred, never wider than the column, scrolls sideways if needed. */
export const DISPLAY_WRAPPER_STYLE = 'display:block;max-width:100%;overflow-x:auto;overflow-y:hidden;text-align:center';

type Rendered = { svg: Element } | { error: string };

/** The MathJax engine and the SVG post-processing, loaded on the first formula. */
interface MathModules {
  engine: typeof import('../../math/engine.js');
  svg: typeof import('../../math/svg.js');
}
let modules: MathModules | undefined;
let loading: Promise<MathModules> | undefined;

function loadMath(): Promise<MathModules> {
  loading ??= Promise.all([import('../../math/engine.js'), import('../../math/svg.js')]).then(([engine, svg]) => (modules = { engine, svg }));
  return loading;
}

/** Bounded LRU (Map keeps insertion order; a hit moves the entry to the end). */
const CACHE_LIMIT = 5000;
const cache = new Map<string, Rendered>();

function cacheGet(key: string): Rendered | undefined {
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
  }
  return hit;
}

function cacheSet(key: string, value: Rendered): void {
  if (cache.size >= CACHE_LIMIT) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(key, value);
}

/** Empties the formula cache (for tests and benchmarks that want cold numbers). */
export function clearMathCache(): void {
  cache.clear();
}

/** Whether the MathJax document holds macros a post defined (they must be forgotten before the next post). */
let macrosDefined = false;

function render({ engine, svg }: MathModules, tex: string, display: boolean, context: string): Rendered {
  const { definesMacros, renderTexToSvg, TexRenderError } = engine;
  const label = detach(tex.replace(/\s+/g, ' ').trim()); // kept in the formula cache: not a view of the post
  const defining = definesMacros(tex);
  const key = `${context}\u0000${display ? 'D' : 'I'}\u0000${tex}`;
  if (!defining) {
    const hit = cacheGet(key);
    if (hit) return hit;
  } else {
    macrosDefined = true;
  }
  let result: Rendered;
  try {
    result = { svg: svg.prepareMathSvg(renderTexToSvg(tex, display), { display, label }) };
  } catch (error) {
    if (!(error instanceof TexRenderError)) throw error;
    result = { error: error.message };
  }
  if (!defining) cacheSet(key, result);
  return result;
}

interface MathNode {
  tex: string;
  display: boolean;
}

function isMathCode(node: Element): boolean {
  return node.tagName === 'code' && classList(node).includes('language-math');
}

function mathOf(node: Element): MathNode | undefined {
  if (node.tagName === 'pre') {
    const elements = node.children.filter((child): child is Element => child.type === 'element');
    const code = elements[0];
    if (elements.length === 1 && code && isMathCode(code)) return { tex: toString(code).trim(), display: true };
    return undefined;
  }
  if (isMathCode(node)) return { tex: toString(node).trim(), display: classList(node).includes('math-display') };
  return undefined;
}

function excerpt(tex: string): string {
  const flat = tex.replace(/\s+/g, ' ');
  return flat.length > 40 ? `${flat.slice(0, 39)}…` : flat;
}

function fallback(tex: string, display: boolean): Element {
  const code: Element = {
    type: 'element',
    tagName: 'code',
    properties: { className: ['wx-inline-code'] },
    children: [{ type: 'text', value: tex }],
  };
  return display ? { type: 'element', tagName: 'p', properties: {}, children: [code] } : code;
}

function wrap(svg: Element, display: boolean): Element {
  return display
    ? {
        type: 'element',
        tagName: 'section',
        properties: { className: ['wx-math-display'], style: DISPLAY_WRAPPER_STYLE },
        children: [svg],
      }
    : { type: 'element', tagName: 'span', properties: { className: ['wx-math-inline'] }, children: [svg] };
}

/**
 * An inline formula at least WIDE_INLINE_EM wide (MathJax's width in the SVG's style) would push a 375 px page
 * sideways (issue 15: OI-wiki formulas up to 598 px in list items): it gets its own horizontal scroll box, and the
 * punctuation right after it moves into the box, so that "，" never wraps onto a line of its own.
 */
const WIDE_INLINE_EM = 18;
const WIDE_INLINE_STYLE = 'display:inline-block;max-width:100%;overflow-x:auto;overflow-y:hidden;vertical-align:middle;white-space:nowrap';
const TRAILING_PUNCTUATION = /^[，。、；：！？）」』”’,.;:!?)\]]+/;

function scrollWideInline(span: Element, parent: Root | Element, index: number): void {
  const svg = span.children[0];
  const width = svg?.type === 'element' ? Number(/(?:^|;)\s*width:\s*([\d.]+)em/.exec(String(svg.properties.style ?? ''))?.[1] ?? 0) : 0;
  if (width < WIDE_INLINE_EM) return;
  span.properties.style = WIDE_INLINE_STYLE;
  const next = parent.children[index + 1];
  const punctuation = next?.type === 'text' ? TRAILING_PUNCTUATION.exec(next.value)?.[0] : undefined;
  if (!punctuation || next?.type !== 'text') return;
  span.children.push({ type: 'text', value: punctuation });
  next.value = next.value.slice(punctuation.length);
  if (next.value === '') parent.children.splice(index + 1, 1);
}

/** Whether the tree holds a formula (cheap: one walk, stops at the first). */
function hasMath(tree: Root): boolean {
  let found = false;
  visit(tree, 'element', (node) => {
    if (!mathOf(node)) return;
    found = true;
    return EXIT;
  });
  return found;
}

function transform(tree: Root, file: VFile, math: MathModules): void {
  const { definesMacros, resetUserMacros } = math.engine;
  const { cloneElement, drawsSomething } = math.svg;
  const settings = file.data.settings ?? defaultRenderSettings;
  file.data.mathCount = 0;
  if (!settings.math) return;
  if (macrosDefined) {
    resetUserMacros();
    macrosDefined = false;
  }
  let context = '';
  let count = 0;
  const maxFormulas = settings.maxFormulas ?? Number.POSITIVE_INFINITY;
  visit(tree, 'element', (node, index, parent) => {
    if (!parent || index === undefined) return;
    const formula = mathOf(node);
    if (!formula) return;
    if (formula.tex === '') return SKIP;
    // Each formula is a MathJax run and an SVG of a few KB: 20,000 of them took 14 s and 1 GB. Past the limit they
    // stay TeX, and the post gets one error (docs/security.md).
    if (count >= maxFormulas) {
      if (count === maxFormulas) {
        file.message(`More than ${maxFormulas} formulas: the rest are not rendered (raise limits.formulas in wxmp.config.ts)`, { place: node.position, ruleId: 'math-too-many', source: 'wxmp' });
        count++;
      }
      parent.children[index] = fallback(formula.tex, formula.display) as ElementContent;
      return SKIP;
    }
    const result = render(math, formula.tex, formula.display, context);
    if (definesMacros(formula.tex)) context += `${formula.tex}\n`;
    // A formula that only defines macros (`$$\newcommand…$$`) shows nothing: drop it instead of an empty box.
    if ('svg' in result && !drawsSomething(result.svg) && definesMacros(formula.tex)) {
      parent.children.splice(index, 1);
      return [SKIP, index];
    }
    let replacement: Element;
    if ('svg' in result) {
      replacement = wrap(cloneElement(result.svg), formula.display);
      count++;
    } else {
      file.message(`Cannot render math \`${excerpt(formula.tex)}\`: ${result.error}`, {
        place: node.position,
        ruleId: 'math-error',
        source: 'wxmp',
      });
      replacement = fallback(formula.tex, formula.display);
    }
    if (node.position) replacement.position = node.position;
    parent.children[index] = replacement as ElementContent;
    if (!formula.display && 'svg' in result) scrollWideInline(replacement, parent, index);
    return SKIP;
  });
  file.data.mathCount = Math.min(count, maxFormulas);
}

/** Renders `$…$` and `$$…$$` to SVG when `settings.math` is on; counts formulas in `file.data.mathCount`. */
export function rehypeMathSvg(): Transformer<Root> {
  return (tree, file) => {
    const settings = file.data.settings ?? defaultRenderSettings;
    if (!settings.math || !hasMath(tree)) {
      file.data.mathCount = 0;
      return;
    }
    if (modules) return transform(tree, file, modules);
    return loadMath().then((loaded) => transform(tree, file, loaded));
  };
}
