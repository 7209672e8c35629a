/**
 * TeX → SVG (as HAST) with mathjax-full 3 in Node (liteAdaptor, no browser).
 *
 * Building the TeX input jax with all its packages takes a while, so there is ONE MathJax document per process,
 * built lazily on first use. A MathJax document is stateful in two ways that matter for us:
 *  - equation labels/tags accumulate (a second `\label{a}` would be "multiply defined"): reset before each formula;
 *  - `\newcommand`/`\def`… definitions persist across formulas, as they do in a browser page. That is what an
 *    author expects inside one post, but must not leak into the next post: `resetUserMacros()` clears them.
 */
import { mathjax } from 'mathjax-full/js/mathjax.js';
import { TeX } from 'mathjax-full/js/input/tex.js';
import { SVG } from 'mathjax-full/js/output/svg.js';
import { liteAdaptor, type LiteAdaptor } from 'mathjax-full/js/adaptors/liteAdaptor.js';
import type { LiteElement } from 'mathjax-full/js/adaptors/lite/Element.js';
import { RegisterHTMLHandler } from 'mathjax-full/js/handlers/html.js';
import { AllPackages } from 'mathjax-full/js/input/tex/AllPackages.js';
import type { MathDocument } from 'mathjax-full/js/core/MathDocument.js';
import type { LiteNode } from 'mathjax-full/js/adaptors/lite/Element.js';
import type { LiteText } from 'mathjax-full/js/adaptors/lite/Text.js';
import type { Element, ElementContent, Properties } from 'hast';

/** A TeX formula MathJax could not compile; `message` is MathJax's own text ("Missing close brace"). */
export class TexRenderError extends Error {
  override name = 'TexRenderError';
}

/**
 * Packages left out of AllPackages:
 *  - html (`\href`, `\class`, `\cssId`, `\style`): links, ids and classes inside the SVG, which WeChat strips or
 *    which would be unsafe (`\href{javascript:…}`);
 *  - action (`\toggle`, `\mathtip`): interactive, meaningless in a static article;
 *  - noerrors / noundefined: they turn errors into red output; we want the error, to report it;
 *  - (physics, require, autoload, setoptions, colorv2 are not in AllPackages: physics redefines `\Re`, `\Im`…,
 *    require/autoload need MathJax's loader.)
 */
const EXCLUDED_PACKAGES = new Set(['html', 'action', 'noerrors', 'noundefined']);
const TEX_PACKAGES: readonly string[] = AllPackages.filter((name) => !EXCLUDED_PACKAGES.has(name));

/**
 * Font metrics we tell MathJax: with em = 16 and ex = 8 (liteAdaptor's own defaults) MathJax's `ex` sizes are
 * exactly half an em, which is how svg.ts converts them to `em` (font-independent, unlike `ex`).
 */
export const EM_PX = 16;
export const EX_PX = 8;

interface Engine {
  adaptor: LiteAdaptor;
  tex: TeX<unknown, unknown, unknown>;
  document: MathDocument<unknown, unknown, unknown>;
}

let engine: Engine | undefined;

function getEngine(): Engine {
  if (engine) return engine;
  const adaptor = liteAdaptor();
  RegisterHTMLHandler(adaptor);
  const tex = new TeX({
    packages: [...TEX_PACKAGES],
    // Throw instead of producing a red <merror>: the plugin reports the error and shows the source.
    formatError: (_jax: unknown, error: Error) => {
      throw new TexRenderError(error.message);
    },
  });
  // fontCache 'none': every glyph is an inline <path>, no <defs>/<use> (WeChat strips ids, defs and use).
  const svg = new SVG({ fontCache: 'none' });
  const document = mathjax.document('', { InputJax: tex, OutputJax: svg });
  engine = { adaptor, tex, document };
  return engine;
}

/** Names under which the newcommand package keeps user definitions (NewcommandUtil.NEW_*). */
const USER_MACRO_MAPS = new Set(['new-Command', 'new-Delimiter', 'new-Environment']);

/** Whether the TeX defines macros or environments (so it has side effects and must not be served from a cache). */
export function definesMacros(tex: string): boolean {
  return /\\(?:(?:re)?newcommand|providecommand|(?:re)?newenvironment|[gex]?def|let|DeclareMathOperator|DeclarePairedDelimiter[A-Za-z]*)(?![A-Za-z])/.test(
    tex,
  );
}

/**
 * Forgets every `\newcommand`/`\def`/`\newenvironment` made so far. MathJax has no public API for this; the
 * definitions live in symbol maps of the parse options (mathjax-full 3.2, NewcommandConfiguration), which we empty.
 * test/render/math.test.ts checks that a macro defined in one post is unknown in the next.
 */
export function resetUserMacros(): void {
  if (!engine) return;
  const handlers = engine.tex.parseOptions.handlers as unknown as {
    map?: Map<string, { _configuration?: { items?: { item: { name?: string; map?: Map<string, unknown> } }[] } }>;
  };
  for (const subHandler of handlers.map?.values() ?? []) {
    for (const { item } of subHandler._configuration?.items ?? []) {
      if (item.name && USER_MACRO_MAPS.has(item.name)) item.map?.clear();
    }
  }
}

/**
 * HAST property names of the dashed SVG attributes MathJax emits. Attributes not listed and containing `-` or `:`
 * are dropped on purpose: `data-*` (MathJax's bookkeeping), `xlink:href`, `xmlns:xlink`, `pointer-events`.
 */
const DASHED_ATTRIBUTES: Readonly<Record<string, string>> = {
  'stroke-width': 'strokeWidth',
  'stroke-linecap': 'strokeLineCap',
  'stroke-linejoin': 'strokeLineJoin',
  'stroke-dasharray': 'strokeDashArray',
  'stroke-opacity': 'strokeOpacity',
  'fill-opacity': 'fillOpacity',
  'font-size': 'fontSize',
  'font-family': 'fontFamily',
  'font-weight': 'fontWeight',
  'font-style': 'fontStyle',
  'text-anchor': 'textAnchor',
};

/** Attributes never copied: ids and what references them, classes (WeChat strips them; CSS we do not ship). */
const DROPPED_ATTRIBUTES = new Set(['id', 'class', 'href', 'focusable']);

/**
 * Copies MathJax's lite DOM straight into HAST (3× faster than serialising and re-parsing the SVG markup),
 * mapping attribute names to HAST property names.
 */
function liteToHast(adaptor: LiteAdaptor, node: LiteElement): Element {
  const properties: Properties = {};
  for (const { name, value } of adaptor.allAttributes(node)) {
    if (DROPPED_ATTRIBUTES.has(name)) continue;
    if (name.includes('-') || name.includes(':')) {
      const property = DASHED_ATTRIBUTES[name];
      if (property) properties[property] = value;
    } else {
      properties[name] = value;
    }
  }
  const children: ElementContent[] = [];
  for (const child of adaptor.childNodes(node) as LiteNode[]) {
    const kind = adaptor.kind(child);
    if (kind === '#text') {
      const value = adaptor.value(child as LiteText);
      if (value) children.push({ type: 'text', value });
    }
    else if (!kind.startsWith('#')) children.push(liteToHast(adaptor, child as LiteElement));
  }
  return { type: 'element', tagName: adaptor.kind(node), properties, children };
}

/**
 * Renders one formula to a HAST `<svg>` element (MathJax's `mjx-container` dropped), still in MathJax's own
 * sizes (`ex`); math/svg.ts makes it WeChat-ready.
 * Throws `TexRenderError` for TeX errors (and lets other, unexpected errors through).
 */
export function renderTexToSvg(tex: string, display: boolean): Element {
  const { adaptor, tex: input, document } = getEngine();
  input.reset();
  let container;
  try {
    container = document.convert(tex, { display, em: EM_PX, ex: EX_PX, containerWidth: 80 * EM_PX });
  } catch (error) {
    if (error instanceof TexRenderError) throw error;
    // MathJax sometimes throws plain Errors or strings for bad input (e.g. mhchem); report them the same way.
    throw new TexRenderError(error instanceof Error ? error.message : String(error));
  }
  const svg = adaptor.firstChild(container as LiteElement);
  if (!svg || adaptor.kind(svg) !== 'svg') throw new TexRenderError('MathJax produced no SVG');
  return liteToHast(adaptor, svg as LiteElement);
}
